//! Planner benches on seeded synthetic instances: `plan_province` (94 communes, ≥ 1,000
//! candidate projects, 8 sources, max-standard, default backend) and `plan_large` (2,000
//! communes, ≥ 15,000 projects, 1 % gap, 60 s limit; microlp, and HiGHS with
//! `--features highs`). Each bench first prints
//! one solve's status, gap and time. Run with short settings, e.g.
//! `cargo bench --bench plan -- --sample-size 10 --measurement-time 5`.

mod instance;

/// Density of optional alternatives (percent of the assumed probabilities) that gives
/// `plan_province` at least 1,000 candidates.
const DENSITY_PROVINCE: u32 = 300;
/// Likewise for `plan_large`, at least 15,000 candidates.
const DENSITY_LARGE: u32 = 100;

use std::time::Instant;

use criterion::{criterion_group, criterion_main, Criterion};

use ntm::plan::{plan, Backend, PlanOptions};
use ntm::scenario::Scenario;

fn report(name: &str, scenario: &Scenario, options: &PlanOptions) {
    let start = Instant::now();
    let p = plan(scenario, options).expect("plan");
    eprintln!(
        "{name}: {} communes, {} projects: {:?}, objective {}, gap {:?}, {:.2} s",
        scenario.communes.len(),
        scenario.projects.len(),
        p.status,
        p.objective,
        p.gap,
        start.elapsed().as_secs_f64()
    );
}

fn plan_province(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let scenario = instance::write(dir.path(), 94, 2023, DENSITY_PROVINCE, 0.35);
    assert!(
        scenario.projects.len() >= 1000,
        "{}",
        scenario.projects.len()
    );
    let options = PlanOptions::default();
    report("plan_province", &scenario, &options);
    c.bench_function("plan_province", |b| {
        b.iter(|| plan(&scenario, &options).expect("plan"))
    });
}

fn plan_large(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let scenario = instance::write(dir.path(), 2000, 2025, DENSITY_LARGE, 0.35);
    assert!(
        scenario.projects.len() >= 15000,
        "{}",
        scenario.projects.len()
    );
    let mut backends = vec![("plan_large_microlp", Backend::Microlp)];
    if cfg!(feature = "highs") {
        backends.push(("plan_large_highs", Backend::Highs));
    }
    let mut group = c.benchmark_group("large");
    group.sample_size(10);
    for (name, backend) in backends {
        let options = PlanOptions {
            backend,
            time_limit: Some(60.0),
            gap: Some(0.01),
            ..PlanOptions::default()
        };
        report(name, &scenario, &options);
        group.bench_function(name, |b| {
            b.iter(|| plan(&scenario, &options).expect("plan"))
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = plan_province, plan_large
}
criterion_main!(benches);
