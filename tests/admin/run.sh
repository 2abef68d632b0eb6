#!/usr/bin/env bash
# Admin UI test: drives Kinto Admin, served by ratchet at /v1/admin/, in
# headless Chromium (Debian's /usr/bin/chromium, through playwright-core).
#
# usage: tests/admin/run.sh /path/to/ratchet ASSETS_DIR
#        KINTO_SERVER_URL=http://127.0.0.1:PORT/v1 tests/admin/run.sh [ASSETS_DIR]
#
# The first form starts ratchet on a free loopback port, with the memory
# backend, basicauth and `includes = admin` serving ASSETS_DIR (what
# admin/build.sh built), and stops it by its pid at the end. The second runs
# the test against a server already running (it must serve the admin at
# KINTO_ADMIN_URL, by default $KINTO_SERVER_URL/admin/); ASSETS_DIR is then
# optional and only checks the VERSION of the hello `admin` capability.
#
# Environment:
#   CHROMIUM=/path     the browser (default /usr/bin/chromium: apt-get install chromium)
#   ADMIN_TRACE=1      print every request the page made
#   KEEP_SERVER_LOG=1  keep the server's stderr log (path printed at the end)
# On a failure the page's screenshot is saved in ${TMPDIR:-/tmp}; its path is printed.
set -euo pipefail

usage() {
  echo "usage: $0 /path/to/ratchet ASSETS_DIR" >&2
  echo "   or: KINTO_SERVER_URL=http://HOST:PORT/v1 $0 [ASSETS_DIR]" >&2
  exit 2
}

RATCHET_BIN=""
ASSETS=""
if [ -n "${KINTO_SERVER_URL:-}" ]; then
  [ $# -le 1 ] || usage
  if [ $# -eq 1 ]; then ASSETS=$(realpath "$1"); fi
else
  [ $# -eq 2 ] || usage
  RATCHET_BIN=$(realpath "$1")
  ASSETS=$(realpath "$2")
  if [ ! -x "$RATCHET_BIN" ]; then
    echo "error: $RATCHET_BIN is not an executable" >&2
    exit 2
  fi
fi
if [ -n "$ASSETS" ] && [ ! -f "$ASSETS/index.html" ]; then
  echo "error: $ASSETS/index.html is missing: build the admin first (admin/build.sh $ASSETS)" >&2
  exit 2
fi
export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
  echo "error: no browser at $CHROMIUM (apt-get install -y chromium, or set CHROMIUM)" >&2
  exit 2
fi

HERE=$(cd "$(dirname "$0")" && pwd)
cd "$HERE"

if [ ! -d node_modules ]; then
  # playwright-core downloads no browser; the variable is a guard all the same.
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/ratchet-admin.XXXXXX")
# shellcheck source=../ratchet_server.sh
. "$HERE/../ratchet_server.sh"

if [ -n "$RATCHET_BIN" ]; then
  # The admin plugin serving the build (it turns on the /permissions
  # endpoint, which Kinto Admin reads to show what the user may do);
  # basicauth users.
  start_ratchet "$RATCHET_BIN" \
    RATCHET_USERID_HMAC_SECRET=admin-ui-tests \
    RATCHET_STORAGE_BACKEND=memory \
    RATCHET_INCLUDES=admin \
    RATCHET_ADMIN_ASSETS_PATH="$ASSETS" \
    RATCHET_MULTIAUTH_POLICIES=basicauth \
    RATCHET_BUCKET_CREATE_PRINCIPALS=system.Authenticated
  echo "ratchet (pid $SERVER_PID) is up at $URL, serving the admin from $ASSETS"
  export KINTO_SERVER_URL="$URL"
else
  echo "testing the server at $KINTO_SERVER_URL"
fi

set +e
ADMIN_ASSETS_DIR="$ASSETS" node --test --test-reporter=spec admin.test.js
status=$?
set -e
exit $status
