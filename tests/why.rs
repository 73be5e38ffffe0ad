//! `ntm plan --why PROJECT` on a hand-made scenario (tests/fixtures/why-small): every answer
//! and every amount is worked out in the comments, not by the code under test.
//!
//! why-small, one year (2023), max-standard:
//! - sources: central-investment 100 (construction: transport, school, …), credit 20
//!   (housing, production, livelihood);
//! - A lacks c2: ta (transport 60, c2:1) or ta-dear (transport 80, c2:1);
//! - B lacks c9: hb (housing 30, c9:1), only credit may pay it;
//! - C lacks c5: sc (school 30, c5:1);
//! - E lacks c2 and c5: te (transport 5, c2:1) and se (school 200, c5:1).
//!
//! The plan: A costs 60 (ta), C 30 (sc), B 30 of credit (20), E 205. Central pays A + C = 90 ≤
//! 100 (A + C + E's se is 290); B cannot be paid (credit 20 < 30). So 2 communes at standard,
//! ta and sc funded, 10 of central and 20 of credit left. The tie-break keeps ta over ta-dear
//! (ta-dear + sc = 110 > 100 anyway).

use std::collections::BTreeMap;
use std::path::Path;

use rust_decimal::Decimal;

use ntm::plan::{plan, Objective, Plan, PlanOptions, PlanStatus};
use ntm::scenario::Scenario;
use ntm::whatif::why::{why, Verdict, Why};

mod common;

fn setup() -> (Scenario, PlanOptions, Plan) {
    let s = Scenario::load(Path::new("tests/fixtures/why-small")).unwrap();
    let options = PlanOptions {
        objective: Objective::MaxStandard,
        ..PlanOptions::default()
    };
    let p = plan(&s, &options).unwrap();
    (s, options, p)
}

fn ask(project: &str) -> Why {
    let (s, options, p) = setup();
    why(&s, &options, &p, project).unwrap()
}

fn money(pairs: &[(&str, i64)]) -> BTreeMap<String, Decimal> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), Decimal::from(*v)))
        .collect()
}

#[test]
fn the_plan_is_the_hand_solved_one() {
    let (_, _, p) = setup();
    assert_eq!(p.status, PlanStatus::Optimal);
    assert_eq!(p.objective, 2.0);
    let ids: Vec<&str> = p.projects.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(ids, ["ta", "sc"]);
}

#[test]
fn a_funded_project_says_which_sources_pay_how_much() {
    // sc (school, 30): only central-investment may fund schools, so it pays all 30.
    let w = ask("sc");
    assert!(w.funded);
    assert_eq!(
        w.verdict,
        Verdict::Funded {
            year: 2023,
            funding: money(&[("central-investment", 30)]),
        }
    );
    assert!(
        w.reason.starts_with("được cấp vốn năm 2023"),
        "{}",
        w.reason
    );
    assert!(w.forced.is_none());
}

#[test]
fn an_ineligible_project_has_no_source_with_money_left() {
    // hb (housing, 30): only credit may fund housing; it has 20, the plan spends none of it,
    // 20 < 30.
    let w = ask("hb");
    assert!(!w.funded);
    assert_eq!(
        w.verdict,
        Verdict::NoEligibleMoney {
            left: Decimal::from(20)
        }
    );
    assert_eq!(w.sources.len(), 1);
    assert_eq!(w.sources[0].id, "credit");
    assert_eq!(
        (w.sources[0].budget, w.sources[0].spent, w.sources[0].left),
        (Decimal::from(20), Decimal::ZERO, Decimal::from(20))
    );
    // Forced in: credit's 20 cannot pay 30 in any plan, so there is no plan within the
    // budgets; with extra money, 10 more of credit (the only source for housing) funds it and
    // keeps ta + sc (2 communes; B makes it 3).
    let forced = w.forced.unwrap();
    assert_eq!(forced.objective_with, None);
    assert_eq!(forced.extra_total, Some(Decimal::from(10)));
    assert_eq!(forced.extra_by_source, money(&[("credit", 10)]));
    assert!(forced.proven);
}

#[test]
fn a_dominated_project_names_the_cheaper_one() {
    // ta-dear (80) and ta (60) both close A's c2 on their own, from the same source, in the
    // same year: ta dominates it, and the plan funds ta.
    let w = ask("ta-dear");
    assert_eq!(
        w.verdict,
        Verdict::Dominated {
            by: "ta".into(),
            cost: Decimal::from(60),
            funded: true,
        }
    );
    // Forced in within the budgets: ta-dear takes 80 of central's 100; 20 left pays neither
    // sc (30) nor anything else that completes a commune → A only: 1 commune, one lost.
    // Keeping 2 communes: ta-dear + sc = 110 of central (or ta-dear + hb: 30 of credit, 20
    // held) → 10 extra either way.
    let forced = w.forced.unwrap();
    assert_eq!(forced.objective_with, Some(1.0));
    assert_eq!(forced.objective_loss, Some(1.0));
    assert_eq!(forced.extra_total, Some(Decimal::from(10)));
    assert!(forced.proven);
}

#[test]
fn a_project_of_a_commune_short_of_money_says_so() {
    // te (5) is affordable (central has 10 left), but E also lacks c5, whose only project se
    // costs 200: completing E costs 5 + 200 = 205, and all sources together have 10 + 20 = 30
    // left.
    let w = ask("te");
    assert_eq!(
        w.verdict,
        Verdict::CommuneShort {
            lacking: vec![2, 5],
            cost: Some(Decimal::from(205)),
            left: Decimal::from(30),
        }
    );
    // Forced in, it costs 5 of the 10 left and changes nothing else: still 2 communes, no
    // extra money.
    let forced = w.forced.unwrap();
    assert_eq!(forced.objective_with, Some(2.0));
    assert_eq!(forced.objective_loss, Some(0.0));
    assert_eq!(forced.extra_total, Some(Decimal::ZERO));
}

#[test]
fn the_cli_answers_in_json_with_a_receipt_and_rejects_unknown_ids() {
    let out = common::ntm(&["plan", "tests/fixtures/why-small", "--why", "hb", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json = common::json(&out);
    assert_eq!(json["verdict"]["kind"], "no-eligible-money");
    assert_eq!(json["verdict"]["left"], "20");
    assert!(json["reason"]
        .as_str()
        .unwrap()
        .starts_with("không nguồn vốn"));
    assert_eq!(json["receipt"]["options"]["why"], "hb");

    let out = common::ntm(&["plan", "tests/fixtures/why-small", "--why", "tb", "--json"]);
    assert!(!out.status.success());
    let json = common::json(&out);
    assert!(json["error"].as_str().unwrap().contains("no project `tb`"));
    assert!(json["problems"][0]["hint"]
        .as_str()
        .unwrap()
        .contains("did you mean"));
    assert!(json.get("receipt").is_some());
}

#[test]
fn the_text_answer_is_vietnamese_first() {
    let out = common::ntm(&["plan", "tests/fixtures/why-small", "--why", "ta-dear"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Trả lời (answer): dự án ta rẻ hơn"), "{text}");
    assert!(
        text.contains("Dự án rẻ hơn (cheaper project): ta, 60"),
        "{text}"
    );
}

#[test]
fn a_project_the_plan_does_not_need_says_so() {
    // why-small with credit 25 instead of 20 and one more project in B: tb (transport 1,
    // c9:0.5). The plan is unchanged (hb's 30 still exceeds credit's 25; ta + sc = 90).
    // tb: not dominated (hb costs more), B's c9 is not met, central has 10 ≥ 1 left, and B's
    // cheapest completion, tb (2 per unit of gain) then hb, costs 31 ≤ 10 + 25 left. Forced in,
    // ta + sc + tb = 91 ≤ 100 keeps 2 communes: it is not needed, and needs no extra money.
    let dir = tempfile::tempdir().unwrap();
    let from = Path::new("tests/fixtures/why-small");
    for name in ["scenario.toml", "communes.csv", "projects.csv"] {
        let mut text = std::fs::read_to_string(from.join(name)).unwrap();
        if name == "scenario.toml" {
            text = text.replace("budget = { 2023 = 20 }", "budget = { 2023 = 25 }");
        }
        if name == "projects.csv" {
            text.push_str("tb,b,transport,1,2023,2023,c9:0.5,\n");
        }
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let s = Scenario::load(dir.path()).unwrap();
    let options = PlanOptions::default();
    let p = plan(&s, &options).unwrap();
    assert_eq!(p.objective, 2.0);
    let w = why(&s, &options, &p, "tb").unwrap();
    assert_eq!(w.verdict, Verdict::NotNeeded);
    let forced = w.forced.unwrap();
    assert_eq!(forced.objective_loss, Some(0.0));
    assert_eq!(forced.extra_total, Some(Decimal::ZERO));
}
