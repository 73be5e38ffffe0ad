//! Report of `ntm synthesize`.

use super::{synthetic_banner, table};
use crate::synthesize::Synthesis;

/// Renders a synthesis: the banner, the assumed values, and every published figure against the
/// synthetic matrix (English and Vietnamese labels).
pub fn render_synthesis(s: &Synthesis, written: Option<&std::path::Path>) -> String {
    let mut out = synthetic_banner(Some(&s.synthetic));
    out.push_str(&format!(
        "Scenario (kịch bản): {}   seed: {}   communes (số xã): {}   criteria met in total (tổng tiêu chí đạt): {}\n",
        s.scenario,
        s.seed,
        s.communes.len(),
        s.total_criteria
    ));
    if let Some(year) = s.year {
        out.push_str(&format!(
            "Figures for end of {year} (số liệu cuối năm {year})\n"
        ));
    }
    if !s.assumed_criteria.is_empty() {
        let values: Vec<String> = s
            .assumed_criteria
            .iter()
            .map(|(k, v)| format!("{k} = {v}"))
            .collect();
        out.push_str(&format!(
            "Assumed (giả định): {}{}\n",
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
            "Figure (số liệu)",
            "Published (công bố)",
            "Synthetic (giả lập)",
            "Holds (khớp)",
            "Basis",
        ],
        s.checks
            .iter()
            .map(|c| {
                vec![
                    c.figure.clone(),
                    c.published.clone(),
                    c.synthesized.clone(),
                    if c.holds { "yes" } else { "NO" }.to_string(),
                    c.basis.clone(),
                ]
            })
            .collect(),
    ));
    out.push('\n');
    match written {
        Some(path) => out.push_str(&format!("Wrote (đã ghi) {}\n", path.display())),
        None => out
            .push_str("Not written: add --write to save communes.csv (thêm --write để ghi tệp).\n"),
    }
    out
}
