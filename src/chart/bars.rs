//! The bar chart: panels of horizontal bars from zero, labels at the left, values at the ends.

use std::fmt::Write;

use super::scale::{self, TickFormat};
use super::svg::{Anchor, Canvas, GREY, GRID, INK, PAD, WIDTH};
use super::text::{width, wrap, Weight};
use super::{colour, on_colour, Bar, BarChart, BarPanel, Unit};

const LABEL_WIDTH: f64 = 270.0;
const SIZE: f64 = 12.0;
const TICK_SIZE: f64 = 11.0;
const BAR_HEIGHT: f64 = 16.0;

fn bar_text(bar: &Bar, format: &TickFormat) -> String {
    bar.text.clone().unwrap_or_else(|| format.exact(bar.value))
}

fn panel_scale(panel: &BarPanel) -> scale::Scale {
    let max = panel
        .bars
        .iter()
        .map(|b| b.value)
        .chain(panel.reference.as_ref().map(|r| r.value))
        .fold(0.0, f64::max);
    scale::from_zero(max, panel.unit == Unit::Count)
}

/// Draws one panel from `y`; returns the y below it.
fn draw_panel(
    canvas: &mut Canvas,
    panel: &BarPanel,
    numbers: crate::number::NumberStyle,
    y: f64,
) -> f64 {
    let s = panel_scale(panel);
    let format = TickFormat::new(panel.unit, &s, numbers);
    let value_width = panel
        .bars
        .iter()
        .map(|b| width(&bar_text(b, &format), SIZE, Weight::Regular))
        .chain(
            s.ticks
                .last()
                .map(|t| width(&format.label(*t), TICK_SIZE, Weight::Regular) / 2.0),
        )
        .fold(0.0, f64::max);
    let left = PAD + LABEL_WIDTH + 12.0;
    let right = (WIDTH - PAD - value_width - 8.0).floor();
    let x_at = |v: f64| s.map(v, left, right);
    let mut y = canvas.paragraph(
        PAD,
        y + 4.0,
        13.0,
        Weight::Bold,
        INK,
        &panel.heading,
        WIDTH - 2.0 * PAD,
    );
    if panel.reference.is_some() {
        y += 18.0;
    }
    let top = y + 2.0;
    let mut rows = Vec::new();
    for bar in &panel.bars {
        let lines = wrap(&bar.label, SIZE, Weight::Regular, LABEL_WIDTH);
        let height = (15.0 * lines.len() as f64 + 7.0).max(22.0);
        rows.push((bar, lines, y, height));
        y += height;
    }
    let bottom = y + 2.0;
    canvas.raw(&format!("<g class=\"panel\" data-x-max=\"{}\">\n", s.hi));
    for tick in &s.ticks {
        let tx = x_at(*tick);
        canvas.line((tx, top), (tx, bottom), GRID, "");
        canvas.text(
            tx,
            bottom + 15.0,
            TICK_SIZE,
            Weight::Regular,
            Anchor::Middle,
            GREY,
            &format.label(*tick),
        );
    }
    canvas.line((left, top), (left, bottom), GREY, "");
    // The reference line first, so bars and their values are drawn over it.
    if let Some(reference) = &panel.reference {
        let rx = x_at(reference.value);
        canvas.line(
            (rx, top - 4.0),
            (rx, bottom),
            INK,
            " stroke-dasharray=\"4 3\" class=\"reference\"",
        );
        let label_width = width(&reference.label, TICK_SIZE, Weight::Regular);
        // The label ends at the line, or starts there when it would run into the labels.
        let anchor = if rx - label_width >= left {
            Anchor::End
        } else {
            Anchor::Start
        };
        canvas.text(
            rx,
            top - 8.0,
            TICK_SIZE,
            Weight::Regular,
            anchor,
            INK,
            &reference.label,
        );
    }
    for (bar, lines, row_top, height) in &rows {
        let mid = row_top + height / 2.0;
        let first_baseline = mid - 7.5 * (lines.len() as f64 - 1.0) + 4.0;
        for (k, line) in lines.iter().enumerate() {
            canvas.text(
                left - 12.0,
                first_baseline + 15.0 * k as f64,
                SIZE,
                Weight::Regular,
                Anchor::End,
                INK,
                line,
            );
        }
        let end = x_at(bar.value.max(0.0));
        canvas.rect(
            left,
            mid - BAR_HEIGHT / 2.0,
            (end - left).max(0.0),
            BAR_HEIGHT,
            &format!("fill=\"{}\"", colour(bar.series)),
        );
        // The value inside the end of a bar long enough to hold it, else just after it.
        let text = bar_text(bar, &format);
        if end - left >= width(&text, SIZE, Weight::Regular) + 12.0 {
            canvas.text(
                end - 5.0,
                mid + 4.0,
                SIZE,
                Weight::Regular,
                Anchor::End,
                on_colour(bar.series),
                &text,
            );
        } else {
            canvas.text(
                end + 5.0,
                mid + 4.0,
                SIZE,
                Weight::Regular,
                Anchor::Start,
                INK,
                &text,
            );
        }
    }
    canvas.raw("</g>\n");
    bottom + 30.0
}

/// The data in words, after the caller's description.
fn data_in_words(chart: &BarChart) -> String {
    let mut out = chart.description.clone();
    for panel in &chart.panels {
        let s = panel_scale(panel);
        let format = TickFormat::new(panel.unit, &s, chart.numbers);
        let items: Vec<String> = panel
            .bars
            .iter()
            .map(|b| format!("{}: {}", b.label, bar_text(b, &format)))
            .collect();
        let _ = write!(out, " {}: {}.", panel.heading, items.join("; "));
        if let Some(r) = &panel.reference {
            let _ = write!(out, " {}.", r.label);
        }
    }
    out
}

/// Draws a [`BarChart`] as SVG (see the module documentation for what it guarantees).
pub fn bars(chart: &BarChart) -> String {
    let mut canvas = Canvas::default();
    let mut y = canvas.heading(&chart.title, &chart.notes, chart.banner.as_deref());
    for panel in &chart.panels {
        y = draw_panel(&mut canvas, panel, chart.numbers, y);
    }
    let description = data_in_words(chart);
    canvas.finish(y - 10.0 + PAD, &chart.title, &description)
}
