//! A query of words alone is ranked in two passes (count and facets without
//! scoring, then the page by block-max WAND over a union of terms). Any
//! filter turns that off, so the same query with a filter that keeps every
//! decision is the one-pass reference: both must give the same total, the
//! same facets and the same ranked page.

mod common;
use common::generated_index;
use ombudsearch::search::{Engine, SearchRequest, SearchResponse};

/// Scores that differ by less than this are a tie (the two passes add the
/// same section scores in a different order).
const EPSILON: f32 = 1e-4;

fn search(engine: &Engine, q: &str, limit: usize, offset: usize, filtered: bool) -> SearchResponse {
    let req = SearchRequest {
        limit,
        offset,
        since: filtered.then(|| "1900-01-01".to_string()),
        ..SearchRequest::new(q)
    };
    engine.search(&req).unwrap_or_else(|e| panic!("{q}: {e:?}"))
}

/// The same page: the same scores in order and, apart from documents tied
/// at the page's last score (which either pass may cut differently), the
/// same documents.
fn assert_same_page(q: &str, pruned: &SearchResponse, full: &SearchResponse) {
    assert_eq!(pruned.hits.len(), full.hits.len(), "{q}: page length");
    for (a, b) in pruned.hits.iter().zip(&full.hits) {
        assert!(
            (a.score - b.score).abs() < EPSILON,
            "{q}: rank {} scores {} vs {}",
            a.rank,
            a.score,
            b.score
        );
    }
    let Some(last) = full.hits.last().map(|h| h.score) else {
        return;
    };
    let above = |r: &SearchResponse| {
        let mut paths: Vec<String> = r
            .hits
            .iter()
            .filter(|h| h.score > last + EPSILON)
            .map(|h| h.path.clone())
            .collect();
        paths.sort_unstable();
        paths
    };
    assert_eq!(above(pruned), above(full), "{q}: documents above the cut");
}

#[test]
fn pruned_ranking_matches_full_scoring() {
    let (_dir, index) = generated_index(600, 11);
    for engine in [Engine::open(&index), Engine::open_snapshot(&index)] {
        let engine = engine.unwrap();
        let queries = [
            "complaint",
            "council",
            "tribunal",
            "Ofsted",
            "noise OR odour",
            "refuse OR recycling OR bins",
            "summary:apology",
            "final:remedy OR care",
            "zzzunknownword",
            "zzzunknownword OR school",
        ];
        for q in queries {
            for (limit, offset) in [(10, 0), (1, 0), (25, 5), (100, 0)] {
                let pruned = search(&engine, q, limit, offset, false);
                let full = search(&engine, q, limit, offset, true);
                assert_eq!(pruned.total, full.total, "{q}: total");
                assert_eq!(pruned.facets, full.facets, "{q}: facets");
                assert_same_page(q, &pruned, &full);
            }
        }
        // The reference really is one decision set: the filter keeps all.
        let all = search(&engine, "complaint", 0, 0, false).total;
        assert!(all > 500, "complaint should match most of 600, got {all}");
    }
}
