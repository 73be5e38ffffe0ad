//! `ntm merge`: the 2025 commune reorganisation. Every expected value is worked out by hand in
//! the comments, from the shipped example scenarios.

mod common;

use std::path::{Path, PathBuf};

use common::{json, ntm, repo};
use ntm::error::{Diagnostic, Error};
use ntm::merge::{self, MergeOptions};
use ntm::scenario::Scenario;
use rust_decimal::Decimal;

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn options(scenarios: &[PathBuf], mapping: &Path, out: &Path) -> MergeOptions {
    MergeOptions {
        scenarios: scenarios.to_vec(),
        mapping: mapping.to_path_buf(),
        province_mapping: None,
        rule: None,
        out: out.to_path_buf(),
    }
}

fn three_communes() -> PathBuf {
    repo().join("scenarios/example-3-communes")
}

/// an + binh → ab, chau kept.
const AB_MAPPING: &str =
    "old_id,new_id,new_name\nan,ab,Xã An Bình\nbinh,ab,Xã An Bình\nchau,chau,Xã Châu\n";

fn problems(e: Error) -> Vec<Diagnostic> {
    match e {
        Error::Invalid(p) => p,
        other => panic!("expected input problems, got {other}"),
    }
}

#[test]
fn acceptance_an_and_binh_become_ab_and_the_output_checks_and_plans() {
    let dir = tempfile::tempdir().unwrap();
    let mapping = write(dir.path(), "map.csv", AB_MAPPING);
    let out = dir.path().join("merged");
    let run = ntm(&[
        "merge".as_ref(),
        three_communes().as_os_str(),
        "--mapping".as_ref(),
        mapping.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let s = Scenario::load(&out).unwrap();
    // 3 old communes, an and binh together: 2 new ones, no district level.
    assert_eq!(s.communes.len(), 2);
    assert_eq!(s.hierarchy, ["province", "commune"]);
    assert!(!s.has_districts());
    assert!(s.communes.iter().all(|c| c.district.is_none()));
    let header = std::fs::read_to_string(out.join("communes.csv")).unwrap();
    assert!(
        !header.lines().next().unwrap().contains("district"),
        "{header}"
    );
    let ab = s.communes.iter().find(|c| c.id == "ab").unwrap();
    // communes.csv: binh has c10 = 0, an and binh both c1 = 1 → ab misses c10, meets c1.
    assert!(!ab.met.contains(10));
    assert!(ab.met.contains(1));
    // 19 + 18 criteria → the criteria both meet: all but c10.
    assert_eq!(ab.met.count(), 18);
    // Villages: an 5 + binh 4 = 9, at standard 5 + 3 = 8.
    assert_eq!((ab.villages, ab.villages_standard), (Some(9), Some(8)));
    // projects.csv: p1 is binh's → ab; p3 names "Xã Châu" → chau.
    let p1 = s.projects.iter().find(|p| p.id == "p1").unwrap();
    assert_eq!(s.communes[p1.commune].id, "ab");
    let p3 = s.projects.iter().find(|p| p.id == "p3").unwrap();
    assert_eq!(s.communes[p3.commune].id, "chau");
    assert_eq!(s.projects.len(), 3);
    // The synthetic label is carried.
    assert!(s.synthetic.as_deref().unwrap_or("").contains("invented"));
    // … in Vietnamese too (scenario.toml's synthetic_vi).
    assert!(s
        .synthetic_vi
        .as_deref()
        .unwrap_or("")
        .contains("ví dụ bịa ra"));
    for command in ["check", "plan"] {
        let run = ntm(&[command.as_ref(), out.as_os_str()]);
        assert!(
            run.status.success(),
            "ntm {command}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
    }
}

#[test]
fn the_report_lists_members_criteria_before_and_after_targets_and_totals() {
    let dir = tempfile::tempdir().unwrap();
    let mapping = write(dir.path(), "map.csv", AB_MAPPING);
    let out = dir.path().join("merged");
    let run = ntm(&[
        "merge".as_ref(),
        three_communes().as_os_str(),
        "--mapping".as_ref(),
        mapping.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
        "--json".as_ref(),
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let report = json(&run);
    let inputs: Vec<&str> = report["receipt"]["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["role"].as_str().unwrap())
        .collect();
    assert!(
        inputs.contains(&"mapping") && inputs.contains(&"merge-rule"),
        "{inputs:?}"
    );
    assert_eq!(report["communes_before"], 3);
    assert_eq!(report["communes_after"], 2);
    // an was at standard (19 criteria), nobody is after: ab misses c10, chau has 12.
    assert_eq!(report["standard_before"], 1);
    assert_eq!(report["standard_after"], 0);
    let ab = &report["communes"][0];
    assert_eq!(ab["id"], "ab");
    let members: Vec<&str> = ab["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert_eq!(members, ["an", "binh"]);
    assert_eq!(ab["members"][0]["district"], "Huyện Một");
    let c10 = ab["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["criterion"] == 10)
        .unwrap();
    assert_eq!(c10["before"], serde_json::json!([true, false]));
    assert_eq!(c10["after"], false);
    // binh was not recognised: no note of old recognitions.
    assert!(ab.get("old_recognitions").is_none());
    // Every target of example-3-communes counts communes: all five are to be re-set.
    let targets = report["targets"].as_array().unwrap();
    assert_eq!(targets.len(), 5);
    assert!(targets.iter().all(|t| t["carried"] == false));
    // Budgets 2024: 1.500 + 600 = 2.100 before and after; villages 5 + 4 + 5 = 14.
    let totals = report["totals"].as_array().unwrap();
    let total = |what: &str| {
        totals
            .iter()
            .find(|t| t["what"].as_str().unwrap().contains(what))
            .unwrap()
    };
    assert_eq!(total("budgets 2024")["before"], "2100");
    assert_eq!(total("budgets 2024")["after"], "2100");
    assert_eq!(total("(villages)")["after"], "14");
    assert!(totals.iter().all(|t| t["same"] == true), "{totals:?}");
    // The text report: Vietnamese first, English beside.
    let text = ntm(&[
        "merge".as_ref(),
        three_communes().as_os_str(),
        "--mapping".as_ref(),
        mapping.as_os_str(),
        "--out".as_ref(),
        dir.path().join("again").as_os_str(),
    ]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("không còn đạt (no longer met): c10 (chưa đạt/not met: binh)"),
        "{text}"
    );
    assert!(text.contains("phải đặt lại (to be re-set)"), "{text}");
}

#[test]
fn a_merged_commune_whose_members_were_all_recognised_keeps_a_note() {
    // example-3-communes with binh's c10 met: an and binh are both at standard.
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("s");
    common::copy_scenario("example-3-communes", &scenario);
    let communes = std::fs::read_to_string(scenario.join("communes.csv")).unwrap();
    let fixed = communes.replace(
        "binh,Xã Bình,Huyện Một,1,1,1,1,1,1,1,1,1,0,",
        "binh,Xã Bình,Huyện Một,1,1,1,1,1,1,1,1,1,1,",
    );
    assert_ne!(fixed, communes);
    std::fs::write(scenario.join("communes.csv"), fixed).unwrap();
    let mapping = write(dir.path(), "map.csv", AB_MAPPING);
    let merged = merge::prepare(&options(&[scenario], &mapping, &dir.path().join("out"))).unwrap();
    let ab = &merged.report.communes[0];
    assert_eq!(ab.tier, Some(ntm::catalog::TierId::Standard));
    assert_eq!(
        ab.old_recognitions,
        ["an Xã An: standard", "binh Xã Bình: standard"]
    );
}

/// example-indicators: doi (38,5, population 3.000) + suoi (37, population 1.000) → ds; thac kept.
fn indicators_mapping(dir: &Path, suoi_population: &str) -> PathBuf {
    write(
        dir,
        "map.csv",
        &format!(
            "mã xã cũ,mã xã mới,tên xã mới,dân số,căn cứ\ndoi,ds,Xã Đồi Suối,3.000,invented\nsuoi,ds,Xã Đồi Suối,{suoi_population},invented\nthac,thac,Xã Thác,2.000,invented\n"
        ),
    )
}

#[test]
fn income_is_the_population_weighted_mean_worked_out_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let mapping = indicators_mapping(dir.path(), "1.000");
    let out = dir.path().join("out");
    let opts = options(
        &[repo().join("scenarios/example-indicators")],
        &mapping,
        &out,
    );
    let (report, _) = merge::merge(&opts, false).unwrap();
    let s = Scenario::load(&out).unwrap();
    let ds = s.communes.iter().position(|c| c.id == "ds").unwrap();
    let income = s
        .indicator_values
        .iter()
        .find(|v| v.commune == ds && v.indicator == "income-per-capita" && v.year == 2020)
        .unwrap();
    // (38,5 × 3.000 + 37 × 1.000) / (3.000 + 1.000) = (115.500 + 37.000) / 4.000 = 38,125,
    // rounded half up to 2 decimals (the rule's `places`) = 38,13.
    assert_eq!(income.value, Decimal::new(3813, 2));
    // suoi's ĐBKK attribute is re-assessed (dropped): ds uses the Central Highlands threshold
    // 41 (catalog.toml, QĐ 1980 2020) → 38,13 < 41, c10 not met, gap 2,87.
    let decision = s
        .indicator_decisions
        .iter()
        .find(|d| d.commune == ds)
        .unwrap();
    assert_eq!(decision.threshold, Decimal::from(41));
    assert!(!decision.met);
    assert_eq!(decision.gap, Decimal::new(287, 2));
    assert!(!s.communes[ds].attributes.contains("difficult"));
    // thac is a rename: its own value and ĐBKK attribute stay.
    let thac = s.communes.iter().position(|c| c.id == "thac").unwrap();
    assert!(s.communes[thac].attributes.contains("difficult"));
    // p1 (doi, income +3) moves to ds and keeps its raise: 3 / 2,87 ≥ 1 → gain 1.
    let p1 = s.projects.iter().find(|p| p.id == "p1").unwrap();
    assert_eq!(s.communes[p1.commune].id, "ds");
    assert_eq!(p1.gains[0].fraction, Decimal::ONE);
    let ds_report = report.communes.iter().find(|c| c.id == "ds").unwrap();
    let combined = ds_report
        .values
        .iter()
        .find(|v| v.what == "income-per-capita")
        .unwrap();
    assert_eq!(combined.result, Some(Decimal::new(3813, 2)));
    assert!(
        ds_report.re_assess.iter().any(|r| r.contains("difficult")),
        "{:?}",
        ds_report.re_assess
    );
}

#[test]
fn a_missing_weight_means_re_assess_never_a_guess() {
    let dir = tempfile::tempdir().unwrap();
    let mapping = indicators_mapping(dir.path(), "");
    let out = dir.path().join("out");
    let opts = options(
        &[repo().join("scenarios/example-indicators")],
        &mapping,
        &out,
    );
    let (report, _) = merge::merge(&opts, false).unwrap();
    let s = Scenario::load(&out).unwrap();
    let ds = s.communes.iter().position(|c| c.id == "ds").unwrap();
    assert!(!s.indicator_values.iter().any(|v| v.commune == ds));
    let ds_report = report.communes.iter().find(|c| c.id == "ds").unwrap();
    assert!(
        ds_report
            .re_assess
            .iter()
            .any(|r| r.contains("income-per-capita 2020") && r.contains("suoi")),
        "{:?}",
        ds_report.re_assess
    );
    // p1's raise needs ds's value: dropped from its gains and listed.
    assert!(ds_report.re_assess.iter().any(|r| r.contains("p1")));
    // Its only gain was that raise: p1 is left out (listed), p2 and p3 move to thac.
    assert!(!s.projects.iter().any(|p| p.id == "p1"));
    assert_eq!(s.projects.len(), 2);
    // The project totals show the difference: 3 → 2 projects, 1.350 → 550 million VND.
    let count = report
        .totals
        .iter()
        .find(|t| t.what.contains("(projects)"))
        .unwrap();
    assert_eq!(
        (count.before, count.after, count.same),
        (Decimal::from(3), Decimal::from(2), false)
    );
}

fn expect_problem(
    result: Result<merge::Merged, Error>,
    file: &str,
    line: Option<usize>,
    text: &str,
) {
    let problems = problems(result.unwrap_err());
    assert!(
        problems.iter().any(|p| p.file.ends_with(file)
            && p.line == line
            && p.message.contains(text)
            && p.hint.is_some()),
        "wanted {file}:{line:?} `{text}` in {problems:#?}"
    );
}

#[test]
fn a_commune_missing_from_the_mapping_is_located_in_the_communes_file() {
    let dir = tempfile::tempdir().unwrap();
    let mapping = write(
        dir.path(),
        "map.csv",
        "old_id,new_id,new_name\nan,ab,Xã An Bình\nbinh,ab,Xã An Bình\n",
    );
    let out = dir.path().join("out");
    // chau is on line 4 of communes.csv.
    expect_problem(
        merge::prepare(&options(&[three_communes()], &mapping, &out)),
        "communes.csv",
        Some(4),
        "`chau`",
    );
    assert!(!out.exists());
}

#[test]
fn a_commune_mapped_twice_or_unknown_is_located_in_the_mapping() {
    let dir = tempfile::tempdir().unwrap();
    let twice = write(
        dir.path(),
        "twice.csv",
        &format!("{AB_MAPPING}an,ab,Xã An Bình\n"),
    );
    let out = dir.path().join("out");
    expect_problem(
        merge::prepare(&options(&[three_communes()], &twice, &out)),
        "twice.csv",
        Some(5),
        "mapped twice",
    );
    // By id and by name: the same commune twice.
    let by_name = write(
        dir.path(),
        "by-name.csv",
        &format!("{AB_MAPPING}Xã An,ab,Xã An Bình\n"),
    );
    expect_problem(
        merge::prepare(&options(&[three_communes()], &by_name, &out)),
        "by-name.csv",
        Some(5),
        "mapped twice",
    );
    // One old commune into two new ones (a split) is refused, saying why and what to do,
    // whether it is named by id or by name.
    for (file, old) in [("split.csv", "an"), ("split-by-name.csv", "Xã An")] {
        let split = write(
            dir.path(),
            file,
            &format!("{AB_MAPPING}{old},chau,Xã Châu\n"),
        );
        let problems =
            problems(merge::prepare(&options(&[three_communes()], &split, &out)).unwrap_err());
        let p = problems
            .iter()
            .find(|p| {
                p.message.contains("is split between `ab` (line 2")
                    || p.message
                        .contains("is split between `ab` (as `an` on line 2)")
            })
            .unwrap_or_else(|| panic!("{file}: {problems:#?}"));
        assert_eq!(p.line, Some(5), "{file}");
        assert!(p.message.contains("and `chau`"), "{p:?}");
        let hint = p.hint.as_deref().unwrap();
        assert!(hint.contains("cannot be divided by area"), "{hint}");
        assert!(hint.contains("map `an` to the one new commune"), "{hint}");
    }
    // New ids that differ only in case would be two communes the loader cannot tell apart.
    let case = write(
        dir.path(),
        "case.csv",
        "old_id,new_id,new_name\nan,ab,Xã An Bình\nbinh,AB,Xã An Bình\nchau,chau,Xã Châu\n",
    );
    expect_problem(
        merge::prepare(&options(&[three_communes()], &case, &out)),
        "case.csv",
        Some(3),
        "only in case",
    );
    let unknown = write(
        dir.path(),
        "unknown.csv",
        &format!("{AB_MAPPING}anh,ab,Xã An Bình\n"),
    );
    let problems =
        problems(merge::prepare(&options(&[three_communes()], &unknown, &out)).unwrap_err());
    let p = problems
        .iter()
        .find(|p| p.message.contains("unknown commune `anh`"))
        .unwrap();
    assert_eq!(p.line, Some(5));
    assert!(
        p.hint.as_deref().unwrap().contains("did you mean `an`"),
        "{p:?}"
    );
    assert!(!out.exists());
}

#[test]
fn a_csv_that_is_not_a_mapping_is_refused_with_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let communes = three_communes().join("communes.csv");
    let problems =
        problems(merge::prepare(&options(&[three_communes()], &communes, &out)).unwrap_err());
    assert!(
        problems
            .iter()
            .any(|p| p.line == Some(1) && p.message.contains("not a mapping: no column `old_id`")),
        "{problems:#?}"
    );
    assert!(
        problems.iter().any(|p| p
            .hint
            .as_deref()
            .unwrap_or("")
            .contains("looks like a communes file")),
        "{problems:#?}"
    );
    // On the command line with --json: a failure with a receipt, nothing written.
    let run = ntm(&[
        "merge".as_ref(),
        three_communes().as_os_str(),
        "--mapping".as_ref(),
        communes.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
        "--json".as_ref(),
    ]);
    assert!(!run.status.success());
    let failure = json(&run);
    assert_eq!(failure["kind"], "invalid");
    assert_eq!(failure["problems"][0]["line"], 1);
    assert!(failure["receipt"]["inputs"].is_array());
    assert!(!out.exists());
}

/// example-3-communes again as another province: ids, names of projects and province changed.
fn other_province(dir: &Path) -> PathBuf {
    let s = dir.join("other");
    common::copy_scenario("example-3-communes", &s);
    let edit = |file: &str, pairs: &[(&str, &str)]| {
        let mut text = std::fs::read_to_string(s.join(file)).unwrap();
        for (a, b) in pairs {
            text = text.replace(a, b);
        }
        std::fs::write(s.join(file), text).unwrap();
    };
    edit(
        "scenario.toml",
        &[
            ("province = \"Tỉnh Ví Dụ\"", "province = \"Tỉnh Khác\""),
            ("name = \"example-3-communes\"", "name = \"other\""),
        ],
    );
    edit(
        "communes.csv",
        &[
            ("\nan,", "\nxa,"),
            ("\nbinh,", "\nxb,"),
            ("\nchau,", "\nxc,"),
        ],
    );
    edit(
        "projects.csv",
        &[("p1,binh", "q1,xb"), ("p2,chau", "q2,xc"), ("p3,", "q3,")],
    );
    s
}

#[test]
fn communes_of_two_provinces_need_a_province_mapping_then_budgets_are_summed() {
    let dir = tempfile::tempdir().unwrap();
    let other = other_province(dir.path());
    let mapping = write(
        dir.path(),
        "map.csv",
        "old_id,new_id,new_name\nan,m1,Xã Mới\nbinh,binh,Xã Bình\nchau,chau,Xã Châu\nxa,m1,Xã Mới\nxb,xb,Xã Bình 2\nxc,xc,Xã Châu 2\n",
    );
    let out = dir.path().join("out");
    let mut opts = options(&[three_communes(), other], &mapping, &out);
    // m1 takes an (Tỉnh Ví Dụ) and xa (Tỉnh Khác): located at xa's row, line 5.
    expect_problem(merge::prepare(&opts), "map.csv", Some(5), "two provinces");
    assert!(!out.exists());
    opts.province_mapping = Some(write(
        dir.path(),
        "provinces.csv",
        "tỉnh cũ,tỉnh mới,căn cứ\nTỉnh Ví Dụ,Tỉnh Hợp,invented\nTỉnh Khác,Tỉnh Hợp,invented\n",
    ));
    let (report, _) = merge::merge(&opts, false).unwrap();
    let s = Scenario::load(&out).unwrap();
    assert_eq!(s.province, "Tỉnh Hợp");
    assert_eq!(s.communes.len(), 5);
    // central-investment: 1.500 + 1.500 = 3.000 in 2024, 1.200,5 × 2 = 2.401 in 2025.
    let central = s
        .capital_sources
        .iter()
        .find(|c| c.id == "central-investment")
        .unwrap();
    assert_eq!(central.budget_in(2024), Decimal::from(3000));
    assert_eq!(central.budget_in(2025), Decimal::new(2401, 0));
    assert_eq!(s.projects.len(), 6);
    assert!(report.totals_hold(), "{:?}", report.totals);
    assert!(report.capital_sources.iter().all(|c| c.summed));
}

#[test]
fn the_output_is_written_all_or_nothing_and_replaced_only_with_force() {
    let dir = tempfile::tempdir().unwrap();
    let mapping = write(dir.path(), "map.csv", AB_MAPPING);
    let out = dir.path().join("out");
    let opts = options(&[three_communes()], &mapping, &out);
    merge::merge(&opts, false).unwrap();
    let before = std::fs::read(out.join("communes.csv")).unwrap();
    // An existing folder: refused without --force, nothing changed.
    let err = merge::merge(&opts, false).unwrap_err();
    assert!(err.to_string().contains("not replacing"), "{err}");
    assert_eq!(std::fs::read(out.join("communes.csv")).unwrap(), before);
    // A hand-written file in it: replaced with --force, kept as .bak.
    std::fs::write(out.join("projects.csv"), "hand-written").unwrap();
    let (_, written) = merge::merge(&opts, true).unwrap();
    assert_eq!(written.backups, [out.join("projects.csv.bak")]);
    assert!(Scenario::load(&out).is_ok());
    // A folder where scenario.toml (the last file) should go: the write fails and no file is
    // written, not even the first ones.
    let blocked = dir.path().join("blocked");
    std::fs::create_dir_all(blocked.join("scenario.toml")).unwrap();
    let opts = options(&[three_communes()], &mapping, &blocked);
    assert!(merge::merge(&opts, true).is_err());
    assert!(!blocked.join("communes.csv").exists());
    assert!(!blocked.join("projects.csv").exists());
}

#[test]
fn the_shipped_real_merger_cites_its_resolution_and_keeps_the_synthetic_label() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = repo().join("scenarios/example-merge-muong-te");
    let out = dir.path().join("out");
    let opts = options(
        std::slice::from_ref(&scenario),
        &scenario.join("mapping-nq1670-2025.csv"),
        &out,
    );
    let (report, _) = merge::merge(&opts, false).unwrap();
    // Ka Lăng + Thu Lũm → Thu Lũm; Mù Cả and Tà Tổng kept: 4 → 3.
    assert_eq!((report.communes_before, report.communes_after), (4, 3));
    let thu_lum = &report.communes[0];
    assert_eq!(thu_lum.id, "thu-lum-2025");
    assert!(thu_lum.sources[0].contains("1670/NQ-UBTVQH15"));
    // ka-lang meets all 19 (communes.csv), thu-lum misses c5, c10, c11, c17: 15 left.
    assert_eq!(thu_lum.criteria_met, 15);
    let s = Scenario::load(&out).unwrap();
    assert!(s.synthetic.as_deref().unwrap().contains("synthetic"));
    assert!(s.sources["merge"].contains("1670/NQ-UBTVQH15"));
}

#[test]
fn import_xlsx_with_a_mapping_reads_old_communes_straight_into_the_new_ones() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("old.xlsx");
    let s = Scenario::load(&three_communes()).unwrap();
    ntm::xlsx::write_workbook(&book, &ntm::xlsx::scenario_sheets(&s)).unwrap();
    let mapping = write(dir.path(), "map.csv", AB_MAPPING);
    let out = dir.path().join("new");
    let run = ntm(&[
        "import-xlsx".as_ref(),
        book.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
        "--mapping".as_ref(),
        mapping.as_os_str(),
        "--year".as_ref(),
        "2023".as_ref(),
        "--json".as_ref(),
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let report = json(&run);
    assert_eq!(report["merge"]["communes_after"], 2);
    let merged = Scenario::load(&out).unwrap();
    let ab = merged.communes.iter().find(|c| c.id == "ab").unwrap();
    // As with `ntm merge`: binh's c10 = 0 → ab misses c10; p1 (binh's) belongs to ab.
    assert!(!ab.met.contains(10) && ab.met.contains(1));
    let p1 = merged.projects.iter().find(|p| p.id == "p1").unwrap();
    assert_eq!(merged.communes[p1.commune].id, "ab");
    // A mapping without chau: the problem names the workbook, not a staging file.
    let short = write(
        dir.path(),
        "short.csv",
        "old_id,new_id,new_name\nan,ab,Xã An Bình\nbinh,ab,Xã An Bình\n",
    );
    let failed = ntm(&[
        "import-xlsx".as_ref(),
        book.as_os_str(),
        "--out".as_ref(),
        dir.path().join("other").as_os_str(),
        "--mapping".as_ref(),
        short.as_os_str(),
        "--year".as_ref(),
        "2023".as_ref(),
        "--json".as_ref(),
    ]);
    let failure = json(&failed);
    let problem = &failure["problems"][0];
    assert!(
        problem["message"].as_str().unwrap().contains("`chau`"),
        "{failure}"
    );
    assert_eq!(problem["file"], book.display().to_string());
    assert!(!dir.path().join("other").exists());
    // Again without --force: refused, the folder kept.
    let again = ntm(&[
        "import-xlsx".as_ref(),
        book.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
        "--mapping".as_ref(),
        mapping.as_os_str(),
        "--year".as_ref(),
        "2023".as_ref(),
    ]);
    assert!(!again.status.success());
}

#[test]
fn the_report_is_also_a_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let mapping = write(dir.path(), "map.csv", AB_MAPPING);
    let book = dir.path().join("merge.xlsx");
    let run = ntm(&[
        "merge".as_ref(),
        three_communes().as_os_str(),
        "--mapping".as_ref(),
        mapping.as_os_str(),
        "--out".as_ref(),
        dir.path().join("out").as_os_str(),
        "--xlsx".as_ref(),
        book.as_os_str(),
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let zip = zip::ZipArchive::new(std::fs::File::open(&book).unwrap()).unwrap();
    // Four sheets: merge (one row per member), combined values, re-assess, totals.
    let sheets = zip
        .file_names()
        .filter(|n| n.starts_with("xl/worksheets/sheet"))
        .count();
    assert_eq!(sheets, 4);
}

#[test]
fn shipped_provinces_merge_three_to_one_with_every_total_kept() {
    // Each shipped provincial scenario, its communes taken three by three in file order into one
    // new commune: the additive totals (villages, budgets per year, projects and their cost) are
    // the same before and after, read back from the written scenario.
    for name in ["lai-chau-2023", "lang-son-2022", "lam-dong-2025"] {
        let dir = tempfile::tempdir().unwrap();
        let scenario = repo().join("scenarios").join(name);
        let s = Scenario::load(&scenario).unwrap();
        let mut csv = String::from("old_id,new_id,new_name\n");
        for (i, c) in s.communes.iter().enumerate() {
            csv.push_str(&format!("\"{}\",n{},Xã mới {}\n", c.id, i / 3, i / 3));
        }
        let mapping = write(dir.path(), "map.csv", &csv);
        let out = dir.path().join("out");
        let (report, _) = merge::merge(&options(&[scenario], &mapping, &out), false).unwrap();
        assert_eq!(
            report.communes_after,
            s.communes.len().div_ceil(3),
            "{name}"
        );
        assert!(report.totals_hold(), "{name}: {:?}", report.totals);
        // lam-dong-2025 has no villages, budgets or projects to total.
        assert_eq!(report.totals.is_empty(), name == "lam-dong-2025", "{name}");
        // No merged commune meets a criterion that one of its members missed.
        for c in &report.communes {
            for row in &c.criteria {
                assert_eq!(
                    row.after,
                    row.before.iter().all(|b| *b),
                    "{name} {} c{}",
                    c.id,
                    row.criterion
                );
            }
        }
        assert!(Scenario::load(&out).is_ok(), "{name}");
    }
}

#[test]
fn the_rule_prints_vietnamese_first_and_an_empty_totals_check_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let mapping = write(dir.path(), "map.csv", AB_MAPPING);
    let merged = merge::prepare(&options(
        &[three_communes()],
        &mapping,
        &dir.path().join("o"),
    ))
    .unwrap();
    let text = merge::render(&merged.report, ntm::number::NumberStyle::Vietnamese);
    // catalog/merge-rule-default.toml: each entry's note_vi, then its English basis beside.
    assert!(
        text.contains("  criteria: all-members [giả định (assumption)] giả định: chưa tìm thấy hướng dẫn về kết quả tiêu chí của xã sau sáp nhập;"),
        "{text}"
    );
    assert!(text.contains("(assumption: no guidance found on the status of merged communes;"));
    assert!(text.contains(
        "  attribute difficult: re-assess [giả định (assumption)] giả định: xã đặc biệt khó khăn"
    ));
    let entries = &merged.report.rule.entries;
    assert_eq!(entries.len(), 10);
    assert!(entries.iter().all(|e| e.basis_vi.is_some()), "{entries:?}");
    // example-3-communes has villages, budgets and projects: the check lists them.
    assert!(!text.contains("không có tổng cộng dồn để so"));

    // A rule without note_vi prints its English basis, marked English only.
    let rule = write(
        dir.path(),
        "rule.toml",
        &ntm::merge::rule::DEFAULT_TEXT
            .replace("note_vi = \"giả định: như tiêu chí xã NTM\"\n", ""),
    );
    let mut with_rule = options(&[three_communes()], &mapping, &dir.path().join("o"));
    with_rule.rule = Some(rule);
    let merged = merge::prepare(&with_rule).unwrap();
    let text = merge::render(&merged.report, ntm::number::NumberStyle::Vietnamese);
    assert!(
        text.contains("  advanced_criteria: all-members [giả định (assumption)] (chỉ có bản tiếng Anh / English only) assumption: as for the standard criteria"),
        "{text}"
    );

    // lam-dong-2025 has no villages, budgets, projects or summed values: the section says so
    // instead of standing empty.
    let scenario = repo().join("scenarios/lam-dong-2025");
    let s = Scenario::load(&scenario).unwrap();
    let mut csv = String::from("old_id,new_id,new_name\n");
    for (i, c) in s.communes.iter().enumerate() {
        csv.push_str(&format!("\"{}\",n{},Xã mới {}\n", c.id, i / 2, i / 2));
    }
    let mapping = write(dir.path(), "lam-dong.csv", &csv);
    let merged = merge::prepare(&options(&[scenario], &mapping, &dir.path().join("o"))).unwrap();
    assert!(merged.report.totals.is_empty());
    let text = merge::render(&merged.report, ntm::number::NumberStyle::Vietnamese);
    let section = text
        .split("Kiểm tra tổng toàn tỉnh (province totals, additive):\n")
        .nth(1)
        .unwrap();
    assert!(
        section.starts_with("  không có tổng cộng dồn để so: kịch bản không có số thôn, dự toán vốn, dự án hay giá trị chỉ tiêu tính tổng (nothing additive to compare"),
        "{section}"
    );
}

#[test]
fn the_mappings_commune_group_is_written_and_checked_against_the_attributes() {
    // scenarios/example-qd51-2025: ven-do is nhóm 1 (column, and urban-adjacent +
    // urban-oriented), dong-bang nhóm 2 (no attribute: derived), nui-cao nhóm 3 (column, and
    // ethnic-area-iii).
    let scenario = repo().join("scenarios/example-qd51-2025");
    let dir = tempfile::tempdir().unwrap();
    let group_column = |out: &Path| -> Vec<(String, String)> {
        let text = std::fs::read_to_string(out.join("communes.csv")).unwrap();
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        let at = header
            .iter()
            .position(|h| *h == "group")
            .expect("a group column");
        lines
            .map(|l| {
                let cells: Vec<&str> = l.split(',').collect();
                (cells[0].to_string(), cells[at].to_string())
            })
            .collect()
    };

    // Renames keep their groups (and their attributes): 1, 2 (derived before, written now), 3.
    let renames = write(
        dir.path(),
        "renames.csv",
        "old_id,new_id,new_name\nven-do,vd,Xã Ven Đô\ndong-bang,db,Xã Đồng Bằng\nnui-cao,nc,Xã Núi Cao\n",
    );
    let out = dir.path().join("renames");
    merge::merge(
        &options(std::slice::from_ref(&scenario), &renames, &out),
        false,
    )
    .unwrap();
    assert_eq!(
        group_column(&out),
        [("vd", "1"), ("db", "2"), ("nc", "3")].map(|(a, b)| (a.to_string(), b.to_string()))
    );

    // Ven Đô + Đồng Bằng → vdb in nhóm 2 (given); Núi Cao kept, given `nhóm 3`. The default
    // rule re-assesses urban-adjacent and urban-oriented, so vdb has no attribute: nhóm 2 fits.
    let merged = write(
        dir.path(),
        "merged.csv",
        "old_id,new_id,new_name,new_group\nven-do,vdb,Xã Ven Bằng,2\ndong-bang,vdb,Xã Ven Bằng,\nnui-cao,nui-cao,Xã Núi Cao,nhóm 3\n",
    );
    let out = dir.path().join("merged");
    let (report, _) = merge::merge(
        &options(std::slice::from_ref(&scenario), &merged, &out),
        false,
    )
    .unwrap();
    assert_eq!(
        group_column(&out),
        [("vdb", "2"), ("nui-cao", "3")].map(|(a, b)| (a.to_string(), b.to_string()))
    );
    let s = Scenario::load(&out).unwrap();
    let groups: Vec<Option<u8>> = s
        .communes
        .iter()
        .map(|c| c.group.map(|g| g.number()))
        .collect();
    assert_eq!(groups, [Some(2), Some(3)]);
    assert_eq!(report.communes[0].group.map(|g| g.number()), Some(2));

    // Given nhóm 1, vdb contradicts its merged attributes (none: nhóm 2): an error at the row
    // that gives it, nothing written.
    let contradicts = write(
        dir.path(),
        "contradicts.csv",
        "old_id,new_id,new_name,new_group\nven-do,vdb,Xã Ven Bằng,\ndong-bang,vdb,Xã Ven Bằng,1\nnui-cao,nui-cao,Xã Núi Cao,3\n",
    );
    let out = dir.path().join("contradicts");
    let found = problems(
        merge::merge(
            &options(std::slice::from_ref(&scenario), &contradicts, &out),
            false,
        )
        .unwrap_err(),
    );
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].line, Some(3));
    assert!(
        found[0].message.contains(
            "new commune `vdb` is given nhóm 1 in `new_group`, but its attributes after the merge (không có đặc điểm (no attributes)) put it in nhóm 2"
        ),
        "{found:#?}"
    );
    assert!(found[0].hint.as_deref().unwrap().contains("re-assesses"));
    assert!(!out.exists());

    // Members that shared nhóm 3 but lose the attribute deciding it: the group is not carried
    // (the loader derives nhóm 2 from what is left) and is listed to re-assess. A rule that
    // keeps ethnic-area-iii keeps nhóm 3.
    // Here Đồng Bằng is made nhóm 3 (ethnic-area-iii) too, and merged with Núi Cao.
    let three = dir.path().join("three");
    std::fs::create_dir_all(&three).unwrap();
    for file in [
        "scenario.toml",
        "catalog.toml",
        "indicators.csv",
        "projects.csv",
    ] {
        std::fs::copy(scenario.join(file), three.join(file)).unwrap();
    }
    let communes = std::fs::read_to_string(scenario.join("communes.csv"))
        .unwrap()
        .replace(
            "1,1,1,1,1,0,1,1,1,1,,",
            "1,1,1,1,1,0,1,1,1,1,3,ethnic-area-iii",
        );
    assert!(communes.contains("dong-bang,Xã Đồng Bằng,1,1,1,1,1,0,1,1,1,1,3,ethnic-area-iii"));
    std::fs::write(three.join("communes.csv"), communes).unwrap();
    let both_three = write(
        dir.path(),
        "both-three.csv",
        "old_id,new_id,new_name\nven-do,ven-do,Xã Ven Đô\ndong-bang,dn,Xã Đồng Núi\nnui-cao,dn,Xã Đồng Núi\n",
    );
    let out = dir.path().join("both-three");
    let (report, _) = merge::merge(
        &options(std::slice::from_ref(&three), &both_three, &out),
        false,
    )
    .unwrap();
    let dn = &report.communes[1];
    assert_eq!(dn.group, None);
    assert!(
        dn.re_assess
            .iter()
            .any(|r| r.starts_with("nhóm xã (group): các xã thành viên ở nhóm 3")),
        "{:?}",
        dn.re_assess
    );
    assert_eq!(
        group_column(&out),
        [("ven-do", "1"), ("dn", "")].map(|(a, b)| (a.to_string(), b.to_string()))
    );
    let s = Scenario::load(&out).unwrap();
    assert_eq!(s.communes[1].group.map(|g| g.number()), Some(2));
    let keep = write(
        dir.path(),
        "keep.toml",
        &format!(
            "{}\n[[attributes]]\nid = \"ethnic-area-iii\"\ncombine = \"all-members\"\nbasis = \"assumption: a test rule\"\n",
            merge::rule::DEFAULT_TEXT
        ),
    );
    let mut kept = options(
        std::slice::from_ref(&three),
        &both_three,
        &dir.path().join("kept"),
    );
    kept.rule = Some(keep);
    let (report, _) = merge::merge(&kept, false).unwrap();
    assert_eq!(report.communes[1].group.map(|g| g.number()), Some(3));
    assert_eq!(
        group_column(&dir.path().join("kept")),
        [("ven-do", "1"), ("dn", "3")].map(|(a, b)| (a.to_string(), b.to_string()))
    );

    // An unknown group is located at its cell, with the groups there are.
    let unknown = write(
        dir.path(),
        "unknown.csv",
        "old_id,new_id,new_name,new_group\nven-do,vd,Xã Ven Đô,nhóm 4\ndong-bang,db,Xã Đồng Bằng,\nnui-cao,nc,Xã Núi Cao,\n",
    );
    let found = problems(
        merge::prepare(&options(std::slice::from_ref(&scenario), &unknown, &out)).unwrap_err(),
    );
    assert_eq!((found[0].line, found[0].column), (Some(2), Some(4)));
    assert!(
        found[0].message.contains("unknown commune group `nhóm 4`"),
        "{found:#?}"
    );

    // A catalog without groups (qd318-2022) writes no group column and says why.
    let ab = write(
        dir.path(),
        "ab.csv",
        "old_id,new_id,new_name,new_group\nan,ab,Xã An Bình,2\nbinh,ab,Xã An Bình,2\nchau,chau,Xã Châu,3\n",
    );
    let out = dir.path().join("ab");
    let (report, _) = merge::merge(&options(&[three_communes()], &ab, &out), false).unwrap();
    let header = std::fs::read_to_string(out.join("communes.csv")).unwrap();
    assert!(
        !header.lines().next().unwrap().contains("group"),
        "{header}"
    );
    assert!(
        report
            .notes
            .iter()
            .any(|n| n.contains("catalog `qd318-2022` has no commune groups")),
        "{:?}",
        report.notes
    );
}
