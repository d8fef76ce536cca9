#!/usr/bin/env bash
# Installs what building and testing Amphi needs on a fresh Debian 12 machine (run as root, or
# with sudo available). Idempotent: installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

need_apt=()
for pkg in chromium postgresql-client pkg-config; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ "${#need_apt[@]}" -gt 0 ]; then
  echo "== installing Debian packages: ${need_apt[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}"
fi

if ! command -v cargo-nextest >/dev/null 2>&1 && ! cargo nextest --version >/dev/null 2>&1; then
  echo "== installing cargo-nextest"
  cargo install --locked cargo-nextest
fi

echo "== installing the browser-test dependencies (npm)"
(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
echo "== installing the OpenID Connect test provider (npm, tests/peers/oidc)"
(cd tests/peers/oidc && npm ci --no-audit --no-fund --loglevel=error)

echo "== building Amphi"
cargo build --workspace --all-targets
echo "Ready. Run Amphi with: cargo run --release -- serve"
