//! Indicators (chỉ tiêu) that decide a criterion from a measured value: income per person,
//! poverty rate… Each has a comparison and a threshold per region and year, each with its
//! source; a commune attribute may switch the region whose thresholds apply (QĐ 318 Điều 1:
//! especially difficult communes use the northern-midlands-mountains thresholds).

use serde::{Deserialize, Serialize};

/// Commune attributes the catalog and rules know (đặc điểm xã).
pub const ATTRIBUTES: &[&str] = &["difficult", "atk", "border"];

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

/// A threshold for one region and year (ngưỡng).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Threshold {
    /// Region id.
    pub region: String,
    /// Year it applies to.
    pub year: u16,
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
}

impl Indicator {
    /// The threshold for `region` in `year`.
    pub fn threshold(&self, region: &str, year: u16) -> Option<&Threshold> {
        self.thresholds
            .iter()
            .find(|t| t.region == region && t.year == year)
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
