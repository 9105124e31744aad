#!/usr/bin/env python3
"""Helpers of the server benchmark against Typesense (see run.sh).

Standard library only. Every request goes to 127.0.0.1.

    ts.py freeport                          a free TCP port on 127.0.0.1
    ts.py wait URL [--key K] [--timeout S]  wait until URL answers 200
    ts.py load --base URL --key K --work DIR
                                            create the collection, import docs.jsonl
    ts.py ready --base URL --key K --work DIR
                                            wait until every document is loaded ("yes"),
                                            or say "no" when there is no collection
    ts.py totals --work DIR --ombudsearch URL --typesense URL --key K --out FILE [--repeat N]
                                            each query's total from both servers, and
                                            its median latency alone
    ts.py urls --work DIR --ombudsearch URL --typesense URL
                                            the load generator's URL lists
    ts.py report --work DIR --out-md FILE --out-json FILE [--meta K=V]...
                                            the result tables
"""

import argparse
import http.client
import json
import os
import socket
import sys
import time
import urllib.error
import urllib.request

LOOPBACK = "127.0.0.1"


def freeport():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def request(url, key=None, method="GET", body=None, timeout=600):
    assert url.startswith("http://127.0.0.1:"), url
    headers = {"X-TYPESENSE-API-KEY": key} if key else {}
    if body is not None:
        headers["Content-Type"] = "text/plain"
    req = urllib.request.Request(url, data=body, method=method, headers=headers)
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return resp.status, resp.read()


def wait(url, key=None, timeout=1200.0):
    """Waits until url answers 200 (Typesense answers /health only once loaded)."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            status, body = request(url, key, timeout=5)
            if status == 200 and b'"ok":false' not in body:
                return
            last = body[:200]
        except (urllib.error.URLError, ConnectionError, OSError) as e:
            last = e
        time.sleep(0.5)
    sys.exit(f"ts.py: {url} not ready after {timeout:.0f} s: {last}")


def ready(base, key, work, timeout=3600.0):
    """Waits until the collection holds every document. Typesense answers
    /health with ok while it is still loading a data folder from disk, and
    then goes on indexing in the background for a while: a load test then
    would measure a server busy indexing."""
    expected = queries(work)["docs"]
    name = collection_name(work)
    deadline = time.monotonic() + timeout
    count = None
    while time.monotonic() < deadline:
        try:
            _, info = request(f"{base}/collections/{name}", key, timeout=10)
            count = json.loads(info)["num_documents"]
            if count == expected:
                _, body = request(f"{base}/collections/{name}/documents/search?q=*&query_by=text&per_page=0", key)
                if json.loads(body)["found"] == expected:
                    time.sleep(3)  # let the last batch settle
                    return True
        except urllib.error.HTTPError as e:
            if e.code != 404:
                raise
            if count is None:
                return False  # no such collection: import it
        time.sleep(1)
    sys.exit(f"ts.py: the collection holds {count} of {expected} documents after {timeout:.0f} s")


def collection_name(work):
    with open(os.path.join(work, "collection.json")) as f:
        return json.load(f)["name"]


def load(base, key, work, batch_docs=1000):
    """(Re)creates the collection and imports docs.jsonl in batches."""
    with open(os.path.join(work, "collection.json"), "rb") as f:
        schema = f.read()
    name = json.loads(schema)["name"]
    try:
        request(f"{base}/collections/{name}", key, method="DELETE")
    except urllib.error.HTTPError as e:
        if e.code != 404:
            raise
    request(f"{base}/collections", key, method="POST", body=schema)
    started = time.monotonic()
    n = failed = 0
    first_error = None

    def send(lines):
        nonlocal failed, first_error
        _, out = request(
            f"{base}/collections/{name}/documents/import?action=create&batch_size=200",
            key,
            method="POST",
            body=b"".join(lines),
            timeout=3600,
        )
        for line in out.splitlines():
            r = json.loads(line)
            if not r.get("success"):
                failed += 1
                first_error = first_error or r

    batch = []
    with open(os.path.join(work, "docs.jsonl"), "rb") as f:
        for line in f:
            batch.append(line)
            n += 1
            if len(batch) == batch_docs:
                send(batch)
                batch = []
                if n % 10000 == 0:
                    el = time.monotonic() - started
                    print(f"  imported {n} documents in {el:.0f} s", file=sys.stderr, flush=True)
        if batch:
            send(batch)
    seconds = time.monotonic() - started
    _, info = request(f"{base}/collections/{name}", key)
    count = json.loads(info)["num_documents"]
    if failed or count != n:
        sys.exit(f"ts.py: import: {failed} failed, {count} of {n} in the collection; first error: {first_error}")
    print(json.dumps({"documents": n, "import_seconds": round(seconds, 1)}))


def queries(work):
    with open(os.path.join(work, "queries.json")) as f:
        return json.load(f)


class Client:
    """One keep-alive HTTP connection to a server on 127.0.0.1."""

    def __init__(self, base, key=None):
        assert base.startswith("http://127.0.0.1:"), base
        self.port = int(base.rsplit(":", 1)[1])
        self.headers = {"X-TYPESENSE-API-KEY": key} if key else {}
        self.conn = http.client.HTTPConnection(LOOPBACK, self.port, timeout=60)

    def get(self, path):
        """The decoded JSON answer and the milliseconds it took."""
        t0 = time.perf_counter()
        self.conn.request("GET", path, headers=self.headers)
        resp = self.conn.getresponse()
        body = resp.read()
        ms = (time.perf_counter() - t0) * 1000
        if resp.status != 200:
            sys.exit(f"ts.py: HTTP {resp.status} for {path}: {body[:300]!r}")
        return json.loads(body), ms


def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2] if xs else None


def totals(work, ombud, ts, key, out, repeat):
    """Each query's total on both servers, and its median latency alone
    (one client, `repeat` runs after one untimed run)."""
    q = queries(work)
    om, tc = Client(ombud), Client(ts, key)
    rows = []
    for e in q["queries"]:
        row = {"class": e["class"], "line": e["line"], "skipped": e["skipped"]}
        a, _ = om.get(e["ombudsearch"])
        row["ombudsearch"] = a["total"]
        row["ombudsearch_hits"] = len(a["hits"])
        row["ombudsearch_hits_with_snippets"] = sum(1 for h in a["hits"] if h.get("snippets"))
        row["ombudsearch_ms"] = median([om.get(e["ombudsearch"])[1] for _ in range(repeat)])
        if e.get("ombudsearch_unstemmed"):
            row["ombudsearch_unstemmed"] = om.get(e["ombudsearch_unstemmed"])[0]["total"]
        if e["typesense"]:
            b, _ = tc.get(e["typesense"])
            row["typesense"] = b["found"]
            row["typesense_hits"] = len(b["hits"])
            row["typesense_hits_with_snippets"] = sum(
                1 for h in b["hits"] if h.get("highlight", {}).get("text")
            )
            row["typesense_ms"] = median([tc.get(e["typesense"])[1] for _ in range(repeat)])
        rows.append(row)
    with open(out, "w") as f:
        json.dump(rows, f, indent=1)
    print(totals_table(rows))


def flag(row):
    if row["skipped"]:
        return "skipped"
    a, b = row["ombudsearch"], row["typesense"]
    if a == b:
        return "same"
    u = row.get("ombudsearch_unstemmed")
    why = ""
    if u is not None:
        why = "; same as unstemmed" if u == b else f"; unstemmed {u}"
    return (f"{(b - a) / a * 100:+.1f}%" if a else "differs") + why


def ms(x):
    return "—" if x is None else f"{x:.1f}"


def totals_table(rows):
    out = [
        "| class | query | ombudsearch | Typesense | | ombudsearch ms | Typesense ms |",
        "|---|---|---:|---:|---|---:|---:|",
    ]
    for r in rows:
        ts = "—" if r["skipped"] else str(r["typesense"])
        out.append(
            f"| {r['class']} | `{r['line']}` | {r['ombudsearch']} | {ts} | {flag(r)} | "
            f"{ms(r.get('ombudsearch_ms'))} | {ms(r.get('typesense_ms'))} |"
        )
    out.append("")
    out.append(
        "Totals: matching decisions. *Unstemmed*: ombudsearch's total for the same "
        "request with every unquoted word quoted (ombudsearch stems unquoted words, "
        "Typesense does not). ms: median of one client's runs of that query alone."
    )
    skipped = [r for r in rows if r["skipped"]]
    if skipped:
        out.append("")
        out.append("Not sent to either server in the load test (no faithful Typesense form):")
        for r in skipped:
            out.append(f"- `{r['line']}`: {r['skipped']}")
    return "\n".join(out)


def urls(work, ombud, ts):
    """Only the queries both servers answer go into the load, in the same order."""
    q = [e for e in queries(work)["queries"] if e["typesense"]]
    with open(os.path.join(work, "urls-ombudsearch.txt"), "w") as f:
        f.writelines(ombud + e["ombudsearch"] + "\n" for e in q)
    with open(os.path.join(work, "urls-typesense.txt"), "w") as f:
        f.writelines(ts + e["typesense"] + "\n" for e in q)
    print(len(q))


def report(work, out_md, out_json, meta):
    runs = []
    for name in sorted(os.listdir(work)):
        if name.startswith("load-") and name.endswith(".json"):
            with open(os.path.join(work, name)) as f:
                runs.append(json.load(f))
    by = {(r["label"], r["clients"]): r for r in runs}
    clients = sorted({r["clients"] for r in runs})
    lines = [
        f"## ombudsearch serve against Typesense {meta.get('typesense_version', '')}: "
        f"{meta.get('docs')} decisions, {meta.get('cores')} cores",
        "",
        f"{meta.get('queries')} queries round-robin (facets, highlighting, 10 hits each), "
        f"closed-loop clients on loopback, {meta.get('seconds')} s measured after "
        f"{meta.get('warmup')} s of warm-up per run.",
        "",
        "| server | clients | requests | errors | req/s | p50 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for c in clients:
        for label in ("ombudsearch", "typesense"):
            r = by.get((label, c))
            if r:
                lines.append(
                    f"| {label} | {c} | {r['requests']} | {r['errors']} | {r['rps']:.1f} | "
                    f"{r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {r['max_ms']:.2f} |"
                )
    ratios = {}
    lines += ["", "| clients | ombudsearch req/s ÷ Typesense req/s | Typesense p99 ÷ ombudsearch p99 |", "|---:|---:|---:|"]
    for c in clients:
        o, t = by.get(("ombudsearch", c)), by.get(("typesense", c))
        if o and t and t["rps"] > 0 and o["p99_ms"] > 0:
            ratios[c] = {"rps": o["rps"] / t["rps"], "p99": t["p99_ms"] / o["p99_ms"]}
            lines.append(f"| {c} | {ratios[c]['rps']:.2f}× | {ratios[c]['p99']:.2f}× |")
    if 8 in ratios:
        r = ratios[8]
        lines += [
            "",
            f"Targets at 8 clients: throughput ≥ 8× Typesense's: **{'met' if r['rps'] >= 8 else 'not met'}** "
            f"({r['rps']:.2f}×); p99 ≤ ⅕ of Typesense's: **{'met' if r['p99'] >= 5 else 'not met'}** "
            f"({r['p99']:.2f}×).",
        ]
    extra = [(k, v) for k, v in meta.items() if k not in ("docs", "cores", "queries", "seconds", "warmup")]
    if extra:
        lines += ["", "| | |", "|---|---|"] + [f"| {k} | {v} |" for k, v in extra]
    totals_path = os.path.join(work, "totals.json")
    rows = []
    if os.path.exists(totals_path):
        with open(totals_path) as f:
            rows = json.load(f)
        lines += ["", "### Totals per query", "", totals_table(rows)]
    md = "\n".join(lines) + "\n"
    with open(out_md, "w") as f:
        f.write(md)
    with open(out_json, "w") as f:
        json.dump({"meta": meta, "runs": runs, "ratios": ratios, "totals": rows}, f, indent=1)
    print(md)


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("freeport")
    w = sub.add_parser("wait")
    w.add_argument("url")
    w.add_argument("--key")
    w.add_argument("--timeout", type=float, default=1200)
    for name in ("load", "ready"):
        ld = sub.add_parser(name)
        ld.add_argument("--base", required=True)
        ld.add_argument("--key", required=True)
        ld.add_argument("--work", required=True)
    for name in ("totals", "urls"):
        s = sub.add_parser(name)
        s.add_argument("--work", required=True)
        s.add_argument("--ombudsearch", required=True)
        s.add_argument("--typesense", required=True)
        if name == "totals":
            s.add_argument("--key", required=True)
            s.add_argument("--out", required=True)
            s.add_argument("--repeat", type=int, default=10)
    r = sub.add_parser("report")
    r.add_argument("--work", required=True)
    r.add_argument("--out-md", required=True)
    r.add_argument("--out-json", required=True)
    r.add_argument("--meta", action="append", default=[])
    a = p.parse_args()
    if a.cmd == "freeport":
        print(freeport())
    elif a.cmd == "wait":
        wait(a.url, a.key, a.timeout)
    elif a.cmd == "load":
        load(a.base, a.key, a.work)
    elif a.cmd == "ready":
        print("yes" if ready(a.base, a.key, a.work) else "no")
    elif a.cmd == "totals":
        totals(a.work, a.ombudsearch, a.typesense, a.key, a.out, max(1, a.repeat))
    elif a.cmd == "urls":
        urls(a.work, a.ombudsearch, a.typesense)
    elif a.cmd == "report":
        meta = dict(kv.split("=", 1) for kv in a.meta)
        report(a.work, a.out_md, a.out_json, meta)


if __name__ == "__main__":
    main()
