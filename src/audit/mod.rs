//! Audit (kiểm tra số liệu công bố): checks every figure a plan publishes against the others it
//! must agree with, before anyone plans on them. Each finding names the figures with their
//! sources, shows the arithmetic and says what would make the figures consistent.
//!
//! Families of checks: [`funding`] (parts vs totals, stated shares), [`status`] (communes,
//! bands, tiers, averages, per-criterion counts, the counting test of
//! [`crate::consistency`], villages, commune data vs published figures) and [`targets`]
//! (baseline, commune count, averages, bands, feasibility). A scenario that lacks some
//! figures is audited on what it has.

mod funding;
mod status;
mod targets;
mod words;

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::bilingual::{self, Bilingual};
use crate::catalog::Catalog;
use crate::consistency::RowGroup;
use crate::number::{format_fixed, format_trimmed, NumberStyle};
use crate::scenario::Scenario;

/// How serious a finding is (mức độ).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// The figures cannot all be right (lỗi).
    Error,
    /// Possible, but probably not meant (cảnh báo).
    Warning,
    /// Worth knowing, e.g. what an unpublished figure must be (thông tin).
    Info,
}

impl Severity {
    /// Machine name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// A published figure a check used, with where it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Figure {
    /// Field path, e.g. `published.funding.carryover`, `published.criteria.c2`, `target.2023.c2`.
    pub name: String,
    /// Label as the document writes it, or an English description.
    pub label: String,
    /// Label in Vietnamese (as the document writes it, e.g. `Tổng vốn`, `số xã đạt chuẩn`).
    pub label_vi: String,
    /// Value as published.
    pub value: String,
    /// Unit, e.g. `million VND`, `communes`.
    pub unit: String,
    /// Unit in Vietnamese, e.g. `triệu đồng`, `xã`.
    pub unit_vi: String,
    /// Document and section (empty when the scenario gives none).
    pub source: String,
    /// The source in Vietnamese: the same citation, or ntm's own words for where the numbers
    /// come from (`dữ liệu giả lập: …`).
    pub source_vi: String,
}

impl Figure {
    /// A figure with its label and source in both languages and its unit in English (the
    /// Vietnamese unit comes from the audit's words).
    fn new(
        name: impl Into<String>,
        label: Bilingual,
        value: impl ToString,
        unit: &str,
        source: Bilingual,
    ) -> Figure {
        Figure {
            name: name.into(),
            label: label.en,
            label_vi: label.vi,
            value: value.to_string(),
            unit: unit.to_string(),
            unit_vi: words::unit_vi(unit),
            source: source.en,
            source_vi: source.vi,
        }
    }
}

/// A check that failed or has something to say.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Check id, e.g. `funding-parts`.
    pub check: &'static str,
    /// Severity.
    pub severity: Severity,
    /// What is wrong, in one sentence (English).
    pub message: String,
    /// The same sentence in Vietnamese (phát hiện), which people read first.
    pub message_vi: String,
    /// The figures involved.
    pub figures: Vec<Figure>,
    /// The arithmetic, one step per line (English).
    pub arithmetic: Vec<String>,
    /// The same arithmetic in Vietnamese (phép tính).
    pub arithmetic_vi: Vec<String>,
    /// What would make the figures consistent (English).
    pub fix: Option<String>,
    /// The same in Vietnamese (để khớp).
    pub fix_vi: Option<String>,
}

/// A check that holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Passed {
    /// Check id.
    pub check: &'static str,
    /// What holds (English).
    pub message: String,
    /// The same in Vietnamese.
    pub message_vi: String,
    /// The figures involved.
    pub figures: Vec<Figure>,
    /// The arithmetic (English).
    pub arithmetic: Vec<String>,
    /// The same arithmetic in Vietnamese (phép tính).
    pub arithmetic_vi: Vec<String>,
}

/// Counts of the outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AuditSummary {
    /// Findings of severity error.
    pub errors: usize,
    /// Findings of severity warning.
    pub warnings: usize,
    /// Findings of severity info.
    pub infos: usize,
    /// Checks that hold.
    pub passed: usize,
}

/// Result of `ntm audit`.
#[derive(Debug, Clone, Serialize)]
pub struct Audit {
    /// Scenario name.
    pub scenario: String,
    /// Present when the scenario's commune data is synthetic.
    pub synthetic: Option<String>,
    /// Counts.
    pub summary: AuditSummary,
    /// Findings, errors first, then in check order.
    pub findings: Vec<Finding>,
    /// Checks that hold.
    pub passed: Vec<Passed>,
}

/// Collects findings and passed checks while the families run, writing numbers in `style`.
#[derive(Debug, Default)]
struct Recorder {
    findings: Vec<Finding>,
    passed: Vec<Passed>,
    style: NumberStyle,
}

impl Recorder {
    /// A figure for a sentence: grouped in the audit's style, exact to the đồng (million VND at
    /// six decimals at most), no trailing zeros (4.916.475; 3.900,5).
    fn num(&self, value: Decimal) -> String {
        format_trimmed(value, 6, self.style)
    }

    /// A published figure with the decimals it was published with (12,50 stays 12,50).
    fn published(&self, value: Decimal) -> String {
        format_fixed(value, value.scale(), self.style)
    }

    /// A count for a sentence, grouped in the audit's style (1.049).
    fn count(&self, n: impl Into<u64>) -> String {
        crate::number::format_count(n.into(), self.style)
    }

    fn find(&mut self, finding: Finding) {
        self.findings.push(finding);
    }

    /// A check that holds, said in Vietnamese and in English (`(vi, en)`).
    fn pass(
        &mut self,
        check: &'static str,
        (message_vi, message): (String, String),
        figures: Vec<Figure>,
        arithmetic: Vec<Bilingual>,
    ) {
        self.passed.push(Passed {
            check,
            message,
            message_vi,
            figures,
            arithmetic: bilingual::en(&arithmetic),
            arithmetic_vi: bilingual::vi(&arithmetic),
        });
    }
}

/// Audits the published figures and targets of a scenario (communes and projects optional),
/// with numbers in the Vietnamese style.
pub fn audit(scenario: &Scenario) -> Audit {
    audit_with(scenario, NumberStyle::Vietnamese)
}

/// Audits a scenario, writing the numbers of findings and arithmetic in `style`.
pub fn audit_with(scenario: &Scenario, style: NumberStyle) -> Audit {
    let mut r = Recorder {
        style,
        ..Recorder::default()
    };
    funding::check(scenario, &mut r);
    status::check(scenario, &mut r);
    targets::check(scenario, &mut r);
    let mut findings = r.findings;
    findings.sort_by_key(|f| f.severity);
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    Audit {
        scenario: scenario.name.clone(),
        synthetic: scenario.synthetic.clone(),
        summary: AuditSummary {
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            infos: count(Severity::Info),
            passed: r.passed.len(),
        },
        findings,
        passed: r.passed,
    }
}

/// Source of a published field: the longest matching key of `scenario.sources`
/// (`published.criteria.c2`, then `published.criteria`, then `criteria`, then `published`).
fn source_of(scenario: &Scenario, key: &str) -> String {
    let mut candidates = Vec::new();
    let mut k = key;
    loop {
        candidates.push(k);
        if let Some(short) = k.strip_prefix("published.") {
            candidates.push(short);
        }
        match k.rfind('.') {
            Some(i) => k = &k[..i],
            None => break,
        }
    }
    candidates
        .iter()
        .find_map(|k| scenario.sources.get(*k))
        .cloned()
        .unwrap_or_default()
}

/// A published count as a figure.
fn count_figure(scenario: &Scenario, name: &str, label: Bilingual, value: impl ToString) -> Figure {
    Figure::new(
        name,
        label,
        value,
        "communes",
        Bilingual::same(source_of(scenario, name)),
    )
}

/// Half a unit of the last published decimal: `12.5` → 0.05, `13` → 0.5 (the rounding slack).
/// Criteria of the catalog that have no count in `counts`, in catalog order.
fn missing_criteria(catalog: &Catalog, counts: &BTreeMap<u8, u32>) -> Vec<u8> {
    catalog
        .criteria
        .iter()
        .map(|c| c.id)
        .filter(|id| !counts.contains_key(id))
        .collect()
}

fn rounding_slack(value: Decimal) -> Decimal {
    Decimal::try_new(5, value.scale() + 1).unwrap_or(Decimal::new(5, 28))
}

/// Row groups for the counting test from band counts: known bands, then the remaining
/// communes in one group spanning the unpublished bands. `None` when the bands hold more
/// communes than there are, or the rest fit no band.
fn row_groups(
    catalog: &Catalog,
    communes: u32,
    bands: &BTreeMap<String, u32>,
) -> Option<Vec<RowGroup>> {
    let mut groups = Vec::new();
    let mut banded = 0u64;
    let mut rest_min = u32::MAX;
    let mut rest_max = 0u32;
    for band in &catalog.bands {
        match bands.get(&band.id) {
            Some(&n) => {
                banded += u64::from(n);
                groups.push(RowGroup {
                    label: format!("band {}", band.id),
                    label_vi: format!("nhóm {}", band.id),
                    min: u32::from(band.min),
                    max: u32::from(band.max),
                    communes: n,
                });
            }
            None => {
                rest_min = rest_min.min(u32::from(band.min));
                rest_max = rest_max.max(u32::from(band.max));
            }
        }
    }
    let rest = u32::try_from(u64::from(communes).checked_sub(banded)?).ok()?;
    if rest > 0 {
        if rest_min > rest_max {
            return None;
        }
        groups.push(RowGroup {
            label: "unpublished bands".into(),
            label_vi: "các nhóm không công bố".into(),
            min: rest_min,
            max: rest_max,
            communes: rest,
        });
    }
    Some(groups)
}

/// Band counts in catalog order (highest band first), then bands the catalog does not know.
fn bands_in_order<'a>(catalog: &Catalog, bands: &'a BTreeMap<String, u32>) -> Vec<(&'a str, u32)> {
    let known = catalog
        .bands
        .iter()
        .filter_map(|b| bands.get_key_value(&b.id));
    let unknown = bands
        .iter()
        .filter(|(id, _)| !catalog.bands.iter().any(|b| &b.id == *id));
    known
        .chain(unknown)
        .map(|(id, n)| (id.as_str(), *n))
        .collect()
}

/// Id of the band of communes meeting every criterion (`19`).
fn top_band(catalog: &Catalog) -> Option<String> {
    let all = u32::try_from(catalog.criteria_count()).ok()?;
    catalog.band_of(all).map(|b| b.id.clone())
}

/// Criterion id of a `c2`-style key.
fn criterion_key(key: &str) -> Option<u8> {
    key.trim().strip_prefix(['c', 'C'])?.parse().ok()
}

/// `c1, c12` for a list of ids.
fn criteria_list(ids: &[u8]) -> String {
    ids.iter()
        .map(|c| format!("c{c}"))
        .collect::<Vec<_>>()
        .join(" + ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_are_grouped_the_vietnamese_way_or_by_switch() {
        let vi = Recorder::default();
        assert_eq!(vi.num(Decimal::from(4_916_475)), "4.916.475");
        assert_eq!(vi.num(Decimal::new(-40769, 0)), "-40.769");
        assert_eq!(vi.num(Decimal::new(39005, 1)), "3.900,5");
        assert_eq!(vi.num(Decimal::new(100, 0)), "100");
        let en = Recorder {
            style: NumberStyle::English,
            ..Recorder::default()
        };
        assert_eq!(en.num(Decimal::new(39005, 1)), "3,900.5");
    }

    #[test]
    fn slack_follows_the_published_decimals() {
        assert_eq!(rounding_slack(Decimal::new(125, 1)), Decimal::new(5, 2));
        assert_eq!(rounding_slack(Decimal::from(13)), Decimal::new(5, 1));
    }
}
