//! The step chart: stacked panels over one x axis, series as steps with marked points.

use std::fmt::Write;

use super::scale::{self, Scale, TickFormat};
use super::svg::{Anchor, Canvas, GREY, GRID, INK, PAD, WIDTH};
use super::text::{width, wrap, Weight};
use super::{colour, StepChart, Unit, DASHES};

const PLOT_HEIGHT: f64 = 190.0;
const TICK_SIZE: f64 = 11.0;

/// A marker of shape `series % 4` (circle, square, triangle, diamond) at (x, y).
fn marker(series: usize, (x, y): (f64, f64), hollow: bool) -> String {
    let c = colour(series);
    let fill = if hollow { "white" } else { c };
    let style = format!("fill=\"{fill}\" stroke=\"{c}\" stroke-width=\"1.5\"");
    match series % 4 {
        0 => format!("<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"4\" {style}/>"),
        1 => format!(
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"7\" height=\"7\" {style}/>",
            x - 3.5,
            y - 3.5
        ),
        2 => format!(
            "<path d=\"M{x:.1} {:.1} L{:.1} {:.1} L{:.1} {:.1} Z\" {style}/>",
            y - 4.5,
            x + 4.5,
            y + 3.5,
            x - 4.5,
            y + 3.5
        ),
        _ => format!(
            "<path d=\"M{x:.1} {:.1} L{:.1} {y:.1} L{x:.1} {:.1} L{:.1} {y:.1} Z\" {style}/>",
            y - 5.0,
            x + 5.0,
            y + 5.0,
            x - 5.0
        ),
    }
}

fn dash(series: usize) -> String {
    match DASHES[series % DASHES.len()] {
        "" => String::new(),
        d => format!(" stroke-dasharray=\"{d}\""),
    }
}

/// The break mark (two slanted strokes on a white gap) on an axis that does not start at 0.
fn axis_break(canvas: &mut Canvas, (x, y): (f64, f64), vertical_axis: bool) {
    let (a, b) = if vertical_axis {
        ((x - 6.0, y + 2.0, x + 6.0, y - 2.0), (0.0, -5.0))
    } else {
        ((x - 2.0, y + 6.0, x + 2.0, y - 6.0), (5.0, 0.0))
    };
    let gap = if vertical_axis {
        (x - 7.0, y - 7.0, 14.0, 5.0)
    } else {
        (x, y - 7.0, 5.0, 14.0)
    };
    canvas.raw("<g class=\"axis-break\">\n");
    canvas.rect(gap.0, gap.1, gap.2, gap.3, "fill=\"white\"");
    for k in 0..2 {
        let (dx, dy) = (b.0 * f64::from(k), b.1 * f64::from(k));
        canvas.line(
            (a.0 + dx, a.1 + dy),
            (a.2 + dx, a.3 + dy),
            GREY,
            " stroke-width=\"1.2\"",
        );
    }
    canvas.raw("</g>\n");
}

fn range(values: &[Vec<f64>]) -> (f64, f64) {
    let all = values.iter().flatten().copied();
    let min = all.clone().fold(f64::INFINITY, f64::min);
    let max = all.fold(f64::NEG_INFINITY, f64::max);
    if min.is_finite() {
        (min, max)
    } else {
        (0.0, 1.0)
    }
}

/// The data in words, after the caller's description: one sentence per panel and series.
fn data_in_words(chart: &StepChart, x_format: &TickFormat) -> String {
    let mut out = chart.description.clone();
    for panel in &chart.panels {
        let _ = write!(out, " {}:", panel.y.label);
        for (i, name) in chart.series.iter().enumerate() {
            let values = panel.values.get(i).map(Vec::as_slice).unwrap_or_default();
            let points: Vec<String> = chart
                .x_values
                .iter()
                .zip(values)
                .map(|(x, v)| {
                    format!(
                        "{} → {}",
                        x_format.label(*x),
                        scale::format_value(*v, 2, chart.numbers)
                    )
                })
                .collect();
            let _ = write!(out, " {name}: {}.", points.join("; "));
        }
    }
    out
}

/// Draws a [`StepChart`] as SVG (see the module documentation for what it guarantees).
pub fn line_steps(chart: &StepChart) -> String {
    let mut canvas = Canvas::default();
    let x_scale = {
        let (min, max) = range(std::slice::from_ref(&chart.x_values));
        scale::fit_tight(min, max, chart.x.unit == Unit::Count)
    };
    let x_format = TickFormat::new(chart.x.unit, &x_scale, chart.numbers);
    let panels: Vec<(Scale, TickFormat)> = chart
        .panels
        .iter()
        .map(|p| {
            let (min, max) = range(&p.values);
            let s = scale::fit(min, max, p.y.unit == Unit::Count);
            let f = TickFormat::new(p.y.unit, &s, chart.numbers);
            (s, f)
        })
        .collect();
    // Room for the widest y tick label at the left, half the widest x tick label at the right.
    let y_label_width = panels
        .iter()
        .flat_map(|(s, f)| {
            s.ticks
                .iter()
                .map(|t| width(&f.label(*t), TICK_SIZE, Weight::Regular))
        })
        .fold(0.0, f64::max);
    let x_label_width = x_scale
        .ticks
        .iter()
        .map(|t| width(&x_format.label(*t), TICK_SIZE, Weight::Regular))
        .fold(0.0, f64::max);
    let left = (PAD + y_label_width + 10.0).ceil();
    let right = (WIDTH - PAD - x_label_width / 2.0 - 4.0).floor();
    let x_at = |v: f64| x_scale.map(v, left, right);

    let mut y = canvas.heading(&chart.title, &chart.notes, chart.banner.as_deref());
    for (index, (panel, (y_scale, y_format))) in chart.panels.iter().zip(&panels).enumerate() {
        y = canvas.paragraph(
            PAD,
            y + 4.0,
            13.0,
            Weight::Bold,
            INK,
            &panel.y.label,
            WIDTH - 2.0 * PAD,
        );
        let (top, bottom) = (y + 8.0, y + 8.0 + PLOT_HEIGHT);
        let y_at = |v: f64| y_scale.map(v, bottom, top);
        canvas.raw(&format!(
            "<g class=\"panel\" data-y-min=\"{}\" data-y-max=\"{}\" data-data-min=\"{}\" data-data-max=\"{}\">\n",
            y_scale.lo,
            y_scale.hi,
            range(&panel.values).0,
            range(&panel.values).1
        ));
        for tick in &y_scale.ticks {
            let ty = y_at(*tick);
            canvas.line((left, ty), (right, ty), GRID, "");
            canvas.text(
                left - 6.0,
                ty + 4.0,
                TICK_SIZE,
                Weight::Regular,
                Anchor::End,
                GREY,
                &y_format.label(*tick),
            );
        }
        for tick in &x_scale.ticks {
            let tx = x_at(*tick);
            canvas.line((tx, bottom), (tx, bottom + 4.0), GREY, "");
            canvas.text(
                tx,
                bottom + 17.0,
                TICK_SIZE,
                Weight::Regular,
                Anchor::Middle,
                GREY,
                &x_format.label(*tick),
            );
        }
        canvas.line((left, top), (left, bottom), GREY, "");
        canvas.line((left, bottom), (right, bottom), GREY, "");
        if let Some(mark) = &chart.x_mark {
            let mx = x_at(mark.value);
            canvas.line(
                (mx, top),
                (mx, bottom),
                INK,
                " stroke-dasharray=\"4 3\" class=\"x-mark\"",
            );
            if index == 0 {
                let w = width(&mark.label, TICK_SIZE, Weight::Regular);
                let anchor = if mx + 4.0 + w <= right {
                    Anchor::Start
                } else {
                    Anchor::End
                };
                let tx = if matches!(anchor, Anchor::Start) {
                    mx + 4.0
                } else {
                    mx - 4.0
                };
                canvas.text(
                    tx,
                    top + 10.0,
                    TICK_SIZE,
                    Weight::Regular,
                    anchor,
                    INK,
                    &mark.label,
                );
            }
        }
        if y_scale.broken() {
            axis_break(&mut canvas, (left, bottom - 8.0), true);
        }
        if x_scale.broken() {
            axis_break(&mut canvas, (left + 8.0, bottom), false);
        }
        for (i, values) in panel.values.iter().enumerate() {
            let points: Vec<(f64, f64)> = chart
                .x_values
                .iter()
                .zip(values)
                .map(|(x, v)| (x_at(*x), y_at(*v)))
                .collect();
            let Some(first) = points.first() else {
                continue;
            };
            // Steps: the value holds until the next point, then moves there.
            let mut d = format!("M{:.1} {:.1}", first.0, first.1);
            for p in &points[1..] {
                let _ = write!(d, " H{:.1} V{:.1}", p.0, p.1);
            }
            canvas.raw(&format!(
                "<g class=\"series\" data-series=\"{}\">\n<path d=\"{d}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"{}/>\n",
                i,
                colour(i),
                dash(i)
            ));
            for (k, p) in points.iter().enumerate() {
                let hollow = chart
                    .hollow
                    .get(i)
                    .and_then(|h| h.get(k))
                    .copied()
                    .unwrap_or(false);
                canvas.raw(&marker(i, *p, hollow));
                canvas.raw("\n");
            }
            canvas.raw("</g>\n");
        }
        canvas.raw("</g>\n");
        y = bottom + 26.0;
    }
    y = canvas.paragraph(
        left,
        y,
        12.0,
        Weight::Regular,
        INK,
        &chart.x.label,
        right - left,
    );
    y = legend(&mut canvas, chart, y + 6.0);
    let description = data_in_words(chart, &x_format);
    canvas.finish(y + PAD, &chart.title, &description)
}

/// Legend rows: a line sample with the series' marker, then its name (wrapped).
fn legend(canvas: &mut Canvas, chart: &StepChart, mut y: f64) -> f64 {
    canvas.raw("<g class=\"legend\">\n");
    let label_x = PAD + 44.0;
    let label_width = WIDTH - PAD - label_x;
    let mut entries: Vec<(Option<usize>, &str)> = chart
        .series
        .iter()
        .enumerate()
        .map(|(i, s)| (Some(i), s.as_str()))
        .collect();
    if let Some(h) = &chart.hollow_label {
        entries.push((None, h));
    }
    for (series, label) in entries {
        let lines = wrap(label, 12.0, Weight::Regular, label_width);
        let mid = y + 9.0;
        match series {
            Some(i) => {
                canvas.line(
                    (PAD, mid),
                    (PAD + 34.0, mid),
                    colour(i),
                    &format!(" stroke-width=\"2\"{}", dash(i)),
                );
                canvas.raw(&marker(i, (PAD + 17.0, mid), false));
                canvas.raw("\n");
            }
            None => {
                canvas.raw(&marker(0, (PAD + 17.0, mid), true));
                canvas.raw("\n");
            }
        }
        for (k, line) in lines.iter().enumerate() {
            canvas.text(
                label_x,
                y + 13.0 + 16.0 * k as f64,
                12.0,
                Weight::Regular,
                Anchor::Start,
                INK,
                line,
            );
        }
        y += 16.0 * lines.len() as f64 + 4.0;
    }
    canvas.raw("</g>\n");
    y
}
