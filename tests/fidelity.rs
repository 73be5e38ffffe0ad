//! Fidelity: the shipped scenarios read as the documents write them. Each test names the
//! document and section and asserts the corrected reading (issue 9, "a line-by-line reading").

use std::path::{Path, PathBuf};

use rust_decimal::Decimal;

use ntm::audit::{audit, Severity};
use ntm::catalog::TierId;
use ntm::evaluate::evaluate;
use ntm::rules::Rule;
use ntm::scenario::{BudgetKind, Scenario, SourceKind, Target, TargetKind};

fn seed_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name)
}

fn load(name: &str) -> Scenario {
    Scenario::load(&seed_dir(name)).expect("seed loads")
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn targets<'a>(s: &'a Scenario, kind: &TargetKind) -> Vec<&'a Target> {
    s.targets.iter().filter(|t| &t.kind == kind).collect()
}

fn criterion(id: u8) -> TargetKind {
    TargetKind::Criterion { criterion: id }
}

fn tier(tier: TierId) -> TargetKind {
    TargetKind::Tier { tier }
}

// ---- Lạng Sơn (seeds/001) ----

#[test]
fn lang_son_advanced_target_is_five_more_in_2022() {
    // §I.1 "xây dựng 05 xã đạt chuẩn nông thôn mới nâng cao": 5 built in 2022, on top of the
    // (unpublished) end-2021 stock. The synthetic matrix holds 0 advanced communes, so 0 + 5.
    let s = load("lang-son-2022");
    let advanced = targets(&s, &tier(TierId::Advanced));
    assert_eq!(advanced.len(), 1);
    let t = advanced[0];
    assert_eq!(t.added, Some(5));
    assert!(t.source.contains("5 MORE in 2022"), "{}", t.source);
    let e = evaluate(&s);
    assert_eq!(e.summary.advanced, 0);
    assert_eq!(t.value, Decimal::from(e.summary.advanced + 5));
    // "xây dựng 10 xã đạt chuẩn …, nâng tổng số … lên 85 xã": 75 + 10.
    let standard = targets(&s, &tier(TierId::Standard));
    assert_eq!((standard[0].value, standard[0].added), (d("85"), Some(10)));
    // c2: "có thêm 12 xã …, nâng tổng số xã đạt tiêu chí lên 102/181".
    let c2 = targets(&s, &criterion(2));
    assert_eq!((c2[0].value, c2[0].added), (d("102"), Some(12)));
    // The audit checks every increase against the baseline, and all hold.
    let a = audit(&s);
    assert!(!a.findings.iter().any(|f| f.check == "target-added"));
    assert_eq!(
        a.passed
            .iter()
            .filter(|p| p.check == "target-added")
            .count(),
        17
    );
}

#[test]
fn lang_son_direct_budget_is_central_and_local_and_every_figure_is_a_need() {
    // §III.1: "640 tỷ đồng chiếm 13,4% (bao gồm Vốn ngân sách Trung ương, Vốn ngân sách địa
    // phương)"; §III: "Tổng nhu cầu các nguồn vốn … là 4.760 tỷ đồng".
    let s = load("lang-son-2022");
    let direct = s.capital_sources.iter().find(|c| c.id == "direct").unwrap();
    assert_eq!(direct.kind, SourceKind::StateBudget);
    assert_ne!(direct.kind, SourceKind::Local);
    assert!(direct.kind.is_state_budget());
    assert_eq!(direct.budget_in(2022), d("640000"));
    assert!(s
        .capital_sources
        .iter()
        .all(|c| c.budget_kind == BudgetKind::Need));
    let a = audit(&s);
    let need = a
        .findings
        .iter()
        .find(|f| f.check == "funding-need")
        .unwrap();
    assert_eq!(need.severity, Severity::Info);
    assert!(need
        .message
        .contains("direct, integrated, enterprise, credit, community"));
}

#[test]
fn lang_son_keeps_its_income_target_and_the_other_stated_targets() {
    let s = load("lang-son-2022");
    let stated = |id: &str| s.stated_targets.iter().find(|t| t.id == id).unwrap();
    // §I.2 tiêu chí số 10: "thu nhập bình quân khu vực nông thôn đạt 26,86 triệu đồng/người".
    let income = stated("income-per-capita");
    assert_eq!(income.value.0, d("26.86"));
    assert_eq!(income.unit, "triệu đồng/người");
    assert_eq!(income.year, 2022);
    // §I.2 tiêu chí số 11: "giảm tỷ lệ hộ nghèo từ 3% trở lên"; số 14: lao động qua đào tạo 50%.
    assert_eq!(stated("poverty-reduction").value.0, d("3"));
    assert_eq!(stated("trained-labour").value.0, d("50"));
    // §I.1: 20 border communes at 15-15,5 criteria; OCOP at least 15 products.
    assert_eq!(stated("border-communes-average").value.0, d("15"));
    assert_eq!(stated("ocop-products").value.0, d("15"));
    // §I.2 tiêu chí số 5: 17 new national-standard schools; số 3: 35.500 ha irrigated.
    assert_eq!(stated("national-standard-schools").value.0, d("17"));
    assert_eq!(stated("irrigated-area").value.0, d("35500"));
    assert_eq!(s.stated_targets.len(), 15);
    // The audit lists them, so none is lost from sight.
    let a = audit(&s);
    let f = a
        .findings
        .iter()
        .find(|f| f.check == "target-stated")
        .unwrap();
    assert_eq!(f.figures.len(), 15);
    assert!(f
        .figures
        .iter()
        .any(|x| x.value == "26.86" && x.unit == "triệu đồng/người"));
}

// ---- Lâm Đồng (seeds/004) ----

#[test]
fn lam_dong_all_communes_at_standard_by_end_2024() {
    // §III.2: "Đến hết năm 2024, có 100% số xã, huyện đạt các tiêu chí về xã NTM".
    let s = load("lam-dong-2025");
    let standard = targets(&s, &tier(TierId::Standard));
    assert_eq!(standard.len(), 1);
    assert_eq!((standard[0].year, standard[0].value), (2024, d("111")));
}

#[test]
fn lam_dong_firm_advanced_target_is_at_least_40_percent() {
    // §II.2: "ít nhất 40% số xã đạt chuẩn NTM nâng cao … (khoảng 47 xã nâng cao …)":
    // 40 % × 111 = 44,4 → 45 is the target; 47 is the estimate.
    let s = load("lam-dong-2025");
    let advanced = targets(&s, &tier(TierId::Advanced));
    assert_eq!(advanced.len(), 1);
    assert_eq!((advanced[0].year, advanced[0].value), (2025, d("45")));
    assert_eq!((d("0.4") * d("111")).ceil(), d("45"));
    let estimate = s
        .stated_targets
        .iter()
        .find(|t| t.id == "advanced-estimate")
        .unwrap();
    assert_eq!(estimate.value.0, d("47"));
    assert!(estimate.label.contains("khoảng 47"));
}

#[test]
fn lam_dong_yearly_milestones_2022_to_2025() {
    let s = load("lam-dong-2025");
    let due = |id: u8| {
        let t = targets(&s, &criterion(id));
        assert_eq!(t.len(), 1, "c{id}");
        (t[0].year, t[0].value)
    };
    // §III.1: 2023, 100 % commune planning.
    assert_eq!(due(1), (2023, d("111")));
    // §III.2: 2024, transport, irrigation, electricity.
    for c in [2, 3, 4] {
        assert_eq!(due(c), (2024, d("111")), "c{c}");
    }
    // §III.3-§III.10: 2025, the other criteria named there.
    for c in 9..=19 {
        assert_eq!(due(c), (2025, d("111")), "c{c}");
    }
    // §III.1: end-2022, district planning (stated, not a commune count).
    let years: Vec<u16> = s.stated_targets.iter().map(|t| t.year).collect();
    for y in [2022, 2023, 2025] {
        assert!(years.contains(&y), "{y}");
    }
}

// ---- Mường Tè (seeds/002) ----

#[test]
fn muong_te_all_thirteen_communes_are_especially_difficult() {
    // §II.2: "18 bản) của 13 xã đặc biệt khó khăn".
    let s = load("muong-te-2021-2025");
    assert_eq!(s.communes.len(), 13);
    assert!(s
        .communes
        .iter()
        .all(|c| c.attributes.contains("difficult")));
}

#[test]
fn muong_te_keeps_2258_dong_as_printed_and_the_audit_shows_the_slip() {
    // §VI: "Vốn huy động: 2.258 đồng"; the total 608.989 triệu đồng holds only with 2.258 triệu.
    let s = load("muong-te-2021-2025");
    let f = s
        .published
        .funding
        .iter()
        .find(|f| f.id == "enterprise")
        .unwrap();
    assert_eq!(f.amount.0, d("2258"));
    assert_eq!(f.unit.as_deref(), Some("đồng"));
    assert_eq!(f.corrected_amount.unwrap().0, d("2258000000"));
    let a = audit(&s);
    let parts = a
        .findings
        .iter()
        .find(|f| f.check == "funding-parts")
        .unwrap();
    // 30.614 + 3.514 + 567.945 + 0 + 0,002258 + 4.658 = 606.731,002258 ≠ 608.989.
    assert!(
        parts.message.contains("606,731.002258"),
        "{}",
        parts.message
    );
    assert!(parts
        .arithmetic
        .iter()
        .any(|l| l.contains("corrected readings of the parts: 608,989")));
    // The planner's budget reads it as 2.258 million, recorded as the corrected reading.
    let enterprise = s
        .capital_sources
        .iter()
        .find(|c| c.id == "enterprise")
        .unwrap();
    assert_eq!(enterprise.budget_in(2025), d("2258"));
    assert!(!a.findings.iter().any(|f| f.check == "funding-budget"));
    assert!(s
        .capital_sources
        .iter()
        .all(|c| c.budget_kind == BudgetKind::Need));
}

#[test]
fn muong_te_planning_is_due_in_2023() {
    // §III.1.a: "năm 2023 toàn huyện hoàn thành 100% quy hoạch chung nông thôn mới cấp xã".
    let s = load("muong-te-2021-2025");
    let c1 = targets(&s, &criterion(1));
    assert_eq!(c1.len(), 1);
    assert_eq!((c1[0].year, c1[0].value), (2023, d("13")));
    // A target due by 2023 still holds in 2025: the audit carries it into the 2025 average
    // check, 13 + (13+13+13+10+12+13+13+13+4+4+13+12+10+11+13+7+13+13 = 200) = 213 = 16,38 × 13.
    let a = audit(&s);
    assert!(!a.findings.iter().any(|f| f.check == "target-average"));
    let p = a
        .passed
        .iter()
        .find(|p| p.check == "target-average")
        .unwrap();
    assert!(p.message.contains("2025"), "{}", p.message);
}

// ---- Lai Châu (seeds/000) ----

#[test]
fn lai_chau_c1_and_c12_for_2022_are_not_stated_not_illegible() {
    // §II.1 gives no 2022 count for planning; §II.3's bracket gives 2022 counts for income and
    // production only. The figures are missing from the text, not unreadable.
    let text = std::fs::read_to_string(seed_dir("lai-chau-2023").join("scenario.toml")).unwrap();
    for line in text.lines().filter(|l| l.contains("illegible")) {
        assert!(line.contains("month of the date"), "{line}");
    }
    let s = load("lai-chau-2023");
    assert!(s.synthesize.note.as_deref().unwrap().contains("not stated"));
    assert!(s.synthetic.as_deref().unwrap().contains("not stated"));
    assert!(!s.published.criteria.contains_key("c1"));
    assert!(!s.published.criteria.contains_key("c12"));
}

// ---- NQ 14/2022/NQ-HĐND (Lai Châu) ----

#[test]
fn nq14_does_not_supersede_qd07() {
    // QĐ 07 divides between the centre and the provinces; NQ 14 divides within Lai Châu.
    let rule = Rule::load("lai-chau-nq14-2022").unwrap();
    assert_eq!(rule.supersedes, None);
    assert!(rule.note.as_deref().unwrap().contains("does not supersede"));
}

#[test]
fn one_nq14_counterpart_ratio_in_both_lai_chau_scenarios() {
    let rule = Rule::load("lai-chau-nq14-2022").unwrap();
    let ratio = rule.counterpart.as_ref().unwrap().ratio.get_ref().0;
    assert_eq!(ratio, d("0.1"));
    for name in ["lai-chau-2023", "muong-te-2021-2025"] {
        let s = load(name);
        assert_eq!(s.counterpart.len(), 1, "{name}");
        assert_eq!(s.counterpart[0].ratio.0, ratio, "{name}");
        assert!(s.counterpart[0].basis.starts_with("assumption"), "{name}");
    }
}
