#!/usr/bin/env bash
# A/B of two builds on the benchmark's single paths, alternated, so that the machine's drift
# falls on both sides alike (figures of separate runs are not comparable on this workplace's
# machines: see BENCHMARKS.md).
#
#   bash bench/ab.sh A_AMPHI B_AMPHI
#
# A_AMPHI and B_AMPHI are two `amphi` release binaries (build each commit with
# `cargo build --release -p amphi`, copying the binary away). For each database (AB_DBS), each
# side seeds its own run of AB_LEARNERS learners with its own binary (`amphi seed bench`); then
# AB_PAIRS times, A then B (B first on odd pairs): a fresh copy of the side's seeded database,
# `amphi serve`, and `amphi-bench path` for each kind in AB_KINDS (default: course home and quiz
# submit, 64 clients). Prints one table row per run and the mean per side and kind.
#
# Settings (environment): AB_TOOL (the amphi-bench binary; default: built in release),
# AB_DBS ("postgres sqlite"), AB_LEARNERS (100000), AB_PAIRS (3), AB_KINDS ("home submit"),
# AB_WARMUP (2), AB_DURATION (6), AB_CONCURRENCY (64), AB_PREPARE_RATE (2000), AB_PORT (18090),
# BENCH_PG as in run.sh (databases amphi_ab_* are dropped and recreated).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
source bench/server.sh
if (($# != 2)); then
  echo "usage: bash bench/ab.sh A_AMPHI B_AMPHI" >&2
  exit 2
fi
declare -A BIN=([A]=$(realpath "$1") [B]=$(realpath "$2"))
DBS=${AB_DBS:-postgres sqlite}
LEARNERS=${AB_LEARNERS:-100000}
PAIRS=${AB_PAIRS:-3}
KINDS=${AB_KINDS:-home submit}
WARMUP=${AB_WARMUP:-2}
DURATION=${AB_DURATION:-6}
CONC=${AB_CONCURRENCY:-64}
PREPARE_RATE=${AB_PREPARE_RATE:-2000}
PORT=${AB_PORT:-18090}
if [[ -z ${BENCH_PG:-} && -S /var/run/postgresql/.s.PGSQL.5432 ]]; then
  PG=postgres://postgres@localhost
  PG_QUERY=${BENCH_PG_QUERY-?host=/var/run/postgresql}
else
  PG=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
  PG_QUERY=${BENCH_PG_QUERY-?sslmode=disable}
fi
if [[ -z ${AB_TOOL:-} ]]; then
  cargo build --release -q -p amphi-bench
  AB_TOOL=$(cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')/release/amphi-bench
fi

work_dir_until_exit

psql_admin() { PGOPTIONS='-c client_min_messages=warning' psql "$PG/postgres$PG_QUERY" -qX "$@" >/dev/null; }
url_of() { # url_of DB NAME
  if [[ $1 == postgres ]]; then echo "$PG/amphi_ab_$2$PG_QUERY"; else echo "sqlite://$WORK/$2.db?mode=rwc"; fi
}

seed() { # seed DB SIDE: the side's template database and seed file
  local db=$1 side=$2
  mkdir -p "$WORK/$db-$side"
  if [[ $db == postgres ]]; then
    psql_admin -c "DROP DATABASE IF EXISTS amphi_ab_${side,,}_tpl" -c "CREATE DATABASE amphi_ab_${side,,}_tpl"
  fi
  (cd "$WORK/$db-$side" && AMPHI_DATABASE__URL=$(url_of "$db" "${side,,}_tpl") RUST_LOG=warn \
    "${BIN[$side]}" seed bench --learners "$LEARNERS" --out seed.json >seed.log 2>&1) ||
    { cat "$WORK/$db-$side/seed.log" >&2; return 1; }
}

fresh_copy() { # fresh_copy DB SIDE: the run's database, a copy of the side's template
  local db=$1 side=$2
  if [[ $db == postgres ]]; then
    psql_admin -c "DROP DATABASE IF EXISTS amphi_ab_run" \
      -c "CREATE DATABASE amphi_ab_run TEMPLATE amphi_ab_${side,,}_tpl"
  else
    rm -f "$WORK"/run.db*
    for f in "$WORK/${side,,}_tpl.db"*; do cp "$f" "$WORK/run${f#"$WORK/${side,,}_tpl"}"; done
  fi
}

serve() { # serve DB SIDE
  start_amphi "$WORK/$1-$2" "$(url_of "$1" run)" "${BIN[$2]}" 200
}

echo "A/B $(date -u '+%Y-%m-%d %H:%M UTC'): A = ${BIN[A]}, B = ${BIN[B]}; $LEARNERS learners, $CONC clients, ${WARMUP} s warm-up, ${DURATION} s measured, $PAIRS pairs alternated; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| database | pair | side | path | per s | p50 ms | p95 ms | p99 ms | errors |"
echo "|---|---:|---|---|---:|---:|---:|---:|---:|"
JSON=$WORK/ab.jsonl
for db in $DBS; do
  seed "$db" A
  seed "$db" B
  for pair in $(seq 1 "$PAIRS"); do
    order="A B"
    if ((pair % 2 == 0)); then order="B A"; fi
    for side in $order; do
      fresh_copy "$db" "$side"
      serve "$db" "$side"
      for kind in $KINDS; do
        extra=()
        if [[ $kind == submit ]]; then extra=(--prepare-rate "$PREPARE_RATE"); fi
        "$AB_TOOL" path --seed "$WORK/$db-$side/seed.json" --addr "127.0.0.1:$PORT" --pid "$SERVER_PID" \
          --label "$db/$pair/$side" --json "$JSON" --kind "$kind" --concurrency "$CONC" \
          --warmup "$WARMUP" --duration "$DURATION" "${extra[@]}" >/dev/null
        python3 - "$JSON" <<'EOF'
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])][-1]
db, pair, side = r["label"].split("/")
step = r["steps"].get({"home": "course_home", "submit": "quiz_submit", "cycle": "quiz_submit"}.get(r["path"], r["path"]))
q = " | ".join(f"{step[k]:.2f}" if step else "–" for k in ("p50", "p95", "p99"))
print(f"| {db} | {pair} | {side} | {r['path']} | {r['per_s']:.0f} | {q} | {r['errors']} |")
EOF
      done
      stop_server
    done
  done
  if [[ $db == postgres ]]; then
    psql_admin -c "DROP DATABASE IF EXISTS amphi_ab_run" -c "DROP DATABASE IF EXISTS amphi_ab_a_tpl" \
      -c "DROP DATABASE IF EXISTS amphi_ab_b_tpl"
  fi
done
echo
echo "Mean per side (per s; p50, p99 ms):"
echo
python3 - "$JSON" <<'EOF'
import json, sys
from collections import defaultdict
acc = defaultdict(list)
for l in open(sys.argv[1]):
    r = json.loads(l)
    db, _, side = r["label"].split("/")
    step = r["steps"].get({"home": "course_home", "submit": "quiz_submit", "cycle": "quiz_submit"}.get(r["path"], r["path"]))
    if step:
        acc[(db, r["path"], side)].append((r["per_s"], step["p50"], step["p99"]))
print("| database | path | A per s | B per s | B/A | A p50 | B p50 | A p99 | B p99 |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
for db, path in sorted({(k[0], k[1]) for k in acc}):
    if not acc[(db, path, "A")] or not acc[(db, path, "B")]:
        continue
    m = {s: [sum(x[i] for x in acc[(db, path, s)]) / len(acc[(db, path, s)]) for i in range(3)] for s in "AB"}
    print(f"| {db} | {path} | {m['A'][0]:.0f} | {m['B'][0]:.0f} | {m['B'][0] / m['A'][0]:.3f} | {m['A'][1]:.2f} | {m['B'][1]:.2f} | {m['A'][2]:.2f} | {m['B'][2]:.2f} |")
EOF
