//! Merge rule (quy tắc sáp nhập): how the status and values of old communes combine into the
//! new commune, as data (`catalog/merge-rule-default.toml`, replaced by `--rule FILE`). Every
//! entry carries its basis: a citation, or `assumption: …`.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Diagnostic, Error, Result};
use crate::text;

/// Text of the default rule, compiled in.
pub const DEFAULT_TEXT: &str = include_str!("../../catalog/merge-rule-default.toml");

/// Id of the default rule.
pub const DEFAULT_ID: &str = "merge-rule-default";

/// How members' yes/no status combines (tiêu chí của xã mới).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StatusCombine {
    /// Met only when every member met it (tất cả xã thành viên đạt).
    AllMembers,
    /// Met when any member met it.
    AnyMember,
}

/// How members' counts combine (villages).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CountCombine {
    /// Sum (cộng).
    Sum,
    /// Not carried: must be re-assessed (phải đánh giá lại).
    ReAssess,
}

/// How members' attributes combine (đặc điểm xã).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AttributeCombine {
    /// Kept when every member has it.
    AllMembers,
    /// Kept when any member has it.
    AnyMember,
    /// Dropped: must be re-assessed.
    ReAssess,
}

/// How members' indicator values combine (cách gộp giá trị chỉ tiêu), by the value's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ValueCombine {
    /// Counts and lengths: the sum (tổng).
    Sum,
    /// Per-person values such as income: mean weighted by population (bình quân theo dân số).
    PopulationWeightedMean,
    /// Household rates such as poverty: mean weighted by households (bình quân theo số hộ).
    HouseholdWeightedMean,
    /// Not combined: must be re-assessed.
    ReAssess,
}

impl ValueCombine {
    /// Vietnamese and English label.
    pub fn label(self) -> &'static str {
        match self {
            ValueCombine::Sum => "tổng (sum)",
            ValueCombine::PopulationWeightedMean => {
                "bình quân gia quyền theo dân số (population-weighted mean)"
            }
            ValueCombine::HouseholdWeightedMean => {
                "bình quân gia quyền theo số hộ (household-weighted mean)"
            }
            ValueCombine::ReAssess => "phải đánh giá lại (must be re-assessed)",
        }
    }
}

/// A yes/no status rule with its basis.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusRule {
    /// How it combines.
    pub combine: StatusCombine,
    /// Citation or `assumption: …`.
    pub basis: String,
    /// The basis in Vietnamese (căn cứ / giả định), shown first.
    #[serde(default)]
    pub note_vi: Option<String>,
}

/// A count rule with its basis.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CountRule {
    /// How it combines.
    pub combine: CountCombine,
    /// Citation or `assumption: …`.
    pub basis: String,
    /// The basis in Vietnamese (căn cứ / giả định), shown first.
    #[serde(default)]
    pub note_vi: Option<String>,
}

/// The rule of one attribute.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttributeRule {
    /// Attribute, e.g. `difficult`.
    pub id: String,
    /// How it combines.
    pub combine: AttributeCombine,
    /// Citation or `assumption: …`.
    pub basis: String,
    /// The basis in Vietnamese (căn cứ / giả định), shown first.
    #[serde(default)]
    pub note_vi: Option<String>,
}

/// The rule of one indicator.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorRule {
    /// Indicator id, e.g. `income-per-capita`.
    pub id: String,
    /// How it combines.
    pub combine: ValueCombine,
    /// Decimals a combined mean is rounded to, half up (none: exact).
    #[serde(default)]
    pub places: Option<u32>,
    /// Citation or `assumption: …`.
    pub basis: String,
    /// The basis in Vietnamese (căn cứ / giả định), shown first.
    #[serde(default)]
    pub note_vi: Option<String>,
}

/// A merge rule.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MergeRule {
    /// Id.
    pub id: String,
    /// Vietnamese title.
    pub title_vi: String,
    /// English title.
    pub title_en: String,
    /// Standard criteria (tiêu chí xã NTM).
    pub criteria: StatusRule,
    /// Criteria of the advanced set (tiêu chí NTM nâng cao).
    pub advanced_criteria: StatusRule,
    /// QĐ 319 conditions of the model tier (điều kiện kiểu mẫu).
    pub model_conditions: StatusRule,
    /// Villages and villages at standard.
    pub villages: CountRule,
    /// Attributes; one not listed must be re-assessed.
    #[serde(default)]
    pub attributes: Vec<AttributeRule>,
    /// Indicators; one not listed must be re-assessed.
    #[serde(default)]
    pub indicators: Vec<IndicatorRule>,
}

/// Whether a basis is an assumption (giả định) rather than a citation.
pub fn is_assumption(basis: &str) -> bool {
    basis.trim_start().to_lowercase().starts_with("assumption")
}

impl MergeRule {
    /// The default rule (every entry an assumption).
    pub fn default_rule() -> Result<MergeRule> {
        MergeRule::parse(DEFAULT_TEXT, Path::new("<built-in merge-rule-default>"))
    }

    /// Loads a rule file.
    pub fn load(path: &Path) -> Result<MergeRule> {
        let text = text::read_toml_text(path)?;
        MergeRule::parse(&text, path)
    }

    /// Parses and validates a rule: every entry has a basis, no attribute or indicator twice.
    pub fn parse(text: &str, path: &Path) -> Result<MergeRule> {
        let rule: MergeRule = text::parse_toml(text, path)?;
        let mut problems = Vec::new();
        let mut bases: Vec<(&str, &str)> = vec![
            ("criteria", &rule.criteria.basis),
            ("advanced_criteria", &rule.advanced_criteria.basis),
            ("model_conditions", &rule.model_conditions.basis),
            ("villages", &rule.villages.basis),
        ];
        bases.extend(
            rule.attributes
                .iter()
                .map(|a| (a.id.as_str(), a.basis.as_str())),
        );
        bases.extend(
            rule.indicators
                .iter()
                .map(|i| (i.id.as_str(), i.basis.as_str())),
        );
        for (what, basis) in bases {
            if basis.trim().is_empty() {
                problems.push(
                    Diagnostic::new(
                        path,
                        text::line_of(text, what),
                        format!("`{what}` has no basis"),
                    )
                    .hint("cite the guidance it follows, or write `basis = \"assumption: …\"`"),
                );
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        for id in rule
            .attributes
            .iter()
            .map(|a| format!("attribute {}", a.id))
            .chain(
                rule.indicators
                    .iter()
                    .map(|i| format!("indicator {}", i.id)),
            )
        {
            if !seen.insert(id.clone()) {
                problems.push(
                    Diagnostic::new(path, None, format!("{id} has two rules"))
                        .hint("keep one entry per attribute and indicator"),
                );
            }
        }
        for a in &rule.attributes {
            if !crate::catalog::ATTRIBUTES.contains(&a.id.as_str()) {
                problems.push(
                    Diagnostic::new(
                        path,
                        text::line_of(text, &format!("\"{}\"", a.id)),
                        format!("unknown attribute `{}`", a.id),
                    )
                    .hint(format!(
                        "attributes are {}",
                        crate::catalog::ATTRIBUTES.join(", ")
                    )),
                );
            }
        }
        if problems.is_empty() {
            Ok(rule)
        } else {
            Err(Error::Invalid(problems))
        }
    }

    /// The rule of an indicator, if any.
    pub fn indicator(&self, id: &str) -> Option<&IndicatorRule> {
        self.indicators.iter().find(|i| i.id == id)
    }

    /// The rule of an attribute, if any.
    pub fn attribute(&self, id: &str) -> Option<&AttributeRule> {
        self.attributes.iter().find(|a| a.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_rule_loads_and_every_entry_is_an_assumption() {
        let rule = MergeRule::default_rule().unwrap();
        assert_eq!(rule.id, DEFAULT_ID);
        assert_eq!(rule.criteria.combine, StatusCombine::AllMembers);
        assert!(is_assumption(&rule.criteria.basis));
        assert!(rule.indicators.iter().all(|i| is_assumption(&i.basis)));
        assert_eq!(
            rule.indicator("income-per-capita").map(|i| i.combine),
            Some(ValueCombine::PopulationWeightedMean)
        );
    }
}
