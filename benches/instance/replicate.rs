//! Replicated instances (bản nhân): a scenario's communes and projects copied `factor` times
//! with suffixed ids, and its budgets and commune-count targets multiplied by `factor`. The
//! optimum of a replicated instance is not simply `factor` times the original's (budgets are
//! shared across copies), but its size and shape are those of a real province times `factor`.

use std::path::Path;

use rust_decimal::Decimal;

use ntm::number::parse_decimal;

/// Scenario keys dropped from the copy: published aggregates and synthesizer settings describe
/// the original's communes, not the copies'.
const DROPPED_KEYS: [&str; 2] = ["published", "synthesize"];

/// Writes `factor` copies of the scenario in `source` into `out` (scenario.toml, communes.csv,
/// projects.csv). Copy `k` (1-based) suffixes every commune and project id with `-r{k:02}`.
pub fn replicate(source: &Path, out: &Path, factor: u32, name: &str) -> Result<(), String> {
    let text = read(&source.join("scenario.toml"))?;
    let mut table: toml::Table = text.parse().map_err(|e| format!("scenario.toml: {e}"))?;
    let communes_file = file_key(&table, "communes", "communes.csv");
    let projects_file = file_key(&table, "projects", "projects.csv");
    scale_scenario(&mut table, factor, name)?;
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let toml_text = toml::to_string(&table).map_err(|e| e.to_string())?;
    write(&out.join("scenario.toml"), &toml_text)?;
    let communes = copy_rows(&source.join(&communes_file), factor, &["id"], &["name"])?;
    write(&out.join("communes.csv"), &communes)?;
    let projects = copy_rows(
        &source.join(&projects_file),
        factor,
        &["id", "commune"],
        &[],
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
fn scale_scenario(table: &mut toml::Table, factor: u32, name: &str) -> Result<(), String> {
    for key in DROPPED_KEYS {
        table.remove(key);
    }
    let original = file_key(table, "name", "scenario");
    table.insert("name".into(), name.into());
    table.insert("communes".into(), "communes.csv".into());
    table.insert("projects".into(), "projects.csv".into());
    let note = format!(
        "replicated instance (synthetic): {original} copied {factor} times with suffixed ids, budgets and commune-count targets ×{factor}. {}",
        file_key(table, "synthetic", "")
    );
    table.insert("synthetic".into(), note.trim().into());
    if let Some(sources) = table
        .get_mut("capital_sources")
        .and_then(|v| v.as_array_mut())
    {
        for source in sources {
            if let Some(budget) = source.get_mut("budget").and_then(|b| b.as_table_mut()) {
                for (_, amount) in budget.iter_mut() {
                    *amount = scaled(amount, factor)?;
                }
            }
        }
    }
    if let Some(targets) = table.get_mut("targets").and_then(|v| v.as_array_mut()) {
        for target in targets {
            if let Some(count) = target.get_mut("communes") {
                *count = scaled(count, factor)?;
            }
        }
    }
    Ok(())
}

/// `value × factor`, as an exact decimal string (or an integer when it was one).
fn scaled(value: &toml::Value, factor: u32) -> Result<toml::Value, String> {
    let times = Decimal::from(factor);
    match value {
        toml::Value::Integer(n) => Ok(toml::Value::Integer(n * i64::from(factor))),
        toml::Value::String(s) => {
            let amount = parse_decimal(s).map_err(|e| e.to_string())?;
            Ok(toml::Value::String(
                (amount * times).normalize().to_string(),
            ))
        }
        toml::Value::Float(f) => Ok(toml::Value::String(
            (Decimal::try_from(*f).map_err(|e| e.to_string())? * times)
                .normalize()
                .to_string(),
        )),
        other => Err(format!("cannot scale `{other}`")),
    }
}

/// The CSV at `path` with its data rows copied `factor` times; in copy `k` the `id_columns`
/// get the suffix `-r{k:02}` and the `name_columns` the suffix ` (r{k:02})`.
fn copy_rows(
    path: &Path,
    factor: u32,
    id_columns: &[&str],
    name_columns: &[&str],
) -> Result<String, String> {
    let text = read(path)?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| e.to_string())?.clone();
    let position = |name: &&str| headers.iter().position(|h| h.trim() == *name);
    let ids: Vec<usize> = id_columns.iter().filter_map(position).collect();
    let names: Vec<usize> = name_columns.iter().filter_map(position).collect();
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
