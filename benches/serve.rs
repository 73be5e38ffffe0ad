//! `ntm serve` benches on Lai Châu 2023 (94 communes, 1,019 projects):
//! - `status_page`: GET of the Status page through the router once the scenario is loaded
//!   (goal ≤ 100 ms);
//! - `plan/direct` and `plan/api`: the library's `plan` against `POST /api/s/{id}/plan`
//!   (job queue, worker thread, JSON answer); goal: the API costs ≤ 1.1× the direct call.
//!
//! Run with `cargo bench --bench serve -- --sample-size 10`.

use std::path::PathBuf;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use criterion::{criterion_group, criterion_main, Criterion};
use http_body_util::BodyExt;
use ntm::scenario::Scenario;
use ntm::serve::{router, AppState, ServeOptions};
use tower::ServiceExt;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The router with Lai Châu opened (and loaded); returns it with the scenario's id and the
/// session token (sent as a bearer token: it passes the session and CSRF checks).
fn app(
    rt: &tokio::runtime::Runtime,
    workspace: &std::path::Path,
) -> (axum::Router, String, String) {
    let options = ServeOptions {
        workspace: workspace.to_path_buf(),
        shipped: Some(repo().join("scenarios")),
        open_browser: false,
        ..ServeOptions::new()
    };
    let state = Arc::new(AppState::new(&options).unwrap());
    let token = state.guard.session_token().unwrap().to_string();
    let app = router(state);
    let (status, _) = rt.block_on(call(
        &app,
        &token,
        post("/api/scenarios", r#"{"shipped": "lai-chau-2023"}"#),
    ));
    assert_eq!(status, StatusCode::CREATED);
    (app, "lai-chau-2023-1".to_string(), token)
}

fn post(uri: &str, body: &str) -> Request<Body> {
    Request::post(uri)
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

/// Sends `request` as from the served address (Host 127.0.0.1:8321) with the bearer token.
async fn call(
    app: &axum::Router,
    token: &str,
    mut request: Request<Body>,
) -> (StatusCode, Vec<u8>) {
    let headers = request.headers_mut();
    headers.insert("host", "127.0.0.1:8321".parse().unwrap());
    headers.insert("authorization", format!("Bearer {token}").parse().unwrap());
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let body = response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    (status, body)
}

fn status_page(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let workspace = tempfile::tempdir().unwrap();
    let (app, id, token) = app(&rt, workspace.path());
    let uri = format!("/s/{id}/status");
    c.bench_function("status_page", |b| {
        b.iter(|| {
            let (status, body) = rt.block_on(call(
                &app,
                &token,
                Request::get(&uri).body(Body::empty()).unwrap(),
            ));
            assert_eq!(status, StatusCode::OK);
            body
        })
    });
}

fn plan(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let workspace = tempfile::tempdir().unwrap();
    let (app, id, token) = app(&rt, workspace.path());
    let scenario = Scenario::load(&repo().join("scenarios/lai-chau-2023")).unwrap();
    let options = ntm::plan::PlanOptions::default();
    let mut group = c.benchmark_group("plan");
    group.sample_size(10);
    group.bench_function("direct", |b| {
        b.iter(|| ntm::plan::plan(&scenario, &options).unwrap())
    });
    let uri = format!("/api/s/{id}/plan");
    group.bench_function("api", |b| {
        b.iter(|| {
            let (status, body) = rt.block_on(call(&app, &token, post(&uri, "{}")));
            assert_eq!(status, StatusCode::OK);
            body
        })
    });
    group.finish();
}

criterion_group!(benches, status_page, plan);
criterion_main!(benches);
