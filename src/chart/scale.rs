//! Axes (trục): ranges fitted to the data, round tick steps, and tick labels in Vietnamese units.

use rust_decimal::prelude::FromPrimitive;
use rust_decimal::Decimal;

use super::Unit;
use crate::number::{format_trimmed, NumberStyle};

/// A fitted axis: the range drawn and the ticks on it.
#[derive(Debug, Clone, PartialEq)]
pub struct Scale {
    /// Lowest value drawn (the origin of the axis).
    pub lo: f64,
    /// Highest value drawn.
    pub hi: f64,
    /// Tick step.
    pub step: f64,
    /// Tick values, ascending, all within `lo..=hi`.
    pub ticks: Vec<f64>,
}

impl Scale {
    /// Whether the axis starts above zero (and so shows a break mark).
    pub fn broken(&self) -> bool {
        self.lo > 0.0
    }

    /// Position of `value` on a segment from `from` (at `lo`) to `to` (at `hi`).
    pub fn map(&self, value: f64, from: f64, to: f64) -> f64 {
        from + (value - self.lo) / (self.hi - self.lo) * (to - from)
    }
}

/// Smallest step of the form 1, 2, 2,5 or 5 × 10^k that is at least `raw`
/// (whole numbers only when `integer`).
fn nice_step(raw: f64, integer: bool) -> f64 {
    let raw = if integer { raw.max(1.0) } else { raw };
    if raw <= 0.0 || !raw.is_finite() {
        return 1.0;
    }
    let magnitude = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .filter(|s| !integer || s.fract() == 0.0)
        .find(|s| *s >= raw * (1.0 - 1e-9))
        .unwrap_or(10.0 * magnitude)
}

fn ticks_between(lo: f64, hi: f64, step: f64) -> Vec<f64> {
    let first = (lo / step - 1e-9).ceil() as i64;
    let last = (hi / step + 1e-9).floor() as i64;
    (first..=last).map(|k| k as f64 * step).collect()
}

/// An axis fitted to data from `min` to `max` (line charts): about four steps across the data,
/// half a step of room on each side, starting at zero only when the data comes near it. The range
/// is at most the spread plus two steps, so a step of 39 → 40 fills the panel instead of vanishing
/// on a 0–50 axis.
pub fn fit(min: f64, max: f64, integer: bool) -> Scale {
    let spread = max - min;
    let step = if spread > 0.0 {
        nice_step(spread / 4.0, integer)
    } else {
        nice_step(max.abs() / 10.0, integer)
    };
    let mut lo = min - step / 2.0;
    let hi = max + step / 2.0;
    if min >= 0.0 && min < 1.5 * step {
        lo = 0.0;
    }
    Scale {
        lo,
        hi,
        step,
        ticks: ticks_between(lo, hi, step),
    }
}

/// An x axis fitted tightly to data from `min` to `max`: about six ticks, 4 % of the spread
/// as room on each side (so the end markers are not cut), never stretched to zero.
pub fn fit_tight(min: f64, max: f64, integer: bool) -> Scale {
    let spread = max - min;
    if spread <= 0.0 {
        return fit(min, max, integer);
    }
    let step = nice_step(spread / 6.0, integer);
    let (lo, hi) = (min - spread * 0.04, max + spread * 0.04);
    Scale {
        lo,
        hi,
        step,
        ticks: ticks_between(lo, hi, step),
    }
}

/// An axis from zero to at least `max` (bar charts: bars always start at zero), ending on a tick.
pub fn from_zero(max: f64, integer: bool) -> Scale {
    let step = nice_step(max.max(0.0) / 5.0, integer);
    let hi = ((max / step - 1e-9).ceil() * step).max(step);
    Scale {
        lo: 0.0,
        hi,
        step,
        ticks: ticks_between(0.0, hi, step),
    }
}

/// Decimal places that show every multiple of `step` exactly.
fn places_for(step: f64) -> u32 {
    (0..6)
        .find(|p| {
            let scaled = step * 10f64.powi(*p);
            (scaled - scaled.round()).abs() < 1e-6
        })
        .unwrap_or(6) as u32
}

/// How tick labels of an axis are written: the unit chosen once for the whole axis.
#[derive(Debug, Clone)]
pub struct TickFormat {
    divisor: f64,
    suffix: &'static str,
    places: u32,
    style: NumberStyle,
}

impl TickFormat {
    /// Money axes up to 10.000 million VND read in triệu (million), above in tỷ (billion VND);
    /// counts as plain numbers. Decimals only as many as the step needs.
    pub fn new(unit: Unit, scale: &Scale, style: NumberStyle) -> TickFormat {
        let (divisor, suffix) = match unit {
            Unit::Count => (1.0, ""),
            Unit::MillionVnd if scale.hi.abs().max(scale.lo.abs()) >= 10_000.0 => (1000.0, " tỷ"),
            Unit::MillionVnd => (1.0, " triệu"),
        };
        TickFormat {
            divisor,
            suffix,
            places: places_for(scale.step / divisor),
            style,
        }
    }

    /// A value exactly as people read it (not rounded to the axis): money in triệu to
    /// 0,1 (`9.876,5 triệu`), counts to 0,01.
    pub fn exact(&self, value: f64) -> String {
        match self.suffix {
            "" => format_value(value, 2, self.style),
            _ => format!(
                "{} triệu",
                format_value(value, crate::number::MONEY_PLACES, self.style)
            ),
        }
    }

    /// The label of one tick, e.g. `1.500 tỷ`, `68.397 triệu`, `1.340`.
    pub fn label(&self, value: f64) -> String {
        if value == 0.0 {
            return "0".into();
        }
        format!(
            "{}{}",
            format_value(value / self.divisor, self.places, self.style),
            self.suffix
        )
    }
}

/// A value for people, half-up at `places` decimals, trailing zeros dropped.
pub fn format_value(value: f64, places: u32, style: NumberStyle) -> String {
    let decimal = Decimal::from_f64(value).unwrap_or_default();
    format_trimmed(decimal, places, style)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_step_fills_the_axis() {
        // Communes 39 → 40: step 1, range 38,5 … 40,5, ticks 39 and 40; the axis does not start
        // at 0, so it is broken.
        let s = fit(39.0, 40.0, true);
        assert_eq!((s.lo, s.hi, s.step), (38.5, 40.5, 1.0));
        assert_eq!(s.ticks, vec![39.0, 40.0]);
        assert!(s.broken());
        // Criteria 1.175 … 1.208: spread 33, step nice(8,25) = 10, range 1.170 … 1.213.
        let s = fit(1175.0, 1208.0, true);
        assert_eq!((s.lo, s.hi, s.step), (1170.0, 1213.0, 10.0));
        assert_eq!(s.ticks, vec![1170.0, 1180.0, 1190.0, 1200.0, 1210.0]);
    }

    #[test]
    fn data_near_zero_starts_at_zero() {
        let s = fit(2.0, 20.0, true);
        assert_eq!(s.lo, 0.0);
        assert!(!s.broken());
    }

    #[test]
    fn x_axis_hugs_the_data() {
        // Lai Châu: 899.022,5 … 3.596.090 million; spread 2.697.067,5, step nice(449.511) =
        // 500.000, room 107.883 each side.
        let s = fit_tight(899_022.5, 3_596_090.0, false);
        assert_eq!(s.step, 500_000.0);
        assert_eq!(s.ticks.first(), Some(&1_000_000.0));
        assert_eq!(s.ticks.last(), Some(&3_500_000.0));
        assert!(s.broken());
    }

    #[test]
    fn bars_start_at_zero_and_end_on_a_tick() {
        let s = from_zero(94.0, true);
        assert_eq!((s.lo, s.hi, s.step), (0.0, 100.0, 20.0));
    }

    #[test]
    fn money_ticks_in_vietnamese_units() {
        let s = fit(899_022.5, 3_596_090.0, false);
        let f = TickFormat::new(Unit::MillionVnd, &s, NumberStyle::Vietnamese);
        assert_eq!(s.step, 1_000_000.0);
        assert_eq!(f.label(2_000_000.0), "2.000 tỷ");
        let s = fit(60_000.0, 70_000.0, false);
        let f = TickFormat::new(Unit::MillionVnd, &s, NumberStyle::Vietnamese);
        assert_eq!(f.label(62_500.0), "62,5 tỷ");
        let s = fit(6_000.0, 7_000.0, false);
        let f = TickFormat::new(Unit::MillionVnd, &s, NumberStyle::Vietnamese);
        assert_eq!(f.label(6_250.0), "6.250 triệu");
    }
}
