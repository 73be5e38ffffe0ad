//! Evaluator tests on a hand-made five-commune fixture (tests/fixtures/evaluate-small).
//!
//! The fixture, by hand:
//! | commune   | criteria met            | count | band  | tier                       |
//! |-----------|-------------------------|-------|-------|----------------------------|
//! | Bản Bo    | c1..c19, a1..a19, model | 19    | 19    | model                      |
//! | San Thàng | c1..c19, a1..a18        | 19    | 19    | standard (advanced needs a19) |
//! | Pa Tần    | all but c10             | 18    | 15-18 | none, blocked by c10       |
//! | Nậm Cha   | c1..c12                 | 12    | 10-14 | none                       |
//! | Mù Cả     | c2, c3, c4              | 3     | 0-4   | none                       |
//! Total 19+19+18+12+3 = 71 criteria, average 71/5 = 14.2.

use std::path::Path;

use ntm::catalog::TierId;
use ntm::evaluate::evaluate;
use ntm::outcome::target_outcomes;
use ntm::scenario::Scenario;
use rust_decimal::Decimal;

fn fixture() -> Scenario {
    Scenario::load(Path::new("tests/fixtures/evaluate-small")).unwrap()
}

#[test]
fn aggregates_match_hand_count() {
    let e = evaluate(&fixture());
    let s = &e.summary;
    assert_eq!((s.communes, s.standard, s.advanced, s.model), (5, 2, 1, 1));
    let bands: Vec<usize> = s.bands.iter().map(|(_, n)| *n).collect();
    assert_eq!(bands, [2, 1, 1, 0, 1]);
    assert_eq!(s.total_criteria, 71);
    assert_eq!(s.average_criteria, Decimal::new(142, 1));
    let met = |id: u8| e.criteria.iter().find(|c| c.id == id).unwrap().met;
    assert_eq!(met(1), 4); // all but Mù Cả
    assert_eq!(met(2), 5); // everyone
    assert_eq!(met(10), 3); // Bản Bo, San Thàng, Nậm Cha
    assert_eq!(met(13), 3); // Bản Bo, San Thàng, Pa Tần
}

#[test]
fn per_commune_band_tier_and_blocking() {
    let e = evaluate(&fixture());
    let by_name = |n: &str| e.per_commune.iter().find(|c| c.name == n).unwrap();
    assert_eq!(by_name("Bản Bo").tier, Some(TierId::Model));
    assert_eq!(by_name("Bản Bo").next_tier, None);
    let san_thang = by_name("San Thàng");
    assert_eq!(san_thang.tier, Some(TierId::Standard));
    assert_eq!(san_thang.blocking, [19]);
    let pa_tan = by_name("Pa Tần");
    assert_eq!((pa_tan.band.as_str(), pa_tan.tier), ("15-18", None));
    assert_eq!(pa_tan.blocking, [10]);
    let mu_ca = by_name("Mù Cả");
    assert_eq!(mu_ca.criteria_met, 3);
    assert_eq!(mu_ca.blocking.len(), 16);
    // c2 is met without c1: an advisory (non-gating) dependency of the shipped catalog.
    assert!(mu_ca
        .advice
        .iter()
        .any(|a| a.starts_with("c2 is met but c1 is not")));
}

#[test]
fn districts_are_summarised() {
    let e = evaluate(&fixture());
    let names: Vec<&str> = e.districts.iter().map(|d| d.district.as_str()).collect();
    assert_eq!(names, ["Mường Tè", "Sìn Hồ", "Tam Đường"]);
    assert_eq!(e.districts[2].summary.standard, 2);
    assert_eq!(e.districts[1].summary.average_criteria, Decimal::from(15));
}

#[test]
fn targets_are_read_cumulatively_for_bands() {
    let s = fixture();
    let e = evaluate(&s);
    let outcomes = target_outcomes(&s.targets, &e, &s.catalog);
    // Standard: target 3, two communes at standard.
    assert_eq!(outcomes[0].achieved, Decimal::from(2));
    assert_eq!(outcomes[0].shortfall, Decimal::ONE);
    // Band 15-18 target 1 on top of 3 at standard: needs 4 communes with ≥ 15 criteria;
    // 3 have them, so 3 - 3 = 0 count toward the band and it falls 1 short.
    assert_eq!(outcomes[1].achieved, Decimal::ZERO);
    assert_eq!(outcomes[1].shortfall, Decimal::ONE);
}

#[test]
fn gating_dependency_stops_a_criterion_from_counting() {
    let dir = tempfile::tempdir().unwrap();
    for f in ["scenario.toml", "communes.csv"] {
        std::fs::copy(
            Path::new("tests/fixtures/evaluate-small").join(f),
            dir.path().join(f),
        )
        .unwrap();
    }
    let catalog = include_str!("../catalog/qd318-2022.toml").replace(
        "reason = \"Approved commune planning precedes investment in transport works (projects are sited by the plan)\"\nbasis = \"assumption\"\ngate = false",
        "reason = \"test: gate\"\nbasis = \"assumption\"\ngate = true",
    );
    std::fs::write(dir.path().join("catalog.toml"), catalog).unwrap();
    let toml = std::fs::read_to_string(dir.path().join("scenario.toml"))
        .unwrap()
        .replace("catalog = \"qd318-2022\"", "catalog = \"catalog.toml\"");
    std::fs::write(dir.path().join("scenario.toml"), toml).unwrap();
    let e = evaluate(&Scenario::load(dir.path()).unwrap());
    let mu_ca = e.per_commune.iter().find(|c| c.name == "Mù Cả").unwrap();
    assert_eq!(mu_ca.criteria_met, 2, "c2 must not count without c1");
    assert_eq!(e.criteria.iter().find(|c| c.id == 2).unwrap().met, 4);
}

#[test]
fn human_report_snapshot() {
    let e = evaluate(&fixture());
    insta::assert_snapshot!(ntm::report::render_evaluation(
        &e,
        true,
        ntm::number::NumberStyle::Vietnamese
    ));
}

#[test]
fn json_report_snapshot() {
    let e = evaluate(&fixture());
    let mut v = serde_json::to_value(&e).unwrap();
    v.as_object_mut().unwrap().remove("per_commune");
    insta::assert_json_snapshot!(v);
}

/// `ntm evaluate` without a per-commune listing folds each status into the counts and keeps
/// none: the counts equal those of the full evaluation, here on the hand-counted fixture and
/// on every shipped scenario with districts and indicators.
#[test]
fn counts_only_evaluation_has_the_same_counts_and_no_communes() {
    use ntm::evaluate::{evaluate_with, Detail};
    let hand = evaluate_with(&fixture(), Detail::Counts);
    assert!(hand.per_commune.is_empty());
    assert_eq!(
        (
            hand.summary.communes,
            hand.summary.standard,
            hand.summary.total_criteria
        ),
        (5, 2, 71)
    );
    for name in [
        "tests/fixtures/evaluate-small",
        "scenarios/lai-chau-2023",
        "scenarios/example-3-communes",
        "scenarios/example-indicators",
    ] {
        let s = Scenario::load(Path::new(name)).unwrap();
        let full = evaluate(&s);
        let counts = evaluate_with(&s, Detail::Counts);
        assert!(counts.per_commune.is_empty());
        assert_eq!(full.per_commune.len(), s.communes.len());
        let mut full = serde_json::to_value(&full).unwrap();
        full["per_commune"] = serde_json::json!([]);
        assert_eq!(serde_json::to_value(&counts).unwrap(), full, "{name}");
    }
}
