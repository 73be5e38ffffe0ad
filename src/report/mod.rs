//! Human-readable reports (báo cáo): tables rendered from the same values `--json` prints.

mod allocate;
mod audit;
mod catalog;
mod compare;
mod drafting;
mod evaluation;
mod plan;
mod sweep;
mod synthesize;
mod synthetic_projects;
mod why;

pub use allocate::{render_allocation, render_simulation};
pub use audit::{audit_sheets, render_audit};
pub use catalog::{render_catalog_diff, render_reevaluation};
pub use compare::{comparison_chart, comparison_svg, render_comparison, render_variants};
pub use drafting::render_drafting;
pub use evaluation::{evaluation_chart, evaluation_svg, render_evaluation};
pub use plan::{plan_csv, render_plan, spend_chart, PlanReport};
pub use sweep::{render_sweep, sweep_chart, sweep_csv, sweep_svg, write_sweep};
pub use synthesize::render_synthesis;
pub use synthetic_projects::render_projects_summary;
pub use why::render_why;

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{CellAlignment, ContentArrangement, Table};
use rust_decimal::Decimal;
use std::str::FromStr;

use crate::number::{format_trimmed, NumberStyle, AVERAGE_PLACES};

/// Decimal places of the amounts a document publishes (its precision): the most any of them
/// has, at least 0 and at most 6 (one đồng in million VND). Budgets of 4.916.475 give 0,
/// 3.900,5 gives 1. Amounts a report derives are rounded half-up at this precision.
pub fn document_places(amounts: impl IntoIterator<Item = Decimal>) -> u32 {
    amounts
        .into_iter()
        .map(|a| a.normalize().scale())
        .max()
        .unwrap_or(0)
        .min(6)
}

/// A value that may be a count, a share or an average (a target, what a plan achieves):
/// rounded half-up at [`AVERAGE_PLACES`], trailing zeros dropped (3; 13,67).
pub fn format_value(value: Decimal, style: NumberStyle) -> String {
    format_trimmed(value, AVERAGE_PLACES, style)
}

/// An exact decimal carried as text for JSON (`"1234.5"`), written for people; other text is
/// kept as it is.
pub fn format_decimal_text(text: &str, places: u32, style: NumberStyle) -> String {
    match Decimal::from_str(text) {
        Ok(value) => format_trimmed(value, places, style),
        Err(_) => text.to_string(),
    }
}

/// A plain table with a header row; columns after the first are right-aligned when numeric.
pub fn table(headers: &[&str], rows: Vec<Vec<String>>) -> String {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(headers.iter().copied());
    let numeric: Vec<bool> = (0..headers.len())
        .map(|i| {
            rows.iter().all(|r| {
                r.get(i).is_none_or(|c| {
                    c.is_empty()
                        || c.chars()
                            .all(|ch| ch.is_ascii_digit() || ".,-%+ ".contains(ch))
                })
            })
        })
        .collect();
    for row in rows {
        t.add_row(row);
    }
    for (i, is_numeric) in numeric.iter().enumerate() {
        if *is_numeric && i > 0 {
            if let Some(col) = t.column_mut(i) {
                col.set_cell_alignment(CellAlignment::Right);
            }
        }
    }
    t.to_string()
}

/// A tier in both languages: `đạt chuẩn (standard)`, `nâng cao (advanced)`, `kiểu mẫu (model)`.
pub fn tier_label(tier: crate::catalog::TierId) -> &'static str {
    match tier {
        crate::catalog::TierId::Standard => "đạt chuẩn (standard)",
        crate::catalog::TierId::Advanced => "nâng cao (advanced)",
        crate::catalog::TierId::Model => "kiểu mẫu (model)",
    }
}

/// The boxed banner a chart carries when its data is synthetic (dữ liệu giả lập).
pub(crate) fn chart_banner(note: Option<&str>) -> Option<String> {
    note.map(|note| format!("DỮ LIỆU GIẢ LẬP (synthetic data): {note}"))
}

/// The banner every output of synthetic data carries.
pub fn synthetic_banner(note: Option<&str>) -> String {
    match note {
        Some(note) => format!("DỮ LIỆU GIẢ LẬP (SYNTHETIC DATA): {note}\n"),
        None => String::new(),
    }
}
