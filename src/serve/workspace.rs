//! The workbench's own folder (thư mục làm việc): every scenario the browser opens is copied
//! here first, and edits go to the copy, written atomically. Shipped scenario files never change.
//!
//! Reads happen only inside the scenario roots (the shipped `scenarios/` folder and any
//! `--root`) and the workspace: paths are resolved (symbolic links included) before they are
//! checked, and a scenario's own references to its files must stay inside its folder.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

use rust_decimal::Decimal;

use super::archive;
use crate::error::{Diagnostic, Error, Result};
use crate::evaluate::Evaluation;
use crate::number::{format_trimmed, NumberStyle};
use crate::scenario::Scenario;

/// Most files a scenario folder may hold when it is copied in.
pub const MAX_FOLDER_FILES: usize = 64;
/// Most bytes a scenario folder may hold when it is copied in.
pub const MAX_FOLDER_BYTES: u64 = 64 << 20;

/// A scenario opened in the workbench: its workspace folder and what was loaded from it.
#[derive(Debug)]
pub struct Opened {
    /// Workspace folder name, used in URLs.
    pub id: String,
    /// Workspace folder.
    pub dir: PathBuf,
    /// The scenario.
    pub scenario: Scenario,
    /// Its evaluation.
    pub evaluation: Evaluation,
}

/// A shipped scenario offered in the picker.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Shipped {
    /// Folder name.
    pub name: String,
    /// Province as written in `scenario.toml` (empty if it cannot be read).
    pub province: String,
}

/// Changes a planner makes in the Plan form.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct Edits {
    /// New budgets: (source id, year, million VND).
    #[serde(default)]
    pub budgets: Vec<BudgetEdit>,
    /// New target values by their position in `scenario.toml`.
    #[serde(default)]
    pub targets: Vec<TargetEdit>,
}

/// One budget change.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct BudgetEdit {
    /// Capital source id.
    pub source: String,
    /// Year.
    pub year: u16,
    /// Million VND, exact.
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
}

/// One target change.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct TargetEdit {
    /// Position among `[[targets]]`.
    pub index: usize,
    /// Commune count, or criteria for an average target.
    #[serde(with = "rust_decimal::serde::str")]
    pub value: Decimal,
}

/// The workspace and the scenario roots.
#[derive(Debug)]
pub struct Workspace {
    dir: PathBuf,
    shipped: Option<PathBuf>,
    roots: Vec<PathBuf>,
    open: Mutex<HashMap<String, Arc<Opened>>>,
}

fn invalid(message: impl Into<String>, hint: &str) -> Error {
    Error::Unsupported {
        message: message.into(),
        hint: hint.to_string(),
    }
}

fn canonical(path: &Path) -> Result<PathBuf> {
    std::fs::canonicalize(path).map_err(|e| Error::io(path, e))
}

/// A folder name safe in a URL: lower-case letters, digits and `-`.
fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches('-').to_string();
    if out.is_empty() {
        "scenario".to_string()
    } else {
        out.chars().take(40).collect()
    }
}

/// Whether `id` can name a workspace folder (and so cannot climb out of it).
fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Checks that the files `scenario.toml` names stay inside its folder, before anything reads
/// them.
fn check_references(dir: &Path) -> Result<()> {
    let path = dir.join("scenario.toml");
    let text = crate::text::read_to_string(&path)?;
    let table: toml::Table = crate::text::parse_toml(&text, &path)?;
    let mut problems = Vec::new();
    for key in ["communes", "projects", "catalog"] {
        let Some(value) = table.get(key).and_then(|v| v.as_str()) else {
            continue;
        };
        if key == "catalog" && crate::catalog::Catalog::built_in_ids().any(|id| id == value) {
            continue;
        }
        let escapes = Path::new(value)
            .components()
            .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir));
        if escapes {
            problems.push(
                Diagnostic::new(
                    &path,
                    crate::text::line_of(&text, value),
                    format!("`{key} = \"{value}\"` points outside the scenario folder"),
                )
                .hint("the workbench reads only files inside the scenario folder; use a relative name such as `communes.csv`"),
            );
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Invalid(problems))
    }
}

/// Copies the regular files under `from` into `to`, within the folder limits.
fn copy_folder(from: &Path, to: &Path) -> Result<()> {
    let mut files = Vec::new();
    archive::collect_files(from, from, &mut files)?;
    if files.len() > MAX_FOLDER_FILES {
        return Err(invalid(
            format!(
                "{} holds {} files; the workbench copies at most {MAX_FOLDER_FILES}",
                from.display(),
                files.len()
            ),
            "open the scenario folder itself, not a folder above it",
        ));
    }
    let mut total = 0;
    for relative in &files {
        let source = from.join(relative);
        total += std::fs::metadata(&source)
            .map_err(|e| Error::io(&source, e))?
            .len();
        if total > MAX_FOLDER_BYTES {
            return Err(invalid(
                format!(
                    "{} holds more than {} MiB",
                    from.display(),
                    MAX_FOLDER_BYTES >> 20
                ),
                "open the scenario folder itself, not a folder above it",
            ));
        }
        let target = to.join(relative);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        std::fs::copy(&source, &target).map_err(|e| Error::io(&source, e))?;
    }
    Ok(())
}

/// Writes `value` exactly, the Vietnamese way (66.550; 13,9), as the shipped files do.
fn exact_vietnamese(value: Decimal) -> String {
    let value = value.normalize();
    format_trimmed(value, value.scale(), NumberStyle::Vietnamese)
}

impl Workspace {
    /// A workspace in `dir` (created if missing) over the shipped scenarios in `shipped` and
    /// the extra scenario roots `roots`.
    pub fn new(dir: &Path, shipped: Option<&Path>, roots: &[PathBuf]) -> Result<Workspace> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let dir = canonical(dir)?;
        let shipped = shipped.filter(|p| p.is_dir()).map(canonical).transpose()?;
        let roots = roots.iter().map(|r| canonical(r)).collect::<Result<_>>()?;
        Ok(Workspace {
            dir,
            shipped,
            roots,
            open: Mutex::new(HashMap::new()),
        })
    }

    /// The workspace folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Shipped scenarios, by name.
    pub fn shipped(&self) -> Vec<Shipped> {
        let Some(root) = &self.shipped else {
            return Vec::new();
        };
        let mut list: Vec<Shipped> = std::fs::read_dir(root)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.path().join("scenario.toml").is_file())
            .map(|e| {
                let province = std::fs::read_to_string(e.path().join("scenario.toml"))
                    .ok()
                    .and_then(|t| t.parse::<toml::Table>().ok())
                    .and_then(|t| t.get("province")?.as_str().map(str::to_string))
                    .unwrap_or_default();
                Shipped {
                    name: e.file_name().to_string_lossy().to_string(),
                    province,
                }
            })
            .collect();
        list.sort_by(|a, b| a.name.cmp(&b.name));
        list
    }

    /// Scenarios already in the workspace (opened earlier, perhaps edited), by id.
    pub fn saved(&self) -> Vec<String> {
        let mut list: Vec<String> = std::fs::read_dir(&self.dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.path().join("scenario.toml").is_file())
            .map(|e| e.file_name().to_string_lossy().to_string())
            .filter(|id| valid_id(id))
            .collect();
        list.sort();
        list
    }

    /// A new, empty workspace folder named after `name`, made by renaming a finished temporary
    /// folder (so a half-copied scenario never appears).
    pub(super) fn create(
        &self,
        name: &str,
        fill: impl FnOnce(&Path) -> Result<()>,
    ) -> Result<Arc<Opened>> {
        let staging = tempfile::Builder::new()
            .prefix(".incoming-")
            .tempdir_in(&self.dir)
            .map_err(|e| Error::io(&self.dir, e))?;
        fill(staging.path())?;
        check_references(staging.path())?;
        // Validate before it gets a name: a scenario the loaders reject is not kept.
        Scenario::load(staging.path())?;
        let base = slug(name);
        let _guard = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let mut n = 1;
        let id = loop {
            let id = format!("{base}-{n}");
            if !self.dir.join(&id).exists() {
                break id;
            }
            n += 1;
        };
        let target = self.dir.join(&id);
        let staged = staging.keep();
        std::fs::rename(&staged, &target).map_err(|e| Error::io(&target, e))?;
        drop(_guard);
        self.get(&id)
    }

    /// Opens a copy of the shipped scenario `name`.
    pub fn open_shipped(&self, name: &str) -> Result<Arc<Opened>> {
        let known = self.shipped();
        let Some(entry) = known.iter().find(|s| s.name == name) else {
            let names: Vec<&str> = known.iter().map(|s| s.name.as_str()).collect();
            return Err(invalid(
                format!("no shipped scenario `{name}`"),
                &format!("choose one of: {}", names.join(", ")),
            ));
        };
        let root = self.shipped.as_deref().unwrap_or(&self.dir);
        let from = root.join(&entry.name);
        self.create(&entry.name, |to| copy_folder(&from, to))
    }

    /// Opens a scenario folder given by path: a workspace folder in place, a folder inside a
    /// scenario root as a copy. Anything else is refused.
    pub fn open_folder(&self, path: &str) -> Result<Arc<Opened>> {
        let hint = "give a folder inside the shipped scenarios, a --root folder or the workspace";
        let given = Path::new(path.trim());
        let resolved = std::fs::canonicalize(given)
            .map_err(|_| invalid(format!("no folder `{}`", given.display()), hint))?;
        if resolved.parent() == Some(self.dir.as_path()) {
            let id = resolved
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            return self.get(&id);
        }
        let allowed = self
            .shipped
            .iter()
            .chain(&self.roots)
            .any(|root| resolved.starts_with(root));
        if !allowed || !resolved.is_dir() {
            return Err(invalid(
                format!(
                    "`{}` is outside the folders the workbench may read",
                    given.display()
                ),
                hint,
            ));
        }
        if !resolved.join("scenario.toml").is_file() {
            return Err(invalid(
                format!("`{}` has no scenario.toml", given.display()),
                "choose a scenario folder",
            ));
        }
        let name = resolved
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        self.create(&name, |to| copy_folder(&resolved, to))
    }

    /// Opens an uploaded zipped scenario folder.
    pub fn open_zip(&self, file_name: &str, bytes: &[u8]) -> Result<Arc<Opened>> {
        let files = archive::read_entries(bytes, archive::Limits::default())?;
        let stem = file_name.trim_end_matches(".zip");
        self.create(stem, |to| {
            archive::write_entries(&files, to)?;
            if !to.join("scenario.toml").is_file() {
                return Err(invalid(
                    "the archive has no scenario.toml",
                    "zip a scenario folder: scenario.toml with communes.csv beside it",
                ));
            }
            Ok(())
        })
    }

    /// Opens an uploaded workbook in the `import-xlsx` format: over a copy of the shipped
    /// scenario `base` (its budgets and targets), or as a new scenario whose status describes
    /// `year`.
    pub fn open_workbook(
        &self,
        file_name: &str,
        bytes: &[u8],
        base: Option<&str>,
        year: Option<u16>,
    ) -> Result<Arc<Opened>> {
        let base_dir = match base {
            Some(name) => {
                let known = self.shipped();
                if !known.iter().any(|s| s.name == name) {
                    return Err(invalid(
                        format!("no shipped scenario `{name}`"),
                        "choose a base scenario from the list",
                    ));
                }
                self.shipped.as_ref().map(|root| root.join(name))
            }
            None => None,
        };
        let upload = tempfile::Builder::new()
            .prefix(".upload-")
            .suffix(
                Path::new(file_name)
                    .extension()
                    .map(|e| format!(".{}", e.to_string_lossy().to_ascii_lowercase()))
                    .filter(|e| matches!(e.as_str(), ".xlsx" | ".xls" | ".ods"))
                    .as_deref()
                    .unwrap_or(".xlsx"),
            )
            .tempfile_in(&self.dir)
            .map_err(|e| Error::io(&self.dir, e))?;
        std::fs::write(upload.path(), bytes).map_err(|e| Error::io(upload.path(), e))?;
        let stem = Path::new(file_name)
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default();
        self.create(&stem, |to| {
            if let Some(base) = &base_dir {
                copy_folder(base, to)?;
            }
            crate::xlsx::import_workbook(upload.path(), to, year)?;
            Ok(())
        })
    }

    /// The opened scenario `id` (loaded from its workspace folder on first use).
    pub fn get(&self, id: &str) -> Result<Arc<Opened>> {
        if !valid_id(id) {
            return Err(invalid(
                format!("no open scenario `{id}`"),
                "open a scenario from the start page",
            ));
        }
        if let Some(found) = self.lock().get(id) {
            return Ok(found.clone());
        }
        let dir = self.dir.join(id);
        if !dir.join("scenario.toml").is_file() {
            return Err(invalid(
                format!("no open scenario `{id}`"),
                "open a scenario from the start page",
            ));
        }
        let opened = Arc::new(self.load(id, &dir)?);
        self.lock().insert(id.to_string(), opened.clone());
        Ok(opened)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<Opened>>> {
        self.open.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn load(&self, id: &str, dir: &Path) -> Result<Opened> {
        check_references(dir)?;
        let scenario = Scenario::load(dir)?;
        let evaluation = crate::evaluate::evaluate(&scenario);
        Ok(Opened {
            id: id.to_string(),
            dir: dir.to_path_buf(),
            scenario,
            evaluation,
        })
    }

    /// Applies budget and target edits to the workspace copy: the new `scenario.toml` is
    /// validated by loading it before it replaces the old one (atomically, by rename).
    pub fn edit(&self, id: &str, edits: &Edits) -> Result<Arc<Opened>> {
        let opened = self.get(id)?;
        let path = opened.dir.join("scenario.toml");
        let text = crate::text::read_to_string(&path)?;
        let mut doc: toml_edit::DocumentMut = text.parse().map_err(|e| {
            Error::invalid(Diagnostic::new(&path, None, format!("cannot edit: {e}")))
        })?;
        apply_budgets(&mut doc, &edits.budgets, &path)?;
        apply_targets(&mut doc, &edits.targets, &path)?;
        let mut staged = tempfile::Builder::new()
            .prefix(".scenario-")
            .suffix(".toml")
            .tempfile_in(&opened.dir)
            .map_err(|e| Error::io(&opened.dir, e))?;
        std::io::Write::write_all(&mut staged, doc.to_string().as_bytes())
            .map_err(|e| Error::io(staged.path(), e))?;
        Scenario::load(staged.path())?;
        staged
            .persist(&path)
            .map_err(|e| Error::io(&path, e.error))?;
        let reloaded = Arc::new(self.load(id, &opened.dir)?);
        self.lock().insert(id.to_string(), reloaded.clone());
        Ok(reloaded)
    }

    /// The workspace folder of `id` as a zip archive (for `ntm` on the command line).
    pub fn archive(&self, id: &str) -> Result<Vec<u8>> {
        let opened = self.get(id)?;
        archive::folder_zip(&opened.dir, &opened.id)
    }
}

fn apply_budgets(
    doc: &mut toml_edit::DocumentMut,
    edits: &[BudgetEdit],
    path: &Path,
) -> Result<()> {
    for edit in edits {
        if edit.amount.is_sign_negative() && !edit.amount.is_zero() {
            return Err(invalid(
                format!("budget of `{}` in {} is negative", edit.source, edit.year),
                "budgets are million VND, zero or more",
            ));
        }
        let sources = doc
            .get_mut("capital_sources")
            .and_then(|s| s.as_array_of_tables_mut());
        let source = sources.and_then(|list| {
            list.iter_mut()
                .find(|t| t.get("id").and_then(|v| v.as_str()) == Some(edit.source.as_str()))
        });
        let Some(source) = source else {
            return Err(Error::invalid(
                Diagnostic::new(path, None, format!("no capital source `{}`", edit.source))
                    .hint("use an id from [[capital_sources]]"),
            ));
        };
        let budget = source
            .entry("budget")
            .or_insert_with(|| toml_edit::value(toml_edit::InlineTable::new()));
        let year = edit.year.to_string();
        let amount = exact_vietnamese(edit.amount);
        if let Some(table) = budget.as_inline_table_mut() {
            table.insert(&year, amount.into());
        } else if let Some(table) = budget.as_table_mut() {
            table.insert(&year, toml_edit::value(amount));
        }
    }
    Ok(())
}

fn apply_targets(
    doc: &mut toml_edit::DocumentMut,
    edits: &[TargetEdit],
    path: &Path,
) -> Result<()> {
    for edit in edits {
        let target = doc
            .get_mut("targets")
            .and_then(|t| t.as_array_of_tables_mut())
            .and_then(|list| list.get_mut(edit.index));
        let Some(target) = target else {
            return Err(Error::invalid(Diagnostic::new(
                path,
                None,
                format!("no target number {}", edit.index + 1),
            )));
        };
        let key = if target.contains_key("average_criteria") {
            "average_criteria"
        } else {
            "communes"
        };
        let value = edit.value.normalize();
        target[key] = if value.scale() == 0 && key == "communes" {
            toml_edit::value(i64::try_from(value.mantissa()).unwrap_or(i64::MAX))
        } else {
            toml_edit::value(exact_vietnamese(value))
        };
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_cannot_climb() {
        assert!(valid_id("lai-chau-2023-1"));
        assert!(!valid_id("../x"));
        assert!(!valid_id("a/b"));
        assert!(!valid_id(""));
    }

    #[test]
    fn amounts_are_written_exactly_the_vietnamese_way() {
        assert_eq!(exact_vietnamese(Decimal::new(66_550, 0)), "66.550");
        assert_eq!(exact_vietnamese(Decimal::new(12_345_675, 1)), "1.234.567,5");
        assert_eq!(exact_vietnamese(Decimal::new(139, 1)), "13,9");
    }
}
