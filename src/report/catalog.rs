//! Reports of `ntm catalog diff` and `ntm evaluate --catalog`.

use super::{render_evaluation, table};
use crate::catalog::{Basis, CatalogDiff};
use crate::reevaluate::Reevaluation;

fn id(id: Option<u8>) -> String {
    id.map_or("-".into(), |i| format!("c{i}"))
}

/// Renders a catalog diff: one row per criterion, old → new, with what carries over.
pub fn render_catalog_diff(d: &CatalogDiff) -> String {
    let mut out = format!("Criteria sets (bộ tiêu chí): {} → {}\n", d.from, d.to);
    match (&d.mapping, &d.source) {
        (Some(title), Some(source)) => {
            out.push_str(&format!("Mapping (ánh xạ): {title}\nSource (nguồn): {source}\n"))
        }
        _ => out.push_str("No mapping is shipped for this pair: criteria are matched by id and name (assumption).\n"),
    }
    if let Some(note) = &d.note {
        out.push_str(&format!("Note (ghi chú): {note}\n"));
    }
    out.push('\n');
    out.push_str(&table(
        &[
            "Old (cũ)",
            "Tiêu chí cũ",
            "New (mới)",
            "Tiêu chí mới",
            "Status (trạng thái)",
            "Basis (căn cứ)",
            "Why (lý do)",
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
                        Basis::Law => "law".into(),
                        Basis::Assumption => "assumption".into(),
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
pub fn render_reevaluation(r: &Reevaluation, per_commune: bool) -> String {
    let mut out = format!(
        "Re-evaluated under {} (đánh giá lại theo bộ tiêu chí mới); the scenario is written against {}.\n",
        r.to, r.from
    );
    out.push_str("Assumptions of the mapping (giả định của ánh xạ):\n");
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
            "  - c{}: {} commune(s) met it under {}; read as not met under {} until re-assessed\n",
            reset.from, reset.communes, r.from, r.to
        ));
    }
    if r.advanced_dropped > 0 {
        out.push_str(&format!(
            "  - {} commune(s) lose their advanced-set statuses: the old set has none to map from\n",
            r.advanced_dropped
        ));
    }
    if let Some(note) = &r.diff.note {
        out.push_str(&format!("  Note: {note}\n"));
    }
    out.push('\n');
    out.push_str(&render_evaluation(&r.evaluation, per_commune, crate::number::NumberStyle::Vietnamese));
    out
}
