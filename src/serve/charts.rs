//! The workbench's charts (biểu đồ), one small function each so that the shared chart module
//! can replace them one by one. Until then: horizontal bars drawn as SVG on the server, and the
//! sweep's own `report::sweep_svg`.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::i18n::Lang;
use crate::compare::Comparison;
use crate::evaluate::Evaluation;
use crate::number::{format_count, format_money};
use crate::plan::Plan;
use crate::scenario::Scenario;
use crate::sweep::Sweep;

/// One bar: label, value, the value as people read it, and a second (lighter) value drawn
/// behind it, e.g. the budget behind the spend.
struct Bar {
    label: String,
    value: f64,
    shown: String,
    behind: Option<f64>,
}

/// XML-escapes text for SVG.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Horizontal bars with their values written at the end.
fn bars(title: &str, bars: &[Bar]) -> String {
    let row = 22.0;
    // Wide enough for the longest label (about 6,5 px a character at 12 px).
    let longest = bars
        .iter()
        .map(|b| b.label.chars().count())
        .max()
        .unwrap_or(0);
    let label_width = (longest as f64 * 6.5 + 12.0).clamp(120.0, 380.0);
    let bar_width = 360.0;
    let height = 34.0 + row * bars.len() as f64;
    let max = bars
        .iter()
        .map(|b| b.value.max(b.behind.unwrap_or(0.0)))
        .fold(0.0_f64, f64::max)
        .max(1e-9);
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {height}\" width=\"{w}\" height=\"{height}\" role=\"img\" aria-label=\"{t}\" font-family=\"sans-serif\" font-size=\"12\">\n<text x=\"4\" y=\"16\" font-weight=\"bold\" font-size=\"13\">{t}</text>\n",
        w = label_width + bar_width + 110.0,
        t = escape(title)
    );
    for (i, bar) in bars.iter().enumerate() {
        let y = 28.0 + row * i as f64;
        if let Some(behind) = bar.behind {
            svg.push_str(&format!(
                "<rect x=\"{label_width}\" y=\"{y}\" width=\"{:.1}\" height=\"16\" fill=\"#c9d8ea\"/>\n",
                behind / max * bar_width
            ));
        }
        svg.push_str(&format!(
            "<text x=\"{:.0}\" y=\"{:.0}\" text-anchor=\"end\">{}</text>\n<rect x=\"{label_width}\" y=\"{y}\" width=\"{:.1}\" height=\"16\" fill=\"#2b6cb0\"/>\n<text x=\"{:.1}\" y=\"{:.0}\">{}</text>\n",
            label_width - 6.0,
            y + 12.0,
            escape(&bar.label),
            bar.value / max * bar_width,
            label_width + bar.value.max(bar.behind.unwrap_or(0.0)) / max * bar_width + 4.0,
            y + 12.0,
            escape(&bar.shown)
        ));
    }
    svg.push_str("</svg>\n");
    svg
}

fn count_bar(label: String, count: usize, lang: Lang) -> Bar {
    Bar {
        label,
        value: count as f64,
        shown: format_count(count as u64, lang.numbers()),
        behind: None,
    }
}

/// Communes per band (số xã theo nhóm tiêu chí), the standard count first.
pub fn band_chart(e: &Evaluation, lang: Lang) -> String {
    let mut rows = vec![count_bar(
        lang.word("at_standard").to_string(),
        e.summary.standard,
        lang,
    )];
    for (band, count) in &e.summary.bands {
        let label = match lang {
            Lang::Vi => format!("{band} tiêu chí"),
            Lang::En => format!("{band} criteria"),
        };
        rows.push(count_bar(label, *count, lang));
    }
    bars(lang.word("bands"), &rows)
}

/// Communes meeting each criterion.
pub fn criteria_chart(e: &Evaluation, lang: Lang) -> String {
    let rows: Vec<Bar> = e
        .criteria
        .iter()
        .map(|c| {
            let name = if lang == Lang::Vi {
                &c.name_vi
            } else {
                &c.name_en
            };
            count_bar(format!("{}. {name}", c.id), c.met, lang)
        })
        .collect();
    bars(lang.word("criteria"), &rows)
}

/// Spend by source against its budget (chi theo nguồn vốn).
pub fn spend_chart(plan: &Plan, scenario: &Scenario, lang: Lang) -> String {
    let f = |d: &Decimal| d.to_f64().unwrap_or(0.0);
    let rows: Vec<Bar> = plan
        .budget_by_source
        .iter()
        .map(|(id, budget)| {
            let spent = plan.spend_by_source.get(id).copied().unwrap_or_default();
            Bar {
                label: source_name(scenario, id, lang),
                value: f(&spent),
                shown: format!(
                    "{} / {}",
                    format_money(spent, lang.numbers()),
                    format_money(*budget, lang.numbers())
                ),
                behind: Some(f(budget)),
            }
        })
        .collect();
    bars(lang.word("spend"), &rows)
}

/// Communes at standard after each rule and the optimal plan.
pub fn compare_chart(c: &Comparison, lang: Lang) -> String {
    let rows: Vec<Bar> = c
        .columns
        .iter()
        .map(|column| count_bar(column.name.clone(), column.standard, lang))
        .collect();
    bars(lang.word("standard_after"), &rows)
}

/// The budget–outcome curve.
pub fn sweep_chart(s: &Sweep) -> String {
    crate::report::sweep_svg(s)
}

/// A capital source's name in `lang` (its id if unknown).
pub fn source_name(scenario: &Scenario, id: &str, lang: Lang) -> String {
    scenario
        .capital_sources
        .iter()
        .find(|s| s.id == id)
        .map_or(id.to_string(), |s| match lang {
            Lang::Vi => s.name_vi.clone(),
            Lang::En => s.name_en.clone(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_value_and_escape_labels() {
        let svg = bars(
            "a<b",
            &[
                Bar {
                    label: "x&y".into(),
                    value: 2.0,
                    shown: "2".into(),
                    behind: None,
                },
                Bar {
                    label: "z".into(),
                    value: 1.0,
                    shown: "1".into(),
                    behind: None,
                },
            ],
        );
        assert!(svg.contains("a&lt;b") && svg.contains("x&amp;y"));
        assert!(svg.contains("width=\"360.0\"") && svg.contains("width=\"180.0\""));
    }
}
