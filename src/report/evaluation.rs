//! Report of `ntm evaluate`.

use super::{chart_banner, synthetic_banner, table};
use crate::chart::{self, Bar, BarChart, BarPanel, Reference, Unit};
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
    if !e.level_targets.is_empty() {
        out.push_str("\nTargets on criteria of the advanced set, QĐ 318 Phụ lục II (chỉ tiêu tiêu chí nâng cao):\n");
        out.push_str(&table(
            &[
                "Advanced criterion",
                "Tiêu chí nâng cao",
                "Year (năm)",
                "Target (chỉ tiêu)",
                "Now (hiện nay)",
                "Source (nguồn)",
            ],
            e.level_targets
                .iter()
                .map(|t| {
                    vec![
                        format!("{} c{} {}", t.level.as_str(), t.criterion, t.name_en),
                        t.name_vi.clone(),
                        t.year.to_string(),
                        t.target.normalize().to_string(),
                        format!("{}/{}", t.now, s.communes),
                        t.source.clone(),
                    ]
                })
                .collect(),
        ));
        out.push('\n');
    }
    if !e.indicators.is_empty() {
        out.push_str("\nCriteria decided from indicator values (tiêu chí theo chỉ tiêu):\n");
        out.push_str(&table(
            &[
                "Commune (xã)",
                "Decision (kết luận)",
                "Source of the threshold (căn cứ)",
            ],
            e.indicators
                .iter()
                .map(|i| {
                    vec![
                        i.name.clone(),
                        i.text.clone(),
                        i.decision.threshold_source.clone(),
                    ]
                })
                .collect(),
        ));
        out.push('\n');
    }
    out.push_str(&render_groups(e, style));
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
        banner: chart_banner(e.synthetic.as_deref()),
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

/// The commune groups of QĐ 51/2025 (nhóm xã): communes, at standard and meeting each criterion
/// per group ("số xã nhóm 2 đạt tiêu chí …"), then each indicator by group, then the province
/// conditions of Phụ lục III, not assessed. Empty for a catalog without groups.
fn render_groups(e: &Evaluation, style: NumberStyle) -> String {
    let count = |n: usize| format_count(n as u64, style);
    let mut out = String::new();
    if !e.groups.is_empty() {
        let mut headers = vec![
            "Nhóm xã (commune group)".to_string(),
            "Số xã (communes)".to_string(),
            "Đạt chuẩn (standard)".to_string(),
        ];
        headers.extend(e.criteria.iter().map(|c| format!("c{}", c.id)));
        let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
        out.push_str(
            "\nSố xã theo nhóm đạt từng tiêu chí (communes per group meeting each criterion):\n",
        );
        out.push_str(&table(
            &headers,
            e.groups
                .iter()
                .map(|g| {
                    let mut row = vec![g.name_vi.clone(), count(g.communes), count(g.standard)];
                    row.extend(g.criteria.iter().map(|c| count(c.met)));
                    row
                })
                .collect(),
        ));
        out.push('\n');
    }
    if e.indicator_counts.iter().any(|i| !i.by_group.is_empty()) {
        out.push_str("\nSố xã đạt từng chỉ tiêu theo nhóm (communes meeting each indicator, by group; đạt/có số liệu):\n");
        let mut headers = vec![
            "Chỉ tiêu (indicator)".to_string(),
            "Tất cả (all)".to_string(),
        ];
        if let Some(first) = e.indicator_counts.first() {
            headers.extend(first.by_group.iter().map(|g| g.group.label_vi()));
        }
        let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
        out.push_str(&table(
            &headers,
            e.indicator_counts
                .iter()
                .map(|i| {
                    let mut row = vec![
                        format!("c{} {}", i.criterion, i.name_vi),
                        format!("{}/{}", count(i.met), count(i.valued)),
                    ];
                    row.extend(
                        i.by_group
                            .iter()
                            .map(|g| format!("{}/{}", count(g.met), count(g.communes))),
                    );
                    row
                })
                .collect(),
        ));
        out.push('\n');
    }
    if let Some(p) = &e.province_conditions {
        out.push_str(&format!(
            "\nĐiều kiện tỉnh hoàn thành nhiệm vụ (province conditions): chưa đánh giá (not assessed) — {}",
            p.source
        ));
        if let Some(note) = &p.note {
            out.push_str(&format!("; {note}"));
        }
        out.push('\n');
        for c in &p.not_assessed {
            out.push_str(&format!(
                "  - {}: chưa đánh giá (not assessed) — {}\n",
                c.name_vi, c.source
            ));
        }
    }
    out
}
