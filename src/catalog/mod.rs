//! Criteria catalog (bộ tiêu chí): the 19 commune criteria, tiers, bands and regions as
//! versioned data with effective dates and a source for every rule.

mod graph;

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Diagnostic, Error, Result};
use crate::text;

pub use graph::{DependencyGraph, Node};

/// Catalogs shipped inside the binary, by id.
const BUILT_IN: &[(&str, &str)] = &[
    ("qd318-2022", include_str!("../../catalog/qd318-2022.toml")),
    ("qd211-2024", include_str!("../../catalog/qd211-2024.toml")),
];

/// Tier of a commune (mức đạt chuẩn).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TierId {
    /// Nông thôn mới: all criteria met.
    Standard,
    /// Nông thôn mới nâng cao.
    Advanced,
    /// Nông thôn mới kiểu mẫu.
    Model,
}

impl TierId {
    /// All tiers from lowest to highest.
    pub const ALL: [TierId; 3] = [TierId::Standard, TierId::Advanced, TierId::Model];

    /// Machine name.
    pub fn as_str(self) -> &'static str {
        match self {
            TierId::Standard => "standard",
            TierId::Advanced => "advanced",
            TierId::Model => "model",
        }
    }
}

/// Whether a rule is law or a judgement call (căn cứ).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Basis {
    /// Written in a legal text.
    Law,
    /// Our reading; not in any text we hold.
    Assumption,
}

/// One commune criterion (tiêu chí).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    /// Number 1..=19 in QĐ 318.
    pub id: u8,
    /// Short English key.
    pub key: String,
    /// Vietnamese name.
    pub name_vi: String,
    /// English name.
    pub name_en: String,
    /// Legal source.
    pub source: String,
}

/// A tier definition (mức).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    /// Which tier.
    pub id: TierId,
    /// Vietnamese name.
    pub name_vi: String,
    /// English name.
    pub name_en: String,
    /// The tier that must hold first.
    #[serde(default)]
    pub requires: Option<TierId>,
    /// Legal source.
    pub source: String,
}

/// A band of communes by number of criteria met (nhóm xã theo số tiêu chí).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    /// Label as the documents write it, e.g. `15-18`.
    pub id: String,
    /// Fewest criteria in the band.
    pub min: u8,
    /// Most criteria in the band.
    pub max: u8,
}

/// A socio-economic region (vùng); thresholds may differ by region.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Region {
    /// Machine id.
    pub id: String,
    /// Vietnamese name.
    pub name_vi: String,
    /// English name.
    pub name_en: String,
}

/// "`from` must hold before `to` can count" (điều kiện tiên quyết).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dependency {
    /// Prerequisite node: `c1`..`c19`, `standard`, `advanced`, `model`.
    pub from: String,
    /// Dependent node.
    pub to: String,
    /// Why.
    pub reason: String,
    /// Law or assumption.
    pub basis: Basis,
    /// Legal source, for law.
    #[serde(default)]
    pub source: Option<String>,
    /// Enforced by evaluation and the planner (true) or advice only (false).
    pub gate: bool,
}

/// A versioned criteria catalog.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    /// Version id, e.g. `qd318-2022`.
    pub id: String,
    /// Title.
    pub title: String,
    /// First day in force (ISO date).
    pub effective_from: String,
    /// Last day in force, if repealed.
    #[serde(default)]
    pub effective_to: Option<String>,
    /// The version this one amends.
    #[serde(default)]
    pub supersedes: Option<String>,
    /// Legal source.
    pub source: String,
    /// Remarks.
    #[serde(default)]
    pub note: Option<String>,
    /// Bands, highest first.
    pub bands: Vec<Band>,
    /// Tiers.
    pub tiers: Vec<Tier>,
    /// Regions.
    pub regions: Vec<Region>,
    /// Criteria.
    pub criteria: Vec<Criterion>,
    /// Dependency edges.
    #[serde(default)]
    pub dependencies: Vec<Dependency>,
}

impl Catalog {
    /// Ids of the built-in catalogs.
    pub fn built_in_ids() -> impl Iterator<Item = &'static str> {
        BUILT_IN.iter().map(|(id, _)| *id)
    }

    /// Text of the built-in catalog `id`, if there is one.
    pub fn built_in_text(id: &str) -> Option<&'static str> {
        BUILT_IN
            .iter()
            .find(|(known, _)| *known == id)
            .map(|(_, text)| *text)
    }

    /// Loads a built-in catalog by id, or a catalog file by path.
    pub fn load(reference: &str, base: &Path) -> Result<Catalog> {
        if let Some(text) = Catalog::built_in_text(reference) {
            return Catalog::parse(text, Path::new(&format!("<built-in {reference}>")));
        }
        let path = base.join(reference);
        if path.is_file() {
            let text = text::read_toml_text(&path)?;
            return Catalog::parse(&text, &path);
        }
        let known: Vec<&str> = Catalog::built_in_ids().collect();
        Err(Error::invalid(
            Diagnostic::new(&path, None, format!("unknown catalog `{reference}`")).hint(format!(
                "use one of {} or a path to a catalog file",
                known.join(", ")
            )),
        ))
    }

    /// Parses and validates catalog text; `path` names it in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Catalog> {
        let catalog: Catalog = text::parse_toml(text, path)?;
        catalog.validate(text, path)?;
        Ok(catalog)
    }

    fn validate(&self, text: &str, path: &Path) -> Result<()> {
        let mut problems = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        for c in &self.criteria {
            if c.id == 0 || c.id > 31 {
                problems.push(Diagnostic::new(
                    path,
                    text::line_of(text, &format!("id = {}", c.id)),
                    format!("criterion id {} is out of range 1..=31", c.id),
                ));
            }
            if !seen.insert(c.id) {
                problems.push(Diagnostic::new(
                    path,
                    text::line_of(text, &format!("id = {}", c.id)),
                    format!("criterion {} is defined twice", c.id),
                ));
            }
        }
        if let Err(mut graph_problems) = DependencyGraph::build(self, text, path) {
            problems.append(&mut graph_problems);
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Error::Invalid(problems))
        }
    }

    /// The dependency graph (validated at load).
    pub fn graph(&self) -> DependencyGraph {
        DependencyGraph::build(self, "", Path::new(""))
            .unwrap_or_else(|_| unreachable!("catalog graph is validated at load"))
    }

    /// Criterion by id.
    pub fn criterion(&self, id: u8) -> Option<&Criterion> {
        self.criteria.iter().find(|c| c.id == id)
    }

    /// Number of criteria.
    pub fn criteria_count(&self) -> usize {
        self.criteria.len()
    }

    /// The band a number of met criteria falls in.
    pub fn band_of(&self, met: u32) -> Option<&Band> {
        self.bands
            .iter()
            .find(|b| u32::from(b.min) <= met && met <= u32::from(b.max))
    }

    /// Tier definition.
    pub fn tier(&self, id: TierId) -> Option<&Tier> {
        self.tiers.iter().find(|t| t.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_catalogs_load() {
        for id in Catalog::built_in_ids() {
            let c = Catalog::load(id, Path::new(".")).unwrap();
            assert_eq!(c.criteria.len(), 19);
            assert_eq!(c.band_of(19).unwrap().id, "19");
            assert_eq!(c.band_of(12).unwrap().id, "10-14");
            assert_eq!(c.band_of(0).unwrap().id, "0-4");
        }
    }

    #[test]
    fn amendment_names_what_it_supersedes() {
        let c = Catalog::load("qd211-2024", Path::new(".")).unwrap();
        assert_eq!(c.supersedes.as_deref(), Some("qd318-2022"));
    }
}
