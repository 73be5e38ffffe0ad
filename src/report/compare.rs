//! Report of `ntm compare`: rules and the optimal plan side by side.

use super::allocate::num;
use super::{synthetic_banner, table};
use rust_decimal::prelude::ToPrimitive;

use crate::chart::{self, bilingual, Bar, BarChart, BarPanel, Reference, Unit};
use crate::compare::{Column, ColumnKind, Comparison, VariantComparison, MAX_MULTIPLIER};
use crate::number::{format_count, format_money, NumberStyle};

/// Renders a comparison: one row per measure, one column per rule and the optimal plan.
pub fn render_comparison(c: &Comparison) -> String {
    let mut out = synthetic_banner(c.synthetic.as_deref());
    out.push_str(&format!(
        "Scenario (kịch bản): {}   year (năm): {}   communes (số xã): {}\nMoney compared (vốn so sánh): {} million VND from {}\nAt standard before (đạt chuẩn trước): {}   criteria met before: {}\n\n",
        c.scenario,
        c.year,
        c.communes,
        num(c.budget),
        c.sources.join(", "),
        c.standard_before,
        c.criteria_before
    ));
    let mut headers = vec!["Measure (chỉ số)".to_string()];
    headers.extend(c.columns.iter().map(|col| col.name.clone()));
    let row = |label: &str, f: &dyn Fn(&crate::compare::Column) -> String| {
        let mut r = vec![label.to_string()];
        r.extend(c.columns.iter().map(f));
        r
    };
    let opt = |v: Option<rust_decimal::Decimal>| v.map_or("-".to_string(), num);
    let mut rows = vec![
        row("Communes at standard (số xã đạt chuẩn)", &|x| {
            format!("{} (+{})", x.standard, x.newly_standard)
        }),
        row("Criteria met (tổng tiêu chí đạt)", &|x| {
            x.criteria_met.to_string()
        }),
    ];
    if let Some(first) = c.columns.first() {
        for (i, t) in first.targets.iter().enumerate() {
            rows.push(row(
                &format!("Target: {} ≥ {}", t.name, num(t.target)),
                &|x| {
                    x.targets.get(i).map_or("-".into(), |o| {
                        format!("{}/{}", num(o.achieved), num(o.target))
                    })
                },
            ));
        }
    }
    rows.extend([
        row("Spent (đã chi)", &|x| num(x.spent)),
        row("Money unused (vốn chưa sử dụng)", &|x| num(x.unused)),
        row(
            "Cost per commune newly at standard (chi phí/xã mới đạt chuẩn)",
            &|x| opt(x.cost_per_new_standard),
        ),
        row(
            &format!(
                "% of money to the poorest band {} (tỷ lệ vốn cho nhóm thấp nhất)",
                c.poorest_band.as_deref().unwrap_or("-")
            ),
            &|x| opt(x.poorest_band_share),
        ),
        row("Gini of money per commune (hệ số Gini)", &|x| {
            opt(x.gini)
        }),
    ]);
    if c.columns.iter().any(|x| x.price.is_some()) {
        rows.push(row(
            "Price: extra money to reach the optimal count (vốn cần thêm)",
            &|x| match &x.price {
                Some(p) => match (p.extra, p.multiplier) {
                    (Some(extra), Some(m)) => format!("+{} (×{})", num(extra), num(m)),
                    _ => format!("not reached at ×{MAX_MULTIPLIER}"),
                },
                None => "-".into(),
            },
        ));
        rows.push(row("Plan status", &|x| {
            x.status
                .map_or("-".into(), |s| format!("{s:?}").to_lowercase())
        }));
    }
    let header_refs: Vec<&str> = headers.iter().map(String::as_str).collect();
    out.push_str(&table(&header_refs, rows));
    out.push_str(&format!("\nSpread counts {}.\n", c.spread_basis));
    out
}

/// Renders what changed between two scenario variants.
pub fn render_variants(v: &VariantComparison) -> String {
    let mut out = format!(
        "Variants (phương án): {} → {}\n\nInputs that changed (đầu vào thay đổi):\n",
        v.first, v.second
    );
    out.push_str(&table(
        &["Input", &v.first, &v.second],
        v.inputs
            .iter()
            .map(|i| vec![i.what.clone(), i.before.clone(), i.after.clone()])
            .collect(),
    ));
    out.push_str("\n\nResults that changed (kết quả thay đổi):\n");
    out.push_str(&table(
        &["Column", "Measure", &v.first, &v.second],
        v.results
            .iter()
            .map(|r| {
                vec![
                    r.column.clone(),
                    r.measure.clone(),
                    r.before.clone(),
                    r.after.clone(),
                ]
            })
            .collect(),
    ));
    out.push_str("\n\n");
    for c in &v.comparisons {
        out.push_str(&render_comparison(c));
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
        banner: c
            .synthetic
            .as_ref()
            .map(|note| format!("DỮ LIỆU GIẢ LẬP (synthetic data): {note}")),
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
