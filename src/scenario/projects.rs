//! Projects file (danh mục dự án): candidate investment projects and the criterion gains they
//! bring to their commune.
//!
//! Columns: `id`, `commune` (id or name), `category`, `cost` (million VND), `year_from`,
//! `year_to` (or one `year`), `gains` (`c2:0.4;c5:1`: criterion and the fraction of its gap
//! the project closes; `a2:0.5` for criterion 2 of the advanced set, tiêu chí nâng cao),
//! optional `must` (`fund` or `skip`).

use std::collections::BTreeMap;
use std::path::Path;

use rust_decimal::Decimal;
use serde::Serialize;

use super::communes::{csv_headers, csv_reader};
use super::{CapitalSource, Category, Commune};
use crate::catalog::{Catalog, TierId};
use crate::error::{Diagnostic, Error, Result};
use crate::number;
use crate::text;

/// Part of a criterion's gap a project closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Gain {
    /// Criterion id, in the set of `level`.
    pub criterion: u8,
    /// Fraction of the gap in (0, 1].
    pub fraction: Decimal,
    /// Which criteria set the criterion belongs to (mức tiêu chí): `standard` (QĐ 318
    /// Phụ lục I, written `c2`) or `advanced` (the advanced set, Phụ lục II, written `a2`).
    #[serde(skip_serializing_if = "is_standard")]
    pub level: TierId,
}

fn is_standard(level: &TierId) -> bool {
    *level == TierId::Standard
}

impl Gain {
    /// A gain on criterion `criterion` of the standard set.
    pub fn standard(criterion: u8, fraction: Decimal) -> Gain {
        Gain {
            criterion,
            fraction,
            level: TierId::Standard,
        }
    }

    /// Whether it raises a criterion of the standard set (not the advanced set).
    pub fn is_standard(&self) -> bool {
        self.level == TierId::Standard
    }

    /// Whether it raises criterion `criterion` of the advanced set.
    pub fn raises_advanced(&self, criterion: u8) -> bool {
        self.level == TierId::Advanced && self.criterion == criterion
    }

    /// How the projects file writes its criterion: `c2` (standard) or `a2` (advanced).
    pub fn key(&self) -> String {
        match self.level {
            TierId::Standard => format!("c{}", self.criterion),
            _ => format!("a{}", self.criterion),
        }
    }

    /// How the projects file writes it: `c2:0.5`, `a2:1`.
    pub fn label(&self) -> String {
        format!("{}:{}", self.key(), self.fraction.normalize())
    }
}

/// A planner's decision fixed in advance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Must {
    /// Must be funded (bắt buộc).
    Fund,
    /// Must not be funded.
    Skip,
}

/// A candidate investment project (dự án).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Project {
    /// Id, unique.
    pub id: String,
    /// Index of its commune in the scenario.
    pub commune: usize,
    /// Category, e.g. `transport`, `school`, `production`.
    pub category: Category,
    /// Cost, million VND.
    pub cost: Decimal,
    /// First year it may be funded.
    pub year_from: u16,
    /// Last year it may be funded.
    pub year_to: u16,
    /// Criterion gains.
    pub gains: Vec<Gain>,
    /// Fixed decision, if any.
    pub must: Option<Must>,
    /// Line in the file.
    #[serde(skip)]
    pub line: usize,
}

impl Project {
    /// Whether it may be funded in `year`: its window `year_from..=year_to`.
    pub fn open_in(&self, year: u16) -> bool {
        self.year_from <= year && year <= self.year_to
    }

    /// The first of `years`, in their order, it may be funded in.
    pub fn first_year_in(&self, years: &[u16]) -> Option<u16> {
        years.iter().copied().find(|t| self.open_in(*t))
    }
}

/// Parses `c2:0.4;c5:1` (also `2:0,4`).
pub fn parse_gains(cell: &str, catalog: &Catalog) -> std::result::Result<Vec<Gain>, String> {
    parse_gains_with(cell, catalog, None)
}

/// Parses gains, where `income-per-capita:+3` raises an indicator by 3 (its unit). With the
/// commune's gaps (threshold − value) a raise `r` on a gap `g` is the fractional gain `r / g` of
/// the criterion the indicator decides (capped at 1, rounded up at 9 decimals): funded raises
/// reach the threshold exactly when their fractions add up to 1. A raise where the criterion is
/// already met brings nothing.
pub fn parse_gains_with(
    cell: &str,
    catalog: &Catalog,
    gaps: Option<&BTreeMap<String, Decimal>>,
) -> std::result::Result<Vec<Gain>, String> {
    let mut gains: Vec<Gain> = Vec::new();
    let mut raised = false;
    for part in cell.split([';', '|', ' ']).filter(|p| !p.trim().is_empty()) {
        let (crit, fraction) = part.split_once(':').unwrap_or((part, "1"));
        if let Some(amount) = fraction.trim().strip_prefix('+') {
            let Some(indicator) = catalog.indicator(crit.trim()) else {
                return Err(format!("`{part}`: unknown indicator `{}`", crit.trim()));
            };
            let raise = number::parse_decimal(amount).map_err(|e| e.to_string())?;
            if raise <= Decimal::ZERO {
                return Err(format!("`{part}`: a raise must be more than zero"));
            }
            let Some(gap) = gaps.and_then(|g| g.get(&indicator.id)) else {
                return Err(format!(
                    "`{part}`: the commune has no value of `{}` in the baseline year",
                    indicator.id
                ));
            };
            raised = true;
            if gap.is_zero() {
                continue;
            }
            // The planner counts a criterion's gap, not each indicator's: with another indicator
            // of the same criterion also short here, closing this one would read as meeting the
            // criterion. Refuse rather than plan a criterion as met that is not (QĐ 51: a
            // criterion is met when all its indicators are).
            let others: Vec<&str> = gaps
                .into_iter()
                .flatten()
                .filter(|(id, g)| {
                    **id != indicator.id
                        && !g.is_zero()
                        && catalog
                            .indicator(id)
                            .is_some_and(|i| i.criterion == indicator.criterion)
                })
                .map(|(id, _)| id.as_str())
                .collect();
            if !others.is_empty() {
                return Err(format!(
                    "`{part}`: c{} is also short on {} at this commune; a raise of one indicator cannot be planned while another of the same criterion misses (write the criterion's share instead, e.g. c{}:0.5)",
                    indicator.criterion,
                    others.join(", "),
                    indicator.criterion
                ));
            }
            let fraction = (raise / gap).min(Decimal::ONE);
            let fraction =
                (fraction * Decimal::from(1_000_000_000)).ceil() / Decimal::from(1_000_000_000);
            if gains
                .iter()
                .any(|g| g.is_standard() && g.criterion == indicator.criterion)
            {
                return Err(format!("c{} appears twice", indicator.criterion));
            }
            gains.push(Gain::standard(indicator.criterion, fraction));
            continue;
        }
        let crit = crit.trim();
        let (level, crit) = match crit.strip_prefix(['a', 'A']) {
            Some(rest) => (TierId::Advanced, rest),
            None => (TierId::Standard, crit.trim_start_matches(['c', 'C'])),
        };
        let id: u8 = crit.parse().map_err(|_| {
            format!(
                "`{part}` does not name a criterion (write c2:0.5, or a2:0.5 for the advanced set)"
            )
        })?;
        let gain = Gain {
            criterion: id,
            fraction: Decimal::ZERO,
            level,
        };
        let known = match level {
            TierId::Standard => catalog.criterion(id).is_some(),
            _ => catalog.advanced_criterion(id).is_some(),
        };
        if !known {
            return Err(match level {
                TierId::Standard => format!("unknown criterion c{id}"),
                _ => format!(
                    "unknown criterion a{id}: catalog `{}` has no advanced criterion {id}",
                    catalog.id
                ),
            });
        }
        let fraction = number::parse_decimal(fraction).map_err(|e| e.to_string())?;
        if fraction <= Decimal::ZERO || fraction > Decimal::ONE {
            return Err(format!(
                "gain {fraction} for {} is outside (0, 1]",
                gain.key()
            ));
        }
        if gains.iter().any(|g| g.criterion == id && g.level == level) {
            return Err(format!("{} appears twice", gain.key()));
        }
        gains.push(Gain { fraction, ..gain });
    }
    if gains.is_empty() && !raised {
        return Err("no gains: a project must bring at least one criterion closer".into());
    }
    gains.sort_by_key(|g| (g.level, g.criterion));
    Ok(gains)
}

/// Finds a commune by id or name (tìm xã): an id wins over a name (an exact id first, then any
/// case), and a name shared by several communes is ambiguous rather than the last one's.
pub struct CommuneLookup<'a> {
    communes: &'a [Commune],
    by_exact_id: BTreeMap<&'a str, usize>,
    by_id: BTreeMap<String, usize>,
    by_name: BTreeMap<String, Vec<usize>>,
}

/// Why a commune reference found no single commune.
#[derive(Debug, PartialEq, Eq)]
pub enum CommuneMiss {
    /// No id or name matches.
    Unknown,
    /// Several communes have this name: their ids.
    Ambiguous(Vec<String>),
}

impl<'a> CommuneLookup<'a> {
    /// An index of `communes`.
    pub fn new(communes: &'a [Commune]) -> Self {
        let mut by_exact_id = BTreeMap::new();
        let mut by_id = BTreeMap::new();
        let mut by_name: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, c) in communes.iter().enumerate() {
            by_exact_id.entry(c.id.as_str()).or_insert(i);
            by_id.entry(c.id.to_lowercase()).or_insert(i);
            by_name.entry(c.name.to_lowercase()).or_default().push(i);
        }
        CommuneLookup {
            communes,
            by_exact_id,
            by_id,
            by_name,
        }
    }

    /// The commune `key` names.
    pub fn find(&self, key: &str) -> std::result::Result<usize, CommuneMiss> {
        if let Some(i) = self.by_exact_id.get(key) {
            return Ok(*i);
        }
        let folded = key.to_lowercase();
        if let Some(i) = self.by_id.get(&folded) {
            return Ok(*i);
        }
        match self.by_name.get(&folded).map(Vec::as_slice) {
            Some([i]) => Ok(*i),
            Some(several) => Err(CommuneMiss::Ambiguous(
                several
                    .iter()
                    .map(|i| self.communes[*i].id.clone())
                    .collect(),
            )),
            None => Err(CommuneMiss::Unknown),
        }
    }
}

/// Reads and validates a projects file against the communes and capital sources.
pub fn read(
    path: &Path,
    catalog: &Catalog,
    communes: &[Commune],
    sources: &[CapitalSource],
    gaps: &[BTreeMap<String, Decimal>],
) -> Result<Vec<Project>> {
    let text = text::read_to_string(path)?;
    let mut reader = csv_reader(&text);
    let headers = csv_headers(path, &mut reader)?;
    let col = |name: &str| headers.iter().position(|h| h == name);
    let mut problems = Vec::new();
    for required in ["id", "commune", "category", "cost", "gains"] {
        if col(required).is_none() {
            problems.push(Diagnostic::new(path, Some(1), format!("missing column `{required}`")).hint(
                "columns are id, commune, category, cost, year_from, year_to (or year), gains, must",
            ));
        }
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let lookup = CommuneLookup::new(communes);
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut projects = Vec::new();
    let mut records = reader.records();
    while let Some((line, record)) = text::next_row(&mut records, path, &mut problems) {
        let cell = |name: &str| {
            col(name)
                .and_then(|i| record.get(i))
                .map(text::name)
                .unwrap_or_default()
        };
        let mut problem = |message: String, hint: &str| {
            problems.push(Diagnostic::new(path, Some(line), message).hint(hint));
        };
        let id = cell("id");
        if id.is_empty() {
            problem("project has no id".into(), "give every project an id");
            continue;
        }
        if let Some(first) = seen.insert(id.to_lowercase(), line) {
            problem(
                format!("duplicate project `{id}` (first on line {first})"),
                "project ids are unique",
            );
            continue;
        }
        let commune_name = cell("commune");
        let commune = match lookup.find(&commune_name) {
            Ok(i) => Some(i),
            Err(CommuneMiss::Unknown) => {
                problem(
                    format!("project `{id}`: unknown commune `{commune_name}`"),
                    "use an id or name from the communes file",
                );
                None
            }
            Err(CommuneMiss::Ambiguous(ids)) => {
                problem(
                    format!(
                        "project `{id}`: commune `{commune_name}` is ambiguous: it is the name of communes {}",
                        ids.iter().map(|i| format!("`{i}`")).collect::<Vec<_>>().join(", ")
                    ),
                    "write the commune's id instead of its name",
                );
                None
            }
        };
        let category = match Category::parse(&cell("category")) {
            Ok(category) => {
                if !sources.is_empty() && !sources.iter().any(|s| s.funds(&category)) {
                    problem(
                        format!("project `{id}`: no capital source may fund category `{category}`"),
                        "add the category to a source's `categories` in scenario.toml",
                    );
                }
                Some(category)
            }
            Err(e) => {
                problem(
                    format!("project `{id}`: {e}"),
                    "write a category id (or its Vietnamese name) from scenarios/README.md",
                );
                None
            }
        };
        let cost = match number::parse_non_negative(&cell("cost")) {
            Ok(c) if c > Decimal::ZERO => Some(c),
            Ok(_) => {
                problem(
                    format!("project `{id}`: cost is zero"),
                    "costs are million VND, more than zero",
                );
                None
            }
            Err(e) => {
                problem(
                    format!("project `{id}`: cost {e}"),
                    "costs are million VND, e.g. 1.250 or 1250,5",
                );
                None
            }
        };
        let year = |name: &str| -> Option<std::result::Result<u16, String>> {
            let v = cell(name);
            (!v.is_empty()).then(|| v.parse::<u16>().map_err(|_| v))
        };
        let (from, to) = match (
            year("year_from").or_else(|| year("year")),
            year("year_to").or_else(|| year("year")),
        ) {
            (Some(Ok(a)), Some(Ok(b))) if a <= b => (a, b),
            (None, None) => (0, u16::MAX),
            (Some(Ok(a)), None) => (a, u16::MAX),
            (None, Some(Ok(b))) => (0, b),
            _ => {
                problem(
                    format!("project `{id}`: bad year window"),
                    "write year_from ≤ year_to, e.g. 2023 and 2025",
                );
                continue;
            }
        };
        let gaps_here = commune.and_then(|c| gaps.get(c));
        let gains = match parse_gains_with(&cell("gains"), catalog, gaps_here) {
            Ok(g) => Some(g),
            Err(e) => {
                problem(
                    format!("project `{id}`: {e}"),
                    "gains look like c2:0.4;c5:1, an indicator raise like income-per-capita:+3",
                );
                None
            }
        };
        let must = match cell("must").to_lowercase().as_str() {
            "" => None,
            "fund" | "bắt buộc" => Some(Must::Fund),
            "skip" | "không" => Some(Must::Skip),
            other => {
                problem(
                    format!("project `{id}`: must is `{other}`"),
                    "write fund, skip or leave empty",
                );
                None
            }
        };
        if let (Some(commune), Some(category), Some(cost), Some(gains)) =
            (commune, category, cost, gains)
        {
            projects.push(Project {
                id,
                commune,
                category,
                cost,
                year_from: from,
                year_to: to,
                gains,
                must,
                line,
            });
        }
    }
    if problems.is_empty() {
        Ok(projects)
    } else {
        Err(Error::Invalid(problems))
    }
}
