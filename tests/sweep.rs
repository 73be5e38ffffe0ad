//! `sweep`: the budget–outcome curve, its CSV and its SVG chart.

use std::path::Path;

use ntm::plan::PlanOptions;
use ntm::rules::Rule;
use ntm::scenario::Scenario;
use ntm::whatif::sweep::{
    self, BudgetAxis, SeriesValue, SourceSelection, Sweep, SweepOptions, SweepPoint,
};
use rust_decimal::Decimal;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn rules() -> Vec<Rule> {
    ["qd07", "equal"]
        .iter()
        .map(|r| Rule::load(r).unwrap())
        .collect()
}

fn options(from: &str, to: &str, steps: usize) -> SweepOptions {
    SweepOptions {
        year: None,
        from: d(from),
        to: d(to),
        steps,
        axis: BudgetAxis::Multiplier,
        // The central sources, as the rules divide them (the default, every state-budget source,
        // is tested in `default_moves_every_state_budget_source`).
        divided: vec!["central-investment".into(), "central-recurrent".into()],
        scaled: Vec::new(),
        plan: PlanOptions::default(),
    }
}

/// Checks the SVG is XML with both panels' labels in both languages, a legend and the step paths.
fn check_svg(svg: &str, series: usize) {
    let doc = roxmltree::Document::parse(svg).expect("valid XML");
    let texts: String = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .collect::<Vec<_>>()
        .join(" ");
    for needle in [
        "Tổng vốn",
        "total budget",
        "Số xã đạt chuẩn (communes at standard)",
        "Tổng số tiêu chí đạt, mọi xã (criteria met, all communes)",
        "Kế hoạch tối ưu",
        "optimal plan",
    ] {
        assert!(texts.contains(needle), "{needle} missing");
    }
    let steps = doc
        .descendants()
        .filter(|n| n.has_tag_name("g") && n.attribute("class") == Some("series"))
        .count();
    assert_eq!(steps, 2 * series);
}

#[test]
fn ranges() {
    assert_eq!(sweep::parse_range("0.5..2").unwrap(), (d("0.5"), d("2")));
    assert_eq!(
        sweep::parse_range("50.000..200.000").unwrap(),
        (d("50000"), d("200000"))
    );
    assert!(sweep::parse_range("2..1").is_err());
    assert!(sweep::parse_range("abc").is_err());
}

#[test]
fn svg_of_a_hand_made_curve_is_valid_xml() {
    let point = |m: &str, a: usize, b: usize| SweepPoint {
        multiplier: d(m),
        budget: d(m) * d("1000"),
        values: vec![
            SeriesValue {
                series: "optimal".into(),
                standard: a,
                criteria_met: 70 + a as u32,
                carried: false,
            },
            SeriesValue {
                series: "a<b&c".into(),
                standard: b,
                criteria_met: 70 + b as u32,
                carried: false,
            },
        ],
    };
    let curve = Sweep {
        synthetic: Some("test & <data>".into()),
        scenario: "x".into(),
        year: 2023,
        selection: SourceSelection::Given,
        sources: vec!["central-investment".into()],
        left_out: Vec::new(),
        tie_break: true,
        scaled: vec!["central-investment".into()],
        base_budget: d("1000"),
        series: vec!["optimal".into(), "a<b&c".into()],
        points: vec![point("0.5", 1, 1), point("1", 2, 1), point("2", 3, 2)],
    };
    check_svg(&ntm::report::sweep_svg(&curve), 2);
    let csv = ntm::report::sweep_csv(&curve);
    assert_eq!(csv.lines().count(), 4);
}

#[test]
fn twenty_steps_write_csv_and_svg_and_the_optimal_curve_matches_the_hand_worked_one() {
    let s = Scenario::load(Path::new("tests/fixtures/rules-5")).unwrap();
    let count = std::sync::atomic::AtomicUsize::new(0);
    let curve = sweep::sweep(&s, &rules(), &options("0.5", "2.5", 20), &|| {
        count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    })
    .unwrap();
    assert_eq!(count.into_inner(), 20);
    assert_eq!(curve.points.len(), 20);
    assert_eq!(curve.points[0].multiplier, d("0.5"));
    assert_eq!(curve.points[19].multiplier, d("2.5"));
    assert_eq!(curve.points[19].budget, d("3000"));
    // The optimal curve, worked out by hand from projects.csv (investment 1000·m, recurrent
    // 200·m): A is at standard already; D needs c2 120 + c5 100 + c17 60 = 280 of investment; B
    // needs c2 300 of investment and c14 30 of recurrent; C and E lack projects for some criteria.
    // So 2 at standard from m = 0.28, 3 from m = 0.58 (280 + 300 of investment).
    for p in &curve.points {
        let investment = d("1000") * p.multiplier;
        let expected = 1
            + usize::from(investment >= d("280"))
            + usize::from(investment >= d("580") && d("200") * p.multiplier >= d("30"));
        assert_eq!(
            p.values[0].standard, expected,
            "optimal at ×{}",
            p.multiplier
        );
        assert!(!p.values[0].carried, "×{} was not solved", p.multiplier);
    }
    for p in &curve.points {
        for rule in &p.values[1..] {
            assert!(p.values[0].standard >= rule.standard, "{}", p.multiplier);
        }
    }
    // At ×2.5 QĐ 07 gives B 1000·2.5·3/19 = 394.7 ≥ 300: 3 at standard, as the optimal plan.
    assert_eq!(curve.points[19].values[1].standard, 3);
    let dir = tempfile::tempdir().unwrap();
    let written = ntm::report::write_sweep(&curve, dir.path()).unwrap();
    let csv = std::fs::read_to_string(&written[0]).unwrap();
    assert_eq!(csv.lines().count(), 21);
    assert!(csv.starts_with(
        "multiplier,budget_million_vnd,optimal_standard,optimal_criteria_met,qd07-2022_standard"
    ));
    check_svg(&std::fs::read_to_string(&written[1]).unwrap(), 3);
    insta::assert_snapshot!(
        "sweep-rules-5",
        ntm::report::render_sweep(&curve, ntm::number::NumberStyle::Vietnamese)
    );
    insta::assert_json_snapshot!("sweep-rules-5-json", serde_json::to_value(&curve).unwrap());
}

#[test]
fn amounts_and_one_source() {
    let s = Scenario::load(Path::new("tests/fixtures/rules-5")).unwrap();
    let mut o = options("500", "2000", 4);
    o.axis = BudgetAxis::Amount;
    o.scaled = vec!["central-investment".into()];
    let curve = sweep::sweep(&s, &rules(), &o, &|| {}).unwrap();
    // Investment 500, 1000, 1500, 2000 plus the unscaled recurrent 200.
    let budgets: Vec<Decimal> = curve.points.iter().map(|p| p.budget).collect();
    assert_eq!(budgets, vec![d("700"), d("1200"), d("1700"), d("2200")]);
    assert!(sweep::sweep(&s, &rules(), &options("1", "2", 1), &|| {}).is_err());
}

/// By default every state-budget source moves: rules-5 has central investment 1.000, central
/// recurrent 200 and local 100, all state budget, so the budget at ×1 is 1.300 and at ×2 2.600;
/// the rules divide all three.
#[test]
fn default_moves_every_state_budget_source() {
    let s = Scenario::load(Path::new("tests/fixtures/rules-5")).unwrap();
    let mut o = options("1", "2", 2);
    o.divided.clear();
    let curve = sweep::sweep(&s, &rules(), &o, &|| {}).unwrap();
    assert_eq!(curve.selection, SourceSelection::StateBudget);
    assert_eq!(
        curve.sources,
        ["central-investment", "central-recurrent", "local"]
    );
    assert_eq!(curve.scaled, curve.sources);
    assert!(curve.left_out.is_empty());
    assert_eq!(curve.base_budget, d("1300"));
    assert_eq!(curve.points[1].budget, d("2600"));
    let chart = ntm::report::sweep_chart(&curve);
    assert!(chart
        .title
        .contains("mọi nguồn ngân sách nhà nước thay đổi ×1–×2"));
    assert!(chart
        .title
        .contains("every state-budget source moves ×1–×2"));
    // A rule whose counterpart is `local` takes it as counterpart, so it is not divided too.
    let nq14 = Rule::load("lai-chau-nq14-2022").unwrap();
    assert_eq!(
        sweep::state_budget_sources(&s, &[nq14], 2023),
        ["central-investment", "central-recurrent"]
    );
}

/// The acceptance check on the shipped seed scenarios (20 plans over 1,019 projects; seconds in a release
/// build, up to a minute or two in debug).
#[test]
fn lai_chau_2023_twenty_steps() {
    let s = Scenario::load(Path::new("scenarios/lai-chau-2023"))
        .expect("the shipped seed scenario scenarios/lai-chau-2023 loads");
    let mut o = options("0.5", "3", 20);
    o.divided.clear(); // the default: every state-budget source moves
    o.plan.time_limit = Some(10.0);
    let curve = sweep::sweep(&s, &rules(), &o, &|| {}).unwrap();
    // Carried points make the optimal curve non-decreasing by construction; what can fail is
    // the optimal plan doing worse than a rule with the same money.
    for p in &curve.points {
        for rule in &p.values[1..] {
            assert!(
                p.values[0].standard >= rule.standard,
                "×{}: optimal {} < {} {}",
                p.multiplier,
                p.values[0].standard,
                rule.series,
                rule.standard
            );
        }
    }
    for p in &curve.points {
        eprintln!(
            "{} {}: {:?}",
            p.multiplier,
            p.budget,
            p.values
                .iter()
                .map(|v| (v.standard, v.criteria_met, v.carried))
                .collect::<Vec<_>>()
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let written = ntm::report::write_sweep(&curve, dir.path()).unwrap();
    assert_eq!(
        std::fs::read_to_string(&written[0])
            .unwrap()
            .lines()
            .count(),
        21
    );
    check_svg(&std::fs::read_to_string(&written[1]).unwrap(), 3);
}
