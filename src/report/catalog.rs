//! Reports of `ntm catalog diff` and `ntm evaluate --catalog`.

use super::{render_evaluation, table};
use crate::catalog::{Basis, CatalogDiff};
use crate::number::{format_count, NumberStyle};
use crate::reevaluate::Reevaluation;

fn id(id: Option<u8>) -> String {
    id.map_or("-".into(), |i| format!("c{i}"))
}

/// Renders a catalog diff: one row per criterion, old → new, with what carries over.
pub fn render_catalog_diff(d: &CatalogDiff) -> String {
    let mut out = format!("Bộ tiêu chí (criteria sets): {} → {}\n", d.from, d.to);
    match (&d.mapping, &d.source) {
        (Some(title), Some(source)) => {
            out.push_str(&format!("Ánh xạ (mapping): {title}\nNguồn (source): {source}\n"))
        }
        _ => out.push_str("Chưa có ánh xạ cho cặp này: tiêu chí được ghép theo số và tên, là giả định (no mapping is shipped for this pair: criteria are matched by id and name, an assumption).\n"),
    }
    if let Some(note) = &d.note {
        out.push_str(&format!("Ghi chú (note): {note}\n"));
    }
    out.push('\n');
    out.push_str(&table(
        &[
            "Cũ (old)",
            "Tiêu chí cũ (old criterion)",
            "Mới (new)",
            "Tiêu chí mới (new criterion)",
            "Trạng thái (status)",
            "Căn cứ (basis)",
            "Lý do (why)",
        ],
        d.rows
            .iter()
            .map(|r| {
                vec![
                    id(r.from),
                    r.from_name_vi.clone().unwrap_or_default(),
                    id(r.to),
                    r.to_name_vi.clone().unwrap_or_default(),
                    r.change.label().into(),
                    match r.basis {
                        Basis::Law => "văn bản (law)".into(),
                        Basis::Assumption => "giả định (assumption)".into(),
                    },
                    r.reason.clone(),
                ]
            })
            .collect(),
    ));
    out.push('\n');
    out
}

/// Renders a re-evaluation: the mapping's assumptions first, then the evaluation.
pub fn render_reevaluation(r: &Reevaluation, per_commune: bool, style: NumberStyle) -> String {
    let mut out = format!(
        "Đánh giá lại theo bộ tiêu chí {} (re-evaluated under {}); kịch bản viết theo bộ {} (the scenario is written against {}).\n",
        r.to, r.to, r.from, r.from
    );
    out.push_str("Giả định của ánh xạ (assumptions of the mapping):\n");
    for a in r.diff.assumptions() {
        out.push_str(&format!(
            "  - {} → {}: {} — {}\n",
            id(a.from),
            id(a.to),
            a.change.label(),
            a.reason
        ));
    }
    for reset in &r.reset {
        out.push_str(&format!(
            "  - c{}: {} xã đạt theo {}, coi là chưa đạt theo {} cho đến khi đánh giá lại ({} commune(s) met it under {}; read as not met under {} until re-assessed)\n",
            reset.from,
            format_count(reset.communes as u64, style),
            r.from,
            r.to,
            format_count(reset.communes as u64, style),
            r.from,
            r.to
        ));
    }
    for c in &r.candidates {
        let from: Vec<String> = c.from.iter().map(|id| format!("c{id}")).collect();
        out.push_str(&format!(
            "  - c{} {}: đánh giá lại; {} xã đã đạt mọi tiêu chí cũ dẫn vào ({}) nên đánh giá trước, chưa tính là đạt (assess afresh; {} commune(s) met every old criterion feeding it: re-assess them first, not counted as met)\n",
            c.to,
            c.name_vi,
            format_count(c.communes as u64, style),
            from.join(", "),
            format_count(c.communes as u64, style),
        ));
    }
    if r.advanced_dropped > 0 {
        out.push_str(&format!(
            "  - {} xã mất trạng thái theo Bộ tiêu chí nâng cao: bộ cũ không có gì để ánh xạ ({} commune(s) lose their advanced-set statuses: the old set has none to map from)\n",
            format_count(r.advanced_dropped as u64, style),
            format_count(r.advanced_dropped as u64, style)
        ));
    }
    if let Some(note) = &r.diff.note {
        out.push_str(&format!("  Ghi chú (note): {note}\n"));
    }
    out.push('\n');
    out.push_str(&render_evaluation(&r.evaluation, per_commune, style));
    out
}
