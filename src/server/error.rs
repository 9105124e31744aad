//! The server's one error type, [`AppError`], and how each kind becomes an
//! HTTP response: always JSON `{"error": "..."}`.
//!
//! Bad input (a query that does not parse, an unknown council, a limit over
//! the cap) is the client's fault: 400 with the library's own message, and
//! nothing is logged. Anything else is logged on standard error and the
//! client gets a generic message, so no detail of the machine (such as a
//! file path) leaks out.

use crate::search::SearchError;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// Everything a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The request is malformed: a bad parameter, a query string too long.
    #[error("{0}")]
    BadRequest(String),
    /// No such route, decision or facet.
    #[error("{0}")]
    NotFound(String),
    /// The route exists but not for this method.
    #[error("only GET is supported")]
    MethodNotAllowed,
    /// The request took longer than the server's time limit.
    #[error("the request took too long and was stopped; try a narrower search")]
    Timeout,
    /// The library refused or failed the search.
    #[error(transparent)]
    Search(#[from] SearchError),
    /// Anything else (a panicked worker, a closed pool).
    #[error("internal error")]
    Internal(String),
}

/// The JSON body of every error response.
#[derive(Debug, Serialize)]
struct ErrorBody {
    error: String,
}

/// `err` and each of its sources, joined with `: ` (as `main` prints them).
fn chain_message(err: &dyn std::error::Error) -> String {
    let mut msg = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        let part = s.to_string();
        if !msg.ends_with(&part) {
            msg.push_str(": ");
            msg.push_str(&part);
        }
        source = s.source();
    }
    msg
}

impl AppError {
    /// The HTTP status for this error.
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AppError::Timeout => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Search(e) if e.is_user_error() => StatusCode::BAD_REQUEST,
            AppError::Search(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The message the client sees.
    fn public_message(&self) -> String {
        match self {
            AppError::Search(e) if e.is_user_error() => chain_message(e),
            AppError::Search(_) | AppError::Internal(_) => {
                "internal error; the server's log has the details".into()
            }
            other => other.to_string(),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() && !matches!(self, AppError::Timeout) {
            eprintln!("ombudsearch: {}", chain_message(&self));
        }
        let body = ErrorBody {
            error: self.public_message(),
        };
        (status, Json(body)).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_errors_are_400_with_the_library_message() {
        let e = AppError::from(SearchError::BadValue {
            what: "limit".into(),
            input: "5000".into(),
            expected: "at most 1000".into(),
        });
        assert_eq!(e.status(), StatusCode::BAD_REQUEST);
        assert!(e.public_message().contains("5000"));
    }

    #[test]
    fn internal_errors_hide_their_detail() {
        let e = AppError::Internal("cannot read /secret/place".into());
        assert_eq!(e.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!e.public_message().contains("/secret"));
    }
}
