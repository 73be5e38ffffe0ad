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

pub use allocate::{render_allocation, render_simulation};
pub use audit::{audit_sheets, render_audit};
pub use catalog::{render_catalog_diff, render_reevaluation};
pub use compare::{render_comparison, render_variants};
pub use drafting::render_drafting;
pub use evaluation::render_evaluation;
pub use plan::{plan_csv, render_plan, PlanReport};
pub use sweep::{render_sweep, sweep_csv, sweep_svg};
pub use synthesize::render_synthesis;
pub use synthetic_projects::render_projects_summary;

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{CellAlignment, ContentArrangement, Table};

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

/// The banner every output of synthetic data carries.
pub fn synthetic_banner(note: Option<&str>) -> String {
    match note {
        Some(note) => format!("SYNTHETIC DATA (dữ liệu giả lập): {note}\n"),
        None => String::new(),
    }
}
