//! Project category (nhóm dự án): a closed vocabulary, parsed once where it is read, with
//! Vietnamese names as aliases and a "did you mean" for typos.

use serde::{Deserialize, Serialize};

/// What kind of work a project is; capital sources are eligible per category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// Quy hoạch.
    Planning,
    /// Giao thông.
    Transport,
    /// Thủy lợi.
    Irrigation,
    /// Điện.
    Electricity,
    /// Trường học.
    School,
    /// Cơ sở vật chất văn hóa.
    CulturalFacility,
    /// Hạ tầng thương mại nông thôn.
    Commerce,
    /// Thông tin và truyền thông.
    Ict,
    /// Nhà ở dân cư.
    Housing,
    /// Tổ chức sản xuất.
    Production,
    /// Thu nhập, sinh kế.
    Livelihood,
    /// Giáo dục và đào tạo.
    Training,
    /// Y tế.
    Health,
    /// Văn hóa.
    Culture,
    /// Môi trường.
    Environment,
    /// Hệ thống chính trị.
    Governance,
    /// Quốc phòng và an ninh.
    Security,
}

impl Category {
    /// Every category, with its id and Vietnamese names (the first is the display name).
    pub const ALL: [(Category, &'static str, &'static [&'static str]); 17] = [
        (Category::Planning, "planning", &["quy hoạch"]),
        (Category::Transport, "transport", &["giao thông"]),
        (
            Category::Irrigation,
            "irrigation",
            &["thủy lợi", "thuỷ lợi"],
        ),
        (Category::Electricity, "electricity", &["điện"]),
        (Category::School, "school", &["trường học"]),
        (
            Category::CulturalFacility,
            "cultural-facility",
            &[
                "cơ sở vật chất văn hóa",
                "cơ sở vật chất văn hoá",
                "nhà văn hóa",
                "nhà văn hoá",
            ],
        ),
        (
            Category::Commerce,
            "commerce",
            &["thương mại", "hạ tầng thương mại", "chợ"],
        ),
        (
            Category::Ict,
            "ict",
            &["thông tin và truyền thông", "thông tin truyền thông"],
        ),
        (Category::Housing, "housing", &["nhà ở", "nhà ở dân cư"]),
        (
            Category::Production,
            "production",
            &["sản xuất", "tổ chức sản xuất"],
        ),
        (Category::Livelihood, "livelihood", &["thu nhập", "sinh kế"]),
        (
            Category::Training,
            "training",
            &["đào tạo", "giáo dục và đào tạo", "đào tạo nghề"],
        ),
        (Category::Health, "health", &["y tế"]),
        (Category::Culture, "culture", &["văn hóa", "văn hoá"]),
        (Category::Environment, "environment", &["môi trường"]),
        (Category::Governance, "governance", &["hệ thống chính trị"]),
        (
            Category::Security,
            "security",
            &["quốc phòng và an ninh", "an ninh", "quốc phòng"],
        ),
    ];

    /// The id, e.g. `cultural-facility`.
    pub fn as_str(self) -> &'static str {
        Category::ALL
            .iter()
            .find(|(c, _, _)| *c == self)
            .map_or("", |(_, id, _)| id)
    }

    /// Vietnamese name.
    pub fn name_vi(self) -> &'static str {
        Category::ALL
            .iter()
            .find(|(c, _, _)| *c == self)
            .map_or("", |(_, _, vi)| vi[0])
    }

    /// Parses an id or a Vietnamese name (any case, spaces or underscores for hyphens); an
    /// unknown word is an error that suggests the nearest category.
    pub fn parse(text: &str) -> Result<Category, String> {
        let key = crate::text::name(text).to_lowercase();
        let hyphened = key.replace(['_', ' '], "-");
        if let Some((c, _, _)) = Category::ALL
            .iter()
            .find(|(_, id, vi)| *id == hyphened || vi.contains(&key.as_str()))
        {
            return Ok(*c);
        }
        let nearest = Category::ALL
            .iter()
            .flat_map(|(_, id, vi)| {
                std::iter::once(*id)
                    .chain(vi.iter().copied())
                    .map(|w| (w, *id))
            })
            .map(|(word, id)| (strsim::levenshtein(&key, word), id))
            .min();
        let list = Category::ALL
            .iter()
            .map(|(_, id, _)| *id)
            .collect::<Vec<_>>()
            .join(", ");
        Err(match nearest {
            Some((distance, id)) if distance <= 3 => {
                format!("unknown category `{text}` (did you mean `{id}`?); categories: {list}")
            }
            _ => format!("unknown category `{text}`; categories: {list}"),
        })
    }
}

impl AsRef<str> for Category {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

/// A category reads as its id wherever text is expected (`source.funds(&project.category)`).
impl std::ops::Deref for Category {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl std::fmt::Display for Category {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_vietnamese_names_and_spellings_parse() {
        assert_eq!(Category::parse("transport"), Ok(Category::Transport));
        assert_eq!(Category::parse("Giao thông"), Ok(Category::Transport));
        assert_eq!(Category::parse(" giao thông "), Ok(Category::Transport));
        assert_eq!(
            Category::parse("cultural facility"),
            Ok(Category::CulturalFacility)
        );
        assert_eq!(Category::parse("thuỷ lợi"), Ok(Category::Irrigation));
        assert_eq!(Category::ALL.len(), 17);
        for (c, id, _) in Category::ALL {
            assert_eq!(c.as_str(), id);
            assert_eq!(serde_json::to_value(c).unwrap(), id);
        }
    }

    #[test]
    fn a_typo_suggests_the_nearest_category() {
        let e = Category::parse("transprot").unwrap_err();
        assert!(e.contains("did you mean `transport`?"), "{e}");
        let e = Category::parse("giao thong").unwrap_err();
        assert!(e.contains("did you mean `transport`?"), "{e}");
        let e = Category::parse("rockets").unwrap_err();
        assert!(!e.contains("did you mean"), "{e}");
        assert!(e.contains("planning, transport"), "{e}");
    }
}
