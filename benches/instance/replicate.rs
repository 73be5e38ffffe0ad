//! Replicated instances (bản nhân): a scenario's communes and projects copied `factor` times
//! with suffixed ids, and its budgets and commune-count targets multiplied by `factor`. The
//! optimum of a replicated instance is not simply `factor` times the original's (budgets are
//! shared across copies), but its size and shape are those of a real province times `factor`.
//!
//! With a seed ([`Perturbation`]) the copies differ: each copy's project costs are multiplied
//! by its own seeded factor in [0,7; 1,3], and each source's budget by one in [1,0; 1,1] (never
//! below the published budget: at [0,9; 1,1] Lai Châu's targets, advanced levels included, were
//! out of reach on most seeds, and every objective became the shortfall; that was seen while
//! perturbed costs were still written `214.548`, read as thousands, so [0,9; 1,1] may well do
//! now), so a family of seeds gives instances of one shape whose optima the planner has never seen.

use std::path::Path;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;

use ntm::number::{format_for_file, parse_decimal};

/// Scenario keys dropped from the copy: published aggregates and synthesizer settings describe
/// the original's communes, not the copies'.
const DROPPED_KEYS: [&str; 2] = ["published", "synthesize"];

/// Seeded perturbation of a replicated instance (synthetic).
#[derive(Debug, Clone)]
pub struct Perturbation {
    /// Each copy's cost factor, in [0,7; 1,3], to three decimals (copy `k` uses entry `k − 1`).
    pub cost: Vec<Decimal>,
    /// A factor per capital source, in [1,0; 1,1], to three decimals (in the file's order).
    pub budget: Vec<Decimal>,
    /// The seed, for the scenario's note.
    pub seed: u64,
}

impl Perturbation {
    /// The factors for `factor` copies and up to `sources` capital sources from `seed`.
    pub fn seeded(seed: u64, factor: u32, sources: usize) -> Perturbation {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut draw = |low: i64, high: i64| Decimal::new(rng.random_range(low..=high), 3);
        let cost = (0..factor).map(|_| draw(700, 1300)).collect();
        let budget = (0..sources).map(|_| draw(1000, 1100)).collect();
        Perturbation { cost, budget, seed }
    }
}

/// Writes `factor` copies of the scenario in `source` into `out` (scenario.toml, communes.csv,
/// projects.csv). Copy `k` (1-based) suffixes every commune and project id with `-r{k:02}`.
/// With `seed`, costs and budgets are perturbed ([`Perturbation`]).
pub fn replicate(
    source: &Path,
    out: &Path,
    factor: u32,
    name: &str,
    seed: Option<u64>,
) -> Result<(), String> {
    let text = read(&source.join("scenario.toml"))?;
    let mut table: toml::Table = text.parse().map_err(|e| format!("scenario.toml: {e}"))?;
    let communes_file = file_key(&table, "communes", "communes.csv");
    let projects_file = file_key(&table, "projects", "projects.csv");
    let sources = table
        .get("capital_sources")
        .and_then(|v| v.as_array())
        .map_or(0, |a| a.len());
    let perturbation = seed.map(|seed| Perturbation::seeded(seed, factor, sources));
    scale_scenario(&mut table, factor, name, perturbation.as_ref())?;
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let toml_text = toml::to_string(&table).map_err(|e| e.to_string())?;
    write(&out.join("scenario.toml"), &toml_text)?;
    let communes = copy_rows(
        &source.join(&communes_file),
        factor,
        &["id"],
        &["name"],
        None,
    )?;
    write(&out.join("communes.csv"), &communes)?;
    let projects = copy_rows(
        &source.join(&projects_file),
        factor,
        &["id", "commune"],
        &[],
        perturbation.as_ref().map(|p| ("cost", p.cost.as_slice())),
    )?;
    write(&out.join("projects.csv"), &projects)?;
    Ok(())
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

fn file_key(table: &toml::Table, key: &str, default: &str) -> String {
    table
        .get(key)
        .and_then(|v| v.as_str())
        .unwrap_or(default)
        .to_string()
}

/// Renames the scenario, multiplies budgets and commune-count targets, points at the copied
/// files and drops the original's published aggregates.
fn scale_scenario(
    table: &mut toml::Table,
    factor: u32,
    name: &str,
    perturbation: Option<&Perturbation>,
) -> Result<(), String> {
    for key in DROPPED_KEYS {
        table.remove(key);
    }
    let original = file_key(table, "name", "scenario");
    table.insert("name".into(), name.into());
    table.insert("communes".into(), "communes.csv".into());
    table.insert("projects".into(), "projects.csv".into());
    let perturbed = perturbation.map_or(String::new(), |p| {
        format!(
            " Perturbed with seed {}: each copy's costs ×[0.7, 1.3], each source's budget ×[1.0, 1.1].",
            p.seed
        )
    });
    let note = format!(
        "replicated instance (synthetic): {original} copied {factor} times with suffixed ids, budgets and commune-count targets ×{factor}.{perturbed} {}",
        file_key(table, "synthetic", "")
    );
    table.insert("synthetic".into(), note.trim().into());
    if let Some(sources) = table
        .get_mut("capital_sources")
        .and_then(|v| v.as_array_mut())
    {
        for (i, source) in sources.iter_mut().enumerate() {
            let by = perturbation.map_or(Decimal::ONE, |p| p.budget[i]);
            if let Some(budget) = source.get_mut("budget").and_then(|b| b.as_table_mut()) {
                for (_, amount) in budget.iter_mut() {
                    *amount = scaled(amount, Decimal::from(factor) * by)?;
                }
            }
        }
    }
    if let Some(targets) = table.get_mut("targets").and_then(|v| v.as_array_mut()) {
        for target in targets {
            if let Some(count) = target.get_mut("communes") {
                *count = scaled(count, Decimal::from(factor))?;
            }
        }
    }
    Ok(())
}

/// `value × times`, as an exact decimal string (or an integer when both are integers).
fn scaled(value: &toml::Value, times: Decimal) -> Result<toml::Value, String> {
    match value {
        toml::Value::Integer(n) if times.fract().is_zero() => {
            let times = i64::try_from(times).map_err(|e| e.to_string())?;
            Ok(toml::Value::Integer(n * times))
        }
        toml::Value::Integer(n) => Ok(toml::Value::String(format_for_file(
            Decimal::from(*n) * times,
        ))),
        toml::Value::String(s) => {
            let amount = parse_decimal(s).map_err(|e| e.to_string())?;
            Ok(toml::Value::String(format_for_file(amount * times)))
        }
        toml::Value::Float(f) => Ok(toml::Value::String(format_for_file(
            Decimal::try_from(*f).map_err(|e| e.to_string())? * times,
        ))),
        other => Err(format!("cannot scale `{other}`")),
    }
}

/// The CSV at `path` with its data rows copied `factor` times; in copy `k` the `id_columns`
/// get the suffix `-r{k:02}` and the `name_columns` the suffix ` (r{k:02})`; with `scale`
/// (a column and a factor per copy), that column's numbers in copy `k` are multiplied by
/// factor `k − 1`, to the đồng, written as scenario files write numbers
/// ([`format_for_file`]: `214,548`, where `214.548` would read back as 214548).
fn copy_rows(
    path: &Path,
    factor: u32,
    id_columns: &[&str],
    name_columns: &[&str],
    scale: Option<(&str, &[Decimal])>,
) -> Result<String, String> {
    let text = read(path)?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| e.to_string())?.clone();
    let position = |name: &&str| headers.iter().position(|h| h.trim() == *name);
    let ids: Vec<usize> = id_columns.iter().filter_map(position).collect();
    let names: Vec<usize> = name_columns.iter().filter_map(position).collect();
    let scaled_column = scale.and_then(|(column, _)| position(&column));
    let records: Vec<csv::StringRecord> = reader
        .records()
        .collect::<Result<_, _>>()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(&headers).map_err(|e| e.to_string())?;
    for k in 1..=factor {
        for record in &records {
            let row: Vec<String> = record
                .iter()
                .enumerate()
                .map(|(i, cell)| {
                    if ids.contains(&i) && !cell.trim().is_empty() {
                        format!("{}-r{k:02}", cell.trim())
                    } else if names.contains(&i) {
                        format!("{} (r{k:02})", cell.trim())
                    } else if scaled_column == Some(i) && !cell.trim().is_empty() {
                        let by = scale.map_or(Decimal::ONE, |(_, f)| f[(k - 1) as usize]);
                        parse_decimal(cell)
                            .map(|c| format_for_file((c * by).round_dp(6)))
                            .unwrap_or_else(|_| cell.to_string())
                    } else {
                        cell.to_string()
                    }
                })
                .collect();
            writer.write_record(&row).map_err(|e| e.to_string())?;
        }
    }
    String::from_utf8(writer.into_inner().map_err(|e| e.to_string())?).map_err(|e| e.to_string())
}
