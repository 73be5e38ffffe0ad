//! Synthesis (dữ liệu giả lập): the plans publish aggregates, not the status of each commune.
//! `ntm synthesize` builds a deterministic commune × criterion matrix that reproduces every
//! published aggregate exactly, or says which published figures cannot hold together.
//! Its output is always labelled synthetic.

pub mod matrix;
pub mod projects;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::catalog::Catalog;
use crate::error::{Diagnostic, Error, Result};
use crate::evaluate::evaluate_communes;
use crate::scenario::{Commune, CriteriaSet, LoadOptions, Scenario};
use crate::text;
use matrix::{BandCount, Conflict, Margins};

/// Label used when a scenario does not carry its own `synthetic` explanation.
const DEFAULT_LABEL: &str =
    "commune status synthesized by `ntm synthesize` from published aggregates; not real data";

/// One published figure and what the synthetic matrix gives for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FigureCheck {
    /// Figure, e.g. `c2`, `band 15-18`, `average criteria`.
    pub figure: String,
    /// As published (or assumed).
    pub published: String,
    /// In the synthetic matrix.
    pub synthesized: String,
    /// Whether they agree (the average at its published precision).
    pub holds: bool,
    /// `published`, `assumed` (not stated, illegible or unpublished, see the note) or `derived`.
    pub basis: String,
}

/// A synthetic commune matrix and its checks against the published figures.
#[derive(Debug, Clone, Serialize)]
pub struct Synthesis {
    /// Scenario name.
    pub scenario: String,
    /// Why the data is synthetic (printed with every output).
    pub synthetic: String,
    /// Seed of the tie-breaks.
    pub seed: u64,
    /// Year the figures describe.
    pub year: Option<u16>,
    /// Total criteria met.
    pub total_criteria: u32,
    /// Values chosen for counts not stated, illegible or unpublished.
    pub assumed_criteria: BTreeMap<String, u32>,
    /// Why those values.
    pub assumed_note: Option<String>,
    /// Every published figure against the matrix.
    pub checks: Vec<FigureCheck>,
    /// The communes (the matrix).
    #[serde(skip)]
    pub communes: Vec<Commune>,
    /// Criterion ids (columns).
    #[serde(skip)]
    pub criteria: Vec<u8>,
    /// Whether advanced and model columns are written.
    #[serde(skip)]
    pub tiers: bool,
    /// Whether village columns are written.
    #[serde(skip)]
    pub villages: bool,
    /// The communes file the scenario names (where `write` puts the matrix).
    #[serde(skip)]
    pub communes_file: PathBuf,
}

/// Options of a synthesis run.
#[derive(Debug, Clone, Copy, Default)]
pub struct SynthesisOptions {
    /// Overrides the scenario's seed.
    pub seed: Option<u64>,
}

/// Loads a scenario for synthesis (the communes file may be missing) and synthesizes it.
pub fn synthesize_path(path: &Path, options: SynthesisOptions) -> Result<Synthesis> {
    let scenario = Scenario::load_with(
        path,
        LoadOptions {
            allow_missing_communes: true,
            skip_projects: true,
        },
    )?;
    synthesize(&scenario, options)
}

fn toml_path(scenario: &Scenario) -> PathBuf {
    scenario.dir.join("scenario.toml")
}

/// Line of `key` inside the TOML table `section` (first match after the table header).
fn line_in_section(text: &str, section: &str, key: &str) -> Option<usize> {
    let start = if section == "published" {
        text.find("[published]")
    } else {
        text.find(&format!("[{section}]"))
    }?;
    let after = &text[start..];
    let offset = after
        .lines()
        .scan(0usize, |pos, line| {
            let here = *pos;
            *pos += line.len() + 1;
            Some((here, line))
        })
        .skip(1)
        .take_while(|(_, line)| !line.trim_start().starts_with('['))
        .find(|(_, line)| {
            let k = line
                .split('=')
                .next()
                .unwrap_or("")
                .trim()
                .trim_matches('"');
            k == key
        })
        .map(|(here, _)| here)?;
    Some(text::line_column(text, start + offset).0)
}

fn diagnostics(scenario: &Scenario, conflicts: Vec<Conflict>) -> Error {
    let path = toml_path(scenario);
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    Error::Invalid(
        conflicts
            .into_iter()
            .map(|c| {
                let line = c
                    .figures
                    .iter()
                    .find_map(|f| line_in_section(&text, &f.section, &f.key));
                let names: Vec<String> = c
                    .figures
                    .iter()
                    .map(|f| format!("{}.{}", f.section, f.key))
                    .collect();
                Diagnostic::new(&path, line, format!("published figures cannot hold together: {}", c.message))
                    .hint(if names.is_empty() {
                        "check the published figures against the document".to_string()
                    } else {
                        format!(
                            "one of {} is wrong (often an OCR misreading): check it against the document, or leave it out",
                            names.join(", ")
                        )
                    })
            })
            .collect(),
    )
}

fn criterion_key(id: u8) -> String {
    format!("c{id}")
}

/// The margins to reproduce, from `[published]` and `[synthesize]`.
fn margins(scenario: &Scenario) -> std::result::Result<Margins, Vec<Conflict>> {
    let p = &scenario.published;
    let catalog = &scenario.catalog;
    let mut conflicts = Vec::new();
    let figure = |section: &str, key: &str| matrix::Figure {
        section: section.into(),
        key: key.into(),
    };
    for key in p.bands.keys() {
        if !catalog.bands.iter().any(|b| &b.id == key) {
            conflicts.push(Conflict {
                figures: vec![figure("published.bands", key)],
                message: format!("unknown band `{key}` (bands are 19, 15-18, 10-14, 5-9, 0-4)"),
            });
        }
    }
    for (section, map) in [
        ("published.criteria", &p.criteria),
        (
            "synthesize.assumed_criteria",
            &scenario.synthesize.assumed_criteria,
        ),
    ] {
        for key in map.keys() {
            let known = key
                .strip_prefix('c')
                .and_then(|n| n.parse::<u8>().ok())
                .is_some_and(|id| catalog.criterion(id).is_some());
            if !known {
                conflicts.push(Conflict {
                    figures: vec![figure(section, key)],
                    message: format!(
                        "unknown criterion `{key}` (write c1..c{})",
                        catalog.criteria_count()
                    ),
                });
            }
        }
    }
    for key in scenario.synthesize.assumed_criteria.keys() {
        if p.criteria.contains_key(key) {
            conflicts.push(Conflict {
                figures: vec![figure("synthesize.assumed_criteria", key)],
                message: format!("{key} is both published and assumed; keep one"),
            });
        }
    }
    let Some(communes) = p.communes.or_else(|| {
        (!p.bands.is_empty() && p.bands.len() == catalog.bands.len())
            .then(|| p.bands.values().sum())
    }) else {
        conflicts.push(Conflict {
            figures: vec![figure("published", "communes")],
            message: "the number of communes is not published".into(),
        });
        return Err(conflicts);
    };
    let advanced = p.advanced.or(scenario.synthesize.advanced);
    let model = p.model.or(scenario.synthesize.model);
    let standard = p.standard.or(p
        .bands
        .iter()
        .find(|(id, _)| {
            catalog
                .bands
                .iter()
                .any(|b| &b.id == *id && usize::from(b.min) == catalog.criteria_count())
        })
        .map(|(_, c)| *c));
    if let (Some(a), Some(s)) = (advanced, standard) {
        if a > s {
            conflicts.push(Conflict {
                figures: vec![figure("published", "advanced"), figure("published", "standard")],
                message: format!("{a} communes at advanced but only {s} at standard (advanced requires standard)"),
            });
        }
    }
    if let (Some(m), Some(a)) = (model, advanced.or(standard)) {
        if m > a {
            conflicts.push(Conflict {
                figures: vec![
                    figure("published", "model"),
                    figure("published", "advanced"),
                ],
                message: format!(
                    "{m} model communes but only {a} at advanced (model requires advanced)"
                ),
            });
        }
    }
    if let Some(v) = p.villages_standard {
        if p.villages.is_some_and(|all| v > all) {
            conflicts.push(Conflict {
                figures: vec![
                    figure("published", "villages_standard"),
                    figure("published", "villages"),
                ],
                message: format!(
                    "{v} villages at standard but only {} villages",
                    p.villages.unwrap_or(0)
                ),
            });
        }
    }
    if !conflicts.is_empty() {
        return Err(conflicts);
    }
    Ok(Margins {
        communes,
        standard: p.standard,
        bands: catalog
            .bands
            .iter()
            .map(|b| BandCount {
                id: b.id.clone(),
                min: u32::from(b.min),
                max: u32::from(b.max),
                count: p.bands.get(&b.id).copied(),
            })
            .collect(),
        criteria: catalog
            .criteria
            .iter()
            .map(|c| {
                let key = criterion_key(c.id);
                let count = p
                    .criteria
                    .get(&key)
                    .or_else(|| scenario.synthesize.assumed_criteria.get(&key))
                    .copied();
                (c.id, count)
            })
            .collect(),
        average: p.average_criteria.map(|a| a.0),
    })
}

/// Placeholder name of the `i`-th commune (0-based), e.g. `Xã 007`.
fn placeholder(i: usize, n: usize) -> String {
    let width = n.to_string().len().max(2);
    format!("Xã {:0width$}", i + 1)
}

/// Splits `total` over `n` slots as evenly as possible, the larger shares first.
fn even_split(total: u32, n: usize) -> Vec<u32> {
    let n32 = n.max(1) as u32;
    (0..n as u32)
        .map(|i| total / n32 + u32::from(i < total % n32))
        .collect()
}

/// Synthesizes the commune matrix of a loaded scenario.
pub fn synthesize(scenario: &Scenario, options: SynthesisOptions) -> Result<Synthesis> {
    let seed = options.seed.unwrap_or(scenario.synthesize.seed);
    let catalog = &scenario.catalog;
    let margins = margins(scenario).map_err(|c| diagnostics(scenario, c))?;
    let width = catalog.criteria_count() as u32;
    let solved = matrix::solve(&margins, width, seed).map_err(|c| diagnostics(scenario, c))?;
    let p = &scenario.published;
    let n = solved.rows.len();
    let advanced = p.advanced.or(scenario.synthesize.advanced).unwrap_or(0) as usize;
    let model = p.model.or(scenario.synthesize.model).unwrap_or(0) as usize;

    // Rank rows by status (standard first, then by criteria met), name them in that order,
    // then shuffle the listing with the seed so placeholders do not encode the status.
    let mut by_status: Vec<usize> = (0..n).collect();
    by_status.sort_by(|a, b| solved.rows[*b].cmp(&solved.rows[*a]).then(a.cmp(b)));
    let mut listing: Vec<usize> = (0..n).collect();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    listing.shuffle(&mut rng);
    let position: BTreeMap<usize, usize> = listing
        .iter()
        .enumerate()
        .map(|(pos, row)| (*row, pos))
        .collect();
    let names = &scenario.synthesize.commune_names;
    if names.len() > n {
        return Err(Error::invalid(
            Diagnostic::new(
                &toml_path(scenario),
                text::line_of(
                    &std::fs::read_to_string(toml_path(scenario)).unwrap_or_default(),
                    "commune_names",
                ),
                format!("{} commune names for {n} communes", names.len()),
            )
            .hint("give at most one name per commune"),
        ));
    }
    let all = CriteriaSet::from_ids(catalog.criteria.iter().map(|c| c.id));
    let mut communes: Vec<Option<Commune>> = vec![None; n];
    for (rank, &row) in by_status.iter().enumerate() {
        let pos = position.get(&row).copied().unwrap_or(rank);
        let met = CriteriaSet::from_ids(
            catalog
                .criteria
                .iter()
                .zip(&solved.cells[row])
                .filter(|(_, cell)| **cell)
                .map(|(c, _)| c.id),
        );
        let is_standard = solved.rows[row] == width;
        communes[pos] = Some(Commune {
            group: None,
            indicators_met: std::collections::BTreeSet::new(),
            id: format!("x{:0w$}", pos + 1, w = n.to_string().len().max(2)),
            name: names
                .get(rank)
                .map_or_else(|| placeholder(pos, n), |s| text::name(s)),
            district: None,
            met,
            advanced_met: if is_standard && rank < advanced {
                all
            } else {
                CriteriaSet::EMPTY
            },
            model_conditions: is_standard && rank < model,
            attributes: scenario.synthesize.attributes.iter().cloned().collect(),
            villages: None,
            villages_standard: None,
            line: pos + 2,
        });
    }
    let mut communes: Vec<Commune> = communes.into_iter().flatten().collect();
    if let Some(villages) = p.villages {
        let shares = even_split(villages, n);
        let standard_shares = even_split(p.villages_standard.unwrap_or(0), n);
        for ((c, v), s) in communes.iter_mut().zip(shares).zip(standard_shares) {
            c.villages = Some(v);
            c.villages_standard = Some(s.min(v));
        }
    }
    let synthesis = Synthesis {
        scenario: scenario.name.clone(),
        synthetic: scenario
            .synthetic
            .clone()
            .unwrap_or_else(|| DEFAULT_LABEL.into()),
        seed,
        year: p.year,
        total_criteria: solved.total,
        assumed_criteria: scenario.synthesize.assumed_criteria.clone(),
        assumed_note: scenario.synthesize.note.clone(),
        checks: checks(scenario, &margins, &communes),
        criteria: catalog.criteria.iter().map(|c| c.id).collect(),
        tiers: advanced > 0 || model > 0,
        villages: p.villages.is_some(),
        communes,
        communes_file: scenario.communes_file.clone(),
    };
    if let Some(bad) = synthesis.checks.iter().find(|c| !c.holds) {
        return Err(Error::Unsupported {
            message: format!(
                "internal error: the synthetic matrix gives {} = {}, published {}",
                bad.figure, bad.synthesized, bad.published
            ),
            hint: "please report this scenario".into(),
        });
    }
    Ok(synthesis)
}

/// Every published (or assumed) figure against the matrix, evaluated like any scenario.
fn checks(scenario: &Scenario, margins: &Margins, communes: &[Commune]) -> Vec<FigureCheck> {
    let catalog: &Catalog = &scenario.catalog;
    let e = evaluate_communes(catalog, communes, None);
    let p = &scenario.published;
    let mut out = Vec::new();
    let mut push = |figure: String, published: String, synthesized: String, basis: &str| {
        out.push(FigureCheck {
            holds: published == synthesized || basis == "derived",
            figure,
            published,
            synthesized,
            basis: basis.into(),
        });
    };
    push(
        "communes".into(),
        margins.communes.to_string(),
        e.summary.communes.to_string(),
        "published",
    );
    if let Some(s) = p.standard {
        push(
            "standard".into(),
            s.to_string(),
            e.summary.standard.to_string(),
            "published",
        );
    }
    if let Some(a) = p.advanced.or(scenario.synthesize.advanced) {
        let basis = if p.advanced.is_some() {
            "published"
        } else {
            "assumed"
        };
        push(
            "advanced".into(),
            a.to_string(),
            e.summary.advanced.to_string(),
            basis,
        );
    }
    if let Some(m) = p.model.or(scenario.synthesize.model) {
        let basis = if p.model.is_some() {
            "published"
        } else {
            "assumed"
        };
        push(
            "model".into(),
            m.to_string(),
            e.summary.model.to_string(),
            basis,
        );
    }
    for (band, count) in &e.summary.bands {
        if let Some(published) = p.bands.get(band) {
            push(
                format!("band {band}"),
                published.to_string(),
                count.to_string(),
                "published",
            );
        }
    }
    if let Some(average) = p.average_criteria {
        let scale = average.0.scale();
        let got = e
            .summary
            .average_criteria
            .round_dp_with_strategy(scale, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
        // Shown as published; equal when the matrix's average rounds to it.
        let shown = if got == average.0 {
            average.0.to_string()
        } else {
            got.to_string()
        };
        push(
            "average criteria".into(),
            average.0.to_string(),
            shown,
            "published",
        );
    }
    for c in &e.criteria {
        let key = criterion_key(c.id);
        let (value, basis) = match (
            p.criteria.get(&key),
            scenario.synthesize.assumed_criteria.get(&key),
        ) {
            (Some(v), _) => (Some(*v), "published"),
            (None, Some(v)) => (Some(*v), "assumed"),
            _ => (None, "derived"),
        };
        match value {
            Some(v) => push(key, v.to_string(), c.met.to_string(), basis),
            // Not published: whatever the matrix gives is consistent by construction.
            None => push(key, "-".into(), c.met.to_string(), basis),
        }
    }
    if let Some(v) = p.villages {
        let sum: u32 = communes.iter().filter_map(|c| c.villages).sum();
        push(
            "villages".into(),
            v.to_string(),
            sum.to_string(),
            "published",
        );
    }
    if let Some(v) = p.villages_standard {
        let sum: u32 = communes.iter().filter_map(|c| c.villages_standard).sum();
        push(
            "villages at standard".into(),
            v.to_string(),
            sum.to_string(),
            "published",
        );
    }
    out
}

impl Synthesis {
    /// The communes file (`communes.csv`): plain CSV, header `id,name,c1..c19`, then `a1..a19`
    /// and `model` when tiers are set, `villages,villages_standard` when villages are published.
    pub fn to_csv(&self) -> Result<Vec<u8>> {
        crate::scenario::communes_csv(
            &self.communes,
            &self.criteria,
            crate::scenario::CommuneColumns {
                tiers: self.tiers,
                villages: self.villages,
                groups: false,
            },
        )
    }

    /// Writes the communes file atomically; refuses to replace a file ntm did not write unless
    /// `force` (then keeps it as `.bak`): see [`crate::output::write_owned`].
    pub fn write(&self, force: bool) -> Result<crate::output::Written> {
        crate::output::write_owned(&[(self.communes_file.clone(), self.to_csv()?)], force)
    }

    /// Whether every published figure is reproduced.
    pub fn reproduces_all(&self) -> bool {
        self.checks.iter().all(|c| c.holds)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn even_split_puts_remainder_first() {
        // 101 villages over 13 communes: 101 = 13 × 7 + 10 → ten 8s then three 7s.
        let s = even_split(101, 13);
        assert_eq!(s.iter().sum::<u32>(), 101);
        assert_eq!(&s[..3], &[8, 8, 8]);
        assert_eq!(s[12], 7);
        assert_eq!(placeholder(6, 94), "Xã 07");
        assert_eq!(placeholder(6, 181), "Xã 007");
    }

    #[test]
    fn lines_are_found_in_their_section() {
        let text = "[synthesize.assumed_criteria]\nc1 = 3\n[published.criteria]\nc2 = 4\nc1 = 5\n";
        assert_eq!(line_in_section(text, "published.criteria", "c1"), Some(5));
        assert_eq!(
            line_in_section(text, "synthesize.assumed_criteria", "c1"),
            Some(2)
        );
        assert_eq!(line_in_section(text, "published.criteria", "c9"), None);
    }
}
