//! Allocation rules: loading with located errors, `allocate` checked by hand arithmetic, the
//! simulation of communes' spending, and snapshots of both outputs.

use std::path::Path;

use ntm::error::Error;
use ntm::rules::{self, largest_remainder, AllocateOptions, Rule};
use ntm::scenario::Scenario;
use proptest::prelude::*;
use rust_decimal::Decimal;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn fixture() -> Scenario {
    Scenario::load(Path::new("tests/fixtures/rules-5")).unwrap()
}

fn amounts(a: &rules::Allocation, source: &str) -> Vec<Decimal> {
    a.communes
        .iter()
        .map(|c| c.amounts[source].amount)
        .collect()
}

#[test]
fn qd07_on_five_communes_by_hand() {
    let s = fixture();
    let rule = Rule::load("qd07").unwrap();
    let a = rules::allocate(&s, &rule, &AllocateOptions::default()).unwrap();
    assert_eq!(a.year, 2023);
    // Coefficients: A at standard 1.0; B 17 criteria 3.0; C 12 criteria 5.0; D 16 criteria but
    // ATK, raised to 5.0; E 8 criteria 5.0. Σ = 19.
    let coefficients: Vec<Decimal> = a.communes.iter().map(|c| c.coefficient).collect();
    assert_eq!(coefficients, vec![d("1"), d("3"), d("5"), d("5"), d("5")]);
    // D's basis, Vietnamese first with the rule's own label, numbers written 3,0 and 5,0.
    assert_eq!(a.communes[3].coefficient_basis, "15-18 3.0, atk ≥ 5.0");
    assert_eq!(
        a.communes[3].coefficient_basis_vi,
        "Xã đạt từ 15 đến 18 tiêu chí 3,0, xã ATK ≥ 5,0"
    );
    // central-investment 1000: per point 1000/19 = 52.6316.
    // Quotas 52.63, 157.89, 263.16 ×3 → floors 52 + 157 + 263×3 = 998; the 2 units left go to
    // the largest remainders: B (.89) then A (.63).
    assert_eq!(
        amounts(&a, "central-investment"),
        vec![d("53"), d("158"), d("263"), d("263"), d("263")]
    );
    // central-recurrent 200: per point 10.5263. Quotas 10.53, 31.58, 52.63 ×3 → floors
    // 10 + 31 + 52×3 = 197; 3 units to the largest remainders: C, D, E (.63 each).
    assert_eq!(
        amounts(&a, "central-recurrent"),
        vec![d("10"), d("31"), d("53"), d("53"), d("53")]
    );
    // Exactly the budget: 53+158+263×3 = 1000 and 10+31+53×3 = 200.
    assert_eq!(a.allocated, d("1200"));
    assert_eq!(a.budget, d("1200"));
    assert_eq!(a.set_aside + a.unallocated, Decimal::ZERO);
    assert_eq!(a.skipped_sources, vec!["central-carryover".to_string()]);
    assert_eq!(
        a.communes.iter().map(|c| c.total).sum::<Decimal>(),
        d("1200")
    );
}

#[test]
fn set_asides_floors_and_counterpart_by_hand() {
    let s = fixture();
    let rule = Rule::load("lai-chau-nq14-2022").unwrap();
    let a = rules::allocate(&s, &rule, &AllocateOptions::default()).unwrap();
    // 5 % of 1000 kept at province level: 950 to divide. Coefficients 1, 4, 5, 5 (ATK ≥ 5),
    // 6 (5 + border 0.5 + difficult 0.5); Σ 21. A's quota 950/21 = 45.24 is under the floor of
    // 100: A gets 100, and 850 is divided over 20 points = 42.5 each: B 170, C 212.5, D 212.5,
    // E 255; the one unit of the two halves goes to C (first in file order).
    let inv = &a.sources[0];
    assert_eq!(inv.set_asides["province-reserve"], d("50"));
    assert_eq!(inv.per_weight, d("42.5"));
    assert_eq!(
        amounts(&a, "central-investment"),
        vec![d("100"), d("170"), d("213"), d("212"), d("255")]
    );
    assert_eq!(
        a.communes[0].amounts["central-investment"].limited,
        Some("floor")
    );
    // Budget 1200 = allocated 1140 + set aside 50 + 10.
    assert_eq!(a.allocated + a.set_aside + a.unallocated, d("1200"));
    assert_eq!(a.set_aside, d("60"));
    // Counterpart: 10 % of 1140 = 114 required, 100 available: granted 100 in proportion.
    let c = a.counterpart.as_ref().unwrap();
    assert_eq!(
        (c.required, c.available, c.granted),
        (d("114"), d("100"), d("100"))
    );
    assert_eq!(c.shortfall, d("14"));
    assert_eq!(
        a.communes.iter().map(|c| c.counterpart).sum::<Decimal>(),
        d("100")
    );
}

#[test]
fn simulation_by_hand() {
    let s = fixture();
    let rule = Rule::load("qd07").unwrap();
    let a = rules::allocate(&s, &rule, &AllocateOptions::default()).unwrap();
    let sim = rules::simulate(&s, &a);
    let funded = |id: &str| {
        sim.per_commune
            .iter()
            .find(|c| c.id == id)
            .unwrap()
            .projects
            .clone()
    };
    // B (158 investment, 31 recurrent): c14 training 30 from recurrent; c2 transport 300 is
    // more than its 158.
    assert_eq!(funded("B"), vec!["B-c14"]);
    // C: c9 housing 40 (recurrent 53), then c6 90 (investment 263); c2 needs 210 > 173 left.
    assert_eq!(funded("C"), vec!["C-c6", "C-c9"]);
    // D: c17 60 then c5 100 from 263; c2 120 > 103 left.
    assert_eq!(funded("D"), vec!["D-c17", "D-c5"]);
    // E: c13 25 (recurrent, 28 left), c9 35 housing unaffordable (recurrent only), c8 40 ict,
    // c4 150 electricity (investment 263 → 73).
    assert_eq!(funded("E"), vec!["E-c13", "E-c4", "E-c8"]);
    assert_eq!((sim.standard_before, sim.standard), (1, 1));
    // Criteria 72 → 72 + 1 + 2 + 2 + 3 = 80.
    assert_eq!((sim.criteria_before, sim.criteria_met), (72, 80));
    assert_eq!(sim.spent, d("535"));
    assert_eq!(sim.unused, d("665"));
    // Never spends more than a commune has.
    for c in &sim.per_commune {
        assert!(c.spent <= c.available);
    }
}

#[test]
fn rule_errors_are_located() {
    let text = r#"id = "bad"
title = "bad"
effective_from = "2022-01-01"
source = "test"
sources = ["central-investment"]
rounding_unit = 0
rounding_basis = "test"

[[coefficients]]
id = "standard"
label_en = "x"
label_vi = "x"
tier = "standard"
value = "-1"
source = "test"

[[coefficients]]
id = "low"
label_en = "x"
label_vi = "x"
min_criteria = 0
max_criteria = 10
value = 5
source = "test"
"#;
    let Err(Error::Invalid(problems)) = Rule::parse(text, Path::new("bad.toml")) else {
        panic!("should fail");
    };
    let lines: Vec<Option<usize>> = problems.iter().map(|p| p.line).collect();
    let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
    assert!(messages[0].contains("rounding_unit is 0"), "{messages:?}");
    assert_eq!(lines[0], Some(6));
    assert!(messages[1].contains("coefficient `standard` is -1"));
    assert_eq!(lines[1], Some(14));
    assert!(messages[2].contains("11, 12, 13, 14, 15, 16, 17, 18"));
    let Err(Error::Invalid(problems)) = Rule::parse("id = 3", Path::new("bad.toml")) else {
        panic!("should fail");
    };
    assert_eq!(problems[0].line, Some(1));
}

#[test]
fn rule_out_of_force_is_refused() {
    let s = fixture();
    let rule = Rule::load("qd07").unwrap();
    let options = AllocateOptions {
        year: Some(2021),
        sources: Vec::new(),
    };
    // 2021 is before the fixture's baseline (2022) as well: refused as no planning year.
    let Err(Error::Invalid(problems)) = rules::allocate(&s, &rule, &options) else {
        panic!("2021 must be refused");
    };
    assert!(
        problems[0]
            .message
            .contains("--year 2021 is not after the baseline year 2022"),
        "{problems:?}"
    );
}

#[test]
fn unknown_source_is_refused() {
    let s = fixture();
    let rule = Rule::load("equal").unwrap();
    let options = AllocateOptions {
        year: None,
        sources: vec!["credit".into()],
    };
    let Err(Error::Invalid(problems)) = rules::allocate(&s, &rule, &options) else {
        panic!("should fail");
    };
    assert!(problems[0].message.contains("no capital source `credit`"));
}

#[test]
fn allocate_snapshots() {
    let s = fixture();
    for id in ["qd07", "lai-chau-nq14-2022"] {
        let rule = Rule::load(id).unwrap();
        let a = rules::allocate(&s, &rule, &AllocateOptions::default()).unwrap();
        let sim = rules::simulate(&s, &a);
        insta::assert_snapshot!(
            format!("allocate-{id}"),
            ntm::report::render_allocation(&a, &sim, ntm::number::NumberStyle::Vietnamese)
        );
        let json = serde_json::json!({"allocation": a, "simulation": sim});
        insta::assert_json_snapshot!(format!("allocate-{id}-json"), json);
    }
}

proptest! {
    #[test]
    fn largest_remainder_sums_exactly(
        total in 0u64..10_000_000,
        weights in proptest::collection::vec(0u32..1000, 1..40),
        unit in prop_oneof![Just(1u32), Just(10), Just(100)],
    ) {
        let weights: Vec<Decimal> = weights.into_iter().map(Decimal::from).collect();
        let sum: Decimal = weights.iter().sum();
        prop_assume!(sum > Decimal::ZERO);
        let total = Decimal::from(total);
        let unit = Decimal::from(unit);
        let quotas: Vec<Decimal> = weights.iter().map(|w| total * w / sum).collect();
        let amounts = largest_remainder(total, &quotas, unit);
        let given: Decimal = amounts.iter().sum();
        // All but a residue under one unit is given, in whole units, each within a unit of its quota.
        prop_assert!(given <= total && total - given < unit);
        for (a, q) in amounts.iter().zip(&quotas) {
            prop_assert!((a / unit).fract().is_zero());
            prop_assert!((a - q).abs() < unit);
        }
    }

    #[test]
    fn allocation_accounts_for_every_million(inv in 0u64..5_000_000, rec in 0u64..500_000) {
        let mut s = fixture();
        for source in &mut s.capital_sources {
            let value = match source.id.as_str() {
                "central-investment" => inv,
                "central-recurrent" => rec,
                _ => continue,
            };
            for amount in source.budget.values_mut() {
                amount.get_mut().0 = Decimal::from(value);
            }
        }
        for id in ["qd07", "equal", "lai-chau-nq14-2022"] {
            let rule = Rule::load(id).unwrap();
            let a = rules::allocate(&s, &rule, &AllocateOptions::default()).unwrap();
            prop_assert_eq!(a.allocated + a.set_aside + a.unallocated, Decimal::from(inv + rec));
            prop_assert!(a.unallocated < Decimal::TWO);
            let sim = rules::simulate(&s, &a);
            prop_assert!(sim.spent <= sim.available);
        }
    }
}
