#!/usr/bin/env bash
# Installs and starts what the tests need, idempotently, then prints the
# environment to use. Sourced by `make test` and .ci/run:
#   eval "$(bash .ci/deps.sh)"
# Needs root (or passwordless sudo) for Debian's packages on a fresh machine;
# see the README for pointing the tests at your own PostgreSQL and Chromium.
set -euo pipefail
log() { echo "deps: $*" >&2; }
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"

apt_updated=""
apt_install() {
  [ -n "$apt_updated" ] || { $SUDO apt-get update -qq >&2; apt_updated=1; }
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@" >&2
}

# --- Chromium (Debian's build; Playwright's own download cannot be reached) ---
CHROMIUM=${ROOMDESK_CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ]; then
  log "installing chromium"
  apt_install chromium
fi

# --- python3, for the outside checker of the audit chain in docs/AUDIT.md ---
command -v python3 >/dev/null || { log "installing python3"; apt_install python3; }

# --- PostgreSQL, unless the caller already points the tests at one ---
if [ -z "${ROOMDESK_TEST_DATABASE_URL:-}" ]; then
  if ! command -v pg_ctlcluster >/dev/null; then
    log "installing postgresql"
    apt_install postgresql
  fi
  PGVER=$(ls /usr/lib/postgresql | sort -n | tail -1)
  if ! pg_lsclusters -h | awk '{print $4}' | grep -q online; then
    pg_lsclusters -h | grep -q . || $SUDO pg_createcluster "$PGVER" main >&2
    $SUDO pg_ctlcluster "$PGVER" main start >&2
  fi
  for i in $(seq 1 50); do
    $SUDO su postgres -c "psql -Atc 'SELECT 1'" >/dev/null 2>&1 && break
    sleep 0.2
  done
  $SUDO su postgres -c "psql -Atc \"SELECT 1 FROM pg_roles WHERE rolname='roomdesk'\"" | grep -q 1 \
    || $SUDO su postgres -c "psql -qc \"CREATE ROLE roomdesk LOGIN CREATEDB PASSWORD 'roomdesk'\"" >&2
  $SUDO su postgres -c "psql -Atc \"SELECT 1 FROM pg_database WHERE datname='roomdesk_test'\"" | grep -q 1 \
    || $SUDO su postgres -c "createdb -O roomdesk roomdesk_test" >&2
  ROOMDESK_TEST_DATABASE_URL='postgres://roomdesk:roomdesk@127.0.0.1:5432/roomdesk_test?sslmode=disable'
fi

# --- playwright-go's driver: playwright-core from npm, at the exact version ---
PW_GO_MOD=github.com/mxschmitt/playwright-go
go mod download "$PW_GO_MOD" >&2
PW_DIR=$(go list -m -f '{{.Dir}}' "$PW_GO_MOD")
PW_VERSION=$(sed -n 's/.*playwrightCliVersion[[:space:]]*=[[:space:]]*"\([0-9][^"]*\)".*/\1/p' "$PW_DIR/run.go" | head -n1)
DRIVER=${PLAYWRIGHT_DRIVER_PATH:-$HOME/.cache/ms-playwright-go/$PW_VERSION}
if [ "$("$DRIVER/node" "$DRIVER/package/cli.js" --version 2>/dev/null)" != "Version $PW_VERSION" ]; then
  log "installing playwright-core@$PW_VERSION driver into $DRIVER"
  rm -rf "$DRIVER" && mkdir -p "$DRIVER"
  npm install --prefix "$DRIVER" --no-save --no-package-lock --no-audit --no-fund "playwright-core@$PW_VERSION" >&2
  ln -sfn node_modules/playwright-core "$DRIVER/package"
  ln -sfn "$(command -v node)" "$DRIVER/node"
fi

echo "export ROOMDESK_TEST_DATABASE_URL='$ROOMDESK_TEST_DATABASE_URL'"
echo "export PLAYWRIGHT_DRIVER_PATH='$DRIVER'"
echo "export ROOMDESK_CHROMIUM='$CHROMIUM'"
