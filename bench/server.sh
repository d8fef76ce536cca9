# Starting and stopping `amphi serve` for the benchmark scripts (sourced by run.sh, ab.sh and
# instructions.sh). They use the globals PORT (where it listens) and SERVER_PID (the running
# server, if any); SERVE_WRAP (an array, empty by default) is a command `BIN serve` runs under
# (valgrind, for instructions.sh).
SERVE_WRAP=()

# start_amphi DIR URL BIN [TRIES]: `BIN serve` on 127.0.0.1:$PORT with database URL, run in
# DIR (its log in DIR/serve.log); waits until it listens (TRIES × 0.1 s, default 100).
start_amphi() {
  local dir=$1 url=$2 bin=$3 tries=${4:-100}
  (cd "$dir" && exec env AMPHI_DATABASE__URL="$url" AMPHI_SERVER__LISTEN=127.0.0.1:$PORT \
    AMPHI_CONTENT__PACKAGE_LISTEN=127.0.0.1:$((PORT + 1)) AMPHI_CONTENT__PACKAGE_URL=http://localhost:$((PORT + 1)) \
    RUST_LOG=warn "${SERVE_WRAP[@]}" "$bin" serve >"$dir/serve.log" 2>&1) &
  SERVER_PID=$!
  for _ in $(seq 1 "$tries"); do
    if grep -q "listening" "$dir/serve.log" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  cat "$dir/serve.log" >&2
  return 1
}

# SIGTERM, then SIGKILL after 10 s: after an announcement the in-process worker is sending the
# mail backlog, and `amphi serve` only stops once its worker has emptied the queue.
stop_server() {
  kill "$SERVER_PID" 2>/dev/null || true
  for _ in $(seq 1 100); do
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  kill -9 "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=
}

# work_dir_until_exit: a temporary folder in WORK; when the script exits, the server still
# running is killed and the folder removed.
work_dir_until_exit() {
  WORK=$(mktemp -d)
  SERVER_PID=
  trap 'if [[ -n $SERVER_PID ]]; then kill -9 "$SERVER_PID" 2>/dev/null || true; fi; rm -rf "$WORK"' EXIT
}
