//! Report of `ntm evaluate`.

use super::{synthetic_banner, table};
use crate::evaluate::Evaluation;
use crate::number::{format_count, format_trimmed, NumberStyle, AVERAGE_PLACES};

/// Renders an evaluation as text tables (Vietnamese labels with English beside them), numbers
/// in `style`; averages rounded half-up at [`AVERAGE_PLACES`] (41/3 = 13,67).
pub fn render_evaluation(e: &Evaluation, per_commune: bool, style: NumberStyle) -> String {
    let count = |n: usize| format_count(n as u64, style);
    let average = |a| format_trimmed(a, AVERAGE_PLACES, style);
    let mut out = synthetic_banner(e.synthetic.as_deref());
    let s = &e.summary;
    out.push_str(&format!(
        "Số xã (communes): {}   đạt chuẩn NTM (standard): {}   nâng cao (advanced): {}   kiểu mẫu (model): {}\nBình quân tiêu chí/xã (average criteria per commune): {}\n\n",
        count(s.communes),
        count(s.standard),
        count(s.advanced),
        count(s.model),
        average(s.average_criteria)
    ));
    out.push_str(&table(
        &["Nhóm tiêu chí (band)", "Số xã (communes)"],
        s.bands
            .iter()
            .map(|(b, n)| vec![b.clone(), count(*n)])
            .collect(),
    ));
    out.push_str("\n\n");
    out.push_str(&table(
        &["Tiêu chí", "Criterion", "Số xã đạt (communes meeting)"],
        e.criteria
            .iter()
            .map(|c| {
                vec![
                    format!("{}. {}", c.id, c.name_vi),
                    format!("c{} {}", c.id, c.name_en),
                    format!("{}/{}", count(c.met), count(s.communes)),
                ]
            })
            .collect(),
    ));
    out.push('\n');
    if !e.districts.is_empty() {
        out.push('\n');
        out.push_str(&table(
            &[
                "Huyện (district)",
                "Số xã (communes)",
                "Đạt chuẩn (standard)",
                "Bình quân tiêu chí (average criteria)",
            ],
            e.districts
                .iter()
                .map(|d| {
                    vec![
                        d.district.clone(),
                        count(d.summary.communes),
                        count(d.summary.standard),
                        average(d.summary.average_criteria),
                    ]
                })
                .collect(),
        ));
        out.push('\n');
    }
    if per_commune {
        out.push('\n');
        out.push_str(&table(
            &[
                "Xã (commune)",
                "Huyện (district)",
                "Số tiêu chí (criteria)",
                "Nhóm (band)",
                "Mức (tier)",
                "Tiêu chí còn thiếu cho mức sau (blocking next tier)",
            ],
            e.per_commune
                .iter()
                .map(|c| {
                    let mut blocking: Vec<String> =
                        c.blocking.iter().map(|id| format!("c{id}")).collect();
                    if c.blocking_model_conditions {
                        blocking.push("điều kiện QĐ 319 (QĐ 319 conditions)".into());
                    }
                    let prefix = match c.next_tier {
                        Some(t) if !blocking.is_empty() => format!("{}: ", super::tier_label(t)),
                        _ => String::new(),
                    };
                    vec![
                        c.name.clone(),
                        c.district.clone().unwrap_or_default(),
                        c.criteria_met.to_string(),
                        c.band.clone(),
                        c.tier
                            .map_or("-".into(), |t| super::tier_label(t).to_string()),
                        format!("{prefix}{}", blocking.join(" ")),
                    ]
                })
                .collect(),
        ));
        out.push('\n');
    }
    out
}
