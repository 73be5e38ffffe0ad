//! The "Sáp nhập" step (merge): the planner uploads a commune mapping (and optionally a
//! province mapping) for the open scenario, sees the merge report, and continues with the
//! merged scenario as a new workspace scenario. Every rule is [`crate::merge`]'s: this page
//! only stages the uploaded files, calls [`crate::merge::prepare`] and shows its report.
//!
//! Between the report and "continue" the uploaded files wait in a pending folder of the
//! workspace (`.merge-XXXX`, never listed as a scenario) with the report shown; "continue"
//! prepares the merge again from them, creates it only when its report is the one the planner
//! saw (the scenario may have been edited meanwhile), and removes the folder.

use std::path::{Path as FsPath, PathBuf};
use std::sync::Arc;

use axum::extract::{Multipart, Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde_json::{json, Value};

use super::i18n::Lang;
use super::pages::{next_part, tier_label, too_big, unsupported};
use super::view::{page, scenario_context, PageError};
use super::workspace::Opened;
use super::{lang_of, AppState};
use crate::error::{Error, Result};
use crate::merge::{self, MergeOptions, MergeReport};
use crate::number::format_count;

type St = State<Arc<AppState>>;

/// Prefix of a pending merge's folder in the workspace.
const PENDING_PREFIX: &str = ".merge-";
/// The file in a pending folder naming the scenario it belongs to.
const PENDING_FOR: &str = "scenario-id";
/// Where the commune mapping waits.
const MAPPING_DIR: &str = "mapping";
/// Where the province mapping waits.
const PROVINCE_DIR: &str = "province-mapping";
/// Where a merge rule replacing the default waits.
const RULE_DIR: &str = "rule";
/// The report as shown, kept in the pending folder: "continue" creates only that merge.
const SHOWN: &str = "report-shown.txt";
/// The merge report written beside the merged scenario's files.
pub const REPORT_FILE: &str = "merge-report.txt";

/// The merge routes.
pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/s/{id}/merge", get(form).post(preview))
        .route("/s/{id}/merge/continue", post(continue_merge))
}

fn fail(state: &Arc<AppState>, lang: Lang, error: Error) -> Response {
    PageError {
        error,
        lang,
        state: state.clone(),
    }
    .into_response()
}

/// The upload form.
async fn form(State(state): St, headers: HeaderMap, Path(id): Path<String>) -> Response {
    let lang = lang_of(&headers);
    match state.workspace.get(&id) {
        Ok(opened) => page(
            &state,
            "merge.html",
            lang,
            json!({
                "scenario": scenario_context(&opened, "merge", lang),
                "report": null,
            }),
        ),
        Err(e) => fail(&state, lang, e),
    }
}

/// The uploaded mapping files.
struct MappingUpload {
    /// Commune mapping: (file name, contents).
    mapping: (String, Vec<u8>),
    /// Province mapping, if one was chosen.
    provinces: Option<(String, Vec<u8>)>,
    /// A merge rule replacing the default (`--rule`), if one was chosen.
    rule: Option<(String, Vec<u8>)>,
}

/// Reads the form: the `mapping` file (required), the `province_mapping` and `rule` files
/// (optional; a file input left empty arrives as an empty part), within the upload's part
/// limit.
async fn read_mapping_upload(mut multipart: Multipart) -> Result<MappingUpload> {
    let mut mapping = None;
    let mut provinces = None;
    let mut rule = None;
    let mut parts = 0;
    let hint = "upload the commune mapping and at most a province mapping and a rule";
    while let Some(field) = next_part(&mut multipart, &mut parts, hint).await? {
        let name = field.name().unwrap_or_default().to_string();
        let Some(file_name) = field.file_name().map(str::to_string) else {
            continue;
        };
        let bytes = field.bytes().await.map_err(|_| too_big())?.to_vec();
        if bytes.is_empty() {
            continue;
        }
        let slot = match name.as_str() {
            "mapping" => &mut mapping,
            "province_mapping" => &mut provinces,
            "rule" => &mut rule,
            other => {
                return Err(unsupported(
                    format!("unexpected file field `{other}`"),
                    "upload the commune mapping and at most a province mapping and a rule",
                ))
            }
        };
        *slot = Some((safe_file_name(&file_name), bytes));
    }
    let Some(mapping) = mapping else {
        return Err(unsupported(
            "no commune mapping was uploaded",
            "choose a .csv with the columns old_id,new_id,new_name (mã xã cũ, mã xã mới, tên xã mới)",
        ));
    };
    Ok(MappingUpload {
        mapping,
        provinces,
        rule,
    })
}

/// The last part of an uploaded file's name, with only letters, digits, `-`, `_` and `.`
/// (never a leading dot), so it can name a file and appear in an error's location.
fn safe_file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .take(80)
        .collect();
    let cleaned = cleaned.trim_start_matches('.').to_string();
    if cleaned.is_empty() {
        "mapping.csv".into()
    } else {
        cleaned
    }
}

/// A pending merge: its folder in the workspace.
struct Pending {
    dir: PathBuf,
}

impl Pending {
    /// The folder's name, as the continue form sends it back.
    fn id(&self) -> String {
        self.dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    /// The staged file in `sub`, if any.
    fn file(&self, sub: &str) -> Result<Option<PathBuf>> {
        let dir = self.dir.join(sub);
        if !dir.is_dir() {
            return Ok(None);
        }
        let mut entries = std::fs::read_dir(&dir).map_err(|e| Error::io(&dir, e))?;
        Ok(entries.next().and_then(|e| e.ok()).map(|e| e.path()))
    }

    /// The merge options: the open scenario's folder, the staged mappings, the new name.
    fn options(&self, opened: &Opened) -> Result<MergeOptions> {
        let mapping = self.file(MAPPING_DIR)?.ok_or_else(|| {
            unsupported(
                "the uploaded mapping is gone",
                "upload the mapping again from the Sáp nhập page",
            )
        })?;
        Ok(MergeOptions {
            scenarios: vec![opened.dir.clone()],
            mapping,
            province_mapping: self.file(PROVINCE_DIR)?,
            rule: self.file(RULE_DIR)?,
            out: PathBuf::from(merged_name(opened)),
        })
    }
}

/// The merged scenario's name: the old one's, marked merged.
fn merged_name(opened: &Opened) -> String {
    format!("{}-sap-nhap", opened.scenario.name)
}

/// Removes the pending merges of scenario `id` (one waits per scenario: a new upload replaces
/// the one before, so abandoned uploads do not pile up).
fn forget_pending(state: &AppState, id: &str) {
    let Ok(entries) = std::fs::read_dir(state.workspace.dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if pending_of(state, id, &name).is_ok() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Stages the upload in a new pending folder (removed again if the merge fails).
fn stage(state: &AppState, opened: &Opened, upload: &MappingUpload) -> Result<tempfile::TempDir> {
    forget_pending(state, &opened.id);
    let workspace = state.workspace.dir();
    let dir = tempfile::Builder::new()
        .prefix(PENDING_PREFIX)
        .tempdir_in(workspace)
        .map_err(|e| Error::io(workspace, e))?;
    let put = |sub: &str, (name, bytes): &(String, Vec<u8>)| -> Result<()> {
        let folder = dir.path().join(sub);
        std::fs::create_dir(&folder).map_err(|e| Error::io(&folder, e))?;
        let path = folder.join(name);
        std::fs::write(&path, bytes).map_err(|e| Error::io(&path, e))
    };
    put(MAPPING_DIR, &upload.mapping)?;
    if let Some(provinces) = &upload.provinces {
        put(PROVINCE_DIR, provinces)?;
    }
    if let Some(rule) = &upload.rule {
        put(RULE_DIR, rule)?;
    }
    let owner = dir.path().join(PENDING_FOR);
    std::fs::write(&owner, &opened.id).map_err(|e| Error::io(&owner, e))?;
    Ok(dir)
}

/// The pending folder `pending` of scenario `id`, checked: a pending folder directly in the
/// workspace, made for this scenario.
fn pending_of(state: &AppState, id: &str, pending: &str) -> Result<Pending> {
    let gone = || {
        unsupported(
            "this merge is no longer pending (already continued, or never uploaded)",
            "upload the mapping again from the Sáp nhập page",
        )
    };
    let well_formed = pending.strip_prefix(PENDING_PREFIX).is_some_and(|rest| {
        !rest.is_empty() && rest.len() <= 32 && rest.chars().all(|c| c.is_ascii_alphanumeric())
    });
    if !well_formed {
        return Err(gone());
    }
    let dir = state.workspace.dir().join(pending);
    let owner = std::fs::read_to_string(dir.join(PENDING_FOR)).map_err(|_| gone())?;
    if owner != id {
        return Err(gone());
    }
    Ok(Pending { dir })
}

/// Uploads the mapping and shows the report; nothing is created yet.
async fn preview(
    State(state): St,
    headers: HeaderMap,
    Path(id): Path<String>,
    multipart: Multipart,
) -> Response {
    let lang = lang_of(&headers);
    let opened = match state.workspace.get(&id) {
        Ok(o) => o,
        Err(e) => return fail(&state, lang, e),
    };
    let upload = match read_mapping_upload(multipart).await {
        Ok(u) => u,
        Err(e) => return fail(&state, lang, e),
    };
    let prepared = stage(&state, &opened, &upload).and_then(|dir| {
        let pending = Pending {
            dir: dir.path().to_path_buf(),
        };
        let merged = merge::prepare(&pending.options(&opened)?)?;
        let shown = dir.path().join(SHOWN);
        std::fs::write(&shown, shown_text(&merged.report)).map_err(|e| Error::io(&shown, e))?;
        // Kept for "continue" only when the merge is good.
        let kept = dir.keep();
        Ok((Pending { dir: kept }, merged.report))
    });
    match prepared {
        Ok((pending, report)) => page(
            &state,
            "merge.html",
            lang,
            json!({
                "scenario": scenario_context(&opened, "merge", lang),
                "report": report_context(&report, &opened, lang),
                "pending": pending.id(),
            }),
        ),
        Err(e) => fail(&state, lang, e),
    }
}

#[derive(serde::Deserialize)]
struct ContinueForm {
    pending: String,
}

/// Creates the merged scenario in the workspace and opens its Status page.
async fn continue_merge(
    State(state): St,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<ContinueForm>,
) -> Response {
    let lang = lang_of(&headers);
    let created = state.workspace.get(&id).and_then(|opened| {
        let pending = pending_of(&state, &id, &form.pending)?;
        let merged = merge::prepare(&pending.options(&opened)?)?;
        let shown = std::fs::read_to_string(pending.dir.join(SHOWN)).unwrap_or_default();
        if shown != shown_text(&merged.report) {
            let _ = std::fs::remove_dir_all(&pending.dir);
            return Err(unsupported(
                "the scenario changed after this merge report was shown: nothing was created",
                "upload the mapping again to see the report of the scenario as it is now",
            ));
        }
        let report = merge::render(&merged.report, lang.numbers());
        let created = state.workspace.create(&merged_name(&opened), |to| {
            write_files(to, &merged, &report)
        })?;
        // The merge is done; its pending folder goes (a failure to remove it leaves a hidden
        // folder no page lists).
        let _ = std::fs::remove_dir_all(&pending.dir);
        Ok(created)
    });
    match created {
        Ok(new) => Redirect::to(&format!("/s/{}/status", new.id)).into_response(),
        Err(e) => fail(&state, lang, e),
    }
}

/// The report as compared between "see" and "continue" (numbers one fixed way).
fn shown_text(report: &MergeReport) -> String {
    merge::render(report, crate::number::NumberStyle::Vietnamese)
}

/// The merged scenario's files and the report beside them.
fn write_files(to: &FsPath, merged: &merge::Merged, report: &str) -> Result<()> {
    for (name, bytes) in &merged.files {
        let path = to.join(name);
        std::fs::write(&path, bytes).map_err(|e| Error::io(&path, e))?;
    }
    let path = to.join(REPORT_FILE);
    std::fs::write(&path, report).map_err(|e| Error::io(&path, e))
}

/// The report as the page shows it: numbers the page's way; the library's texts, which carry
/// the Vietnamese first and the English beside, as they are.
fn report_context(r: &MergeReport, opened: &Opened, lang: Lang) -> Value {
    let n = lang.numbers();
    let count = |v: usize| format_count(v as u64, n);
    let number = |v| merge::report::number(v, n);
    let catalog = &opened.scenario.catalog;
    let criterion_name = |id: u8| {
        catalog.criterion(id).map_or(String::new(), |k| match lang {
            Lang::Vi => k.name_vi.clone(),
            Lang::En => k.name_en.clone(),
        })
    };
    let communes: Vec<Value> = r
        .communes
        .iter()
        .map(|c| {
            let merged = c.members.len() > 1;
            let lost: Vec<Value> = c
                .lost()
                .map(|(criterion, missing)| {
                    json!({
                        "criterion": criterion,
                        "name": criterion_name(criterion),
                        "missing": missing.join(", "),
                    })
                })
                .collect();
            json!({
                "id": c.id,
                "name": c.name,
                "merged": merged,
                "group": c.group.as_ref().map(ToString::to_string),
                "sources": c.sources,
                "criteria_met": c.criteria_met,
                "tier": tier_label(c.tier, lang),
                "members": c.members.iter().map(|m| json!({
                    "id": m.id,
                    "name": m.name,
                    "district": m.district,
                    "criteria_met": m.criteria_met,
                    "tier": tier_label(m.tier, lang),
                })).collect::<Vec<_>>(),
                "criteria": c.criteria.iter().map(|row| json!({
                    "criterion": row.criterion,
                    "name": criterion_name(row.criterion),
                    "before": row.before,
                    "after": row.after,
                    "lost": !row.after && row.before.iter().any(|b| *b),
                })).collect::<Vec<_>>(),
                "lost": lost,
                "old_recognitions": c.old_recognitions,
                "values": c.values.iter().map(|v| json!({
                    "what": v.what,
                    "year": v.year,
                    "parts": v.parts_text(n),
                    "method": v.method,
                    "result": v.result.map(number),
                    "note": v.note,
                })).collect::<Vec<_>>(),
                "re_assess": c.re_assess,
            })
        })
        .collect();
    json!({
        "from": r.from.join(" + "),
        "name": r.scenario,
        "province": r.province,
        "provinces_merged": r.provinces_merged,
        "communes_before": count(r.communes_before),
        "communes_after": count(r.communes_after),
        "standard_before": count(r.standard_before),
        "standard_after": count(r.standard_after),
        "rule": {
            "id": r.rule.id,
            "title": match lang { Lang::Vi => &r.rule.title_vi, Lang::En => &r.rule.title_en },
            "entries": r.rule.entries.iter().map(|e| json!({
                "what": e.what,
                "combine": e.combine,
                "assumption": e.assumption,
                "basis_vi": e.basis_vi,
                "basis": e.basis,
            })).collect::<Vec<_>>(),
        },
        "communes": communes,
        "re_assess_count": count(r.re_assess().count()),
        "totals": r.totals.iter().map(|t| json!({
            "what": t.what,
            "before": number(t.before),
            "after": number(t.after),
            "same": t.same,
        })).collect::<Vec<_>>(),
        "totals_hold": r.totals_hold(),
        "no_totals": merge::report::NO_TOTALS,
        "targets": r.targets.iter().map(|t| json!({
            "name": match lang { Lang::Vi => &t.name_vi, Lang::En => &t.name_en },
            "year": t.year,
            "value": number(t.value),
            "carried": t.carried,
            "reason": t.reason,
        })).collect::<Vec<_>>(),
        "capital_sources": r.capital_sources.iter().map(|s| json!({
            "id": s.id,
            "from": s.from.join(" + "),
            "summed": s.summed,
        })).collect::<Vec<_>>(),
        "notes": r.notes,
        "text": merge::render(r, n),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uploaded_names_cannot_climb_or_hide() {
        assert_eq!(safe_file_name("../../etc/passwd"), "passwd");
        assert_eq!(
            safe_file_name("C:\\x\\bảng chuyển đổi.csv"),
            "bảng-chuyển-đổi.csv"
        );
        assert_eq!(safe_file_name(".hidden.csv"), "hidden.csv");
        assert_eq!(safe_file_name(""), "mapping.csv");
        assert_eq!(safe_file_name(".."), "mapping.csv");
    }
}
