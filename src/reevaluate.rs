//! Re-evaluation under another criteria set (đánh giá lại theo bộ tiêu chí mới): a scenario
//! written against one catalog (e.g. Lạng Sơn 2022 on QĐ 1980/2016) evaluated under another
//! (QĐ 318/2022) through the mapping between them, with the mapping's assumptions stated.

use serde::Serialize;

use crate::catalog::{diff, Catalog, CatalogDiff, Change};
use crate::error::{Diagnostic, Error, Result};
use crate::evaluate::{evaluate_communes, Evaluation};
use crate::scenario::{CriteriaSet, Scenario};

/// A criterion whose status does not carry over, and how many communes lose it.
#[derive(Debug, Clone, Serialize)]
pub struct Reset {
    /// Criterion id in the old set.
    pub from: u8,
    /// Its successor in the new set, if any.
    pub to: Option<u8>,
    /// Communes that met the old criterion and are read as not meeting the new one.
    pub communes: usize,
    /// Why (from the mapping).
    pub reason: String,
}

/// A new criterion fed by several old ones, and the communes that met every one of them: the
/// first to re-assess (ứng viên đánh giá lại), never counted as meeting it.
#[derive(Debug, Clone, Serialize)]
pub struct Candidate {
    /// Criterion id in the new set.
    pub to: u8,
    /// Its Vietnamese name.
    pub name_vi: String,
    /// The old criteria that feed it.
    pub from: Vec<u8>,
    /// Communes that met every one of them under the old set.
    pub communes: usize,
}

/// Result of `ntm evaluate <scenario> --catalog <id>`.
#[derive(Debug, Clone, Serialize)]
pub struct Reevaluation {
    /// The scenario's own catalog.
    pub from: String,
    /// The catalog evaluated under.
    pub to: String,
    /// The mapping and its rows.
    pub diff: CatalogDiff,
    /// Statuses read as not met until re-assessed.
    pub reset: Vec<Reset>,
    /// New criteria that must be assessed afresh, with the communes that met everything
    /// feeding them.
    pub candidates: Vec<Candidate>,
    /// Advanced-set statuses dropped (the old set has no advanced set to map from).
    pub advanced_dropped: usize,
    /// The communes evaluated under the new catalog.
    pub evaluation: Evaluation,
}

/// Evaluates `scenario`'s communes under `catalog` through the mapping from its own catalog.
pub fn reevaluate(scenario: &Scenario, catalog: &Catalog) -> Result<Reevaluation> {
    if scenario.catalog.id == catalog.id {
        return Err(Error::invalid(
            Diagnostic::new(
                &scenario.dir.join("scenario.toml"),
                None,
                format!("the scenario is already on catalog `{}`", catalog.id),
            )
            .hint("name a newer catalog, e.g. `--catalog qd318-2022`"),
        ));
    }
    let d = diff(&scenario.catalog, catalog)?;
    let mut reset = Vec::new();
    let mut advanced_dropped = 0;
    let mut communes = scenario.communes.clone();
    for c in &mut communes {
        let mut met = CriteriaSet::EMPTY;
        for row in &d.rows {
            if let (Some(from), Some(to), Change::Carries) = (row.from, row.to, row.change) {
                if c.met.contains(from) {
                    met.insert(to);
                }
            }
        }
        c.met = met;
        if c.advanced_met != CriteriaSet::EMPTY {
            advanced_dropped += 1;
            c.advanced_met = CriteriaSet::EMPTY;
        }
    }
    for row in d
        .rows
        .iter()
        .filter(|r| matches!(r.change, Change::Reassess | Change::Dropped) && r.from.is_some())
    {
        let from = row.from.unwrap_or_default();
        reset.push(Reset {
            from,
            to: row.to,
            communes: scenario
                .communes
                .iter()
                .filter(|c| c.met.contains(from))
                .count(),
            reason: row.reason.clone(),
        });
    }
    let mut candidates = Vec::new();
    for new in &catalog.criteria {
        let from: Vec<u8> = d
            .rows
            .iter()
            .filter(|r| r.to == Some(new.id) && r.change == Change::Reassess)
            .filter_map(|r| r.from)
            .collect();
        if from.is_empty() {
            continue;
        }
        let all = CriteriaSet::from_ids(from.iter().copied());
        candidates.push(Candidate {
            to: new.id,
            name_vi: new.name_vi.clone(),
            communes: scenario
                .communes
                .iter()
                .filter(|c| c.met.contains_all(all))
                .count(),
            from,
        });
    }
    let evaluation = evaluate_communes(catalog, &communes, scenario.synthetic.clone());
    Ok(Reevaluation {
        from: scenario.catalog.id.clone(),
        to: catalog.id.clone(),
        diff: d,
        reset,
        candidates,
        advanced_dropped,
        evaluation,
    })
}
