//! Charts (biểu đồ) as SVG text, for the CLI's files and the web workbench alike.
//!
//! Two kinds, each a plain data struct and one function:
//! - [`line_steps`] draws a [`StepChart`]: one or more stacked panels sharing an x axis, each
//!   series drawn as steps (the value holds until the next point) with every point marked, e.g.
//!   the budget–outcome curve of `ntm sweep`;
//! - [`bars`] draws a [`BarChart`]: panels of horizontal bars from zero, with an optional
//!   reference line (e.g. the commune count), e.g. the status of `ntm evaluate` or the rules of
//!   `ntm compare` side by side.
//!
//! The caller writes every label, Vietnamese first with English beside it
//! (`"Số xã đạt chuẩn (communes at standard)"`); the module does the rest:
//! - line-chart axes fitted to the data, with a break mark on an axis that does not start at 0;
//! - tick labels through [`crate::number`], money in sensible units (`68 tỷ`, `6.250 triệu`);
//! - every text wrapped to its box by a width table of the chart font (DejaVu Sans), never cut;
//! - the Okabe–Ito palette (safe for colour-blind readers) plus a marker shape and a dash pattern
//!   per series, so series differ without colour too;
//! - `<title>` and `<desc>` elements (the description is followed by the data, in words) for
//!   screen readers;
//! - deterministic output: the same data gives the same bytes.
//!
//! ```
//! use ntm::chart::{self, StepChart, StepPanel, Axis, Unit};
//! let svg = chart::line_steps(&StepChart {
//!     title: "Đường cong vốn (budget–outcome curve)".into(),
//!     x: Axis { label: "Tổng vốn (total budget)".into(), unit: Unit::MillionVnd },
//!     x_values: vec![50_000.0, 100_000.0],
//!     series: vec!["Tối ưu (optimal)".into()],
//!     panels: vec![StepPanel {
//!         y: Axis { label: "Số xã đạt chuẩn (communes at standard)".into(), unit: Unit::Count },
//!         values: vec![vec![39.0, 40.0]],
//!     }],
//!     ..StepChart::default()
//! });
//! assert!(svg.contains("<title id=\"chart-title\">"));
//! ```

mod bars;
pub mod scale;
mod steps;
pub mod svg;
pub mod text;

use crate::number::NumberStyle;

pub use bars::bars;
pub use steps::line_steps;

/// What an axis counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Unit {
    /// Communes, criteria, projects: whole numbers.
    #[default]
    Count,
    /// Million VND (triệu đồng); ticks read in triệu or tỷ.
    MillionVnd,
}

/// An axis: its label and unit.
#[derive(Debug, Clone, Default)]
pub struct Axis {
    /// Label, Vietnamese with English beside it.
    pub label: String,
    /// Unit of the values.
    pub unit: Unit,
}

/// One panel of a [`StepChart`]: a y axis and one value per series per x value.
#[derive(Debug, Clone, Default)]
pub struct StepPanel {
    /// The y axis (its label is the panel's heading).
    pub y: Axis,
    /// `values[series][point]`.
    pub values: Vec<Vec<f64>>,
}

/// A step chart: series over a shared x axis, in stacked panels.
#[derive(Debug, Clone, Default)]
pub struct StepChart {
    /// Title (also the SVG `<title>`).
    pub title: String,
    /// Lines under the title: what moves, what a series optimises.
    pub notes: Vec<String>,
    /// Synthetic-data banner, shown boxed.
    pub banner: Option<String>,
    /// For screen readers (`<desc>`); the data follows it in words.
    pub description: String,
    /// The shared x axis.
    pub x: Axis,
    /// X values, ascending.
    pub x_values: Vec<f64>,
    /// A value marked on the x axis by a dashed line through every panel (e.g. ×1, the year's
    /// budget), labelled in the first panel.
    pub x_mark: Option<Reference>,
    /// Series names for the legend; the index picks colour, marker and dash.
    pub series: Vec<String>,
    /// `hollow[series][point]`: points drawn hollow (e.g. a plan carried from a smaller budget).
    pub hollow: Vec<Vec<bool>>,
    /// Legend entry explaining hollow points.
    pub hollow_label: Option<String>,
    /// Panels, top to bottom.
    pub panels: Vec<StepPanel>,
    /// How numbers are written.
    pub numbers: NumberStyle,
}

/// One bar.
#[derive(Debug, Clone, Default)]
pub struct Bar {
    /// Label at the left, wrapped.
    pub label: String,
    /// Length.
    pub value: f64,
    /// Colour index in [`PALETTE`].
    pub series: usize,
    /// Text after the bar instead of the formatted value (e.g. `63/94`).
    pub text: Option<String>,
}

/// A value every bar is measured against, drawn as a dashed line (e.g. the commune count).
#[derive(Debug, Clone, Default)]
pub struct Reference {
    /// Where.
    pub value: f64,
    /// Its label.
    pub label: String,
}

/// A panel of horizontal bars sharing one axis from zero.
#[derive(Debug, Clone, Default)]
pub struct BarPanel {
    /// Heading, Vietnamese with English beside it.
    pub heading: String,
    /// Unit of the values.
    pub unit: Unit,
    /// Bars, top to bottom.
    pub bars: Vec<Bar>,
    /// Optional reference line.
    pub reference: Option<Reference>,
}

/// A bar chart: panels of horizontal bars.
#[derive(Debug, Clone, Default)]
pub struct BarChart {
    /// Title (also the SVG `<title>`).
    pub title: String,
    /// Lines under the title.
    pub notes: Vec<String>,
    /// Synthetic-data banner, shown boxed.
    pub banner: Option<String>,
    /// For screen readers (`<desc>`); the data follows it in words.
    pub description: String,
    /// Panels, top to bottom.
    pub panels: Vec<BarPanel>,
    /// How numbers are written.
    pub numbers: NumberStyle,
}

/// Okabe–Ito colours, in the order series use them (blue, vermillion, bluish green, reddish
/// purple, orange, sky blue, black); yellow is left out, too pale on white.
pub const PALETTE: [&str; 7] = [
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
];

/// Dash pattern per series (none for the first).
const DASHES: [&str; 4] = ["", "7 4", "2 3", "9 3 2 3"];

/// Text colour that reads on a bar of colour `i`: ink on the light colours, white on the rest.
pub fn on_colour(i: usize) -> &'static str {
    match colour(i) {
        "#E69F00" | "#56B4E9" => "#1a1a1a",
        _ => "white",
    }
}

/// Colour of series `i`.
pub fn colour(i: usize) -> &'static str {
    PALETTE[i % PALETTE.len()]
}

/// `"vi (en)"`: the bilingual label every chart text uses.
pub fn bilingual(vi: &str, en: &str) -> String {
    format!("{vi} ({en})")
}
