//! Criteria catalog (bộ tiêu chí): the 19 commune criteria, tiers, bands and regions as
//! versioned data with effective dates and a source for every rule.

mod graph;
mod indicators;
mod mapping;

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Diagnostic, Error, Result};
use crate::text;

pub use graph::{DependencyGraph, Node};
pub use indicators::{Comparison, Indicator, IndicatorOverride, Threshold, ValueKind, ATTRIBUTES};
pub use mapping::{diff, CatalogDiff, CatalogMapping, Change, CriterionMapping, DiffRow};

/// Catalogs shipped inside the binary, by id.
const BUILT_IN: &[(&str, &str)] = &[
    (
        "qd1980-2016",
        include_str!("../../catalog/qd1980-2016.toml"),
    ),
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
    /// For a criterion of the advanced set: the standard criteria whose subject it continues.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub standard: Vec<u8>,
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
    /// Criteria (the standard set, Phụ lục I of QĐ 318).
    pub criteria: Vec<Criterion>,
    /// Criteria of the advanced set (Bộ tiêu chí xã nông thôn mới nâng cao, Phụ lục II of
    /// QĐ 318): its own list; column `aN` of communes.csv is criterion N of it.
    #[serde(default)]
    pub advanced_criteria: Vec<Criterion>,
    /// Conditions of the model tier on top of the advanced set (điều kiện xã NTM kiểu mẫu,
    /// QĐ 319/QĐ-TTg): not a criteria list, so `communes.csv` has one `model` column for all.
    #[serde(default)]
    pub model_conditions: Vec<Criterion>,
    /// Indicators that decide a criterion from a measured value, with thresholds by region
    /// and year (chỉ tiêu, ngưỡng).
    #[serde(default)]
    pub indicators: Vec<Indicator>,
    /// Attributes that switch the region whose thresholds apply.
    #[serde(default)]
    pub indicator_overrides: Vec<IndicatorOverride>,
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
        let mut seen_advanced = std::collections::BTreeSet::new();
        for c in &self.advanced_criteria {
            let line = text::line_of(text, &format!("key = \"{}\"", c.key));
            if c.id == 0 || c.id > 31 || !seen_advanced.insert(c.id) {
                problems.push(Diagnostic::new(
                    path,
                    line,
                    format!(
                        "advanced criterion id {} is out of range 1..=31 or defined twice",
                        c.id
                    ),
                ));
            }
            for s in c.standard.iter().filter(|s| self.criterion(**s).is_none()) {
                problems.push(
                    Diagnostic::new(
                        path,
                        line,
                        format!(
                            "advanced criterion {} names unknown standard criterion {s}",
                            c.id
                        ),
                    )
                    .hint("`standard` lists ids of [[criteria]]"),
                );
            }
        }
        self.validate_indicators(text, path, &mut problems);
        if let Err(mut graph_problems) = DependencyGraph::build(self, text, path) {
            problems.append(&mut graph_problems);
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Error::Invalid(problems))
        }
    }

    fn validate_indicators(&self, text: &str, path: &Path, problems: &mut Vec<Diagnostic>) {
        let regions: Vec<&str> = self.regions.iter().map(|r| r.id.as_str()).collect();
        let mut ids = std::collections::BTreeSet::new();
        for i in &self.indicators {
            let line = text::line_of(text, &format!("id = \"{}\"", i.id));
            if !ids.insert(i.id.as_str()) {
                problems.push(Diagnostic::new(
                    path,
                    line,
                    format!("indicator `{}` is defined twice", i.id),
                ));
            }
            if self.criterion(i.criterion).is_none() {
                problems.push(Diagnostic::new(
                    path,
                    line,
                    format!(
                        "indicator `{}` decides unknown criterion {}",
                        i.id, i.criterion
                    ),
                ));
            }
            for t in &i.thresholds {
                let at = text::line_of(text, &format!("value = \"{}\"", t.value)).or(line);
                if !regions.contains(&t.region.as_str()) {
                    problems.push(
                        Diagnostic::new(
                            path,
                            at,
                            format!(
                                "threshold of `{}` names unknown region `{}`",
                                i.id, t.region
                            ),
                        )
                        .hint(format!("regions: {}", regions.join(", "))),
                    );
                }
                if crate::number::parse_decimal(&t.value).is_err() {
                    problems.push(Diagnostic::new(
                        path,
                        at,
                        format!("threshold `{}` of `{}` is not a number", t.value, i.id),
                    ));
                }
            }
        }
        for o in &self.indicator_overrides {
            let line = text::line_of(text, &format!("attribute = \"{}\"", o.attribute));
            if !ATTRIBUTES.contains(&o.attribute.as_str()) {
                problems.push(
                    Diagnostic::new(
                        path,
                        line,
                        format!("override names unknown attribute `{}`", o.attribute),
                    )
                    .hint(format!("attributes: {}", ATTRIBUTES.join(", "))),
                );
            }
            if !regions.contains(&o.region.as_str()) {
                problems.push(
                    Diagnostic::new(
                        path,
                        line,
                        format!("override names unknown region `{}`", o.region),
                    )
                    .hint(format!("regions: {}", regions.join(", "))),
                );
            }
        }
    }

    /// Indicator by id.
    pub fn indicator(&self, id: &str) -> Option<&Indicator> {
        self.indicators.iter().find(|i| i.id == id)
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

    /// Criterion of the advanced set by id.
    pub fn advanced_criterion(&self, id: u8) -> Option<&Criterion> {
        self.advanced_criteria.iter().find(|c| c.id == id)
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
            assert!(c.criteria.iter().all(|c| !c.source.is_empty()));
            assert!(c.advanced_criteria.iter().all(|c| !c.source.is_empty()));
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
