//! Synthetic candidate projects (danh mục dự án giả lập): plausible projects for every unmet
//! criterion of every commune, with costs from the assumed unit costs in
//! `catalog/unit-costs-assumption.toml`. When the scenario sets advanced-level targets (tiêu chí
//! nâng cao, or communes at advanced or model), communes at standard also get projects with
//! advanced-level gains (`a2:0.5`) for the advanced criteria those targets name, from the file's
//! `[[advanced]]` unit costs. No source document publishes a project list; everything here is
//! labelled synthetic. Method and calibration: `docs/synthetic-projects.md`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::catalog::TierId;
use crate::closing;
use crate::error::{Diagnostic, Error, Result};
use crate::evaluate::evaluate_communes;
use crate::outcome::{apply_projects, cumulative_band_target, target_outcomes, TargetOutcome};
use crate::paying;
use crate::scenario::{
    Amount, CapitalSource, Category, Commune, Gain, Must, Project, Scenario, Target, TargetKind,
};
use crate::text;

/// Project categories shared by every part of ntm (nhóm dự án).
pub const CATEGORIES: [&str; 17] = [
    "planning",
    "transport",
    "irrigation",
    "electricity",
    "school",
    "cultural-facility",
    "commerce",
    "ict",
    "housing",
    "production",
    "livelihood",
    "training",
    "health",
    "culture",
    "environment",
    "governance",
    "security",
];

/// Greedy estimate ÷ state budget: the band the calibration must land in (see the docs).
pub const CALIBRATION_BAND: (Decimal, Decimal) =
    (Decimal::from_parts(3, 0, 0, false, 1), Decimal::ONE);

/// Largest quantity and unit cost accepted.
const MAX_AMOUNT: u32 = 1_000_000;

const BUILT_IN: &str = include_str!("../../catalog/unit-costs-assumption.toml");
const BUILT_IN_NAME: &str = "catalog/unit-costs-assumption.toml";

/// Cost multiplier for communes with an attribute, e.g. `difficult` (hệ số điều chỉnh).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Multiplier {
    /// Commune attribute, as in the communes file's `attributes` column.
    pub attribute: String,
    /// Factor applied to the gap cost.
    pub factor: Amount,
    /// Why.
    pub reasoning: String,
}

/// Another criterion an approach also brings part of the way (lồng ghép).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlsoGain {
    /// Criterion id.
    pub criterion: u8,
    /// Fraction of its gap.
    pub gain: Amount,
}

/// One way to close a criterion's gap: one project per part (phương án).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Approach {
    /// What it is.
    pub name: String,
    /// Gains of its projects on the criterion; they add up to at least 1.
    pub parts: Vec<Amount>,
    /// Cost relative to the gap cost (economies of scale, extra scope).
    #[serde(default = "one")]
    pub factor: Amount,
    /// Percent chance that a commune gets this alternative.
    #[serde(default = "hundred")]
    pub probability: u32,
    /// A second unmet criterion the (single) project also brings closer.
    #[serde(default)]
    pub also: Option<AlsoGain>,
}

fn one() -> Amount {
    Amount(Decimal::ONE)
}

fn hundred() -> u32 {
    100
}

/// Assumed cost of closing one criterion's gap in a commune (đơn giá).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CriterionCost {
    /// Criterion id.
    pub criterion: u8,
    /// Category of its projects.
    pub category: String,
    /// What is counted.
    pub unit: String,
    /// Fewest and most units a commune's gap needs.
    pub quantity: [u32; 2],
    /// Million VND per unit.
    pub unit_cost: Amount,
    /// Why these numbers.
    pub reasoning: String,
    /// Ways to close the gap.
    pub approaches: Vec<Approach>,
}

/// The unit-cost assumptions (bảng đơn giá giả định); every value is an assumption.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitCosts {
    /// Id.
    pub id: String,
    /// Always `assumption`.
    pub basis: String,
    /// Money unit.
    pub unit: String,
    /// Prices of which year and region.
    pub price_level: String,
    /// Each project's cost varies by up to this many percent either way.
    pub variation_percent: u32,
    /// Attribute multipliers.
    #[serde(default)]
    pub multipliers: Vec<Multiplier>,
    /// Per criterion.
    pub criteria: Vec<CriterionCost>,
    /// Per criterion of the advanced set (`criterion` numbers the catalog's
    /// `[[advanced_criteria]]`): the cost of bringing a commune at standard to that advanced
    /// criterion.
    #[serde(default)]
    pub advanced: Vec<CriterionCost>,
}

impl UnitCosts {
    /// The shipped assumptions.
    pub fn built_in() -> Result<UnitCosts> {
        UnitCosts::parse(BUILT_IN, Path::new(BUILT_IN_NAME))
    }

    /// Parses and validates unit costs; `path` names them in errors.
    pub fn parse(text: &str, path: &Path) -> Result<UnitCosts> {
        let costs: UnitCosts = text::parse_toml(&text::normalize(text), path)?;
        costs.validate(text, path)?;
        Ok(costs)
    }

    fn validate(&self, text: &str, path: &Path) -> Result<()> {
        let mut problems = Vec::new();
        let mut problem = |needle: String, message: String, hint: &str| {
            problems.push(Diagnostic::new(path, text::line_of(text, &needle), message).hint(hint));
        };
        // Bounds keep exact arithmetic far from overflow; two decimals keep fractions such as
        // 0.125 from being read back as 125 (Vietnamese thousands separator).
        let positive = |a: &Amount| a.0 > Decimal::ZERO && a.0 <= Decimal::from(MAX_AMOUNT);
        let factor = |a: &Amount| a.0 > Decimal::ZERO && a.0 <= Decimal::TEN;
        let fraction =
            |a: &Amount| a.0 > Decimal::ZERO && a.0 <= Decimal::ONE && a.0.normalize().scale() <= 2;
        if self.basis != "assumption" {
            problem(
                "basis".into(),
                format!("basis is `{}`", self.basis),
                "unit costs are not published: basis = \"assumption\"",
            );
        }
        if self.variation_percent >= 100 {
            problem(
                "variation_percent".into(),
                "variation_percent must be under 100".into(),
                "e.g. 30 for ±30 %",
            );
        }
        for m in &self.multipliers {
            if !factor(&m.factor) {
                problem(
                    format!("\"{}\"", m.attribute),
                    format!("multiplier for `{}` is not in (0, 10]", m.attribute),
                    "factors are more than zero, e.g. 1.25",
                );
            }
        }
        let mut seen = BTreeSet::new();
        let lists = self.criteria.iter().map(|c| ("c", c));
        let lists = lists.chain(self.advanced.iter().map(|c| ("a", c)));
        for (set, c) in lists {
            let at = format!("criterion = {}", c.criterion);
            let id = c.criterion;
            if !seen.insert((set, id)) {
                problem(
                    at.clone(),
                    format!("{set}{id} appears twice"),
                    "one entry per criterion",
                );
            }
            if set == "a" && c.approaches.iter().any(|a| a.also.is_some()) {
                problem(
                    at.clone(),
                    format!("a{id}: `also` is for the standard set only"),
                    "remove `also` from the [[advanced]] entry",
                );
            }
            if !CATEGORIES.contains(&c.category.as_str()) {
                problem(
                    at.clone(),
                    format!("c{id}: unknown category `{}`", c.category),
                    "use a category of the shared vocabulary (docs/synthetic-projects.md)",
                );
            }
            if c.quantity[0] == 0 || c.quantity[0] > c.quantity[1] || c.quantity[1] > MAX_AMOUNT {
                problem(
                    at.clone(),
                    format!(
                        "c{id}: quantity range {:?} is not 1 ≤ min ≤ max ≤ {MAX_AMOUNT}",
                        c.quantity
                    ),
                    "write quantity = [min, max]",
                );
            }
            if !positive(&c.unit_cost) {
                problem(
                    at.clone(),
                    format!("c{id}: unit_cost is not in (0, {MAX_AMOUNT}]"),
                    "million VND per unit, more than zero",
                );
            }
            if !c
                .approaches
                .iter()
                .any(|a| a.probability >= 100 && a.also.is_none())
            {
                problem(
                    at.clone(),
                    format!("c{id}: no approach is always offered"),
                    "give one approach probability 100 and no `also`, so every gap can be closed",
                );
            }
            for a in &c.approaches {
                let sum: Decimal = a.parts.iter().map(|p| p.0).sum();
                if a.parts.is_empty() || !a.parts.iter().all(fraction) || sum < Decimal::ONE {
                    problem(
                        format!("name = \"{}\"", a.name),
                        format!(
                            "c{id} `{}`: parts must be in (0, 1] with at most two decimals and add up to at least 1",
                            a.name
                        ),
                        "e.g. parts = [0.5, 0.5]",
                    );
                }
                if !factor(&a.factor) || a.probability > 100 {
                    problem(
                        format!("name = \"{}\"", a.name),
                        format!(
                            "c{id} `{}`: factor must be in (0, 10] and probability at most 100",
                            a.name
                        ),
                        "factor = 1.05, probability = 40",
                    );
                }
                if let Some(also) = &a.also {
                    if also.criterion == id || !fraction(&also.gain) || a.parts.len() != 1 {
                        problem(
                            format!("name = \"{}\"", a.name),
                            format!("c{id} `{}`: `also` needs another criterion, a gain in (0, 1] and a single part", a.name),
                            "also = { criterion = 14, gain = 0.5 } with parts = [1]",
                        );
                    }
                }
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Error::Invalid(problems))
        }
    }

    /// The assumptions for criterion `id`.
    pub fn criterion(&self, id: u8) -> Option<&CriterionCost> {
        self.criteria.iter().find(|c| c.criterion == id)
    }

    /// The assumptions for criterion `id` of the advanced set.
    pub fn advanced_criterion(&self, id: u8) -> Option<&CriterionCost> {
        self.advanced.iter().find(|c| c.criterion == id)
    }

    /// Product of the multipliers of the commune's attributes.
    pub fn multiplier(&self, commune: &Commune) -> Decimal {
        self.multipliers
            .iter()
            .filter(|m| commune.attributes.contains(&m.attribute))
            .map(|m| m.factor.0)
            .product()
    }

    /// Cheapest and dearest cost any project for criterion `id` can have, million VND.
    pub fn cost_bounds(&self, id: u8) -> Option<(Decimal, Decimal)> {
        self.bounds_of(self.criterion(id)?)
    }

    /// The same for criterion `id` of the advanced set.
    pub fn advanced_cost_bounds(&self, id: u8) -> Option<(Decimal, Decimal)> {
        self.bounds_of(self.advanced_criterion(id)?)
    }

    fn bounds_of(&self, c: &CriterionCost) -> Option<(Decimal, Decimal)> {
        let most: Decimal = self
            .multipliers
            .iter()
            .map(|m| m.factor.0.max(Decimal::ONE))
            .product();
        let least: Decimal = self
            .multipliers
            .iter()
            .map(|m| m.factor.0.min(Decimal::ONE))
            .product();
        let v = Decimal::from(self.variation_percent);
        let mut bounds: Option<(Decimal, Decimal)> = None;
        for a in &c.approaches {
            for part in &a.parts {
                let per = c.unit_cost.0 * a.factor.0 * part.0;
                let low = project_cost(Decimal::from(c.quantity[0]) * per * least, -v);
                let high = project_cost(Decimal::from(c.quantity[1]) * per * most, v);
                bounds = Some(match bounds {
                    None => (low, high),
                    Some((l, h)) => (l.min(low), h.max(high)),
                });
            }
        }
        bounds
    }
}

/// Cost of one project: `base` varied by `percent`, whole million VND, at least 1.
fn project_cost(base: Decimal, percent: Decimal) -> Decimal {
    let cost = (base * (Decimal::ONE_HUNDRED + percent) / Decimal::ONE_HUNDRED)
        .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
    cost.max(Decimal::ONE)
}

/// Knobs of the projects synthesizer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProjectOptions {
    /// RNG seed.
    pub seed: u64,
    /// Scales the probability of optional alternatives, in percent (100 = as assumed; 200
    /// doubles it, for benches that need more candidates).
    pub density_percent: u32,
}

impl ProjectOptions {
    /// The assumed density with `seed`.
    pub fn with_seed(seed: u64) -> ProjectOptions {
        ProjectOptions {
            seed,
            density_percent: 100,
        }
    }
}

/// One candidate before it gets its id.
struct Draft {
    commune: usize,
    category: String,
    cost: Decimal,
    window: (u16, u16),
    gains: Vec<Gain>,
}

/// Generates candidate projects for every unmet criterion of every commune of `scenario`.
///
/// Deterministic: each commune draws from its own ChaCha8 stream of `options.seed`, so the same
/// scenario and seed give the same projects. Ids are `P0001`… in commune, criterion and
/// approach order; `line` is the row each project takes in [`to_csv`]'s output.
pub fn synthesize(
    scenario: &Scenario,
    costs: &UnitCosts,
    options: &ProjectOptions,
) -> Result<Vec<Project>> {
    let criteria: Vec<u8> = scenario.catalog.criteria.iter().map(|c| c.id).collect();
    if let Some(missing) = criteria.iter().find(|id| costs.criterion(**id).is_none()) {
        return Err(Error::Unsupported {
            message: format!(
                "no unit cost for criterion c{missing} of catalog {}",
                scenario.catalog.id
            ),
            hint: format!("add a [[criteria]] entry for c{missing} to {BUILT_IN_NAME}"),
        });
    }
    let mut years: Vec<u16> = scenario.years.clone();
    years.sort_unstable();
    years.dedup();
    if years.is_empty() {
        years.push(scenario.baseline_year.saturating_add(1));
    }
    let mut drafts = Vec::new();
    for (index, commune) in scenario.communes.iter().enumerate() {
        let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
        rng.set_stream(index as u64);
        let unmet = criteria.iter().filter(|id| !commune.met.contains(**id));
        let wanted: Vec<(u8, &CriterionCost)> = unmet
            .filter_map(|id| Some((*id, costs.criterion(*id)?)))
            .collect();
        draft_commune(
            &mut drafts,
            (index, commune),
            &wanted,
            TierId::Standard,
            costs,
            options,
            &years,
            &criteria,
            &mut rng,
        );
    }
    // Advanced-level candidates after all others (so the standard ones keep their ids), each
    // commune from a stream of its own beyond the standard ones.
    let advanced = advanced_wanted(scenario, costs)?;
    if !advanced.is_empty() {
        let before = crate::evaluate::evaluate(scenario);
        for (index, commune) in scenario.communes.iter().enumerate() {
            if before.per_commune[index].tier.is_none() {
                continue;
            }
            let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
            rng.set_stream(ADVANCED_STREAMS + index as u64);
            let wanted: Vec<(u8, &CriterionCost)> = advanced
                .iter()
                .filter(|(id, _)| !commune.advanced_met.contains(*id))
                .copied()
                .collect();
            draft_commune(
                &mut drafts,
                (index, commune),
                &wanted,
                TierId::Advanced,
                costs,
                options,
                &years,
                &criteria,
                &mut rng,
            );
        }
    }
    finish(scenario, drafts)
}

/// First RNG stream of the advanced-level candidates (commune `i` draws from this + `i`).
const ADVANCED_STREAMS: u64 = 1 << 32;

/// Criteria of the advanced set the scenario's targets ask for, with their unit costs: those of
/// its advanced-level criterion targets, or every one when it has a target of communes at
/// advanced or model. Empty when it has neither.
fn advanced_wanted<'a>(
    scenario: &Scenario,
    costs: &'a UnitCosts,
) -> Result<Vec<(u8, &'a CriterionCost)>> {
    let all_tiers = scenario.targets.iter().any(|t| {
        matches!(
            t.kind,
            TargetKind::Tier {
                tier: TierId::Advanced | TierId::Model
            }
        )
    });
    let named: BTreeSet<u8> = scenario
        .targets
        .iter()
        .filter_map(|t| match t.kind {
            TargetKind::LevelCriterion { criterion, .. } => Some(criterion),
            _ => None,
        })
        .collect();
    let mut wanted = Vec::new();
    for c in &scenario.catalog.advanced_criteria {
        if !all_tiers && !named.contains(&c.id) {
            continue;
        }
        let Some(cost) = costs.advanced_criterion(c.id) else {
            return Err(Error::Unsupported {
                message: format!(
                    "no unit cost for advanced criterion a{} ({}) of catalog {}, which a target of {} asks for",
                    c.id, c.name_en, scenario.catalog.id, scenario.name
                ),
                hint: format!("add an [[advanced]] entry for criterion {} to {BUILT_IN_NAME}", c.id),
            });
        };
        wanted.push((c.id, cost));
    }
    Ok(wanted)
}

/// Drafts the candidates of one commune for the criteria `wanted` of the `level` set.
#[allow(clippy::too_many_arguments)]
fn draft_commune(
    drafts: &mut Vec<Draft>,
    (index, commune): (usize, &Commune),
    wanted: &[(u8, &CriterionCost)],
    level: TierId,
    costs: &UnitCosts,
    options: &ProjectOptions,
    years: &[u16],
    criteria: &[u8],
    rng: &mut ChaCha8Rng,
) {
    let multiplier = costs.multiplier(commune);
    for &(id, c) in wanted {
        let quantity = rng.random_range(c.quantity[0]..=c.quantity[1].max(c.quantity[0]));
        let gap = Decimal::from(quantity) * c.unit_cost.0 * multiplier;
        for a in &c.approaches {
            // Every draw is made whether or not the alternative is offered, so a higher
            // density only adds projects and leaves the others as they are.
            let draw = rng.random_range(0..100u32);
            let windows = year_windows(years, a.parts.len(), rng);
            let v = i64::from(costs.variation_percent);
            let percents: Vec<Decimal> = a
                .parts
                .iter()
                .map(|_| Decimal::from(rng.random_range(-v..=v)))
                .collect();
            let chance = u64::from(a.probability) * u64::from(options.density_percent) / 100;
            let also_open = a.also.as_ref().is_none_or(|also| {
                criteria.contains(&also.criterion) && !commune.met.contains(also.criterion)
            });
            if u64::from(draw) >= chance || !also_open {
                continue;
            }
            for ((part, window), percent) in a.parts.iter().zip(windows).zip(percents) {
                let mut gains = vec![Gain {
                    level,
                    ..Gain::standard(id, part.0.normalize())
                }];
                if let Some(also) = &a.also {
                    gains.push(Gain::standard(also.criterion, also.gain.0.normalize()));
                }
                gains.sort_by_key(|g| (g.level, g.criterion));
                drafts.push(Draft {
                    commune: index,
                    category: c.category.clone(),
                    cost: project_cost(gap * a.factor.0 * part.0, percent),
                    window,
                    gains,
                });
            }
        }
    }
}

/// Checks that some source may fund every draft's category and gives the drafts their ids.
fn finish(scenario: &Scenario, drafts: Vec<Draft>) -> Result<Vec<Project>> {
    let sources = &scenario.capital_sources;
    if let Some(d) = drafts
        .iter()
        .find(|d| !sources.is_empty() && !sources.iter().any(|s| s.funds(&d.category)))
    {
        return Err(Error::Unsupported {
            message: format!(
                "no capital source of {} may fund category `{}`, which its synthetic projects need",
                scenario.name, d.category
            ),
            hint: "add the category to a source's `categories` in scenario.toml (`local` usually funds \"*\")".into(),
        });
    }
    let width = drafts.len().to_string().len().max(4);
    drafts
        .into_iter()
        .enumerate()
        .map(|(i, d)| {
            let category = Category::parse(&d.category).map_err(|message| Error::Unsupported {
                message,
                hint: "use a category of the shared vocabulary (docs/synthetic-projects.md)".into(),
            })?;
            Ok(Project {
                id: format!("P{:0width$}", i + 1),
                commune: d.commune,
                category,
                cost: d.cost,
                year_from: d.window.0,
                year_to: d.window.1,
                gains: d.gains,
                must: None,
                line: i + 2,
            })
        })
        .collect()
}

/// Year windows of an approach's `parts` projects: consecutive phases, each open 1-3 years.
fn year_windows(years: &[u16], parts: usize, rng: &mut ChaCha8Rng) -> Vec<(u16, u16)> {
    let last = years.len() - 1;
    let start = rng.random_range(0..=last);
    (0..parts)
        .map(|j| {
            let from = (start + j).min(last);
            let to = (from + rng.random_range(0..=2usize)).min(last);
            (years[from], years[to])
        })
        .collect()
}

/// The projects file in the loader's format (`id,commune,category,cost,year_from,year_to,gains,must`).
pub fn to_csv(projects: &[Project], communes: &[Commune]) -> String {
    let mut out = String::from("id,commune,category,cost,year_from,year_to,gains,must\n");
    for p in projects {
        let commune = communes.get(p.commune).map_or("", |c| c.id.as_str());
        let year = |y: u16| match y {
            0 | u16::MAX => String::new(),
            y => y.to_string(),
        };
        let gains: Vec<String> = p.gains.iter().map(Gain::label).collect();
        let must = match p.must {
            Some(Must::Fund) => "fund",
            Some(Must::Skip) => "skip",
            None => "",
        };
        let row = [
            csv_field(&p.id),
            csv_field(commune),
            csv_field(p.category.as_str()),
            p.cost.normalize().to_string(),
            year(p.year_from),
            year(p.year_to),
            gains.join(";"),
            must.to_string(),
        ];
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}

fn csv_field(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r', ';']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_string()
    }
}

/// The label every output of synthetic projects carries.
pub fn synthetic_note(seed: u64) -> String {
    format!(
        "candidate projects are synthetic: generated by ntm (seed {seed}) from the assumed unit costs in {BUILT_IN_NAME}; no document publishes a project list"
    )
}

/// Writes the projects file atomically, where `scenario.toml` names it (`projects.csv` in the
/// scenario folder otherwise); refuses to replace a file ntm did not write unless `force` (then
/// keeps it as `.bak`, see [`crate::output::write_owned`]). Returns its path and any backup.
pub fn write(
    scenario: &Scenario,
    projects: &[Project],
    force: bool,
) -> Result<(PathBuf, crate::output::Written)> {
    let path = scenario
        .projects_file
        .clone()
        .unwrap_or_else(|| scenario.dir.join("projects.csv"));
    let contents = to_csv(projects, &scenario.communes).into_bytes();
    let written = crate::output::write_owned(&[(path.clone(), contents)], force)?;
    Ok((path, written))
}

/// How the greedy estimate reaches one criterion target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CriterionEstimate {
    /// Criterion id.
    pub criterion: u8,
    /// Communes meeting it at the baseline.
    pub met: u32,
    /// Target communes.
    pub target: Decimal,
    /// Communes that must newly meet it.
    pub needed: u32,
    /// Communes the estimate closes (fewer than `needed` when projects run out).
    pub closed: u32,
    /// Extra cost of those closures, million VND.
    pub cost: Decimal,
}

/// How the greedy estimate reaches a floor target: communes at standard, in a band or above a
/// minimum number of criteria.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FloorEstimate {
    /// Target name.
    pub target: String,
    /// Criteria a commune needs to count.
    pub min: u32,
    /// Communes that must newly reach `min` (band targets read cumulatively).
    pub needed: u32,
    /// Communes the estimate lifts.
    pub closed: u32,
    /// Extra cost, million VND.
    pub cost: Decimal,
}

/// The calibration check: what the cheapest way to the targets costs against the budget
/// (hiệu chỉnh chi phí).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Calibration {
    /// Year of the targets.
    pub year: Option<u16>,
    /// Phase 1, per criterion target.
    pub criteria: Vec<CriterionEstimate>,
    /// Phase 2, per standard, band and minimum-criteria target.
    pub floors: Vec<FloorEstimate>,
    /// Projects the estimate picks.
    pub projects: usize,
    /// Their cost, million VND.
    pub greedy_cost: Decimal,
    /// Their cost per category.
    pub by_category: BTreeMap<String, Decimal>,
    /// Budget of all sources over the scenario years.
    pub budget: Decimal,
    /// Budget of the state-budget sources (central, local, integrated).
    pub state_budget: Decimal,
    /// How much of the greedy cost the sources can pay, given which categories each funds.
    pub fundable: Decimal,
    /// `greedy_cost ÷ state_budget`, two decimals.
    pub ratio: Option<Decimal>,
    /// Whether the ratio lies in [`CALIBRATION_BAND`] and the greedy cost is fully fundable.
    pub within_band: bool,
    /// Every target of the year on the standard set against the communes after the greedy picks.
    pub targets_after: Vec<TargetOutcome>,
}

/// Indices of the projects with a gain on each (commune, criterion of the standard set).
fn index_projects(projects: &[Project]) -> BTreeMap<(usize, u8), Vec<usize>> {
    let mut index: BTreeMap<(usize, u8), Vec<usize>> = BTreeMap::new();
    for (j, p) in projects.iter().enumerate() {
        for g in p.gains.iter().filter(|g| g.is_standard()) {
            index.entry((p.commune, g.criterion)).or_default().push(j);
        }
    }
    index
}

/// Takes the `count` cheapest options (cost, commune, projects) into `picked`; returns how
/// many were taken and their cost.
fn take_cheapest(
    mut options: Vec<(Decimal, usize, Vec<usize>)>,
    count: u32,
    picked: &mut BTreeSet<usize>,
) -> (u32, Decimal) {
    options.sort();
    let mut taken = (0, Decimal::ZERO);
    for (cost, _, set) in options.into_iter().take(count as usize) {
        taken = (taken.0 + 1, taken.1 + cost);
        picked.extend(set);
    }
    taken
}

/// Greedy estimate of reaching the scenario's targets with `projects` (latest year with a
/// criterion target).
///
/// Phase 1, criterion targets in file order: every commune not meeting the criterion is priced
/// at its cheapest set of its projects whose gains close the gap, projects already picked being
/// free; the cheapest `needed` communes are taken. Phase 2, floor targets (standard, bands read
/// cumulatively, minimum criteria) from the highest floor down: every commune below the floor
/// is priced at its cheapest closures of as many unmet criteria as it lacks; the cheapest are
/// taken. Sources are not split: `fundable` checks afterwards that the eligible sources can pay.
pub fn calibrate(scenario: &Scenario, projects: &[Project]) -> Calibration {
    let catalog = &scenario.catalog;
    let year = scenario
        .targets
        .iter()
        .filter(|t| matches!(t.kind, TargetKind::Criterion { .. }))
        .map(|t| t.year)
        .max();
    // Synthetic projects raise criteria of the standard set only: targets on the advanced set
    // are left out of the calibration (the planner reports them as out of reach).
    let year_targets: Vec<Target> = scenario
        .targets
        .iter()
        .filter(|t| Some(t.year) == year)
        .filter(|t| !matches!(t.kind, TargetKind::LevelCriterion { .. }))
        .cloned()
        .collect();
    let status = |picked: &BTreeSet<usize>| {
        let after = apply_projects(&scenario.communes, picked.iter().map(|&j| &projects[j]));
        evaluate_communes(catalog, &after, None)
    };
    let index = index_projects(projects);
    let own = |commune: usize, criterion: u8| -> &[usize] {
        index.get(&(commune, criterion)).map_or(&[], Vec::as_slice)
    };
    let mut picked: BTreeSet<usize> = BTreeSet::new();
    let baseline = status(&picked);
    let mut criteria = Vec::new();
    for target in &year_targets {
        let TargetKind::Criterion { criterion } = target.kind else {
            continue;
        };
        // A group target (số xã nhóm 2 đạt …) counts its group's communes only.
        let counts =
            |i: &usize| crate::scenario::counts_toward(target.group, &scenario.communes[*i]);
        let lacking = |i: &usize| counts(i) && !baseline.per_commune[*i].met.contains(criterion);
        let met = ((0..scenario.communes.len()).filter(counts).count()
            - (0..scenario.communes.len()).filter(lacking).count()) as u32;
        let needed = missing(target.value, met);
        let options = (0..scenario.communes.len())
            .filter(lacking)
            .filter_map(|i| {
                cheapest_closure(projects, own(i, criterion), criterion, &picked)
                    .map(|(cost, set)| (cost, i, set))
            })
            .collect();
        let (closed, cost) = take_cheapest(options, needed, &mut picked);
        criteria.push(CriterionEstimate {
            criterion,
            met,
            target: target.value,
            needed,
            closed,
            cost,
        });
    }
    // Group targets on the standard tier are not calibrated (they count a part of the province).
    let mut floor_targets: Vec<(u32, &Target)> = year_targets
        .iter()
        .filter(|t| t.group.is_none())
        .filter_map(|t| {
            let min = match &t.kind {
                TargetKind::Tier {
                    tier: TierId::Standard,
                } => catalog.criteria_count() as u32,
                TargetKind::Band { band } => {
                    catalog.bands.iter().find(|b| &b.id == band)?.min.into()
                }
                TargetKind::MinCriteria { min } => (*min).into(),
                _ => return None,
            };
            Some((min, t))
        })
        .collect();
    floor_targets.sort_by_key(|t| std::cmp::Reverse(t.0));
    let mut floors = Vec::new();
    for (min, target) in floor_targets {
        let now = status(&picked);
        let count = now
            .per_commune
            .iter()
            .filter(|c| c.criteria_met >= min)
            .count() as u32;
        let needed = missing(
            cumulative_band_target(target, &year_targets, catalog),
            count,
        );
        let options = now
            .per_commune
            .iter()
            .enumerate()
            .filter(|(_, c)| c.criteria_met < min)
            .filter_map(|(i, c)| {
                let lacks = (min - c.criteria_met) as usize;
                let mut closures: Vec<(Decimal, Vec<usize>)> = catalog
                    .criteria
                    .iter()
                    .filter(|k| !c.met.contains(k.id))
                    .filter_map(|k| cheapest_closure(projects, own(i, k.id), k.id, &picked))
                    .collect();
                closures.sort();
                if closures.len() < lacks {
                    return None;
                }
                let set: BTreeSet<usize> = closures
                    .into_iter()
                    .take(lacks)
                    .flat_map(|(_, s)| s)
                    .collect();
                let cost = set
                    .iter()
                    .filter(|j| !picked.contains(j))
                    .map(|&j| projects[j].cost)
                    .sum();
                Some((cost, i, set.into_iter().collect()))
            })
            .collect();
        let (closed, cost) = take_cheapest(options, needed, &mut picked);
        floors.push(FloorEstimate {
            target: target.name(catalog),
            min,
            needed,
            closed,
            cost,
        });
    }
    let mut by_category: BTreeMap<String, Decimal> = BTreeMap::new();
    for &j in &picked {
        *by_category
            .entry(projects[j].category.to_string())
            .or_default() += projects[j].cost;
    }
    let greedy_cost: Decimal = by_category.values().sum();
    let budget_of =
        |s: &CapitalSource| -> Decimal { scenario.years.iter().map(|y| s.budget_in(*y)).sum() };
    let budget: Decimal = scenario.capital_sources.iter().map(budget_of).sum();
    let state_budget: Decimal = scenario
        .capital_sources
        .iter()
        .filter(|s| s.kind.is_state_budget())
        .map(budget_of)
        .sum();
    let capacities: Vec<(Decimal, Vec<bool>)> = scenario
        .capital_sources
        .iter()
        .map(|s| {
            (
                budget_of(s),
                by_category.keys().map(|c| s.funds(c)).collect(),
            )
        })
        .collect();
    let fundable = paying::max_funding(
        &by_category.values().copied().collect::<Vec<_>>(),
        &capacities,
    );
    let ratio = (state_budget > Decimal::ZERO).then(|| (greedy_cost / state_budget).round_dp(2));
    let within_band = ratio.is_some_and(|r| r >= CALIBRATION_BAND.0 && r <= CALIBRATION_BAND.1)
        && fundable == greedy_cost;
    let targets_after = target_outcomes(&year_targets, &status(&picked), catalog);
    Calibration {
        year,
        criteria,
        floors,
        projects: picked.len(),
        greedy_cost,
        by_category,
        budget,
        state_budget,
        fundable,
        ratio,
        within_band,
        targets_after,
    }
}

/// Communes still to add to reach `target` from `have`.
fn missing(target: Decimal, have: u32) -> u32 {
    u32::try_from((target.ceil() - Decimal::from(have)).max(Decimal::ZERO)).unwrap_or(u32::MAX)
}

/// Cheapest set of `own` projects (indices into `projects`) whose gains on `criterion` add up
/// to at least 1; projects in `free` cost nothing. Exhaustive for up to 12 candidates, else
/// cheapest-per-gain first.
fn cheapest_closure(
    projects: &[Project],
    own: &[usize],
    criterion: u8,
    free: &BTreeSet<usize>,
) -> Option<(Decimal, Vec<usize>)> {
    let gain = |j: usize| {
        projects[j]
            .gains
            .iter()
            .find(|g| g.is_standard() && g.criterion == criterion)
            .map_or(Decimal::ZERO, |g| g.fraction)
    };
    let cost = |j: usize| {
        if free.contains(&j) {
            Decimal::ZERO
        } else {
            projects[j].cost
        }
    };
    if own.len() > 12 {
        // Too many for every subset: by cost per unit of gain, a gain counting as at least 0.01.
        let mut order: Vec<(usize, Decimal, Decimal)> =
            own.iter().map(|&j| (j, cost(j), gain(j))).collect();
        closing::cost_per_gain_order(&mut order, Decimal::new(1, 2));
        let set = closing::close_in_order(Decimal::ZERO, order.iter().map(|o| (o.0, o.2)))?;
        return Some((set.iter().map(|&j| cost(j)).sum(), set));
    }
    let gains: Vec<Decimal> = own.iter().map(|&j| gain(j)).collect();
    let costs: Vec<Decimal> = own.iter().map(|&j| cost(j)).collect();
    closing::cheapest_cover(&gains, &costs)
        .map(|(total, set)| (total, set.into_iter().map(|b| own[b]).collect()))
}

/// Projects and cost of one category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CategoryTotal {
    /// Category.
    pub category: String,
    /// Projects.
    pub projects: usize,
    /// Their cost, million VND.
    pub cost: Decimal,
}

/// What `ntm synthesize --projects` reports.
#[derive(Debug, Clone, Serialize)]
pub struct ProjectsSummary {
    /// The synthetic label.
    pub synthetic: String,
    /// Scenario name.
    pub scenario: String,
    /// Seed used.
    pub seed: u64,
    /// Communes.
    pub communes: usize,
    /// Unmet (commune, criterion) pairs.
    pub gaps: usize,
    /// Projects generated.
    pub projects: usize,
    /// Per category.
    pub by_category: Vec<CategoryTotal>,
    /// Cost of all candidates, million VND.
    pub total_cost: Decimal,
    /// The calibration check.
    pub calibration: Calibration,
    /// File written, if any.
    pub written: Option<PathBuf>,
    /// Whether `scenario.toml` lists a projects file (otherwise the loader ignores it).
    pub listed: bool,
}

/// Summarises generated projects for output.
pub fn summarize(scenario: &Scenario, projects: &[Project], seed: u64) -> ProjectsSummary {
    let mut by_category: BTreeMap<&str, (usize, Decimal)> = BTreeMap::new();
    for p in projects {
        let entry = by_category.entry(p.category.as_str()).or_default();
        entry.0 += 1;
        entry.1 += p.cost;
    }
    ProjectsSummary {
        synthetic: synthetic_note(seed),
        scenario: scenario.name.clone(),
        seed,
        communes: scenario.communes.len(),
        gaps: scenario
            .communes
            .iter()
            .map(|c| {
                scenario
                    .catalog
                    .criteria
                    .iter()
                    .filter(|k| !c.met.contains(k.id))
                    .count()
            })
            .sum(),
        projects: projects.len(),
        total_cost: projects.iter().map(|p| p.cost).sum(),
        by_category: CATEGORIES
            .iter()
            .filter_map(|c| {
                by_category.get(c).map(|(n, cost)| CategoryTotal {
                    category: (*c).to_string(),
                    projects: *n,
                    cost: *cost,
                })
            })
            .collect(),
        calibration: calibrate(scenario, projects),
        written: None,
        listed: scenario.projects_file.is_some(),
    }
}
