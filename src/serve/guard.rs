//! Who may talk to the workbench (bảo vệ bàn làm việc): the checks every request passes before
//! a page or the API sees it, and the headers every answer carries.
//!
//! Listening on 127.0.0.1 keeps other computers out, not other web pages in the planner's own
//! browser. So, as Jupyter does:
//! - **Host check.** Only the address served (`127.0.0.1:PORT`, `localhost:PORT`, `[::1]:PORT`)
//!   or one given with `--allow-host` is answered; anything else gets 421. This closes DNS
//!   rebinding, where a foreign page's name resolves to 127.0.0.1 and reads every answer.
//! - **Session token** (mã truy cập). `ntm serve` prints its address with `?token=…`; the
//!   token is then kept in an HttpOnly, SameSite=Strict cookie named after the port. Without
//!   it every address answers 403. `--no-token` (kiosk use) turns this off.
//! - **Origin check and CSRF token** (mã chống giả mạo) on every request that changes state
//!   (any method but GET, HEAD and OPTIONS): a cross-origin `Origin` or `Referer` is refused,
//!   and the per-session CSRF token must come in the `x-ntm-csrf` header (the pages' script),
//!   in the form's hidden `csrf` field (forms work with JavaScript off), or the request must
//!   carry the session token as `Authorization: Bearer …` (a header no browser adds by itself).
//! - **Security headers** on every answer: a Content-Security-Policy without inline script,
//!   `frame-ancestors 'none'`, `X-Content-Type-Options: nosniff`, `Referrer-Policy: same-origin`.
//!
//! Tokens are 32 bytes from the operating system's CSPRNG, compared in constant time.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{FromRequest, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::TryRngCore;
use subtle::ConstantTimeEq;

use super::view::{escape, ApiError, PageError};
use super::{AppState, MAX_UPLOAD};
use crate::error::{Error, Result};

/// Name of the form field and of the header that carry the CSRF token.
pub const CSRF_FIELD: &str = "csrf";
/// Header the pages' script sends the CSRF token in.
pub const CSRF_HEADER: &str = "x-ntm-csrf";
/// Query parameter of the printed address that carries the session token.
pub const TOKEN_PARAM: &str = "token";
/// Largest url-encoded form body the guard reads to find the CSRF field (the Plan form of
/// the largest shipped scenario is a few KiB).
const MAX_FORM: usize = 1 << 20;

/// The Content-Security-Policy: only the binary's own script and style, nothing framed.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// The one sentence a request without the session token gets, Vietnamese first.
pub const NO_TOKEN_VI: &str = "Hãy mở lại đường dẫn mà ntm serve đã in ra (có mã truy cập).";
/// The same in English.
pub const NO_TOKEN_EN: &str =
    "Open again the link that ntm serve printed (it carries the access token).";

/// A random secret: 32 bytes from the operating system, written as 64 hex digits.
#[derive(Clone)]
struct Secret(String);

impl Secret {
    fn new() -> Result<Secret> {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng
            .try_fill_bytes(&mut bytes)
            .map_err(|e| Error::Unsupported {
                message: format!("the operating system gave no random bytes for the token: {e}"),
                hint: "start ntm serve again; --no-token skips the session token (kiosk use)"
                    .into(),
            })?;
        Ok(Secret(bytes.iter().map(|b| format!("{b:02x}")).collect()))
    }

    /// Constant time in the length of the secret (its length is no secret).
    fn matches(&self, offered: &str) -> bool {
        bool::from(self.0.as_bytes().ct_eq(offered.trim().as_bytes()))
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

/// The workbench's guard: which hosts it answers, its session and CSRF tokens.
#[derive(Debug)]
pub struct Guard {
    /// `Host` values answered, lower-case (`127.0.0.1:8321`, …).
    hosts: Vec<String>,
    /// Host names allowed on any port or none (`--allow-host name` without a port).
    names: Vec<String>,
    port: u16,
    session: Option<Secret>,
    csrf: Secret,
}

impl Guard {
    /// The guard for a server on `bind:port`. `allow` adds `Host` values (`name` or
    /// `name:port`); `token` false is `--no-token`. A non-loopback `bind` without a token is
    /// refused: anyone on the network could then edit the workspace.
    pub fn new(bind: &str, port: u16, allow: &[String], token: bool) -> Result<Guard> {
        check_bind(bind, token)?;
        let loopback = is_loopback(bind);
        let mut hosts = vec![
            format!("127.0.0.1:{port}"),
            format!("localhost:{port}"),
            format!("[::1]:{port}"),
        ];
        let bind = bind.trim().to_ascii_lowercase();
        if !loopback && !bind.is_empty() && bind != "0.0.0.0" && bind != "::" && bind != "[::]" {
            hosts.push(if bind.contains(':') && !bind.starts_with('[') {
                format!("[{bind}]:{port}")
            } else {
                format!("{bind}:{port}")
            });
        }
        let mut names = Vec::new();
        for value in allow {
            let value = value.trim().to_ascii_lowercase();
            if value.is_empty() {
                continue;
            }
            match split_port(&value) {
                (_, Some(_)) => hosts.push(value),
                (name, None) => names.push(name.to_string()),
            }
        }
        Ok(Guard {
            hosts,
            names,
            port,
            session: if token { Some(Secret::new()?) } else { None },
            csrf: Secret::new()?,
        })
    }

    /// The session token, `None` with `--no-token`.
    pub fn session_token(&self) -> Option<&str> {
        self.session.as_ref().map(|s| s.0.as_str())
    }

    /// The CSRF token the pages put in their forms and their script's header.
    pub fn csrf_token(&self) -> &str {
        &self.csrf.0
    }

    /// The cookie that keeps the session token: named after the port, since cookies are
    /// shared between the ports of one host.
    pub fn cookie_name(&self) -> String {
        format!("ntm_token_{}", self.port)
    }

    /// The address to print and open: `http://127.0.0.1:PORT/?token=…`.
    pub fn url(&self, base: &str) -> String {
        match self.session_token() {
            Some(token) => format!("{base}?{TOKEN_PARAM}={token}"),
            None => base.to_string(),
        }
    }

    /// Whether `host` (a `Host` header) is one this server answers.
    pub fn host_allowed(&self, host: &str) -> bool {
        let host = host.trim().to_ascii_lowercase();
        if self.hosts.contains(&host) {
            return true;
        }
        let (name, port) = split_port(&host);
        self.names.iter().any(|n| *n == name) && port.is_none_or(|p| p == self.port)
    }

    fn has_session(&self, headers: &HeaderMap) -> bool {
        let Some(session) = &self.session else {
            return true;
        };
        cookie(headers, &self.cookie_name()).is_some_and(|t| session.matches(t))
            || self.bearer(headers)
    }

    /// `Authorization: Bearer <session token>` (or Jupyter's `token <session token>`).
    fn bearer(&self, headers: &HeaderMap) -> bool {
        let Some(session) = &self.session else {
            return false;
        };
        headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("token "))
            })
            .is_some_and(|t| session.matches(t))
    }
}

/// Refuses to listen on a non-loopback address without the session token (`--host 0.0.0.0
/// --no-token`): anyone on the network could then open, edit and plan.
pub fn check_bind(bind: &str, token: bool) -> Result<()> {
    if token || is_loopback(bind) {
        return Ok(());
    }
    Err(Error::Unsupported {
        message: format!(
            "ntm serve không mở trên {bind} khi không có mã truy cập / ntm serve will not listen on {bind} without the access token"
        ),
        hint: "drop --no-token (the printed link carries the token), or listen on 127.0.0.1"
            .into(),
    })
}

/// A page, in a file only this user may read, that moves the browser on to `url` (the printed
/// link with its token): the browser is opened on this file so the token is not on its
/// command line. Removed when the returned handle is dropped.
pub fn redirect_file(url: &str) -> std::io::Result<tempfile::NamedTempFile> {
    let mut file = tempfile::Builder::new()
        .prefix("ntm-serve-")
        .suffix(".html")
        .tempfile()?;
    let target = escape(url).replace('"', "&quot;");
    std::io::Write::write_all(
        &mut file,
        format!(
            "<!doctype html><html><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"0; url={target}\"><title>ntm serve</title><p><a href=\"{target}\">ntm serve</a></p></html>"
        )
        .as_bytes(),
    )?;
    Ok(file)
}

/// Whether `bind` is a loopback address (127.0.0.0/8, ::1, localhost).
pub fn is_loopback(bind: &str) -> bool {
    let bind = bind.trim().trim_start_matches('[').trim_end_matches(']');
    bind.eq_ignore_ascii_case("localhost")
        || bind
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// `name:port` → (`name`, port); `[::1]:80` → (`[::1]`, 80); a bare name has no port.
fn split_port(host: &str) -> (&str, Option<u16>) {
    match host.rsplit_once(':') {
        Some((name, port)) if !name.is_empty() && (!name.contains(':') || name.ends_with(']')) => {
            match port.parse::<u16>() {
                Ok(p) => (name, Some(p)),
                Err(_) => (host, None),
            }
        }
        _ => (host, None),
    }
}

/// The value of cookie `name` (the last one sent).
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .filter(|(k, _)| *k == name)
        .map(|(_, v)| v)
        .next_back()
}

/// The origin (`scheme://host[:port]`) of a URL, lower-case.
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    Some(format!("{}://{}", scheme, authority).to_ascii_lowercase())
}

/// Whether the request's `Origin` (or, without one, its `Referer`) is this server's own.
/// A request with neither (curl, some privacy settings) passes this check; the CSRF token
/// still stands in its way.
fn same_origin(headers: &HeaderMap, host: &str) -> bool {
    let own = |origin: &str| {
        let host = host.to_ascii_lowercase();
        origin == format!("http://{host}") || origin == format!("https://{host}")
    };
    if let Some(origin) = headers.get(header::ORIGIN) {
        return origin
            .to_str()
            .ok()
            .and_then(origin_of)
            .is_some_and(|o| own(&o));
    }
    match headers.get(header::REFERER) {
        Some(referer) => referer
            .to_str()
            .ok()
            .and_then(origin_of)
            .is_some_and(|o| own(&o)),
        None => true,
    }
}

/// A refusal: one line in both languages, as a small page or, under `/api/`, the API's JSON.
/// It never carries the CSRF token.
fn refuse(status: StatusCode, api: bool, vi: &str, en: &str) -> Response {
    let response = if api {
        (
            status,
            axum::Json(serde_json::json!({
                "error": { "message": format!("{vi} / {en}"), "hint": null, "problems": [] }
            })),
        )
            .into_response()
    } else {
        let html = format!(
            "<!doctype html><html lang=\"vi\"><meta charset=\"utf-8\"><title>ntm</title><link rel=\"stylesheet\" href=\"/assets/app.css\"><main><section class=\"error\" id=\"error\"><h1>{} · {}</h1><p class=\"message\" lang=\"vi\">{}</p><p class=\"message\" lang=\"en\">{}</p></section></main></html>",
            status.as_u16(),
            status.canonical_reason().unwrap_or(""),
            escape(vi),
            escape(en),
        );
        (
            status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            html,
        )
            .into_response()
    };
    secured(response)
}

/// Adds the security headers to an answer.
fn secured(mut response: Response) -> Response {
    let headers = response.headers_mut();
    for (name, value) in [
        ("content-security-policy", CONTENT_SECURITY_POLICY),
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "same-origin"),
        ("cross-origin-resource-policy", "same-origin"),
        ("cross-origin-opener-policy", "same-origin"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

/// The middleware: Host, session, Origin and CSRF checks, then the security headers.
pub async fn check(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let guard = &state.guard;
    let api = request.uri().path().starts_with("/api/");
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_string)
        .or_else(|| request.uri().authority().map(|a| a.to_string()))
        .unwrap_or_default();
    if !guard.host_allowed(&host) {
        let shown: String = host.chars().filter(|c| !c.is_control()).take(80).collect();
        return refuse(
            StatusCode::MISDIRECTED_REQUEST,
            api,
            &format!(
                "ntm serve chỉ trả lời địa chỉ của chính nó ({}), không trả lời `{shown}`; thêm tên khác bằng --allow-host.",
                guard.hosts.join(", ")
            ),
            &format!(
                "ntm serve answers only its own address ({}), not `{shown}`; add other names with --allow-host.",
                guard.hosts.join(", ")
            ),
        );
    }
    // The printed link: keep its token in the cookie and go on to the address without it. The
    // page moves on itself (a refresh, not a 303): a link opened from another site (mail,
    // chat) starts a cross-site navigation, and a browser sends no SameSite=Strict cookie
    // along a redirect chain that started cross-site, but does from the workbench's own page.
    let offered = match (&guard.session, request.method()) {
        (Some(session), &Method::GET | &Method::HEAD) => {
            query_token(request.uri().query()).map(|t| (session, t))
        }
        _ => None,
    };
    if let Some((session, offered)) = offered {
        if !session.matches(&offered) {
            return refuse(StatusCode::FORBIDDEN, api, NO_TOKEN_VI, NO_TOKEN_EN);
        }
        let path = request.uri().path();
        let path = if path.starts_with("//") { "/" } else { path };
        let rest: Vec<&str> = request
            .uri()
            .query()
            .unwrap_or_default()
            .split('&')
            .filter(|p| !p.is_empty() && query_token(Some(p)).is_none())
            .collect();
        let location = if rest.is_empty() {
            path.to_string()
        } else {
            format!("{path}?{}", rest.join("&"))
        };
        let cookie = format!(
            "{}={}; Path=/; HttpOnly; SameSite=Strict",
            guard.cookie_name(),
            session.0
        );
        let target = escape(&location).replace('"', "&quot;");
        let html = format!(
            "<!doctype html><html lang=\"vi\"><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"0; url={target}\"><title>ntm</title><p id=\"continue\"><a href=\"{target}\">Tiếp tục / Continue</a></p></html>"
        );
        return secured(
            (
                StatusCode::OK,
                [
                    (header::SET_COOKIE, cookie),
                    (header::CACHE_CONTROL, "no-store".to_string()),
                    (header::CONTENT_TYPE, "text/html; charset=utf-8".to_string()),
                ],
                html,
            )
                .into_response(),
        );
    }
    if !guard.has_session(request.headers()) {
        return refuse(StatusCode::FORBIDDEN, api, NO_TOKEN_VI, NO_TOKEN_EN);
    }
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return secured(next.run(request).await);
    }
    // A request that changes state: same origin, and the CSRF token.
    if !same_origin(request.headers(), &host) {
        return refuse(
            StatusCode::FORBIDDEN,
            api,
            "Yêu cầu từ trang web khác bị từ chối: chỉ các trang của ntm serve mới được thay đổi dữ liệu.",
            "A request from another web site is refused: only ntm serve's own pages may change data.",
        );
    }
    let headers = request.headers();
    let in_header = headers
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| guard.csrf.matches(t));
    if in_header || guard.bearer(headers) {
        return secured(next.run(request).await);
    }
    match form_with_token(&state, request).await {
        Ok(request) => secured(next.run(request).await),
        Err(response) => secured(response),
    }
}

fn refuse_csrf(api: bool) -> Response {
    refuse(
        StatusCode::FORBIDDEN,
        api,
        "Mã chống giả mạo của biểu mẫu thiếu hoặc đã cũ: tải lại trang rồi gửi lại.",
        "The form's security token is missing or stale: reload the page and send it again.",
    )
}

/// Reads a form (url-encoded, or multipart up to [`MAX_UPLOAD`]), checks its `csrf` field and
/// gives the request back whole for its handler. Any other body without the header is refused.
async fn form_with_token(
    state: &Arc<AppState>,
    request: Request,
) -> std::result::Result<Request, Response> {
    let api = request.uri().path().starts_with("/api/");
    let kind = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let multipart = kind.starts_with("multipart/form-data");
    if !multipart && !kind.starts_with("application/x-www-form-urlencoded") {
        return Err(refuse_csrf(api));
    }
    let (parts, body) = request.into_parts();
    let limit = if multipart { MAX_UPLOAD } else { MAX_FORM };
    let Ok(bytes) = axum::body::to_bytes(body, limit).await else {
        // The same answer the upload's handler gives for a body over the limit.
        let error = super::pages::too_big();
        return Err(if api {
            ApiError(error).into_response()
        } else {
            PageError {
                error,
                lang: super::lang_of(&parts.headers),
                state: state.clone(),
            }
            .into_response()
        });
    };
    let probe = Request::from_parts(parts.clone(), Body::from(bytes.clone()));
    let shown = if multipart {
        multipart_token(probe).await
    } else {
        axum::Form::<Vec<(String, String)>>::from_request(probe, &())
            .await
            .ok()
            .and_then(|f| f.0.into_iter().find(|(k, _)| k == CSRF_FIELD))
            .map(|(_, v)| v)
    };
    if !shown.is_some_and(|t| state.guard.csrf.matches(&t)) {
        return Err(refuse_csrf(api));
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

/// The `csrf` field of a multipart form (the pages put it first).
async fn multipart_token(probe: Request) -> Option<String> {
    let mut form = axum::extract::Multipart::from_request(probe, &())
        .await
        .ok()?;
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() == Some(CSRF_FIELD) && field.file_name().is_none() {
            return field.text().await.ok();
        }
    }
    None
}

/// The `token` parameter of a query string, if any.
fn query_token(query: Option<&str>) -> Option<String> {
    query?
        .split('&')
        .find_map(|pair| pair.strip_prefix(TOKEN_PARAM)?.strip_prefix('='))
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_the_served_address_or_allowed_ones() {
        let guard = Guard::new(
            "127.0.0.1",
            8321,
            &["ntm.lan".into(), "box:9000".into()],
            true,
        )
        .unwrap();
        for ok in [
            "127.0.0.1:8321",
            "localhost:8321",
            "LOCALHOST:8321",
            "[::1]:8321",
            "ntm.lan",
            "ntm.lan:8321",
            "box:9000",
        ] {
            assert!(guard.host_allowed(ok), "{ok}");
        }
        for bad in [
            "evil.example:8321",
            "127.0.0.1:8322",
            "127.0.0.1",
            "localhost",
            "ntm.lan:80",
            "box:8321",
            "",
            "127.0.0.1:8321.evil.example",
        ] {
            assert!(!guard.host_allowed(bad), "{bad}");
        }
    }

    #[test]
    fn tokens_are_long_random_and_distinct() {
        let a = Guard::new("127.0.0.1", 1, &[], true).unwrap();
        let b = Guard::new("127.0.0.1", 1, &[], true).unwrap();
        let token = a.session_token().unwrap();
        assert_eq!(token.len(), 64);
        assert!(token.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a.session_token(), b.session_token());
        assert_ne!(a.csrf_token(), a.session_token().unwrap());
        assert!(a.csrf.matches(a.csrf_token()));
        assert!(!a.csrf.matches(b.csrf_token()));
        assert!(!a.csrf.matches(""));
    }

    #[test]
    fn the_browser_is_opened_on_a_private_file_not_on_the_token() {
        let file = redirect_file("http://127.0.0.1:8321/?token=ab\"c").unwrap();
        let text = std::fs::read_to_string(file.path()).unwrap();
        assert!(
            text.contains("url=http://127.0.0.1:8321/?token=ab&quot;c\""),
            "{text}"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(file.path()).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "{mode:o}");
        }
        let path = file.path().to_path_buf();
        drop(file);
        assert!(!path.exists());
    }

    #[test]
    fn a_network_address_without_token_is_refused() {
        assert!(Guard::new("0.0.0.0", 1, &[], false).is_err());
        assert!(Guard::new("192.168.1.5", 1, &[], false).is_err());
        assert!(Guard::new("0.0.0.0", 1, &[], true).is_ok());
        assert!(Guard::new("127.0.0.1", 1, &[], false).is_ok());
        assert!(Guard::new("::1", 1, &[], false).is_ok());
        assert!(Guard::new("localhost", 1, &[], false).is_ok());
    }

    #[test]
    fn origins_are_compared_by_scheme_host_and_port() {
        let mut headers = HeaderMap::new();
        assert!(same_origin(&headers, "127.0.0.1:8321"));
        headers.insert(
            header::REFERER,
            HeaderValue::from_static("http://127.0.0.1:8321/s/x/plan"),
        );
        assert!(same_origin(&headers, "127.0.0.1:8321"));
        headers.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://evil.example"),
        );
        assert!(!same_origin(&headers, "127.0.0.1:8321"));
        headers.insert(header::ORIGIN, HeaderValue::from_static("null"));
        assert!(!same_origin(&headers, "127.0.0.1:8321"));
        headers.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://127.0.0.1:9999"),
        );
        assert!(!same_origin(&headers, "127.0.0.1:8321"));
        headers.remove(header::ORIGIN);
        headers.insert(
            header::REFERER,
            HeaderValue::from_static("http://127.0.0.1:8321.evil.example/"),
        );
        assert!(!same_origin(&headers, "127.0.0.1:8321"));
    }
}
