//! The HTTP server behind `ombudsearch serve`: a JSON API and a web page
//! over one shared [`Engine`].
//!
//! The server only renders the library's answers: every search goes through
//! [`Engine::search`], exactly as the CLI's does. What lives here is the web
//! around it:
//!
//! - [`app`] builds the router (routes in [`api`] and [`page`]);
//! - [`AppState`] holds the engine and a small pool of search slots, so no
//!   more searches run at once than the machine has cores for, each on
//!   tokio's blocking pool;
//! - middleware caps the query string, stops a request after a time limit
//!   (503 JSON) and sets the security headers on every response (a strict
//!   Content-Security-Policy: the page loads only its own script and style);
//! - [`serve`] binds (loopback by default), prints the URL and runs until
//!   Ctrl-C or SIGTERM.
//!
//! A re-committed index is picked up without a restart: the engine's reader
//! reloads when `ombudsearch index` commits (see [`Engine::open`]).
//! No route reads a file: the page's assets are compiled in, and anything
//! not routed is a JSON 404.

pub mod api;
pub mod error;
pub mod page;

pub use error::AppError;

use crate::search::Engine;
use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// Longest query string accepted, in bytes (the query text itself is capped
/// by the library at [`crate::search::syntax::MAX_QUERY_CHARS`] characters).
pub const MAX_QUERY_STRING_BYTES: usize = 32 * 1024;

/// Default time limit of one request.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// The Content-Security-Policy of every response: only the page's own
/// script, style and API; no inline script, no framing.
const CSP: &str = "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// How the server limits its work.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Time limit of one request, queueing included.
    pub timeout: Duration,
    /// Searches running at once; more wait for a slot.
    pub search_slots: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            timeout: DEFAULT_TIMEOUT,
            search_slots: std::thread::available_parallelism().map_or(2, |n| n.get()),
        }
    }
}

/// What every handler shares: the engine and the search slots.
#[derive(Clone)]
pub struct AppState {
    pub engine: Arc<Engine>,
    /// One permit per search allowed to run at once.
    pub slots: Arc<Semaphore>,
    pub limits: Limits,
}

impl AppState {
    pub fn new(engine: Engine, limits: Limits) -> AppState {
        AppState {
            engine: Arc::new(engine),
            slots: Arc::new(Semaphore::new(limits.search_slots.max(1))),
            limits,
        }
    }
}

/// The whole application: routes, fallbacks and middleware.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/", get(page::index))
        .route("/decisions/{case_ref}", get(page::index))
        .route("/assets/app.js", get(page::script))
        .route("/assets/style.css", get(page::style))
        .route("/favicon.ico", get(page::favicon))
        .route("/healthz", get(api::healthz))
        .route("/api/search", get(api::search))
        .route("/api/decisions/{case_ref}", get(api::decision))
        .route("/api/facets/{field}", get(api::facets))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(state.clone(), time_limit))
        .layer(middleware::from_fn(cap_query_string))
        .layer(middleware::from_fn(security_headers))
        .with_state(state)
}

async fn not_found() -> AppError {
    AppError::NotFound("no such page or API route".into())
}

async fn method_not_allowed() -> AppError {
    AppError::MethodNotAllowed
}

/// Stops a request that runs longer than the time limit: 503 JSON.
async fn time_limit(State(state): State<AppState>, req: Request, next: Next) -> Response {
    match tokio::time::timeout(state.limits.timeout, next.run(req)).await {
        Ok(resp) => resp,
        Err(_) => AppError::Timeout.into_response(),
    }
}

/// Refuses query strings longer than [`MAX_QUERY_STRING_BYTES`].
async fn cap_query_string(req: Request, next: Next) -> Response {
    let len = req.uri().query().map_or(0, str::len);
    if len > MAX_QUERY_STRING_BYTES {
        return AppError::BadRequest(format!(
            "the query string is {len} bytes long; the limit is {MAX_QUERY_STRING_BYTES}"
        ))
        .into_response();
    }
    next.run(req).await
}

/// Sets the security headers on every response.
async fn security_headers(req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    resp
}

/// Binds `addr`, prints `ombudsearch: serving http://ADDR/` on standard
/// output and serves `engine` until Ctrl-C or SIGTERM.
pub fn serve(addr: SocketAddr, engine: Engine, limits: Limits) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
            let hint = match e.kind() {
                std::io::ErrorKind::AddrInUse => {
                    "; another program (another `ombudsearch serve`?) uses it: choose another port with --addr"
                }
                std::io::ErrorKind::PermissionDenied => {
                    "; ports below 1024 need special rights: choose a port such as 7700"
                }
                _ => "",
            };
            anyhow::anyhow!("cannot listen on {addr}: {e}{hint}")
        })?;
        let local = listener.local_addr()?;
        println!("ombudsearch: serving http://{local}/");
        std::io::Write::flush(&mut std::io::stdout())?;
        let app = app(AppState::new(engine, limits));
        axum::serve(listener, app)
            .with_graceful_shutdown(shutdown_signal())
            .await?;
        Ok(())
    })
}

/// Resolves on Ctrl-C or (on Unix) SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indexer::{self, IndexOptions};
    use axum::body::{Body, to_bytes};
    use axum::http::{Request, StatusCode};
    use std::path::Path;
    use tower::ServiceExt;

    /// An engine over the bundled corpus, in a temporary folder.
    fn engine() -> (tempfile::TempDir, Engine) {
        let dir = tempfile::tempdir().unwrap();
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let opts = IndexOptions::new(&corpus, dir.path().join("index"));
        indexer::build(&opts, &indicatif::ProgressBar::hidden()).unwrap();
        let engine = Engine::open(&dir.path().join("index")).unwrap();
        (dir, engine)
    }

    async fn get(app: Router, uri: &str) -> (StatusCode, serde_json::Value) {
        let req = Request::get(uri).body(Body::empty()).unwrap();
        let resp = app.oneshot(req).await.unwrap();
        let status = resp.status();
        let body = to_bytes(resp.into_body(), 1 << 20).await.unwrap();
        (status, serde_json::from_slice(&body).unwrap())
    }

    #[tokio::test]
    async fn a_request_that_cannot_finish_in_time_is_a_json_503() {
        let (_dir, engine) = engine();
        let limits = Limits {
            timeout: Duration::from_millis(200),
            search_slots: 1,
        };
        let state = AppState::new(engine, limits);
        // Every search slot is busy, so the search waits past the limit.
        let _busy = state.slots.clone().try_acquire_owned().unwrap();
        let (status, body) = get(app(state.clone()), "/api/search?q=council").await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(body["error"].as_str().unwrap().contains("too long"));
        // Requests that need no slot still answer.
        let (status, body) = get(app(state), "/healthz").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["status"], "ok");
    }

    #[tokio::test]
    async fn searches_answer_once_a_slot_is_free() {
        let (_dir, engine) = engine();
        let state = AppState::new(engine, Limits::default());
        let (status, body) = get(app(state), "/api/search?q=%22ICO+is+better+placed%22").await;
        assert_eq!(status, StatusCode::OK);
        assert!(body["total"].as_u64().unwrap() >= 1);
    }
}
