//! Invariants of the planner on small random scenarios (few cases, so the suite stays fast):
//! money is exact, within budgets and eligible; more money never hurts `max-standard`; fewer
//! candidate projects never help it.

use std::fmt::Write as _;
use std::path::Path;

use proptest::prelude::*;
use rust_decimal::Decimal;

use ntm::plan::{plan, Plan, PlanOptions, PlanStatus};
use ntm::scenario::Scenario;

const CONSTRUCTION: &str = r#"["transport", "irrigation", "electricity", "school", "cultural-facility", "commerce", "ict", "health", "environment"]"#;

#[derive(Debug, Clone)]
struct Instance {
    /// Unmet criteria per commune (from c2, c5, c9).
    communes: Vec<Vec<u8>>,
    /// (commune, criterion, cost, ten-thousandths of cost, gain is one half).
    projects: Vec<(usize, u8, u32, u32, bool)>,
    /// Budgets of central-investment, local, credit.
    budgets: [u32; 3],
    counterpart: bool,
}

fn category(criterion: u8) -> &'static str {
    match criterion {
        2 => "transport",
        5 => "school",
        _ => "housing",
    }
}

fn instance() -> impl Strategy<Value = Instance> {
    let commune = prop::sample::subsequence(vec![2u8, 5, 9], 0..=2);
    (
        prop::collection::vec(commune, 2..=4),
        prop::collection::vec(
            (0usize..4, 0usize..2, 5u32..40, 0u32..10_000, any::<bool>()),
            1..8,
        ),
        [0u32..60, 0u32..40, 0u32..60],
        any::<bool>(),
    )
        .prop_map(|(mut communes, raw, budgets, counterpart)| {
            if communes[0].is_empty() {
                communes[0].push(2);
            }
            let mut projects = Vec::new();
            for (c, k, cost, frac, half) in raw {
                let c = c % communes.len();
                if communes[c].is_empty() {
                    continue;
                }
                let criterion = communes[c][k % communes[c].len()];
                projects.push((c, criterion, cost, frac, half));
            }
            if projects.is_empty() {
                projects.push((0, communes[0][0], 10, 0, false));
            }
            Instance {
                communes,
                projects,
                budgets,
                counterpart,
            }
        })
}

fn write(dir: &Path, inst: &Instance) -> Scenario {
    let mut toml = String::from(
        "name = \"random\"\nprovince = \"Fixture\"\ncatalog = \"qd318-2022\"\nbaseline_year = 2022\nyears = [2023]\nhierarchy = [\"province\", \"commune\"]\nsynthetic = \"random test instance\"\nprojects = \"projects.csv\"\n",
    );
    let sources = [
        ("central-investment", "central-investment", CONSTRUCTION),
        ("local", "local", r#"["*"]"#),
        (
            "credit",
            "credit",
            r#"["housing", "production", "livelihood"]"#,
        ),
    ];
    for ((id, kind, categories), budget) in sources.iter().zip(inst.budgets) {
        let _ = write!(
            toml,
            "[[capital_sources]]\nid = \"{id}\"\nkind = \"{kind}\"\nname_vi = \"{id}\"\nname_en = \"{id}\"\nbudget = {{ 2023 = {budget} }}\ncategories = {categories}\neligibility = \"assumption: test\"\nsource = \"invented\"\n"
        );
    }
    if inst.counterpart {
        toml.push_str("[[counterpart]]\nsource = \"local\"\nof = [\"central-investment\"]\nratio = \"0,2\"\nbasis = \"assumption: test\"\n");
    }
    let mut communes = String::from("id,name");
    for k in 1..=19 {
        let _ = write!(communes, ",c{k}");
    }
    communes.push('\n');
    for (i, unmet) in inst.communes.iter().enumerate() {
        let _ = write!(communes, "x{i},X{i}");
        for k in 1..=19u8 {
            communes.push_str(if unmet.contains(&k) { ",0" } else { ",1" });
        }
        communes.push('\n');
    }
    let mut projects = String::from("id,commune,category,cost,year_from,year_to,gains,must\n");
    for (j, (c, k, cost, frac, half)) in inst.projects.iter().enumerate() {
        let gain = if *half { "0.5" } else { "1" };
        // Costs like `12,0345` (Vietnamese decimal comma) exercise exact money.
        let _ = writeln!(
            projects,
            "p{j:02},x{c},{},\"{cost},{frac:04}\",2023,2023,c{k}:{gain},",
            category(*k)
        );
    }
    std::fs::write(dir.join("scenario.toml"), toml).unwrap();
    std::fs::write(dir.join("communes.csv"), communes).unwrap();
    std::fs::write(dir.join("projects.csv"), projects).unwrap();
    Scenario::load(dir).unwrap()
}

fn solve(inst: &Instance) -> (Scenario, Plan) {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write(dir.path(), inst);
    let p = plan(&scenario, &PlanOptions::default()).unwrap();
    assert_eq!(p.status, PlanStatus::Optimal);
    (scenario, p)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn money_is_exact_eligible_and_within_budget(inst in instance()) {
        let (scenario, p) = solve(&inst);
        for fp in &p.projects {
            let total: Decimal = fp.funding.values().copied().sum();
            prop_assert_eq!(total, fp.cost);
            let project = scenario.projects.iter().find(|x| x.id == fp.id).unwrap();
            for (id, amount) in &fp.funding {
                let source = scenario.capital_sources.iter().find(|s| &s.id == id).unwrap();
                prop_assert!(source.funds(&project.category), "{} funds {}", id, project.category);
                prop_assert!(*amount > Decimal::ZERO);
            }
        }
        for source in &scenario.capital_sources {
            let spent = p.spend_by_source.get(&source.id).copied().unwrap_or_default();
            prop_assert!(spent <= source.budget_in(2023));
        }
        if inst.counterpart {
            let spent = |id: &str| p.spend_by_source.get(id).copied().unwrap_or_default();
            prop_assert!(spent("local") >= Decimal::new(2, 1) * spent("central-investment"));
        }
    }

    #[test]
    fn more_money_never_lowers_max_standard(inst in instance(), which in 0usize..3, more in 1u32..50) {
        let (_, before) = solve(&inst);
        let mut richer = inst.clone();
        richer.budgets[which] += more;
        let (_, after) = solve(&richer);
        prop_assert!(after.objective >= before.objective);
    }

    #[test]
    fn fewer_projects_never_raise_max_standard(inst in instance(), drop in 0usize..8) {
        let (_, before) = solve(&inst);
        let mut fewer = inst.clone();
        if fewer.projects.len() > 1 {
            fewer.projects.remove(drop % fewer.projects.len());
        }
        let (_, after) = solve(&fewer);
        prop_assert!(after.objective <= before.objective);
    }
}
