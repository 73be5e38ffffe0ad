//! The JSON API: the same values the CLI's `--json` prints, described in `/api/openapi.json`.
//! Errors are `{"error": {"message", "hint", "problems"}}` with a 4xx/5xx status.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Multipart, Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use super::jobs::{JobKind, JobRequest, JobState};
use super::view::{api_bad_request, ApiError};
use super::workspace::{Edits, Opened};
use super::AppState;

type St = State<Arc<AppState>>;

/// The API routes.
pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/api/openapi.json", get(openapi))
        .route("/api/scenarios", get(list).post(open))
        .route("/api/scenarios/upload", post(upload))
        .route("/api/s/{id}", get(check))
        .route("/api/s/{id}/evaluate", get(evaluate))
        .route("/api/s/{id}/audit", get(audit))
        .route("/api/s/{id}/edits", post(edit))
        .route("/api/s/{id}/allocate", get(allocate))
        .route("/api/s/{id}/jobs", post(submit))
        .route("/api/s/{id}/{kind}", post(run_and_wait))
        .route("/api/jobs/{job}", get(job))
        .route("/api/jobs/{job}/cancel", post(cancel))
}

async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        include_str!("assets/openapi.json"),
    )
        .into_response()
}

/// Parses a JSON body; an empty body is `{}`.
fn body<T: DeserializeOwned>(bytes: &Bytes) -> Result<T, ApiError> {
    let text: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        bytes
    };
    serde_json::from_slice(text).map_err(|e| {
        api_bad_request(
            format!("the request body is not valid: {e}"),
            "see /api/openapi.json",
        )
    })
}

/// What `ntm check --json` prints, plus the workspace id.
fn summary(o: &Opened) -> Value {
    let s = &o.scenario;
    json!({
        "id": o.id,
        "ok": true,
        "scenario": s.name,
        "communes": s.communes.len(),
        "projects": s.projects.len(),
        "capital_sources": s.capital_sources.len(),
        "targets": s.targets.len(),
        "synthetic": s.synthetic,
    })
}

async fn list(State(state): St) -> Json<Value> {
    Json(json!({
        "shipped": state.workspace.shipped(),
        "workspace": state.workspace.saved(),
    }))
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct OpenRequest {
    shipped: Option<String>,
    folder: Option<String>,
}

async fn open(State(state): St, bytes: Bytes) -> Result<Response, ApiError> {
    let request: OpenRequest = body(&bytes)?;
    let opened = match (request.shipped, request.folder) {
        (Some(name), None) => state.workspace.open_shipped(&name)?,
        (None, Some(folder)) => state.workspace.open_folder(&folder)?,
        _ => {
            return Err(api_bad_request(
                "give exactly one of `shipped` and `folder`",
                "e.g. {\"shipped\": \"lai-chau-2023\"}",
            ))
        }
    };
    Ok((StatusCode::CREATED, Json(summary(&opened))).into_response())
}

async fn upload(State(state): St, multipart: Multipart) -> Result<Response, ApiError> {
    let upload = super::pages::read_upload(multipart).await?;
    let opened = super::pages::open_upload(&state, &upload)?;
    Ok((StatusCode::CREATED, Json(summary(&opened))).into_response())
}

async fn check(State(state): St, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let opened = state.workspace.get(&id)?;
    Ok(Json(summary(&opened)))
}

async fn evaluate(State(state): St, Path(id): Path<String>) -> Result<Response, ApiError> {
    let opened = state.workspace.get(&id)?;
    Ok(Json(&opened.evaluation).into_response())
}

async fn audit(State(state): St, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let opened = state.workspace.get(&id)?;
    Ok(Json(json!(crate::audit::audit(&opened.scenario))))
}

#[derive(serde::Deserialize)]
struct RuleQuery {
    rule: String,
}

/// `ntm allocate --json`: {"allocation", "simulation"}.
async fn allocate(
    State(state): St,
    Path(id): Path<String>,
    axum::extract::Query(q): axum::extract::Query<RuleQuery>,
) -> Result<Json<Value>, ApiError> {
    let opened = state.workspace.get(&id)?;
    Ok(Json(super::pages::allocation(&opened, &q.rule)?))
}

async fn edit(
    State(state): St,
    Path(id): Path<String>,
    bytes: Bytes,
) -> Result<Json<Value>, ApiError> {
    let edits: Edits = body(&bytes)?;
    let opened = state.workspace.edit(&id, &edits)?;
    Ok(Json(summary(&opened)))
}

async fn submit(
    State(state): St,
    Path(id): Path<String>,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let request: JobRequest = body(&bytes)?;
    let opened = state.workspace.get(&id)?;
    let job = state.jobs.submit(opened, &request)?;
    Ok((StatusCode::ACCEPTED, Json(job.view(false))).into_response())
}

/// Runs plan, compare, targets or sweep and answers with its result, as the CLI's `--json`.
async fn run_and_wait(
    State(state): St,
    Path((id, kind)): Path<(String, String)>,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let kind = match kind.as_str() {
        "plan" => JobKind::Plan,
        "compare" => JobKind::Compare,
        "targets" => JobKind::Targets,
        "sweep" => JobKind::Sweep,
        other => {
            return Err(api_bad_request(
                format!("no action `{other}`"),
                "use plan, compare, targets or sweep",
            ))
        }
    };
    let mut value: Value = body(&bytes)?;
    match &mut value {
        Value::Object(map) => {
            map.insert("kind".into(), json!(kind));
        }
        _ => {
            return Err(api_bad_request(
                "the request body must be an object",
                "e.g. {}",
            ))
        }
    }
    let request: JobRequest = serde_json::from_value(value).map_err(|e| {
        api_bad_request(
            format!("the request body is not valid: {e}"),
            "see /api/openapi.json",
        )
    })?;
    let opened = state.workspace.get(&id)?;
    let job = state.jobs.run_to_end(opened, &request).await?;
    let view = job.view(true);
    match (view.state, view.result) {
        (JobState::Done, Some(result)) => Ok(Json(result).into_response()),
        _ => Err(ApiError(crate::error::Error::Unsupported {
            message: view
                .error
                .unwrap_or_else(|| "the job did not finish".into()),
            hint: view.hint.unwrap_or_default(),
        })),
    }
}

fn no_job(job: u64) -> ApiError {
    ApiError(crate::error::Error::Io {
        path: format!("job {job}").into(),
        source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such job"),
    })
}

async fn job(State(state): St, Path(job): Path<u64>) -> Result<Json<Value>, ApiError> {
    let found = state.jobs.get(job).ok_or_else(|| no_job(job))?;
    Ok(Json(json!(found.view(true))))
}

async fn cancel(State(state): St, Path(job): Path<u64>) -> Result<Json<Value>, ApiError> {
    if !state.jobs.cancel(job) {
        return Err(no_job(job));
    }
    let found = state.jobs.get(job).ok_or_else(|| no_job(job))?;
    Ok(Json(json!(found.view(false))))
}
