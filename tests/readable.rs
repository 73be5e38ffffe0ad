//! Output a planner can read: one number format (Vietnamese grouping, half-up rounding, the
//! document's precision, `--en-numbers`), plan headlines whose numbers carry their own labels,
//! Vietnamese-first labels, and exact decimals in JSON.

use std::path::Path;
use std::process::Command;

use ntm::number::NumberStyle;
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
    let (_, json, err) = ntm(&["plan", dir, "--json"]);
    // No progress outside a terminal, and none with --json.
    assert!(err.is_empty(), "{err}");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["budget_by_source"]["central-investment"], "2700.5");
    // A project's split is in whole VND at most (six decimals of a million) and adds up to its
    // cost exactly: p3 costs 900 = 692,307692 + 207,692308 (local counterpart 0,3 × central).
    for project in v["projects"].as_array().unwrap() {
        let cost: rust_decimal::Decimal = project["cost"].as_str().unwrap().parse().unwrap();
        let mut sum = rust_decimal::Decimal::ZERO;
        for amount in project["funding"].as_object().unwrap().values() {
            let amount: rust_decimal::Decimal = amount.as_str().unwrap().parse().unwrap();
            assert!(amount.scale() <= 6, "{amount} is finer than one đồng");
            sum += amount;
        }
        assert_eq!(sum, cost, "{project}");
    }
    for amount in v["spend_by_source"].as_object().unwrap().values() {
        let text = amount.as_str().unwrap();
        assert!(!text.contains(','), "{text}");
        text.parse::<rust_decimal::Decimal>().unwrap();
    }
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

#[test]
fn audit_rounds_the_average_of_the_counts_half_up() {
    // Three communes whose 19 per-criterion counts sum to 41: 41 ÷ 3 = 13,666…, which is
    // 13,67 at the published two decimals (cut, it would be 13,66).
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("scenario.toml"),
        r#"name = "forty-one over three"
province = "Tỉnh Thử"
catalog = "qd318-2022"
baseline_year = 2023
years = [2024]
synthetic = "hand-made test"

[sources]
"published" = "hand-made test"

[published]
year = 2023
communes = 3
average_criteria = "14,00"
criteria = { c1 = 3, c2 = 3, c3 = 3, c4 = 2, c5 = 2, c6 = 2, c7 = 2, c8 = 2, c9 = 2, c10 = 2, c11 = 2, c12 = 2, c13 = 2, c14 = 2, c15 = 2, c16 = 2, c17 = 2, c18 = 2, c19 = 2 }
"#,
    )
    .unwrap();
    let path = dir.path().to_str().unwrap();
    let (_, vi, _) = ntm(&["audit", path]);
    assert!(
        vi.contains("the per-criterion counts give an average of 13,67, not 14,00"),
        "{vi}"
    );
    assert!(
        vi.contains("41 ÷ 3 = 13,6667 → 13,67 at 2 decimal(s)"),
        "{vi}"
    );
    let (_, en, _) = ntm(&["--en-numbers", "audit", path]);
    assert!(
        en.contains("the per-criterion counts give an average of 13.67, not 14.00"),
        "{en}"
    );
    // JSON keeps the figure exactly as published.
    let (_, json, _) = ntm(&["audit", path, "--json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["findings"][0]["figures"][0]["value"], "14.00");
}

/// `ntm plan scenarios/lai-chau-2023` in a terminal of 120 columns (issue 23): every line fits,
/// sentences wrap at spaces, and the targets' long labels wrap within their column. The
/// snapshot is the part of the report that optimal values decide (headline, targets, sources,
/// targets out of reach); which communes and projects a tie-break picks is left out of it.
#[test]
fn lai_chau_plan_fits_in_120_columns() {
    let out = Command::new(env!("CARGO_BIN_EXE_ntm"))
        .args(["plan", "scenarios/lai-chau-2023"])
        .env("COLUMNS", "120")
        .output()
        .expect("ntm runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    for (i, line) in text.lines().enumerate() {
        assert!(
            line.chars().count() <= 120,
            "line {} is {} columns: {line}",
            i + 1,
            line.chars().count()
        );
    }
    // The labels are whole: every target of the scenario appears, wrapped or not.
    let joined: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(joined.contains("xã đạt tiêu chí số 13 (Tổ chức sản xuất và phát"));
    let head = text
        .split("\nXã đạt chuẩn (communes at standard):")
        .next()
        .unwrap();
    insta::assert_snapshot!("plan-lai-chau-120-columns", head);
    // Without COLUMNS the output is as wide as its content (files, pipes, other tests).
    let wide = Command::new(env!("CARGO_BIN_EXE_ntm"))
        .args(["plan", "scenarios/lai-chau-2023"])
        .env_remove("COLUMNS")
        .output()
        .expect("ntm runs");
    let wide = String::from_utf8(wide.stdout).unwrap();
    assert!(wide.lines().any(|l| l.chars().count() > 120));
}

/// Every shipped scenario of synthetic data carries its note in Vietnamese too, and the CLI
/// prints it first with the English beside it (here `ntm audit`, which every scenario can run
/// and which prints the banner as every report does).
#[test]
fn the_synthetic_note_is_printed_in_vietnamese_first() {
    let (ok, out, err) = ntm(&["audit", "scenarios/example-3-communes"]);
    assert!(ok, "{err}");
    assert!(
        out.starts_with(
            "DỮ LIỆU GIẢ LẬP: ví dụ bịa ra để minh họa định dạng tệp (scenarios/README.md); không có xã thật\n\
             (synthetic data: invented example for the format documentation (scenarios/README.md); no real commune)\n"
        ),
        "{out}"
    );
    let mut shipped: Vec<_> = std::fs::read_dir("scenarios")
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("scenario.toml").is_file())
        .collect();
    shipped.sort();
    assert!(shipped.len() >= 8, "{shipped:?}");
    for dir in shipped {
        let s = Scenario::load_with(
            &dir,
            ntm::scenario::LoadOptions {
                allow_missing_communes: true,
                skip_projects: true,
            },
        )
        .unwrap();
        let Some(en) = &s.synthetic else {
            continue;
        };
        let vi = s
            .synthetic_vi
            .as_ref()
            .unwrap_or_else(|| panic!("{} has no synthetic_vi", dir.display()));
        let (ok, out, err) = ntm(&["audit", &dir.to_string_lossy()]);
        assert!(ok, "{}: {err}", dir.display());
        assert!(
            out.starts_with(&format!("DỮ LIỆU GIẢ LẬP: {vi}\n(synthetic data: {en})\n")),
            "{}: {out}",
            dir.display()
        );
    }
}
