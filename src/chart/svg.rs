//! The SVG text itself: escaping, elements, and the block every chart starts with (title,
//! notes, synthetic-data banner). Numbers are written with one decimal, so output is the same
//! byte for byte on every machine.

use std::fmt::Write;

use super::text::{wrap, Weight};

/// Fonts named in every chart; the width table in [`super::text`] is DejaVu Sans's.
pub const FONT_FAMILY: &str = "DejaVu Sans, Verdana, sans-serif";
/// Text colour.
pub const INK: &str = "#1a1a1a";
/// Secondary text and axes.
pub const GREY: &str = "#555555";
/// Grid lines.
pub const GRID: &str = "#e3e3e3";
/// Canvas width, px.
pub const WIDTH: f64 = 880.0;
/// Outer margin, px.
pub const PAD: f64 = 20.0;

/// Escapes text for XML.
pub fn xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Horizontal anchor of a text.
#[derive(Debug, Clone, Copy)]
pub enum Anchor {
    /// Left edge at x.
    Start,
    /// Centred on x.
    Middle,
    /// Right edge at x.
    End,
}

/// An SVG body being written.
#[derive(Debug, Default)]
pub struct Canvas {
    body: String,
}

impl Canvas {
    /// Appends raw markup.
    pub fn raw(&mut self, markup: &str) {
        self.body.push_str(markup);
    }

    /// One line of text.
    #[allow(clippy::too_many_arguments)]
    pub fn text(
        &mut self,
        x: f64,
        y: f64,
        size: f64,
        weight: Weight,
        anchor: Anchor,
        fill: &str,
        content: &str,
    ) {
        let anchor = match anchor {
            Anchor::Start => "",
            Anchor::Middle => " text-anchor=\"middle\"",
            Anchor::End => " text-anchor=\"end\"",
        };
        let weight = match weight {
            Weight::Regular => "",
            Weight::Bold => " font-weight=\"bold\"",
        };
        let _ = writeln!(
            self.body,
            "<text x=\"{x:.1}\" y=\"{y:.1}\" font-size=\"{size}\"{weight}{anchor} fill=\"{fill}\">{}</text>",
            xml(content)
        );
    }

    /// Lines of text wrapped to `max_width`, first baseline at `y`; returns the y below the block.
    #[allow(clippy::too_many_arguments)]
    pub fn paragraph(
        &mut self,
        x: f64,
        y: f64,
        size: f64,
        weight: Weight,
        fill: &str,
        content: &str,
        max_width: f64,
    ) -> f64 {
        let line_height = (size * 1.3).round();
        let lines = wrap(content, size, weight, max_width);
        for (i, line) in lines.iter().enumerate() {
            let baseline = y + size + line_height * i as f64;
            self.text(x, baseline, size, weight, Anchor::Start, fill, line);
        }
        y + line_height * lines.len() as f64 + (line_height - size) / 2.0
    }

    /// A straight line.
    pub fn line(&mut self, (x1, y1): (f64, f64), (x2, y2): (f64, f64), stroke: &str, extra: &str) {
        let _ = writeln!(
            self.body,
            "<line x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\" stroke=\"{stroke}\"{extra}/>"
        );
    }

    /// A rectangle.
    pub fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, attributes: &str) {
        let _ = writeln!(
            self.body,
            "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" {attributes}/>"
        );
    }

    /// The title, notes and banner at the top; returns the y below them.
    pub fn heading(&mut self, title: &str, notes: &[String], banner: Option<&str>) -> f64 {
        let width = WIDTH - 2.0 * PAD;
        let mut y = self.paragraph(PAD, PAD - 4.0, 17.0, Weight::Bold, INK, title, width);
        for note in notes {
            y = self.paragraph(PAD, y, 12.0, Weight::Regular, GREY, note, width);
        }
        if let Some(banner) = banner {
            let lines = wrap(banner, 12.0, Weight::Regular, width - 16.0);
            let height = 16.0 * lines.len() as f64 + 10.0;
            y += 6.0;
            self.rect(
                PAD,
                y,
                width,
                height,
                "fill=\"#fdebdc\" stroke=\"#d55e00\" class=\"synthetic\"",
            );
            for (i, line) in lines.iter().enumerate() {
                let baseline = y + 5.0 + 12.0 + 16.0 * i as f64;
                self.text(
                    PAD + 8.0,
                    baseline,
                    12.0,
                    Weight::Regular,
                    Anchor::Start,
                    INK,
                    line,
                );
            }
            y += height;
        }
        y + 8.0
    }

    /// The finished document: `<svg>` with `<title>` and `<desc>` first (read by screen
    /// readers), a white background, then the body.
    pub fn finish(self, height: f64, title: &str, description: &str) -> String {
        let height = height.ceil();
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{height}\" viewBox=\"0 0 {WIDTH} {height}\" font-family=\"{FONT_FAMILY}\" role=\"img\" aria-labelledby=\"chart-title chart-desc\">\n<title id=\"chart-title\">{}</title>\n<desc id=\"chart-desc\">{}</desc>\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n{}</svg>\n",
            xml(title),
            xml(description),
            self.body
        )
    }
}
