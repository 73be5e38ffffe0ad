//! # ntm
//!
//! Rules engine and what-if planner for Vietnam's National Target Program on New Rural
//! Development (Chương trình mục tiêu quốc gia xây dựng nông thôn mới, NTM).
//!
//! The library does the work; the `ntm` binary parses arguments and renders results.

pub mod audit;
pub mod bilingual;
pub mod catalog;
pub mod chart;
pub mod closing;
pub mod consistency;
pub mod document;
pub mod error;
pub mod evaluate;
pub mod merge;
pub mod number;
pub mod outcome;
pub mod output;
pub mod paying;
pub mod plan;
pub mod progress;
pub mod receipt;
pub mod reevaluate;
pub mod report;
pub mod rules;
pub mod scenario;
pub mod serve;
pub mod synthesize;
pub mod text;
pub mod whatif;
pub mod xlsx;

pub use error::{Diagnostic, Error, Result};
