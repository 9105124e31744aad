//! The two ways of counting facets agree: a long-lived engine counts from
//! decoded snapshot-wide tables, a one-shot engine from each segment's
//! columns. Checked on a generated corpus committed in several segments, so
//! values must be matched up across segment dictionaries. The same goes for
//! the values hits show: decoded dictionaries (long-lived) against
//! look-ups in each column's dictionary (one-shot).

mod common;
use common::generated_index;
use ombudsearch::search::{Engine, SearchRequest, Sort};

#[test]
fn decoded_tables_count_what_the_columns_count() {
    let (_dir, index) = generated_index(600, 7);

    let tables = Engine::open(&index).unwrap();
    let columns = Engine::open_snapshot(&index).unwrap();
    let queries = [
        "complaint",
        "\"time and trouble\"",
        "council -planning",
        "care OR school",
        "zzzunknownword",
    ];
    let mut compared = 0;
    for q in queries {
        for top in [None, Some(1), Some(3), Some(10)] {
            for sort in [Sort::Relevance, Sort::Newest] {
                let req = SearchRequest {
                    facet_top: top,
                    sort,
                    snippets: false,
                    limit: 50,
                    ..SearchRequest::new(q)
                };
                let a = tables.search(&req).unwrap();
                let b = columns.search(&req).unwrap();
                assert_eq!(a.total, b.total, "{q}");
                let shown = |r: &ombudsearch::search::SearchResponse| {
                    r.hits
                        .iter()
                        .map(|h| {
                            let fields = [&h.case_ref, &h.authority, &h.category, &h.outcome];
                            (
                                h.rank,
                                fields.map(Clone::clone),
                                h.decision_date.clone(),
                                h.path.clone(),
                            )
                        })
                        .collect::<Vec<_>>()
                };
                assert_eq!(shown(&a), shown(&b), "{q}");
                assert!(
                    a.hits
                        .iter()
                        .all(|h| h.authority.is_some() && !h.path.is_empty())
                );
                assert_eq!(a.facets, b.facets, "{q} top {top:?}");
                if a.total > 0 && top.is_none() {
                    assert!(!a.facets.citation.is_empty(), "{q}: no citations counted");
                    assert!(!a.facets.year.is_empty(), "{q}: no years counted");
                }
                compared += 1;
            }
        }
    }
    assert_eq!(compared, queries.len() * 8);
}
