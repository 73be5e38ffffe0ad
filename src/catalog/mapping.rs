//! Mapping between criteria sets (ánh xạ giữa các bộ tiêu chí): which old criterion becomes which
//! new one, whether a commune's status carries over, and the difference between two catalogs
//! (`ntm catalog diff A B`).

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{Basis, Catalog};
use crate::error::{Diagnostic, Error, Result};
use crate::text;

/// Mappings shipped inside the binary, by (from, to).
const BUILT_IN: &[(&str, &str, &str)] = &[
    (
        "qd1980-2016",
        "qd318-2022",
        include_str!("../../catalog/mapping-qd1980-2016-qd318-2022.toml"),
    ),
    (
        "qd318-2022",
        "qd51-2025",
        include_str!("../../catalog/mapping-qd318-2022-qd51-2025.toml"),
    ),
];

/// One old criterion and what it becomes.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CriterionMapping {
    /// Criterion id in the old set.
    pub from: u8,
    /// Criterion id in the new set; none when it does not carry over at all.
    #[serde(default)]
    pub to: Option<u8>,
    /// Whether a commune meeting the old criterion meets the new one without re-assessment.
    pub carries: bool,
    /// Why.
    pub reason: String,
    /// Law or our reading.
    pub basis: Basis,
}

/// A mapping from one catalog to another, as data.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogMapping {
    /// Old catalog id.
    pub from: String,
    /// New catalog id.
    pub to: String,
    /// Title.
    pub title: String,
    /// Where the correspondence comes from.
    pub source: String,
    /// Remarks.
    #[serde(default)]
    pub note: Option<String>,
    /// Old criterion → new criterion.
    pub criteria: Vec<CriterionMapping>,
}

impl CatalogMapping {
    /// The built-in mapping from `from` to `to`, if one is shipped.
    pub fn find(from: &str, to: &str) -> Result<Option<CatalogMapping>> {
        let Some((_, _, text)) = BUILT_IN.iter().find(|(f, t, _)| *f == from && *t == to) else {
            return Ok(None);
        };
        let path = format!("<built-in mapping {from} → {to}>");
        let mapping: CatalogMapping = text::parse_toml(text, Path::new(&path))?;
        Ok(Some(mapping))
    }

    /// The built-in mapping from catalog `a` to `b`: for their own ids, else through what they
    /// stand on (an amendment's `supersedes`, e.g. QĐ 211 on QĐ 318; a province file's `extends`).
    pub fn find_for(a: &Catalog, b: &Catalog) -> Result<Option<CatalogMapping>> {
        let froms = [
            Some(a.id.as_str()),
            a.supersedes.as_deref(),
            a.extends.as_deref(),
        ];
        let tos = [Some(b.id.as_str()), b.extends.as_deref()];
        for from in froms.into_iter().flatten() {
            for to in tos.into_iter().flatten() {
                if let Some(m) = CatalogMapping::find(from, to)? {
                    return Ok(Some(m));
                }
            }
        }
        Ok(None)
    }

    /// Pairs of catalogs with a built-in mapping.
    pub fn built_in_pairs() -> impl Iterator<Item = (&'static str, &'static str)> {
        BUILT_IN.iter().map(|(f, t, _)| (*f, *t))
    }

    /// The mapping for old criterion `id`.
    pub fn of(&self, id: u8) -> Option<&CriterionMapping> {
        self.criteria.iter().find(|c| c.from == id)
    }

    /// Checks that every id names a criterion of its catalog, and that every old criterion of
    /// `from` is mapped (none silently dropped).
    pub fn validate(&self, from: &Catalog, to: &Catalog) -> Result<()> {
        let path = Path::new("catalog").join(format!("mapping-{}-{}.toml", self.from, self.to));
        let mut problems = Vec::new();
        for c in from.criteria.iter().filter(|c| self.of(c.id).is_none()) {
            problems.push(
                Diagnostic::new(
                    &path,
                    None,
                    format!(
                        "mapping does not say what criterion {} of `{}` becomes",
                        c.id, from.id
                    ),
                )
                .hint("add a [[criteria]] row with from, to (or none), carries, reason and basis"),
            );
        }
        for c in &self.criteria {
            if from.criterion(c.from).is_none() {
                problems.push(Diagnostic::new(
                    &path,
                    None,
                    format!(
                        "mapping names criterion {} unknown to `{}`",
                        c.from, from.id
                    ),
                ));
            }
            if let Some(to_id) = c.to.filter(|id| to.criterion(*id).is_none()) {
                problems.push(Diagnostic::new(
                    &path,
                    None,
                    format!("mapping names criterion {to_id} unknown to `{}`", to.id),
                ));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Error::Invalid(problems))
        }
    }
}

/// How a criterion changes between two sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Change {
    /// Same criterion; a status carries over (giữ nguyên).
    Carries,
    /// Becomes a criterion of the new set, but a status must be re-assessed (đánh giá lại).
    Reassess,
    /// No successor in the new set (không còn).
    Dropped,
    /// New in the new set, no predecessor (mới).
    New,
}

impl Change {
    /// Label in both languages.
    pub fn label(self) -> &'static str {
        match self {
            Change::Carries => "giữ nguyên (carries over)",
            Change::Reassess => "đánh giá lại (re-assess)",
            Change::Dropped => "không còn (does not carry over)",
            Change::New => "mới (new)",
        }
    }
}

/// One line of a catalog diff.
#[derive(Debug, Clone, Serialize)]
pub struct DiffRow {
    /// Criterion id in the old set.
    pub from: Option<u8>,
    /// Its Vietnamese name.
    pub from_name_vi: Option<String>,
    /// Criterion id in the new set.
    pub to: Option<u8>,
    /// Its Vietnamese name.
    pub to_name_vi: Option<String>,
    /// What changes.
    pub change: Change,
    /// Why (from the mapping, or "same id and name").
    pub reason: String,
    /// Law or assumption.
    pub basis: Basis,
}

/// Difference between two catalogs (`ntm catalog diff A B`).
#[derive(Debug, Clone, Serialize)]
pub struct CatalogDiff {
    /// Old catalog id.
    pub from: String,
    /// New catalog id.
    pub to: String,
    /// The mapping used, if one is shipped (else criteria are matched by id and name).
    pub mapping: Option<String>,
    /// Its source.
    pub source: Option<String>,
    /// Its remarks.
    pub note: Option<String>,
    /// One row per criterion of either set.
    pub rows: Vec<DiffRow>,
}

impl CatalogDiff {
    /// The rows that are our reading, not law: what a re-evaluation under the new set assumes.
    pub fn assumptions(&self) -> Vec<&DiffRow> {
        self.rows
            .iter()
            .filter(|r| r.basis == Basis::Assumption)
            .collect()
    }
}

/// Compares catalog `a` (old) with `b` (new), through the shipped mapping when there is one.
pub fn diff(a: &Catalog, b: &Catalog) -> Result<CatalogDiff> {
    let mapping = CatalogMapping::find_for(a, b)?;
    if let Some(m) = &mapping {
        m.validate(a, b)?;
    }
    let name =
        |c: &Catalog, id: Option<u8>| id.and_then(|id| c.criterion(id)).map(|c| c.name_vi.clone());
    let mut rows = Vec::new();
    for old in &a.criteria {
        let row = match mapping.as_ref().and_then(|m| m.of(old.id)) {
            Some(m) => DiffRow {
                from: Some(old.id),
                from_name_vi: Some(old.name_vi.clone()),
                to: m.to,
                to_name_vi: name(b, m.to),
                change: match (m.to, m.carries) {
                    (None, _) => Change::Dropped,
                    (Some(_), true) => Change::Carries,
                    (Some(_), false) => Change::Reassess,
                },
                reason: m.reason.clone(),
                basis: m.basis,
            },
            None => match b.criterion(old.id) {
                Some(new) if mapping.is_none() => DiffRow {
                    from: Some(old.id),
                    from_name_vi: Some(old.name_vi.clone()),
                    to: Some(new.id),
                    to_name_vi: Some(new.name_vi.clone()),
                    change: if new.name_vi == old.name_vi {
                        Change::Carries
                    } else {
                        Change::Reassess
                    },
                    reason: if new.name_vi == old.name_vi {
                        "same id and name (no mapping shipped)".into()
                    } else {
                        "same id, another name (no mapping shipped)".into()
                    },
                    basis: Basis::Assumption,
                },
                _ => DiffRow {
                    from: Some(old.id),
                    from_name_vi: Some(old.name_vi.clone()),
                    to: None,
                    to_name_vi: None,
                    change: Change::Dropped,
                    reason: "no successor in the new set".into(),
                    basis: Basis::Assumption,
                },
            },
        };
        rows.push(row);
    }
    for new in &b.criteria {
        if !rows.iter().any(|r| r.to == Some(new.id)) {
            rows.push(DiffRow {
                from: None,
                from_name_vi: None,
                to: Some(new.id),
                to_name_vi: Some(new.name_vi.clone()),
                change: Change::New,
                reason: "no predecessor in the old set".into(),
                basis: Basis::Assumption,
            });
        }
    }
    Ok(CatalogDiff {
        from: a.id.clone(),
        to: b.id.clone(),
        mapping: mapping.as_ref().map(|m| m.title.clone()),
        source: mapping.as_ref().map(|m| m.source.clone()),
        note: mapping.and_then(|m| m.note),
        rows,
    })
}
