//! Support for the server tests: a corpus (the bundled one plus
//! `tests/fixtures/serve`), an index built by the real binary, a running
//! `ombudsearch serve` on a free loopback port, and a tiny HTTP/1.1 client
//! over `std::net::TcpStream` (used for the API and for chromedriver).

#![allow(dead_code)]

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::sync::mpsc;
use std::time::Duration;

/// The seed decision's reference.
pub const SEED: &str = "23 018 551";
/// The fixture decision whose text holds HTML.
pub const XSS_REF: &str = "24 999 001";

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_ombudsearch"))
}

/// Copies the bundled corpus and the named files of `tests/fixtures/serve`
/// into `to`.
pub fn make_corpus(to: &Path, fixtures: &[&str]) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(repo().join("corpus")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "txt") {
            std::fs::copy(&path, to.join(path.file_name().unwrap())).unwrap();
        }
    }
    for name in fixtures {
        let from = repo().join("tests/fixtures/serve").join(name);
        std::fs::copy(&from, to.join(name)).unwrap();
    }
}

/// Runs `ombudsearch index --corpus CORPUS --index INDEX`; panics on failure.
pub fn build_index(corpus: &Path, index: &Path) {
    let out = bin()
        .arg("index")
        .arg("--corpus")
        .arg(corpus)
        .arg("--index")
        .arg(index)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "index failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A folder kept for the whole test binary, holding `corpus/` and `index/`.
struct Shared {
    _dir: tempfile::TempDir,
    index: PathBuf,
}

/// The index shared by the tests of one test binary: the bundled corpus
/// plus the XSS fixture, indexed once.
pub fn shared_index() -> &'static Path {
    static SHARED: OnceLock<Shared> = OnceLock::new();
    let shared = SHARED.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let corpus = dir.path().join("corpus");
        make_corpus(&corpus, &["xss.txt"]);
        let index = dir.path().join("index");
        build_index(&corpus, &index);
        Shared { _dir: dir, index }
    });
    &shared.index
}

/// A running `ombudsearch serve`; killed when dropped.
pub struct Server {
    child: Child,
    pub addr: SocketAddr,
    /// `http://127.0.0.1:PORT` (no trailing slash).
    pub base: String,
}

impl Server {
    /// Starts `serve --index INDEX --addr 127.0.0.1:0` and reads the port it
    /// prints.
    pub fn start(index: &Path) -> Server {
        let mut child = bin()
            .arg("serve")
            .arg("--index")
            .arg(index)
            .args(["--addr", "127.0.0.1:0", "--corpus", "/nonexistent"])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let url = first_line_matching(stdout, "ombudsearch: serving ");
        let Some(url) = url else {
            let _ = child.kill();
            panic!("serve did not print its URL");
        };
        let base = url.trim_end_matches('/').to_string();
        let addr: SocketAddr = base.trim_start_matches("http://").parse().unwrap();
        Server { child, addr, base }
    }

    pub fn get(&self, target: &str) -> Response {
        get(self.addr, target)
    }

    /// GET `target`, expecting 200 and JSON.
    pub fn json(&self, target: &str) -> Value {
        let r = self.get(target);
        assert_eq!(r.status, 200, "{target}: {}", r.text());
        r.json()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Reads `from` in a thread (and keeps draining it) until a line containing
/// `marker`; returns the rest of that line after the marker. Gives up after
/// 60 s.
pub fn first_line_matching(from: impl Read + Send + 'static, marker: &str) -> Option<String> {
    let (tx, rx) = mpsc::channel();
    let marker = marker.to_string();
    std::thread::spawn(move || {
        let mut sent = false;
        for line in BufReader::new(from).lines() {
            let Ok(line) = line else { break };
            if !sent && let Some(i) = line.find(&marker) {
                let _ = tx.send(line[i + marker.len()..].trim().to_string());
                sent = true;
            }
        }
    });
    rx.recv_timeout(Duration::from_secs(60)).ok()
}

/// An HTTP response.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
}

/// `GET target` (sent exactly as given: nothing is normalised).
pub fn get(addr: SocketAddr, target: &str) -> Response {
    request(addr, "GET", target, None)
}

/// One HTTP/1.1 request over a fresh connection (`Connection: close`).
pub fn request(addr: SocketAddr, method: &str, target: &str, json: Option<&Value>) -> Response {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let body = json.map(|v| v.to_string()).unwrap_or_default();
    let mut head = format!("{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    if json.is_some() {
        head.push_str("Content-Type: application/json\r\n");
    }
    if json.is_some() || method == "POST" {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body.as_bytes()).unwrap();
    parse_response(&read_response(&mut stream))
}

/// Reads one response: to the end of its `Content-Length`, its last chunk,
/// or the end of the stream (some servers keep the connection open).
fn read_response(stream: &mut TcpStream) -> Vec<u8> {
    let mut raw = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        let n = stream.read(&mut buf).unwrap();
        if n == 0 {
            return raw;
        }
        raw.extend_from_slice(&buf[..n]);
        let Some(split) = raw.windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
        let body = raw.len() - split - 4;
        let length = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse::<usize>().ok());
        if length.is_some_and(|len| body >= len)
            || (head.contains("transfer-encoding: chunked") && raw.ends_with(b"0\r\n\r\n"))
        {
            return raw;
        }
    }
}

fn parse_response(raw: &[u8]) -> Response {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete HTTP head");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status: u16 = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line {status_line:?}"));
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut resp = Response {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    };
    if resp
        .header("transfer-encoding")
        .is_some_and(|v| v.eq_ignore_ascii_case("chunked"))
    {
        resp.body = dechunk(&resp.body);
    }
    resp
}

/// Decodes a chunked transfer-encoded body.
fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = data.windows(2).position(|w| w == b"\r\n") {
        let size_text = String::from_utf8_lossy(&data[..eol]);
        let size_hex = size_text.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_hex, 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = eol + 2;
        out.extend_from_slice(&data[start..start + size]);
        data = &data[start + size + 2..];
    }
    out
}

/// Percent-encodes a query parameter value.
pub fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Case references of a search answer's hits.
pub fn refs(v: &Value) -> Vec<String> {
    v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["case_ref"].as_str().unwrap_or("").to_string())
        .collect()
}
