//! Indicators (chỉ tiêu) that decide a criterion from a measured value: income per person,
//! poverty rate… Each has a comparison and thresholds keyed by region, commune group and year
//! (any of them), each with its source; a commune attribute may switch the region whose
//! thresholds apply (QĐ 318 Điều 1: especially difficult communes use the
//! northern-midlands-mountains thresholds), and the commune's group (nhóm xã, QĐ 51/2025)
//! picks the group's threshold.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Commune attributes the catalog and rules know (đặc điểm xã).
///
/// The last six are the facts QĐ 51/2025/QĐ-TTg, Phụ lục I assigns a commune's group from:
/// `urban-adjacent` (liền kề đô thị hiện hữu), `urban-oriented` (có định hướng phát triển thành
/// đô thị), `agriculture-under-10` (tỷ trọng ngành nông nghiệp trong cơ cấu kinh tế dưới 10%),
/// `new-urban-area` (được định hướng là đô thị mới), `ethnic-area-ii` / `ethnic-area-iii` (xã
/// khu vực II / III thuộc vùng đồng bào dân tộc thiểu số và miền núi).
pub const ATTRIBUTES: &[&str] = &[
    "difficult",
    "atk",
    "border",
    "urban-adjacent",
    "urban-oriented",
    "agriculture-under-10",
    "new-urban-area",
    "ethnic-area-ii",
    "ethnic-area-iii",
];

/// A commune group (nhóm xã) of QĐ 51/2025/QĐ-TTg: each indicator's threshold is set per group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CommuneGroup {
    /// Xã nhóm 1: next to an existing urban area and oriented to become urban, or agriculture
    /// under 10 % of the economy, or designated a new urban area.
    One,
    /// Xã nhóm 2: neither group 1 nor group 3.
    Two,
    /// Xã nhóm 3: khu vực II and III communes of ethnic-minority and mountain areas.
    Three,
}

impl CommuneGroup {
    /// All groups in order.
    pub const ALL: [CommuneGroup; 3] = [CommuneGroup::One, CommuneGroup::Two, CommuneGroup::Three];

    /// The group's number, 1..=3.
    pub fn number(self) -> u8 {
        match self {
            CommuneGroup::One => 1,
            CommuneGroup::Two => 2,
            CommuneGroup::Three => 3,
        }
    }

    /// The group of number `n`.
    pub fn from_number(n: u8) -> Option<CommuneGroup> {
        CommuneGroup::ALL.into_iter().find(|g| g.number() == n)
    }

    /// "nhóm 2".
    pub fn label_vi(self) -> String {
        format!("nhóm {}", self.number())
    }

    /// "nhóm 2, nhóm 3": groups as a list.
    pub fn list_vi(groups: &[CommuneGroup]) -> String {
        groups
            .iter()
            .map(|g| g.label_vi())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Parses `1`, `nhóm 1`, `nhom 1`, `nhom-1`, `group 1`, `group-1`, `xã nhóm 1` (any case); an
    /// unknown value says which are known and, for a near miss, which was meant.
    pub fn parse(text: &str) -> std::result::Result<CommuneGroup, String> {
        let key = crate::text::name(text).to_lowercase();
        let squeezed: String = key.trim_start_matches("xã ").replace(['-', '_', ' '], "");
        for prefix in ["nhóm", "nhom", "group", "g", ""] {
            if let Some(n) = squeezed.strip_prefix(prefix) {
                if let Some(g) = n.parse::<u8>().ok().and_then(CommuneGroup::from_number) {
                    return Ok(g);
                }
            }
        }
        let known = ["1", "2", "3", "nhóm 1", "nhóm 2", "nhóm 3"];
        let nearest = known
            .iter()
            .map(|k| (strsim::levenshtein(&key, k), *k))
            .min();
        Err(match nearest {
            Some((d, k)) if d <= 2 && !key.is_empty() => format!(
                "unknown commune group `{text}` (did you mean `{k}`?); groups: 1, 2, 3 (nhóm 1, nhóm 2, nhóm 3)"
            ),
            _ => format!("unknown commune group `{text}`; groups: 1, 2, 3 (nhóm 1, nhóm 2, nhóm 3)"),
        })
    }
}

impl Serialize for CommuneGroup {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(self.number())
    }
}

impl<'de> Deserialize<'de> for CommuneGroup {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<CommuneGroup, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Number(i64),
            Text(String),
        }
        let text = match Raw::deserialize(d)? {
            Raw::Number(n) => n.to_string(),
            Raw::Text(t) => t,
        };
        CommuneGroup::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl std::fmt::Display for CommuneGroup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.label_vi())
    }
}

/// The rule that puts a commune in a group (tiêu chí phân nhóm xã): the commune belongs to the
/// group when it has every attribute of at least one of `any_of`; the group with `otherwise`
/// takes every commune no other rule takes.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupRule {
    /// The group.
    pub group: CommuneGroup,
    /// Vietnamese name, e.g. `Xã nhóm 1`.
    pub name_vi: String,
    /// English name.
    pub name_en: String,
    /// The rule as the law words it.
    pub rule_vi: String,
    /// Alternatives, each a list of attributes that must all hold.
    #[serde(default)]
    pub any_of: Vec<Vec<String>>,
    /// This group takes the communes no other group takes.
    #[serde(default)]
    pub otherwise: bool,
    /// Document and article.
    pub source: String,
}

/// What a catalog's group rules say of one commune.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupByRule {
    /// The catalog has no groups.
    NoGroups,
    /// Exactly one group fits.
    One(CommuneGroup),
    /// The attributes fit several groups (e.g. a khu vực III commune next to a town): the
    /// law does not rank them, so the communes file must say which.
    Several(Vec<CommuneGroup>),
}

/// How a value meets its threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Comparison {
    /// Value ≥ threshold (e.g. income).
    AtLeast,
    /// Value ≤ threshold (e.g. poverty rate).
    AtMost,
}

/// Kind of value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ValueKind {
    /// An amount in the indicator's unit.
    Amount,
    /// A percentage.
    Percent,
}

/// A threshold (ngưỡng) for a region, a commune group and a year: each key that is set must match
/// the commune's; a key left out applies to every value of it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Threshold {
    /// Region id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Commune group (nhóm xã).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<CommuneGroup>,
    /// Year it applies to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<u16>,
    /// The threshold, in the indicator's unit, as written (`"36"`, `"12,5"`).
    pub value: String,
    /// Document and article.
    pub source: String,
}

/// An indicator deciding a criterion.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    /// Id, e.g. `income-per-capita`.
    pub id: String,
    /// The criterion it decides.
    pub criterion: u8,
    /// Vietnamese name.
    pub name_vi: String,
    /// English name.
    pub name_en: String,
    /// Unit as the law writes it, e.g. `triệu đồng/người`.
    pub unit: String,
    /// Kind of value.
    pub kind: ValueKind,
    /// How a value meets the threshold.
    pub comparison: Comparison,
    /// Thresholds by region and year.
    #[serde(default)]
    pub thresholds: Vec<Threshold>,
    /// Legal source of the indicator.
    pub source: String,
}

impl Threshold {
    /// The threshold as a number (validated when the catalog loads).
    pub fn amount(&self) -> rust_decimal::Decimal {
        crate::number::parse_decimal(&self.value).unwrap_or_default()
    }

    /// Whether it applies to a commune of `region` and `group` in `year`.
    pub fn applies(&self, region: Option<&str>, group: Option<CommuneGroup>, year: u16) -> bool {
        self.region.as_deref().is_none_or(|r| Some(r) == region)
            && self.group.is_none_or(|g| Some(g) == group)
            && self.year.is_none_or(|y| y == year)
    }

    /// The keys it is set for, e.g. `nhóm 3 2027` (for messages).
    pub fn keys(&self) -> String {
        let mut keys = Vec::new();
        if let Some(r) = &self.region {
            keys.push(r.clone());
        }
        if let Some(g) = self.group {
            keys.push(g.label_vi());
        }
        if let Some(y) = self.year {
            keys.push(y.to_string());
        }
        if keys.is_empty() {
            "every commune".into()
        } else {
            keys.join(" ")
        }
    }

    /// Same keys as `other` (a province threshold replaces the national one with the same keys).
    pub fn same_keys(&self, other: &Threshold) -> bool {
        self.region == other.region && self.group == other.group && self.year == other.year
    }

    fn specificity(&self) -> usize {
        usize::from(self.region.is_some())
            + usize::from(self.group.is_some())
            + usize::from(self.year.is_some())
    }
}

impl Indicator {
    /// The threshold for a commune of `region` and `group` in `year`: of those that apply, the
    /// one set for the most keys (the first such in the file).
    pub fn threshold(
        &self,
        region: Option<&str>,
        group: Option<CommuneGroup>,
        year: u16,
    ) -> Option<&Threshold> {
        let mut best: Option<&Threshold> = None;
        for t in self
            .thresholds
            .iter()
            .filter(|t| t.applies(region, group, year))
        {
            if best.is_none_or(|b| t.specificity() > b.specificity()) {
                best = Some(t);
            }
        }
        best
    }
}

/// Communes with `attribute` use the thresholds of `region` (ngưỡng áp dụng theo đặc điểm xã).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorOverride {
    /// Commune attribute, e.g. `difficult` (xã ĐBKK).
    pub attribute: String,
    /// Region whose thresholds apply.
    pub region: String,
    /// Document and article.
    pub source: String,
}
