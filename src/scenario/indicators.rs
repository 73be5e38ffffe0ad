//! Indicator values (giá trị chỉ tiêu) per commune, in long format (`commune, indicator, year,
//! value, source`), and the decision of the criteria they decide: a value against the threshold
//! of the commune's region (or the region an attribute switches it to), its group (nhóm xã) and
//! the baseline year. A criterion is met when every one of its indicators is.

use std::collections::BTreeMap;
use std::path::Path;

use rust_decimal::Decimal;
use serde::Serialize;

use super::communes::{csv_headers, csv_reader};
use super::Commune;
use crate::catalog::{Catalog, CommuneGroup, Comparison};
use crate::error::{Diagnostic, Error, Result};
use crate::number;
use crate::text;

/// One measured value.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorValue {
    /// Index of the commune.
    pub commune: usize,
    /// Indicator id.
    pub indicator: String,
    /// Year it was measured (end of year).
    pub year: u16,
    /// The value, in the indicator's unit.
    pub value: Decimal,
    /// Where it comes from.
    pub source: String,
    /// Line in the file.
    #[serde(skip)]
    pub line: usize,
}

/// A criterion decided from an indicator value (kết luận theo chỉ tiêu).
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorDecision {
    /// Index of the commune.
    pub commune: usize,
    /// Indicator id.
    pub indicator: String,
    /// Criterion it decides.
    pub criterion: u8,
    /// Year of value and threshold.
    pub year: u16,
    /// The value.
    pub value: Decimal,
    /// The threshold.
    pub threshold: Decimal,
    /// Region whose threshold applies (none for a threshold set by group only).
    pub region: Option<String>,
    /// The commune's group (nhóm xã), for a catalog with groups.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<CommuneGroup>,
    /// The attribute that switched the region, if any.
    pub via_attribute: Option<String>,
    /// How the value meets the threshold.
    pub comparison: Comparison,
    /// Whether the criterion is met.
    pub met: bool,
    /// How far the value is from the threshold (zero when met).
    pub gap: Decimal,
    /// Source of the threshold.
    pub threshold_source: String,
    /// Source of the value.
    pub value_source: String,
}

/// Reads an indicator values file.
pub fn read(path: &Path, catalog: &Catalog, communes: &[Commune]) -> Result<Vec<IndicatorValue>> {
    let text = text::read_to_string(path)?;
    let mut reader = csv_reader(&text);
    let headers = csv_headers(path, &mut reader)?;
    let mut problems = Vec::new();
    for needed in ["commune", "indicator", "year", "value", "source"] {
        if !headers.iter().any(|h| h == needed) {
            problems.push(
                Diagnostic::new(path, Some(1), format!("missing column `{needed}`"))
                    .hint("columns: commune, indicator, year, value, source (unit optional)"),
            );
        }
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let col = |name: &str| headers.iter().position(|h| h == name);
    let known: Vec<&str> = catalog.indicators.iter().map(|i| i.id.as_str()).collect();
    // The first commune whose id or name is the key: one lookup per row instead of a scan of
    // every commune (3.500 communes × several indicators each).
    let mut by_key: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (i, c) in communes.iter().enumerate() {
        by_key.entry(c.id.as_str()).or_insert(i);
        by_key.entry(c.name.as_str()).or_insert(i);
    }
    let mut values = Vec::new();
    let mut records = reader.records();
    while let Some((line, record)) = text::next_row(&mut records, path, &mut problems) {
        let cell = |name: &str| {
            col(name)
                .and_then(|i| record.get(i))
                .map(|v| text::name(v.trim()))
                .unwrap_or_default()
        };
        let mut problem = |message: String, hint: String| {
            problems.push(Diagnostic::new(path, Some(line), message).hint(hint));
        };
        let name = cell("commune");
        let Some(commune) = by_key.get(name.as_str()).copied() else {
            problem(
                format!("unknown commune `{name}`"),
                "use an id or name from communes.csv".into(),
            );
            continue;
        };
        let id = cell("indicator");
        let Some(indicator) = catalog.indicator(&id) else {
            problem(
                format!("unknown indicator `{id}`"),
                if let (true, Some(law)) = (known.is_empty(), &catalog.indicator_count) {
                    format!(
                        "catalog `{}` transcribes none of its {} indicators: a province file with extends = \"{}\" lists the ones it assesses, with thresholds and sources; point scenario.toml's catalog to it",
                        catalog.id,
                        law.count,
                        catalog.national_id()
                    )
                } else if known.is_empty() {
                    format!("catalog `{}` has no indicators", catalog.id)
                } else {
                    format!(
                        "indicators of catalog `{}`: {}",
                        catalog.id,
                        known.join(", ")
                    )
                },
            );
            continue;
        };
        let unit = cell("unit");
        if !unit.is_empty() && unit != indicator.unit {
            problem(
                format!(
                    "`{id}` is measured in {}, this row says {unit}",
                    indicator.unit
                ),
                format!(
                    "convert the value to {} or leave unit empty",
                    indicator.unit
                ),
            );
            continue;
        }
        let Ok(year) = cell("year").parse::<u16>() else {
            problem(
                format!("year `{}` is not a year", cell("year")),
                "write e.g. 2022".into(),
            );
            continue;
        };
        let value = match number::parse_decimal(&cell("value")) {
            Ok(v) => v,
            Err(e) => {
                problem(
                    format!("value `{}`: {e}", cell("value")),
                    "write a number, e.g. 36,2".into(),
                );
                continue;
            }
        };
        let source = cell("source");
        if source.is_empty() {
            problem(
                format!("value of `{id}` for `{name}` has no source"),
                "say where the figure comes from, or `assumption: …`".into(),
            );
            continue;
        }
        values.push(IndicatorValue {
            commune,
            indicator: id,
            year,
            value,
            source,
            line,
        });
    }
    if problems.is_empty() {
        Ok(values)
    } else {
        Err(Error::Invalid(problems))
    }
}

/// Decides the criteria of the baseline-year values: each value against the threshold of the
/// commune's region, group and year, then each criterion with a value: met when every indicator
/// of it is met. A criterion some of whose indicators have no value keeps its met/not-met column
/// unless a valued one misses. A value without a threshold is an error, never a silent default;
/// for a catalog with groups it names the province file that must supply the threshold.
pub fn decide(
    path: &Path,
    values: &[IndicatorValue],
    catalog: &Catalog,
    region: Option<&str>,
    year: u16,
    communes: &mut [Commune],
) -> Result<Vec<IndicatorDecision>> {
    let mut problems = Vec::new();
    let mut decisions = Vec::new();
    for v in values.iter().filter(|v| v.year == year) {
        let Some(indicator) = catalog.indicator(&v.indicator) else {
            continue;
        };
        let commune = &communes[v.commune];
        let via = catalog
            .indicator_overrides
            .iter()
            .find(|o| commune.attributes.contains(&o.attribute));
        let region = via.map(|o| o.region.as_str()).or(region);
        let group = commune.group;
        let Some(threshold) = indicator.threshold(region, group, year) else {
            problems.push(missing_threshold(path, v, catalog, region, group, year));
            continue;
        };
        let limit = threshold.amount();
        let (met, gap) = match indicator.comparison {
            Comparison::AtLeast => (v.value >= limit, (limit - v.value).max(Decimal::ZERO)),
            Comparison::AtMost => (v.value <= limit, (v.value - limit).max(Decimal::ZERO)),
        };
        decisions.push(IndicatorDecision {
            commune: v.commune,
            indicator: v.indicator.clone(),
            criterion: indicator.criterion,
            year,
            value: v.value,
            threshold: limit,
            region: threshold.region.as_ref().and(region.map(str::to_string)),
            group,
            via_attribute: via.map(|o| o.attribute.clone()),
            comparison: indicator.comparison,
            met,
            gap,
            threshold_source: threshold.source.clone(),
            value_source: v.source.clone(),
        });
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    for d in decisions.iter().filter(|d| d.met) {
        communes[d.commune]
            .indicators_met
            .insert(d.indicator.clone());
    }
    // (commune, criterion) → (indicators valued, all met)
    let mut by_criterion: BTreeMap<(usize, u8), (usize, bool)> = BTreeMap::new();
    for d in &decisions {
        let entry = by_criterion
            .entry((d.commune, d.criterion))
            .or_insert((0, true));
        entry.0 += 1;
        entry.1 &= d.met;
    }
    for ((commune, criterion), (valued, all_met)) in by_criterion {
        let of_criterion = catalog
            .indicators
            .iter()
            .filter(|i| i.criterion == criterion)
            .count();
        let met = &mut communes[commune].met;
        if !all_met {
            met.remove(criterion);
        } else if valued == of_criterion {
            met.insert(criterion);
        }
    }
    Ok(decisions)
}

/// "no threshold": where it is missing and who must supply it.
fn missing_threshold(
    path: &Path,
    v: &IndicatorValue,
    catalog: &Catalog,
    region: Option<&str>,
    group: Option<CommuneGroup>,
    year: u16,
) -> Diagnostic {
    let have: Vec<String> = catalog
        .indicator(&v.indicator)
        .map(|i| i.thresholds.iter().map(|t| t.keys()).collect())
        .unwrap_or_default();
    let mut keys = Vec::new();
    if let Some(g) = group {
        keys.push(g.label_vi());
    }
    if let Some(r) = region {
        keys.push(format!("region `{r}`"));
    }
    let keys = if keys.is_empty() {
        format!("in {year}")
    } else {
        format!("for {} in {year}", keys.join(", "))
    };
    let lead = if catalog.groups.is_empty() {
        String::new()
    } else {
        "threshold missing — a province file must supply it: ".to_string()
    };
    let message = format!(
        "{lead}catalog `{}` has no threshold of `{}` {keys}",
        catalog.id, v.indicator
    );
    let hint = match (&catalog.file, catalog.groups.is_empty(), group) {
        (Some(file), false, Some(g)) => format!(
            "add to the province file {}: [[indicators.thresholds]] group = {} with value and source under `{}`{}",
            file.display(),
            g.number(),
            v.indicator,
            if have.is_empty() { String::new() } else { format!(" (it has: {})", have.join(", ")) }
        ),
        (None, false, _) => format!(
            "the national catalog `{}` holds no cited threshold for it: write a province file with extends = \"{}\" listing the indicator and its thresholds by group, and set catalog = \"<that file>\" in scenario.toml",
            catalog.id,
            catalog.national_id()
        ),
        _ if have.is_empty() && region.is_none() && catalog.groups.is_empty() => {
            "thresholds depend on the region: set `region` in scenario.toml".to_string()
        }
        _ if have.is_empty() => "no cited threshold is shipped for it: leave the value out and keep the criterion's met/not-met column".to_string(),
        _ => format!("thresholds exist for: {}", have.join(", ")),
    };
    Diagnostic::new(path, Some(v.line), message).hint(hint)
}

/// Gap per commune and indicator, for translating a project's raise into a fractional gain.
pub fn gaps(decisions: &[IndicatorDecision], communes: usize) -> Vec<BTreeMap<String, Decimal>> {
    if decisions.is_empty() {
        // Read with `.get(commune)`: no list at all is the same as one empty map per commune.
        return Vec::new();
    }
    let mut out = vec![BTreeMap::new(); communes];
    for d in decisions {
        out[d.commune].insert(d.indicator.clone(), d.gap);
    }
    out
}
