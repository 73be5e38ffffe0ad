//! Report of `ntm sweep`: a table, a CSV file and an SVG chart of the budget–outcome curve.

use rust_decimal::prelude::ToPrimitive;

use super::{document_places, synthetic_banner, table};
use crate::number::{format_count, format_trimmed, NumberStyle};
use crate::sweep::Sweep;

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
        "Kịch bản (scenario): {}   năm (year): {}\nNguồn vốn (sources in play): {}; thay đổi (scaled): {}; tổng vốn ở ×1 (budget at ×1): {} triệu đồng (million VND)\nMỗi ô: số xã đạt chuẩn / tổng tiêu chí đạt (cells: communes at standard / criteria met); * = giữ kế hoạch của mức vốn nhỏ hơn (plan of a smaller budget kept)\n\n",
        s.scenario,
        s.year,
        s.sources.join(", "),
        s.scaled.join(", "),
        money(s.base_budget)
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

/// Escapes text for XML.
fn xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const COLORS: [&str; 6] = [
    "#1b7837", "#2166ac", "#b2182b", "#e08214", "#762a83", "#4d4d4d",
];
const WIDTH: f64 = 820.0;
const PANEL: f64 = 300.0;
const LEFT: f64 = 90.0;
const RIGHT: f64 = 200.0;

/// Nice upper bound for an axis.
fn nice_max(value: f64) -> f64 {
    if value <= 0.0 {
        return 1.0;
    }
    let magnitude = 10f64.powf(value.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|m| *m >= value)
        .unwrap_or(10.0 * magnitude)
}

fn panel(
    s: &Sweep,
    top: f64,
    label: &str,
    value: &dyn Fn(&crate::sweep::SeriesValue) -> f64,
) -> String {
    let budgets: Vec<f64> = s
        .points
        .iter()
        .map(|p| p.budget.to_f64().unwrap_or(0.0))
        .collect();
    let x_min = budgets.first().copied().unwrap_or(0.0);
    let x_max = budgets.last().copied().unwrap_or(1.0).max(x_min + 1.0);
    let y_max = nice_max(
        s.points
            .iter()
            .flat_map(|p| p.values.iter().map(value))
            .fold(0.0, f64::max),
    );
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = PANEL - 70.0;
    let (x0, y0) = (LEFT, top + 20.0);
    let x = |b: f64| x0 + (b - x_min) / (x_max - x_min) * plot_w;
    let y = |v: f64| y0 + plot_h - v / y_max * plot_h;
    let mut out = format!(
        "<g class=\"panel\">\n<rect x=\"{x0}\" y=\"{y0}\" width=\"{plot_w}\" height=\"{plot_h}\" fill=\"none\" stroke=\"#999\"/>\n"
    );
    for i in 0..=5 {
        let v = y_max * f64::from(i) / 5.0;
        let b = x_min + (x_max - x_min) * f64::from(i) / 5.0;
        out.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\">{}</text>\n<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\">{}</text>\n",
            x0 - 6.0,
            y(v) + 4.0,
            (v * 10.0).round() / 10.0,
            x(b),
            y0 + plot_h + 16.0,
            b.round()
        ));
    }
    out.push_str(&format!(
        "<text class=\"x-label\" x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" text-anchor=\"middle\">Total budget, million VND (tổng vốn, triệu đồng)</text>\n<text class=\"y-label\" x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" text-anchor=\"middle\" transform=\"rotate(-90 {:.1} {:.1})\">{}</text>\n",
        x0 + plot_w / 2.0,
        y0 + plot_h + 36.0,
        x0 - 55.0,
        y0 + plot_h / 2.0,
        x0 - 55.0,
        y0 + plot_h / 2.0,
        xml(label)
    ));
    for (i, name) in s.series.iter().enumerate() {
        let color = COLORS[i % COLORS.len()];
        let points: Vec<String> = s
            .points
            .iter()
            .zip(&budgets)
            .filter_map(|(p, b)| {
                p.values
                    .get(i)
                    .map(|v| format!("{:.1},{:.1}", x(*b), y(value(v))))
            })
            .collect();
        let dash = if i == 0 {
            ""
        } else {
            " stroke-dasharray=\"6 3\""
        };
        out.push_str(&format!(
            "<polyline class=\"series\" data-series=\"{}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"2\"{dash} points=\"{}\"/>\n",
            xml(name),
            points.join(" ")
        ));
    }
    out.push_str("</g>\n");
    out
}

/// The curve as an SVG chart: two panels (communes at standard, criteria met) against the total
/// budget, one polyline per series, a legend; labels in English and Vietnamese.
pub fn sweep_svg(s: &Sweep) -> String {
    let height = 2.0 * PANEL + 60.0;
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{height}\" viewBox=\"0 0 {WIDTH} {height}\" font-family=\"sans-serif\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n<text class=\"title\" x=\"{LEFT}\" y=\"24\" font-size=\"15\">{}</text>\n",
        xml(&format!(
            "Budget–outcome curve (đường cong vốn – kết quả): {}, {}",
            s.scenario, s.year
        ))
    );
    if let Some(note) = &s.synthetic {
        out.push_str(&format!(
            "<text x=\"{LEFT}\" y=\"42\" font-size=\"11\" fill=\"#b2182b\">{}</text>\n",
            xml(&format!("SYNTHETIC DATA (dữ liệu giả lập): {note}"))
        ));
    }
    out.push_str(&panel(
        s,
        50.0,
        "Communes at standard (số xã đạt chuẩn)",
        &|v| v.standard as f64,
    ));
    out.push_str(&panel(
        s,
        50.0 + PANEL,
        "Criteria met (tổng số tiêu chí đạt)",
        &|v| f64::from(v.criteria_met),
    ));
    let lx = WIDTH - RIGHT + 20.0;
    out.push_str("<g class=\"legend\">\n");
    for (i, name) in s.series.iter().enumerate() {
        let ly = 80.0 + 22.0 * i as f64;
        let color = COLORS[i % COLORS.len()];
        let label = if i == 0 {
            "optimal plan (tối ưu)".to_string()
        } else {
            format!("rule {name} (quy tắc)")
        };
        out.push_str(&format!(
            "<line x1=\"{lx}\" y1=\"{ly}\" x2=\"{}\" y2=\"{ly}\" stroke=\"{color}\" stroke-width=\"2\"/>\n<text x=\"{}\" y=\"{}\" font-size=\"11\">{}</text>\n",
            lx + 24.0,
            lx + 30.0,
            ly + 4.0,
            xml(&label)
        ));
    }
    out.push_str("</g>\n</svg>\n");
    out
}
