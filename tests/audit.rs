//! `ntm audit` on fixtures mirroring the seed scenarios and on hand-made provinces.

use std::path::{Path, PathBuf};
use std::process::Command;

use ntm::audit::{audit, Audit, Severity};
use ntm::scenario::{LoadOptions, Scenario};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn run(name: &str) -> Audit {
    let options = LoadOptions {
        allow_missing_communes: true,
        skip_projects: true,
    };
    let s = Scenario::load_with(&fixture(name), options).expect("fixture loads");
    audit(&s)
}

#[test]
fn lai_chau_carried_over_split_does_not_add_up_but_the_total_does() {
    let a = run("audit-lai-chau");
    // 29,969 + 10,800 = 40,769, not the published 46,539.
    let carryover: Vec<_> = a
        .findings
        .iter()
        .filter(|f| f.check == "funding-parts")
        .collect();
    assert_eq!(carryover.len(), 1, "{carryover:#?}");
    let f = carryover[0];
    assert_eq!(f.severity, Severity::Error);
    assert!(f.message.contains("40.769") && f.message.contains("46.539"));
    // Vietnamese first: the same figures, grouped the Vietnamese way, in triệu đồng.
    assert_eq!(
        f.message_vi,
        "các khoản thành phần của carryover (Vốn ngân sách trung ương năm 2022 chuyển sang) cộng lại là 40.769, không phải 46.539 triệu đồng"
    );
    // 46.539 − 40.769 = 5.770 more in the parts, or the total is 40.769; each part named with
    // the fixture's Vietnamese label beside its id.
    assert_eq!(
        f.fix_vi.as_deref(),
        Some("hoặc tổng là 40.769 triệu đồng, hoặc các khoản (carryover-investment (Vốn đầu tư phát triển chuyển nguồn), carryover-recurrent (Vốn sự nghiệp chuyển nguồn)) nhiều hơn 5.770 tổng cộng (có thể một khoản bị đọc sai hoặc thiếu)")
    );
    assert_eq!(
        f.arithmetic[0],
        "29.969 + 10.800 = 40.769 ≠ 46.539 million VND (the parts are 5.770 less than the total)"
    );
    assert_eq!(
        f.arithmetic_vi[0],
        "29.969 + 10.800 = 40.769 ≠ 46.539 triệu đồng (các khoản thành phần ít hơn tổng 5.770)"
    );
    assert!(f.figures.iter().all(|fig| !fig.source.is_empty()));
    // 90,254 + 46,539 + 39,106 + 1,622,146 + 3,000,000 + 118,430 = 4,916,475.
    let total = a
        .passed
        .iter()
        .find(|p| p.check == "funding-parts" && p.message.contains("4.916.475"))
        .expect("the source total adds up");
    assert_eq!(
        total.arithmetic[0],
        "90.254 + 46.539 + 39.106 + 1.622.146 + 3.000.000 + 118.430 = 4.916.475 million VND"
    );
    // c1 and c12 are not stated: 12.5 ± 0.05 × 94 = 1171..=1179 criteria, the other 17 sum
    // to 1,049, so c1 + c12 = 122..=130.
    let avg = a
        .findings
        .iter()
        .find(|f| f.check == "average-criteria")
        .expect("average finding");
    assert_eq!(avg.severity, Severity::Info);
    assert!(
        avg.message.ends_with("c1 + c12 = 122..=130"),
        "{}",
        avg.message
    );
    // The 2022 bands and counts can hold together; so can the 2023 targets (1,309 / 94 = 13.93).
    for check in ["matrix-feasibility", "target-feasibility", "target-average"] {
        assert!(a.passed.iter().any(|p| p.check == check), "{check} passes");
    }
    assert_eq!(a.summary.errors, 1);
}

#[test]
fn lang_son_sources_and_shares() {
    let a = run("audit-lang-son");
    // 640 + 580 + 80 + 3,200 + 270 = 4,770 ≠ 4,760 (billion VND).
    let parts = a
        .findings
        .iter()
        .find(|f| f.check == "funding-parts")
        .expect("parts finding");
    assert_eq!(
        parts.message,
        "the parts of total (Tổng nguồn vốn) add up to 4.770, not 4.760 billion VND"
    );
    // 80 / 4,760 = 1.68 % → 1.7 %, not the stated 1.4 %.
    let shares: Vec<_> = a
        .findings
        .iter()
        .filter(|f| f.check == "funding-share")
        .collect();
    assert!(shares
        .iter()
        .any(|f| f.message == "80 billion VND (Vốn doanh nghiệp) is 1,7 % of 4.760, not 1,4 %"));
    assert!(shares
        .iter()
        .any(|f| f.arithmetic[0]
            == "80 ÷ 4.760 × 100 = 1,681 % → 1,7 % at 1 decimal(s); stated 1,4 %"));
    // 3,200 / 4,760 = 67.23 % is also outside 67.3 ± 0.05.
    assert!(shares
        .iter()
        .any(|f| f.message.contains("67,2 % of 4.760, not 67,3 %")));
    // 640 / 4,760 = 13.445 % → 13.4 % holds (within the 0.05 rounding slack).
    assert!(a
        .passed
        .iter()
        .any(|p| p.check == "funding-share" && p.message.starts_with("direct")));
    // Targets sum to 2,467 without c1; average 14.5 × 181 = 2,624.5 → c1 ≥ 158.
    let avg = a
        .findings
        .iter()
        .find(|f| f.check == "target-average")
        .expect("target average");
    assert_eq!(avg.severity, Severity::Info);
    assert!(avg.message.contains("c1 ≥ 158"), "{}", avg.message);
}

#[test]
fn infeasible_bands_are_flagged_with_the_arithmetic() {
    let a = run("audit-infeasible");
    assert_eq!(a.findings.len(), 1, "{:#?}", a.findings);
    let f = &a.findings[0];
    assert_eq!(f.check, "matrix-feasibility");
    assert_eq!(f.severity, Severity::Error);
    // Rows 3 × [10, 14] + 2 × [0, 4] with total 30 water-fill to 10, 10, 10, 0, 0; c1 = 5 needs
    // 5 communes, Σ min(rᵢ, 1) = 3.
    assert!(f
        .arithmetic
        .iter()
        .any(|l| l.contains("3 × [10, 14] (band 10-14) + 2 × [0, 4] (band 0-4) → total 30..=50")));
    assert!(f
        .arithmetic
        .iter()
        .any(|l| l.ends_with("(water-filling): 3 × 10 + 2 × 0")));
    assert!(f.message.contains("c1 needs 5 communes"), "{}", f.message);
    assert!(
        f.message_vi.ends_with(
            "c1 cần 5 xã, nhưng các xã chỉ cho được nhiều nhất Σ min(số tiêu chí đạt, 1) = 3 (Gale–Ryser)"
        ),
        "{}",
        f.message_vi
    );
    // Demand 5, capacity 3: lower c1 by 2.
    assert_eq!(
        f.fix_vi.as_deref(),
        Some("giảm c1 đi 2 tổng cộng, hoặc chuyển xã lên nhóm cao hơn")
    );
    assert!(f.fix.is_some());
    // The simpler checks cannot see it.
    for check in [
        "communes-bands",
        "average-criteria",
        "average-bands",
        "criterion-count",
    ] {
        assert!(a.passed.iter().any(|p| p.check == check), "{check} passes");
    }
}

#[test]
fn consistent_scenario_gives_no_finding() {
    let a = run("audit-consistent");
    assert!(a.findings.is_empty(), "{:#?}", a.findings);
    for check in [
        "funding-parts",
        "funding-share",
        "communes-bands",
        "average-criteria",
        "matrix-feasibility",
        "data-vs-published",
        "target-baseline",
        "target-average",
        "target-bands",
        "target-feasibility",
    ] {
        assert!(a.passed.iter().any(|p| p.check == check), "{check} passes");
    }
}

#[test]
fn a_scenario_without_figures_audits_to_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("scenario.toml"),
        "name = \"bare\"\nprovince = \"X\"\ncatalog = \"qd318-2022\"\nbaseline_year = 2023\nyears = [2024]\n",
    )
    .unwrap();
    let s = Scenario::load_with(
        dir.path(),
        LoadOptions {
            allow_missing_communes: true,
            skip_projects: true,
        },
    )
    .unwrap();
    let a = audit(&s);
    assert!(a.findings.is_empty() && a.passed.is_empty());
}

#[test]
fn human_report_snapshot() {
    insta::assert_snapshot!(
        "lai_chau",
        ntm::report::render_audit(&run("audit-lai-chau"), ntm::number::NumberStyle::Vietnamese)
    );
    insta::assert_snapshot!(
        "infeasible",
        ntm::report::render_audit(
            &run("audit-infeasible"),
            ntm::number::NumberStyle::Vietnamese
        )
    );
}

#[test]
fn json_shape() {
    let out = Command::new(env!("CARGO_BIN_EXE_ntm"))
        .args(["audit", "--json"])
        .arg(fixture("audit-lang-son"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // The receipt names the fixture by its absolute path: checked in tests/receipt.rs.
    let receipt = v.as_object_mut().unwrap().shift_remove("receipt").unwrap();
    assert_eq!(receipt["options"]["command"], "audit");
    assert_eq!(v["summary"]["errors"], 3);
    let findings = v["findings"].as_array().unwrap();
    for f in findings {
        for key in [
            "check",
            "severity",
            "message",
            "figures",
            "arithmetic",
            "arithmetic_vi",
            "fix",
        ] {
            assert!(f.get(key).is_some(), "finding lacks `{key}`: {f}");
        }
        for fig in f["figures"].as_array().unwrap() {
            for key in [
                "name",
                "label",
                "label_vi",
                "value",
                "unit",
                "unit_vi",
                "source",
                "source_vi",
            ] {
                assert!(fig[key].is_string(), "figure lacks `{key}`: {fig}");
            }
        }
    }
    assert_eq!(findings[0]["check"], "funding-parts");
    assert_eq!(findings[0]["severity"], "error");
    assert_eq!(findings[0]["figures"][0]["name"], "published.funding.total");
    assert_eq!(findings[0]["figures"][0]["value"], "4760");
    // The arithmetic in Vietnamese beside the English: 640 + 580 + 80 + 3 200 + 270 = 4 770,
    // 10 more than the published 4 760 (billion VND, tỷ đồng).
    assert_eq!(
        findings[0]["arithmetic_vi"][0],
        "640 + 580 + 80 + 3.200 + 270 = 4.770 ≠ 4.760 tỷ đồng (các khoản thành phần nhiều hơn tổng 10)"
    );
    assert_eq!(findings[0]["figures"][0]["unit_vi"], "tỷ đồng");
    assert_eq!(findings[0]["figures"][0]["label_vi"], "Tổng nguồn vốn");
    assert_eq!(findings[0]["figures"][0]["unit"], "billion VND");
    insta::assert_json_snapshot!("lang_son_json", v);
}

#[test]
fn audit_writes_a_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.xlsx");
    let out = Command::new(env!("CARGO_BIN_EXE_ntm"))
        .args(["audit"])
        .arg(fixture("audit-lai-chau"))
        .arg("--xlsx")
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    use calamine::Reader;
    let mut book = calamine::open_workbook_auto(&path).unwrap();
    assert_eq!(book.sheet_names(), ["Phát hiện (findings)", "Đạt (passed)"]);
    let findings = book.worksheet_range("Phát hiện (findings)").unwrap();
    // Header + 2 findings (carry-over split, c1 + c12).
    assert_eq!(findings.height(), 3);
    assert_eq!(findings.get((0, 0)).unwrap().to_string(), "Mức\nSeverity");
    // The arithmetic Vietnamese first, the English after it.
    assert_eq!(
        findings.get((1, 4)).unwrap().to_string(),
        "29.969 + 10.800 = 40.769 ≠ 46.539 triệu đồng (các khoản thành phần ít hơn tổng 5.770)\n\n\
         29.969 + 10.800 = 40.769 ≠ 46.539 million VND (the parts are 5.770 less than the total)"
    );
}

/// The seed scenarios (branch `seeds`), audited as shipped, with their synthetic communes.
fn seed(name: &str) -> Audit {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name);
    audit(&Scenario::load(&dir).expect("seed loads"))
}

#[test]
fn seed_lai_chau_2023_acceptance() {
    let a = seed("lai-chau-2023");
    assert!(a.findings.iter().any(|f| f.check == "funding-parts"
        && f.severity == Severity::Error
        && f.arithmetic[0].starts_with("29.969 + 10.800 = 40.769 ≠ 46.539")));
    assert!(a
        .passed
        .iter()
        .any(|p| p.check == "funding-parts" && p.message.contains("4.916.475")));
    // The synthetic communes reproduce the published 2022 figures.
    assert!(a.passed.iter().any(|p| p.check == "data-vs-published"));
}

#[test]
fn seed_lang_son_2022_acceptance() {
    let a = seed("lang-son-2022");
    assert!(a
        .findings
        .iter()
        .any(|f| f.check == "funding-parts" && f.message.contains("add up to 4.770, not 4.760")));
    assert!(a
        .findings
        .iter()
        .any(|f| f.check == "funding-share" && f.message.contains("is 1,7 % of 4.760, not 1,4 %")));
    // The planner's budgets follow the parts (4,770 billion), not the published total.
    assert!(a.findings.iter().any(|f| f.check == "funding-budget"
        && f.severity == Severity::Warning
        && f.message
            .contains("4.770.000 million VND, but the published total is 4.760.000")));
}

#[test]
fn every_seed_audits_without_failing() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    for entry in std::fs::read_dir(root).unwrap() {
        let dir = entry.unwrap().path();
        if dir.join("scenario.toml").is_file() {
            let s = Scenario::load_with(
                &dir,
                LoadOptions {
                    allow_missing_communes: true,
                    skip_projects: true,
                },
            )
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
            let a = audit(&s);
            assert_eq!(
                a.summary.errors + a.summary.warnings + a.summary.infos,
                a.findings.len()
            );
        }
    }
}

/// Any decimal rust_decimal can hold, from tiny to huge.
fn any_decimal() -> impl proptest::strategy::Strategy<Value = rust_decimal::Decimal> {
    use proptest::prelude::*;
    (any::<i64>(), 0u32..=28).prop_map(|(m, scale)| rust_decimal::Decimal::new(m, scale))
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Audit never panics, whatever the published figures and targets say.
    #[test]
    fn audit_never_panics(
        communes in proptest::option::of(proptest::prelude::any::<u32>()),
        standard in proptest::option::of(proptest::prelude::any::<u32>()),
        bands in proptest::collection::vec(proptest::prelude::any::<u32>(), 5),
        criteria in proptest::collection::vec(proptest::option::of(proptest::prelude::any::<u32>()), 19),
        average in proptest::option::of(any_decimal()),
        amounts in proptest::collection::vec(any_decimal(), 5),
        share in proptest::option::of(any_decimal()),
        targets in proptest::collection::vec(any_decimal(), 25),
    ) {
        let mut s = Scenario::load(&fixture("audit-consistent")).unwrap();
        let p = &mut s.published;
        p.communes = communes;
        p.standard = standard;
        for (band, n) in ["19", "15-18", "10-14", "5-9", "0-4"].iter().zip(&bands) {
            p.bands.insert(band.to_string(), *n);
        }
        p.criteria = criteria
            .iter()
            .enumerate()
            .filter_map(|(i, c)| c.map(|c| (format!("c{}", i + 1), c)))
            .collect();
        p.average_criteria = average.map(ntm::scenario::Amount);
        for (f, a) in p.funding.iter_mut().zip(&amounts) {
            f.amount = ntm::scenario::Amount(*a);
            if f.share_percent.is_some() {
                f.share_percent = share.map(ntm::scenario::Amount);
            }
        }
        for (t, v) in s.targets.iter_mut().zip(&targets) {
            t.value = v.abs();
        }
        let a = audit(&s);
        let _ = ntm::report::render_audit(&a, ntm::number::NumberStyle::Vietnamese);
        let _ = serde_json::to_string(&a).unwrap();
    }
}

#[test]
fn targets_against_baseline_communes_and_each_other() {
    let a = run("audit-targets");
    let find = |check: &str| {
        a.findings
            .iter()
            .filter(|f| f.check == check)
            .collect::<Vec<_>>()
    };
    // c2: target 5 < baseline 6.
    let below = find("target-baseline");
    assert_eq!(below.len(), 1);
    assert_eq!(below[0].severity, Severity::Warning);
    assert_eq!(
        below[0].arithmetic[0],
        "5 < 6 (baseline 2023, published status 2023)"
    );
    assert_eq!(below[0].figures[1].name, "published.criteria.c2");
    // c3: 12 communes of 10.
    let above = find("target-communes");
    assert_eq!(above.len(), 1);
    assert_eq!(above[0].arithmetic[0], "12 > 10");
    // 17 × 7 + 5 + 12 = 136 criteria, 136 / 10 = 13.6 < 15.
    let average = find("target-average");
    assert_eq!(average.len(), 1);
    assert_eq!(average[0].severity, Severity::Warning);
    assert!(
        average[0].message.contains("13,6"),
        "{}",
        average[0].message
    );
    assert_eq!(
        average[0].fix.as_deref(),
        Some("raise the per-criterion targets by 14 in all, or lower the average target to 13")
    );
    // 3 + 5 + 4 = 12 communes of 10; band 19 (3) ≠ standard target (2).
    let bands = find("target-bands");
    assert_eq!(bands.len(), 1);
    assert!(bands[0].message.contains("more than 10"));
    assert!(bands[0]
        .message
        .contains("band 19 target is 3 but the standard target is 2"));
    // 2024: model 2 > advanced 1.
    let tiers = find("target-tiers");
    assert_eq!(tiers.len(), 1);
    assert!(tiers[0]
        .message
        .contains("communes at model (2) > communes at advanced (1)"));
    // 2025: "no commune under 10 criteria", yet all 10 communes are in band 5-9.
    let floor = find("target-min-criteria");
    assert_eq!(floor.len(), 1);
    assert_eq!(
        floor[0].arithmetic[0],
        "band targets 2025 under 10 criteria: band 5-9: 10"
    );
    // 2025: every commune in 5-9 yet c1..c10 at 10 each: 100 > 10 × 9 = 90.
    let infeasible = find("target-feasibility");
    assert_eq!(infeasible.len(), 1);
    assert!(infeasible[0]
        .arithmetic
        .iter()
        .any(|l| l == "criteria met per commune over the published criteria: 10 × [0, 9] (band 5-9) → total 0..=90"));
}
