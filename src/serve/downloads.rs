//! Downloads (tải về) on every page: XLSX, CSV, JSON, SVG, and the edited scenario as a zip
//! that `ntm` on the command line runs as it is.

use std::path::Path as FsPath;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use super::charts;
use super::i18n::Lang;
use super::jobs::{Job, JobKind, JobResult};
use super::view::PageError;
use super::workspace::Opened;
use super::{lang_of, AppState};
use crate::error::{Error, Result};

/// The download routes.
pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/s/{id}/download/{file}", get(scenario_file))
        .route("/jobs/{job}/download/{file}", get(job_file))
}

/// A file to download and its content type.
struct File {
    name: String,
    kind: &'static str,
    body: Vec<u8>,
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const CSV: &str = "text/csv; charset=utf-8";
const JSON: &str = "application/json";
const SVG: &str = "image/svg+xml";
const ZIP: &str = "application/zip";
const TOML: &str = "application/toml; charset=utf-8";
const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

fn respond(file: File) -> Response {
    (
        [
            (header::CONTENT_TYPE, file.kind.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", file.name),
            ),
        ],
        file.body,
    )
        .into_response()
}

fn link(label: &str, href: String) -> Value {
    json!({ "label": label, "href": href })
}

/// The scenario's downloads offered on page `active`.
pub fn scenario_links(opened: &Opened, active: &str, lang: Lang) -> Vec<Value> {
    let base = format!("/s/{}/download", opened.id);
    let mut links = vec![
        link("XLSX", format!("{base}/status.xlsx")),
        link("CSV", format!("{base}/status.csv")),
        link("JSON", format!("{base}/status.json")),
        link("SVG", format!("{base}/status.svg")),
        link(lang.word("scenario_zip"), format!("{base}/scenario.zip")),
    ];
    if active == "audit" {
        links = vec![
            link("XLSX", format!("{base}/audit.xlsx")),
            link("JSON", format!("{base}/audit.json")),
            link(lang.word("scenario_zip"), format!("{base}/scenario.zip")),
        ];
    }
    // The plan document (Kế hoạch, .docx) needs a plan: its page runs `draft-plan` as a job
    // and then offers the file.
    links.push(json!({
        "label": lang.word("docx"),
        "href": format!("/s/{}/draft-plan", opened.id),
        "page": true,
        "id": "download-docx",
    }));
    links
}

/// The downloads of a job's result.
pub fn job_links(job: &Job, _lang: Lang) -> Vec<Value> {
    let base = format!("/jobs/{}/download", job.id);
    let mut links = vec![link("JSON", format!("{base}/result.json"))];
    match job.kind {
        JobKind::Plan => {
            links.push(link("XLSX", format!("{base}/plan.xlsx")));
            links.push(link("DOCX (Kế hoạch)", format!("{base}/ke-hoach.docx")));
            for name in ["projects", "sources", "targets", "communes"] {
                links.push(link(&format!("CSV ({name})"), format!("{base}/{name}.csv")));
            }
            links.push(link("SVG", format!("{base}/spend.svg")));
        }
        JobKind::Compare => links.push(link("SVG", format!("{base}/compare.svg"))),
        JobKind::Targets => {
            links.push(link("TOML", format!("{base}/targets.toml")));
            links.push(link("XLSX", format!("{base}/targets.xlsx")));
        }
        JobKind::Sweep => {
            links.push(link("CSV", format!("{base}/sweep.csv")));
            links.push(link("SVG", format!("{base}/sweep.svg")));
        }
        JobKind::DraftPlan => {
            links.insert(0, link("DOCX (Kế hoạch)", format!("{base}/ke-hoach.docx")))
        }
    }
    links
}

fn not_found(what: &str) -> Error {
    Error::Unsupported {
        message: format!("no download `{what}`"),
        hint: "use a link from the Downloads list".into(),
    }
}

fn status_csv(opened: &Opened) -> Result<Vec<u8>> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let io = |e: csv::Error| Error::io(FsPath::new("status.csv"), std::io::Error::other(e));
    out.write_record([
        "id",
        "name",
        "district",
        "criteria_met",
        "band",
        "tier",
        "blocking",
    ])
    .map_err(io)?;
    for c in &opened.evaluation.per_commune {
        let blocking: Vec<String> = c.blocking.iter().map(|b| format!("c{b}")).collect();
        out.write_record([
            c.id.as_str(),
            c.name.as_str(),
            c.district.as_deref().unwrap_or(""),
            &c.criteria_met.to_string(),
            c.band.as_str(),
            c.tier.map_or("", |t| t.as_str()),
            &blocking.join(" "),
        ])
        .map_err(io)?;
    }
    out.into_inner().map_err(|e| {
        Error::io(
            FsPath::new("status.csv"),
            std::io::Error::other(e.to_string()),
        )
    })
}

fn json_bytes(value: &impl serde::Serialize) -> Result<Vec<u8>> {
    let mut text = serde_json::to_string_pretty(value).map_err(|e| Error::Solver(e.to_string()))?;
    text.push('\n');
    Ok(text.into_bytes())
}

/// The scenario file `name`.
fn scenario_download(opened: &Opened, name: &str) -> Result<File> {
    let s = &opened.scenario;
    let file = |kind, body| File {
        name: format!("{}-{name}", opened.id),
        kind,
        body,
    };
    Ok(match name {
        "status.xlsx" => file(
            XLSX,
            crate::xlsx::workbook_bytes(
                &crate::xlsx::evaluation_sheets(&opened.evaluation, s),
                FsPath::new(name),
            )?,
        ),
        "scenario.xlsx" => file(
            XLSX,
            crate::xlsx::workbook_bytes(&crate::xlsx::scenario_sheets(s), FsPath::new(name))?,
        ),
        "status.csv" => file(CSV, status_csv(opened)?),
        "status.json" => file(JSON, json_bytes(&opened.evaluation)?),
        "status.svg" => file(
            SVG,
            charts::status_chart(&opened.evaluation, s).into_bytes(),
        ),
        "status-bands.svg" => file(SVG, charts::band_chart(&opened.evaluation, s).into_bytes()),
        "status-criteria.svg" => file(
            SVG,
            charts::criteria_chart(&opened.evaluation, s).into_bytes(),
        ),
        "audit.json" => file(JSON, json_bytes(&crate::audit::audit(s))?),
        "audit.xlsx" => file(
            XLSX,
            crate::xlsx::workbook_bytes(
                &crate::report::audit_sheets(
                    &crate::audit::audit(s),
                    crate::number::NumberStyle::Vietnamese,
                ),
                FsPath::new(name),
            )?,
        ),
        "scenario.zip" => File {
            name: format!("{}.zip", opened.id),
            kind: ZIP,
            body: super::archive::folder_zip(&opened.dir, &opened.id)?,
        },
        _ => return Err(not_found(name)),
    })
}

/// A plan's tables as a workbook: one sheet per CSV table.
fn plan_workbook(plan: &crate::plan::Plan) -> Result<Vec<u8>> {
    use crate::xlsx::{CellValue, Column, ColumnKind, Sheet};
    let mut sheets = Vec::new();
    for (name, text) in crate::report::plan_csv(plan) {
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let headers: Vec<String> = reader
            .headers()
            .map(|h| h.iter().map(str::to_string).collect())
            .unwrap_or_default();
        let rows: Vec<Vec<CellValue>> = reader
            .records()
            .flatten()
            .map(|r| {
                r.iter()
                    .map(|cell| match cell.parse::<rust_decimal::Decimal>() {
                        Ok(d) => CellValue::Number(d),
                        Err(_) if cell.is_empty() => CellValue::Empty,
                        Err(_) => CellValue::Text(cell.to_string()),
                    })
                    .collect()
            })
            .collect();
        sheets.push(Sheet {
            name: name.trim_end_matches(".csv").to_string(),
            columns: headers
                .iter()
                .map(|h| Column::new(h, h, ColumnKind::Text))
                .collect(),
            rows,
        });
    }
    crate::xlsx::workbook_bytes(&sheets, FsPath::new("plan.xlsx"))
}

/// The plan document (`ntm draft-plan`) of a plan job, from the job's own plan.
fn plan_docx(job: &Job, plan: &crate::plan::Plan, opened: &Opened) -> Result<Vec<u8>> {
    let receipt = super::jobs::draft_receipt(opened, job.id);
    let options = crate::document::DraftPlanOptions::default();
    let document = crate::document::plan_document(&opened.scenario, plan, &options, &receipt)?;
    crate::document::docx_bytes(&document)
}

/// The job file `name`.
fn job_download(job: &Job, result: &JobResult, opened: &Opened, name: &str) -> Result<File> {
    let file = |kind, body| File {
        name: format!("{}-{}-{name}", job.scenario, job.id),
        kind,
        body,
    };
    if name == "result.json" {
        return Ok(file(JSON, json_bytes(&result.to_json())?));
    }
    Ok(match (result, name) {
        (JobResult::Plan(plan), "plan.xlsx") => file(XLSX, plan_workbook(plan)?),
        (JobResult::Plan(plan), "ke-hoach.docx") => file(DOCX, plan_docx(job, plan, opened)?),
        (JobResult::Plan(plan), "spend.svg") => file(
            SVG,
            charts::spend_chart(plan, &opened.scenario).into_bytes(),
        ),
        (JobResult::Plan(plan), csv_name) if csv_name.ends_with(".csv") => {
            let tables = crate::report::plan_csv(plan);
            let (_, text) = tables
                .into_iter()
                .find(|(n, _)| n == csv_name)
                .ok_or_else(|| not_found(name))?;
            file(CSV, text.into_bytes())
        }
        (JobResult::Compare(c), "compare.svg") => file(SVG, charts::compare_chart(c).into_bytes()),
        (JobResult::Targets(d), "targets.toml") => file(TOML, d.toml.clone().into_bytes()),
        (JobResult::Targets(d), "targets.xlsx") => file(
            XLSX,
            crate::xlsx::workbook_bytes(&[crate::xlsx::drafting_sheet(d)], FsPath::new(name))?,
        ),
        (JobResult::Sweep(s), "sweep.csv") => file(CSV, crate::report::sweep_csv(s).into_bytes()),
        (JobResult::Document(d), "ke-hoach.docx") => file(DOCX, crate::document::docx_bytes(d)?),
        (JobResult::Sweep(s), "sweep.svg") => file(SVG, charts::sweep_chart(s).into_bytes()),
        _ => return Err(not_found(name)),
    })
}

async fn scenario_file(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path((id, name)): Path<(String, String)>,
) -> Response {
    let lang = lang_of(&headers);
    match state
        .workspace
        .get(&id)
        .and_then(|o| scenario_download(&o, &name))
    {
        Ok(file) => respond(file),
        Err(error) => PageError { error, lang, state }.into_response(),
    }
}

async fn job_file(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path((job, name)): Path<(u64, String)>,
) -> Response {
    let lang = lang_of(&headers);
    let found = state.jobs.get(job).and_then(|j| j.result().map(|r| (j, r)));
    let result = match found {
        Some((job, result)) => state
            .workspace
            .get(&job.scenario)
            .and_then(|o| job_download(&job, &result, &o, &name)),
        None => Err(Error::Unsupported {
            message: format!("job {job} has no result"),
            hint: "run it again".into(),
        }),
    };
    match result {
        Ok(file) => respond(file),
        Err(error) => PageError { error, lang, state }.into_response(),
    }
}
