//! What `ntm check` reports of a scenario that loads (tóm tắt kiểm tra): its name and how many
//! communes, projects, capital sources and targets it has. The CLI's `check --json` and the
//! workbench's `GET /api/s/{id}` print this one value.

use serde::Serialize;

use super::Scenario;
use crate::number::{format_count, NumberStyle};

/// The check summary of a loaded scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckSummary {
    /// Always true: a scenario that fails to load has no summary, only errors.
    pub ok: bool,
    /// Scenario name.
    pub scenario: String,
    /// Communes (xã).
    pub communes: usize,
    /// Projects (dự án).
    pub projects: usize,
    /// Capital sources (nguồn vốn).
    pub capital_sources: usize,
    /// Targets (chỉ tiêu).
    pub targets: usize,
    /// The synthetic-data note, when the data is synthetic.
    pub synthetic: Option<String>,
}

impl CheckSummary {
    /// The summary of `s`.
    pub fn of(s: &Scenario) -> CheckSummary {
        CheckSummary {
            ok: true,
            scenario: s.name.clone(),
            communes: s.communes.len(),
            projects: s.projects.len(),
            capital_sources: s.capital_sources.len(),
            targets: s.targets.len(),
            synthetic: s.synthetic.clone(),
        }
    }

    /// One line for people, numbers in `style`.
    pub fn render(&self, style: NumberStyle) -> String {
        let count = |n: usize| format_count(n as u64, style);
        format!(
            "{}: hợp lệ (ok): {} xã (communes), {} dự án (projects), {} nguồn vốn (capital sources), {} chỉ tiêu (targets)\n",
            self.scenario,
            count(self.communes),
            count(self.projects),
            count(self.capital_sources),
            count(self.targets)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counts_with_vietnamese_grouping() {
        let summary = CheckSummary {
            ok: true,
            scenario: "x".into(),
            communes: 1234,
            projects: 5,
            capital_sources: 2,
            targets: 0,
            synthetic: None,
        };
        assert_eq!(
            summary.render(NumberStyle::Vietnamese),
            "x: hợp lệ (ok): 1.234 xã (communes), 5 dự án (projects), 2 nguồn vốn (capital sources), 0 chỉ tiêu (targets)\n"
        );
        assert_eq!(
            serde_json::to_string(&summary).unwrap(),
            r#"{"ok":true,"scenario":"x","communes":1234,"projects":5,"capital_sources":2,"targets":0,"synthetic":null}"#
        );
    }
}
