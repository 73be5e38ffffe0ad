//! Bench `evaluate`: 10,000 seeded synthetic communes against the QĐ 318 catalog.

use std::collections::BTreeSet;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};
use ntm::catalog::Catalog;
use ntm::evaluate::evaluate_communes;
use ntm::scenario::{Commune, CriteriaSet};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn synthetic_communes(n: usize) -> Vec<Commune> {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    (0..n)
        .map(|i| {
            let met = CriteriaSet::from_ids((1..=19).filter(|_| rng.random_bool(0.7)));
            Commune {
                group: None,
                indicators_met: BTreeSet::new(),
                id: format!("X{i:05}"),
                name: format!("Xã {i:05}"),
                district: Some(format!("Huyện {:03}", i / 100)),
                met,
                advanced_met: CriteriaSet::from_ids((1..=19).filter(|_| rng.random_bool(0.3))),
                model_conditions: rng.random_bool(0.1),
                attributes: BTreeSet::new(),
                villages: None,
                villages_standard: None,
                line: i + 2,
            }
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let catalog = Catalog::load("qd318-2022", Path::new(".")).unwrap();
    let communes = synthetic_communes(10_000);
    c.bench_function("evaluate 10k communes", |b| {
        b.iter(|| evaluate_communes(&catalog, &communes, None))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
