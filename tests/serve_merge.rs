//! HTTP tests of the workbench's "Sáp nhập" step (issue 21): upload a mapping for the open
//! scenario, see the merge report, continue with the merged scenario as a new workspace
//! scenario; a bad mapping shows its located error and creates nothing.
//!
//! The router is called in memory, as in tests/serve_http.rs. Expected values are worked out
//! by hand from scenarios/example-3-communes (communes.csv, projects.csv, scenario.toml).

mod common;

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use ntm::serve::{router, AppState, ServeOptions};
use tower::ServiceExt;

use common::repo;

struct App {
    router: axum::Router,
    state: Arc<AppState>,
    workspace: tempfile::TempDir,
}

struct Reply {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

impl Reply {
    fn location(&self) -> String {
        self.headers
            .get(header::LOCATION)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    }
}

/// The port the in-memory router serves (ServeOptions's default).
const HOST: &str = "127.0.0.1:8321";

/// an + binh → ab, chau kept (the acceptance mapping of issue 21), with Vietnamese headers.
const AB_MAPPING: &str =
    "mã xã cũ,mã xã mới,tên xã mới\nan,ab,Xã An Bình\nbinh,ab,Xã An Bình\nchau,chau,Xã Châu\n";

fn app() -> App {
    let workspace = tempfile::tempdir().unwrap();
    let options = ServeOptions {
        workspace: workspace.path().to_path_buf(),
        shipped: Some(repo().join("scenarios")),
        roots: Vec::new(),
        open_browser: false,
        workers: 1,
        max_time_limit: 60.0,
        ..ServeOptions::new()
    };
    let state = Arc::new(AppState::new(&options).unwrap());
    App {
        router: router(state.clone()),
        state,
        workspace,
    }
}

impl App {
    fn csrf(&self) -> String {
        self.state.guard.csrf_token().to_string()
    }

    /// As the planner's browser sends it: the served Host and the session cookie.
    async fn send(&self, mut request: Request<Body>) -> Reply {
        let headers = request.headers_mut();
        headers.insert(header::HOST, HOST.parse().unwrap());
        let cookie = format!(
            "ntm_token_8321={}",
            self.state.guard.session_token().unwrap_or("none")
        );
        headers.insert(header::COOKIE, cookie.parse().unwrap());
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).to_string(),
        }
    }

    async fn get(&self, uri: &str) -> Reply {
        self.send(Request::get(uri).body(Body::empty()).unwrap())
            .await
    }

    async fn post_form(&self, uri: &str, form: &str) -> Reply {
        self.send(
            Request::post(uri)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(form.to_string()))
                .unwrap(),
        )
        .await
    }

    /// The merge form as the page sends it: `csrf` first (when given), then the files.
    async fn upload(&self, uri: &str, csrf: Option<&str>, files: &[(&str, &str, &str)]) -> Reply {
        let boundary = "ntmmergeboundary41c9";
        let mut body = Vec::new();
        if let Some(token) = csrf {
            write!(
                body,
                "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{token}\r\n"
            )
            .unwrap();
        }
        for (field, file_name, text) in files {
            write!(
                body,
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{file_name}\"\r\nContent-Type: text/csv\r\n\r\n{text}\r\n"
            )
            .unwrap();
        }
        write!(body, "--{boundary}--\r\n").unwrap();
        self.send(
            Request::post(uri)
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }

    /// Opens a shipped scenario; returns its workspace id.
    async fn open(&self, name: &str) -> String {
        let reply = self
            .post_form("/open", &format!("csrf={}&shipped={name}", self.csrf()))
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
        reply
            .location()
            .strip_prefix("/s/")
            .and_then(|l| l.strip_suffix("/status"))
            .unwrap()
            .to_string()
    }

    /// Every entry of the workspace folder (scenarios and anything hidden).
    fn workspace_entries(&self) -> Vec<String> {
        entries(self.workspace.path())
    }
}

fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    v.sort();
    v
}

/// The `value` of the hidden input `name` in a page.
fn hidden(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} in {page}"))
        + marker.len();
    page[start..].split('"').next().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_and_binh_become_ab_the_report_shows_it_and_the_merged_scenario_opens() {
    let app = app();
    let id = app.open("example-3-communes").await;

    // The step is in the navigation and its form carries the CSRF token.
    let status = app.get(&format!("/s/{id}/status")).await;
    assert!(status
        .body
        .contains(&format!("href=\"/s/{id}/merge\" id=\"nav-merge\"")));
    assert!(status.body.contains(">Sáp nhập</a>"));
    let form = app.get(&format!("/s/{id}/merge")).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert_eq!(hidden(&form.body, "csrf"), app.csrf());
    assert!(form.body.contains("name=\"mapping\""));
    assert!(form.body.contains("name=\"province_mapping\""));
    assert!(!form.body.contains("id=\"merge-report\""));

    let reply = app
        .upload(
            &format!("/s/{id}/merge"),
            Some(&app.csrf()),
            &[("mapping", "bảng chuyển đổi.csv", AB_MAPPING)],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let page = &reply.body;
    assert!(page.contains("id=\"merge-report\""), "{page}");
    // Communes 3 → 2. At standard: only `an` meets all 19 criteria before (binh misses c10,
    // chau meets 12); ab meets 18 (all but c10) after, so none → 1 → 0.
    assert!(page.contains("id=\"merge-communes-before\">3<"), "{page}");
    assert!(page.contains("id=\"merge-communes-after\">2<"), "{page}");
    assert!(page.contains("id=\"merge-standard-before\">1<"), "{page}");
    assert!(page.contains("id=\"merge-standard-after\">0<"), "{page}");
    // ab: members an and binh, merged; 18 criteria; c10 lost (binh had not met it); c1 kept.
    let ab_start = page.find("id=\"merged-ab\"").unwrap();
    let ab = &page[ab_start..page[ab_start..].find("</article>").unwrap() + ab_start];
    assert!(ab.contains("sáp nhập · 18 tiêu chí đạt"), "{ab}");
    assert!(ab.contains("<code>an</code>") && ab.contains("<code>binh</code>"));
    assert!(ab.contains("class=\"lost\" data-criterion=\"10\""), "{ab}");
    assert!(!ab.contains("class=\"lost\" data-criterion=\"1\""), "{ab}");
    assert!(ab.contains("chưa đạt ở <code>binh</code>"), "{ab}");
    // Villages summed: an 5 + binh 4 = 9; at standard 5 + 3 = 8.
    assert!(
        ab.contains("<code>an 5, binh 4</code></td><td>tổng (sum)"),
        "{ab}"
    );
    assert!(ab.contains("<td class=\"num\">9</td>"), "{ab}");
    assert!(ab.contains("<td class=\"num\">8</td>"), "{ab}");
    // chau is kept as it is: no criteria table of its own.
    let chau = &page[page.find("id=\"merged-chau\"").unwrap()..];
    assert!(chau.contains("giữ nguyên hoặc đổi tên · 12 tiêu chí đạt"));
    // Province totals, Vietnamese numbers: villages 5 + 4 + 5 = 14; budgets 2024 1.500 + 600,
    // 2025 1.200,5 + 600; project cost 1.200 + 2.500 + 900 = 4.600. All the same after.
    let totals = &page[page.find("id=\"merge-totals\"").unwrap()..];
    for row in [
        "<td class=\"num\">14</td><td class=\"num\">14</td><td>khớp",
        "<td class=\"num\">2.100</td><td class=\"num\">2.100</td><td>khớp",
        "<td class=\"num\">1.800,5</td><td class=\"num\">1.800,5</td><td>khớp",
        "<td class=\"num\">4.600</td><td class=\"num\">4.600</td><td>khớp",
    ] {
        assert!(totals.contains(row), "{row} in {totals}");
    }
    assert!(!totals.contains("LỆCH"));
    // Targets counted in communes are out of 3 old communes: to be re-set among 2 new ones.
    let targets = &page[page.find("id=\"merge-targets\"").unwrap()..];
    assert!(
        targets.contains("<strong>phải đặt lại</strong>"),
        "{targets}"
    );
    // The rule's basis in Vietnamese first, its English beside (marked so).
    let rule = &page[page.find("id=\"merge-rule\"").unwrap()..];
    assert!(
        rule.contains("<td>giả định: chưa tìm thấy hướng dẫn về kết quả tiêu chí"),
        "{rule}"
    );
    assert!(rule.contains("<td lang=\"en\">assumption: no guidance found"));
    // The full text report, Vietnamese first.
    assert!(page.contains("Sáp nhập xã (commune merge): example-3-communes →"));

    // Nothing is created until the planner continues: one scenario and one pending merge.
    let pending = hidden(page, "pending");
    assert!(pending.starts_with(".merge-"), "{pending}");
    assert_eq!(app.workspace_entries(), vec![pending.clone(), id.clone()]);
    assert_eq!(app.state.workspace.saved(), vec![id.clone()]);

    let go = app
        .post_form(
            &format!("/s/{id}/merge/continue"),
            &format!("csrf={}&pending={pending}", app.csrf()),
        )
        .await;
    assert_eq!(go.status, StatusCode::SEE_OTHER, "{}", go.body);
    let new_status = go.location();
    assert_eq!(new_status, "/s/example-3-communes-sap-nhap-1/status");
    // The pending merge is gone; the new scenario is in the workspace with its report.
    assert_eq!(
        app.workspace_entries(),
        vec![id.clone(), "example-3-communes-sap-nhap-1".to_string()]
    );
    let new_dir = app.workspace.path().join("example-3-communes-sap-nhap-1");
    assert!(new_dir.join("merge-report.txt").is_file());
    // Its Status page: 2 communes, none at standard (ab misses c10).
    let page = app.get(&new_status).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body
            .contains("<span class=\"big\" id=\"count-communes\">2</span>"),
        "{}",
        page.body
    );
    assert!(page
        .body
        .contains("<span class=\"big\" id=\"count-standard\">0</span>"));
    assert_eq!(page.body.matches("<tr data-band=").count(), 2);
    // The synthetic banner is carried, Vietnamese first (synthetic_vi).
    assert!(
        page.body.contains("ví dụ bịa ra để minh họa định dạng tệp"),
        "{}",
        page.body
    );
    // The Plan page works on it too.
    let plan = app.get("/s/example-3-communes-sap-nhap-1/plan").await;
    assert_eq!(plan.status, StatusCode::OK, "{}", plan.body);
    // The same pending merge cannot be continued twice.
    let again = app
        .post_form(
            &format!("/s/{id}/merge/continue"),
            &format!("csrf={}&pending={pending}", app.csrf()),
        )
        .await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert!(again.body.contains("no longer pending"), "{}", again.body);
    assert_eq!(app.state.workspace.saved().len(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_mapping_shows_its_located_error_and_creates_nothing() {
    let app = app();
    let id = app.open("example-3-communes").await;
    let before = app.workspace_entries();
    let uri = format!("/s/{id}/merge");

    // An unknown commune: located in the uploaded file at its line, with a did-you-mean.
    let unknown =
        "old_id,new_id,new_name\nanh,ab,Xã An Bình\nbinh,ab,Xã An Bình\nchau,chau,Xã Châu\n";
    let reply = app
        .upload(&uri, Some(&app.csrf()), &[("mapping", "map.csv", unknown)])
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
    assert!(reply.body.contains("id=\"error\""));
    assert!(
        reply.body.contains("<code>map.csv, dòng 2</code>"),
        "{}",
        reply.body
    );
    assert!(
        reply.body.contains("unknown commune `anh`"),
        "{}",
        reply.body
    );
    assert!(reply.body.contains("did you mean `an`"), "{}", reply.body);

    // A commune left out: located in the scenario's communes.csv (chau is on line 4).
    let missing = "old_id,new_id,new_name\nan,ab,Xã An Bình\nbinh,ab,Xã An Bình\n";
    let reply = app
        .upload(&uri, Some(&app.csrf()), &[("mapping", "map.csv", missing)])
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(
        reply.body.contains("<code>communes.csv, dòng 4</code>"),
        "{}",
        reply.body
    );

    // A CSV that is not a mapping (the communes file itself): refused with the columns' hint.
    let communes =
        std::fs::read_to_string(repo().join("scenarios/example-3-communes/communes.csv")).unwrap();
    let reply = app
        .upload(
            &uri,
            Some(&app.csrf()),
            &[("mapping", "communes.csv", &communes)],
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(
        reply.body.contains("not a mapping: no column `old_id`"),
        "{}",
        reply.body
    );
    assert!(
        reply.body.contains("this looks like a communes file"),
        "{}",
        reply.body
    );

    // A split (one old commune into two new ones): refused, saying why and what to do.
    let split = format!("{AB_MAPPING}an,chau,Xã Châu\n");
    let reply = app
        .upload(&uri, Some(&app.csrf()), &[("mapping", "map.csv", &split)])
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(
        reply.body.contains("<code>map.csv, dòng 5</code>"),
        "{}",
        reply.body
    );
    assert!(reply.body.contains("splitting a commune is not supported"));
    assert!(reply.body.contains("cannot be divided by area"));

    // No file at all.
    let reply = app.upload(&uri, Some(&app.csrf()), &[]).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.body.contains("no commune mapping was uploaded"));

    // Without the form's CSRF token the guard refuses before anything is read.
    let reply = app
        .upload(&uri, None, &[("mapping", "map.csv", AB_MAPPING)])
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.body);

    // A forged pending id (climbing out, or another folder) is refused.
    for pending in ["..%2F..%2Fetc", ".merge-nothere", id.as_str()] {
        let reply = app
            .post_form(
                &format!("/s/{id}/merge/continue"),
                &format!("csrf={}&pending={pending}", app.csrf()),
            )
            .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{pending}");
        assert!(reply.body.contains("no longer pending"), "{}", reply.body);
    }

    // Nothing was created or left behind: the workspace holds the opened scenario only.
    assert_eq!(app.workspace_entries(), before);
    assert_eq!(app.state.workspace.saved(), vec![id]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pending_merge_belongs_to_its_scenario() {
    let app = app();
    let id = app.open("example-3-communes").await;
    let other = app.open("example-3-communes").await;
    let reply = app
        .upload(
            &format!("/s/{id}/merge"),
            Some(&app.csrf()),
            &[("mapping", "map.csv", AB_MAPPING)],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let first = hidden(&reply.body, "pending");
    // A second upload replaces the first pending merge of the scenario.
    let reply = app
        .upload(
            &format!("/s/{id}/merge"),
            Some(&app.csrf()),
            &[("mapping", "map.csv", AB_MAPPING)],
        )
        .await;
    let pending = hidden(&reply.body, "pending");
    assert_ne!(first, pending);
    assert!(!app.workspace.path().join(&first).exists());
    assert!(app.workspace.path().join(&pending).is_dir());
    // Continued from another scenario's address: refused, nothing created.
    let reply = app
        .post_form(
            &format!("/s/{other}/merge/continue"),
            &format!("csrf={}&pending={pending}", app.csrf()),
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
    assert_eq!(app.state.workspace.saved(), vec![id, other]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_province_mapping_and_a_rule_can_be_uploaded_beside_the_mapping() {
    let app = app();
    let id = app.open("example-3-communes").await;
    let provinces = "tỉnh cũ,tỉnh mới,căn cứ\nTỉnh Ví Dụ,Tỉnh Mới,invented for the test\n";
    // The default rule with villages re-assessed instead of summed.
    let rule = ntm::merge::rule::DEFAULT_TEXT.replace(
        "[villages]\ncombine = \"sum\"",
        "[villages]\ncombine = \"re-assess\"",
    );
    assert_ne!(rule, ntm::merge::rule::DEFAULT_TEXT);
    let reply = app
        .upload(
            &format!("/s/{id}/merge"),
            Some(&app.csrf()),
            &[
                ("mapping", "map.csv", AB_MAPPING),
                ("province_mapping", "provinces.csv", provinces),
                ("rule", "rule.toml", &rule),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let page = &reply.body;
    // The new scenario is in the new province.
    assert!(
        page.contains("<code>example-3-communes-sap-nhap</code> (Tỉnh Mới)"),
        "{page}"
    );
    // ab's villages are to re-assess by the uploaded rule: none summed.
    let ab_start = page.find("id=\"merged-ab\"").unwrap();
    let ab = &page[ab_start..page[ab_start..].find("</article>").unwrap() + ab_start];
    assert!(ab.contains("villages: quy tắc (rule): re-assess"), "{ab}");
    assert!(!ab.contains("<td class=\"num\">9</td>"), "{ab}");
    // Continue: the new scenario is created in the new province.
    let pending = hidden(page, "pending");
    let go = app
        .post_form(
            &format!("/s/{id}/merge/continue"),
            &format!("csrf={}&pending={pending}", app.csrf()),
        )
        .await;
    assert_eq!(go.status, StatusCode::SEE_OTHER, "{}", go.body);
    let status = app.get(&go.location()).await;
    assert!(
        status
            .body
            .contains("Tỉnh Mới · example-3-communes-sap-nhap"),
        "{}",
        status.body
    );

    // A bad rule is located in the uploaded rule file.
    let bad = ntm::merge::rule::DEFAULT_TEXT.replace("combine = \"sum\"", "combine = \"summ\"");
    let reply = app
        .upload(
            &format!("/s/{id}/merge"),
            Some(&app.csrf()),
            &[
                ("mapping", "map.csv", AB_MAPPING),
                ("rule", "rule.toml", &bad),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
    assert!(
        reply.body.contains("<code>rule.toml, dòng"),
        "{}",
        reply.body
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn continue_creates_only_the_merge_whose_report_was_shown() {
    let app = app();
    let id = app.open("example-3-communes").await;
    let reply = app
        .upload(
            &format!("/s/{id}/merge"),
            Some(&app.csrf()),
            &[("mapping", "map.csv", AB_MAPPING)],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let pending = hidden(&reply.body, "pending");
    // The planner edits the scenario on the Plan page meanwhile: 2024 central budget 1.500 → 1.000.
    let edits: ntm::serve::workspace::Edits = serde_json::from_value(serde_json::json!({
        "budgets": [{"source": "central-investment", "year": 2024, "amount": "1000"}],
    }))
    .unwrap();
    app.state.workspace.edit(&id, &edits).unwrap();
    let reply = app
        .post_form(
            &format!("/s/{id}/merge/continue"),
            &format!("csrf={}&pending={pending}", app.csrf()),
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
    assert!(reply
        .body
        .contains("the scenario changed after this merge report was shown"));
    assert_eq!(app.state.workspace.saved(), vec![id.clone()]);
    assert_eq!(app.workspace_entries(), vec![id]);
}
