//! Rendering: the embedded templates, the context every page shares, and errors as pages or JSON
//! (never a panic or a stack trace).

use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use serde_json::{json, Value};

use super::i18n::Lang;
use super::workspace::Opened;
use super::AppState;
use crate::error::Error;

/// The templates, compiled into the binary.
const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("assets/base.html")),
    ("home.html", include_str!("assets/home.html")),
    ("status.html", include_str!("assets/status.html")),
    ("plan.html", include_str!("assets/plan.html")),
    ("plan_result.html", include_str!("assets/plan_result.html")),
    ("rules.html", include_str!("assets/rules.html")),
    (
        "rules_result.html",
        include_str!("assets/rules_result.html"),
    ),
    ("targets.html", include_str!("assets/targets.html")),
    (
        "targets_result.html",
        include_str!("assets/targets_result.html"),
    ),
    ("sweep.html", include_str!("assets/sweep.html")),
    (
        "sweep_result.html",
        include_str!("assets/sweep_result.html"),
    ),
    ("draft_plan.html", include_str!("assets/draft_plan.html")),
    (
        "draft_plan_result.html",
        include_str!("assets/draft_plan_result.html"),
    ),
    ("audit.html", include_str!("assets/audit.html")),
    ("error.html", include_str!("assets/error.html")),
    (
        "job_controls.html",
        include_str!("assets/job_controls.html"),
    ),
    (
        "result_downloads.html",
        include_str!("assets/result_downloads.html"),
    ),
    ("merge.html", include_str!("assets/merge.html")),
];

/// The template environment (HTML auto-escaped).
pub fn templates() -> minijinja::Environment<'static> {
    let mut env = minijinja::Environment::new();
    for (name, source) in TEMPLATES {
        // The templates are part of the binary and checked by the tests; a broken one is a bug
        // the first page render reports.
        if let Err(e) = env.add_template(name, source) {
            eprintln!("template {name}: {e}");
        }
    }
    env
}

/// Renders `name` with `context` plus what every page shares.
pub fn page(state: &AppState, name: &str, lang: Lang, mut context: Value) -> Response {
    if let Value::Object(map) = &mut context {
        map.insert("t".into(), json!(lang.words()));
        map.insert("lang".into(), json!(lang.code()));
        map.insert("other_lang".into(), json!(lang.other().code()));
        map.insert("csrf".into(), json!(state.guard.csrf_token()));
    }
    match state
        .templates
        .get_template(name)
        .and_then(|t| t.render(&context))
    {
        Ok(html) => Html(html).into_response(),
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            Html(format!(
                "<!doctype html><meta charset=utf-8><title>ntm</title><h1>Template error</h1><p>{}</p>",
                escape(&e.to_string())
            )),
        )
            .into_response(),
    }
}

/// What a page about an opened scenario shows in its header.
pub fn scenario_context(opened: &Opened, active: &str, lang: Lang) -> Value {
    let s = &opened.scenario;
    json!({
        "id": opened.id,
        "name": s.name,
        "province": s.province,
        // Vietnamese first: the scenario's `synthetic_vi`, else its English note marked so.
        "synthetic": match (lang, &s.synthetic_vi, &s.synthetic) {
            (Lang::Vi, Some(vi), _) => Some(vi.clone()),
            (Lang::Vi, None, Some(en)) => Some(format!("{en} {}", lang.word("english_only"))),
            (_, _, en) => en.clone(),
        },
        "active": active,
        "years": s.years,
        "downloads": super::downloads::scenario_links(opened, active, lang),
    })
}

/// `text` safe inside HTML (`&`, `<`, `>`).
pub(super) fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// HTTP status for an error: bad input is the client's, the rest the server's.
fn status_of(e: &Error) -> StatusCode {
    match e {
        Error::Invalid(_) | Error::Unsupported { .. } => StatusCode::BAD_REQUEST,
        Error::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
            StatusCode::NOT_FOUND
        }
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// An error shown as a page.
pub struct PageError {
    /// What went wrong.
    pub error: Error,
    /// Page language.
    pub lang: Lang,
    /// Templates.
    pub state: std::sync::Arc<AppState>,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let problems: Vec<Value> = match &self.error {
            Error::Invalid(list) => list
                .iter()
                .map(|d| {
                    json!({
                        "file": d.file.file_name().map(|f| f.to_string_lossy().to_string()).unwrap_or_default(),
                        "line": d.line,
                        "message": d.message,
                        "hint": d.hint,
                    })
                })
                .collect(),
            _ => Vec::new(),
        };
        let (message, hint) = super::error_text(&self.error);
        let mut response = page(
            &self.state,
            "error.html",
            self.lang,
            json!({
                "explanation": self.lang.error_kind(&self.error),
                "message": message,
                "hint": hint,
                "problems": problems,
            }),
        );
        *response.status_mut() = status_of(&self.error);
        response
    }
}

/// An error as the API's JSON: `{"error": {"message", "message_vi", "hint", "problems"}}`, with
/// `message_vi` the Vietnamese line that says what kind of failure it is.
pub struct ApiError(pub Error);

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        ApiError(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (message, hint) = super::error_text(&self.0);
        let problems = match &self.0 {
            Error::Invalid(list) => json!(list),
            _ => json!([]),
        };
        (
            status_of(&self.0),
            axum::Json(json!({
                "error": {
                    "message": message,
                    "message_vi": Lang::Vi.error_kind(&self.0),
                    "hint": hint,
                    "problems": problems,
                }
            })),
        )
            .into_response()
    }
}

/// A request the API cannot read.
pub fn api_bad_request(message: impl Into<String>, hint: &str) -> ApiError {
    ApiError(Error::Unsupported {
        message: message.into(),
        hint: hint.to_string(),
    })
}

/// The answer to a panic: a plain error page, no stack trace.
pub fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        "<!doctype html><meta charset=utf-8><title>ntm</title><h1>Lỗi nội bộ / Internal error</h1><p>The workbench hit a bug; nothing was written. Please report what you did.</p>",
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `t.word` a template uses has a Vietnamese and an English text.
    #[test]
    fn every_word_the_templates_use_exists() {
        for (name, source) in TEMPLATES {
            let bytes = source.as_bytes();
            for (at, _) in source.match_indices("t.") {
                let before = if at == 0 { b' ' } else { bytes[at - 1] };
                if !matches!(before, b' ' | b'{' | b'(' | b'>') {
                    continue;
                }
                let word: String = source[at + 2..]
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                    .collect();
                if word.is_empty() {
                    continue;
                }
                assert_ne!(Lang::Vi.word(&word), "?", "{name}: t.{word}");
            }
        }
    }

    #[test]
    fn every_template_compiles() {
        let env = templates();
        for (name, _) in TEMPLATES {
            assert!(env.get_template(name).is_ok(), "{name}");
        }
    }
}
