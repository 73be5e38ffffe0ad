//! Report of `ntm targets`: drafted targets in English and Vietnamese, and their trade-offs.

use super::plan::status_label;
use super::{document_places, format_value, synthetic_banner, table};
use crate::number::{format_count, format_trimmed, NumberStyle};
use crate::whatif::drafting::Drafting;

/// Renders drafted targets (both languages, the documents' phrasing) and trade-offs, numbers in
/// `style`.
pub fn render_drafting(d: &Drafting, style: NumberStyle) -> String {
    let num = |v| format_value(v, style);
    let mut out = synthetic_banner(d.synthetic.as_deref());
    out.push_str(&format!(
        "Chỉ tiêu năm {} (targets for end-{}), kịch bản (scenario) {}: {} xã (communes), {} triệu đồng (million VND)\nTrạng thái kế hoạch (plan status): {}\n\n",
        d.year,
        d.year,
        d.scenario,
        format_count(d.communes as u64, style),
        format_trimmed(d.budget, document_places([d.budget]), style),
        status_label(d.plan_status)
    ));
    // Under commune groups, a column says whose communes each target counts: the drafting
    // lists the province-wide targets first, then each group's.
    let grouped = d.targets.iter().any(|t| t.group.is_some());
    let mut headers = vec![
        "Hiện nay (now)",
        "Có thể đạt (achievable)",
        "Phấn đấu* (stretch)",
    ];
    if grouped {
        headers.push("Nhóm xã (commune group)");
    }
    headers.extend(["Chỉ tiêu", "Target"]);
    out.push_str(&table(
        &headers,
        d.targets
            .iter()
            .map(|t| {
                let mut row = vec![
                    num(t.baseline),
                    num(t.achievable),
                    t.stretch.map_or(String::new(), num),
                ];
                if grouped {
                    row.push(crate::scenario::group_scope(t.group));
                }
                row.extend([t.phrase_vi.clone(), t.phrase_en.clone()]);
                row
            })
            .collect(),
    ));
    out.push_str("\n* chỉ đạt được riêng lẻ cho tiêu chí đó cùng số xã đạt chuẩn, không phải cho mọi tiêu chí cùng lúc (reachable for that criterion alone with the standard count, not for all criteria together)\n\nChỉ tiêu đánh đổi nhau (trade-offs):\n");
    if d.trade_offs.is_empty() {
        out.push_str("không có: các chỉ tiêu trên đạt được cùng lúc (none found: the targets above are reachable together)\n");
    } else {
        out.push_str(&table(
            &[
                "Chỉ tiêu A (target A)",
                "Chỉ tiêu B (target B)",
                "Lý do (why)",
            ],
            d.trade_offs
                .iter()
                .map(|t| vec![t.first.clone(), t.second.clone(), t.explanation.clone()])
                .collect(),
        ));
        out.push('\n');
    }
    out
}
