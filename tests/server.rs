//! The HTTP API over a real socket: `ombudsearch serve` is started on a free
//! loopback port over the bundled corpus (plus `tests/fixtures/serve`), and
//! each test speaks HTTP/1.1 to it.

mod serve_support;
use serde_json::Value;
use serve_support::{
    SEED, Server, XSS_REF, build_index, enc, get, make_corpus, refs, shared_index,
};
use std::time::{Duration, Instant};

fn server() -> Server {
    Server::start(shared_index())
}

/// `search ARGS --format json` over the shared index, parsed.
fn cli_search(args: &[&str]) -> Value {
    let out = serve_support::bin()
        .arg("search")
        .args(args)
        .args(["--format", "json", "--index"])
        .arg(shared_index())
        .output()
        .unwrap();
    assert!(out.status.success());
    serde_json::from_slice(&out.stdout).unwrap()
}

/// An answer without its timing, which differs from run to run.
fn untimed(mut v: Value) -> Value {
    v["took_ms"] = Value::Null;
    v
}

#[test]
fn search_answers_exactly_as_the_cli_does() {
    let srv = server();
    let phrase = "\"ICO is better placed\"";
    let api = srv.json(&format!("/api/search?q={}&limit=20", enc(phrase)));
    let cli = cli_search(&[phrase, "--limit", "20"]);
    assert_eq!(untimed(api.clone()), untimed(cli));
    assert!(refs(&api).contains(&SEED.to_string()), "{api}");
    let seed = api["hits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["case_ref"] == SEED)
        .unwrap();
    let snippet = &seed["snippets"][0];
    let text = snippet["text"].as_str().unwrap();
    let [a, b] = [0, 1].map(|i| snippet["highlights"][0][i].as_u64().unwrap() as usize);
    assert_eq!(&text[a..b], "ICO is better placed");
}

#[test]
fn filters_sort_and_paging_use_the_cli_parameter_names() {
    let srv = server();
    let all = srv.json("/api/search?limit=0");
    let upheld = srv.json("/api/search?outcome=upheld&limit=100");
    assert!(upheld["total"].as_u64() < all["total"].as_u64());
    assert!(
        upheld["hits"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["outcome"] == "Upheld")
    );
    let newest = srv.json("/api/search?sort=newest&limit=5");
    let dates: Vec<&str> = newest["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["decision_date"].as_str().unwrap())
        .collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");
    let page = srv.json("/api/search?sort=newest&limit=2&offset=1");
    assert_eq!(page["offset"], 1);
    assert_eq!(refs(&page), refs(&newest)[1..3].to_vec());
    let narrowed = srv.json(&format!(
        "/api/search?council=cambridgeshire&since=2024-01-01&until=2024-12-31&cites={}",
        enc("Local Government Act 1974")
    ));
    assert!(refs(&narrowed).contains(&SEED.to_string()), "{narrowed}");
    // A repeated filter lets either value through, as the flag repeated
    // does; its facet counts follow.
    let either = "/api/search?council=leeds&council=cambridgeshire&outcome=upheld&outcome=not+upheld&limit=0";
    let api = srv.json(either);
    let cli = cli_search(&[
        "",
        "--council",
        "leeds",
        "--council",
        "cambridgeshire",
        "--outcome",
        "upheld",
        "--outcome",
        "not upheld",
        "--limit",
        "0",
    ]);
    assert_eq!(untimed(api.clone()), untimed(cli));
    let one = |q: &str| {
        srv.json(&format!("/api/search?{q}&limit=0"))["total"]
            .as_u64()
            .unwrap()
    };
    let sum = one("council=leeds&outcome=upheld")
        + one("council=leeds&outcome=not+upheld")
        + one("council=cambridgeshire&outcome=upheld")
        + one("council=cambridgeshire&outcome=not+upheld");
    assert!(sum > 0);
    assert_eq!(api["total"].as_u64().unwrap(), sum);
    let facet = srv.json("/api/facets/council?council=leeds&council=cambridgeshire");
    assert_eq!(facet.as_array().unwrap().len(), 2, "{facet}");
}

#[test]
fn bad_parameters_are_json_400s() {
    let srv = server();
    let long_query = enc(&"word ".repeat(600));
    let huge = "a".repeat(40_000);
    for target in [
        "/api/search?limit=5000".to_string(),
        "/api/search?offset=100000000".to_string(),
        "/api/search?limit=lots".to_string(),
        "/api/search?sort=sideways".to_string(),
        "/api/search?since=yesterday".to_string(),
        "/api/search?q=nosuchfield%3Ax".to_string(),
        "/api/search?council=zzzqqqxxx".to_string(),
        format!("/api/search?q={long_query}"),
        format!("/api/search?q={huge}"),
        "/api/decisions/not-a-reference".to_string(),
        "/api/facets/outcome?limit=-1".to_string(),
        // A misspelled or unknown parameter is never silently ignored.
        "/api/search?q=council&counsil=leeds".to_string(),
        "/api/search?q=council&format=csv".to_string(),
        "/api/facets/outcome?q=council&outcom=upheld".to_string(),
        "/api/search?limit=99999999999999999999999".to_string(),
    ] {
        let r = srv.get(&target);
        assert_eq!(r.status, 400, "{target}: {}", r.text());
        assert!(
            r.header("content-type")
                .unwrap()
                .starts_with("application/json")
        );
        let msg = r.json()["error"].as_str().unwrap().to_string();
        assert!(!msg.is_empty(), "{target}");
    }
    // The messages name the API's parameters, not the command line's flags.
    for (target, says) in [
        ("/api/search?limit=5000", "at most 1000 hits per page"),
        (
            "/api/search?limit=lots",
            "bad parameter limit: expected a whole number",
        ),
        (
            "/api/search?q=council&counsil=leeds",
            "bad parameter counsil: unknown parameter `counsil`, expected one of `q`",
        ),
        (
            "/api/facets/year?outcom=upheld",
            "bad parameter outcom: unknown parameter `outcom`, expected one of `q`",
        ),
        (
            "/api/search?q=noise&q=odour",
            "bad parameter q: given more than once; give it once",
        ),
        (
            "/api/search?q=noise&query=odour",
            "bad parameter q: given more than once; give it once",
        ),
        (
            "/api/search?sort=newest&sort=oldest",
            "bad parameter sort: given more than once; give it once",
        ),
        (
            "/api/search?council=leeds&council=zzzqqq",
            "no council matching 'zzzqqq'",
        ),
        (
            "/api/facets/year?limit=0",
            "bad parameter limit: expected a whole number of at least 1",
        ),
        ("/api/search?since=yesterday", "bad since date 'yesterday'"),
        (
            "/api/search?until=2024-13-01",
            "bad until date '2024-13-01'",
        ),
    ] {
        let msg = srv.get(target).json()["error"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(msg.contains(says), "{target}: {msg}");
        assert!(
            !msg.contains("--") && !msg.contains("Failed"),
            "{target}: {msg}"
        );
    }
}

#[test]
fn a_decision_by_any_spelling_of_its_reference() {
    let srv = server();
    for spelling in ["23-018-551", "23018551", "23%20018%20551"] {
        let d = srv.json(&format!("/api/decisions/{spelling}"));
        assert_eq!(d["case_ref"], SEED);
        assert_eq!(d["authority"], "Cambridgeshire County Council");
        assert!(
            d["citations"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c == "Local Government Act 1974 s.24A(6)"),
            "{d}"
        );
        assert!(d["summary"].as_str().unwrap().contains("better placed"));
    }
    let missing = srv.get("/api/decisions/99-999-999");
    assert_eq!(missing.status, 404);
    assert!(
        missing.json()["error"]
            .as_str()
            .unwrap()
            .contains("99-999-999")
    );
}

#[test]
fn facets_count_one_field_over_the_matches() {
    let srv = server();
    let total = srv.json("/api/search?limit=0")["total"].as_u64().unwrap();
    let outcomes = srv.json("/api/facets/outcome");
    let sum: u64 = outcomes
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["count"].as_u64().unwrap())
        .sum();
    assert_eq!(sum, total);
    let councils = srv.json("/api/facets/council?limit=3");
    assert_eq!(councils.as_array().unwrap().len(), 3);
    assert_eq!(srv.json("/api/facets/authority?limit=3"), councils);
    let cites = srv.json(&format!(
        "/api/facets/citation?q={}",
        enc("\"ICO is better placed\"")
    ));
    assert!(cites.as_array().unwrap().iter().any(|v| {
        v["value"]
            .as_str()
            .unwrap()
            .starts_with("Local Government Act 1974")
    }));
    let categories = srv.json("/api/facets/category");
    assert!(categories[0]["children"].is_array());
    let unknown = srv.get("/api/facets/path");
    assert_eq!(unknown.status, 404);
    assert!(
        unknown.json()["error"]
            .as_str()
            .unwrap()
            .contains("outcome")
    );
}

#[test]
fn healthz_reports_the_decisions_served() {
    let srv = server();
    let h = srv.json("/healthz");
    assert_eq!(h["status"], "ok");
    assert_eq!(h["decisions"], 48);
}

#[test]
fn the_page_and_its_assets_carry_security_headers() {
    let srv = server();
    for (target, kind) in [
        ("/", "text/html"),
        ("/?q=%22ICO+is+better+placed%22&outcome=Upheld", "text/html"),
        ("/decisions/23-018-551", "text/html"),
        ("/assets/app.js", "text/javascript"),
        ("/assets/style.css", "text/css"),
    ] {
        let r = srv.get(target);
        assert_eq!(r.status, 200, "{target}");
        assert!(
            r.header("content-type").unwrap().starts_with(kind),
            "{target}"
        );
        let csp = r.header("content-security-policy").unwrap();
        assert!(csp.contains("default-src 'self'"), "{csp}");
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    }
    let page = srv.get("/").text();
    assert!(page.contains("<script src=\"/assets/app.js\""));
    assert!(!page.contains("<script>"), "no inline script");
    let api = srv.get("/api/search?q=x");
    assert_eq!(api.header("x-content-type-options"), Some("nosniff"));
    assert!(api.header("content-security-policy").is_some());
    // The page builds its DOM from data with text nodes only.
    let js = srv.get("/assets/app.js").text();
    for sink in [
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "document.write",
        "eval(",
    ] {
        assert!(!js.contains(sink), "app.js uses {sink}");
    }
}

#[test]
fn no_file_can_be_read_through_the_server() {
    let srv = server();
    for target in [
        "/../../../../etc/passwd",
        "/assets/../Cargo.toml",
        "/assets/%2e%2e/%2e%2e/Cargo.toml",
        "/assets/..%2f..%2fCargo.toml",
        "/corpus/000_978548f2022fce23.txt",
        "/index/meta.json",
        "/assets/index.html",
        "/src/server/assets/app.js",
        "/api/decisions/..%2f..%2f..%2fetc%2fpasswd",
        "/api/facets/..%2f..%2fCargo.toml",
        "//etc/passwd",
    ] {
        let r = srv.get(target);
        assert!((400..500).contains(&r.status), "{target}: {}", r.status);
        let body = r.text();
        assert!(!body.contains("root:"), "{target}");
        assert!(!body.contains("[package]"), "{target}");
        assert!(!body.contains("segments"), "{target}");
        assert!(
            r.header("content-type")
                .unwrap()
                .starts_with("application/json"),
            "{target}"
        );
    }
    let post = serve_support::request(srv.addr, "POST", "/api/search", None);
    assert_eq!(post.status, 405);
    assert!(post.json()["error"].is_string());
}

#[test]
fn html_in_a_decision_is_carried_as_plain_strings() {
    let srv = server();
    let d = srv.json("/api/decisions/24-999-001");
    assert_eq!(d["case_ref"], XSS_REF);
    let summary = d["summary"].as_str().unwrap();
    assert!(summary.contains("<script>alert(1)</script>"), "{summary}");
    assert!(
        summary.contains("<img src=x onerror=alert(1)>"),
        "{summary}"
    );
    assert_eq!(d["authority"], "Testshire <b>Borough</b> Council");
    let r = srv.get("/api/search?q=%22bin+app%22");
    assert!(
        r.header("content-type")
            .unwrap()
            .starts_with("application/json")
    );
    let v = r.json();
    assert_eq!(refs(&v), vec![XSS_REF.to_string()]);
    let text = v["hits"][0]["snippets"][0]["text"].as_str().unwrap();
    assert!(text.contains("<script>alert(1)</script>"), "{text}");
    // A query holding markup comes back as the same plain string.
    let q = "\"<script>alert(1)</script>\"";
    let echoed = srv.json(&format!("/api/search?q={}", enc(q)));
    assert_eq!(echoed["query"], q);
}

#[test]
fn many_concurrent_requests_are_all_served() {
    let srv = server();
    let addr = srv.addr;
    let targets = [
        "/api/search?q=%22ICO+is+better+placed%22",
        "/api/search?q=council&outcome=upheld&sort=newest",
        "/api/facets/council",
        "/api/decisions/23-018-551",
        "/healthz",
        "/",
    ];
    let started = Instant::now();
    let threads: Vec<_> = (0..16)
        .map(|t| {
            std::thread::spawn(move || {
                let mut statuses = Vec::new();
                for i in 0..13 {
                    if t * 13 + i >= 200 {
                        break;
                    }
                    let target = targets[(t + i) % targets.len()];
                    statuses.push(get(addr, target).status);
                }
                statuses
            })
        })
        .collect();
    let statuses: Vec<u16> = threads
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    assert_eq!(statuses.len(), 200);
    assert!(statuses.iter().all(|&s| s == 200), "{statuses:?}");
    assert!(started.elapsed() < Duration::from_secs(60));
}

#[test]
fn a_rebuilt_index_is_served_without_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    let index = dir.path().join("index");
    make_corpus(&corpus, &[]);
    build_index(&corpus, &index);
    let srv = Server::start(&index);
    assert_eq!(srv.json("/api/search?q=zeppelinhangar")["total"], 0);
    assert_eq!(srv.get("/api/decisions/24-999-002").status, 404);

    std::fs::copy(
        serve_support::repo().join("tests/fixtures/serve/late.txt"),
        corpus.join("late.txt"),
    )
    .unwrap();
    build_index(&corpus, &index);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let v = srv.json("/api/search?q=zeppelinhangar");
        if v["total"] == 1 {
            assert_eq!(refs(&v), vec!["24 999 002".to_string()]);
            break;
        }
        assert!(Instant::now() < deadline, "the new decision never appeared");
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(srv.get("/api/decisions/24-999-002").status, 200);
    assert_eq!(srv.json("/healthz")["decisions"], 48);
}

#[test]
fn serve_listens_on_loopback_unless_told_otherwise() {
    let out = serve_support::bin()
        .args(["serve", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(help.contains("[default: 127.0.0.1:7700]"), "{help}");
    let srv = server();
    assert!(srv.addr.ip().is_loopback());
}

/// A time limit of zero seconds (which would time out every search, or,
/// before, silently became one second) is refused before listening.
#[test]
fn a_zero_time_limit_is_refused() {
    let out = serve_support::bin()
        .args(["serve", "--timeout", "0", "--addr", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("at least 1"), "{err}");
}

/// A port in use is a clear error naming the address and what to do; a
/// port alone is this machine's.
#[test]
fn a_port_in_use_is_named_with_what_to_do() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = serve_support::bin()
        .arg("serve")
        .arg("--index")
        .arg(shared_index())
        .args(["--addr", &port])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("cannot listen on 127.0.0.1:{port}"))
            && err.contains("choose another port with --addr"),
        "{err}"
    );
}
