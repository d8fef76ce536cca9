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
# more of each path with instrumentation on. Paths: `home` (the course home), `page` (an item
# page), `submit` (a quiz submit: attempts are opened and answered beforehand, one per learner
# and quiz, by learners 1000 and up, uncounted) (SQLite runs in the server's process, so the database's
# work is counted too). Prints the instructions per request by path and keeps each profile in
# INSTR_OUT (default bench/results/instr) for `callgrind_annotate`.
#
# Settings (environment): INSTR_LEARNERS (100000), INSTR_WARMUP (30), INSTR_REQUESTS (200),
# INSTR_PATHS ("home page submit"), INSTR_PORT (18095), INSTR_OUT.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
source bench/server.sh
if (($# < 1)); then
  echo "usage: bash bench/instructions.sh BIN [BIN...]" >&2
  exit 2
fi
command -v valgrind >/dev/null || { echo "valgrind is missing (apt-get install valgrind)" >&2; exit 1; }
LEARNERS=${INSTR_LEARNERS:-100000}
WARMUP=${INSTR_WARMUP:-30}
REQUESTS=${INSTR_REQUESTS:-200}
PATHS=${INSTR_PATHS:-home page submit}
PORT=${INSTR_PORT:-18095}
OUT=${INSTR_OUT:-bench/results/instr}
mkdir -p "$OUT"
OUT=$(realpath "$OUT")

work_dir_until_exit

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
  SERVE_WRAP=(valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$profile")
  start_amphi "$dir" "$url" "$bin" 3000
  python3 - "$dir/seed.json" "$PORT" "$WARMUP" "$REQUESTS" "$SERVER_PID" "$profile" "$(basename "$bin")" $PATHS <<'EOF'
import http.cookiejar, json, re, subprocess, sys, urllib.parse, urllib.request

seed_file, port, warmup, requests, pid, profile, label, *paths = sys.argv[1:]
warmup, requests = int(warmup), int(requests)
seed = json.load(open(seed_file))
base = f"http://127.0.0.1:{port}"

class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

# The bench tenant answers on its own host name, sent in the Host header.
host = f"{seed['host']}:{port}"
run = seed["run_id"]

def csrf(body):
    return re.search(r'name="csrf" value="([^"]+)"', body).group(1)

class Learner:
    """One signed-in learner with its own cookies."""

    def __init__(self, n):
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar),
                                                  NoRedirect)
        token = csrf(self.get("/signin"))
        status, _ = self.post("/signin", {"csrf": token, "next": "",
                                          "email": f"learner{n}@bench.example",
                                          "password": seed["password"]})
        assert status == 303, status
        self.csrf = csrf(self.get("/"))

    def req(self, path, data=None):
        return urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data,
                                      headers={"Host": host})

    def get(self, path):
        with self.opener.open(self.req(path), timeout=600) as r:
            assert r.status == 200, (path, r.status)
            return r.read().decode()

    def post(self, path, fields):
        """POSTs a form; returns the status and the Location."""
        data = urllib.parse.urlencode(fields).encode()
        try:
            with self.opener.open(self.req(path, data), timeout=600) as r:
                return r.status, r.headers.get("location")
        except urllib.error.HTTPError as e:
            return e.code, e.headers.get("location")

    def open_attempt(self, quiz):
        """Starts an attempt and answers each question with its first option."""
        status, path = self.post(f"/learn/{run}/items/{quiz}/attempts", {"csrf": self.csrf})
        assert status == 303, status
        page = self.get(path)
        fields = [("csrf", self.csrf)]
        for tag in re.findall(r'<input type="radio"[^>]*>', page):
            name = re.search(r'name="([^"]+)"', tag).group(1)
            if name.startswith("q.") and name not in dict(fields):
                fields.append((name, re.search(r'value="([^"]+)"', tag).group(1)))
        assert len(fields) > 1, "an attempt page without questions"
        return self, path, fields

reader = Learner(1)
pages = {"home": f"/learn/{run}", "page": f"/learn/{run}/items/{seed['pages'][0]}"}

def prepared_submits(count):
    """`count` attempts opened and answered, one per (learner, quiz), learners from 1000 up."""
    out, n = [], 1000
    while len(out) < count:
        learner = Learner(n)
        out += [learner.open_attempt(q) for q in seed["quizzes"]]
        n += 1
    return out[:count]

def request(path, prepared):
    if path == "submit":
        learner, attempt, fields = prepared.pop()
        status, _ = learner.post(f"{attempt}/submit", fields)
        assert status == 303, status
    else:
        reader.get(pages[path])

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
    prepared = prepared_submits(warmup + requests) if path == "submit" else []
    for _ in range(warmup):
        request(path, prepared)
    before = total()
    control("-i", "on")
    for _ in range(requests):
        request(path, prepared)
    control("-i", "off")
    after = total()
    print(f"| {label} | {path} | {(after - before) / requests:,.0f} |", flush=True)
EOF
  stop_server
done
echo
echo "profiles: $OUT (callgrind_annotate FILE)"
