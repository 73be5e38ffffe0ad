//! Report of `ntm evaluate`.

use super::{synthetic_banner, table};
use crate::chart::{self, Bar, BarChart, BarPanel, Reference, Unit};
use crate::evaluate::Evaluation;
use crate::number::{format_count, format_trimmed, NumberStyle, AVERAGE_PLACES};

/// Renders an evaluation as text tables (English and Vietnamese labels).
pub fn render_evaluation(e: &Evaluation, per_commune: bool) -> String {
    let mut out = synthetic_banner(e.synthetic.as_deref());
    let s = &e.summary;
    out.push_str(&format!(
        "Communes (số xã): {}   standard (đạt chuẩn NTM): {}   advanced (nâng cao): {}   model (kiểu mẫu): {}\nAverage criteria per commune (bình quân tiêu chí/xã): {:.2}\n\n",
        s.communes,
        s.standard,
        s.advanced,
        s.model,
        s.average_criteria
    ));
    out.push_str(&table(
        &["Band (nhóm tiêu chí)", "Communes (số xã)"],
        s.bands
            .iter()
            .map(|(b, n)| vec![b.clone(), n.to_string()])
            .collect(),
    ));
    out.push_str("\n\n");
    out.push_str(&table(
        &["Criterion", "Tiêu chí", "Communes meeting (số xã đạt)"],
        e.criteria
            .iter()
            .map(|c| {
                vec![
                    format!("c{} {}", c.id, c.name_en),
                    c.name_vi.clone(),
                    format!("{}/{}", c.met, s.communes),
                ]
            })
            .collect(),
    ));
    out.push('\n');
    if !e.districts.is_empty() {
        out.push('\n');
        out.push_str(&table(
            &[
                "District (huyện)",
                "Communes",
                "Standard",
                "Average criteria",
            ],
            e.districts
                .iter()
                .map(|d| {
                    vec![
                        d.district.clone(),
                        d.summary.communes.to_string(),
                        d.summary.standard.to_string(),
                        format!("{:.2}", d.summary.average_criteria),
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
                "Commune (xã)",
                "District",
                "Criteria",
                "Band",
                "Tier",
                "Blocking next tier (tiêu chí còn thiếu)",
            ],
            e.per_commune
                .iter()
                .map(|c| {
                    let mut blocking: Vec<String> =
                        c.blocking.iter().map(|id| format!("c{id}")).collect();
                    if c.blocking_model_conditions {
                        blocking.push("QĐ 319 conditions".into());
                    }
                    let prefix = match c.next_tier {
                        Some(t) if !blocking.is_empty() => format!("{}: ", t.as_str()),
                        _ => String::new(),
                    };
                    vec![
                        c.name.clone(),
                        c.district.clone().unwrap_or_default(),
                        c.criteria_met.to_string(),
                        c.band.clone(),
                        c.tier.map_or("-".into(), |t| t.as_str().to_string()),
                        format!("{prefix}{}", blocking.join(" ")),
                    ]
                })
                .collect(),
        ));
        out.push('\n');
    }
    out
}

/// Where the communes stand, as a [`BarChart`]: communes meeting each criterion against the
/// commune count, then communes per band (nhóm theo số tiêu chí đạt).
pub fn evaluation_chart(e: &Evaluation, scenario: &str) -> BarChart {
    let style = NumberStyle::Vietnamese;
    let s = &e.summary;
    let n = s.communes;
    let count = |c: usize| format_count(c as u64, style);
    BarChart {
        title: format!(
            "{scenario}: hiện trạng {} xã theo tiêu chí (where {} communes stand, by criterion)",
            count(n),
            count(n)
        ),
        notes: vec![format!(
            "Đạt chuẩn NTM (at standard): {}/{} xã; nâng cao (advanced): {}; kiểu mẫu (model): {}; bình quân (average) {} tiêu chí/xã (criteria per commune). Bộ tiêu chí (catalog): {}.",
            count(s.standard),
            count(n),
            count(s.advanced),
            count(s.model),
            format_trimmed(s.average_criteria, AVERAGE_PLACES, style),
            e.catalog
        )],
        banner: e
            .synthetic
            .as_ref()
            .map(|note| format!("DỮ LIỆU GIẢ LẬP (synthetic data): {note}")),
        description: "Biểu đồ thanh (bar chart): số xã đạt từng tiêu chí so với tổng số xã, rồi số xã theo nhóm số tiêu chí đạt (communes meeting each criterion against the commune count, then communes per band).".into(),
        panels: vec![
            BarPanel {
                heading: "Số xã đạt từng tiêu chí (communes meeting each criterion)".into(),
                unit: Unit::Count,
                bars: e
                    .criteria
                    .iter()
                    .map(|c| Bar {
                        label: format!("{}. {} ({})", c.id, c.name_vi, c.name_en),
                        value: c.met as f64,
                        series: 0,
                        text: Some(format!("{}/{}", count(c.met), count(n))),
                    })
                    .collect(),
                reference: Some(Reference {
                    value: n as f64,
                    label: format!("{} xã (communes)", count(n)),
                }),
            },
            BarPanel {
                heading: "Số xã theo số tiêu chí đạt (communes by criteria met, bands)".into(),
                unit: Unit::Count,
                bars: s
                    .bands
                    .iter()
                    .map(|(band, communes)| Bar {
                        label: format!("{} tiêu chí (criteria)", band.replace('-', "–")),
                        value: *communes as f64,
                        series: 2,
                        text: Some(format!("{} xã", count(*communes))),
                    })
                    .collect(),
                reference: None,
            },
        ],
        numbers: style,
    }
}

/// The status chart as SVG ([`evaluation_chart`] drawn by [`chart::bars`]).
pub fn evaluation_svg(e: &Evaluation, scenario: &str) -> String {
    chart::bars(&evaluation_chart(e, scenario))
}
