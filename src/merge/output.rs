//! The merged scenario's files (tệp kịch bản mới): `scenario.toml`, `communes.csv`,
//! `indicators.csv`, `projects.csv` and a copy of a catalog file, built in memory.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::catalog::TierId;
use crate::error::{Error, Result};
use crate::scenario::{BudgetKind, IndicatorValue, SourceKind, Target, TargetKind};

use crate::number::format_for_file;

/// `[[capital_sources]]` as written.
#[derive(Debug, Clone, Serialize)]
pub struct SourceToml {
    pub id: String,
    pub kind: SourceKind,
    pub name_vi: String,
    pub name_en: String,
    pub budget_kind: BudgetKind,
    pub categories: Vec<String>,
    pub eligibility: String,
    pub source: String,
    pub budget: BTreeMap<String, String>,
}

/// `[[counterpart]]` as written.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CounterpartToml {
    pub source: String,
    pub of: Vec<String>,
    pub ratio: String,
    pub basis: String,
}

/// `[[targets]]` as written.
#[derive(Debug, Clone, Serialize)]
pub struct TargetToml {
    pub year: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub criterion: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<TierId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tier: Option<TierId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub band: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub average_criteria: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_criteria: Option<u8>,
    /// Indicator of an indicator target (số xã đạt chỉ tiêu …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub indicator: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub communes: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub added: Option<u32>,
    /// Commune group of a group target (số xã nhóm N đạt …), kept as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<crate::catalog::CommuneGroup>,
    pub source: String,
}

impl TargetToml {
    /// The target as `scenario.toml` writes it.
    pub fn of(t: &Target) -> TargetToml {
        let mut out = TargetToml {
            year: t.year,
            criterion: None,
            level: None,
            tier: None,
            band: None,
            average_criteria: None,
            min_criteria: None,
            indicator: None,
            communes: Some(format_for_file(t.value)),
            added: t.added,
            group: t.group,
            source: t.source.clone(),
        };
        match &t.kind {
            TargetKind::Criterion { criterion } => out.criterion = Some(*criterion),
            TargetKind::LevelCriterion { criterion, level } => {
                out.criterion = Some(*criterion);
                out.level = Some(*level);
            }
            TargetKind::Tier { tier } => out.tier = Some(*tier),
            TargetKind::Band { band } => out.band = Some(band.clone()),
            TargetKind::AverageCriteria => {
                out.average_criteria = Some(format_for_file(t.value));
                out.communes = None;
            }
            TargetKind::MinCriteria { min } => out.min_criteria = Some(*min),
            TargetKind::Indicator { indicator } => out.indicator = Some(indicator.clone()),
        }
        out
    }
}

/// `[[stated_targets]]` as written.
#[derive(Debug, Clone, Serialize)]
pub struct StatedToml {
    pub id: String,
    pub label: String,
    pub value: String,
    pub unit: String,
    pub year: u16,
    pub source: String,
}

/// `scenario.toml` of the merged scenario. Plain values first, then tables (TOML's order).
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioToml {
    pub name: String,
    pub province: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    pub catalog: String,
    pub baseline_year: u16,
    pub years: Vec<u16>,
    pub hierarchy: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub synthetic: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub synthetic_vi: Option<String>,
    pub communes: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub projects: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub indicators: Option<String>,
    pub sources: BTreeMap<String, String>,
    pub capital_sources: Vec<SourceToml>,
    pub counterpart: Vec<CounterpartToml>,
    pub targets: Vec<TargetToml>,
    pub stated_targets: Vec<StatedToml>,
}

impl ScenarioToml {
    /// The file's text, with a header comment.
    pub fn to_text(&self, header: &str) -> Result<String> {
        let body = toml::to_string(self)
            .map_err(|e| Error::Internal(format!("cannot write scenario.toml: {e}")))?;
        let comment: String = header.lines().map(|l| format!("# {l}\n")).collect();
        Ok(format!("{comment}{body}"))
    }
}

/// `indicators.csv` of the new communes (`commune` indexes `ids`).
pub fn indicators_csv(
    values: &[IndicatorValue],
    ids: &[String],
    unit: impl Fn(&str) -> Option<String>,
) -> Result<Vec<u8>> {
    let fail = |e: csv::Error| Error::Internal(format!("cannot write CSV: {e}"));
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    writer
        .write_record(["commune", "indicator", "year", "value", "unit", "source"])
        .map_err(fail)?;
    for v in values {
        writer
            .write_record([
                ids[v.commune].as_str(),
                v.indicator.as_str(),
                &v.year.to_string(),
                &format_for_file(v.value),
                &unit(&v.indicator).unwrap_or_default(),
                v.source.as_str(),
            ])
            .map_err(fail)?;
    }
    writer
        .into_inner()
        .map_err(|e| Error::Internal(format!("cannot write CSV: {e}")))
}
