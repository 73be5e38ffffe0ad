//! Planner benches. Each instance is built, and one solve's status, bound, gap and time
//! printed, only when criterion's name filter selects a bench that uses it.
//!
//! - `plan_province/{backend}`: 94 seeded synthetic communes, ≥ 1,000 candidate projects, 8 sources,
//!   max-standard, microlp.
//! - `plan_region/{objective}/{backend}`: Lai Châu 2023 copied ten times (940 communes, 10,190
//!   projects; budgets and commune-count targets ×10), each objective.
//! - `plan_national/max-standard/{backend}`: 10,000 synthetic communes, about 100,000 projects
//!   (the `plan_province` synthesizer and calibration), 0.5 % gap.
//! - `plan_large/{backend}`: 2,000 synthetic communes, ≥ 15,000 projects, 1 % gap.
//! - `whatif/{marginal,marginal-no-tie-break,sweep-20}/{backend}`: the re-solving commands on
//!   Lai Châu 2023 (`plan --marginal`, `sweep --budget 0.5..2 --steps 20`), one deadline each.
//!
//! Backends: microlp, and HiGHS with `--features highs`. Every solve has a time limit:
//! `NTM_BENCH_TIME_LIMIT` seconds (default 60). Short settings, e.g.
//! `cargo bench --bench plan -- --warm-up-time 1 --measurement-time 1 plan_region`.

mod instance;

use std::cell::OnceCell;
use std::path::Path;
use std::time::Instant;

use criterion::{criterion_group, criterion_main, Criterion};
use tempfile::TempDir;

use ntm::plan::{plan, Backend, Objective, PlanOptions};
use ntm::scenario::Scenario;

/// Density of optional alternatives (percent of the assumed probabilities) that gives
/// `plan_province` at least 1,000 candidates.
const DENSITY_PROVINCE: u32 = 300;
/// Likewise for `plan_large`, at least 15,000 candidates.
const DENSITY_LARGE: u32 = 100;
/// Likewise for `plan_national`, about 100,000 candidates on 10,000 communes.
const DENSITY_NATIONAL: u32 = 200;

/// Each solve's time limit, seconds.
fn time_limit() -> f64 {
    std::env::var("NTM_BENCH_TIME_LIMIT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(60.0)
}

fn backends() -> Vec<(&'static str, Backend)> {
    let mut all = vec![("microlp", Backend::Microlp)];
    if cfg!(feature = "highs") {
        all.push(("highs", Backend::Highs));
    }
    all
}

fn objective_name(objective: Objective) -> &'static str {
    match objective {
        Objective::MaxStandard => "max-standard",
        Objective::MinCost => "min-cost",
        Objective::MaxCriteria => "max-criteria",
    }
}

/// An instance written to a temporary folder on first use.
struct Lazy<F: Fn(&Path) -> Scenario> {
    make: F,
    cell: OnceCell<(TempDir, Scenario)>,
}

impl<F: Fn(&Path) -> Scenario> Lazy<F> {
    fn new(make: F) -> Self {
        Lazy {
            make,
            cell: OnceCell::new(),
        }
    }

    fn get(&self) -> &Scenario {
        &self
            .cell
            .get_or_init(|| {
                let dir = tempfile::tempdir().expect("temporary folder");
                let scenario = (self.make)(dir.path());
                (dir, scenario)
            })
            .1
    }
}

/// Benchmarks `plan` on `scenario` under `id`, printing the first solve's result.
fn bench_plan<F: Fn(&Path) -> Scenario>(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    group_name: &str,
    id: &str,
    scenario: &Lazy<F>,
    options: &PlanOptions,
) {
    let mut reported = false;
    group.bench_function(id, |b| {
        let scenario = scenario.get();
        if !reported {
            reported = true;
            let start = Instant::now();
            let p = plan(scenario, options).expect("plan");
            eprintln!(
                "{group_name}/{id}: {} communes, {} projects: {:?}, objective {}, bound {:?}, gap {:?}, {:.2} s",
                scenario.communes.len(),
                scenario.projects.len(),
                p.status,
                p.objective,
                p.bound,
                p.gap,
                start.elapsed().as_secs_f64()
            );
        }
        b.iter(|| plan(scenario, options).expect("plan"))
    });
}

fn synthetic(
    communes: usize,
    seed: u64,
    density: u32,
    at_least: usize,
) -> impl Fn(&Path) -> Scenario {
    move |dir| {
        let scenario = instance::write(dir, communes, seed, density, 0.35);
        assert!(
            scenario.projects.len() >= at_least,
            "{}",
            scenario.projects.len()
        );
        scenario
    }
}

fn plan_province(c: &mut Criterion) {
    let scenario = Lazy::new(synthetic(94, 2023, DENSITY_PROVINCE, 1000));
    const GROUP: &str = "plan_province";
    let mut group = c.benchmark_group(GROUP);
    for (name, backend) in backends() {
        let options = PlanOptions {
            backend,
            time_limit: Some(time_limit()),
            ..PlanOptions::default()
        };
        bench_plan(&mut group, GROUP, name, &scenario, &options);
    }
    group.finish();
}

fn plan_region(c: &mut Criterion) {
    let scenario = Lazy::new(|dir: &Path| {
        let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/lai-chau-2023");
        let out = dir.join("lai-chau-x10");
        instance::replicate::replicate(&source, &out, 10, "lai-chau-x10", None).expect("replicate");
        Scenario::load(&out).expect("load")
    });
    const GROUP: &str = "plan_region";
    let mut group = c.benchmark_group(GROUP);
    for objective in [
        Objective::MaxStandard,
        Objective::MinCost,
        Objective::MaxCriteria,
    ] {
        for (name, backend) in backends() {
            let options = PlanOptions {
                objective,
                backend,
                time_limit: Some(time_limit()),
                // The goal: proven optimal or within 0,1 %.
                gap: Some(0.001),
                ..PlanOptions::default()
            };
            let id = format!("{}/{name}", objective_name(objective));
            bench_plan(&mut group, GROUP, &id, &scenario, &options);
        }
    }
    group.finish();
}

fn plan_national(c: &mut Criterion) {
    let scenario = Lazy::new(synthetic(10_000, 2025, DENSITY_NATIONAL, 95_000));
    const GROUP: &str = "plan_national";
    let mut group = c.benchmark_group(GROUP);
    for (name, backend) in backends() {
        let options = PlanOptions {
            backend,
            time_limit: Some(time_limit()),
            gap: Some(0.005),
            ..PlanOptions::default()
        };
        bench_plan(
            &mut group,
            GROUP,
            &format!("max-standard/{name}"),
            &scenario,
            &options,
        );
    }
    group.finish();
}

fn plan_large(c: &mut Criterion) {
    let scenario = Lazy::new(synthetic(2000, 2025, DENSITY_LARGE, 15_000));
    const GROUP: &str = "plan_large";
    let mut group = c.benchmark_group(GROUP);
    for (name, backend) in backends() {
        let options = PlanOptions {
            backend,
            time_limit: Some(time_limit()),
            gap: Some(0.01),
            ..PlanOptions::default()
        };
        bench_plan(&mut group, GROUP, name, &scenario, &options);
    }
    group.finish();
}

/// The re-solving commands on Lai Châu 2023, as the command line runs them (one deadline of
/// the time limit for the whole command): `plan --marginal` with and without the tie-break
/// stages, and `sweep --budget 0.5..2 --steps 20` with the default rules (QĐ 07, equal).
fn whatif(c: &mut Criterion) {
    let scenario = Lazy::new(|_: &Path| {
        Scenario::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/lai-chau-2023"))
            .expect("load")
    });
    const GROUP: &str = "whatif";
    let mut group = c.benchmark_group(GROUP);
    for (name, backend) in backends() {
        for tie_break in [true, false] {
            let id = match tie_break {
                true => format!("marginal/{name}"),
                false => format!("marginal-no-tie-break/{name}"),
            };
            group.bench_function(id, |b| {
                let scenario = scenario.get();
                b.iter(|| {
                    let options = PlanOptions {
                        backend,
                        time_limit: Some(time_limit()),
                        tie_break,
                        ..PlanOptions::default()
                    }
                    .with_deadline();
                    let p = plan(scenario, &options).expect("plan");
                    ntm::whatif::marginal::marginal(scenario, &options, &p).expect("marginal")
                })
            });
        }
        let rules: Vec<ntm::rules::Rule> = ["qd07-2022", "equal"]
            .iter()
            .map(|r| ntm::rules::Rule::load(r).expect("rule"))
            .collect();
        group.bench_function(format!("sweep-20/{name}"), |b| {
            let scenario = scenario.get();
            b.iter(|| {
                let options = ntm::whatif::sweep::SweepOptions {
                    year: None,
                    from: rust_decimal::Decimal::new(5, 1),
                    to: rust_decimal::Decimal::TWO,
                    steps: 20,
                    axis: ntm::whatif::sweep::BudgetAxis::Multiplier,
                    divided: Vec::new(),
                    scaled: Vec::new(),
                    plan: PlanOptions {
                        backend,
                        time_limit: Some(time_limit()),
                        tie_break: false,
                        ..PlanOptions::default()
                    }
                    .with_deadline(),
                };
                ntm::whatif::sweep::sweep(scenario, &rules, &options, &|| {}).expect("sweep")
            })
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = plan_province, plan_region, plan_national, plan_large, whatif
}
criterion_main!(benches);
