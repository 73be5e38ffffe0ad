//! `ntm serve`: a local web workbench (bàn làm việc) over the library, for planners who work in
//! a browser rather than a terminal.
//!
//! Server-rendered pages (Vietnamese by default, English by a switch) and a JSON API returning
//! the same values as the CLI's `--json`, described at `/api/openapi.json`. Every asset is
//! compiled into the binary. Scenarios are copied into a workspace folder before anything is
//! edited; long solves run as jobs ([`jobs`]).

pub mod archive;
pub mod charts;
pub mod guard;
pub mod i18n;
pub mod jobs;
pub mod workspace;

mod api;
mod downloads;
mod merge;
mod pages;
mod view;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::Router;

use crate::error::{Error, Result};
use i18n::Lang;
use jobs::Jobs;
use workspace::Workspace;

/// Largest request body (an upload), bytes.
pub const MAX_UPLOAD: usize = 20 << 20;
/// Most parts a multipart upload may have (one file and its two form fields).
pub const MAX_UPLOAD_PARTS: usize = 4;

/// How to run the workbench.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Address to bind; 127.0.0.1 unless the user asks otherwise.
    pub host: String,
    /// Port; 0 picks a free one.
    pub port: u16,
    /// The workbench's own folder.
    pub workspace: PathBuf,
    /// The shipped scenarios folder (`scenarios/`).
    pub shipped: Option<PathBuf>,
    /// More folders scenarios may be opened from.
    pub roots: Vec<PathBuf>,
    /// Open the browser at start.
    pub open_browser: bool,
    /// Jobs at once (default: the cores).
    pub workers: usize,
    /// Largest time limit a job may ask for, seconds.
    pub max_time_limit: f64,
    /// More `Host` values to answer besides 127.0.0.1, localhost and [::1] on the port
    /// (`--allow-host`; `name` or `name:port`).
    pub allow_hosts: Vec<String>,
    /// Require the session token (false is `--no-token`, for kiosk use).
    pub token: bool,
}

impl ServeOptions {
    /// Defaults: 127.0.0.1:8321, workspace `ntm-workspace`, shipped scenarios from
    /// `./scenarios`, one job per core, jobs of at most 10 minutes.
    pub fn new() -> ServeOptions {
        ServeOptions {
            host: "127.0.0.1".into(),
            port: 8321,
            workspace: PathBuf::from("ntm-workspace"),
            shipped: Some(default_shipped()),
            roots: Vec::new(),
            open_browser: true,
            workers: std::thread::available_parallelism().map_or(1, |n| n.get()),
            max_time_limit: 600.0,
            allow_hosts: Vec::new(),
            token: true,
        }
    }
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions::new()
    }
}

/// `./scenarios` when it exists, else the source tree's.
fn default_shipped() -> PathBuf {
    let here = Path::new("scenarios");
    if here.is_dir() {
        here.to_path_buf()
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios")
    }
}

/// What every request shares.
#[derive(Debug)]
pub struct AppState {
    /// Scenarios and the workspace.
    pub workspace: Workspace,
    /// The job queue.
    pub jobs: Arc<Jobs>,
    /// Host, session and CSRF checks ([`guard`]).
    pub guard: guard::Guard,
    templates: minijinja::Environment<'static>,
}

impl AppState {
    /// State for `options` (creates the workspace folder). `options.port` must be the port
    /// served: the Host check answers only it.
    pub fn new(options: &ServeOptions) -> Result<AppState> {
        Ok(AppState {
            workspace: Workspace::new(
                &options.workspace,
                options.shipped.as_deref(),
                &options.roots,
            )?,
            jobs: Arc::new(Jobs::new(options.workers, options.max_time_limit)),
            guard: guard::Guard::new(
                &options.host,
                options.port,
                &options.allow_hosts,
                options.token,
            )?,
            templates: view::templates(),
        })
    }
}

/// The application: pages, downloads, API and assets.
pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .merge(pages::routes())
        .merge(merge::routes())
        .merge(downloads::routes())
        .merge(api::routes())
        // The guard sits inside the body limit, so the forms it reads have the same limit.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            guard::check,
        ))
        .layer(DefaultBodyLimit::max(MAX_UPLOAD))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            view::panic_response,
        ))
        .with_state(state)
}

/// Runs the workbench until Ctrl-C.
pub fn run(options: ServeOptions) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Solver(format!("cannot start the server: {e}")))?;
    runtime.block_on(serve(options))
}

async fn serve(options: ServeOptions) -> Result<()> {
    guard::check_bind(&options.host, options.token)?;
    let address = format!("{}:{}", options.host, options.port);
    let listener =
        tokio::net::TcpListener::bind(&address)
            .await
            .map_err(|e| Error::Unsupported {
                message: format!("cannot listen on {address}: {e}"),
                hint: "choose another port with --port N (0 picks a free one)".into(),
            })?;
    let local: SocketAddr = listener
        .local_addr()
        .map_err(|e| Error::Solver(e.to_string()))?;
    let options = ServeOptions {
        port: local.port(),
        ..options
    };
    let state = Arc::new(AppState::new(&options)?);
    // The address to open: the one bound, or 127.0.0.1 when bound to every interface.
    let shown = if local.ip().is_unspecified() {
        SocketAddr::from(([127, 0, 0, 1], local.port()))
    } else {
        local
    };
    let url = state.guard.url(&format!("http://{shown}/"));
    eprintln!(
        "ntm serve: {url} (workspace {}); Ctrl-C stops it",
        state.workspace.dir().display()
    );
    if !options.token {
        eprintln!(
            "cảnh báo / warning: --no-token: mọi chương trình trên máy này đều dùng được bàn làm việc, chỉ dùng cho máy kiosk / any program on this computer can use the workbench; use it only on a kiosk"
        );
    }
    if !local.ip().is_loopback() {
        eprintln!(
            "warning: listening on {}: other computers on the network can reach the workbench (with the token); add the names they use with --allow-host",
            local.ip()
        );
    }
    // The browser opens a file only this user can read that moves on to the link, so the token
    // is not on the browser's command line for other users to see (as Jupyter does). The file
    // is removed when the server stops.
    let mut opener = None;
    if options.open_browser {
        let opened = guard::redirect_file(&url)
            .ok()
            .filter(|file| open::that_detached(file.path()).is_ok());
        if opened.is_none() {
            eprintln!("open {url} in a browser");
        }
        opener = opened;
    }
    let served = axum::serve(listener, router(state))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| Error::Solver(format!("server stopped: {e}")));
    drop(opener);
    served
}

/// An error as one sentence and a hint, for pages and the API.
pub fn error_text(e: &Error) -> (String, Option<String>) {
    match e {
        Error::Invalid(problems) => (
            problems
                .iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join("\n"),
            None,
        ),
        Error::Unsupported { message, hint } => (message.clone(), Some(hint.clone())),
        other => (other.to_string(), None),
    }
}

/// The page language from the `ntm_lang` cookie.
pub fn lang_of(headers: &axum::http::HeaderMap) -> Lang {
    guard::cookie(headers, "ntm_lang")
        .map(Lang::parse)
        .unwrap_or_default()
}
