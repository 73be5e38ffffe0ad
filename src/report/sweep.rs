//! Report of `ntm sweep`: a table, a CSV file and an SVG chart of the budget–outcome curve.

use std::path::{Path, PathBuf};

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::{chart_banner, document_places, synthetic_banner, table};
use crate::chart::{self, bilingual, Axis, StepChart, StepPanel, Unit};
use crate::error::Result;
use crate::number::{format_count, format_money, format_trimmed, NumberStyle};
use crate::whatif::sweep::{SeriesValue, SourceSelection, Sweep};

/// A decimal without trailing zeros, for the CSV file (other programs read it).
fn num(value: rust_decimal::Decimal) -> String {
    value.normalize().to_string()
}

/// Places of a budget multiplier (×1,2632).
const MULTIPLIER_PLACES: u32 = 4;

/// Renders the curve as a table: one row per budget level, standard/criteria per series,
/// numbers in `style`, budgets at the precision of the budget at ×1.
pub fn render_sweep(s: &Sweep, style: NumberStyle) -> String {
    let money = |v| format_trimmed(v, document_places([s.base_budget]), style);
    let count = |n: u64| format_count(n, style);
    let mut out = synthetic_banner(s.synthetic.as_deref());
    out.push_str(&format!(
        "Kịch bản (scenario): {}   năm (year): {}\nNguồn vốn (sources in play): {}{}; thay đổi (scaled): {}; tổng vốn ở ×1 (budget at ×1): {} triệu đồng (million VND)\n{}Mỗi ô: số xã đạt chuẩn / tổng tiêu chí đạt (cells: communes at standard / criteria met); * = giữ kế hoạch của mức vốn nhỏ hơn (plan of a smaller budget kept)\n\n",
        s.scenario,
        s.year,
        s.sources.join(", "),
        match s.selection {
            SourceSelection::StateBudget => " (mọi nguồn ngân sách nhà nước, every state-budget source)",
            SourceSelection::Given => "",
        },
        s.scaled.join(", "),
        money(s.base_budget),
        if s.left_out.is_empty() {
            String::new()
        } else {
            format!("Không tính (left out): {}\n", s.left_out.join(", "))
        }
    ));
    let mut headers = vec![
        "Hệ số (multiplier)".to_string(),
        "Tổng vốn (budget)".to_string(),
    ];
    headers.extend(s.series.iter().cloned());
    let rows = s
        .points
        .iter()
        .map(|p| {
            let mut row = vec![
                format_trimmed(p.multiplier, MULTIPLIER_PLACES, style),
                money(p.budget),
            ];
            row.extend(p.values.iter().map(|v| {
                format!(
                    "{} / {}{}",
                    count(v.standard as u64),
                    count(u64::from(v.criteria_met)),
                    if v.carried { "*" } else { "" }
                )
            }));
            row
        })
        .collect();
    let refs: Vec<&str> = headers.iter().map(String::as_str).collect();
    out.push_str(&table(&refs, rows));
    out.push('\n');
    out
}

/// The curve as CSV: `multiplier,budget,<series>_standard,<series>_criteria…,optimal_carried`.
pub fn sweep_csv(s: &Sweep) -> String {
    let mut header = vec!["multiplier".to_string(), "budget_million_vnd".to_string()];
    for name in &s.series {
        header.push(format!("{name}_standard"));
        header.push(format!("{name}_criteria_met"));
    }
    header.push("optimal_carried".into());
    let mut lines = vec![header.join(",")];
    for p in &s.points {
        let mut row = vec![num(p.multiplier), num(p.budget)];
        for v in &p.values {
            row.push(v.standard.to_string());
            row.push(v.criteria_met.to_string());
        }
        row.push(p.values.first().is_some_and(|v| v.carried).to_string());
        lines.push(row.join(","));
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// What the optimal plan optimises, said on the chart: the criteria curve of a plan that does
/// not maximise criteria may fall as money rises.
fn optimises(tie_break: bool) -> &'static str {
    if tie_break {
        "Kế hoạch tối ưu: nhiều xã đạt chuẩn nhất, rồi ít vốn ngân sách nhà nước nhất; nó không tối đa số tiêu chí đạt, nên đường tiêu chí có thể giảm khi vốn tăng (the optimal plan maximises communes at standard, then spends the least state budget; it does not maximise criteria met, so its criteria curve may fall as money rises)."
    } else {
        "Kế hoạch tối ưu chỉ tối đa số xã đạt chuẩn, nên số tiêu chí đạt của nó có thể giảm khi vốn tăng (the optimal plan maximises communes at standard only; its criteria met may fall as money rises)."
    }
}

/// The legend name of the optimal plan.
fn optimal_label(tie_break: bool) -> String {
    if tie_break {
        bilingual(
            "Kế hoạch tối ưu: nhiều xã đạt chuẩn nhất, rồi ít vốn ngân sách nhất",
            "optimal plan: most communes at standard, then least state-budget spend",
        )
    } else {
        bilingual(
            "Kế hoạch tối ưu: nhiều xã đạt chuẩn nhất",
            "optimal plan: most communes at standard",
        )
    }
}

/// The curve as a [`StepChart`]: two panels (communes at standard, criteria met) against the
/// total budget in play; the title says which sources move, the notes what the optimal plan
/// optimises and which sources are left out. The web workbench draws the same value.
pub fn sweep_chart(s: &Sweep) -> StepChart {
    let style = NumberStyle::Vietnamese;
    let multiplier = |m: Decimal| format_trimmed(m, 3, style);
    let range = match (s.points.first(), s.points.last()) {
        (Some(a), Some(b)) => format!(
            "×{}–×{}",
            multiplier(a.multiplier),
            multiplier(b.multiplier)
        ),
        _ => String::new(),
    };
    let all_move = s.scaled.len() == s.sources.len();
    let moving = if s.selection == SourceSelection::StateBudget && all_move {
        bilingual(
            &format!("mọi nguồn ngân sách nhà nước thay đổi {range}"),
            &format!(
                "every state-budget source moves {}",
                range.replace(',', ".")
            ),
        )
    } else {
        bilingual(
            &format!("nguồn {} thay đổi {range}", s.scaled.join(", ")),
            &format!("{} move {}", s.scaled.join(", "), range.replace(',', ".")),
        )
    };
    let title = format!("{}, {}: {moving}", s.scenario, s.year);
    let mut notes = vec![format!(
        "Nguồn trong cuộc (sources in play): {}; tổng ở ×1 (total at ×1): {} triệu đồng (million VND).",
        s.sources.join(", "),
        format_money(s.base_budget, style)
    )];
    let held: Vec<&String> = s.sources.iter().filter(|x| !s.scaled.contains(x)).collect();
    if !held.is_empty() {
        notes.push(format!(
            "Giữ nguyên (held at budget): {}.",
            held.iter()
                .map(|x| x.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if !s.left_out.is_empty() {
        let why = match s.selection {
            SourceSelection::StateBudget => "not state budget, no rule divides them",
            SourceSelection::Given => "not given with --source",
        };
        notes.push(format!(
            "Không tính (left out, {why}): {}.",
            s.left_out.join(", ")
        ));
    }
    notes.push(format!(
        "{} Mỗi quy tắc chia cùng số vốn cho các xã, rồi xã tự chi (each rule divides the same money among communes, which then spend it).",
        optimises(s.tie_break)
    ));
    let series: Vec<String> = s
        .series
        .iter()
        .map(|name| {
            if name == "optimal" {
                optimal_label(s.tie_break)
            } else {
                bilingual(&format!("Quy tắc {name}"), &format!("rule {name}"))
            }
        })
        .collect();
    let column = |f: &dyn Fn(&SeriesValue) -> f64| -> Vec<Vec<f64>> {
        (0..s.series.len())
            .map(|i| {
                s.points
                    .iter()
                    .map(|p| p.values.get(i).map_or(0.0, f))
                    .collect()
            })
            .collect()
    };
    let hollow: Vec<Vec<bool>> = (0..s.series.len())
        .map(|i| {
            s.points
                .iter()
                .map(|p| p.values.get(i).is_some_and(|v| v.carried))
                .collect()
        })
        .collect();
    let any_hollow = hollow.iter().flatten().any(|h| *h);
    StepChart {
        title,
        notes,
        banner: chart_banner(s.synthetic.as_deref()),
        description: "Biểu đồ bậc thang (step chart): số xã đạt chuẩn và tổng số tiêu chí đạt theo tổng vốn, mỗi đường một kế hoạch hoặc quy tắc (communes at standard and criteria met against the total budget, one line per plan or rule).".into(),
        x: Axis {
            label: "Tổng vốn các nguồn trong cuộc, tỷ đồng = 1.000 triệu (total budget of the sources in play, billion VND)".into(),
            unit: Unit::MillionVnd,
        },
        x_values: s
            .points
            .iter()
            .map(|p| p.budget.to_f64().unwrap_or(0.0))
            .collect(),
        x_mark: (s.points.first().is_some_and(|p| p.multiplier <= Decimal::ONE)
            && s.points.last().is_some_and(|p| p.multiplier >= Decimal::ONE))
        .then(|| chart::Reference {
            value: s.base_budget.to_f64().unwrap_or(0.0),
            label: format!(
                "×1: vốn năm {} (the year's budget), {} triệu",
                s.year,
                format_money(s.base_budget, style)
            ),
        }),
        series,
        hollow,
        hollow_label: any_hollow.then(|| {
            "Điểm rỗng: giữ kế hoạch của mức vốn nhỏ hơn, tốt hơn lời giải tìm được trong thời hạn (hollow point: the plan of a smaller budget kept, better than the one found in the time limit)".to_string()
        }),
        panels: vec![
            StepPanel {
                y: Axis {
                    label: "Số xã đạt chuẩn (communes at standard)".into(),
                    unit: Unit::Count,
                },
                values: column(&|v| v.standard as f64),
            },
            StepPanel {
                y: Axis {
                    label: "Tổng số tiêu chí đạt, mọi xã (criteria met, all communes)".into(),
                    unit: Unit::Count,
                },
                values: column(&|v| f64::from(v.criteria_met)),
            },
        ],
        numbers: style,
    }
}

/// The curve as an SVG chart ([`sweep_chart`] drawn by [`chart::line_steps`]).
pub fn sweep_svg(s: &Sweep) -> String {
    chart::line_steps(&sweep_chart(s))
}

/// Writes `sweep.csv` and `sweep.svg` into `dir`, atomically; returns their paths.
pub fn write_sweep(sweep: &Sweep, dir: &Path) -> Result<Vec<PathBuf>> {
    let csv = dir.join("sweep.csv");
    let svg = dir.join("sweep.svg");
    // Both or neither: a sweep.csv without its chart (or the old chart) would mislead.
    crate::output::write_all(&[
        (csv.clone(), sweep_csv(sweep).into_bytes()),
        (svg.clone(), sweep_svg(sweep).into_bytes()),
    ])?;
    Ok(vec![csv, svg])
}
