//! Report of `ntm synthesize`.

use super::{format_decimal_text, synthetic_banner, table};
use crate::number::{format_count, NumberStyle, AVERAGE_PLACES};
use crate::synthesize::Synthesis;

/// Renders a synthesis: the banner, the assumed values, and every published figure against the
/// synthetic matrix (Vietnamese labels with English beside them), numbers in `style`.
pub fn render_synthesis(
    s: &Synthesis,
    written: Option<&std::path::Path>,
    style: NumberStyle,
) -> String {
    let figure = |text: &str| format_decimal_text(text, AVERAGE_PLACES, style);
    let mut out = synthetic_banner(Some(&s.synthetic));
    out.push_str(&format!(
        "Kịch bản (scenario): {}   seed: {}   số xã (communes): {}   tổng tiêu chí đạt (criteria met in total): {}\n",
        s.scenario,
        s.seed,
        format_count(s.communes.len() as u64, style),
        format_count(u64::from(s.total_criteria), style)
    ));
    if let Some(year) = s.year {
        out.push_str(&format!(
            "Số liệu cuối năm {year} (figures for end of {year})\n"
        ));
    }
    if !s.assumed_criteria.is_empty() {
        let values: Vec<String> = s
            .assumed_criteria
            .iter()
            .map(|(k, v)| format!("{k} = {v}"))
            .collect();
        out.push_str(&format!(
            "Giả định (assumed): {}{}\n",
            values.join(", "),
            s.assumed_note
                .as_deref()
                .map(|n| format!(" — {n}"))
                .unwrap_or_default()
        ));
    }
    out.push('\n');
    out.push_str(&table(
        &[
            "Số liệu (figure)",
            "Công bố (published)",
            "Giả lập (synthetic)",
            "Khớp (holds)",
            "Cơ sở (basis)",
        ],
        s.checks
            .iter()
            .map(|c| {
                vec![
                    c.figure.clone(),
                    figure(&c.published),
                    figure(&c.synthesized),
                    if c.holds { "có (yes)" } else { "KHÔNG (NO)" }.to_string(),
                    c.basis.clone(),
                ]
            })
            .collect(),
    ));
    out.push('\n');
    match written {
        Some(path) => out.push_str(&format!("Đã ghi (wrote) {}\n", path.display())),
        None => out.push_str(
            "Chưa ghi: thêm --write để ghi communes.csv (not written: add --write to save communes.csv).\n",
        ),
    }
    out
}
