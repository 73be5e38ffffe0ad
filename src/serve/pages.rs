//! The pages: scenario picker, Status, Plan, Rules, Targets, Sweep, Audit, and the result
//! fragments the pages fetch when a job ends.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Arc;

use axum::extract::{Multipart, Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use rust_decimal::Decimal;
use serde_json::{json, Value};

use super::charts;
use super::guard::CSRF_FIELD;
use super::i18n::Lang;
use super::jobs::{Job, JobResult};
use super::view::{page, scenario_context, PageError};
use super::workspace::{BudgetEdit, Edits, Opened, TargetEdit};
use super::{lang_of, AppState};
use crate::catalog::TierId;
use crate::error::Error;
use crate::number::{format_count, format_money, format_trimmed, AVERAGE_PLACES};
use crate::plan::OutOfReachReason;
use crate::scenario::Target;

type St = State<Arc<AppState>>;

/// The page routes.
pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/", get(home))
        .route("/open", post(open))
        .route("/upload", post(upload))
        .route("/lang/{code}", get(switch_lang))
        .route("/assets/{name}", get(asset))
        .route("/s/{id}", get(to_status))
        .route("/s/{id}/status", get(status))
        .route("/s/{id}/plan", get(plan).post(save_edits))
        .route("/s/{id}/rules", get(rules))
        .route("/s/{id}/targets", get(targets))
        .route("/s/{id}/sweep", get(sweep))
        .route("/s/{id}/audit", get(audit))
        .route("/s/{id}/draft-plan", get(draft_plan))
        .route("/jobs/{job}/view", get(job_view))
        .fallback(not_found)
}

/// Any other address: a page that says so, in the page's language.
async fn not_found(State(state): St, headers: HeaderMap) -> Response {
    let lang = lang_of(&headers);
    let mut response = page(
        &state,
        "error.html",
        lang,
        json!({
            "message": match lang {
                Lang::Vi => "Không có trang này.",
                Lang::En => "There is no such page.",
            },
            "hint": null,
            "problems": [],
        }),
    );
    *response.status_mut() = StatusCode::NOT_FOUND;
    response
}

fn fail(state: &Arc<AppState>, lang: Lang) -> impl Fn(Error) -> PageError + '_ {
    move |error| PageError {
        error,
        lang,
        state: state.clone(),
    }
}

pub(super) fn unsupported(message: impl Into<String>, hint: &str) -> Error {
    Error::Unsupported {
        message: message.into(),
        hint: hint.to_string(),
    }
}

async fn asset(Path(name): Path<String>) -> Response {
    let (body, kind): (&'static str, &str) = match name.as_str() {
        "app.js" => (
            include_str!("assets/app.js"),
            "text/javascript; charset=utf-8",
        ),
        "app.css" => (include_str!("assets/app.css"), "text/css; charset=utf-8"),
        _ => return (StatusCode::NOT_FOUND, "no such asset").into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        body,
    )
        .into_response()
}

async fn home(State(state): St, headers: HeaderMap) -> Response {
    let lang = lang_of(&headers);
    page(
        &state,
        "home.html",
        lang,
        json!({
            "shipped": state.workspace.shipped(),
            "saved": state.workspace.saved(),
            "max_upload_mib": super::MAX_UPLOAD >> 20,
        }),
    )
}

#[derive(serde::Deserialize)]
struct SwitchQuery {
    next: Option<String>,
}

/// Sets the language cookie and goes back to the page (a local path only).
async fn switch_lang(Path(code): Path<String>, Query(q): Query<SwitchQuery>) -> Response {
    let lang = Lang::parse(&code);
    let next = q
        .next
        .filter(|n| {
            n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.chars().any(char::is_control)
        })
        .unwrap_or_else(|| "/".into());
    (
        [(
            header::SET_COOKIE,
            format!("ntm_lang={}; Path=/; SameSite=Lax", lang.code()),
        )],
        Redirect::to(&next),
    )
        .into_response()
}

#[derive(serde::Deserialize)]
struct OpenForm {
    shipped: Option<String>,
    folder: Option<String>,
}

async fn open(State(state): St, headers: HeaderMap, Form(form): Form<OpenForm>) -> Response {
    let lang = lang_of(&headers);
    let opened = match (form.shipped.filter(|s| !s.is_empty()), form.folder) {
        (Some(name), _) => state.workspace.open_shipped(&name),
        (None, Some(folder)) if !folder.trim().is_empty() => state.workspace.open_folder(&folder),
        _ => Err(unsupported(
            "no scenario chosen",
            "choose a shipped scenario or give a folder",
        )),
    };
    match opened {
        Ok(o) => Redirect::to(&format!("/s/{}/status", o.id)).into_response(),
        Err(e) => fail(&state, lang)(e).into_response(),
    }
}

/// An upload read from a multipart form.
pub struct Upload {
    /// File name as sent.
    pub file_name: String,
    /// Contents.
    pub bytes: Vec<u8>,
    /// Form fields besides the file.
    pub fields: HashMap<String, String>,
}

/// The error for an upload over [`super::MAX_UPLOAD`] or not readable as a form.
pub fn too_big() -> Error {
    unsupported(
        format!(
            "the upload is too large or broken (at most {} MiB)",
            super::MAX_UPLOAD >> 20
        ),
        "upload the scenario's workbook or zipped folder on its own",
    )
}

/// The upload's next part, counted in `parts`; more than [`super::MAX_UPLOAD_PARTS`] parts is
/// refused with `hint`, a broken or oversized body with [`too_big`].
pub(super) async fn next_part<'a>(
    multipart: &'a mut Multipart,
    parts: &mut usize,
    hint: &str,
) -> Result<Option<axum::extract::multipart::Field<'a>>, Error> {
    let Some(field) = multipart.next_field().await.map_err(|_| too_big())? else {
        return Ok(None);
    };
    *parts += 1;
    if *parts > super::MAX_UPLOAD_PARTS {
        return Err(unsupported(
            format!("the upload has more than {} parts", super::MAX_UPLOAD_PARTS),
            hint,
        ));
    }
    Ok(Some(field))
}

/// Reads a multipart upload: one file and a few fields, within the size and part limits.
pub async fn read_upload(mut multipart: Multipart) -> Result<Upload, Error> {
    let mut file = None;
    let mut fields = HashMap::new();
    let mut parts = 0;
    while let Some(field) =
        next_part(&mut multipart, &mut parts, "upload one file at a time").await?
    {
        let name = field.name().unwrap_or_default().to_string();
        match field.file_name().map(str::to_string) {
            Some(file_name) => {
                if file.is_some() {
                    return Err(unsupported(
                        "the upload has more than one file",
                        "upload one file at a time",
                    ));
                }
                let bytes = field.bytes().await.map_err(|_| too_big())?;
                file = Some((file_name, bytes.to_vec()));
            }
            None => {
                let text = field.text().await.map_err(|_| too_big())?;
                fields.insert(name, text.chars().take(200).collect());
            }
        }
    }
    let Some((file_name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return Err(unsupported(
            "no file was uploaded",
            "choose a .xlsx or .zip file",
        ));
    };
    Ok(Upload {
        file_name,
        bytes,
        fields,
    })
}

/// Opens an upload: a zipped folder or a workbook.
pub fn open_upload(state: &AppState, upload: &Upload) -> Result<Arc<Opened>, Error> {
    let lower = upload.file_name.to_ascii_lowercase();
    if lower.ends_with(".zip") {
        return state.workspace.open_zip(&upload.file_name, &upload.bytes);
    }
    if [".xlsx", ".xls", ".ods"].iter().any(|e| lower.ends_with(e)) {
        let base = upload.fields.get("base").filter(|b| !b.is_empty());
        let year = match upload
            .fields
            .get("year")
            .map(|y| y.trim())
            .filter(|y| !y.is_empty())
        {
            Some(text) => Some(text.parse::<u16>().map_err(|_| {
                unsupported(format!("`{text}` is not a year"), "write the year as 2024")
            })?),
            None => None,
        };
        return state.workspace.open_workbook(
            &upload.file_name,
            &upload.bytes,
            base.map(String::as_str),
            year,
        );
    }
    Err(unsupported(
        format!(
            "`{}` is neither a workbook nor a zip archive",
            upload.file_name
        ),
        "upload a .xlsx workbook (import-xlsx format) or a .zip of a scenario folder",
    ))
}

async fn upload(State(state): St, headers: HeaderMap, multipart: Multipart) -> Response {
    let lang = lang_of(&headers);
    let opened = match read_upload(multipart).await {
        Ok(upload) => open_upload(&state, &upload),
        Err(e) => Err(e),
    };
    match opened {
        Ok(o) => Redirect::to(&format!("/s/{}/status", o.id)).into_response(),
        Err(e) => fail(&state, lang)(e).into_response(),
    }
}

async fn to_status(Path(id): Path<String>) -> Redirect {
    Redirect::to(&format!("/s/{id}/status"))
}

/// A tier as people read it.
pub fn tier_label(tier: Option<TierId>, lang: Lang) -> &'static str {
    match (tier, lang) {
        (None, Lang::Vi) => "chưa đạt chuẩn",
        (None, Lang::En) => "below standard",
        (Some(TierId::Standard), Lang::Vi) => "đạt chuẩn",
        (Some(TierId::Standard), Lang::En) => "standard",
        (Some(TierId::Advanced), Lang::Vi) => "nâng cao",
        (Some(TierId::Advanced), Lang::En) => "advanced",
        (Some(TierId::Model), Lang::Vi) => "kiểu mẫu",
        (Some(TierId::Model), Lang::En) => "model",
    }
}

/// The Status page's values (also what the benchmark renders).
pub fn status_context(opened: &Opened, lang: Lang) -> Value {
    let e = &opened.evaluation;
    let n = lang.numbers();
    let catalog = &opened.scenario.catalog;
    let rows: Vec<Value> = e
        .per_commune
        .iter()
        .map(|c| {
            let blocking: Vec<String> = c.blocking.iter().map(|b| format!("c{b}")).collect();
            let names: Vec<String> = c
                .blocking
                .iter()
                .filter_map(|b| catalog.criterion(*b))
                .map(|k| {
                    if lang == Lang::Vi {
                        k.name_vi.clone()
                    } else {
                        k.name_en.clone()
                    }
                })
                .collect();
            json!({
                "id": c.id,
                "name": c.name,
                "district": c.district,
                "met": c.criteria_met,
                "band": c.band,
                "tier": tier_label(c.tier, lang),
                "tier_rank": c.tier.map_or(0, |t| t as u8 + 1),
                // The criteria lacking for the next tier, labelled with that tier (a commune at
                // standard lists the advanced set's criteria).
                "blocking": if blocking.is_empty() {
                    String::new()
                } else {
                    format!(
                        "{} {}: {}",
                        lang.word("missing_for"),
                        tier_label(c.next_tier, lang),
                        blocking.join(", ")
                    )
                },
                "blocking_names": names.join("; "),
            })
        })
        .collect();
    let bands: Vec<&String> = e.summary.bands.iter().map(|(b, _)| b).collect();
    json!({
        "scenario": scenario_context(opened, "status", lang),
        "summary": {
            "communes": format_count(e.summary.communes as u64, n),
            "standard": format_count(e.summary.standard as u64, n),
            "advanced": format_count(e.summary.advanced as u64, n),
            "model": format_count(e.summary.model as u64, n),
            "average": format_trimmed(e.summary.average_criteria, AVERAGE_PLACES, n),
        },
        "has_districts": !e.districts.is_empty(),
        "bands": bands,
        "band_chart": charts::inline(&charts::band_chart(e, &opened.scenario), "chart-bands"),
        "criteria_chart": charts::inline(&charts::criteria_chart(e, &opened.scenario), "chart-criteria"),
        "rows": rows,
    })
}

async fn status(State(state): St, headers: HeaderMap, Path(id): Path<String>) -> Response {
    let lang = lang_of(&headers);
    match state.workspace.get(&id) {
        Ok(o) => page(&state, "status.html", lang, status_context(&o, lang)),
        Err(e) => fail(&state, lang)(e).into_response(),
    }
}

/// A target as people read it, in the documents' words.
pub fn target_label(t: &Target, opened: &Opened, lang: Lang) -> String {
    let catalog = &opened.scenario.catalog;
    match lang {
        Lang::Vi => capitalised(&t.name_vi(catalog)),
        Lang::En => t.name(catalog),
    }
}

/// `text` with its first letter upper-case, as a label starts (`xã đạt chuẩn` → `Xã đạt chuẩn`).
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// A number in a form field: grouped as the page writes numbers, exact.
fn field_value(value: Decimal, lang: Lang) -> String {
    let value = value.normalize();
    format_trimmed(value, value.scale(), lang.numbers())
}

/// Reads a form field written the page's way (Vietnamese 1.234,5; English 1,234.5).
fn parse_field(text: &str, lang: Lang) -> Option<Decimal> {
    let compact: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '_'))
        .collect();
    let plain = match lang {
        Lang::Vi => compact.replace('.', "").replace(',', "."),
        Lang::En => compact.replace(',', ""),
    };
    Decimal::from_str(&plain).ok()
}

#[derive(serde::Deserialize)]
struct PlanQuery {
    saved: Option<String>,
}

async fn plan(
    State(state): St,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<PlanQuery>,
) -> Response {
    let lang = lang_of(&headers);
    let opened = match state.workspace.get(&id) {
        Ok(o) => o,
        Err(e) => return fail(&state, lang)(e).into_response(),
    };
    let s = &opened.scenario;
    let mut years: Vec<u16> = s.years.clone();
    for source in &s.capital_sources {
        years.extend(source.budget.keys().filter_map(|y| y.parse::<u16>().ok()));
    }
    years.sort_unstable();
    years.dedup();
    let sources: Vec<Value> = s
        .capital_sources
        .iter()
        .map(|source| {
            json!({
                "id": source.id,
                "name": if lang == Lang::Vi { &source.name_vi } else { &source.name_en },
                "cells": years.iter().map(|y| json!({
                    "year": y,
                    "value": field_value(source.budget_in(*y), lang),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let targets: Vec<Value> = s
        .targets
        .iter()
        .enumerate()
        .map(|(i, t)| {
            json!({
                "index": i,
                "label": target_label(t, &opened, lang),
                "year": t.year,
                "value": field_value(t.value, lang),
            })
        })
        .collect();
    page(
        &state,
        "plan.html",
        lang,
        json!({
            "scenario": scenario_context(&opened, "plan", lang),
            "years": years,
            "sources": sources,
            "targets": targets,
            "saved": q.saved.is_some(),
            "objectives": ["max-standard", "min-cost", "max-criteria"],
        }),
    )
}

/// The edits a Plan form asks for: only the fields whose value changed.
fn edits_of(form: &HashMap<String, String>, opened: &Opened, lang: Lang) -> Result<Edits, Error> {
    let s = &opened.scenario;
    let mut edits = Edits::default();
    let mut problems = Vec::new();
    let mut fields: Vec<(&String, &String)> = form.iter().collect();
    fields.sort();
    for (key, text) in fields.into_iter().filter(|(k, _)| *k != CSRF_FIELD) {
        let Some(value) = parse_field(text, lang) else {
            problems.push(format!("`{text}` ({key}) is not a number"));
            continue;
        };
        if let Some(rest) = key.strip_prefix("budget:") {
            let Some((source, year)) = rest.rsplit_once(':') else {
                continue;
            };
            let Ok(year) = year.parse::<u16>() else {
                problems.push(format!("`{year}` is not a year"));
                continue;
            };
            let current = s.capital_sources.iter().find(|c| c.id == source);
            match current {
                Some(c) if c.budget_in(year) == value => {}
                Some(_) => edits.budgets.push(BudgetEdit {
                    source: source.to_string(),
                    year,
                    amount: value,
                }),
                None => problems.push(format!("no capital source `{source}`")),
            }
        } else if let Some(index) = key.strip_prefix("target:") {
            let Some(index) = index.parse::<usize>().ok().filter(|i| *i < s.targets.len()) else {
                problems.push(format!("no target `{index}`"));
                continue;
            };
            if s.targets[index].value != value {
                edits.targets.push(TargetEdit { index, value });
            }
        }
    }
    if problems.is_empty() {
        Ok(edits)
    } else {
        Err(unsupported(
            problems.join("; "),
            match lang {
                Lang::Vi => "viết số kiểu Việt Nam: 66.550 hoặc 13,9",
                Lang::En => "write numbers the English way: 66,550 or 13.9",
            },
        ))
    }
}

async fn save_edits(
    State(state): St,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let lang = lang_of(&headers);
    let result = state
        .workspace
        .get(&id)
        .and_then(|o| edits_of(&form, &o, lang))
        .and_then(|edits| state.workspace.edit(&id, &edits));
    match result {
        Ok(_) => Redirect::to(&format!("/s/{id}/plan?saved=1")).into_response(),
        Err(e) => fail(&state, lang)(e).into_response(),
    }
}

/// A page whose results come from a job: the form is the template's, the result comes later.
fn job_page(state: &Arc<AppState>, headers: &HeaderMap, id: &str, name: &str) -> Response {
    let lang = lang_of(headers);
    match state.workspace.get(id) {
        Ok(o) => page(
            state,
            &format!("{name}.html"),
            lang,
            json!({
                "scenario": scenario_context(&o, name, lang),
                "rules": crate::rules::built_in_ids().collect::<Vec<_>>(),
            }),
        ),
        Err(e) => fail(state, lang)(e).into_response(),
    }
}

#[derive(serde::Deserialize)]
struct RuleQuery {
    rule: Option<String>,
}

/// `ntm allocate`: the rule's division and what the communes do with it, as the CLI's `--json`.
pub fn allocation(opened: &Opened, rule: &str) -> Result<Value, Error> {
    let known: Vec<&str> = crate::rules::built_in_ids().collect();
    if !known.contains(&rule) {
        return Err(unsupported(
            format!("unknown rule `{rule}`"),
            &format!("use one of {}", known.join(", ")),
        ));
    }
    let rule = crate::rules::Rule::load(rule)?;
    let options = crate::rules::AllocateOptions {
        year: None,
        sources: Vec::new(),
    };
    let allocation = crate::rules::allocate(&opened.scenario, &rule, &options)?;
    let simulation = crate::rules::simulate(&opened.scenario, &allocation);
    Ok(json!({ "allocation": allocation, "simulation": simulation }))
}

/// The allocation section of the Rules page, numbers written for people.
fn allocation_context(opened: &Opened, rule: &str, lang: Lang) -> Result<Value, Error> {
    let value = allocation(opened, rule)?;
    let n = lang.numbers();
    let money = |v: &Value| {
        v.as_str()
            .and_then(|t| Decimal::from_str(t).ok())
            .map_or(String::new(), |d| format_money(d, n))
    };
    let a = &value["allocation"];
    let sim = &value["simulation"];
    let communes: Vec<Value> = a["communes"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|c| {
            json!({
                "name": c["name"], "id": c["id"], "met": c["criteria_met"], "band": c["band"],
                "coefficient": c["coefficient"].as_str().and_then(|t| Decimal::from_str(t).ok()).map_or(String::new(), |d| format_trimmed(d, 3, n)),
                "basis": if lang == Lang::Vi { &c["coefficient_basis_vi"] } else { &c["coefficient_basis"] },
                "total": money(&c["total"]),
                "counterpart": money(&c["counterpart"]),
            })
        })
        .collect();
    Ok(json!({
        "rule": rule,
        "title": a["rule_title"],
        "source": a["rule_source"],
        "assumptions": a["rule_has_assumptions"],
        "year": a["year"],
        "budget": money(&a["budget"]),
        "allocated": money(&a["allocated"]),
        "set_aside": money(&a["set_aside"]),
        "unallocated": money(&a["unallocated"]),
        "standard_before": sim["standard_before"],
        "standard": sim["standard"],
        "spent": money(&sim["spent"]),
        "communes": communes,
    }))
}

async fn rules(
    State(state): St,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<RuleQuery>,
) -> Response {
    let lang = lang_of(&headers);
    let opened = match state.workspace.get(&id) {
        Ok(o) => o,
        Err(e) => return fail(&state, lang)(e).into_response(),
    };
    let allocated = match q.rule.as_deref().filter(|r| !r.is_empty()) {
        Some(rule) => match allocation_context(&opened, rule, lang) {
            Ok(v) => Some(v),
            Err(e) => return fail(&state, lang)(e).into_response(),
        },
        None => None,
    };
    page(
        &state,
        "rules.html",
        lang,
        json!({
            "scenario": scenario_context(&opened, "rules", lang),
            "rules": crate::rules::built_in_ids().collect::<Vec<_>>(),
            "allocation": allocated,
        }),
    )
}

async fn targets(State(state): St, headers: HeaderMap, Path(id): Path<String>) -> Response {
    job_page(&state, &headers, &id, "targets")
}

async fn sweep(State(state): St, headers: HeaderMap, Path(id): Path<String>) -> Response {
    job_page(&state, &headers, &id, "sweep")
}

async fn draft_plan(State(state): St, headers: HeaderMap, Path(id): Path<String>) -> Response {
    job_page(&state, &headers, &id, "draft_plan")
}

async fn audit(State(state): St, headers: HeaderMap, Path(id): Path<String>) -> Response {
    let lang = lang_of(&headers);
    let opened = match state.workspace.get(&id) {
        Ok(o) => o,
        Err(e) => return fail(&state, lang)(e).into_response(),
    };
    let audit = crate::audit::audit(&opened.scenario);
    page(
        &state,
        "audit.html",
        lang,
        json!({
            "scenario": scenario_context(&opened, "audit", lang),
            "audit": audit,
        }),
    )
}

/// The result of a finished job as an HTML fragment.
async fn job_view(State(state): St, headers: HeaderMap, Path(job): Path<u64>) -> Response {
    let lang = lang_of(&headers);
    let found = state.jobs.get(job).and_then(|j| j.result().map(|r| (j, r)));
    let Some((job, result)) = found else {
        return fail(&state, lang)(unsupported(
            format!("job {job} has no result"),
            "run it again",
        ))
        .into_response();
    };
    let opened = match state.workspace.get(&job.scenario) {
        Ok(o) => o,
        Err(e) => return fail(&state, lang)(e).into_response(),
    };
    let (name, context) = result_context(&job, &result, &opened, lang);
    page(&state, name, lang, context)
}

/// The fragment template and its values for a job's result.
fn result_context(
    job: &Job,
    result: &JobResult,
    opened: &Opened,
    lang: Lang,
) -> (&'static str, Value) {
    let n = lang.numbers();
    let money = |d: Decimal| format_money(d, n);
    let downloads = super::downloads::job_links(job, lang);
    match result {
        JobResult::Plan(plan) => {
            // Targets in the page's language: the outcome carries both names.
            let s = &opened.scenario;
            let targets: Vec<Value> = plan
                .targets
                .iter()
                .map(|t| {
                    let name = match lang {
                        Lang::Vi => capitalised(&t.name_vi),
                        Lang::En => t.name.clone(),
                    };
                    json!({
                        "name": name, "year": t.year,
                        "target": format_trimmed(t.target, AVERAGE_PLACES, n),
                        "achieved": format_trimmed(t.achieved, AVERAGE_PLACES, n),
                        "shortfall": format_trimmed(t.shortfall, AVERAGE_PLACES, n),
                        "met": t.shortfall.is_zero(),
                    })
                })
                .collect();
            let projects: Vec<Value> = plan
                .projects
                .iter()
                .map(|p| {
                    json!({
                        "id": p.id, "commune": p.commune, "year": p.year, "cost": money(p.cost),
                        "funding": p.funding.iter().map(|(s, a)| format!("{}: {}", charts::source_name(&opened.scenario, s, lang), money(*a))).collect::<Vec<_>>().join("; "),
                    })
                })
                .collect();
            // Targets out of reach, in the page's language, with what every candidate project
            // reaches and why.
            let unreachable: Vec<String> = plan
                .out_of_reach
                .iter()
                .map(|o| {
                    let label = s
                        .targets
                        .get(o.target)
                        .map_or(o.name.clone(), |t| target_label(t, opened, lang));
                    let why = lang.word(match o.why {
                        OutOfReachReason::NoProjectRaisesIt => "no_project_raises_it",
                        OutOfReachReason::BeyondAllCandidates => "beyond_all_candidates",
                    });
                    format!(
                        "{label} ({}): {} {}, {} {}; {why}",
                        o.year,
                        lang.word("target"),
                        format_trimmed(o.value, AVERAGE_PLACES, n),
                        lang.word("reachable"),
                        format_trimmed(o.reachable, AVERAGE_PLACES, n),
                    )
                })
                .collect();
            let extra: Vec<Value> = plan
                .extra_budget
                .iter()
                .map(|(s, a)| json!({"source": charts::source_name(&opened.scenario, s, lang), "amount": money(*a)}))
                .collect();
            let names: HashMap<&str, &str> = plan
                .after
                .per_commune
                .iter()
                .map(|c| (c.id.as_str(), c.name.as_str()))
                .collect();
            let newly: Vec<String> = plan
                .newly_standard
                .iter()
                .map(|id| names.get(id.as_str()).map_or(id.clone(), |n| n.to_string()))
                .collect();
            (
                "plan_result.html",
                json!({
                    "job": job.id,
                    "status": serde_plain(&plan.status),
                    "standard_before": format_count(plan.before.summary.standard as u64, n),
                    "standard_after": format_count(plan.after.summary.standard as u64, n),
                    "spent": money(plan.spend_by_source.values().copied().sum()),
                    "targets": targets,
                    "projects": projects,
                    "project_count": format_count(plan.projects.len() as u64, n),
                    "newly": newly,
                    "extra": extra,
                    "unreachable": unreachable,
                    "spend_chart": charts::inline(&charts::spend_chart(plan, &opened.scenario), "chart-spend"),
                    "downloads": downloads,
                }),
            )
        }
        JobResult::Compare(c) => {
            let columns: Vec<Value> = c
                .columns
                .iter()
                .map(|col| {
                    json!({
                        "name": col.name,
                        "standard": format_count(col.standard as u64, n),
                        "newly": format_count(col.newly_standard as u64, n),
                        "criteria": format_count(col.criteria_met as u64, n),
                        "spent": money(col.spent),
                        "unused": money(col.unused),
                        "cost_per_new": col.cost_per_new_standard.map(money),
                        "poorest_share": col.poorest_band_share.map(|d| format_trimmed(d, 1, n)),
                        "gini": col.gini.map(|d| format_trimmed(d, 3, n)),
                        "price": col.price.as_ref().map(|p| p.extra.map_or("> 16×".to_string(), money)),
                    })
                })
                .collect();
            (
                "rules_result.html",
                json!({
                    "job": job.id,
                    "year": c.year,
                    "budget": money(c.budget),
                    "standard_before": format_count(c.standard_before as u64, n),
                    "columns": columns,
                    "chart": charts::inline(&charts::compare_chart(c), "chart-compare"),
                    "downloads": downloads,
                }),
            )
        }
        JobResult::Targets(d) => {
            let targets: Vec<Value> = d
                .targets
                .iter()
                .map(|t| {
                    json!({
                        // Whose communes it counts (nhóm xã), in the page's language.
                        "group": match t.group {
                            Some(g) => format!("{} {}", lang.word("group_n"), g.number()),
                            None => lang.word("province_wide").to_string(),
                        },
                        "baseline": format_trimmed(t.baseline, AVERAGE_PLACES, n),
                        "achievable": format_trimmed(t.achievable, AVERAGE_PLACES, n),
                        "vi": t.phrase_vi, "en": t.phrase_en,
                    })
                })
                .collect();
            let all_vi: Vec<String> = d
                .targets
                .iter()
                .map(|t| format!("- {}", t.phrase_vi))
                .collect();
            let all_en: Vec<String> = d
                .targets
                .iter()
                .map(|t| format!("- {}", t.phrase_en))
                .collect();
            (
                "targets_result.html",
                json!({
                    "job": job.id,
                    "year": d.year,
                    "budget": money(d.budget),
                    "status": serde_plain(&d.plan_status),
                    "targets": targets,
                    "grouped": d.targets.iter().any(|t| t.group.is_some()),
                    "all_vi": all_vi.join("\n"),
                    "all_en": all_en.join("\n"),
                    "trade_offs": d.trade_offs,
                    "toml": d.toml,
                    "downloads": downloads,
                }),
            )
        }
        JobResult::Sweep(s) => {
            let points: Vec<Value> = s
                .points
                .iter()
                .map(|p| {
                    json!({
                        "multiplier": format_trimmed(p.multiplier, 3, n),
                        "budget": money(p.budget),
                        "values": p.values.iter().map(|v| format_count(v.standard as u64, n)).collect::<Vec<_>>(),
                    })
                })
                .collect();
            (
                "sweep_result.html",
                json!({
                    "job": job.id,
                    "series": s.series,
                    "points": points,
                    "chart": charts::inline(&charts::sweep_chart(s), "chart-sweep"),
                    "downloads": downloads,
                }),
            )
        }
        JobResult::Document(d) => (
            "draft_plan_result.html",
            json!({
                "job": job.id,
                "title": d.facts.scenario,
                "outline": crate::document::render_text(d),
                "downloads": downloads,
            }),
        ),
    }
}

/// A serde enum's name (`optimal`, `feasible`).
fn serde_plain(value: &impl serde::Serialize) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_numbers_are_read_the_page_way() {
        assert_eq!(
            parse_field("66.550", Lang::Vi),
            Some(Decimal::new(66_550, 0))
        );
        assert_eq!(parse_field("13,9", Lang::Vi), Some(Decimal::new(139, 1)));
        assert_eq!(
            parse_field("66,550", Lang::En),
            Some(Decimal::new(66_550, 0))
        );
        assert_eq!(parse_field("13.9", Lang::En), Some(Decimal::new(139, 1)));
        assert_eq!(parse_field("abc", Lang::Vi), None);
        assert_eq!(
            field_value(Decimal::new(12_345_675, 1), Lang::Vi),
            "1.234.567,5"
        );
    }
}
