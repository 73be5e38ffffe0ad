//! Allocation rules (nguyên tắc, tiêu chí, định mức phân bổ vốn): how a province divides capital
//! among its communes, as versioned data files (`rules/*.toml`) with a source for every value.
//!
//! A rule weights each commune by a coefficient on its status (band or tier) and attributes,
//! keeps set-aside shares at province level, applies floors and caps per commune, rounds at its
//! unit, and may require a local counterpart. [`allocate()`] divides the money, [`simulate()`]
//! shows what communes do with it.

mod allocate;
mod simulate;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::catalog::TierId;
use crate::error::{Diagnostic, Error, Result};
use crate::evaluate::CommuneStatus;
use crate::number::{format_fixed, NumberStyle};
use crate::scenario::{Amount, Commune, Scenario};
use crate::text;

pub use allocate::{
    allocate, largest_remainder, AllocateOptions, Allocation, CommuneAllocation,
    CounterpartAllocation, SourceAllocation, SourceShare,
};
pub use simulate::{simulate, CommuneSpending, Simulation, POLICY};

/// Rules shipped inside the binary, by id.
const BUILT_IN: &[(&str, &str)] = &[
    ("qd07-2022", include_str!("../../rules/qd07-2022.toml")),
    ("equal", include_str!("../../rules/equal.toml")),
    (
        "lai-chau-nq14-2022",
        include_str!("../../rules/lai-chau-nq14-2022.toml"),
    ),
];

/// Ids of the rules shipped inside the binary (qd07-2022, equal, lai-chau-nq14-2022).
pub fn built_in_ids() -> impl Iterator<Item = &'static str> {
    BUILT_IN.iter().map(|(id, _)| *id)
}

/// The budget year a command works on: the one asked for, else the first planning year in which
/// some capital source has a budget (a multi-year plan may book its whole budget in one year),
/// else the first planning year.
///
/// A year asked for must be one of the planning years: before the baseline there is no status
/// to start from, and outside the plan there is no budget.
pub fn budget_year(scenario: &Scenario, year: Option<u16>) -> crate::Result<u16> {
    if let Some(year) = year {
        if !scenario.years.contains(&year) {
            let toml = scenario.dir.join("scenario.toml");
            let years = scenario
                .years
                .iter()
                .map(u16::to_string)
                .collect::<Vec<_>>()
                .join(", ");
            let why = if year <= scenario.baseline_year {
                format!(
                    "is not after the baseline year {} (the status describes its end)",
                    scenario.baseline_year
                )
            } else {
                "is not a planning year of the scenario".to_string()
            };
            return Err(crate::Error::invalid(
                crate::Diagnostic::new(
                    &toml,
                    crate::text::read_toml_text(&toml)
                        .ok()
                        .and_then(|t| crate::text::line_of(&t, "years")),
                    format!("--year {year} {why}"),
                )
                .hint(format!("the planning years are {years}")),
            ));
        }
    }
    let has_budget = |y: &u16| {
        scenario
            .capital_sources
            .iter()
            .any(|s| s.budget_in(*y) > Decimal::ZERO)
    };
    Ok(year
        .or_else(|| scenario.years.iter().copied().find(has_budget))
        .or_else(|| scenario.years.first().copied())
        .unwrap_or(scenario.baseline_year + 1))
}

/// A status coefficient (hệ số theo mức đạt chuẩn): communes at `tier` or higher, or communes
/// below standard with `min_criteria..=max_criteria` criteria met.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Coefficient {
    /// Short id, e.g. `under-15`.
    pub id: String,
    /// English label.
    pub label_en: String,
    /// Vietnamese label.
    pub label_vi: String,
    /// Communes at this tier or higher.
    #[serde(default)]
    pub tier: Option<TierId>,
    /// Fewest criteria (communes below standard).
    #[serde(default)]
    pub min_criteria: Option<u8>,
    /// Most criteria (communes below standard).
    #[serde(default)]
    pub max_criteria: Option<u8>,
    /// The coefficient.
    pub value: Spanned<Amount>,
    /// Article, or `assumption: …`.
    pub source: String,
}

/// How an attribute changes a commune's coefficient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExtraMode {
    /// The coefficient is raised to at least `value`.
    AtLeast,
    /// `value` is added.
    Add,
    /// The coefficient is multiplied by `value`.
    Multiply,
}

/// An extra coefficient for a commune attribute (hệ số ưu tiên): `atk`, `border`, `difficult` …
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Extra {
    /// Attribute tag in the communes file's `attributes` column.
    pub attribute: String,
    /// How it applies.
    pub mode: ExtraMode,
    /// The value.
    pub value: Spanned<Amount>,
    /// Applies only to communes not at standard.
    #[serde(default)]
    pub below_standard_only: bool,
    /// Article, or `assumption: …`.
    pub source: String,
}

/// A share of each divided source kept at province level (phần vốn giữ lại cấp tỉnh).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetAside {
    /// Id.
    pub id: String,
    /// English label.
    pub label_en: String,
    /// Vietnamese label.
    pub label_vi: String,
    /// Share of the budget, 0..1.
    pub share: Spanned<Amount>,
    /// Article, or `assumption: …`.
    pub source: String,
}

/// Local counterpart each commune adds (vốn đối ứng): `ratio` × its allocation, from `source`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Counterpart {
    /// Capital source id of the counterpart money, e.g. `local`.
    pub source: String,
    /// Ratio to the commune's allocation.
    pub ratio: Spanned<Amount>,
    /// Article, or `assumption: …`.
    pub basis: String,
}

/// Floor and cap per commune and year for one divided source (mức tối thiểu, tối đa).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limit {
    /// Least a commune receives, million VND.
    #[serde(default)]
    pub floor: Option<Spanned<Amount>>,
    /// Most a commune receives, million VND.
    #[serde(default)]
    pub cap: Option<Spanned<Amount>>,
    /// Article, or `assumption: …`.
    pub basis: String,
}

fn one() -> Spanned<Amount> {
    Spanned::new(0..0, Amount(Decimal::ONE))
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    id: String,
    title: String,
    effective_from: String,
    #[serde(default)]
    effective_to: Option<String>,
    #[serde(default)]
    supersedes: Option<String>,
    source: String,
    #[serde(default)]
    note: Option<String>,
    sources: Vec<String>,
    #[serde(default = "one")]
    rounding_unit: Spanned<Amount>,
    rounding_basis: String,
    #[serde(default)]
    set_asides: Vec<SetAside>,
    coefficients: Vec<Coefficient>,
    #[serde(default)]
    extras: Vec<Extra>,
    #[serde(default)]
    counterpart: Option<Counterpart>,
    #[serde(default)]
    limits: BTreeMap<String, Limit>,
}

/// A loaded, validated allocation rule.
#[derive(Debug, Clone, Serialize)]
pub struct Rule {
    /// Version id, e.g. `qd07-2022`.
    pub id: String,
    /// Title.
    pub title: String,
    /// First day in force (ISO date).
    pub effective_from: String,
    /// Last day in force, if any.
    pub effective_to: Option<String>,
    /// The rule this one replaces or refines.
    pub supersedes: Option<String>,
    /// Legal source.
    pub source: String,
    /// Remarks.
    pub note: Option<String>,
    /// Capital source ids the rule divides.
    pub sources: Vec<String>,
    /// Rounding unit, million VND.
    pub rounding_unit: Decimal,
    /// Why that unit.
    pub rounding_basis: String,
    /// Shares kept at province level.
    pub set_asides: Vec<SetAside>,
    /// Status coefficients, first match applies.
    pub coefficients: Vec<Coefficient>,
    /// Attribute extras, applied in order.
    pub extras: Vec<Extra>,
    /// Local counterpart.
    pub counterpart: Option<Counterpart>,
    /// Floors and caps by source id.
    pub limits: BTreeMap<String, Limit>,
    /// Whether any value is an assumption rather than law.
    pub has_assumptions: bool,
    /// Where it was loaded from.
    pub origin: PathBuf,
    #[serde(skip)]
    text: String,
}

impl Rule {
    /// Ids of the built-in rules.
    pub fn built_in_ids() -> impl Iterator<Item = &'static str> {
        BUILT_IN.iter().map(|(id, _)| *id)
    }

    /// The built-in rule `reference` names (its id, or the id without its year): id and text.
    pub fn built_in(reference: &str) -> Option<(&'static str, &'static str)> {
        BUILT_IN
            .iter()
            .find(|(id, _)| {
                *id == reference
                    || id
                        .strip_prefix(reference)
                        .is_some_and(|rest| rest.starts_with('-') && !reference.is_empty())
            })
            .copied()
    }

    /// Loads a built-in rule by id (or the id without its year, `qd07`) or a rule file by path.
    pub fn load(reference: &str) -> Result<Rule> {
        let path = Path::new(reference);
        if path.is_file() {
            let text = text::read_toml_text(path)?;
            return Rule::parse(&text, path);
        }
        if let Some((id, text)) = Rule::built_in(reference) {
            return Rule::parse(text, Path::new(&format!("<built-in rule {id}>")));
        }
        let known: Vec<&str> = Rule::built_in_ids().collect();
        Err(Error::invalid(
            Diagnostic::new(path, None, format!("unknown rule `{reference}`")).hint(format!(
                "use one of {} or a path to a rule file",
                known.join(", ")
            )),
        ))
    }

    /// Parses and validates rule text; `path` names it in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Rule> {
        let file: RuleFile = text::parse_toml(text, path)?;
        let mut problems = Vec::new();
        let at = |span: std::ops::Range<usize>| Some(text::line_column(text, span.start).0);
        let check = |value: &Spanned<Amount>, what: &str, ok: bool, hint: &str| {
            (!ok).then(|| {
                Diagnostic::new(
                    path,
                    at(value.span()),
                    format!("{what} is {}", value.get_ref().0),
                )
                .hint(hint)
            })
        };
        let unit = file.rounding_unit.get_ref().0;
        problems.extend(check(
            &file.rounding_unit,
            "rounding_unit",
            unit > Decimal::ZERO,
            "the rounding unit is million VND, more than zero (1 = one million)",
        ));
        for c in &file.coefficients {
            let v = c.value.get_ref().0;
            problems.extend(check(
                &c.value,
                &format!("coefficient `{}`", c.id),
                !v.is_sign_negative() || v.is_zero(),
                "coefficients are zero or more",
            ));
        }
        for e in &file.extras {
            let v = e.value.get_ref().0;
            problems.extend(check(
                &e.value,
                &format!("extra for `{}`", e.attribute),
                !v.is_sign_negative() || v.is_zero(),
                "extras are zero or more",
            ));
        }
        let mut shares = Decimal::ZERO;
        for s in &file.set_asides {
            let v = s.share.get_ref().0;
            shares += v;
            problems.extend(check(
                &s.share,
                &format!("set-aside `{}`", s.id),
                v >= Decimal::ZERO && v <= Decimal::ONE,
                "a set-aside is a share between 0 and 1, e.g. 0.05",
            ));
        }
        if shares > Decimal::ONE {
            problems.push(
                Diagnostic::new(
                    path,
                    text::line_of(text, "[[set_asides]]"),
                    format!("set-asides add up to {shares}, more than the whole budget"),
                )
                .hint("set-aside shares must add up to 1 or less"),
            );
        }
        if let Some(c) = &file.counterpart {
            let v = c.ratio.get_ref().0;
            problems.extend(check(
                &c.ratio,
                "counterpart ratio",
                !v.is_sign_negative() || v.is_zero(),
                "the ratio is zero or more, e.g. 0.1",
            ));
            if file.sources.contains(&c.source) {
                problems.push(
                    Diagnostic::new(
                        path,
                        text::line_of(text, "[counterpart]"),
                        format!(
                            "counterpart source `{}` is also divided by the rule",
                            c.source
                        ),
                    )
                    .hint("the counterpart comes from a source the rule does not divide"),
                );
            }
        }
        for (id, limit) in &file.limits {
            let line = text::line_of(text, &format!("[limits.{id}]"));
            if !file.sources.contains(id) {
                problems.push(
                    Diagnostic::new(
                        path,
                        line,
                        format!("limits for `{id}`, which the rule does not divide"),
                    )
                    .hint(format!("use one of {}", file.sources.join(", "))),
                );
            }
            for value in [&limit.floor, &limit.cap].into_iter().flatten() {
                let v = value.get_ref().0;
                problems.extend(check(
                    value,
                    "floor or cap",
                    !v.is_sign_negative() || v.is_zero(),
                    "floors and caps are million VND, zero or more",
                ));
            }
            if let (Some(floor), Some(cap)) = (&limit.floor, &limit.cap) {
                if floor.get_ref().0 > cap.get_ref().0 {
                    problems.push(
                        Diagnostic::new(path, at(cap.span()), "cap is below the floor")
                            .hint("a cap must be at least the floor"),
                    );
                }
            }
        }
        if file.sources.is_empty() {
            problems.push(
                Diagnostic::new(
                    path,
                    text::line_of(text, "sources"),
                    "the rule divides no source",
                )
                .hint("list capital source ids, e.g. sources = [\"central-investment\"]"),
            );
        }
        problems.extend(coverage_problems(&file.coefficients, text, path));
        if !problems.is_empty() {
            return Err(Error::Invalid(problems));
        }
        let assumption = |s: &str| s.trim_start().to_lowercase().starts_with("assumption");
        let has_assumptions = assumption(&file.source)
            || assumption(&file.rounding_basis)
            || file.coefficients.iter().any(|c| assumption(&c.source))
            || file.extras.iter().any(|e| assumption(&e.source))
            || file.set_asides.iter().any(|s| assumption(&s.source))
            || file
                .counterpart
                .as_ref()
                .is_some_and(|c| assumption(&c.basis))
            || file.limits.values().any(|l| assumption(&l.basis));
        Ok(Rule {
            id: file.id,
            title: file.title,
            effective_from: file.effective_from,
            effective_to: file.effective_to,
            supersedes: file.supersedes,
            source: file.source,
            note: file.note,
            sources: file.sources,
            rounding_unit: unit,
            rounding_basis: file.rounding_basis,
            set_asides: file.set_asides,
            coefficients: file.coefficients,
            extras: file.extras,
            counterpart: file.counterpart,
            limits: file.limits,
            has_assumptions,
            origin: path.to_path_buf(),
            text: text.to_string(),
        })
    }

    /// 1-based line of `needle` in the rule file, for errors found when the rule meets a scenario.
    pub fn line_of(&self, needle: &str) -> Option<usize> {
        text::line_of(&self.text, needle)
    }

    /// Whether the rule is in force in `year` (the effective dates' years include it).
    pub fn in_force(&self, year: u16) -> bool {
        let year_of = |date: &str| date.get(..4).and_then(|y| y.parse::<u16>().ok());
        year_of(&self.effective_from).is_none_or(|from| from <= year)
            && self
                .effective_to
                .as_deref()
                .and_then(year_of)
                .is_none_or(|to| year <= to)
    }

    /// The coefficient of a commune and how it was reached (e.g. `under-15 5.0, atk ≥ 5.0`).
    pub fn coefficient_of(&self, status: &CommuneStatus, commune: &Commune) -> (Decimal, Basis) {
        let at_standard = status.tier.is_some();
        let base = self.coefficients.iter().find(|c| match c.tier {
            Some(tier) => status.tier.is_some_and(|t| t >= tier),
            None => {
                !at_standard
                    && c.min_criteria
                        .is_none_or(|m| status.criteria_met >= u32::from(m))
                    && c.max_criteria
                        .is_none_or(|m| status.criteria_met <= u32::from(m))
            }
        });
        let vi = |v: Decimal| format_fixed(v, v.scale(), NumberStyle::Vietnamese);
        let (mut value, mut why, mut why_vi) = match base {
            Some(c) => (
                c.value.get_ref().0,
                format!("{} {}", c.id, c.value.get_ref().0),
                format!("{} {}", c.label_vi, vi(c.value.get_ref().0)),
            ),
            None => (
                Decimal::ZERO,
                "no coefficient 0".to_string(),
                "không có hệ số: 0".to_string(),
            ),
        };
        for extra in &self.extras {
            if !commune.attributes.contains(&extra.attribute)
                || (extra.below_standard_only && at_standard)
            {
                continue;
            }
            let v = extra.value.get_ref().0;
            let (next, sign) = match extra.mode {
                ExtraMode::AtLeast => (value.max(v), "≥"),
                ExtraMode::Add => (value.checked_add(v).unwrap_or(Decimal::MAX), "+"),
                ExtraMode::Multiply => (value.checked_mul(v).unwrap_or(Decimal::MAX), "×"),
            };
            value = next;
            why.push_str(&format!(", {} {sign} {v}", extra.attribute));
            why_vi.push_str(&format!(
                ", {} {sign} {}",
                attribute_vi(&extra.attribute),
                vi(v)
            ));
        }
        (
            value,
            Basis {
                vi: why_vi,
                en: why,
            },
        )
    }
}

/// How a commune's coefficient was reached (cơ sở tính hệ số), in Vietnamese and in English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Basis {
    /// Vietnamese, with the coefficient's own label: `Xã đạt 10-14 tiêu chí 5,0, xã ATK ≥ 5,0`.
    pub vi: String,
    /// English, with the coefficient's id: `10-14 5.0, atk ≥ 5.0`.
    pub en: String,
}

/// A commune attribute as the documents name it (xã ĐBKK, xã ATK, xã biên giới); another tag
/// as written.
fn attribute_vi(attribute: &str) -> String {
    match attribute {
        "difficult" => "xã ĐBKK".into(),
        "atk" => "xã ATK".into(),
        "border" => "xã biên giới".into(),
        other => format!("xã {other}"),
    }
}

/// Every commune must get a coefficient: one entry for the standard tier and criteria ranges
/// covering 0..=18 below standard.
fn coverage_problems(coefficients: &[Coefficient], text: &str, path: &Path) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let mut covered = BTreeSet::new();
    for c in coefficients {
        let line = text::line_of(text, &format!("id = \"{}\"", c.id));
        match (c.tier, c.min_criteria, c.max_criteria) {
            (Some(_), None, None) => {}
            (None, min, max) => {
                let (min, max) = (min.unwrap_or(0), max.unwrap_or(18));
                if min > max {
                    problems.push(
                        Diagnostic::new(
                            path,
                            line,
                            format!("coefficient `{}`: min_criteria is above max_criteria", c.id),
                        )
                        .hint("write min_criteria ≤ max_criteria"),
                    );
                }
                covered.extend(min..=max);
            }
            _ => problems.push(
                Diagnostic::new(
                    path,
                    line,
                    format!(
                        "coefficient `{}` has both a tier and a criteria range",
                        c.id
                    ),
                )
                .hint("a coefficient applies to a tier or to a range of criteria below standard"),
            ),
        }
    }
    if !coefficients
        .iter()
        .any(|c| c.tier == Some(TierId::Standard))
    {
        problems.push(
            Diagnostic::new(
                path,
                text::line_of(text, "[[coefficients]]"),
                "no coefficient for communes at standard",
            )
            .hint("add a [[coefficients]] entry with tier = \"standard\""),
        );
    }
    let missing: Vec<String> = (0..=18u8)
        .filter(|n| !covered.contains(n))
        .map(|n| n.to_string())
        .collect();
    if !missing.is_empty() {
        problems.push(
            Diagnostic::new(
                path,
                text::line_of(text, "[[coefficients]]"),
                format!(
                    "no coefficient for communes below standard with {} criteria",
                    missing.join(", ")
                ),
            )
            .hint("cover 0..=18 criteria with min_criteria/max_criteria ranges"),
        );
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_rules_load_and_short_ids_resolve() {
        for id in Rule::built_in_ids() {
            assert_eq!(Rule::load(id).unwrap().id, id);
        }
        assert_eq!(Rule::load("qd07").unwrap().id, "qd07-2022");
        assert!(Rule::load("qd").is_err());
        // QĐ 07 states no rounding unit: ours is an assumption, and says so.
        assert!(Rule::load("qd07").unwrap().has_assumptions);
        assert!(!Rule::load("equal").unwrap().coefficients.is_empty());
        assert!(Rule::load("lai-chau-nq14-2022").unwrap().has_assumptions);
    }

    #[test]
    fn effective_years() {
        let rule = Rule::load("qd07").unwrap();
        assert!(!rule.in_force(2021));
        assert!(rule.in_force(2022));
        assert!(rule.in_force(2025));
        assert!(!rule.in_force(2026));
    }
}
