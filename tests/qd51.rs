//! The 2026-2030 set, QĐ 51/2025/QĐ-TTg: its catalog (10 criteria, three commune groups, the
//! cited count of 47 indicators), communes carrying their group, thresholds by group from a
//! province file, `ntm catalog diff qd318-2022 qd51-2025`, re-evaluation of a 2025 scenario, and
//! the located errors of bad input.
//!
//! The group rule and the criteria are cited in catalog/qd51-2025.toml. QĐ 51's per-group
//! thresholds could not be found (docs/qd51-2025-sources.md), so the thresholds the example
//! uses are the INVENTED ones of its province file, scenarios/example-qd51-2025/catalog.toml:
//! income per person ≥ 70 (nhóm 1), ≥ 60 (nhóm 2), ≥ 45 (nhóm 3) triệu đồng/người; poverty
//! ≤ 1 / 2 / 6 %. The expected values below are worked out by hand from those.

mod common;

use std::path::Path;

use rust_decimal::Decimal;

use ntm::catalog::{diff, Catalog, Change, CommuneGroup};
use ntm::evaluate::evaluate;
use ntm::plan::{plan, PlanOptions};
use ntm::reevaluate::reevaluate;
use ntm::scenario::Scenario;

const EXAMPLE: &str = "scenarios/example-qd51-2025";

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
fn the_catalog_lists_ten_criteria_three_groups_and_the_cited_count_of_indicators() {
    let c = Catalog::load("qd51-2025", Path::new(".")).unwrap();
    assert_eq!(c.criteria.len(), 10);
    assert!(c
        .criteria
        .iter()
        .all(|x| x.source.contains("QĐ 51/2025/QĐ-TTg")));
    // vietnamplus.vn, 30/12/2025: "1- Quy hoạch; … 10- Tiếp cận pháp luật và an ninh, quốc phòng".
    assert_eq!(c.criterion(1).unwrap().name_vi, "Quy hoạch");
    assert_eq!(
        c.criterion(10).unwrap().name_vi,
        "Tiếp cận pháp luật và an ninh, quốc phòng"
    );
    assert_eq!(c.indicator_count.as_ref().unwrap().count, 47);
    // No threshold is invented: none is shipped nationally.
    assert!(c.indicators.is_empty());
    assert_eq!(c.groups.len(), 3);
    assert!(c
        .groups
        .iter()
        .all(|g| g.source.contains("QĐ 51/2025/QĐ-TTg")));
    assert_eq!(c.supersedes.as_deref(), Some("qd318-2022"));
}

#[test]
fn the_group_rule_reads_the_attributes_the_law_names() {
    use ntm::catalog::GroupByRule;
    let c = Catalog::load("qd51-2025", Path::new(".")).unwrap();
    let of = |attrs: &[&str]| c.group_by_rule(&attrs.iter().map(|a| a.to_string()).collect());
    // Nhóm 1: next to a town AND oriented to become urban; or agriculture < 10 %; or new urban area.
    assert_eq!(
        of(&["urban-adjacent", "urban-oriented"]),
        GroupByRule::One(CommuneGroup::One)
    );
    assert_eq!(of(&["urban-adjacent"]), GroupByRule::One(CommuneGroup::Two));
    assert_eq!(
        of(&["agriculture-under-10"]),
        GroupByRule::One(CommuneGroup::One)
    );
    assert_eq!(of(&["new-urban-area"]), GroupByRule::One(CommuneGroup::One));
    // Nhóm 3: khu vực II and III of ethnic-minority and mountain areas.
    assert_eq!(
        of(&["ethnic-area-ii"]),
        GroupByRule::One(CommuneGroup::Three)
    );
    assert_eq!(
        of(&["ethnic-area-iii"]),
        GroupByRule::One(CommuneGroup::Three)
    );
    // Nhóm 2: all others.
    assert_eq!(of(&[]), GroupByRule::One(CommuneGroup::Two));
    assert_eq!(of(&["border"]), GroupByRule::One(CommuneGroup::Two));
    // Both: the law does not rank them.
    assert_eq!(
        of(&["new-urban-area", "ethnic-area-iii"]),
        GroupByRule::Several(vec![CommuneGroup::One, CommuneGroup::Three])
    );
}

#[test]
fn a_group_3_commune_meets_the_income_indicator_a_group_1_commune_with_the_same_value_misses() {
    let s = Scenario::load(Path::new(EXAMPLE)).unwrap();
    let group = |id: &str| s.communes.iter().find(|c| c.id == id).unwrap().group;
    assert_eq!(group("ven-do"), Some(CommuneGroup::One));
    // No group in the file: derived from no attribute of nhóm 1 or 3.
    assert_eq!(group("dong-bang"), Some(CommuneGroup::Two));
    assert_eq!(group("nui-cao"), Some(CommuneGroup::Three));
    let e = evaluate(&s);
    let income = |commune: &str| {
        e.indicators
            .iter()
            .find(|i| i.commune == commune && i.decision.indicator == "income-per-capita")
            .unwrap()
    };
    // Both have 55 triệu đồng/người. Nhóm 1 threshold 70 (invented, catalog.toml): not met, gap 15.
    let ven = income("ven-do");
    assert_eq!(ven.decision.value, d("55"));
    assert_eq!(ven.decision.threshold, d("70"));
    assert!(!ven.decision.met);
    assert_eq!(ven.decision.gap, d("15"));
    assert_eq!(
        ven.text,
        "c3 Phát triển kinh tế nông thôn: 55 < 70 triệu đồng/người (nhóm 1, 2026), thiếu 15"
    );
    // Nhóm 3 threshold 45 (invented, catalog.toml): met.
    let nui = income("nui-cao");
    assert_eq!(nui.decision.value, d("55"));
    assert_eq!(nui.decision.threshold, d("45"));
    assert!(nui.decision.met);
    assert!(nui
        .decision
        .threshold_source
        .starts_with("assumption: invented"));
    // Criteria: Ven Đô misses c3, Đồng Bằng c6 (2,5 > 2), Núi Cao c2 (its column): 9 each.
    let met = |id: &str| {
        e.per_commune
            .iter()
            .find(|c| c.id == id)
            .unwrap()
            .met
            .ids()
            .collect::<Vec<u8>>()
    };
    assert_eq!(met("ven-do"), vec![1, 2, 4, 5, 6, 7, 8, 9, 10]);
    assert_eq!(met("dong-bang"), vec![1, 2, 3, 4, 5, 7, 8, 9, 10]);
    assert_eq!(met("nui-cao"), vec![1, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert_eq!(e.summary.standard, 0);
    // Counted by indicator and by group.
    let by = |id: &str| e.indicator_counts.iter().find(|c| c.id == id).unwrap();
    assert_eq!(
        (by("income-per-capita").valued, by("income-per-capita").met),
        (3, 2)
    );
    let groups: Vec<(u8, usize, usize)> = by("income-per-capita")
        .by_group
        .iter()
        .map(|g| (g.group.number(), g.communes, g.met))
        .collect();
    assert_eq!(groups, vec![(1, 1, 0), (2, 1, 1), (3, 1, 1)]);
    // "số xã nhóm 2 đạt tiêu chí số 6": 0 of 1.
    let g2 = e
        .groups
        .iter()
        .find(|g| g.group == CommuneGroup::Two)
        .unwrap();
    assert_eq!(
        (g2.communes, g2.criteria[5].id, g2.criteria[5].met),
        (1, 6, 0)
    );
    // Phụ lục III: reported, nothing assessed.
    assert!(e
        .province_conditions
        .unwrap()
        .source
        .contains("Phụ lục III"));
}

#[test]
fn the_plan_funds_the_project_that_flips_a_qd51_criterion() {
    let s = Scenario::load(Path::new(EXAMPLE)).unwrap();
    let p = plan(&s, &PlanOptions::default()).unwrap();
    let mut funded: Vec<&str> = p.projects.iter().map(|f| f.id.as_str()).collect();
    funded.sort();
    // p1 raises income at Ven Đô by 15 = its gap (70 − 55): c3 flips (2 → 3 communes meeting it);
    // with p2 and p3 all three reach standard.
    assert_eq!(funded, ["p1", "p2", "p3"]);
    let c3 = |e: &ntm::evaluate::Evaluation| e.criteria.iter().find(|c| c.id == 3).unwrap().met;
    assert_eq!((c3(&p.before), c3(&p.after)), (2, 3));
    assert_eq!(p.after.summary.standard, 3);
}

#[test]
fn graph_lists_ten_criteria_and_the_groups_each_with_a_source() {
    let out = common::ntm(&["graph", "--catalog", "qd51-2025", "--format", "json"]);
    assert!(out.status.success());
    let g = common::json(&out);
    assert_eq!(g["criteria"].as_array().unwrap().len(), 10);
    assert_eq!(g["indicator_count"]["count"], 47);
    assert!(g["groups"]
        .as_array()
        .unwrap()
        .iter()
        .all(|x| x["source"].as_str().unwrap().contains("QĐ 51/2025")));
    // The example's province file: its indicators, each threshold with its group and source.
    let out = common::ntm(&[
        "graph",
        "--catalog",
        "scenarios/example-qd51-2025/catalog.toml",
        "--format",
        "json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let g = common::json(&out);
    let indicators = g["indicators"].as_array().unwrap();
    assert_eq!(indicators.len(), 2);
    for i in indicators {
        assert!(!i["source"].as_str().unwrap().is_empty());
        let groups: Vec<i64> = i["thresholds"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["group"].as_i64().unwrap())
            .collect();
        assert_eq!(groups, vec![1, 2, 3]);
    }
}

#[test]
fn catalog_diff_maps_19_criteria_onto_10_and_marks_every_one_assess_afresh() {
    let a = Catalog::load("qd318-2022", Path::new(".")).unwrap();
    let b = Catalog::load("qd51-2025", Path::new(".")).unwrap();
    let d = diff(&a, &b).unwrap();
    let mapped: Vec<(u8, u8)> = d
        .rows
        .iter()
        .map(|r| (r.from.unwrap(), r.to.unwrap()))
        .collect();
    assert_eq!(mapped.len(), 19);
    // Every new criterion has a predecessor; none is silently met.
    assert!(d.rows.iter().all(|r| r.change == Change::Reassess));
    for new in 1..=10 {
        assert!(mapped.iter().any(|(_, to)| *to == new), "c{new}");
    }
    assert_eq!(mapped[10], (11, 6)); // Nghèo đa chiều → Giảm nghèo và an sinh xã hội
                                     // Through QĐ 211 (which amends QĐ 318) the same mapping applies.
    let amended = Catalog::load("qd211-2024", Path::new(".")).unwrap();
    assert!(diff(&amended, &b).unwrap().mapping.is_some());
    let out = common::ntm(&["catalog", "diff", "qd318-2022", "qd51-2025"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("đánh giá lại (re-assess)"), "{text}");
    assert!(text.contains("Hạ tầng kinh tế - xã hội"), "{text}");
}

#[test]
fn a_2025_scenario_evaluated_under_qd51_carries_nothing_silently() {
    let s = Scenario::load(Path::new("scenarios/lam-dong-2025")).unwrap();
    let b = Catalog::load("qd51-2025", Path::new(".")).unwrap();
    let r = reevaluate(&s, &b).unwrap();
    assert_eq!(r.evaluation.criteria.len(), 10);
    assert!(r.evaluation.criteria.iter().all(|c| c.met == 0));
    assert_eq!(r.reset.len(), 19);
    // c2 is fed by old c2-c7 and c9: the candidates met all seven.
    let c2 = r.candidates.iter().find(|c| c.to == 2).unwrap();
    assert_eq!(c2.from, vec![2, 3, 4, 5, 6, 7, 9]);
    let all_seven = s
        .communes
        .iter()
        .filter(|c| [2, 3, 4, 5, 6, 7, 9].iter().all(|id| c.met.contains(*id)))
        .count();
    assert_eq!(c2.communes, all_seven);
    let out = common::ntm(&[
        "evaluate",
        "scenarios/lam-dong-2025",
        "--catalog",
        "qd51-2025",
    ]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Giả định của ánh xạ (assumptions of the mapping)"),
        "{text}"
    );
}

#[test]
fn an_unknown_group_is_a_located_error_with_a_suggestion() {
    let tmp = variant(&[("communes.csv", &|t: String| {
        t.replace(",1,urban-adjacent", ",nhom l,urban-adjacent")
    })]);
    let err = error_of(tmp.path());
    assert!(err.contains("unknown commune group `nhom l`"), "{err}");
    assert!(err.contains("did you mean"), "{err}");
    assert!(err.contains("line: Some(2)"), "{err}");
}

#[test]
fn a_group_contradicting_the_attributes_is_a_located_error() {
    // Núi Cao is khu vực III (nhóm 3) but the file says nhóm 2.
    let tmp = variant(&[("communes.csv", &|t: String| {
        t.replace(",1,3,ethnic-area-iii", ",1,2,ethnic-area-iii")
    })]);
    let err = error_of(tmp.path());
    assert!(
        err.contains("commune `Xã Núi Cao` is in nhóm 2 in column `group`, but its attributes ethnic-area-iii put it in nhóm 3"),
        "{err}"
    );
    assert!(err.contains("line: Some(4)"), "{err}");
    // Attributes of two groups and no column: the file must say which.
    let tmp = variant(&[("communes.csv", &|t: String| {
        t.replace(",1,3,ethnic-area-iii", ",1,,ethnic-area-iii;new-urban-area")
    })]);
    let err = error_of(tmp.path());
    assert!(err.contains("fit nhóm 1, nhóm 3"), "{err}");
    assert!(err.contains("say which in column `group`"), "{err}");
}

#[test]
fn an_indicator_value_in_the_wrong_unit_is_a_located_error() {
    let tmp = variant(&[("indicators.csv", &|t: String| {
        t.replace(
            "nui-cao,income-per-capita,2026,55,triệu đồng/người",
            "nui-cao,income-per-capita,2026,55000000,đồng/người",
        )
    })]);
    let err = error_of(tmp.path());
    assert!(
        err.contains(
            "`income-per-capita` is measured in triệu đồng/người, this row says đồng/người"
        ),
        "{err}"
    );
    assert!(err.contains("line: Some(4)"), "{err}");
}

#[test]
fn a_threshold_missing_for_the_group_names_the_province_file_that_must_supply_it() {
    // Drop the nhóm 3 income threshold from the province file.
    let tmp = variant(&[("catalog.toml", &|t: String| {
        t.replacen(
            "[[indicators.thresholds]]\ngroup = 3\nvalue = \"45\"\nsource = \"assumption: invented for the example (not QĐ 51)\"\n",
            "",
            1,
        )
    })]);
    let err = error_of(tmp.path());
    assert!(
        err.contains("threshold missing — a province file must supply it: catalog `example-qd51-2025-province` has no threshold of `income-per-capita` for nhóm 3 in 2026"),
        "{err}"
    );
    assert!(err.contains("catalog.toml"), "{err}");
    assert!(err.contains("group = 3"), "{err}");
    assert!(err.contains("line: Some(4)"), "{err}");
}

#[test]
fn a_2021_2025_criterion_id_in_a_qd51_scenario_is_a_located_error() {
    let tmp = variant(&[("communes.csv", &|t: String| {
        t.replacen("c10,group", "c10,c11,group", 1)
            .replace(",1,1,urban", ",1,1,1,urban")
            .replace(",1,,\n", ",1,1,,\n")
            .replace(",1,3,ethnic", ",1,1,3,ethnic")
    })]);
    let err = error_of(tmp.path());
    assert!(err.contains("unknown criterion `c11`"), "{err}");
    assert!(
        err.contains("catalog example-qd51-2025-province has criteria 1..=10"),
        "{err}"
    );
    assert!(
        err.contains("ntm catalog diff qd318-2022 qd51-2025"),
        "{err}"
    );
}

#[test]
fn a_province_file_cannot_redefine_the_national_criteria() {
    let tmp = variant(&[("catalog.toml", &|t: String| {
        t + "\n[[criteria]]\nid = 11\nkey = \"x\"\nname_vi = \"X\"\nname_en = \"X\"\nsource = \"x\"\n"
    })]);
    let err = error_of(tmp.path());
    assert!(
        err.contains("cannot redefine the national criteria of `qd51-2025`"),
        "{err}"
    );
}

#[test]
fn the_plan_document_cites_qd51_and_nq257_as_its_bases() {
    let out = common::ntm(&["draft-plan", "scenarios/example-qd51-2025", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Căn cứ Quyết định số 51/2025/QĐ-TTg ngày 29/12/2025"),
        "{text}"
    );
    assert!(
        text.contains("Căn cứ Nghị quyết số 257/2025/QH15 ngày 11/12/2025"),
        "{text}"
    );
    // The higher tier is the modern-commune pilot, named as the catalog names it.
    assert!(
        text.contains("chưa có xã nông thôn mới hiện đại (thí điểm)"),
        "{text}"
    );
    assert!(!text.contains("nâng cao, kiểu mẫu"), "{text}");
    // The 2021-2025 program decision is not a basis of a 2026-2030 plan.
    assert!(!text.contains("263/QĐ-TTg"), "{text}");
}

#[test]
fn a_raise_of_one_indicator_is_refused_while_another_of_the_same_criterion_misses() {
    // Put poverty under c3 too: at Ven Đô income misses (gap 15) and poverty would be met
    // (0,8 ≤ 1); at Đồng Bằng poverty misses (2,5 > 2) and income is met. Then make Ven Đô's
    // poverty miss as well (1,5 > 1): its income raise can no longer flip c3 alone.
    let tmp = variant(&[
        ("catalog.toml", &|t: String| {
            t.replace("criterion = 6", "criterion = 3")
        }),
        ("indicators.csv", &|t: String| {
            t.replace(
                "ven-do,multidimensional-poverty-rate,2026,\"0,8\"",
                "ven-do,multidimensional-poverty-rate,2026,\"1,5\"",
            )
        }),
    ]);
    let err = error_of(tmp.path());
    assert!(
        err.contains("c3 is also short on multidimensional-poverty-rate at this commune"),
        "{err}"
    );
    assert!(err.contains("projects.csv"), "{err}");
}

#[test]
fn a_group_column_under_a_catalog_without_groups_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    common::copy_scenario("example-3-communes", tmp.path());
    let path = tmp.path().join("communes.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines = text.lines();
    let mut out = format!("{},group\n", lines.next().unwrap());
    for l in lines.filter(|l| !l.trim().is_empty()) {
        out.push_str(&format!("{l},2\n"));
    }
    std::fs::write(&path, out).unwrap();
    let err = error_of(tmp.path());
    assert!(
        err.contains("column `group`: catalog `qd318-2022` has no commune groups"),
        "{err}"
    );
}

// ---- Group targets (số xã nhóm N đạt …) ----------------------------------------------------
//
// The example's communes, one per group, each missing one criterion (scenario.toml's header):
//   Xã Ven Đô    nhóm 1  misses c3   p1 900 closes it
//   Xã Đồng Bằng nhóm 2  misses c6   p2 400 closes it
//   Xã Núi Cao   nhóm 3  misses c2   p3 1.200 closes it
// c6 at baseline: Ven Đô meets it (0,8 ≤ 1), Núi Cao meets it (5 ≤ 6), Đồng Bằng does not
// (2,5 > 2): 2 communes province-wide, 1 in nhóm 1, 0 in nhóm 2, 1 in nhóm 3.

/// The example with the budget and the targets replaced.
fn with_targets(budget: &str, targets: &str) -> tempfile::TempDir {
    let targets = targets.to_string();
    let budget = budget.to_string();
    variant(&[("scenario.toml", &move |t: String| {
        let head = t.split("[[targets]]").next().unwrap().to_string();
        head.replace("\"2027\" = \"2.500\"", &format!("\"2027\" = \"{budget}\"")) + &targets
    })])
}

fn funded(p: &ntm::plan::Plan) -> Vec<String> {
    let mut ids: Vec<String> = p.projects.iter().map(|f| f.id.clone()).collect();
    ids.sort();
    ids
}

#[test]
fn a_group_target_forces_the_project_in_that_groups_commune() {
    // Budget 1.300. Without a group target the objective (most communes at standard) takes
    // p1 + p2 = 900 + 400 = 1.300: Ven Đô and Đồng Bằng reach standard, 2 communes. p3 alone
    // (1.200) would give 1, and p3 + anything exceeds 1.300.
    let plain = with_targets(
        "1.300",
        "[[targets]]\nyear = 2027\ntier = \"standard\"\ncommunes = 1\nsource = \"test\"\n",
    );
    let s = Scenario::load(plain.path()).unwrap();
    let p = plan(&s, &PlanOptions::default()).unwrap();
    assert_eq!(funded(&p), ["p1", "p2"]);
    assert_eq!(p.after.summary.standard, 2);

    // "Số xã nhóm 3 đạt chuẩn: 1": Núi Cao is the only commune of nhóm 3 and needs p3 (1.200);
    // the 100 left pays for neither p1 nor p2. So p3 alone: 1 commune at standard, in nhóm 3.
    let grouped = with_targets(
        "1.300",
        "[[targets]]\nyear = 2027\ntier = \"standard\"\ngroup = 3\ncommunes = 1\nsource = \"test\"\n",
    );
    let s = Scenario::load(grouped.path()).unwrap();
    let p = plan(&s, &PlanOptions::default()).unwrap();
    assert_eq!(funded(&p), ["p3"]);
    assert_eq!(p.after.summary.standard, 1);
    let t = &p.targets[0];
    assert_eq!(t.name_vi, "xã nhóm 3 đạt chuẩn");
    assert_eq!(
        (t.target, t.achieved, t.shortfall),
        (d("1"), d("1"), d("0"))
    );
}

#[test]
fn a_group_count_runs_over_that_groups_communes_only() {
    // Budget 2.500: every project is affordable. c6 with group 1: Ven Đô only, 1 (Núi Cao's c6
    // does not count). c6 with group 2: Đồng Bằng only, 0 at baseline, 1 once p2 is funded.
    // Without a group: 2 at baseline, 3 after.
    let tmp = with_targets(
        "2.500",
        "[[targets]]\nyear = 2027\ncriterion = 6\ngroup = 1\ncommunes = 1\nsource = \"test\"\n\
         [[targets]]\nyear = 2027\ncriterion = 6\ngroup = \"nhóm 2\"\ncommunes = 1\nsource = \"test\"\n\
         [[targets]]\nyear = 2027\ncriterion = 6\ncommunes = 3\nsource = \"test\"\n",
    );
    let s = Scenario::load(tmp.path()).unwrap();
    let e = evaluate(&s);
    let g = |n: u8| CommuneGroup::from_number(n).unwrap();
    assert_eq!(
        (
            e.group_met(g(1), Some(6)),
            e.group_met(g(2), Some(6)),
            e.group_met(g(3), Some(6))
        ),
        (1, 0, 1)
    );
    let p = plan(&s, &PlanOptions::default()).unwrap();
    assert!(funded(&p).contains(&"p2".to_string()));
    let achieved: Vec<(String, Decimal)> = p
        .targets
        .iter()
        .map(|t| (t.name_vi.clone(), t.achieved))
        .collect();
    let c6 = "đạt tiêu chí số 6 (Giảm nghèo và an sinh xã hội)";
    assert_eq!(
        achieved,
        [
            (format!("xã nhóm 1 {c6}"), d("1")),
            (format!("xã nhóm 2 {c6}"), d("1")),
            (format!("xã {c6}"), d("3")),
        ]
    );
    assert_eq!(
        p.targets[0].name,
        "group 1: c6 Poverty reduction & social security"
    );
}

#[test]
fn a_group_target_beyond_its_groups_communes_is_out_of_reach_and_audited() {
    // Nhóm 2 has one commune: "2 communes of nhóm 2 meet c6" cannot hold with any money.
    let tmp = with_targets(
        "2.500",
        "[[targets]]\nyear = 2027\ncriterion = 6\ngroup = 2\ncommunes = 2\nsource = \"test\"\n",
    );
    let s = Scenario::load(tmp.path()).unwrap();
    let p = plan(&s, &PlanOptions::default()).unwrap();
    assert_eq!(
        (p.targets[0].achieved, p.targets[0].shortfall),
        (d("1"), d("1"))
    );
    let a = ntm::audit::audit(&s);
    let json = serde_json::to_string(&a).unwrap();
    assert!(json.contains("target-group-communes"), "{json}");
    assert!(json.contains("but group 2 has 1"), "{json}");
    assert!(json.contains("targets.2027.group2.c6"), "{json}");
}

#[test]
fn an_unknown_group_in_a_target_is_a_located_error_with_a_suggestion() {
    let tmp = with_targets(
        "2.500",
        "[[targets]]\nyear = 2027\ncriterion = 6\ngroup = \"nhm 2\"\ncommunes = 1\nsource = \"test\"\n",
    );
    let err = error_of(tmp.path());
    assert!(err.contains("unknown commune group `nhm 2`"), "{err}");
    assert!(err.contains("did you mean `nhóm 2`"), "{err}");
    assert!(err.contains("scenario.toml"), "{err}");
    // The line of `group` in the file written above.
    let text = std::fs::read_to_string(tmp.path().join("scenario.toml")).unwrap();
    let line = text.lines().position(|l| l.starts_with("group =")).unwrap() + 1;
    assert!(err.contains(&format!("line: Some({line})")), "{err}");
}

#[test]
fn a_group_target_on_a_kind_not_counted_per_group_is_an_error() {
    let tmp = with_targets(
        "2.500",
        "[[targets]]\nyear = 2027\nband = \"10\"\ngroup = 2\ncommunes = 1\nsource = \"test\"\n",
    );
    let err = error_of(tmp.path());
    assert!(
        err.contains("a group is counted only on a criterion, an indicator or a tier"),
        "{err}"
    );
}

#[test]
fn a_group_target_under_a_catalog_without_groups_is_an_error() {
    // The hand-made QĐ 318 fixture has no commune groups.
    let src = Path::new("tests/fixtures/evaluate-small");
    let tmp = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(src).unwrap().flatten() {
        let mut text = std::fs::read_to_string(entry.path()).unwrap();
        if entry.file_name() == "scenario.toml" {
            text.push_str(
                "\n[[targets]]\nyear = 2023\ncriterion = 2\ngroup = 2\ncommunes = 1\nsource = \"test\"\n",
            );
        }
        std::fs::write(tmp.path().join(entry.file_name()), text).unwrap();
    }
    let err = error_of(tmp.path());
    assert!(err.contains("has no commune groups"), "{err}");
}

#[test]
fn the_plan_document_names_the_group_of_a_group_target_and_counts_out_of_it() {
    // The example's group target: c6 in nhóm 2, whose one commune (Đồng Bằng, poverty 2,5 > 2)
    // misses it at baseline: 0/1 in 2026, 1/1 once p2 is funded. Province-wide c6 is 2/3.
    let out = common::ntm(&["draft-plan", "scenarios/example-qd51-2025"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(
            "Tiêu chí số 6 về Giảm nghèo và an sinh xã hội (xã nhóm 2): có thêm 1 xã đạt chuẩn, nâng tổng số lên 1/1 xã (năm 2026 có 0/1 xã)."
        ),
        "{text}"
    );
    // `ntm plan` names the group in its targets table.
    let out = common::ntm(&["plan", "scenarios/example-qd51-2025"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("xã nhóm 2 đạt tiêu chí số 6 (Giảm nghèo và an sinh xã hội)"),
        "{text}"
    );
}

// ---- Indicator targets (số xã đạt chỉ tiêu …) ----------------------------------------------
//
// Baseline, from the example's invented thresholds (income ≥ 70 / 60 / 45, poverty ≤ 1 / 2 / 6):
//   income-per-capita:            Ven Đô 55 < 70 no; Đồng Bằng 62 ≥ 60 yes; Núi Cao 55 ≥ 45 yes → 2
//   multidimensional-poverty-rate: Ven Đô 0,8 ≤ 1 yes; Đồng Bằng 2,5 > 2 no; Núi Cao 5 ≤ 6 yes → 2
// A commune meets an indicator when its value does, or once its criterion is met (p1 closes Ven
// Đô's income gap, c3; p2 Đồng Bằng's poverty gap, c6).

#[test]
fn an_indicator_target_funds_the_project_that_closes_that_indicator() {
    // Least state money: "3 communes meet income" needs Ven Đô's p1 (900); "1 commune of nhóm 2
    // meets poverty" needs Đồng Bằng's p2 (400); "1 commune of nhóm 3 meets income" holds at
    // baseline (Núi Cao 55 ≥ 45), so p3 (1.200, c2) is not funded. Total 1.300.
    let tmp = with_targets(
        "2.500",
        "[[targets]]\nyear = 2027\nindicator = \"income-per-capita\"\ncommunes = 3\nsource = \"test\"\n\
         [[targets]]\nyear = 2027\nindicator = \"multidimensional-poverty-rate\"\ngroup = 2\ncommunes = 1\nsource = \"test\"\n\
         [[targets]]\nyear = 2027\nindicator = \"income-per-capita\"\ngroup = 3\ncommunes = 1\nsource = \"test\"\n",
    );
    let s = Scenario::load(tmp.path()).unwrap();
    let e = evaluate(&s);
    assert_eq!(e.indicator_met("income-per-capita", None), 2);
    assert_eq!(e.indicator_met("multidimensional-poverty-rate", None), 2);
    assert_eq!(
        e.indicator_met(
            "multidimensional-poverty-rate",
            CommuneGroup::from_number(2)
        ),
        0
    );
    let options = PlanOptions {
        objective: ntm::plan::Objective::MinCost,
        ..PlanOptions::default()
    };
    let p = plan(&s, &options).unwrap();
    assert_eq!(funded(&p), ["p1", "p2"]);
    let got: Vec<(String, Decimal, Decimal)> = p
        .targets
        .iter()
        .map(|t| (t.name_vi.clone(), t.target, t.achieved))
        .collect();
    assert_eq!(
        got,
        [
            (
                "xã đạt chỉ tiêu Thu nhập bình quân đầu người".to_string(),
                d("3"),
                d("3")
            ),
            (
                "xã nhóm 2 đạt chỉ tiêu Tỷ lệ nghèo đa chiều".to_string(),
                d("1"),
                d("1")
            ),
            (
                "xã nhóm 3 đạt chỉ tiêu Thu nhập bình quân đầu người".to_string(),
                d("1"),
                d("1")
            ),
        ]
    );
}

#[test]
fn an_unknown_indicator_in_a_target_is_a_located_error_with_a_suggestion() {
    let tmp = with_targets(
        "2.500",
        "[[targets]]\nyear = 2027\nindicator = \"income-per-capta\"\ncommunes = 1\nsource = \"test\"\n",
    );
    let err = error_of(tmp.path());
    assert!(
        err.contains("unknown indicator `income-per-capta`"),
        "{err}"
    );
    assert!(err.contains("did you mean `income-per-capita`"), "{err}");
    let text = std::fs::read_to_string(tmp.path().join("scenario.toml")).unwrap();
    let line = text
        .lines()
        .position(|l| l.starts_with("indicator ="))
        .unwrap()
        + 1;
    assert!(err.contains(&format!("line: Some({line})")), "{err}");
}
