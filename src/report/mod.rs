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
pub use plan::{plan_csv, render_plan, render_plan_within, spend_chart, PlanReport};
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

/// Narrowest width text output is fitted to: below it tables are left as wide as they are.
pub const MIN_WIDTH: usize = 60;

/// The width of the terminal text goes to, from `COLUMNS` (as shells set it), when it is a
/// number of at least [`MIN_WIDTH`]; `None` leaves the output as wide as its content, so
/// output to a file or a test does not depend on the terminal.
pub fn width_from_env() -> Option<usize> {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|w| *w >= MIN_WIDTH)
}

/// A plain table with a header row; columns after the first are right-aligned when numeric.
pub fn table(headers: &[&str], rows: Vec<Vec<String>>) -> String {
    table_within(headers, rows, None)
}

/// [`table`] at most `width` columns wide: headers put their English on a second line
/// (`Năm` over `(year)`), and long cells (a target's label, a list of criteria) wrap onto more
/// lines within their column.
pub fn table_within(headers: &[&str], rows: Vec<Vec<String>>, width: Option<usize>) -> String {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED);
    match width {
        Some(w) => {
            t.set_content_arrangement(ContentArrangement::Dynamic)
                .set_width(u16::try_from(w).unwrap_or(u16::MAX))
                .set_header(headers.iter().map(|h| h.replacen(" (", "\n(", 1)));
        }
        None => {
            t.set_content_arrangement(ContentArrangement::Disabled)
                .set_header(headers.iter().copied());
        }
    };
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

/// `text` with every line longer than `width` characters broken at spaces, the continuation
/// lines indented by two; unchanged without a width.
pub fn wrap(text: &str, width: Option<usize>) -> String {
    let Some(width) = width else {
        return text.to_string();
    };
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if line.chars().count() <= width {
            out.push_str(line);
            continue;
        }
        let mut used = 0;
        for (j, word) in line.split(' ').enumerate() {
            let len = word.chars().count();
            if j == 0 {
                used = len;
            } else if used > 2 && used + 1 + len > width {
                out.push_str("\n  ");
                used = 2 + len;
            } else {
                out.push(' ');
                used += 1 + len;
            }
            out.push_str(word);
        }
    }
    out
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

/// `text`, a report that opens with the [`synthetic_banner`] of the English note `synthetic`
/// (at most `width` columns wide, as the report wrapped it), with the scenario's Vietnamese
/// note `synthetic_vi` first and the English beside it:
/// `DỮ LIỆU GIẢ LẬP: {vi}` then `(synthetic data: {en})`. Results carry the English note only
/// (it is what `--json` gives); the scenario's Vietnamese comes in here. A text without that
/// banner, or a scenario without `synthetic_vi`, is returned as it is.
pub fn vietnamese_note_first(
    text: String,
    synthetic: Option<&str>,
    synthetic_vi: Option<&str>,
    width: Option<usize>,
) -> String {
    let (Some(en), Some(vi)) = (synthetic, synthetic_vi) else {
        return text;
    };
    let english = wrap(&synthetic_banner(Some(en)), width);
    match text.strip_prefix(&english) {
        Some(rest) => {
            let banner = format!("DỮ LIỆU GIẢ LẬP: {vi}\n(synthetic data: {en})\n");
            format!("{}{rest}", wrap(&banner, width))
        }
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_vietnamese_synthetic_note_comes_first() {
        let text = "DỮ LIỆU GIẢ LẬP (SYNTHETIC DATA): invented\nKế hoạch\n".to_string();
        assert_eq!(
            vietnamese_note_first(text.clone(), Some("invented"), Some("bịa ra"), None),
            "DỮ LIỆU GIẢ LẬP: bịa ra\n(synthetic data: invented)\nKế hoạch\n"
        );
        // No Vietnamese note, another note, or no banner: unchanged.
        assert_eq!(
            vietnamese_note_first(text.clone(), Some("invented"), None, None),
            text
        );
        assert_eq!(
            vietnamese_note_first(text.clone(), Some("other"), Some("khác"), None),
            text
        );
        assert_eq!(
            vietnamese_note_first("Kế hoạch\n".into(), Some("a"), Some("b"), None),
            "Kế hoạch\n"
        );
        // Wrapped as the report wrapped its banner.
        let wrapped = "DỮ LIỆU GIẢ LẬP (SYNTHETIC\n  DATA): invented words\nX\n".to_string();
        assert_eq!(
            wrap(
                "DỮ LIỆU GIẢ LẬP (SYNTHETIC DATA): invented words\n",
                Some(26)
            ),
            "DỮ LIỆU GIẢ LẬP (SYNTHETIC\n  DATA): invented words\n"
        );
        assert_eq!(
            vietnamese_note_first(wrapped, Some("invented words"), Some("bịa ra"), Some(26)),
            "DỮ LIỆU GIẢ LẬP: bịa ra\n(synthetic data: invented\n  words)\nX\n"
        );
    }

    #[test]
    fn long_lines_wrap_at_spaces_with_a_hanging_indent() {
        assert_eq!(wrap("aaa bbb ccc", None), "aaa bbb ccc");
        assert_eq!(wrap("aaa bbb ccc", Some(7)), "aaa bbb\n  ccc");
        assert_eq!(wrap("aaa\nbbb ccc ddd", Some(7)), "aaa\nbbb ccc\n  ddd");
        // A word longer than the width stays whole; Vietnamese letters count as one column.
        assert_eq!(wrap("xã đạt chuẩn", Some(6)), "xã đạt\n  chuẩn");
        assert_eq!(wrap("abcdefghij k", Some(5)), "abcdefghij\n  k");
    }

    #[test]
    fn tables_fit_the_width_they_are_given() {
        let rows = vec![vec![
            "xã đạt tiêu chí số 13 (Tổ chức sản xuất và phát triển kinh tế nông thôn)".to_string(),
            "2023".to_string(),
        ]];
        let narrow = table_within(&["Chỉ tiêu (target)", "Năm (year)"], rows.clone(), Some(40));
        assert!(narrow.lines().all(|l| l.chars().count() <= 40), "{narrow}");
        assert!(narrow.contains("(year)"));
        let wide = table(&["Chỉ tiêu (target)", "Năm (year)"], rows);
        assert_eq!(wide.lines().count(), 5);
    }
}
