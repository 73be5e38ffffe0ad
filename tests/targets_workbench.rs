//! The workbench Targets page on the QĐ 51 example: the drafted targets carry a "Nhóm xã"
//! column (whose communes each target counts), and the drafted targets download as a workbook
//! with the same column. Values worked out by hand in tests/targets_by_group.rs (budget 2.500:
//! every project, each group's one commune at standard, 0 → 1 of 1).

mod common;

use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use ntm::serve::{router, AppState, ServeOptions};
use serde_json::Value;
use tower::ServiceExt;

struct App {
    router: axum::Router,
    state: Arc<AppState>,
    _workspace: tempfile::TempDir,
}

impl App {
    fn new() -> App {
        let workspace = tempfile::tempdir().unwrap();
        let options = ServeOptions {
            workspace: workspace.path().to_path_buf(),
            shipped: Some(common::repo().join("scenarios")),
            roots: vec![common::repo().join("tests/fixtures")],
            open_browser: false,
            workers: 1,
            max_time_limit: 60.0,
            ..ServeOptions::new()
        };
        let state = Arc::new(AppState::new(&options).unwrap());
        App {
            router: router(state.clone()),
            state,
            _workspace: workspace,
        }
    }

    async fn send(&self, mut request: Request<Body>, lang: &str) -> (StatusCode, String, Vec<u8>) {
        let headers = request.headers_mut();
        headers.insert(header::HOST, "127.0.0.1:8321".parse().unwrap());
        let cookie = format!(
            "ntm_token_8321={}; ntm_lang={lang}",
            self.state.guard.session_token().unwrap_or("none")
        );
        headers.insert(header::COOKIE, cookie.parse().unwrap());
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let location = response
            .headers()
            .get(header::LOCATION)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        (status, location, body.to_vec())
    }

    async fn get(&self, uri: &str, lang: &str) -> (StatusCode, Vec<u8>) {
        let (status, _, body) = self
            .send(Request::get(uri).body(Body::empty()).unwrap(), lang)
            .await;
        (status, body)
    }

    async fn post(
        &self,
        uri: &str,
        content_type: &str,
        body: String,
    ) -> (StatusCode, String, Vec<u8>) {
        let request = Request::post(uri)
            .header(header::CONTENT_TYPE, content_type)
            .header("x-ntm-csrf", self.state.guard.csrf_token())
            .body(Body::from(body))
            .unwrap();
        self.send(request, "vi").await
    }
}

fn text(body: &[u8]) -> String {
    String::from_utf8_lossy(body).to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_targets_page_and_its_workbook_show_the_commune_group_of_each_target() {
    let app = App::new();
    let form = format!(
        "csrf={}&shipped=example-qd51-2025",
        app.state.guard.csrf_token()
    );
    let (status, location, body) = app
        .post("/open", "application/x-www-form-urlencoded", form)
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{}", text(&body));
    let id = location
        .strip_prefix("/s/")
        .and_then(|l| l.strip_suffix("/status"))
        .unwrap()
        .to_string();
    let (status, _, body) = app
        .post(
            &format!("/api/s/{id}/jobs"),
            "application/json",
            r#"{"kind": "targets"}"#.into(),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{}", text(&body));
    let job = serde_json::from_slice::<Value>(&body).unwrap()["id"]
        .as_u64()
        .unwrap();
    let mut view = Value::Null;
    for _ in 0..2000 {
        let (_, body) = app.get(&format!("/api/jobs/{job}"), "vi").await;
        view = serde_json::from_slice(&body).unwrap();
        if view["state"] != "queued" && view["state"] != "running" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(view["state"], "done", "{view}");

    // Vietnamese page: the column and a group row ("nhóm 3", 0 → 1).
    let (status, body) = app.get(&format!("/jobs/{job}/view"), "vi").await;
    assert_eq!(status, StatusCode::OK);
    let page = text(&body);
    assert!(page.contains("<th>Nhóm xã</th>"), "{page}");
    assert!(page.contains("<td>toàn tỉnh</td>"), "{page}");
    assert!(
        page.contains("<td>nhóm 3</td><td class=\"num\">0</td><td class=\"num\">1</td>"),
        "{page}"
    );
    // English page: the same rows in English.
    let (_, body) = app.get(&format!("/jobs/{job}/view"), "en").await;
    let page = text(&body);
    assert!(page.contains("<th>Commune group</th>"), "{page}");
    assert!(page.contains("<td>group 2</td>"), "{page}");
    assert!(page.contains("<td>province-wide</td>"), "{page}");

    // The drafted targets as a workbook.
    let (status, body) = app
        .get(&format!("/jobs/{job}/download/targets.xlsx"), "vi")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(&body[..2], b"PK");
}
