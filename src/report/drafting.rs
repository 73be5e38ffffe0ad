//! Report of `ntm targets`: drafted targets in English and Vietnamese, and their trade-offs.

use super::allocate::num;
use super::{synthetic_banner, table};
use crate::drafting::Drafting;

/// Renders drafted targets (both languages, the documents' phrasing) and trade-offs.
pub fn render_drafting(d: &Drafting) -> String {
    let mut out = synthetic_banner(d.synthetic.as_deref());
    out.push_str(&format!(
        "Targets for end-{} (chỉ tiêu năm {}), scenario {}: {} communes, {} million VND; plan status {}\n\n",
        d.year,
        d.year,
        d.scenario,
        d.communes,
        num(d.budget),
        format!("{:?}", d.plan_status).to_lowercase()
    ));
    out.push_str(&table(
        &[
            "Now (hiện nay)",
            "Achievable (có thể đạt)",
            "Stretch* (phấn đấu)",
            "Target",
            "Chỉ tiêu",
        ],
        d.targets
            .iter()
            .map(|t| {
                vec![
                    num(t.baseline),
                    num(t.achievable),
                    t.stretch.map_or(String::new(), num),
                    t.phrase_en.clone(),
                    t.phrase_vi.clone(),
                ]
            })
            .collect(),
    ));
    out.push_str("\n* reachable for that criterion alone with the standard count, not for all criteria together (chỉ đạt được riêng lẻ)\n\nTrade-offs (chỉ tiêu đánh đổi nhau):\n");
    if d.trade_offs.is_empty() {
        out.push_str("none found: the targets above are reachable together (không có)\n");
    } else {
        out.push_str(&table(
            &["Target A", "Target B", "Why (lý do)"],
            d.trade_offs
                .iter()
                .map(|t| vec![t.first.clone(), t.second.clone(), t.explanation.clone()])
                .collect(),
        ));
        out.push('\n');
    }
    out
}
