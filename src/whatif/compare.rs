//! Comparing allocation rules with each other and with the optimal plan (so sánh phương án
//! phân bổ), and comparing two variants of a scenario.
//!
//! Every column gets the same money: the year's budget of the sources the rules divide (plus a
//! counterpart source a rule names), in a copy of the scenario restricted to that year and those
//! sources ([`super::one_year`]). The copy has no counterpart constraints of its own, so the
//! optimal plan may spend the money any way a rule could: it is never worse than a rule on its
//! own objective (communes at standard).

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

use super::{
    budget_in, one_year, resolve_plan, rule_outcome, scale_budgets, sources_of, without_targets,
};
use crate::error::Result;
use crate::outcome::{target_outcomes, TargetOutcome};
use crate::plan::{PlanOptions, PlanStatus};
use crate::rules::{self, Rule};
use crate::scenario::Scenario;

/// What a column is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ColumnKind {
    /// An allocation rule followed by the communes' own spending.
    Rule,
    /// The optimal plan (objective max-standard).
    Optimal,
}

/// The extra money a rule needs to reach what the optimal plan reaches (giá của quy tắc).
#[derive(Debug, Clone, Serialize)]
pub struct Price {
    /// Communes at standard to reach (the optimal plan's count).
    pub standard_to_reach: usize,
    /// Smallest budget multiplier found that reaches it (bisection, 0.001); none when even
    /// `MAX_MULTIPLIER` × the budget does not.
    pub multiplier: Option<Decimal>,
    /// Extra money, million VND: (multiplier − 1) × budget, rounded up.
    pub extra: Option<Decimal>,
}

impl Column {
    /// The column's name in Vietnamese: `Quy tắc qd07-2022`, `Kế hoạch tối ưu`.
    pub fn label_vi(&self) -> String {
        match self.kind {
            ColumnKind::Rule => format!("Quy tắc {}", self.name),
            ColumnKind::Optimal => "Kế hoạch tối ưu".into(),
        }
    }
}

/// Largest budget multiplier the price search tries.
pub const MAX_MULTIPLIER: u32 = 16;

/// One column of the comparison.
#[derive(Debug, Clone, Serialize)]
pub struct Column {
    /// Rule id or `optimal`.
    pub name: String,
    /// Rule or optimal plan.
    pub kind: ColumnKind,
    /// Plan status, for the optimal column.
    pub status: Option<PlanStatus>,
    /// Communes at standard after.
    pub standard: usize,
    /// Newly at standard.
    pub newly_standard: usize,
    /// Criteria met after, all communes.
    pub criteria_met: u32,
    /// Targets of the year.
    pub targets: Vec<TargetOutcome>,
    /// Spent on projects, million VND.
    pub spent: Decimal,
    /// Budget not spent (set-asides, unallocated, unspent allocations), million VND.
    pub unused: Decimal,
    /// Spent ÷ communes newly at standard.
    pub cost_per_new_standard: Option<Decimal>,
    /// Percent of the money reaching communes that goes to the poorest band.
    pub poorest_band_share: Option<Decimal>,
    /// Gini coefficient of the money reaching communes (0 equal … 1 all to one).
    pub gini: Option<Decimal>,
    /// The rule's price against the optimal plan.
    pub price: Option<Price>,
}

/// A side-by-side comparison.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    /// Present when the data is synthetic.
    pub synthetic: Option<String>,
    /// Scenario name.
    pub scenario: String,
    /// Year.
    pub year: u16,
    /// Capital sources in play.
    pub sources: Vec<String>,
    /// Their budget in the year, million VND.
    pub budget: Decimal,
    /// Communes.
    pub communes: usize,
    /// Communes at standard before.
    pub standard_before: usize,
    /// Criteria met before.
    pub criteria_before: u32,
    /// The lowest band with communes at baseline (for the spread).
    pub poorest_band: Option<String>,
    /// How money reaching communes is counted for the spread.
    pub spread_basis: &'static str,
    /// Columns: rules in the order given, then the optimal plan.
    pub columns: Vec<Column>,
}

/// How to compare.
#[derive(Debug, Clone, Default)]
pub struct CompareOptions {
    /// Year (default: [`rules::budget_year`]).
    pub year: Option<u16>,
    /// Sources the rules divide instead of their own.
    pub divided: Vec<String>,
    /// Add the optimal plan and each rule's price.
    pub optimal: bool,
    /// Planner options for the optimal column.
    pub plan: PlanOptions,
}

/// Gini coefficient of non-negative amounts (sorted formula), 3 decimals.
pub fn gini(amounts: &[Decimal]) -> Option<Decimal> {
    let total: Decimal = amounts.iter().sum();
    if amounts.is_empty() || total <= Decimal::ZERO {
        return None;
    }
    let mut sorted = amounts.to_vec();
    sorted.sort();
    let n = Decimal::from(sorted.len());
    let weighted: Decimal = sorted
        .iter()
        .enumerate()
        .map(|(i, x)| Decimal::from(i + 1) * x)
        .sum();
    Some((Decimal::TWO * weighted / (n * total) - (n + Decimal::ONE) / n).round_dp(3))
}

/// Smallest multiplier with which `rule` brings `standard` communes to standard.
fn price(
    scenario: &Scenario,
    rule: &Rule,
    year: u16,
    sources: &[String],
    divided: &[String],
    standard: usize,
    reached_at_one: bool,
) -> Result<Price> {
    let budget = budget_in(scenario, year);
    let reaches = |m: Decimal| -> Result<bool> {
        let s = scale_budgets(one_year(scenario, year, sources), &[], m);
        Ok(rule_outcome(&s, rule, year, divided)?.standard >= standard)
    };
    let found = |m: Decimal| Price {
        standard_to_reach: standard,
        multiplier: Some(m),
        extra: Some(((m - Decimal::ONE) * budget).ceil()),
    };
    if reached_at_one {
        return Ok(found(Decimal::ONE));
    }
    let mut lo = Decimal::ONE;
    let mut hi = Decimal::TWO;
    while !reaches(hi)? {
        lo = hi;
        hi *= Decimal::TWO;
        if hi > Decimal::from(MAX_MULTIPLIER) {
            return Ok(Price {
                standard_to_reach: standard,
                multiplier: None,
                extra: None,
            });
        }
    }
    let precision = Decimal::new(1, 3);
    while hi - lo > precision {
        let mid = (lo + hi) / Decimal::TWO;
        if reaches(mid)? {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Ok(found((hi / precision).ceil() * precision))
}

fn spread(
    money: &BTreeMap<&str, Decimal>,
    scenario: &Scenario,
    poorest: &[bool],
) -> (Option<Decimal>, Option<Decimal>) {
    let amounts: Vec<Decimal> = scenario
        .communes
        .iter()
        .map(|c| money.get(c.id.as_str()).copied().unwrap_or(Decimal::ZERO))
        .collect();
    let total: Decimal = amounts.iter().sum();
    let poor: Decimal = amounts
        .iter()
        .zip(poorest)
        .filter(|(_, p)| **p)
        .map(|(a, _)| *a)
        .sum();
    let share = (total > Decimal::ZERO).then(|| (poor * Decimal::ONE_HUNDRED / total).round_dp(1));
    (share, gini(&amounts))
}

/// Compares rules (and the optimal plan) on the same money.
pub fn compare(
    scenario: &Scenario,
    rules: &[Rule],
    options: &CompareOptions,
) -> Result<Comparison> {
    let year = rules::budget_year(scenario, options.year)?;
    let sources = sources_of(scenario, rules, &options.divided);
    let base = one_year(scenario, year, &sources);
    let before = crate::evaluate::evaluate(&base);
    let poorest_band = base
        .catalog
        .bands
        .iter()
        .rev()
        .find(|b| before.per_commune.iter().any(|c| c.band == b.id))
        .map(|b| b.id.clone());
    let poorest: Vec<bool> = before
        .per_commune
        .iter()
        .map(|c| Some(&c.band) == poorest_band.as_ref())
        .collect();
    let budget = budget_in(&base, year);
    let standard_before = before.summary.standard;
    let cost_per =
        |spent: Decimal, new: usize| (new > 0).then(|| (spent / Decimal::from(new)).round_dp(1));
    let mut columns = Vec::new();
    for rule in rules {
        let sim = rule_outcome(&base, rule, year, &options.divided)?;
        let money: BTreeMap<&str, Decimal> = sim
            .per_commune
            .iter()
            .map(|c| (c.id.as_str(), c.available))
            .collect();
        let (share, g) = spread(&money, &base, &poorest);
        let newly = sim.standard.saturating_sub(standard_before);
        columns.push(Column {
            name: rule.id.clone(),
            kind: ColumnKind::Rule,
            status: None,
            standard: sim.standard,
            newly_standard: newly,
            criteria_met: sim.criteria_met,
            targets: sim.targets.clone(),
            spent: sim.spent,
            unused: budget - sim.spent,
            cost_per_new_standard: cost_per(sim.spent, newly),
            poorest_band_share: share,
            gini: g,
            price: None,
        });
    }
    if options.optimal {
        // Targets are hard requirements of the planner: plan without them, report against them.
        let free = without_targets(base.clone());
        let plan = resolve_plan(&free, &options.plan, None)?;
        let spent: Decimal = plan.spend_by_source.values().sum();
        let mut money: BTreeMap<&str, Decimal> = BTreeMap::new();
        for p in &plan.projects {
            *money.entry(p.commune.as_str()).or_insert(Decimal::ZERO) += p.cost;
        }
        let (share, g) = spread(&money, &base, &poorest);
        let standard = plan.after.summary.standard;
        let newly = standard.saturating_sub(standard_before);
        for (column, rule) in columns.iter_mut().zip(rules) {
            column.price = Some(price(
                &base,
                rule,
                year,
                &sources,
                &options.divided,
                standard,
                column.standard >= standard,
            )?);
        }
        columns.push(Column {
            name: "optimal".into(),
            kind: ColumnKind::Optimal,
            status: Some(plan.status),
            standard,
            newly_standard: newly,
            criteria_met: plan.after.summary.total_criteria,
            targets: target_outcomes(&base.targets, &plan.after, &base.catalog),
            spent,
            unused: budget - spent,
            cost_per_new_standard: cost_per(spent, newly),
            poorest_band_share: share,
            gini: g,
            price: None,
        });
    }
    Ok(Comparison {
        synthetic: scenario.synthetic.clone(),
        scenario: scenario.name.clone(),
        year,
        sources,
        budget,
        communes: base.communes.len(),
        standard_before,
        criteria_before: before.summary.total_criteria,
        poorest_band,
        spread_basis: "rules: allocation + counterpart per commune; optimal: cost of its funded projects per commune",
        columns,
    })
}

/// One input that differs between two scenario variants.
#[derive(Debug, Clone, Serialize)]
pub struct InputChange {
    /// What (English).
    pub what: String,
    /// What, in Vietnamese.
    pub what_vi: String,
    /// In the first variant.
    pub before: String,
    /// In the second.
    pub after: String,
}

/// One result that differs between two variants.
#[derive(Debug, Clone, Serialize)]
pub struct ResultChange {
    /// Column (rule id or `optimal`).
    pub column: String,
    /// Column in Vietnamese (`Quy tắc qd07-2022`, `Kế hoạch tối ưu`).
    pub column_vi: String,
    /// Measure (English).
    pub measure: String,
    /// Measure in Vietnamese.
    pub measure_vi: String,
    /// In the first variant.
    pub before: String,
    /// In the second.
    pub after: String,
}

/// What changed between two scenario variants, in inputs and results (so sánh hai phương án).
#[derive(Debug, Clone, Serialize)]
pub struct VariantComparison {
    /// First variant's name.
    pub first: String,
    /// Second variant's name.
    pub second: String,
    /// Inputs that differ.
    pub inputs: Vec<InputChange>,
    /// Results that differ.
    pub results: Vec<ResultChange>,
    /// Both comparisons in full.
    pub comparisons: [Comparison; 2],
}

/// The inputs a variant comparison shows, by English name: the Vietnamese name and the value.
fn inputs_of(s: &Scenario, year: u16) -> BTreeMap<String, (String, String)> {
    let evaluation = crate::evaluate::evaluate(s);
    let mut m = BTreeMap::new();
    let mut put = |en: String, vi: String, value: String| {
        m.insert(en, (vi, value));
    };
    put(
        "communes".into(),
        "số xã".into(),
        s.communes.len().to_string(),
    );
    put(
        "communes at standard (baseline)".into(),
        "số xã đạt chuẩn (hiện trạng)".into(),
        evaluation.summary.standard.to_string(),
    );
    put(
        "criteria met (baseline)".into(),
        "tổng tiêu chí đạt (hiện trạng)".into(),
        evaluation.summary.total_criteria.to_string(),
    );
    put(
        "projects".into(),
        "số dự án".into(),
        s.projects.len().to_string(),
    );
    put(
        "projects' total cost".into(),
        "tổng mức đầu tư các dự án".into(),
        s.projects
            .iter()
            .map(|p| p.cost)
            .sum::<Decimal>()
            .normalize()
            .to_string(),
    );
    for c in &s.capital_sources {
        put(
            format!("budget {} {year}", c.id),
            format!("vốn {} năm {year}", c.id),
            c.budget_in(year).normalize().to_string(),
        );
    }
    for t in s.targets.iter().filter(|t| t.year == year) {
        put(
            format!("target {}", t.name(&s.catalog)),
            format!("chỉ tiêu: {}", t.name_vi(&s.catalog)),
            t.value.normalize().to_string(),
        );
    }
    m
}

/// Compares the same rules on two variants of a scenario.
pub fn compare_variants(
    first: &Scenario,
    second: &Scenario,
    rules: &[Rule],
    options: &CompareOptions,
) -> Result<VariantComparison> {
    let year = rules::budget_year(first, options.year)?;
    let options = CompareOptions {
        year: Some(year),
        ..options.clone()
    };
    let a = inputs_of(first, year);
    let b = inputs_of(second, year);
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    let none = || "-".to_string();
    let value = |m: &BTreeMap<String, (String, String)>, k: &String| m.get(k).map(|v| v.1.clone());
    let inputs = keys
        .into_iter()
        .filter(|k| value(&a, k) != value(&b, k))
        .map(|k| InputChange {
            what: k.clone(),
            what_vi: a.get(k).or(b.get(k)).map_or_else(none, |v| v.0.clone()),
            before: value(&a, k).unwrap_or_else(none),
            after: value(&b, k).unwrap_or_else(none),
        })
        .collect();
    let one = compare(first, rules, &options)?;
    let two = compare(second, rules, &options)?;
    let mut results = Vec::new();
    for x in &one.columns {
        let Some(y) = two.columns.iter().find(|c| c.name == x.name) else {
            continue;
        };
        let measures = [
            (
                ("số xã đạt chuẩn", "communes at standard"),
                x.standard.to_string(),
                y.standard.to_string(),
            ),
            (
                ("tổng tiêu chí đạt", "criteria met"),
                x.criteria_met.to_string(),
                y.criteria_met.to_string(),
            ),
            (
                ("đã chi", "spent"),
                x.spent.normalize().to_string(),
                y.spent.normalize().to_string(),
            ),
            (
                ("vốn chưa sử dụng", "unused"),
                x.unused.normalize().to_string(),
                y.unused.normalize().to_string(),
            ),
        ];
        for ((measure_vi, measure), before, after) in measures {
            if before != after {
                results.push(ResultChange {
                    column: x.name.clone(),
                    column_vi: x.label_vi(),
                    measure: measure.into(),
                    measure_vi: measure_vi.into(),
                    before,
                    after,
                });
            }
        }
    }
    Ok(VariantComparison {
        first: first.name.clone(),
        second: second.name.clone(),
        inputs,
        results,
        comparisons: [one, two],
    })
}
