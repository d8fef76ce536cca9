#!/usr/bin/env bash
# The scale benchmark of issue 6, from a fresh clone: `bash bench/run.sh`.
#
# Builds release binaries, then for each database (PostgreSQL, SQLite): seeds a run of
# BENCH_LEARNERS learners (`amphi seed bench`), starts `amphi serve` on loopback, runs the
# closed-loop learner sessions at each concurrency level, the single paths at full speed, the
# LTI services (scores posted by the seeded tool, memberships), the xAPI LRS (a store of
# BENCH_XAPI_STATEMENTS statements, statement writes, agent + activity reads), the batch operations, and the
# growth sweep (course home and quiz submit on runs of each size in BENCH_GROWTH). Writes
# bench/results/ (results.md, lti.md, xapi.md, *.jsonl, latency.svg) and replaces the measured
# sections of BENCHMARKS.md (the LTI and xAPI ones have their own markers).
#
# `bash bench/run.sh --smoke`: the same flow in a few seconds on SQLite with a debug build and a
# tiny run, writing nothing in the repository (CI runs this; no timing is asserted).
#
# Settings (environment): BENCH_PG (default: the local Unix socket, else
# postgres://postgres@127.0.0.1:5432; its databases amphi_bench_* are dropped and recreated),
# BENCH_PG_QUERY (connection parameters after the database name), BENCH_DBS ("postgres sqlite"), BENCH_LEARNERS
# (100000), BENCH_GROWTH ("1000 10000"), BENCH_LEVELS (1,4,16,64,256), BENCH_WARMUP (3),
# BENCH_DURATION (10), BENCH_PATH_CONCURRENCY (64), BENCH_ENROL (100000), BENCH_PORT (18080),
# BENCH_XAPI_STATEMENTS (10000000: the LRS store's size; it is filled once per database and
# kept between the scenario's runs on the same seeded database),
# BENCH_PREPARE_RATE (2000: the quiz-submit path opens enough attempts beforehand for this many
# submits per second),
# BENCH_OUT (bench/results; elsewhere, BENCHMARKS.md is left alone), BENCH_AMPHI and BENCH_TOOL
# (paths of amphi and amphi-bench binaries built already: no build), BENCH_SCENARIOS ("sessions
# paths lti xapi batch growth": a subset runs only those, and replaces only their sections of
# BENCHMARKS.md: "lti" or "xapi" alone rewrites that section and leaves the rest).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
source bench/server.sh

SMOKE=0
if [[ ${1:-} == "--smoke" ]]; then
  SMOKE=1
fi

# PostgreSQL on this machine: over its Unix socket when there is one (as a one-machine
# deployment connects), else over loopback TCP without TLS. BENCH_PG_QUERY is appended to each
# database URL.
if [[ -z ${BENCH_PG:-} && -S /var/run/postgresql/.s.PGSQL.5432 ]]; then
  PG=postgres://postgres@localhost
  PG_QUERY=${BENCH_PG_QUERY-?host=/var/run/postgresql}
  PG_VIA="the server reaches PostgreSQL over its Unix socket"
else
  PG=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
  PG_QUERY=${BENCH_PG_QUERY-?sslmode=disable}
  PG_VIA="the server reaches PostgreSQL at $PG$PG_QUERY"
fi
PORT=${BENCH_PORT:-18080}
SCENARIOS=" ${BENCH_SCENARIOS:-sessions paths lti xapi batch growth} "
has() { [[ $SCENARIOS == *" $1 "* ]]; }
if ((SMOKE)); then
  DBS=${BENCH_DBS:-sqlite}
  LEARNERS=${BENCH_LEARNERS:-60}
  GROWTH=${BENCH_GROWTH:-}
  LEVELS=${BENCH_LEVELS:-1,2}
  WARMUP=${BENCH_WARMUP:-0.3}
  DURATION=${BENCH_DURATION:-1}
  PATHC=${BENCH_PATH_CONCURRENCY:-2}
  ENROL=${BENCH_ENROL:-100}
  PREPARE_RATE=${BENCH_PREPARE_RATE:-10}
  # No warm-up for the LTI scores: the tiny run's learners would all be scored in it.
  LTI_WARMUP=0
  XAPI_STATEMENTS=${BENCH_XAPI_STATEMENTS:-300}
  PROFILE=debug
  OUT=$(mktemp -d)
else
  DBS=${BENCH_DBS:-postgres sqlite}
  LEARNERS=${BENCH_LEARNERS:-100000}
  GROWTH=${BENCH_GROWTH:-1000 10000}
  LEVELS=${BENCH_LEVELS:-1,4,16,64,256}
  WARMUP=${BENCH_WARMUP:-3}
  DURATION=${BENCH_DURATION:-10}
  PATHC=${BENCH_PATH_CONCURRENCY:-64}
  ENROL=${BENCH_ENROL:-100000}
  PREPARE_RATE=${BENCH_PREPARE_RATE:-2000}
  XAPI_STATEMENTS=${BENCH_XAPI_STATEMENTS:-10000000}
  PROFILE=release
  OUT=${BENCH_OUT:-$ROOT/bench/results}
fi
PATH_DURATION=$(awk "BEGIN { print ($DURATION < 8) ? $DURATION : 8 }")
# The submit path spends attempts opened beforehand (one per learner and quiz): a shorter
# window, so that the 1,000-learner run of the growth sweep has enough of them.
SUBMIT_WARMUP=$(awk "BEGIN { print ($WARMUP < 2) ? $WARMUP : 2 }")
SUBMIT_DURATION=$(awk "BEGIN { print ($DURATION < 5) ? $DURATION : 5 }")
path_window() {
  if [[ $1 == submit ]]; then
    echo "--warmup $SUBMIT_WARMUP --duration $SUBMIT_DURATION --prepare-rate $PREPARE_RATE"
  else
    echo "--warmup $WARMUP --duration $PATH_DURATION"
  fi
}

if [[ -z ${CARGO_TARGET_DIR:-} ]]; then
  # Where cargo builds (target/ in the clone unless CARGO_TARGET_DIR says otherwise).
  CARGO_TARGET_DIR=$(cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
fi
export CARGO_TARGET_DIR
if [[ -n ${BENCH_AMPHI:-} && -n ${BENCH_TOOL:-} ]]; then
  # Binaries built already (BENCH_AMPHI: amphi, BENCH_TOOL: amphi-bench).
  AMPHI=$BENCH_AMPHI
  BENCH=$BENCH_TOOL
else
  if [[ $PROFILE == release ]]; then
    cargo build --release -p amphi -p amphi-bench
  else
    cargo build -p amphi -p amphi-bench
  fi
  AMPHI=$CARGO_TARGET_DIR/$PROFILE/amphi
  BENCH=$CARGO_TARGET_DIR/$PROFILE/amphi-bench
fi

mkdir -p "$OUT"
WORK=$(mktemp -d)
SERVER_PID=
cleanup() {
  if [[ -n $SERVER_PID ]]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
  if ((SMOKE)); then rm -rf "$OUT"; fi
}
trap cleanup EXIT

RESULTS=$OUT/results.md
RESULTS_LTI=$OUT/lti.md
RESULTS_XAPI=$OUT/xapi.md
MAIN=0
for s in sessions paths batch growth; do if has "$s"; then MAIN=1; fi; done
if ((MAIN)); then
  : >"$RESULTS"
  rm -f "$OUT"/postgres.jsonl "$OUT"/sqlite.jsonl
else
  # Only the LTI or xAPI sections: the main results are kept, these go to a scratch file.
  RESULTS=$WORK/results.md
fi
if has lti; then
  : >"$RESULTS_LTI"
  rm -f "$OUT"/lti-*.jsonl
fi
if has xapi; then
  : >"$RESULTS_XAPI"
  rm -f "$OUT"/xapi-*.jsonl
fi
# INTO: the results file `say` and `run_bench` write to (the LTI scenario has its own).
INTO=$RESULTS
say() { printf '%s\n' "$*" >>"$INTO"; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

url_of() { # url_of DB N
  if [[ $1 == postgres ]]; then
    echo "$PG/amphi_bench_$2$PG_QUERY"
  else
    echo "sqlite://$WORK/bench_$2.db?mode=rwc"
  fi
}

fresh_db() { # fresh_db DB N
  if [[ $1 == postgres ]]; then
    PGOPTIONS='-c client_min_messages=warning' psql "$PG/postgres$PG_QUERY" -qX -c "DROP DATABASE IF EXISTS amphi_bench_$2" -c "CREATE DATABASE amphi_bench_$2" >/dev/null
  else
    rm -f "$WORK/bench_$2.db"*
  fi
}

seed() { # seed DB N -> seed file path
  local db=$1 n=$2
  fresh_db "$db" "$n"
  mkdir -p "$WORK/$db-$n"
  (cd "$WORK/$db-$n" && AMPHI_DATABASE__URL=$(url_of "$db" "$n") RUST_LOG=warn \
    "$AMPHI" seed bench --learners "$n" --out "$WORK/$db-$n/seed.json" >"$WORK/$db-$n/seed.log" 2>&1) ||
    { cat "$WORK/$db-$n/seed.log" >&2; return 1; }
  tail -n 1 "$WORK/$db-$n/seed.log" >&2
}

start_server() { # start_server DB N
  start_amphi "$WORK/$1-$2" "$(url_of "$1" "$2")" "$AMPHI"
}

# run_bench ARGS...: amphi-bench with its tables appended to the results; a failure (errors
# during a run) is written down and, in a full run, the benchmark goes on (the smoke stops).
run_bench() {
  local rc=0
  "$BENCH" "$@" >>"$INTO" || rc=$?
  if ((rc)); then
    say ""
    say "**amphi-bench $1 failed (exit $rc): see the errors column and its output above.**"
    say ""
    if ((SMOKE)); then exit "$rc"; fi
  fi
}

target() { # target DB N LABEL
  echo --seed "$WORK/$1-$2/seed.json" --addr "127.0.0.1:$PORT" --pid "$SERVER_PID" --label "$3" --json "$OUT/$1.jsonl"
}

header() { # header: when, where, on what
  say "Measured $(date -u '+%Y-%m-%d %H:%M UTC') by \`bash bench/run.sh\` ($PROFILE build)."
  say ""
  say "- Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM, $(. /etc/os-release && echo "$PRETTY_NAME"); load generator, server and PostgreSQL $(psql "$PG/postgres$PG_QUERY" -AtqX -c 'SHOW server_version' 2>/dev/null || echo '(not used)') on the same machine; the load generator reaches the server over loopback TCP, $PG_VIA."
  say "- Load average (1, 5, 15 min) at the start: $(loadavg)."
}
header
say "- $("$BENCH" argon2 --rounds 5)"
say ""
if has lti; then
  INTO=$RESULTS_LTI
  header
  INTO=$RESULTS
fi
if has xapi; then
  INTO=$RESULTS_XAPI
  header
  INTO=$RESULTS
fi

for db in $DBS; do
  label="$db"
  say "### $db"
  say ""
  t0=$SECONDS
  seed_line=$(seed "$db" "$LEARNERS" 2>&1)
  say "- Seeding $LEARNERS learners: $seed_line (load average then: $(loadavg))."
  say ""
  start_server "$db" "$LEARNERS"
  # Learner sessions.
  if has sessions; then
    # shellcheck disable=SC2046
    run_bench load $(target "$db" "$LEARNERS" "$label") --levels "$LEVELS" --warmup "$WARMUP" --duration "$DURATION"
    say "Load average after the sessions: $(loadavg)."
    say ""
  fi
  # Single paths at full speed.
  if has paths; then
    say "#### Single paths at full speed, $db"
    say ""
    say "| database | path | learners in the run | concurrency | per second | p50 ms | p95 ms | p99 ms | errors | server peak RSS MiB |"
    say "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    for kind in home page submit cycle gradebook; do
      # shellcheck disable=SC2046
      run_bench path $(target "$db" "$LEARNERS" "$label") --kind "$kind" --concurrency "$PATHC" $(path_window "$kind")
    done
    say ""
  fi
  # The LTI services (before the batch operations, which add people to the run): the seeded
  # tool's tokens, a line item, memberships, then scores at full speed.
  if has lti; then
    INTO=$RESULTS_LTI
    say ""
    say "### $db"
    say ""
    say "- Seeding $LEARNERS learners (the tool registered and its item added through the application): $seed_line"
    say ""
    run_bench lti --seed "$WORK/$db-$LEARNERS/seed.json" --addr "127.0.0.1:$PORT" --pid "$SERVER_PID" --label "$label" --json "$OUT/lti-$db.jsonl" \
      --concurrency "$PATHC" --warmup "${LTI_WARMUP:-$WARMUP}" --duration "$PATH_DURATION" --prepare-rate "$PREPARE_RATE" \
      --database-url "$(url_of "$db" "$LEARNERS" | sed 's/?mode=rwc//')"
    INTO=$RESULTS
  fi
  # The xAPI LRS: the store filled to XAPI_STATEMENTS (bulk INSERTs, timed), then statement
  # writes and agent + activity reads at full speed.
  if has xapi; then
    INTO=$RESULTS_XAPI
    say ""
    say "### $db"
    say ""
    run_bench xapi --seed "$WORK/$db-$LEARNERS/seed.json" --addr "127.0.0.1:$PORT" --pid "$SERVER_PID" --label "$label" --json "$OUT/xapi-$db.jsonl" \
      --statements "$XAPI_STATEMENTS" --concurrency "$PATHC" --warmup "$WARMUP" --duration "$PATH_DURATION" \
      --database-url "$(url_of "$db" "$LEARNERS" | sed 's/?mode=rwc//')"
    INTO=$RESULTS
  fi
  # Batch operations (last: they add people and queue mail).
  if has batch; then
    say "#### Batch operations, $db"
    say ""
    say "| database | operation | time | notes |"
    say "|---|---|---:|---|"
    # shellcheck disable=SC2046
    run_bench batch $(target "$db" "$LEARNERS" "$label") --database-url "$(url_of "$db" "$LEARNERS" | sed 's/?mode=rwc//')" --enrol "$ENROL"
    say ""
  fi
  stop_server
  # Growth sweep.
  if [[ -n $GROWTH ]] && has growth; then
    say "#### Growth sweep, $db (concurrency $PATHC; the $LEARNERS-learner row is the single-path run above)"
    say ""
    say "| database | path | learners in the run | concurrency | per second | p50 ms | p95 ms | p99 ms | errors | server peak RSS MiB |"
    say "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    for n in $GROWTH; do
      seed "$db" "$n" >/dev/null 2>&1
      start_server "$db" "$n"
      for kind in home submit; do
        # shellcheck disable=SC2046
        run_bench path $(target "$db" "$n" "$label") --kind "$kind" --concurrency "$PATHC" $(path_window "$kind")
      done
      stop_server
    done
    say ""
  fi
  say "Time for $db: $((SECONDS - t0)) s; load average at the end: $(loadavg)."
  say ""
done

if has sessions; then
  inputs=()
  for db in $DBS; do inputs+=(--input "$OUT/$db.jsonl"); done
  "$BENCH" chart "${inputs[@]}" --out "$OUT/latency.svg"
fi

if ((SMOKE)); then
  echo "bench smoke: ok"
  cat "$RESULTS"
  if has lti; then cat "$RESULTS_LTI"; fi
  if has xapi; then cat "$RESULTS_XAPI"; fi
  exit 0
fi

if [[ $OUT != "$ROOT/bench/results" ]]; then
  echo "Results in $OUT (BENCHMARKS.md left as it is)"
  exit 0
fi
# Replace the measured sections of BENCHMARKS.md that ran.
replace_section() { # replace_section MARKER RESULTS
  python3 - "$ROOT/BENCHMARKS.md" "$2" "$1" <<'EOF'
import sys
doc, res, marker = sys.argv[1], sys.argv[2], sys.argv[3]
text = open(doc).read()
begin, end = f"<!-- {marker}:begin -->", f"<!-- {marker}:end -->"
body = open(res).read()
if begin in text and end in text:
    a = text.index(begin) + len(begin)
    b = text.index(end)
    text = text[:a] + "\n" + body + "\n" + text[b:]
else:
    text += "\n" + begin + "\n" + body + "\n" + end + "\n"
open(doc, "w").write(text)
EOF
}
if ((MAIN)); then replace_section bench "$RESULTS"; fi
if has lti; then replace_section bench-lti "$RESULTS_LTI"; fi
if has xapi; then replace_section bench-xapi "$RESULTS_XAPI"; fi
echo "Results in bench/results/ and BENCHMARKS.md"
