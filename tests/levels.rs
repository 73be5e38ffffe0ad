//! Targets with a level: a criterion of the advanced set (QĐ 318 Phụ lục II) as its own target,
//! carried through evaluate, audit, plan, targets (drafting) and the workbook.

use std::path::Path;
use std::process::Command;

use rust_decimal::Decimal;

use ntm::audit::{audit, Severity};
use ntm::catalog::TierId;
use ntm::evaluate::evaluate;
use ntm::plan::{plan, OutOfReachReason, PlanOptions, PlanStatus};
use ntm::scenario::{Scenario, TargetKind};
use ntm::whatif::drafting::{draft, DraftOptions};
use ntm::xlsx::{evaluation_sheets, CellValue};

fn d(n: i64) -> Decimal {
    Decimal::from(n)
}

fn fixture() -> Scenario {
    Scenario::load(Path::new("tests/fixtures/levels-small")).unwrap()
}

fn advanced(criterion: u8) -> TargetKind {
    TargetKind::LevelCriterion {
        criterion,
        level: TierId::Advanced,
    }
}

/// KH 1563 §II.1-§II.9, "trong đó có N xã đạt tiêu chí NTM nâng cao", by advanced criterion
/// (QĐ 318 Phụ lục II numbering) with the section that states it.
const LAI_CHAU_ADVANCED: [(u8, i64, &str); 15] = [
    (1, 4, "§II.1"),
    (2, 2, "§II.2"),
    (3, 4, "§II.2"),
    (4, 3, "§II.2"),
    (7, 4, "§II.2"),
    (8, 4, "§II.2"),
    (12, 4, "§II.3"),
    (9, 3, "§II.4"),
    (11, 1, "§II.4"),
    (5, 2, "§II.5"),  // giáo dục và đào tạo → Giáo dục
    (14, 2, "§II.5"), // y tế → Y tế
    (6, 3, "§II.6"),  // văn hóa → Văn hóa
    (17, 3, "§II.7"), // môi trường
    (18, 2, "§II.7"), // chất lượng môi trường sống
    (19, 3, "§II.9"),
];

#[test]
fn lai_chau_has_its_15_advanced_level_targets_with_their_sections() {
    let s = Scenario::load(Path::new("scenarios/lai-chau-2023")).unwrap();
    let level: Vec<_> = s
        .targets
        .iter()
        .filter(|t| matches!(t.kind, TargetKind::LevelCriterion { .. }))
        .collect();
    assert_eq!(level.len(), 15);
    for (criterion, communes, section) in LAI_CHAU_ADVANCED {
        let t = level
            .iter()
            .find(|t| t.kind == advanced(criterion))
            .unwrap_or_else(|| panic!("advanced c{criterion} dropped"));
        assert_eq!(
            (t.year, t.value),
            (2023, d(communes)),
            "advanced c{criterion}"
        );
        assert!(
            t.source.starts_with(&format!("KH 1563 {section}")),
            "{}",
            t.source
        );
    }
    // The two environment criteria of §II.7 are separate criteria of the advanced set.
    let c = &s.catalog;
    assert_eq!(c.advanced_criterion(17).unwrap().name_vi, "Môi trường");
    assert_eq!(
        c.advanced_criterion(18).unwrap().name_vi,
        "Chất lượng môi trường sống"
    );
    // evaluate shows all 15 (none met at the end of 2022: not stated, no a-columns).
    let e = evaluate(&s);
    assert_eq!(e.level_targets.len(), 15);
    assert!(e.level_targets.iter().all(|t| t.now == 0));
    // audit: each fits inside the standard-level target it is part of (17 comparisons:
    // Giáo dục against c5 and c14, Văn hóa against c6 and c16).
    let a = audit(&s);
    let p = a.passed.iter().find(|p| p.check == "target-level").unwrap();
    assert_eq!(p.arithmetic.len(), 17);
    assert!(p.arithmetic.contains(
        &"advanced c18 Quality of the living environment 2 ≤ c17 Environment & food safety 42"
            .to_string()
    ));
    assert!(!a.findings.iter().any(|f| f.check == "target-level"));
}

#[test]
fn evaluate_counts_the_advanced_set_from_the_a_columns() {
    let s = fixture();
    let e = evaluate(&s);
    let now = |criterion: u8| {
        e.level_targets
            .iter()
            .find(|t| t.criterion == criterion)
            .unwrap()
            .now
    };
    // a5: An, Bình; a17: An; a18: nobody.
    assert_eq!((now(5), now(17), now(18)), (2, 1, 0));
    let out = Command::new(env!("CARGO_BIN_EXE_ntm"))
        .args(["evaluate", "tests/fixtures/levels-small", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["level_targets"].as_array().unwrap().len(), 3);
    assert_eq!(json["advanced_criteria"][4]["met"], 2);
    let text = Command::new(env!("CARGO_BIN_EXE_ntm"))
        .args(["evaluate", "tests/fixtures/levels-small"])
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("advanced c18 Quality of the living environment"));
    assert!(text.contains("Chất lượng môi trường sống"));
}

#[test]
fn plan_reports_level_targets_out_of_reach_and_does_not_fail() {
    let s = fixture();
    let p = plan(&s, &PlanOptions::default()).unwrap();
    // The c2 target is met by p1 (400 of 1.000); the level targets do not constrain the plan,
    // but the two the communes miss (a17: 1 of 2, a18: 0 of 1; a5's 2 of 2 holds) are out of
    // reach, so the plan is optimal with targets out of reach.
    assert_eq!(p.status, PlanStatus::OptimalOutOfReach);
    let out: Vec<(usize, &str, u16, Decimal, Decimal, OutOfReachReason)> = p
        .out_of_reach
        .iter()
        .map(|o| {
            (
                o.target,
                o.name.as_str(),
                o.year,
                o.value,
                o.reachable,
                o.why,
            )
        })
        .collect();
    assert_eq!(
        out,
        [
            (
                2,
                "advanced c17 Environment",
                2024,
                d(2),
                d(1),
                OutOfReachReason::NoProjectRaisesIt
            ),
            (
                3,
                "advanced c18 Quality of the living environment",
                2024,
                d(1),
                d(0),
                OutOfReachReason::NoProjectRaisesIt
            ),
        ]
    );
    // The report names them in one table: target, value, what every project reaches, why.
    insta::assert_snapshot!(
        "levels-plan-out-of-reach",
        ntm::report::render_plan(&p, None, ntm::number::NumberStyle::Vietnamese)
    );
    let outcome = |name: &str| p.targets.iter().find(|t| t.name == name).unwrap();
    assert_eq!(outcome("advanced c5 Education").shortfall, d(0));
    assert_eq!(outcome("advanced c17 Environment").shortfall, d(1));
    assert_eq!(outcome("c2 Transport").achieved, d(3));
}

#[test]
fn drafting_keeps_the_level_targets_at_what_the_communes_reach() {
    let s = fixture();
    let drafted = draft(&s, &DraftOptions::default()).unwrap();
    let level: Vec<_> = drafted
        .targets
        .iter()
        .filter(|t| matches!(t.kind, TargetKind::LevelCriterion { .. }))
        .collect();
    assert_eq!(level.len(), 3);
    let c17 = level.iter().find(|t| t.kind == advanced(17)).unwrap();
    assert_eq!((c17.baseline, c17.achievable), (d(1), d(1)));
    assert!(c17
        .phrase_vi
        .contains("Bộ tiêu chí xã nông thôn mới nâng cao"));
    assert!(drafted
        .toml
        .contains("criterion = 17\nlevel = \"advanced\"\ncommunes = 1\n"));
}

#[test]
fn workbook_lists_every_target_with_its_level() {
    let s = fixture();
    let sheets = evaluation_sheets(&evaluate(&s), &s);
    let sheet = sheets
        .iter()
        .find(|x| x.name == "Chỉ tiêu (targets)")
        .unwrap();
    assert_eq!(sheet.rows.len(), 4);
    let text = |c: &CellValue| match c {
        CellValue::Text(t) => t.clone(),
        _ => String::new(),
    };
    let levels: Vec<String> = sheet.rows.iter().map(|r| text(&r[1])).collect();
    assert_eq!(levels, ["standard", "advanced", "advanced", "advanced"]);
    // Now: c2 2 communes, advanced c5 2, c17 1, c18 0 (after the Vietnamese and English names).
    let now: Vec<&CellValue> = sheet.rows.iter().map(|r| &r[5]).collect();
    assert_eq!(
        now,
        [
            &CellValue::Number(d(2)),
            &CellValue::Number(d(2)),
            &CellValue::Number(d(1)),
            &CellValue::Number(d(0))
        ]
    );
}

fn load_with(targets: &str) -> Result<Scenario, String> {
    let tmp = tempfile::tempdir().unwrap();
    for f in ["communes.csv", "projects.csv"] {
        std::fs::copy(
            Path::new("tests/fixtures/levels-small").join(f),
            tmp.path().join(f),
        )
        .unwrap();
    }
    let text = std::fs::read_to_string("tests/fixtures/levels-small/scenario.toml").unwrap();
    let head = text.split("[[targets]]").next().unwrap();
    std::fs::write(tmp.path().join("scenario.toml"), format!("{head}{targets}")).unwrap();
    Scenario::load(tmp.path()).map_err(|e| format!("{e:?}"))
}

#[test]
fn a_level_the_catalog_has_no_set_for_is_a_located_error() {
    let err = load_with(
        "[[targets]]\nyear = 2024\ncriterion = 5\nlevel = \"model\"\ncommunes = 1\nsource = \"x\"\n",
    )
    .unwrap_err();
    assert!(err.contains("no criteria set for the model tier"), "{err}");
    assert!(err.contains("tier = \\\"model\\\""), "{err}");
    let err = load_with(
        "[[targets]]\nyear = 2024\ncriterion = 25\nlevel = \"advanced\"\ncommunes = 1\nsource = \"x\"\n",
    )
    .unwrap_err();
    assert!(
        err.contains("criterion 25 is not in the advanced set"),
        "{err}"
    );
    assert!(err.contains("18 Chất lượng môi trường sống"), "{err}");
    let err = load_with(
        "[[targets]]\nyear = 2024\ntier = \"advanced\"\nlevel = \"advanced\"\ncommunes = 1\nsource = \"x\"\n",
    )
    .unwrap_err();
    assert!(err.contains("`level` without `criterion`"), "{err}");
}

#[test]
fn an_advanced_level_target_above_its_standard_target_is_an_audit_error() {
    // "trong đó": 3 at the advanced level cannot be part of 2 at the standard level.
    let s = load_with(
        "[[targets]]\nyear = 2024\ncriterion = 17\ncommunes = 2\nsource = \"x\"\n[[targets]]\nyear = 2024\ncriterion = 18\nlevel = \"advanced\"\ncommunes = 3\nsource = \"y\"\n",
    )
    .unwrap();
    let a = audit(&s);
    let f = a
        .findings
        .iter()
        .find(|f| f.check == "target-level")
        .unwrap();
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(
        f.arithmetic,
        ["advanced c18 Quality of the living environment 3 > c17 Environment & food safety 2"]
    );
}
