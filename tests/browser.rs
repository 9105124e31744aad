//! The search page in a real browser: headless Chromium driven through
//! chromedriver's WebDriver HTTP API (plain JSON over the support module's
//! HTTP client, no browser-automation crate).
//!
//! The test loads the page, searches `"ICO is better placed"` by keyboard,
//! checks the seed is listed with the phrase highlighted, that the fixture
//! decision's `<script>` and `<img onerror>` show as text and no dialog
//! opens, clicks an outcome facet, checks the count narrows and the URL
//! changed, goes back, opens a decision page, and saves screenshots in
//! `target/browser-test/`.
//!
//! Skips (passes with a message) when `chromium` or `chromedriver` is not
//! installed; `.ci/install-chromium` installs both for CI.

mod serve_support;
use serde_json::{Value, json};
use serve_support::{SEED, Server, XSS_REF, first_line_matching, request, shared_index};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CHROMIUM: &str = "chromium";
const CHROMEDRIVER: &str = "chromedriver";
/// The W3C key of an element reference in WebDriver answers.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// Where the screenshots go: `<target dir>/browser-test/`.
fn artifact_dir() -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let dir = tmp.parent().unwrap_or(tmp).join("browser-test");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The path of `name` on `PATH`, if any.
fn which(name: &str) -> Option<PathBuf> {
    if name.contains('/') {
        return Path::new(name).is_file().then(|| PathBuf::from(name));
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(name))
            .find(|p| p.is_file())
    })
}

/// A running chromedriver and one browser session; both ended on drop.
struct Browser {
    driver: Child,
    addr: SocketAddr,
    session: String,
    _profile: tempfile::TempDir,
}

impl Browser {
    fn start(chromium: &Path, chromedriver: &Path) -> Browser {
        let mut command = Command::new(chromedriver);
        command
            .args(["--port=0", "--log-level=WARNING"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        // Its own process group, so the browsers it starts can be ended
        // with it even if a session was never closed.
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let mut driver = command.spawn().expect("chromedriver starts");
        let stdout = driver.stdout.take().unwrap();
        let port = first_line_matching(stdout, "started successfully on port ")
            .and_then(|rest| rest.trim_end_matches('.').parse::<u16>().ok());
        let Some(port) = port else {
            let _ = driver.kill();
            panic!("chromedriver did not say its port");
        };
        let addr: SocketAddr = ([127, 0, 0, 1], port).into();
        let profile = tempfile::tempdir().unwrap();
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--window-size=1280,1000",
        ]
        .iter()
        .map(|s| s.to_string())
        .chain([format!("--user-data-dir={}", profile.path().display())])
        .collect::<Vec<_>>();
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "unhandledPromptBehavior": "ignore",
            "goog:chromeOptions": {"binary": chromium, "args": args},
        }}});
        let mut browser = Browser {
            driver,
            addr,
            session: String::new(),
            _profile: profile,
        };
        let v = browser.call("POST", "/session", Some(&caps));
        browser.session = v["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {v}"))
            .to_string();
        browser
    }

    /// One WebDriver command; returns its `value`, panicking on an error.
    fn call(&self, method: &str, path: &str, body: Option<&Value>) -> Value {
        let (status, value) = self.try_call(method, path, body);
        assert!(status < 300, "{method} {path}: {status} {value}");
        value
    }

    /// One WebDriver command: HTTP status and `value`.
    fn try_call(&self, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
        let empty = json!({});
        let body = body.or((method == "POST").then_some(&empty));
        let r = request(self.addr, method, path, body);
        (r.status, r.json()["value"].clone())
    }

    fn cmd(&self, method: &str, what: &str, body: Option<&Value>) -> Value {
        self.call(method, &format!("/session/{}/{what}", self.session), body)
    }

    fn goto(&self, url: &str) {
        self.cmd("POST", "url", Some(&json!({ "url": url })));
    }

    fn url(&self) -> String {
        self.cmd("GET", "url", None).as_str().unwrap().to_string()
    }

    /// Runs `script` (a function body) in the page.
    fn js(&self, script: &str) -> Value {
        self.cmd(
            "POST",
            "execute/sync",
            Some(&json!({"script": script, "args": []})),
        )
    }

    /// Polls `script` until it returns something truthy; panics after 15 s.
    fn wait_for(&self, what: &str, script: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let v = self.js(script);
            if !(v.is_null() || v == false || v == "" || v == 0) {
                return v;
            }
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn element(&self, css: &str) -> String {
        let v = self.cmd(
            "POST",
            "element",
            Some(&json!({"using": "css selector", "value": css})),
        );
        v[ELEMENT_KEY]
            .as_str()
            .unwrap_or_else(|| panic!("no element {css}: {v}"))
            .to_string()
    }

    fn click(&self, css: &str) {
        let id = self.element(css);
        self.cmd("POST", &format!("element/{id}/click"), None);
    }

    fn type_into(&self, css: &str, text: &str) {
        let id = self.element(css);
        self.cmd("POST", &format!("element/{id}/clear"), None);
        self.cmd(
            "POST",
            &format!("element/{id}/value"),
            Some(&json!({ "text": text })),
        );
    }

    /// True when a JavaScript dialog (alert, confirm, prompt) is open.
    fn dialog_open(&self) -> bool {
        let (status, _) = self.try_call(
            "GET",
            &format!("/session/{}/alert/text", self.session),
            None,
        );
        status < 300
    }

    fn screenshot(&self, to: &Path) {
        let b64 = self.cmd("GET", "screenshot", None);
        let png = base64_decode(b64.as_str().unwrap());
        assert!(png.starts_with(b"\x89PNG"));
        std::fs::write(to, png).unwrap();
        println!("screenshot saved to {}", to.display());
    }

    /// The page's total result count.
    fn total(&self) -> u64 {
        self.js("const t = document.getElementById('total'); return t ? t.textContent : '';")
            .as_str()
            .unwrap_or("")
            .replace(',', "")
            .parse()
            .unwrap_or(0)
    }
}

impl Drop for Browser {
    /// Closes the session, then ends chromedriver's whole process group
    /// (chromedriver and any browser it started), never leaving a browser.
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let path = format!("/session/{}", self.session);
            let _ = std::panic::catch_unwind(|| request(self.addr, "DELETE", &path, None));
        }
        #[cfg(unix)]
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.driver.id())])
            .stderr(Stdio::null())
            .status();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Decodes standard base64 (as WebDriver sends screenshots).
fn base64_decode(s: &str) -> Vec<u8> {
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let digits: Vec<u32> = s.bytes().filter_map(value).collect();
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, d)| acc | d << (18 - 6 * i));
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..chunk.len().saturating_sub(1)]);
    }
    out
}

/// Records any alert/confirm/prompt the page calls, without blocking.
const TRAP_DIALOGS: &str = "window.__dialogs = [];
    for (const k of ['alert', 'confirm', 'prompt']) window[k] = (m) => { window.__dialogs.push(String(m)); };
    return true;";

#[test]
fn the_search_page_in_headless_chromium() {
    let (Some(chromium), Some(chromedriver)) = (which(CHROMIUM), which(CHROMEDRIVER)) else {
        println!(
            "SKIPPED browser test: {CHROMIUM} or {CHROMEDRIVER} is not installed \
             (run .ci/install-chromium as root)"
        );
        return;
    };
    let srv = Server::start(shared_index());
    let browser = Browser::start(&chromium, &chromedriver);
    let shots = artifact_dir();

    // Load the page and search by keyboard (Enter submits).
    browser.goto(&format!("{}/", srv.base));
    browser.wait_for(
        "the page to load",
        "return !!document.getElementById('facets') && !document.getElementById('facets').hidden;",
    );
    browser.js(TRAP_DIALOGS);
    browser.type_into("#q", "\"ICO is better placed\"\u{E007}");
    browser.wait_for(
        "the seed in the results",
        &format!("return !!document.querySelector('li.hit[data-ref=\"{SEED}\"]');"),
    );
    assert!(
        browser.url().contains("q=%22ICO+is+better+placed%22"),
        "{}",
        browser.url()
    );
    let before = browser.total();
    assert!(before >= 2, "{before}");

    // The phrase is highlighted as one <mark> in the seed's snippet.
    let marks = browser.js(&format!(
        "return [...document.querySelectorAll('li.hit[data-ref=\"{SEED}\"] mark')].map(m => m.textContent);"
    ));
    let marks: Vec<&str> = marks
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(!marks.is_empty());
    assert!(
        marks.iter().all(|m| *m == "ICO is better placed"),
        "{marks:?}"
    );

    // The fixture's markup shows as text; nothing ran.
    let hit = browser.js(&format!(
        "const h = document.querySelector('li.hit[data-ref=\"{XSS_REF}\"]');
         return {{text: h.textContent, elements: h.querySelectorAll('script, img, b').length}};"
    ));
    let text = hit["text"].as_str().unwrap();
    assert!(text.contains("<script>alert(1)</script>"), "{text}");
    assert!(text.contains("<img src=x onerror=alert(1)>"), "{text}");
    assert!(text.contains("Testshire <b>Borough</b> Council"), "{text}");
    assert_eq!(hit["elements"], 0);
    browser.screenshot(&shots.join("search.png"));

    // Narrow by an outcome facet: the count drops and the URL says so.
    browser.click("button[data-facet='outcome'][data-value='Closed after initial enquiries']");
    browser.wait_for(
        "the outcome chip",
        "return !!document.querySelector('.chip');",
    );
    browser.wait_for(
        "the narrowed count",
        &format!("const t = document.getElementById('total'); return t && Number(t.textContent) < {before};"),
    );
    let after = browser.total();
    assert!(after >= 1 && after < before, "{before} -> {after}");
    let url = browser.url();
    assert!(
        url.contains("outcome=Closed+after+initial+enquiries"),
        "{url}"
    );
    assert!(url.contains("q=%22ICO+is+better+placed%22"), "{url}");
    let pressed = browser.js("return document.querySelector(\"button[data-facet='outcome'][aria-pressed='true']\").textContent;");
    assert!(
        pressed
            .as_str()
            .unwrap()
            .starts_with("Closed after initial enquiries")
    );
    browser.screenshot(&shots.join("search-narrowed.png"));

    // The back button restores the wider search.
    browser.cmd("POST", "back", None);
    browser.wait_for(
        "the wider count again",
        &format!("const t = document.getElementById('total'); return t && Number(t.textContent) === {before} && !document.querySelector('.chip');"),
    );
    assert!(!browser.url().contains("outcome="));

    // The council filter box lists the councils matching what is typed.
    browser.type_into("#council-filter", "leeds");
    browser.wait_for(
        "the council list filtered",
        "const b = [...document.querySelectorAll('#facet-council button')].map(b => b.dataset.value);
         return b.length === 1 && b[0] === 'Leeds City Council';",
    );
    browser.type_into("#council-filter", "");

    // A decision page: sections and citations linking to the decisions citing them.
    browser.click(&format!("li.hit[data-ref='{SEED}'] h3 a"));
    browser.wait_for(
        "the decision page",
        "const h = document.querySelector('#decision-view h1'); return h && h.textContent;",
    );
    assert!(
        browser.url().ends_with("/decisions/23-018-551"),
        "{}",
        browser.url()
    );
    let page = browser.js(
        "return {h1: document.querySelector('#decision-view h1').textContent,
                 sections: [...document.querySelectorAll('#decision-view h2')].map(h => h.textContent),
                 cites: [...document.querySelectorAll('.citations a')].map(a => a.getAttribute('href'))};",
    );
    assert_eq!(page["h1"], "Cambridgeshire County Council (23 018 551)");
    let facts = browser.js("return document.querySelector('#decision-view dl.facts').textContent;");
    let facts = facts.as_str().unwrap();
    assert!(
        facts.contains("Outcome") && facts.contains("Closed after initial enquiries"),
        "{facts}"
    );
    assert!(!facts.contains("[object"), "{facts}");
    let sections: Vec<&str> = page["sections"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        sections.contains(&"Summary") && sections.contains(&"Citations"),
        "{sections:?}"
    );
    let cites = page["cites"].as_array().unwrap();
    assert!(
        cites
            .iter()
            .any(|c| c == "/?cites=Local+Government+Act+1974+s.24A%286%29"),
        "{cites:?}"
    );
    browser.wait_for(
        "citation counts",
        "return [...document.querySelectorAll('.cited-by')].every(s => s.textContent.startsWith('cited by'));",
    );
    browser.js("document.querySelector('.citations').scrollIntoView(); return true;");
    browser.screenshot(&shots.join("decision.png"));

    // Paging through every decision: Next moves the offset into the URL.
    browser.goto(&format!("{}/", srv.base));
    browser.wait_for(
        "the first page",
        "return !!document.querySelector('#pager a[rel=next]');",
    );
    browser.click("#pager a[rel=next]");
    browser.wait_for(
        "the second page",
        "return document.getElementById('count').textContent.includes('showing 11–20');",
    );
    assert!(browser.url().ends_with("/?offset=10"), "{}", browser.url());

    // A shared address with a filter twice keeps both values: a chip and a
    // pressed facet each, the API's count for both; removing one chip keeps
    // the other.
    browser.goto(&format!("{}/?outcome=Upheld&outcome=Not+upheld", srv.base));
    let both = srv.json("/api/search?outcome=Upheld&outcome=Not+upheld&limit=0")["total"]
        .as_u64()
        .unwrap();
    assert!(both > 0);
    browser.wait_for(
        "two outcome chips",
        "return document.querySelectorAll('.chip').length === 2
             && document.querySelectorAll(\"button[data-facet='outcome'][aria-pressed='true']\").length === 2;",
    );
    assert_eq!(browser.total(), both);
    browser.screenshot(&shots.join("search-two-outcomes.png"));
    browser.click(".chip[aria-label='Remove filter Outcome: Not upheld']");
    browser.wait_for(
        "one outcome chip",
        "return document.querySelectorAll('.chip').length === 1;",
    );
    assert!(
        browser.url().ends_with("/?outcome=Upheld"),
        "{}",
        browser.url()
    );

    // On a phone-sized window nothing overflows sideways; filters fold away.
    browser.cmd(
        "POST",
        "window/rect",
        Some(&json!({"width": 390, "height": 844})),
    );
    browser.goto(&format!("{}/?q=%22ICO+is+better+placed%22", srv.base));
    browser.wait_for(
        "results on a phone",
        &format!("return !!document.querySelector('li.hit[data-ref=\"{SEED}\"]');"),
    );
    let fits = browser.js("return document.documentElement.scrollWidth <= window.innerWidth;");
    assert_eq!(fits, true);
    browser.screenshot(&shots.join("search-phone.png"));
    browser.cmd(
        "POST",
        "window/rect",
        Some(&json!({"width": 1280, "height": 1000})),
    );

    // The fixture's decision page shows its markup literally too.
    browser.goto(&format!("{}/decisions/24-999-001", srv.base));
    browser.js(TRAP_DIALOGS);
    browser.wait_for(
        "the fixture's decision page",
        "const h = document.querySelector('#decision-view h1'); return h && h.textContent;",
    );
    let view = browser.js("const v = document.getElementById('decision-view');
         return {text: v.textContent, elements: v.querySelectorAll('script, img, b').length};");
    assert!(
        view["text"]
            .as_str()
            .unwrap()
            .contains("<img src=x onerror=alert(1)>")
    );
    assert_eq!(view["elements"], 0);
    assert_eq!(browser.js("return window.__dialogs.length;"), 0);
    assert!(!browser.dialog_open(), "a dialog opened");
}
