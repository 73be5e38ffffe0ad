//! The time limit is a limit (issue 22): `ntm plan --time-limit 20` on a national-size
//! instance ends within 22 s (the limit + 5 % + 1 s) and still reports a finite bound.
//!
//! The instance is Lai Châu 2023 copied 35 times (3.290 communes, the national count after the
//! 2025 mergers; 58.170 projects) with each copy's costs and each source's budget perturbed by
//! seed 1 (`benches/instance/replicate.rs`): a synthetic instance the planner has not been tuned
//! on. Timing a debug build says nothing about the product, so the test runs in release builds
//! only (`.ci/run` runs it with `cargo test --release`); in a debug build it is ignored, never
//! passed.

#[path = "../benches/instance/replicate.rs"]
mod replicate;

mod common;

use std::time::{Duration, Instant};

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "times the release binary: run with `cargo test --release --test plan_walltime`"
)]
fn a_national_size_plan_ends_within_its_time_limit_with_a_bound() {
    let dir = tempfile::tempdir().unwrap();
    let instance = dir.path().join("merged-s1");
    replicate::replicate(
        &common::repo().join("scenarios/lai-chau-2023"),
        &instance,
        35,
        "merged-s1",
        Some(1),
    )
    .unwrap();
    for objective in ["max-standard", "min-cost"] {
        let started = Instant::now();
        let out = common::ntm(&[
            "plan",
            instance.to_str().unwrap(),
            "--objective",
            objective,
            "--time-limit",
            "20",
            "--json",
        ]);
        let took = started.elapsed();
        assert!(
            took <= Duration::from_secs(22),
            "{objective}: {took:?} for a 20 s limit"
        );
        let plan = common::json(&out);
        assert!(
            plan["bound"].as_f64().is_some_and(f64::is_finite),
            "{objective}: no finite bound in {plan}"
        );
        assert!(plan["objective"].as_f64().is_some(), "{objective}: {plan}");
    }
}
