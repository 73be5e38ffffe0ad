//! Output a planner can read: one number format (Vietnamese grouping, half-up rounding, the
//! document's precision, `--en-numbers`), plan headlines whose numbers carry their own labels,
//! Vietnamese-first labels, and exact decimals in JSON.

use std::path::Path;
use std::process::Command;

use ntm::number::NumberStyle;
use ntm::plan::{plan, PlanOptions, PlanStatus};
use ntm::scenario::Scenario;

fn ntm(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_ntm"))
        .args(args)
        .output()
        .expect("ntm runs");
    (
        out.status.success(),
        String::from_utf8(out.stdout).expect("utf-8"),
        String::from_utf8(out.stderr).expect("utf-8"),
    )
}

fn load(name: &str) -> Scenario {
    Scenario::load(&Path::new("tests/fixtures").join(name)).unwrap()
}

/// A copy of `tests/fixtures/evaluate-small` whose three communes meet 19, 19 and 3 criteria:
/// 41 ÷ 3 = 13,666… which is 13,67 rounded half-up (13,66 when cut).
fn forty_one_over_three() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let from = Path::new("tests/fixtures/evaluate-small");
    std::fs::copy(from.join("scenario.toml"), dir.path().join("scenario.toml")).unwrap();
    let header = std::fs::read_to_string(from.join("communes.csv")).unwrap();
    let header = header.lines().next().unwrap();
    let row = |id: &str, met: usize| {
        let status: Vec<&str> = (0..19)
            .map(|i| if i < met { "1" } else { "0" })
            .chain(std::iter::repeat_n("0", 20))
            .collect();
        format!("{id},Xã {id},Huyện Một,{},\n", status.join(","))
    };
    let csv = format!("{header}\n{}{}{}", row("A", 19), row("B", 19), row("C", 3));
    std::fs::write(dir.path().join("communes.csv"), csv).unwrap();
    dir
}

#[test]
fn averages_are_rounded_half_up_in_text_and_json() {
    let dir = forty_one_over_three();
    let s = Scenario::load(dir.path()).unwrap();
    let e = ntm::evaluate::evaluate(&s);
    let vi = ntm::report::render_evaluation(&e, false, NumberStyle::Vietnamese);
    assert!(
        vi.contains("Bình quân tiêu chí/xã (average criteria per commune): 13,67"),
        "{vi}"
    );
    let en = ntm::report::render_evaluation(&e, false, NumberStyle::English);
    assert!(en.contains("(average criteria per commune): 13.67"), "{en}");
    // JSON: a decimal string rounded at the published two decimals, never a float.
    let json = serde_json::to_value(&e).unwrap();
    assert_eq!(json["average_criteria"], "13.67");
    // The same from the command line, with and without --en-numbers.
    let path = dir.path().to_str().unwrap();
    let (ok, out, _) = ntm(&["evaluate", path]);
    assert!(ok && out.contains(": 13,67"), "{out}");
    let (ok, out, _) = ntm(&["--en-numbers", "evaluate", path]);
    assert!(ok && out.contains(": 13.67"), "{out}");
}

#[test]
fn plan_money_is_grouped_rounded_at_the_document_precision_and_exact_in_json() {
    // example-3-communes publishes budgets to one decimal (1.200,5): the plan shows money to one
    // decimal at most, grouped the Vietnamese way, with no solver noise.
    let dir = "scenarios/example-3-communes";
    let (_, out, err) = ntm(&["plan", dir]);
    assert!(out.contains("Nguồn vốn (capital source)"), "{out}{err}");
    assert!(
        out.contains("2.700,5"),
        "budget 1.500 + 1.200,5 grouped: {out}"
    );
    // Spent 692,307692 of central investment: shown 692,3, left 2.008,2.
    assert!(out.contains("692,3 ┆        2.008,2"), "{out}");
    assert!(
        !out.contains("692,307692") && !out.contains("692.307692"),
        "{out}"
    );
    let (_, en, _) = ntm(&["plan", dir, "--en-numbers"]);
    assert!(
        en.contains("2,700.5") && en.contains("692.3 ┆        2,008.2"),
        "{en}"
    );
    // JSON keeps exact decimal strings, ungrouped.
    let (_, json, _) = ntm(&["plan", dir, "--json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["budget_by_source"]["central-investment"], "2700.5");
    for amount in v["spend_by_source"].as_object().unwrap().values() {
        let text = amount.as_str().unwrap();
        assert!(!text.contains(','), "{text}");
        text.parse::<rust_decimal::Decimal>().unwrap();
    }
}

#[test]
fn an_optimal_plan_with_unreachable_targets_says_so_with_the_objective_and_shortfall_apart() {
    // As on Lạng Sơn: the plan maximises communes at standard (3 here) and a target no money
    // reaches (advanced tier) is named; it is not "infeasible", and the objective value is not
    // called a shortfall.
    let mut s = load("plan-objectives");
    let mut advanced = s.targets[0].clone();
    advanced.kind = ntm::scenario::TargetKind::Tier {
        tier: ntm::catalog::TierId::Advanced,
    };
    s.targets.push(advanced);
    let p = plan(&s, &PlanOptions::default()).unwrap();
    assert_eq!(p.status, PlanStatus::OptimalOutOfReach);
    let text = ntm::report::render_plan(&p, None, NumberStyle::Vietnamese);
    let head: Vec<&str> = text.lines().skip(1).take(4).collect();
    assert_eq!(
        head,
        [
            "Kế hoạch vốn (plan): plan-objectives; bộ giải (solver): microlp",
            "Trạng thái (status): tối ưu, nhưng có chỉ tiêu không thể đạt dù thêm vốn (optimal, but some targets are out of reach with any money)",
            "Mục tiêu (objective): nhiều xã đạt chuẩn nhất (most communes at standard) = 3 xã đạt chuẩn (communes at standard)",
            // Advanced tier: target 2, nobody reaches it.
            "Thiếu hụt (shortfall): 1/2 chỉ tiêu chưa đạt (1 of 2 targets short): xã đạt chuẩn nâng cao thiếu 2",
        ]
    );
    assert!(!text.contains("infeasible"));
}

#[test]
fn an_infeasible_plan_does_not_call_its_shortfall_the_objective() {
    // tests/plan_fixtures.rs works this fixture by hand: least shortfall of the reachable
    // targets 1 (c2), reported shortfalls c2 1 and c9 1.
    let p = plan(&load("plan-infeasible"), &PlanOptions::default()).unwrap();
    assert_eq!(p.status, PlanStatus::Infeasible);
    let text = ntm::report::render_plan(&p, None, NumberStyle::Vietnamese);
    assert!(text.contains("Trạng thái (status): không đạt mọi chỉ tiêu với số vốn này"));
    assert!(text.contains(
        "Mục tiêu (objective): nhiều xã đạt chuẩn nhất (most communes at standard): không áp dụng"
    ));
    assert!(text.contains("Thiếu hụt (shortfall): 2/3 chỉ tiêu chưa đạt (2 of 3 targets short): xã đạt tiêu chí số 2 (Giao thông) thiếu 1; xã đạt tiêu chí số 9 (Nhà ở dân cư) thiếu 1"), "{text}");
    assert!(text.contains(
        "Thiếu hụt tối thiểu của các chỉ tiêu có thể đạt (least total shortfall of the reachable targets): 1"
    ));
    assert!(!text.contains("= 1 xã đạt chuẩn"));
}

#[test]
fn band_targets_are_labelled_cumulative() {
    let s = load("rules-5");
    let band = s
        .targets
        .iter()
        .find(|t| matches!(t.kind, ntm::scenario::TargetKind::Band { .. }))
        .unwrap();
    assert_eq!(
        band.name(&s.catalog),
        "communes with at least 15 criteria beyond higher targets (band 15-18)"
    );
    assert_eq!(
        band.name_vi(&s.catalog),
        "xã đạt từ 15 tiêu chí trở lên ngoài chỉ tiêu nhóm cao hơn (nhóm 15-18)"
    );
}

#[test]
fn export_xlsx_prints_json() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("out.xlsx");
    let (ok, out, err) = ntm(&[
        "export-xlsx",
        "tests/fixtures/rules-5",
        file.to_str().unwrap(),
        "--json",
    ]);
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["communes"], 5);
    assert_eq!(v["projects"], 13);
    assert_eq!(v["file"], file.to_str().unwrap());
    assert!(file.exists());
}

#[test]
fn labels_put_vietnamese_first() {
    let s = load("rules-5");
    let rule = ntm::rules::Rule::load("qd07").unwrap();
    let a = ntm::rules::allocate(&s, &rule, &Default::default()).unwrap();
    let sim = ntm::rules::simulate(&s, &a);
    let text = ntm::report::render_allocation(&a, &sim, NumberStyle::Vietnamese);
    for label in [
        "Năm (year)",
        "Chỉ tiêu (target)",
        "Được phân bổ (distributable)",
        "Mục tiêu (value)",
    ] {
        assert!(text.contains(label), "{label} missing:\n{text}");
    }
    for english_first in ["Year ", "Target ", "Distributable", "Plan status"] {
        assert!(!text.contains(english_first), "{english_first} in:\n{text}");
    }
}
