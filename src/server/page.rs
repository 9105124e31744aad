//! The web page: HTML, CSS and JavaScript compiled into the binary with
//! `include_str!`, so the server needs no build step and reads no file.
//!
//! The page is static; `app.js` fetches the JSON API and builds the DOM with
//! `textContent` and `createElement` only, so no decision or query text is
//! ever parsed as HTML. The same page serves `/` (search) and
//! `/decisions/{ref}` (one decision); the script reads `location` to know
//! which to show.

use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse};

const INDEX_HTML: &str = include_str!("assets/index.html");
const APP_JS: &str = include_str!("assets/app.js");
const STYLE_CSS: &str = include_str!("assets/style.css");

/// `GET /` and `GET /decisions/{ref}`: the page.
pub async fn index() -> Html<&'static str> {
    Html(INDEX_HTML)
}

/// `GET /assets/app.js`.
pub async fn script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        APP_JS,
    )
}

/// `GET /assets/style.css`.
pub async fn style() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        STYLE_CSS,
    )
}

/// `GET /favicon.ico`: nothing, so browsers stop asking.
pub async fn favicon() -> StatusCode {
    StatusCode::NO_CONTENT
}
