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

# OpenLDAP slapd for the LDAP sign-in tests (amphi-peers::slapd). The preseed stops the package
# from building a directory of its own; the tests start their own slapd on a loopback port.
ldap_apt=()
for pkg in slapd ldap-utils openssl; do
  dpkg -s "$pkg" >/dev/null 2>&1 || ldap_apt+=("$pkg")
done
if [ "${#ldap_apt[@]}" -gt 0 ]; then
  echo "== installing Debian packages: ${ldap_apt[*]}"
  echo 'slapd slapd/no_configuration boolean true' | $SUDO debconf-set-selections
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${ldap_apt[@]}"
fi

# SAML: samael's xmlsec bindings (build: libxml2, libxmlsec1, libclang for bindgen) and the
# pysaml2 test IdP (tests/peers/saml_idp: xmlsec1 and the pinned Python packages).
saml_apt=()
for pkg in libxml2-dev libxmlsec1-dev libclang-dev pkg-config xmlsec1 openssl python3-pip; do
  dpkg -s "$pkg" >/dev/null 2>&1 || saml_apt+=("$pkg")
done
if [ "${#saml_apt[@]}" -gt 0 ]; then
  echo "== installing Debian packages for SAML: ${saml_apt[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${saml_apt[@]}"
fi
echo "== installing the SAML test IdP's Python packages (tests/peers/saml_idp/requirements.txt)"
python3 -m pip install -q -r tests/peers/saml_idp/requirements.txt ||
  python3 -m pip install -q --break-system-packages -r tests/peers/saml_idp/requirements.txt

if ! command -v cargo-nextest >/dev/null 2>&1 && ! cargo nextest --version >/dev/null 2>&1; then
  echo "== installing cargo-nextest"
  cargo install --locked cargo-nextest
fi

echo "== installing the browser-test dependencies (npm)"
(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)

echo "== building Amphi"
cargo build --workspace --all-targets
echo "Ready. Run Amphi with: cargo run --release -- serve"
