#!/usr/bin/env bash
# Quick start, 2 of 2: installs what the tests need (the test peers: slapd, pysaml2, the node
# OpenID Connect provider; Chromium; cargo-nextest) and runs the whole test suite: the Rust
# tests on SQLite, then on PostgreSQL (AMPHI_TEST_DATABASE_URL, or the local server on
# 127.0.0.1:5432 when one answers), then every browser scenario on each database. Every part
# runs even when an earlier one failed; the exit status says whether all passed.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/install.sh

install_test_deps
failed=()
run() { # run NAME CMD...
  local name=$1
  shift
  echo "== $name"
  "$@" || failed+=("$name")
}

pg=${AMPHI_TEST_DATABASE_URL:-$(postgres_url || true)}
unset AMPHI_TEST_DATABASE_URL
run "tests on SQLite" cargo nextest run --workspace --no-fail-fast
if [[ -n $pg ]]; then
  run "tests on PostgreSQL" env AMPHI_TEST_DATABASE_URL="$pg" cargo nextest run --workspace --no-fail-fast
else
  echo "== no PostgreSQL on 127.0.0.1:5432 and no AMPHI_TEST_DATABASE_URL: PostgreSQL runs skipped"
fi

target_dir=$(cargo metadata --format-version 1 --no-deps |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
if cargo build -p amphi; then
  for scenario in "${BROWSER_SCENARIOS[@]}"; do
    run "browser $scenario on SQLite" env AMPHI_BIN="$target_dir/debug/amphi" \
      node "tests/browser/$scenario.mjs"
    if [[ -n $pg ]]; then
      run "browser $scenario on PostgreSQL" env AMPHI_BIN="$target_dir/debug/amphi" \
        AMPHI_TEST_DATABASE_URL="$pg" SCREENSHOTS_DIR=off node "tests/browser/$scenario.mjs"
    fi
  done
  echo "screenshots of the main pages: target/screenshots/ (from the SQLite runs)"
else
  failed+=("cargo build -p amphi (browser scenarios not run)")
fi

if ((${#failed[@]})); then
  printf 'FAILED:\n'
  printf '  - %s\n' "${failed[@]}"
  exit 1
fi
echo "every test passed"
