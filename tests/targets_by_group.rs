//! `ntm targets` on the QĐ 51 example (scenarios/example-qd51-2025): targets drafted per commune
//! group (số xã nhóm N đạt chuẩn / đạt tiêu chí …) and per indicator (số xã đạt chỉ tiêu …), in
//! the report, in `--json` and in the drafted `[[targets]]` TOML with `group = N`.
//!
//! The example (every figure and threshold invented, see its scenario.toml): Ven Đô is nhóm 1 and
//! misses c3 (income 55 < 70), Đồng Bằng is nhóm 2 and misses c6 (poverty 2,5 > 2), Núi Cao is
//! nhóm 3 and misses c2 (column). p1 (900) closes Ven Đô's income gap, p2 (400) Đồng Bằng's
//! poverty gap, p3 (1.200) Núi Cao's c2. Income: Ven Đô misses, Đồng Bằng (62 ≥ 60) and Núi Cao
//! (55 ≥ 45) meet: 2 of 3. Poverty: Ven Đô (0,8 ≤ 1) and Núi Cao (5 ≤ 6) meet, Đồng Bằng misses:
//! 2 of 3.
//!
//! With 1.300 of money: p1 + p2 = 1.300 brings 2 communes to standard; p3 alone (1.200) brings 1
//! and leaves 100, too little for p1 or p2. So the plan is p1 + p2, and by hand:
//!   province: standard 0 → 2; c3 2 → 3; c6 2 → 3; c2 stays 2; income 2 → 3; poverty 2 → 3
//!   nhóm 1 (Ven Đô):     standard 0 → 1, c3 0 → 1, income 0 → 1, poverty 1 → 1
//!   nhóm 2 (Đồng Bằng):  standard 0 → 1, c6 0 → 1, poverty 0 → 1, income 1 → 1
//!   nhóm 3 (Núi Cao):    standard 0 → 0, c2 0 → 0, income 1 → 1, poverty 1 → 1

mod common;

use rust_decimal::Decimal;

use ntm::catalog::{CommuneGroup, TierId};
use ntm::scenario::{Scenario, TargetKind};
use ntm::whatif::drafting::{draft, DraftOptions, DraftTarget, Drafting};

const EXAMPLE: &str = "scenarios/example-qd51-2025";

/// A copy of the example with its 2027 budget set to `budget` and its own targets replaced by
/// `targets`.
fn example(budget: &str, targets: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(common::repo().join(EXAMPLE))
        .unwrap()
        .flatten()
    {
        let name = entry.file_name().into_string().unwrap();
        let mut text = std::fs::read_to_string(entry.path()).unwrap();
        if name == "scenario.toml" {
            let head = text.split("[[targets]]").next().unwrap().to_string();
            text =
                head.replace("\"2027\" = \"2.500\"", &format!("\"2027\" = \"{budget}\"")) + targets;
        }
        std::fs::write(tmp.path().join(&name), text).unwrap();
    }
    tmp
}

fn drafted(budget: &str) -> Drafting {
    let dir = example(budget, "");
    let s = Scenario::load(dir.path()).unwrap();
    draft(&s, &DraftOptions::default()).unwrap()
}

fn find<'a>(d: &'a Drafting, kind: &TargetKind, group: Option<u8>) -> &'a DraftTarget {
    let group = group.map(|n| CommuneGroup::from_number(n).unwrap());
    d.targets
        .iter()
        .find(|t| t.kind == *kind && t.group == group)
        .unwrap_or_else(|| panic!("no drafted target {kind:?} of group {group:?}"))
}

fn counts(d: &Drafting, kind: TargetKind, group: Option<u8>) -> (Decimal, Decimal) {
    let t = find(d, &kind, group);
    (t.baseline, t.achievable)
}

fn n(v: u32) -> Decimal {
    Decimal::from(v)
}

const STANDARD: TargetKind = TargetKind::Tier {
    tier: TierId::Standard,
};

fn criterion(c: u8) -> TargetKind {
    TargetKind::Criterion { criterion: c }
}

fn indicator(id: &str) -> TargetKind {
    TargetKind::Indicator {
        indicator: id.into(),
    }
}

#[test]
fn targets_are_drafted_per_commune_group_with_what_the_money_reaches() {
    let d = drafted("1.300");
    // Province-wide, as before.
    assert_eq!(counts(&d, STANDARD, None), (n(0), n(2)));
    assert_eq!(counts(&d, criterion(3), None), (n(2), n(3)));
    assert_eq!(counts(&d, criterion(6), None), (n(2), n(3)));
    assert_eq!(counts(&d, criterion(2), None), (n(2), n(2)));
    // Per group: the standard tier.
    assert_eq!(counts(&d, STANDARD, Some(1)), (n(0), n(1)));
    assert_eq!(counts(&d, STANDARD, Some(2)), (n(0), n(1)));
    assert_eq!(counts(&d, STANDARD, Some(3)), (n(0), n(0)));
    // Per group: the criteria each group's commune misses.
    assert_eq!(counts(&d, criterion(3), Some(1)), (n(0), n(1)));
    assert_eq!(counts(&d, criterion(6), Some(2)), (n(0), n(1)));
    assert_eq!(counts(&d, criterion(2), Some(3)), (n(0), n(0)));
    // ... and one each group's commune meets all along.
    assert_eq!(counts(&d, criterion(6), Some(1)), (n(1), n(1)));
    assert_eq!(counts(&d, criterion(3), Some(2)), (n(1), n(1)));
    // Each group has 1 commune: a standard target, 10 criteria and 2 indicators = 13 rows.
    for g in CommuneGroup::ALL {
        assert_eq!(
            d.targets.iter().filter(|t| t.group == Some(g)).count(),
            13,
            "group {g:?}"
        );
    }
    // The phrases count out of the group's communes.
    let t = find(&d, &STANDARD, Some(1));
    assert_eq!(
        t.phrase_vi,
        "Số xã nhóm 1 đạt chuẩn nông thôn mới: thêm 1 xã, nâng tổng số lên 1/1 xã"
    );
    assert_eq!(
        t.phrase_en,
        "Group 1 communes at standard: 1 more commune, 1/1 in total"
    );
    let t = find(&d, &criterion(2), Some(3));
    assert_eq!(
        t.phrase_vi,
        "Số xã nhóm 3 đạt tiêu chí số 2 (Hạ tầng kinh tế - xã hội): giữ vững 0/1 xã"
    );
    // Province-wide rows come first, then nhóm 1, 2, 3.
    let order: Vec<Option<u8>> = d
        .targets
        .iter()
        .map(|t| t.group.map(|g| g.number()))
        .collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted);
}

#[test]
fn indicator_targets_are_drafted_province_wide_and_per_group() {
    let d = drafted("1.300");
    let income = indicator("income-per-capita");
    let poverty = indicator("multidimensional-poverty-rate");
    assert_eq!(counts(&d, income.clone(), None), (n(2), n(3)));
    assert_eq!(counts(&d, poverty.clone(), None), (n(2), n(3)));
    assert_eq!(counts(&d, income.clone(), Some(1)), (n(0), n(1)));
    assert_eq!(counts(&d, income.clone(), Some(2)), (n(1), n(1)));
    assert_eq!(counts(&d, income.clone(), Some(3)), (n(1), n(1)));
    assert_eq!(counts(&d, poverty.clone(), Some(1)), (n(1), n(1)));
    assert_eq!(counts(&d, poverty.clone(), Some(2)), (n(0), n(1)));
    assert_eq!(counts(&d, poverty, Some(3)), (n(1), n(1)));
    assert_eq!(
        find(&d, &income, None).phrase_vi,
        "Số xã đạt chỉ tiêu Thu nhập bình quân đầu người (tiêu chí số 3): thêm 1 xã, nâng tổng số lên 3/3 xã"
    );
    assert_eq!(
        find(&d, &income, Some(1)).phrase_en,
        "Group 1 communes meeting indicator Income per person (criterion 3): 1 more commune, 1/1 in total"
    );
}

#[test]
fn the_whole_budget_reaches_every_group() {
    // 2.500 = 900 + 400 + 1.200: every project, every commune at standard, each group 1/1.
    let d = drafted("2.500");
    for g in 1..=3 {
        assert_eq!(counts(&d, STANDARD, Some(g)), (n(0), n(1)), "nhóm {g}");
    }
    assert_eq!(counts(&d, criterion(2), Some(3)), (n(0), n(1)));
}

#[test]
fn the_drafted_toml_writes_group_targets_that_load_and_hold_together() {
    let d = drafted("1.300");
    // The group standard target of nhóm 2 as written.
    assert!(
        d.toml
            .contains("[[targets]]\nyear = 2027\ntier = \"standard\"\ncommunes = 1\ngroup = 2\n"),
        "{}",
        d.toml
    );
    assert!(d.toml.contains(
        "[[targets]]\nyear = 2027\nindicator = \"income-per-capita\"\ncommunes = 1\ngroup = 1\n"
    ));
    assert!(d
        .toml
        .contains("[[targets]]\nyear = 2027\ncriterion = 2\ncommunes = 0\ngroup = 3\n"));
    // Pasted into the scenario, every drafted target loads and the plan on the same money
    // meets them all (they come from one plan).
    let dir = example("1.300", &d.toml);
    let s = Scenario::load(dir.path()).unwrap();
    assert_eq!(s.targets.len(), d.targets.len());
    assert_eq!(s.targets.iter().filter(|t| t.group.is_some()).count(), 39);
    let p = ntm::plan::plan(&s, &ntm::plan::PlanOptions::default()).unwrap();
    assert!(p.status.meets_all_targets(), "{:?}", p.status);
    let mut funded: Vec<&str> = p.projects.iter().map(|f| f.id.as_str()).collect();
    funded.sort();
    assert_eq!(funded, ["p1", "p2"]);
}

#[test]
fn targets_json_and_report_name_the_group() {
    let dir = example("1.300", "");
    let path = dir.path().to_str().unwrap().to_string();
    let out = common::ntm(&["targets", path.as_str(), "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = common::json(&out);
    let rows = v["targets"].as_array().unwrap();
    let row = rows
        .iter()
        .find(|t| t["group"] == 2 && t["criterion"] == 6)
        .expect("a nhóm 2 c6 row");
    assert_eq!(row["baseline"], "0");
    assert_eq!(row["achievable"], "1");
    // Province-wide rows carry no group.
    assert!(rows
        .iter()
        .any(|t| t.get("group").is_none() && t["tier"] == "standard"));
    let out = common::ntm(&["targets", path.as_str()]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Nhóm xã (commune group)"));
    assert!(text.contains("nhóm 3 (group 3)"));
    assert!(text.contains("toàn tỉnh (province)"));
}

#[test]
fn a_catalog_without_groups_drafts_no_group_targets() {
    // scenarios/example-3-communes (QĐ 318 set): no commune groups, no group rows, no Nhóm xã column.
    let s = Scenario::load(&common::repo().join("scenarios/example-3-communes")).unwrap();
    let d = draft(&s, &DraftOptions::default()).unwrap();
    assert!(d.targets.iter().all(|t| t.group.is_none()));
    assert!(!d.toml.contains("group ="));
    let text = ntm::report::render_drafting(&d, ntm::number::NumberStyle::Vietnamese);
    assert!(!text.contains("Nhóm xã"));
}

#[test]
fn the_workbook_lists_group_targets_by_commune_group_in_both_languages() {
    use ntm::xlsx::{drafting_sheet, evaluation_sheets, CellValue};
    let cell = |c: &CellValue| match c {
        CellValue::Text(t) => t.clone(),
        CellValue::Number(n) => n.normalize().to_string(),
        CellValue::Empty => String::new(),
    };
    // The example's own targets: a nhóm 2 c6 target (0 of 1 now) written after the
    // province-wide standard target (0 of 3 now) — rows come province-wide first.
    let s = Scenario::load(&common::repo().join(EXAMPLE)).unwrap();
    let sheets = evaluation_sheets(&ntm::evaluate::evaluate(&s), &s);
    let sheet = sheets
        .iter()
        .find(|x| x.name == "Chỉ tiêu (targets)")
        .unwrap();
    let headers: Vec<String> = sheet.columns.iter().map(|c| c.header()).collect();
    assert_eq!(headers[2], "Nhóm xã\nCommune group");
    let rows: Vec<Vec<String>> = sheet
        .rows
        .iter()
        .map(|r| r.iter().map(cell).collect())
        .collect();
    assert_eq!(rows[0][2], "toàn tỉnh (province)");
    assert_eq!(rows[1][2], "nhóm 2 (group 2)");
    assert_eq!(
        rows[1][3],
        "xã nhóm 2 đạt tiêu chí số 6 (Giảm nghèo và an sinh xã hội)"
    );
    assert!(rows[1][4].starts_with("group 2: c6"), "{}", rows[1][4]);
    assert_eq!((rows[1][5].as_str(), rows[1][6].as_str()), ("1", "0"));

    // The drafted targets' sheet: the group column first, then now and achievable.
    let d = drafted("1.300");
    let sheet = drafting_sheet(&d);
    assert_eq!(sheet.columns[0].header(), "Nhóm xã\nCommune group");
    let row = sheet
        .rows
        .iter()
        .map(|r| r.iter().map(cell).collect::<Vec<_>>())
        .find(|r| r[4].starts_with("Số xã nhóm 3 đạt chuẩn"))
        .unwrap();
    assert_eq!(row[0], "nhóm 3 (group 3)");
    assert_eq!((row[1].as_str(), row[2].as_str()), ("0", "0"));
}

/// The example with the modern-commune pilot (QĐ 51 Phụ lục II, the catalog's second tier,
/// machine id `advanced`) recorded in columns a1..a10: Ven Đô (nhóm 1) and Núi Cao (nhóm 3)
/// meet all ten (invented), Đồng Bằng (nhóm 2) none. A commune is at the pilot tier once it is
/// at standard and meets all ten, so nobody is now (each misses one standard criterion).
fn with_pilot(budget: &str, targets: &str) -> tempfile::TempDir {
    let dir = example(budget, targets);
    let path = dir.path().join("communes.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines = text.lines();
    let mut out = format!("{},a1,a2,a3,a4,a5,a6,a7,a8,a9,a10\n", lines.next().unwrap());
    for line in lines {
        let flag = if line.starts_with("dong-bang") {
            "0"
        } else {
            "1"
        };
        out.push_str(&format!("{line}{}\n", format!(",{flag}").repeat(10)));
    }
    std::fs::write(&path, out).unwrap();
    dir
}

#[test]
fn a_group_target_on_the_pilot_tier_counts_that_groups_communes_and_forces_its_project() {
    // "Số xã nhóm 3 đạt NTM hiện đại ≥ 1" with 1.300: only Núi Cao (nhóm 3) can count; it
    // needs p3 (1.200) to reach standard, then it meets a1..a10. The 100 left pays for neither
    // p1 (900) nor p2 (400). Without the target the plan would be p1 + p2 (2 at standard).
    let dir = with_pilot(
        "1.300",
        "[[targets]]\nyear = 2027\ntier = \"advanced\"\ngroup = 3\ncommunes = 1\nsource = \"test\"\n",
    );
    let s = Scenario::load(dir.path()).unwrap();
    let before = ntm::evaluate::evaluate(&s);
    let g = |n| CommuneGroup::from_number(n).unwrap();
    assert_eq!(before.group_at(g(3), TierId::Advanced), 0);
    let p = ntm::plan::plan(&s, &ntm::plan::PlanOptions::default()).unwrap();
    let funded: Vec<&str> = p.projects.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(funded, ["p3"]);
    assert_eq!(p.after.group_at(g(3), TierId::Advanced), 1);
    assert_eq!(p.after.group_at(g(1), TierId::Advanced), 0);
    let t = &p.targets[0];
    assert_eq!((t.target, t.achieved, t.shortfall), (n(1), n(1), n(0)));
}

#[test]
fn the_group_summary_counts_each_tier() {
    // 2.500 funds p1, p2, p3: all three at standard; Ven Đô (nhóm 1) and Núi Cao (nhóm 3) meet
    // a1..a10, so they are at the pilot tier too; Đồng Bằng (nhóm 2) is not.
    let dir = with_pilot("2.500", "");
    let s = Scenario::load(dir.path()).unwrap();
    let p = ntm::plan::plan(&s, &ntm::plan::PlanOptions::default()).unwrap();
    let tiers: Vec<(u8, usize, usize, usize)> = p
        .after
        .groups
        .iter()
        .map(|g| (g.group.number(), g.standard, g.advanced, g.model))
        .collect();
    assert_eq!(tiers, [(1, 1, 1, 0), (2, 1, 0, 0), (3, 1, 1, 0)]);
    assert_eq!(p.after.summary.advanced, 2);
}

#[test]
fn a_group_on_a_band_is_still_refused_saying_what_is_counted_per_group() {
    let dir = example(
        "2.500",
        "[[targets]]\nyear = 2027\nmin_criteria = 9\ngroup = 1\ncommunes = 1\nsource = \"test\"\n",
    );
    let err = match Scenario::load(dir.path()) {
        Ok(_) => panic!("loads"),
        Err(e) => format!("{e:?}"),
    };
    assert!(
        err.contains("a group is counted only on a criterion, an indicator or a tier"),
        "{err}"
    );
    assert!(err.contains("scenario.toml"), "{err}");
}
