# Install steps shared by scripts/run.sh, scripts/test.sh and .ci/run, so a fresh machine and CI
# install the same way. Source it from the root of a clone; each function installs only what is
# missing (Debian 12; as root, or with sudo).

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive

# apt_install PKG...: installs the Debian packages that are not installed yet.
apt_install() {
  local missing=() p
  for p in "$@"; do
    [[ $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) == "install ok installed" ]] || missing+=("$p")
  done
  if ((${#missing[@]})); then
    echo "== installing Debian packages: ${missing[*]}"
    $SUDO apt-get update -q
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
  fi
}

# What building and running Amphi needs: amphi-saml links libxmlsec1 through samael (bindgen
# needs libclang); everything else is Rust.
install_run_deps() {
  apt_install libxml2-dev libxmlsec1-dev libclang-dev pkg-config
}

# What the tests need beyond that: the test peers (OpenLDAP slapd, the pysaml2 IdP with
# xmlsec1, the node OpenID Connect provider, the pylti1p3 LTI tool on Flask, the tincan xAPI
# client), headless Chromium and the browser scenarios' packages, psql, and cargo-nextest.
install_test_deps() {
  install_run_deps
  # The preseed stops slapd's package from building a directory of its own; the tests start
  # their own slapd on loopback ports (amphi-peers::slapd).
  if ! dpkg-query -W -f='${Status}' slapd 2>/dev/null | grep -q 'install ok installed'; then
    echo 'slapd slapd/no_configuration boolean true' | $SUDO debconf-set-selections
  fi
  apt_install slapd ldap-utils openssl xmlsec1 python3-pip chromium postgresql-client
  [[ -x /usr/sbin/slapd ]] || { echo "/usr/sbin/slapd is missing after installing slapd" >&2; return 1; }
  [[ -x /usr/bin/chromium ]] || { echo "/usr/bin/chromium is missing after installing chromium" >&2; return 1; }

  echo "== pip install (tests/peers/saml_idp: pysaml2, pinned)"
  python3 -m pip install -q -r tests/peers/saml_idp/requirements.txt ||
    python3 -m pip install -q --break-system-packages -r tests/peers/saml_idp/requirements.txt ||
    return 1
  python3 -c 'import saml2' || { echo "pysaml2 is not importable by python3" >&2; return 1; }

  echo "== pip install (tests/peers/lti: pylti1p3, Flask, Flask-Caching, pinned)"
  python3 -m pip install -q -r tests/peers/lti/requirements.txt ||
    python3 -m pip install -q --break-system-packages -r tests/peers/lti/requirements.txt ||
    return 1
  python3 -c 'import pylti1p3, flask, flask_caching' ||
    { echo "pylti1p3, flask or flask_caching is not importable by python3" >&2; return 1; }

  echo "== pip install (tests/peers/xapi: tincan, pinned)"
  python3 -m pip install -q -r tests/peers/xapi/requirements.txt ||
    python3 -m pip install -q --break-system-packages -r tests/peers/xapi/requirements.txt ||
    return 1
  python3 -c 'import tincan' || { echo "tincan is not importable by python3" >&2; return 1; }

  echo "== npm ci (tests/browser, tests/peers/oidc)"
  (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error) || return 1
  (cd tests/peers/oidc && npm ci --no-audit --no-fund --loglevel=error) || return 1

  if ! cargo nextest --version >/dev/null 2>&1; then
    echo "== cargo install cargo-nextest"
    cargo install --locked cargo-nextest || return 1
  fi
}

# cargo-deny, for CI's licence and ban check.
install_cargo_deny() {
  if ! cargo deny --version >/dev/null 2>&1; then
    echo "== cargo install cargo-deny"
    cargo install --locked cargo-deny || return 1
  fi
}

# postgres_url: prints a URL of the local PostgreSQL (127.0.0.1:5432) that accepts the postgres
# or the root user, starting the server first when it is installed but down; fails otherwise.
postgres_url() {
  if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    local version
    for version in $(ls /etc/postgresql 2>/dev/null); do
      $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main start >&2 || true
    done
    for _ in $(seq 1 30); do
      pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && break
      sleep 1
    done
  fi
  local candidate
  for candidate in postgres://postgres@127.0.0.1:5432/postgres postgres://root@127.0.0.1:5432/postgres; do
    if psql -X -q "$candidate" -c 'select 1' >/dev/null 2>&1; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

# The browser scenarios under tests/browser, each run on SQLite and on PostgreSQL.
BROWSER_SCENARIOS=(run courses assess sso lti packages packages_seq cmi5)
