//! Excel.
