//! The JSON API's handlers: `/api/search`, `/api/decisions/{ref}`,
//! `/api/facets/{field}` and `/healthz`.
//!
//! Each handler turns its parameters into the library's request, runs the
//! library on the blocking pool (searching is CPU-bound and must never stall
//! the reactor) and returns the library's answer as JSON, exactly as the CLI
//! prints it with `--format json`. No search logic lives here.
//!
//! | route | parameters | answer |
//! | --- | --- | --- |
//! | `GET /api/search` | `q, council, category, outcome, since, until, cites, sort, limit, offset` | [`SearchResponse`] (as `search --format json`) |
//! | `GET /api/decisions/{ref}` | a case reference in any spelling | the decision as `show --format json` (an array when several files share the reference); 404 when none |
//! | `GET /api/facets/{field}` | `q` and the filters, `limit` (values to list; default all) | `[{"value", "count", "children"?}]` (as `facets FIELD --format json`) |
//! | `GET /healthz` | none | `{"status": "ok", "decisions": N}` |
//!
//! The filters `council`, `category`, `outcome` and `cites` may be repeated
//! (`council=leeds&council=york`): a decision matching any value matches;
//! any other parameter given twice is an error.
//!
//! A bad value or an unknown parameter (a misspelled filter would otherwise
//! widen the search unnoticed) is a 400 whose JSON error names it.

use super::{AppState, error::AppError};
use crate::render::json::DecisionJson;
use crate::search::facets::{FACET_NAMES, FacetCount, Facets};
use crate::search::{Engine, SearchRequest, SearchResponse};
use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// Query-string parameters, with rejections turned into [`AppError`] so a
/// bad value (`limit=lots`, `sort=sideways`) is a JSON 400 like any other.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, AppError> {
        let query = parts.uri.query().unwrap_or_default();
        let form = serde_html_form::Deserializer::from_bytes(query.as_bytes());
        serde_path_to_error::deserialize(form)
            .map(ApiQuery)
            .map_err(|e| {
                let name = e.path().to_string();
                let reason = e.inner().to_string();
                AppError::BadRequest(format!("bad parameter {}", parameter_error(&name, &reason)))
            })
    }
}

/// A parameter's error in the user's terms: `limit: expected a whole
/// number` for serde's "limit: invalid digit found in string".
fn parameter_error(name: &str, reason: &str) -> String {
    // serde names a parameter given twice only in its message ("duplicate
    // field `q`" for `q` and its alias `query`), and the form reader says
    // "unsupported value" for a single value's parameter given twice.
    if let Some(twice) = reason
        .strip_prefix("duplicate field `")
        .and_then(|rest| rest.strip_suffix('`'))
    {
        return format!("{twice}: given more than once; give it once");
    }
    if reason == "unsupported value" {
        return format!("{name}: given more than once; give it once");
    }
    let reason = reason
        .replace("invalid digit found in string", "expected a whole number")
        .replace(
            "number too large to fit in target type",
            "expected a whole number, and a smaller one",
        )
        .replace(
            "invalid value: integer `0`, expected a nonzero usize",
            "expected a whole number of at least 1",
        )
        .replace("unknown field", "unknown parameter");
    match reason.strip_prefix("unknown parameter `") {
        // An unknown parameter is named from the message itself.
        Some(rest) => {
            let unknown = rest.split('`').next().unwrap_or_default();
            format!("{unknown}: {reason}")
        }
        None => format!("{name}: {reason}"),
    }
}

/// A path segment, or a JSON 400 when it is not valid percent-encoded UTF-8.
fn path_segment(p: Result<Path<String>, PathRejection>) -> Result<String, AppError> {
    p.map(|Path(s)| s)
        .map_err(|e| AppError::BadRequest(e.body_text()))
}

/// Runs `f` on the blocking pool once a search slot is free.
async fn run_blocking<T, F>(state: &AppState, f: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(&Engine) -> Result<T, AppError> + Send + 'static,
{
    let permit = state
        .slots
        .clone()
        .acquire_owned()
        .await
        .map_err(|e| AppError::Internal(format!("search slots closed: {e}")))?;
    let engine = state.engine.clone();
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        f(&engine)
    })
    .await
    .map_err(|e| AppError::Internal(format!("search worker failed: {e}")))?
}

/// `GET /api/search`: the library's [`SearchResponse`] for the parameters.
pub async fn search(
    State(state): State<AppState>,
    ApiQuery(req): ApiQuery<SearchRequest>,
) -> Result<Json<SearchResponse>, AppError> {
    let resp = run_blocking(&state, move |engine| Ok(engine.search(&req)?)).await?;
    Ok(Json(resp))
}

/// `GET /api/decisions/{ref}`: one decision, all its fields and citations,
/// with the fields in the order `show --format json` prints them.
pub async fn decision(
    State(state): State<AppState>,
    case_ref: Result<Path<String>, PathRejection>,
) -> Result<Response, AppError> {
    let case_ref = path_segment(case_ref)?;
    let body = run_blocking(&state, move |engine| {
        let found = engine.decisions_by_ref(&case_ref)?;
        let body = match found.as_slice() {
            [] => {
                return Err(AppError::NotFound(format!(
                    "no decision with reference {case_ref}"
                )));
            }
            [one] => serde_json::to_vec(&DecisionJson::new(one)),
            many => serde_json::to_vec(&many.iter().map(DecisionJson::new).collect::<Vec<_>>()),
        };
        body.map_err(|e| AppError::Internal(format!("rendering a decision: {e}")))
    })
    .await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// The parameters of `/api/facets/{field}`: the query and the filters of a
/// search, and how many values to list (any other is an error).
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FacetParams {
    pub q: String,
    pub council: Vec<String>,
    pub category: Vec<String>,
    pub outcome: Vec<String>,
    pub since: Option<String>,
    pub until: Option<String>,
    pub cites: Vec<String>,
    /// Values to list, most frequent first (default: all; at least 1).
    pub limit: Option<std::num::NonZeroUsize>,
}

impl FacetParams {
    /// The counting-only search these parameters ask for.
    fn request(self) -> SearchRequest {
        SearchRequest {
            query: self.q,
            council: self.council,
            category: self.category,
            outcome: self.outcome,
            since: self.since,
            until: self.until,
            cites: self.cites,
            limit: 0,
            snippets: false,
            facet_top: None,
            ..SearchRequest::default()
        }
    }
}

/// `GET /api/facets/{field}`: counts of one facet over the matching decisions.
pub async fn facets(
    State(state): State<AppState>,
    field: Result<Path<String>, PathRejection>,
    ApiQuery(params): ApiQuery<FacetParams>,
) -> Result<Json<Vec<FacetCount>>, AppError> {
    let field = path_segment(field)?;
    if Facets::default().take(&field).is_none() {
        return Err(AppError::NotFound(format!(
            "no facet '{field}'; facets are {FACET_NAMES}"
        )));
    }
    let limit = params.limit;
    let req = params.request();
    let resp = run_blocking(&state, move |engine| Ok(engine.search(&req)?)).await?;
    let mut counts = resp.facets.take(&field).unwrap_or_default();
    if let Some(n) = limit {
        counts.truncate(n.get());
    }
    Ok(Json(counts))
}

/// `GET /healthz`: the server is up and how many decisions it serves.
pub async fn healthz(State(state): State<AppState>) -> Json<serde_json::Value> {
    Json(serde_json::json!({
        "status": "ok",
        "decisions": state.engine.num_docs(),
    }))
}
