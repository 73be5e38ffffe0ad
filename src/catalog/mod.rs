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
pub use indicators::{
    CommuneGroup, Comparison, GroupByRule, GroupRule, Indicator, IndicatorOverride, Threshold,
    ValueKind, ATTRIBUTES,
};
pub use mapping::{diff, CatalogDiff, CatalogMapping, Change, CriterionMapping, DiffRow};

/// Catalogs shipped inside the binary, by id.
const BUILT_IN: &[(&str, &str)] = &[
    (
        "qd1980-2016",
        include_str!("../../catalog/qd1980-2016.toml"),
    ),
    ("qd318-2022", include_str!("../../catalog/qd318-2022.toml")),
    ("qd211-2024", include_str!("../../catalog/qd211-2024.toml")),
    ("qd51-2025", include_str!("../../catalog/qd51-2025.toml")),
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

/// How many indicators the law's annex has, when the catalog does not transcribe them all
/// (số chỉ tiêu theo văn bản).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorCount {
    /// Indicators in the law.
    pub count: u32,
    /// Where the count is written.
    pub source: String,
    /// Why the catalog holds fewer, and who supplies the rest.
    #[serde(default)]
    pub note: Option<String>,
}

/// A condition for a province to be recognised as having completed the NTM task (điều kiện
/// tỉnh hoàn thành nhiệm vụ xây dựng nông thôn mới), reported by `evaluate` for the province.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProvinceConditions {
    /// Document and annex.
    pub source: String,
    /// What is and is not transcribed.
    #[serde(default)]
    pub note: Option<String>,
    /// The conditions, each with its source (empty when none could be cited).
    #[serde(default)]
    pub conditions: Vec<Criterion>,
}

/// A versioned criteria catalog.
///
/// A province file (bộ tiêu chí cấp tỉnh) names the national catalog in `extends` and holds only
/// what it adds: indicators, thresholds (a threshold with the same keys as a national one
/// replaces it), overrides and dependencies. The criteria, tiers, bands, regions and groups
/// are the national catalog's.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    /// Version id, e.g. `qd318-2022`.
    pub id: String,
    /// The national catalog this province file extends (built-in id or path).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extends: Option<String>,
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
    #[serde(default)]
    pub bands: Vec<Band>,
    /// Tiers.
    #[serde(default)]
    pub tiers: Vec<Tier>,
    /// Regions.
    #[serde(default)]
    pub regions: Vec<Region>,
    /// Commune groups and the rule that assigns a commune to one (nhóm xã, QĐ 51/2025).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<GroupRule>,
    /// Criteria (the standard set, Phụ lục I of QĐ 318).
    #[serde(default)]
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
    /// The number of indicators in the law, when fewer are transcribed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indicator_count: Option<IndicatorCount>,
    /// Conditions for the province (QĐ 51/2025 Phụ lục III).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub province_conditions: Option<ProvinceConditions>,
    /// Dependency edges.
    #[serde(default)]
    pub dependencies: Vec<Dependency>,
    /// The file this catalog was read from (none for a built-in one): a missing threshold names
    /// it, or says to write one.
    #[serde(skip)]
    pub file: Option<std::path::PathBuf>,
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
            let mut catalog = Catalog::parse(&text, &path)?;
            catalog.file = Some(path);
            return Ok(catalog);
        }
        let known: Vec<&str> = Catalog::built_in_ids().collect();
        Err(Error::invalid(
            Diagnostic::new(&path, None, format!("unknown catalog `{reference}`")).hint(format!(
                "use one of {} or a path to a catalog file",
                known.join(", ")
            )),
        ))
    }

    /// Parses and validates catalog text; `path` names it in errors. A province file's
    /// `extends` is loaded (relative to the file's folder) and merged first.
    pub fn parse(text: &str, path: &Path) -> Result<Catalog> {
        let catalog: Catalog = text::parse_toml(text, path)?;
        let catalog = match catalog.extends.clone() {
            Some(national) => {
                let folder = path.parent().unwrap_or(Path::new("."));
                if national == catalog.id {
                    return Err(Error::invalid(
                        Diagnostic::new(
                            path,
                            text::line_of(text, "extends"),
                            format!("catalog `{national}` extends itself"),
                        )
                        .hint("give the province file its own id"),
                    ));
                }
                let base = Catalog::load(&national, folder)?;
                catalog.extend(base, text, path)?
            }
            None => catalog,
        };
        catalog.validate(text, path)?;
        Ok(catalog)
    }

    /// This province file on top of the national `base`.
    fn extend(self, base: Catalog, text: &str, path: &Path) -> Result<Catalog> {
        let mut problems = Vec::new();
        let national = |what: &str, line: &str| {
            Diagnostic::new(
                path,
                text::line_of(text, line),
                format!(
                    "a province file cannot redefine the national {what} of `{}`",
                    base.id
                ),
            )
            .hint("a province file adds indicators, thresholds, overrides and dependencies; the criteria, tiers, bands, regions and groups are the national catalog's")
        };
        if !self.criteria.is_empty() || !self.advanced_criteria.is_empty() {
            problems.push(national("criteria", "[[criteria]]"));
        }
        if !self.tiers.is_empty() || !self.bands.is_empty() || !self.regions.is_empty() {
            problems.push(national("tiers, bands or regions", "[["));
        }
        if !self.groups.is_empty() {
            problems.push(national("commune groups", "[[groups]]"));
        }
        if !problems.is_empty() {
            return Err(Error::Invalid(problems));
        }
        let mut indicators = base.indicators;
        for mine in self.indicators {
            match indicators.iter_mut().find(|i| i.id == mine.id) {
                Some(theirs) => {
                    for t in mine.thresholds {
                        theirs.thresholds.retain(|old| !old.same_keys(&t));
                        theirs.thresholds.push(t);
                    }
                }
                None => indicators.push(mine),
            }
        }
        let mut overrides = base.indicator_overrides;
        overrides.extend(self.indicator_overrides);
        let mut dependencies = base.dependencies;
        dependencies.extend(self.dependencies);
        Ok(Catalog {
            id: self.id,
            extends: self.extends,
            title: self.title,
            effective_from: self.effective_from,
            effective_to: self.effective_to.or(base.effective_to),
            supersedes: self.supersedes.or(base.supersedes),
            source: format!("{}; extends {}", self.source, base.source),
            note: self.note.or(base.note),
            bands: base.bands,
            tiers: base.tiers,
            regions: base.regions,
            groups: base.groups,
            criteria: base.criteria,
            advanced_criteria: base.advanced_criteria,
            model_conditions: base.model_conditions,
            indicators,
            indicator_overrides: overrides,
            indicator_count: base.indicator_count,
            province_conditions: self.province_conditions.or(base.province_conditions),
            dependencies,
            file: None,
        })
    }

    /// The national catalog id behind this one: its own id, or the one it extends.
    pub fn national_id(&self) -> &str {
        self.extends.as_deref().unwrap_or(&self.id)
    }

    /// What the group rules say of a commune with `attributes`.
    pub fn group_by_rule(&self, attributes: &std::collections::BTreeSet<String>) -> GroupByRule {
        if self.groups.is_empty() {
            return GroupByRule::NoGroups;
        }
        let fits: Vec<CommuneGroup> = self
            .groups
            .iter()
            .filter(|g| {
                g.any_of
                    .iter()
                    .any(|all| all.iter().all(|a| attributes.contains(a)))
            })
            .map(|g| g.group)
            .collect();
        match fits.as_slice() {
            [one] => GroupByRule::One(*one),
            [] => self
                .groups
                .iter()
                .find(|g| g.otherwise)
                .map_or(GroupByRule::NoGroups, |g| GroupByRule::One(g.group)),
            _ => GroupByRule::Several(fits),
        }
    }

    /// The rule of `group`.
    pub fn group(&self, group: CommuneGroup) -> Option<&GroupRule> {
        self.groups.iter().find(|g| g.group == group)
    }

    fn validate(&self, text: &str, path: &Path) -> Result<()> {
        let mut problems = Vec::new();
        if self.criteria.is_empty() {
            problems.push(
                Diagnostic::new(path, None, format!("catalog `{}` has no criteria", self.id))
                    .hint("list [[criteria]], or name the national catalog in `extends = \"…\"`"),
            );
        }
        self.validate_groups(text, path, &mut problems);
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
                if let Some(region) = t.region.as_deref().filter(|r| !regions.contains(r)) {
                    problems.push(
                        Diagnostic::new(
                            path,
                            at,
                            format!("threshold of `{}` names unknown region `{region}`", i.id),
                        )
                        .hint(format!("regions: {}", regions.join(", "))),
                    );
                }
                if let Some(group) = t.group.filter(|g| self.group(*g).is_none()) {
                    problems.push(
                        Diagnostic::new(
                            path,
                            at,
                            format!("threshold of `{}` names {group}, but catalog `{}` has no commune groups", i.id, self.id),
                        )
                        .hint("thresholds by group belong to a catalog with [[groups]] (e.g. extends = \"qd51-2025\")"),
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

    fn validate_groups(&self, text: &str, path: &Path, problems: &mut Vec<Diagnostic>) {
        let mut seen = std::collections::BTreeSet::new();
        for g in &self.groups {
            let line = text::line_of(text, &format!("group = {}", g.group.number()));
            if !seen.insert(g.group) {
                problems.push(Diagnostic::new(
                    path,
                    line,
                    format!("{} is defined twice", g.group),
                ));
            }
            for a in g.any_of.iter().flatten() {
                if !ATTRIBUTES.contains(&a.as_str()) {
                    problems.push(
                        Diagnostic::new(
                            path,
                            line,
                            format!("rule of {} names unknown attribute `{a}`", g.group),
                        )
                        .hint(format!("attributes: {}", ATTRIBUTES.join(", "))),
                    );
                }
            }
            if g.otherwise != g.any_of.is_empty() {
                problems.push(
                    Diagnostic::new(
                        path,
                        line,
                        format!(
                            "rule of {} needs either `any_of` or `otherwise = true`",
                            g.group
                        ),
                    )
                    .hint("one group takes the communes no other takes (otherwise = true); the others list attributes"),
                );
            }
        }
        if !self.groups.is_empty() && self.groups.iter().filter(|g| g.otherwise).count() != 1 {
            problems.push(
                Diagnostic::new(
                    path,
                    text::line_of(text, "[[groups]]"),
                    "exactly one group must take the communes no other group takes",
                )
                .hint("set `otherwise = true` on that group (QĐ 51: nhóm 2)"),
            );
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
        for id in Catalog::built_in_ids().filter(|id| *id != "qd51-2025") {
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
