#!/usr/bin/env bash
# Quick start, 1 of 2: installs what building and running Amphi needs (Debian 12 with the Rust
# toolchain; as root or with sudo), builds it and runs it on its embedded default: SQLite in
# ./amphi-data/, http://127.0.0.1:8080. Arguments go to `amphi serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/install.sh

install_run_deps
exec cargo run --release -p amphi -- serve "$@"
