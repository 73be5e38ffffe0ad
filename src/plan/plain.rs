//! The plain model (mô hình đơn giản): the planning problem of `docs/model.md` written the
//! straightforward way, one binary per (project, year) and one funding variable per (project,
//! source, year), with none of the formulation's reductions (no known nodes fixed, no covers, no
//! eligible-source groups). It is the yardstick of the README's benchmark table: exported with
//! `ntm plan --export-lp FILE --plain` and solved by HiGHS, beside ntm's own solves.
//!
//! Same problem, same data: the same planning years, the same requirements and objectives.
//! Targets out of reach with any money are capped at what funding every project reaches, as
//! `ntm plan` caps them, but counted here independently of the formulation (the evaluator on
//! the communes with every project applied). Money is in million VND, as in the scenario.

use std::collections::BTreeMap;
use std::path::Path;

use rust_decimal::prelude::ToPrimitive;

use super::formulation::Requirement;
use super::formulation::{planning_years, requirements_of, At, Measure};
use super::model::{Model, Sense, Var};
use super::Objective;
use crate::catalog::{Node, TierId};
use crate::error::Result;
use crate::evaluate::evaluate_communes;
use crate::outcome::apply_projects;
use crate::scenario::{Must, Scenario};

/// Size of a written plain model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlainSize {
    /// Variables.
    pub variables: usize,
    /// Of which integer.
    pub integers: usize,
    /// Rows.
    pub rows: usize,
}

/// Writes the plain model of `scenario` for `objective` to `path` in LP format.
pub fn export_plain_lp(
    scenario: &Scenario,
    objective: Objective,
    path: &Path,
) -> Result<PlainSize> {
    let model = plain_model(scenario, objective)?;
    crate::text::write_atomic(path, model.to_lp().as_bytes())?;
    Ok(PlainSize {
        variables: model.vars.len(),
        integers: model.vars.iter().filter(|v| v.integer).count(),
        rows: model.rows.len(),
    })
}

/// Each requirement lowered to what funding every project that may start by its year reaches
/// (budgets aside).
fn capped(scenario: &Scenario, years: &[u16], requirements: Vec<Requirement>) -> Vec<Requirement> {
    let mut reach: BTreeMap<u16, crate::evaluate::Evaluation> = BTreeMap::new();
    requirements
        .into_iter()
        .map(|mut req| {
            let evaluation = reach.entry(req.year).or_insert_with(|| {
                let funded = scenario.projects.iter().filter(|p| {
                    p.must != Some(Must::Skip)
                        && years.iter().any(|t| *t <= req.year && p.open_in(*t))
                });
                let after = apply_projects(&scenario.communes, funded);
                evaluate_communes(&scenario.catalog, &after, None)
            });
            let most = match (&req.measure, req.group) {
                (Measure::Indicator { indicator, .. }, g) => evaluation.indicator_met(indicator, g),
                // A group requirement (criterion or tier) counts its group.
                (Measure::Criterion(k), Some(g)) => evaluation.group_met(g, Some(*k)),
                (Measure::Tier(t), Some(g)) => evaluation.group_at(g, *t),
                (_, Some(g)) => evaluation.group_met(g, None),
                (Measure::Criterion(k), None) => evaluation
                    .criteria
                    .iter()
                    .find(|c| c.id == *k)
                    .map_or(0, |c| c.met),
                (Measure::Advanced(k), None) => evaluation
                    .advanced_criteria
                    .iter()
                    .find(|c| c.id == *k)
                    .map_or(0, |c| c.met),
                (Measure::Tier(tier), None) => evaluation
                    .per_commune
                    .iter()
                    .filter(|c| c.tier.is_some_and(|t| t >= *tier))
                    .count(),
                (Measure::AtLeast(m), None) => evaluation
                    .per_commune
                    .iter()
                    .filter(|c| c.criteria_met >= u32::from(*m))
                    .count(),
                (Measure::TotalCriteria, None) => evaluation.summary.total_criteria as usize,
            };
            req.at_least = req.at_least.min(most as i64);
            req
        })
        .collect()
}

/// Builds the plain model.
pub(crate) fn plain_model(scenario: &Scenario, objective: Objective) -> Result<Model> {
    let years = planning_years(scenario)?;
    let last = *years.last().unwrap_or(&0);
    let requirements = capped(scenario, &years, requirements_of(scenario, &years));
    let mut model = Model::new(match objective {
        Objective::MinCost => Sense::Minimize,
        _ => Sense::Maximize,
    });

    // Selection: x_pt, each project at most once (exactly once when it must be funded).
    let mut x: Vec<Vec<(u16, Var)>> = Vec::with_capacity(scenario.projects.len());
    for (p, project) in scenario.projects.iter().enumerate() {
        let mut vars = Vec::new();
        if project.must != Some(Must::Skip) {
            for &t in years.iter().filter(|t| project.open_in(**t)) {
                vars.push((t, model.binary(format!("x{p}_{t}"))));
            }
        }
        let lo = if project.must == Some(Must::Fund) {
            1.0
        } else {
            0.0
        };
        if project.must == Some(Must::Fund) || vars.len() > 1 {
            let terms = vars.iter().map(|(_, v)| (*v, 1.0)).collect();
            model.row(format!("once{p}"), terms, lo, 1.0);
        }
        x.push(vars);
    }

    // Funding: f_pst for every eligible source; a funded project is paid in full.
    let sources = &scenario.capital_sources;
    let mut spend: BTreeMap<(usize, u16), Vec<(Var, f64)>> = BTreeMap::new();
    for (p, project) in scenario.projects.iter().enumerate() {
        let cost = project.cost.to_f64().unwrap_or(0.0);
        for &(t, xv) in &x[p] {
            let mut terms = vec![(xv, -cost)];
            for (s, source) in sources.iter().enumerate() {
                if !source.funds(&project.category) {
                    continue;
                }
                let f = model.var(format!("f{p}_{s}_{t}"), 0.0, f64::INFINITY, false);
                if objective == Objective::MinCost && source.kind.is_state_budget() {
                    model.add_obj(f, 1.0);
                }
                terms.push((f, 1.0));
                spend.entry((s, t)).or_default().push((f, 1.0));
            }
            model.row(format!("pay{p}_{t}"), terms, 0.0, 0.0);
        }
    }
    for &t in &years {
        for (s, source) in sources.iter().enumerate() {
            if let Some(terms) = spend.get(&(s, t)) {
                let budget = source.budget_in(t).to_f64().unwrap_or(0.0);
                model.row(
                    format!("budget{s}_{t}"),
                    terms.clone(),
                    f64::NEG_INFINITY,
                    budget,
                );
            }
        }
        for (r, rule) in scenario.counterpart.iter().enumerate() {
            let ratio = rule.ratio.0.to_f64().unwrap_or(0.0);
            let mut terms = Vec::new();
            for (s, source) in sources.iter().enumerate() {
                let mut coef = 0.0;
                if source.id == rule.source {
                    coef += 1.0;
                }
                if rule.of.contains(&source.id) {
                    coef -= ratio;
                }
                if coef != 0.0 {
                    for (f, _) in spend.get(&(s, t)).into_iter().flatten() {
                        terms.push((*f, coef));
                    }
                }
            }
            model.row(format!("counterpart{r}_{t}"), terms, 0.0, f64::INFINITY);
        }
    }

    // Status at the end of each year that a requirement or the objective reads.
    let mut node_years: Vec<u16> = requirements.iter().map(|r| r.year).collect();
    node_years.push(last);
    node_years.sort_unstable();
    node_years.dedup();
    let graph = scenario.catalog.graph();
    let criteria: Vec<u8> = scenario.catalog.criteria.iter().map(|c| c.id).collect();
    let mut by_commune: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (p, project) in scenario.projects.iter().enumerate() {
        by_commune.entry(project.commune).or_default().push(p);
    }
    let mut node: BTreeMap<(usize, Node, u16), Var> = BTreeMap::new();
    // Criteria of the advanced set a commune lacks, where its projects bring gains on them:
    // a ≤ Σ gain · x over the years up to t.
    let mut advanced: BTreeMap<(usize, u8, u16), Var> = BTreeMap::new();
    for (c, commune) in scenario.communes.iter().enumerate() {
        for &t in &node_years {
            for &k in criteria
                .iter()
                .filter(|k| !commune.advanced_met.contains(**k))
            {
                let mut terms = Vec::new();
                for &p in by_commune.get(&c).into_iter().flatten() {
                    for g in scenario.projects[p].gains.iter() {
                        if g.raises_advanced(k) {
                            let gain = g.fraction.to_f64().unwrap_or(0.0).min(1.0);
                            for &(_, xv) in x[p].iter().filter(|(y, _)| *y <= t) {
                                terms.push((xv, -gain));
                            }
                        }
                    }
                }
                if terms.is_empty() {
                    continue;
                }
                let a = model.binary(format!("a{c}_{k}_{t}"));
                terms.push((a, 1.0));
                model.row(format!("gain_a{c}_{k}_{t}"), terms, f64::NEG_INFINITY, 0.0);
                advanced.insert((c, k, t), a);
            }
        }
    }
    for (c, commune) in scenario.communes.iter().enumerate() {
        for &t in &node_years {
            for &n in graph.order() {
                let name = format!("n{c}_{}_{t}", n.label());
                // The node's own condition: gains for a criterion, the tier's own rule.
                let own_yes = match n {
                    Node::Criterion(k) => commune.met.contains(k),
                    Node::Tier(TierId::Standard) => true,
                    Node::Tier(TierId::Advanced) => {
                        criteria.iter().all(|k| commune.advanced_met.contains(*k))
                    }
                    Node::Tier(TierId::Model) => commune.model_conditions,
                };
                // The advanced tier's own condition: every advanced criterion it lacks.
                let advanced_open = n == Node::Tier(TierId::Advanced)
                    && !own_yes
                    && criteria.iter().all(|k| {
                        commune.advanced_met.contains(*k) || advanced.contains_key(&(c, *k, t))
                    });
                let v = model.binary(name.clone());
                if let Node::Criterion(k) = n {
                    if !own_yes {
                        let mut terms = vec![(v, 1.0)];
                        for &p in by_commune.get(&c).into_iter().flatten() {
                            let project = &scenario.projects[p];
                            for g in project
                                .gains
                                .iter()
                                .filter(|g| g.is_standard() && g.criterion == k)
                            {
                                let gain = g.fraction.to_f64().unwrap_or(0.0).min(1.0);
                                for &(_, xv) in x[p].iter().filter(|(y, _)| *y <= t) {
                                    terms.push((xv, -gain));
                                }
                            }
                        }
                        model.row(format!("gain_{name}"), terms, f64::NEG_INFINITY, 0.0);
                    }
                } else if advanced_open {
                    for k in criteria.iter() {
                        if let Some(&a) = advanced.get(&(c, *k, t)) {
                            model.row(
                                format!("tier_{name}_a{k}"),
                                vec![(v, 1.0), (a, -1.0)],
                                f64::NEG_INFINITY,
                                0.0,
                            );
                        }
                    }
                } else if !own_yes {
                    model.vars[v.0].hi = 0.0;
                }
                for g in graph.gates_of(n) {
                    if let Some(&gv) = node.get(&(c, g, t)) {
                        model.row(
                            format!("gate_{name}_{}", g.label()),
                            vec![(v, 1.0), (gv, -1.0)],
                            f64::NEG_INFINITY,
                            0.0,
                        );
                    }
                }
                node.insert((c, n, t), v);
            }
        }
    }

    // Requirements, hard.
    let n = scenario.communes.len();
    let mut at_least: BTreeMap<(usize, u8, u16), Var> = BTreeMap::new();
    for (r, req) in requirements.iter().enumerate() {
        let mut terms = Vec::new();
        for c in 0..n {
            let measure = match req.at(scenario, c) {
                At::Skip => continue,
                At::Met => {
                    // Met at baseline: a variable fixed at 1 counts it.
                    let one = model.var(format!("had_i{c}_{r}"), 1.0, 1.0, false);
                    terms.push(one);
                    continue;
                }
                At::Count(m) => m,
            };
            match &measure {
                Measure::Criterion(k) => {
                    terms.extend(node.get(&(c, Node::Criterion(*k), req.year)))
                }
                Measure::Tier(tier) => terms.extend(node.get(&(c, Node::Tier(*tier), req.year))),
                Measure::Advanced(k) => {
                    if scenario.communes[c].advanced_met.contains(*k) {
                        // Met at baseline: a variable fixed at 1 counts it.
                        let one = model.var(format!("had_a{c}_{k}_{}", req.year), 1.0, 1.0, false);
                        terms.push(one);
                    } else {
                        terms.extend(advanced.get(&(c, *k, req.year)));
                    }
                }
                Measure::TotalCriteria => terms.extend(
                    criteria
                        .iter()
                        .filter_map(|k| node.get(&(c, Node::Criterion(*k), req.year))),
                ),
                Measure::AtLeast(m) => {
                    let key = (c, *m, req.year);
                    let w = match at_least.get(&key) {
                        Some(w) => *w,
                        None => {
                            let w = model.binary(format!("w{c}_{m}_{}", req.year));
                            // m · w ≤ Σ_k y_ck.
                            let mut row = vec![(w, f64::from(*m))];
                            row.extend(
                                criteria
                                    .iter()
                                    .filter_map(|k| node.get(&(c, Node::Criterion(*k), req.year)))
                                    .map(|y| (*y, -1.0)),
                            );
                            model.row(
                                format!("atleast{c}_{m}_{}", req.year),
                                row,
                                f64::NEG_INFINITY,
                                0.0,
                            );
                            at_least.insert(key, w);
                            w
                        }
                    };
                    terms.push(w);
                }
                Measure::Indicator { .. } => {} // read as its criterion by `at`
            }
        }
        let terms = terms.into_iter().map(|v| (v, 1.0)).collect();
        model.row(
            format!("target{r}"),
            terms,
            req.at_least as f64,
            f64::INFINITY,
        );
    }

    // Objective.
    for c in 0..n {
        match objective {
            Objective::MaxStandard => {
                if let Some(&z) = node.get(&(c, Node::Tier(TierId::Standard), last)) {
                    model.add_obj(z, 1.0);
                }
            }
            Objective::MaxCriteria => {
                for k in &criteria {
                    if let Some(&y) = node.get(&(c, Node::Criterion(*k), last)) {
                        model.add_obj(y, 1.0);
                    }
                }
            }
            Objective::MinCost => {}
        }
    }
    Ok(model)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::heuristic::tests::qd51_one_standard;
    use crate::plan::solve::{solve, Settings};
    use crate::plan::Backend;

    /// One commune missing only c2; years 2024-2025; local budget 1,000 a year. Project q1
    /// (`c2:0.5`, cost 600) may be funded in 2024 only, q2 (`c2:0.5`, cost 600) in 2025 only.
    /// By hand: neither year's budget pays both, but q1 in 2024 and q2 in 2025 close c2 by
    /// end-2025 (0.5 + 0.5), so one commune reaches standard, at a state cost of 1,200.
    fn two_year_fixture(target: bool) -> (tempfile::TempDir, Scenario) {
        let dir = tempfile::tempdir().unwrap();
        let mut toml = String::from(
            "name = \"two-years\"\nprovince = \"P\"\ncatalog = \"qd318-2022\"\nbaseline_year = 2023\nyears = [2024, 2025]\nhierarchy = [\"province\", \"commune\"]\nsynthetic = \"hand-worked test fixture\"\ncommunes = \"communes.csv\"\nprojects = \"projects.csv\"\n[[capital_sources]]\nid = \"local\"\nkind = \"local\"\nname_vi = \"Vốn địa phương\"\nname_en = \"Local\"\nbudget = { \"2024\" = 1000, \"2025\" = 1000 }\ncategories = [\"*\"]\neligibility = \"test\"\nsource = \"test\"\n",
        );
        if target {
            toml.push_str(
                "[[targets]]\nyear = 2025\ntier = \"standard\"\ncommunes = 1\nsource = \"test\"\n",
            );
        }
        std::fs::write(dir.path().join("scenario.toml"), toml).unwrap();
        let mut communes = String::from("id,name");
        let mut row = String::from("a,Xã A");
        for k in 1..=19 {
            communes.push_str(&format!(",c{k}"));
            row.push_str(if k == 2 { ",0" } else { ",1" });
        }
        std::fs::write(
            dir.path().join("communes.csv"),
            format!("{communes}\n{row}\n"),
        )
        .unwrap();
        std::fs::write(
            dir.path().join("projects.csv"),
            "id,commune,category,cost,year_from,year_to,gains,must\nq1,a,transport,600,2024,2024,c2:0.5,\nq2,a,transport,600,2025,2025,c2:0.5,\n",
        )
        .unwrap();
        let scenario = Scenario::load(dir.path()).unwrap();
        (dir, scenario)
    }

    fn optimum(scenario: &Scenario, objective: Objective) -> f64 {
        let model = plain_model(scenario, objective).unwrap();
        let settings = Settings {
            backend: Backend::Microlp,
            time_limit: Some(60.0),
            gap: None,
            deadline: None,
            quick: false,
        };
        let solved = solve(&model, settings, None).expect("solved");
        assert!(solved.optimal);
        model.objective_of(&solved.values)
    }

    #[test]
    fn plain_model_adds_gains_across_years() {
        let (_dir, scenario) = two_year_fixture(false);
        assert_eq!(optimum(&scenario, Objective::MaxStandard), 1.0);
        assert_eq!(optimum(&scenario, Objective::MaxCriteria), 19.0);
        let (_dir, scenario) = two_year_fixture(true);
        assert!((optimum(&scenario, Objective::MinCost) - 1200.0).abs() < 1e-6);
    }

    #[test]
    fn plain_model_has_one_binary_per_project_year() {
        let (_dir, scenario) = two_year_fixture(false);
        let model = plain_model(&scenario, Objective::MaxStandard).unwrap();
        let selections = model
            .vars
            .iter()
            .filter(|v| v.name.starts_with('x'))
            .count();
        let funding = model
            .vars
            .iter()
            .filter(|v| v.name.starts_with('f'))
            .count();
        assert_eq!((selections, funding), (2, 2));
    }

    #[test]
    fn plain_model_counts_a_group_requirement_over_that_group() {
        // Least state money for "1 commune at standard": p2, 400. Over nhóm 3 only: p3, 1.200.
        assert!((optimum(&qd51_one_standard(None), Objective::MinCost) - 400.0).abs() < 1e-6);
        let three = crate::catalog::CommuneGroup::from_number(3);
        assert!((optimum(&qd51_one_standard(three), Objective::MinCost) - 1200.0).abs() < 1e-6);
    }
}
