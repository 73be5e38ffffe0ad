//! The four seed scenarios: they load, pass `check`, evaluate, and report the documents' figures.

use std::path::{Path, PathBuf};
use std::process::Command;

use ntm::evaluate::evaluate;
use ntm::scenario::Scenario;

fn seed_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name)
}

fn ntm(args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_ntm"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn every_shipped_scenario_passes_check_and_evaluate() {
    for name in [
        "lai-chau-2023",
        "lang-son-2022",
        "muong-te-2021-2025",
        "lam-dong-2025",
        "example-3-communes",
        "example-indicators",
    ] {
        let path = format!("scenarios/{name}");
        let (ok, _) = ntm(&["check", &path]);
        assert!(ok, "check {name}");
        let (ok, out) = ntm(&["evaluate", &path, "--json"]);
        assert!(ok, "evaluate {name}");
        let json: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert!(json["communes"].as_u64().unwrap() > 0, "{name}");
    }
}

#[test]
fn lai_chau_evaluates_to_the_published_end_2022_status() {
    let (ok, out) = ntm(&["evaluate", "scenarios/lai-chau-2023", "--json"]);
    assert!(ok);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["communes"], 94);
    assert_eq!(json["standard"], 39);
    assert_eq!(
        json["bands"],
        serde_json::json!({"19": 39, "15-18": 0, "10-14": 15, "5-9": 40, "0-4": 0})
    );
    // An exact decimal string rounded half-up at two decimals, as published (12,5).
    let average: rust_decimal::Decimal =
        json["average_criteria"].as_str().unwrap().parse().unwrap();
    assert!(
        (average - rust_decimal::Decimal::new(125, 1)).abs() <= rust_decimal::Decimal::new(5, 2),
        "{average}"
    );
    // KH 1563 §II, "năm 2022 có N/94 xã đạt": c1 and c12 are not stated.
    let published = [
        (2, 52),
        (3, 91),
        (4, 79),
        (5, 54),
        (6, 56),
        (7, 94),
        (8, 72),
        (9, 49),
        (10, 39),
        (11, 39),
        (13, 45),
        (14, 39),
        (15, 46),
        (16, 81),
        (17, 40),
        (18, 81),
        (19, 92),
    ];
    let criteria = json["criteria"].as_array().unwrap();
    for (id, met) in published {
        let c = criteria.iter().find(|c| c["id"] == id).unwrap();
        assert_eq!(c["met"], met, "c{id}");
    }
    // The assumed c1 + c12 close the average: 1.175 − 1.049 = 126.
    let met = |id: u64| {
        criteria.iter().find(|c| c["id"] == id).unwrap()["met"]
            .as_u64()
            .unwrap()
    };
    assert_eq!(met(1) + met(12), 126);
}

#[test]
fn lai_chau_names_its_advanced_candidates_among_the_standard_communes() {
    let s = Scenario::load(&seed_dir("lai-chau-2023")).unwrap();
    let e = evaluate(&s);
    for name in ["San Thàng", "Bản Bo", "Phúc Khoa", "Pha Mu"] {
        let c = e.per_commune.iter().find(|c| c.name == name).unwrap();
        assert_eq!(c.criteria_met, 19, "{name}");
    }
}

#[test]
fn lang_son_has_181_communes_75_at_standard() {
    let (ok, out) = ntm(&["evaluate", "scenarios/lang-son-2022", "--json"]);
    assert!(ok);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["communes"], 181);
    assert_eq!(json["standard"], 75);
    // 2021 counts derived from "thêm N xã, nâng tổng số lên X/181", e.g. c2 102 − 12 = 90.
    let criteria = json["criteria"].as_array().unwrap();
    let met = |id: u64| criteria.iter().find(|c| c["id"] == id).unwrap()["met"].clone();
    assert_eq!(met(2), 90);
    assert_eq!(met(4), 123);
    assert_eq!(met(17), 77);
}

#[test]
fn muong_te_and_lam_dong_describe_their_2025_targets() {
    let s = Scenario::load(&seed_dir("muong-te-2021-2025")).unwrap();
    let e = evaluate(&s);
    assert_eq!((e.summary.communes, e.summary.standard), (13, 4));
    // 213 criteria / 13 communes = 16,38; none under 10.
    assert_eq!(e.summary.total_criteria, 213);
    assert!(e.per_commune.iter().all(|c| c.criteria_met >= 10));
    let s = Scenario::load(&seed_dir("lam-dong-2025")).unwrap();
    let e = evaluate(&s);
    assert_eq!(
        (
            e.summary.communes,
            e.summary.standard,
            e.summary.advanced,
            e.summary.model
        ),
        (111, 111, 47, 17)
    );
}

#[test]
fn funding_is_kept_as_published_with_its_inconsistencies() {
    let s = Scenario::load(&seed_dir("lai-chau-2023")).unwrap();
    let figure = |id: &str| {
        s.published
            .funding
            .iter()
            .find(|f| f.id == id)
            .unwrap()
            .amount
            .0
    };
    // KH 1563 §III: the carry-over split 29.969 + 10.800 = 40.769 ≠ 46.539, the total holds.
    assert_eq!(
        figure("carryover-investment") + figure("carryover-recurrent"),
        40769.into()
    );
    assert_eq!(figure("central-carryover"), 46539.into());
    assert_eq!(figure("total"), 4916475.into());
    let budgets: rust_decimal::Decimal = s.capital_sources.iter().map(|c| c.budget_in(2023)).sum();
    assert_eq!(budgets, 4916475.into());
    let s = Scenario::load(&seed_dir("lang-son-2022")).unwrap();
    let parts: rust_decimal::Decimal = s
        .published
        .funding
        .iter()
        .filter(|f| f.id != "total")
        .map(|f| f.amount.0)
        .sum();
    // 640 + 580 + 80 + 3.200 + 270 = 4.770, published total 4.760.
    assert_eq!(parts, 4770.into());
}
