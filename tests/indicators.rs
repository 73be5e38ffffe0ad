//! Indicators with regional thresholds: `scenarios/example-indicators` (values hand-checked in
//! its scenario.toml), the ĐBKK override, projects that raise income, and located errors.

use std::path::Path;

use rust_decimal::Decimal;

use ntm::evaluate::evaluate;
use ntm::plan::{plan, PlanOptions, PlanStatus};
use ntm::scenario::Scenario;

const EXAMPLE: &str = "scenarios/example-indicators";

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// A copy of the example with `edit` applied to its files (name → new text).
fn variant(edit: &[(&str, &dyn Fn(String) -> String)]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(EXAMPLE).unwrap().flatten() {
        let name = entry.file_name().into_string().unwrap();
        let mut text = std::fs::read_to_string(entry.path()).unwrap();
        for (file, f) in edit {
            if *file == name {
                text = f(text);
            }
        }
        std::fs::write(tmp.path().join(&name), text).unwrap();
    }
    tmp
}

fn error_of(dir: &Path) -> String {
    match Scenario::load(dir) {
        Ok(_) => panic!("loads"),
        Err(e) => format!("{e:?}"),
    }
}

#[test]
fn evaluate_explains_each_criterion_with_figure_threshold_region_and_gap() {
    let s = Scenario::load(Path::new(EXAMPLE)).unwrap();
    let e = evaluate(&s);
    let texts: Vec<&str> = e.indicators.iter().map(|i| i.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "c10 Thu nhập: 38,5 < 41 triệu đồng/người (Tây Nguyên, 2020), thiếu 2,5",
            "c10 Thu nhập: 37 ≥ 36 triệu đồng/người (Trung du và miền núi phía Bắc, áp dụng cho xã ĐBKK, 2020), đạt",
            "c10 Thu nhập: 34,2 < 36 triệu đồng/người (Trung du và miền núi phía Bắc, áp dụng cho xã ĐBKK, 2020), thiếu 1,8",
        ]
    );
    let c10 = e.criteria.iter().find(|c| c.id == 10).unwrap();
    assert_eq!(c10.met, 1);
    assert_eq!(e.summary.standard, 1);
    assert!(e.indicators[0]
        .decision
        .threshold_source
        .contains("Tây Nguyên: tối thiểu là 41"));
}

#[test]
fn the_dbkk_override_decides_suoi() {
    // Without the attribute Xã Suối is judged on the Central Highlands threshold: 37 < 41.
    let tmp = variant(&[("communes.csv", &|t: String| {
        t.replace(
            "1,1,1,1,1,1,1,1,1,1,difficult\nthac",
            "1,1,1,1,1,1,1,1,1,1,\nthac",
        )
    })]);
    let s = Scenario::load(tmp.path()).unwrap();
    let e = evaluate(&s);
    let suoi = e.indicators.iter().find(|i| i.commune == "suoi").unwrap();
    assert_eq!(
        suoi.text,
        "c10 Thu nhập: 37 < 41 triệu đồng/người (Tây Nguyên, 2020), thiếu 4"
    );
    assert!(!suoi.decision.met);
    assert_eq!(suoi.decision.via_attribute, None);
    let s = Scenario::load(Path::new(EXAMPLE)).unwrap();
    let suoi = &evaluate(&s).indicators[1];
    assert!(suoi.decision.met);
    assert_eq!(suoi.decision.via_attribute.as_deref(), Some("difficult"));
    assert_eq!(
        suoi.decision.region.as_deref(),
        Some("northern-midlands-mountains")
    );
}

#[test]
fn an_income_raise_is_a_fractional_gain_and_plan_flips_c10() {
    let s = Scenario::load(Path::new(EXAMPLE)).unwrap();
    let gain = |id: &str| {
        let p = s.projects.iter().find(|p| p.id == id).unwrap();
        assert_eq!(p.gains.len(), 1);
        assert_eq!(p.gains[0].criterion, 10);
        p.gains[0].fraction
    };
    // +3 on a gap of 2,5: capped at 1. +1 and +0,8 on 1,8: 0,5555… and 0,4444… rounded up at 9
    // decimals, which add up to at least 1 exactly when 1 + 0,8 ≥ 1,8.
    assert_eq!(gain("p1"), d("1"));
    assert_eq!(gain("p2"), d("0.555555556"));
    assert_eq!(gain("p3"), d("0.444444445"));
    let p = plan(&s, &PlanOptions::default()).unwrap();
    assert_eq!(p.status, PlanStatus::Optimal);
    let c10 = p.after.criteria.iter().find(|c| c.id == 10).unwrap();
    assert_eq!((p.before.criteria[9].met, c10.met), (1, 3));
    assert_eq!(p.after.summary.standard, 3);
    let mut funded: Vec<&str> = p.projects.iter().map(|f| f.id.as_str()).collect();
    funded.sort();
    assert_eq!(funded, ["p1", "p2", "p3"]);
    // Without p3, Xã Thác is raised by 1 of its 1,8: c10 stays unmet there.
    let tmp = variant(&[("projects.csv", &|t: String| {
        t.lines()
            .filter(|l| !l.starts_with("p3"))
            .map(|l| format!("{l}\n"))
            .collect()
    })]);
    let s = Scenario::load(tmp.path()).unwrap();
    let p = plan(&s, &PlanOptions::default()).unwrap();
    let c10 = p.after.criteria.iter().find(|c| c.id == 10).unwrap();
    assert_eq!(c10.met, 2);
    // The c10 target (3) is then out of reach with any money; the plan is still proven best.
    assert_eq!(p.status, PlanStatus::OptimalOutOfReach);
}

#[test]
fn an_unknown_indicator_is_a_located_error_with_a_hint() {
    let tmp = variant(&[("indicators.csv", &|t: String| {
        t.replace("thac,income-per-capita", "thac,income-per-person")
    })]);
    let err = error_of(tmp.path());
    assert!(
        err.contains("unknown indicator `income-per-person`"),
        "{err}"
    );
    assert!(err.contains("income-per-capita"), "{err}");
    assert!(err.contains("line: Some(4)"), "{err}");
}

#[test]
fn a_unit_mismatch_is_a_located_error() {
    let tmp = variant(&[("indicators.csv", &|t: String| {
        t.replace("37,triệu đồng/người", "37,đồng/người")
    })]);
    let err = error_of(tmp.path());
    assert!(
        err.contains(
            "`income-per-capita` is measured in triệu đồng/người, this row says đồng/người"
        ),
        "{err}"
    );
    assert!(err.contains("line: Some(3)"), "{err}");
}

#[test]
fn a_missing_threshold_is_an_error_never_a_default() {
    // No threshold for 2021 is shipped (only the cited 2020 ones).
    let tmp = variant(&[
        ("scenario.toml", &|t: String| {
            t.replace("baseline_year = 2020", "baseline_year = 2021")
        }),
        ("indicators.csv", &|t: String| t.replace(",2020,", ",2021,")),
    ]);
    let err = error_of(tmp.path());
    assert!(
        err.contains(
            "has no threshold of `income-per-capita` for region `central-highlands` in 2021"
        ),
        "{err}"
    );
    assert!(
        err.contains("thresholds exist for: northern-midlands-mountains 2020"),
        "{err}"
    );
    // QĐ 318 ships no income threshold: a value for it is an error naming that.
    let tmp = variant(&[("scenario.toml", &|t: String| {
        t.replace("catalog = \"catalog.toml\"", "catalog = \"qd318-2022\"")
    })]);
    let err = error_of(tmp.path());
    assert!(err.contains("no cited threshold is shipped"), "{err}");
}

#[test]
fn an_override_naming_an_unknown_attribute_is_a_located_error() {
    let tmp = variant(&[("catalog.toml", &|t: String| {
        t.replace("attribute = \"difficult\"", "attribute = \"dbkk\"")
    })]);
    let err = error_of(tmp.path());
    assert!(
        err.contains("override names unknown attribute `dbkk`"),
        "{err}"
    );
    assert!(err.contains("difficult, atk, border"), "{err}");
    assert!(err.contains("line: Some("), "{err}");
}
