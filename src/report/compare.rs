//! Report of `ntm compare`: rules and the optimal plan side by side.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use crate::chart::{self, bilingual, Bar, BarChart, BarPanel, Reference, Unit};

use super::plan::status_label;
use super::{
    chart_banner, document_places, format_decimal_text, format_value, synthetic_banner, table,
};
use crate::number::{format_count, format_money, format_trimmed, NumberStyle, MONEY_PLACES};
use crate::whatif::compare::{Column, ColumnKind, Comparison, VariantComparison, MAX_MULTIPLIER};

/// Places of a budget multiplier (×1,234).
const MULTIPLIER_PLACES: u32 = 3;

/// Renders a comparison: one row per measure, one column per rule and the optimal plan; money at
/// the precision of the budget compared (at least [`MONEY_PLACES`] for derived amounts).
pub fn render_comparison(c: &Comparison, style: NumberStyle) -> String {
    let places = document_places([c.budget]);
    let num = |value: Decimal| format_trimmed(value, places, style);
    let derived = |value: Decimal| format_trimmed(value, places.max(MONEY_PLACES), style);
    let count = |n: u64| format_count(n, style);
    let mut out = synthetic_banner(c.synthetic.as_deref());
    out.push_str(&format!(
        "Kịch bản (scenario): {}   năm (year): {}   số xã (communes): {}\nVốn so sánh (money compared): {} triệu đồng (million VND) từ (from) {}\nĐạt chuẩn trước (at standard before): {}   tổng tiêu chí đạt trước (criteria met before): {}\n\n",
        c.scenario,
        c.year,
        count(c.communes as u64),
        num(c.budget),
        c.sources.join(", "),
        count(c.standard_before as u64),
        count(u64::from(c.criteria_before))
    ));
    let mut headers = vec!["Chỉ số (measure)".to_string()];
    headers.extend(c.columns.iter().map(|col| match col.kind {
        ColumnKind::Optimal => format!("{} ({})", col.label_vi(), col.name),
        ColumnKind::Rule => col.name.clone(),
    }));
    let row = |label: &str, f: &dyn Fn(&crate::whatif::compare::Column) -> String| {
        let mut r = vec![label.to_string()];
        r.extend(c.columns.iter().map(f));
        r
    };
    let opt =
        |v: Option<Decimal>, show: &dyn Fn(Decimal) -> String| v.map_or("-".to_string(), show);
    let mut rows = vec![
        row("Số xã đạt chuẩn (communes at standard)", &|x| {
            format!(
                "{} (+{})",
                count(x.standard as u64),
                count(x.newly_standard as u64)
            )
        }),
        row("Tổng tiêu chí đạt (criteria met)", &|x| {
            count(u64::from(x.criteria_met))
        }),
    ];
    if let Some(first) = c.columns.first() {
        for (i, t) in first.targets.iter().enumerate() {
            rows.push(row(
                &format!(
                    "Chỉ tiêu (target): {} ({}) ≥ {}",
                    t.name_vi,
                    t.name,
                    format_value(t.target, style)
                ),
                &|x| {
                    x.targets.get(i).map_or("-".into(), |o| {
                        format!(
                            "{}/{}",
                            format_value(o.achieved, style),
                            format_value(o.target, style)
                        )
                    })
                },
            ));
        }
    }
    rows.extend([
        row("Đã chi (spent)", &|x| num(x.spent)),
        row("Vốn chưa sử dụng (money unused)", &|x| num(x.unused)),
        row(
            "Chi phí/xã mới đạt chuẩn (cost per commune newly at standard)",
            &|x| opt(x.cost_per_new_standard, &derived),
        ),
        row(
            &format!(
                "Tỷ lệ vốn cho nhóm thấp nhất {} (% of money to the poorest band)",
                c.poorest_band.as_deref().unwrap_or("-")
            ),
            &|x| opt(x.poorest_band_share, &|v| format_trimmed(v, 1, style)),
        ),
        row(
            "Hệ số Gini của vốn mỗi xã (Gini of money per commune)",
            &|x| opt(x.gini, &|v| format_trimmed(v, 3, style)),
        ),
    ]);
    if c.columns.iter().any(|x| x.price.is_some()) {
        rows.push(row(
            "Vốn cần thêm để đạt số xã của kế hoạch tối ưu (price: extra money to reach the optimal count)",
            &|x| match &x.price {
                Some(p) => match (p.extra, p.multiplier) {
                    (Some(extra), Some(m)) => format!(
                        "+{} (×{})",
                        num(extra),
                        format_trimmed(m, MULTIPLIER_PLACES, style)
                    ),
                    _ => format!("không đạt ở (not reached at) ×{MAX_MULTIPLIER}"),
                },
                None => "-".into(),
            },
        ));
        rows.push(row("Trạng thái kế hoạch (plan status)", &|x| {
            x.status.map_or("-".into(), |s| status_label(s).to_string())
        }));
    }
    let header_refs: Vec<&str> = headers.iter().map(String::as_str).collect();
    out.push_str(&table(&header_refs, rows));
    out.push_str(&format!(
        "\nĐộ phân tán tính trên (spread counts) {}.\n",
        c.spread_basis
    ));
    out
}

/// Renders what changed between two scenario variants.
pub fn render_variants(v: &VariantComparison, style: NumberStyle) -> String {
    // The changes carry exact decimals (as JSON does); people see them rounded and grouped.
    let show = |text: &str| format_decimal_text(text, MONEY_PLACES.max(2), style);
    let mut out = format!(
        "Phương án (variants): {} → {}\n\nĐầu vào thay đổi (inputs that changed):\n",
        v.first, v.second
    );
    out.push_str(&table(
        &["Đầu vào (input)", &v.first, &v.second],
        v.inputs
            .iter()
            .map(|i| {
                vec![
                    format!("{} ({})", i.what_vi, i.what),
                    show(&i.before),
                    show(&i.after),
                ]
            })
            .collect(),
    ));
    out.push_str("\n\nKết quả thay đổi (results that changed):\n");
    out.push_str(&table(
        &["Cột (column)", "Chỉ số (measure)", &v.first, &v.second],
        v.results
            .iter()
            .map(|r| {
                vec![
                    format!("{} ({})", r.column_vi, r.column),
                    format!("{} ({})", r.measure_vi, r.measure),
                    show(&r.before),
                    show(&r.after),
                ]
            })
            .collect(),
    ));
    out.push_str("\n\n");
    for c in &v.comparisons {
        out.push_str(&render_comparison(c, style));
        out.push('\n');
    }
    out
}

/// Rules and the optimal plan side by side as a [`BarChart`]: communes at standard, criteria met
/// and money spent, one bar per column, coloured as in the sweep chart (optimal plan first
/// colour, rules after).
pub fn comparison_chart(c: &Comparison) -> BarChart {
    let style = NumberStyle::Vietnamese;
    let mut rule_index = 0;
    let columns: Vec<(String, usize)> = c
        .columns
        .iter()
        .map(|col| match col.kind {
            ColumnKind::Optimal => (
                bilingual(
                    "Kế hoạch tối ưu: nhiều xã đạt chuẩn nhất",
                    "optimal plan: most communes at standard",
                ),
                0,
            ),
            ColumnKind::Rule => {
                rule_index += 1;
                (
                    bilingual(
                        &format!("Quy tắc {}", col.name),
                        &format!("rule {}", col.name),
                    ),
                    rule_index,
                )
            }
        })
        .collect();
    let panel = |heading: &str,
                 unit: Unit,
                 value: &dyn Fn(&Column) -> (f64, String),
                 reference: Option<Reference>| BarPanel {
        heading: heading.into(),
        unit,
        bars: c
            .columns
            .iter()
            .zip(&columns)
            .map(|(col, (label, series))| {
                let (v, text) = value(col);
                Bar {
                    label: label.clone(),
                    value: v,
                    series: *series,
                    text: Some(text),
                }
            })
            .collect(),
        reference,
    };
    let count = |n: u64| format_count(n, style);
    BarChart {
        title: format!(
            "{}, {}: các quy tắc phân bổ với cùng {} triệu đồng (allocation rules side by side, same money)",
            c.scenario,
            c.year,
            format_money(c.budget, style)
        ),
        notes: vec![
            format!(
                "Nguồn so sánh (sources compared): {}. Mỗi quy tắc chia số vốn cho các xã, rồi xã tự chi (each rule divides the money among communes, which then spend it).",
                c.sources.join(", ")
            ),
            "Kế hoạch tối ưu tối đa số xã đạt chuẩn, không tối đa số tiêu chí đạt (the optimal plan maximises communes at standard, not criteria met).".into(),
        ],
        banner: chart_banner(c.synthetic.as_deref()),
        description: "Biểu đồ thanh so sánh quy tắc phân bổ và kế hoạch tối ưu (bar chart comparing allocation rules and the optimal plan).".into(),
        panels: vec![
            panel(
                "Số xã đạt chuẩn (communes at standard)",
                Unit::Count,
                &|col| {
                    (
                        col.standard as f64,
                        format!("{} (+{})", count(col.standard as u64), count(col.newly_standard as u64)),
                    )
                },
                Some(Reference {
                    value: c.standard_before as f64,
                    label: format!("trước (before): {}", count(c.standard_before as u64)),
                }),
            ),
            panel(
                "Tổng số tiêu chí đạt, mọi xã (criteria met, all communes)",
                Unit::Count,
                &|col| (f64::from(col.criteria_met), count(u64::from(col.criteria_met))),
                Some(Reference {
                    value: f64::from(c.criteria_before),
                    label: format!("trước (before): {}", count(u64::from(c.criteria_before))),
                }),
            ),
            panel(
                "Vốn đã chi cho dự án, triệu đồng (spent on projects, million VND)",
                Unit::MillionVnd,
                &|col| (col.spent.to_f64().unwrap_or(0.0), format_money(col.spent, style)),
                Some(Reference {
                    value: c.budget.to_f64().unwrap_or(0.0),
                    label: format!("tổng vốn (budget): {}", format_money(c.budget, style)),
                }),
            ),
        ],
        numbers: style,
    }
}

/// The comparison chart as SVG ([`comparison_chart`] drawn by [`chart::bars`]).
pub fn comparison_svg(c: &Comparison) -> String {
    chart::bars(&comparison_chart(c))
}
