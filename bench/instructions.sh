#!/usr/bin/env bash
# Instructions per request of one or more builds, counted by valgrind's callgrind: unlike
# requests per second, the count repeats to within a fraction of a percent for the same binary
# and inputs, whatever else the machine is doing, so two builds compare in one pass.
#
#   bash bench/instructions.sh BIN [BIN...]
#
# For each BIN (an `amphi` binary; a `profiling` or release build): seeds a SQLite run of
# INSTR_LEARNERS learners (`amphi seed bench`), serves it under callgrind with instrumentation off,
# signs one learner in, sends INSTR_WARMUP requests of each path, then counts INSTR_REQUESTS
# more of each path with instrumentation on (SQLite runs in the server's process, so the database's
# work is counted too). Prints the instructions per request by path and keeps each profile in
# INSTR_OUT (default bench/results/instr) for `callgrind_annotate`.
#
# Settings (environment): INSTR_LEARNERS (100000), INSTR_WARMUP (30), INSTR_REQUESTS (200),
# INSTR_PATHS ("home page"), INSTR_PORT (18095), INSTR_OUT.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
if (($# < 1)); then
  echo "usage: bash bench/instructions.sh BIN [BIN...]" >&2
  exit 2
fi
command -v valgrind >/dev/null || { echo "valgrind is missing (apt-get install valgrind)" >&2; exit 1; }
LEARNERS=${INSTR_LEARNERS:-100000}
WARMUP=${INSTR_WARMUP:-30}
REQUESTS=${INSTR_REQUESTS:-200}
PATHS=${INSTR_PATHS:-home page}
PORT=${INSTR_PORT:-18095}
OUT=${INSTR_OUT:-bench/results/instr}
mkdir -p "$OUT"
OUT=$(realpath "$OUT")

WORK=$(mktemp -d)
SERVER_PID=
cleanup() {
  if [[ -n $SERVER_PID ]]; then kill -9 "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "| build | path | instructions per request |"
echo "|---|---|---:|"
n=0
for bin in "$@"; do
  n=$((n + 1))
  bin=$(realpath "$bin")
  dir=$WORK/$n
  mkdir -p "$dir"
  url="sqlite://$dir/run.db?mode=rwc"
  (cd "$dir" && AMPHI_DATABASE__URL=$url RUST_LOG=warn "$bin" seed bench --learners "$LEARNERS" \
    --out seed.json >seed.log 2>&1) || { cat "$dir/seed.log" >&2; exit 1; }
  profile=$OUT/callgrind.$n.$(basename "$bin").out
  rm -f "$profile"
  (cd "$dir" && exec env AMPHI_DATABASE__URL="$url" AMPHI_SERVER__LISTEN=127.0.0.1:$PORT \
    RUST_LOG=warn valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$profile" \
    "$bin" serve >"$dir/serve.log" 2>&1) &
  SERVER_PID=$!
  for _ in $(seq 1 600); do
    if grep -q "listening" "$dir/serve.log" 2>/dev/null; then break; fi
    sleep 0.2
  done
  grep -q "listening" "$dir/serve.log" || { cat "$dir/serve.log" >&2; exit 1; }
  python3 - "$dir/seed.json" "$PORT" "$WARMUP" "$REQUESTS" "$SERVER_PID" "$profile" "$(basename "$bin")" $PATHS <<'EOF'
import http.cookiejar, json, re, subprocess, sys, urllib.parse, urllib.request

seed_file, port, warmup, requests, pid, profile, label, *paths = sys.argv[1:]
warmup, requests = int(warmup), int(requests)
seed = json.load(open(seed_file))
base = f"http://127.0.0.1:{port}"

class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

jar = http.cookiejar.CookieJar()
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)

# The bench tenant answers on its own host name, sent in the Host header.
host = f"{seed['host']}:{port}"

def req(path, data=None):
    return urllib.request.Request(base + path, data=data, headers={"Host": host})

def get(path):
    with opener.open(req(path), timeout=600) as r:
        assert r.status == 200, (path, r.status)
        return r.read().decode()

def csrf(body):
    return re.search(r'name="csrf" value="([^"]+)"', body).group(1)

token = csrf(get("/signin"))
form = urllib.parse.urlencode({"csrf": token, "next": "", "email": "learner1@bench.example",
                               "password": seed["password"]}).encode()
try:
    opener.open(req("/signin", form), timeout=600)
except urllib.error.HTTPError as e:
    assert e.code == 303, e.code
run = seed["run_id"]
urls = {"home": f"/learn/{run}", "page": f"/learn/{run}/items/{seed['pages'][0]}"}

def control(*args):
    subprocess.run(["callgrind_control", *args, pid], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)

def total():
    # The instructions counted so far, from the dump callgrind writes on request.
    control("-d")
    parts = sorted(__import__("glob").glob(profile + "*"))
    ir = 0
    for p in parts:
        # A dump's count is its "totals:" line, at the end ("summary:" may read 0).
        counts = {}
        for line in open(p):
            if line.startswith(("summary:", "totals:")):
                key, value = line.split()[:2]
                counts[key] = int(value)
        ir += counts.get("totals:", counts.get("summary:", 0))
    return ir

for path in paths:
    for _ in range(warmup):
        get(urls[path])
    before = total()
    control("-i", "on")
    for _ in range(requests):
        get(urls[path])
    control("-i", "off")
    after = total()
    print(f"| {label} | {path} | {(after - before) / requests:,.0f} |", flush=True)
EOF
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=
done
echo
echo "profiles: $OUT (callgrind_annotate FILE)"
