//! Synthesis (dữ liệu giả lập): deterministic, seeded demo data, always labelled synthetic.

pub mod projects;
