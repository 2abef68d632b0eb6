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
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 50); do
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [ "${KEEP_SERVER_LOG:-}" = 1 ] && [ -f "$WORK/server.log" ]; then
    echo "server log kept in $WORK/server.log" >&2
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  # Ask the kernel for a free loopback port, then release it.
  node -e '
    const s = require("net").createServer();
    s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });
  '
}

heartbeat_ok() {
  node -e '
    fetch(process.argv[1]).then(r => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1));
  ' "$1"
}

if [ -n "$RATCHET_BIN" ]; then
  ready=""
  # The port may be taken between free_port and the server's bind: retry a few times.
  for attempt in 1 2 3; do
    PORT=$(free_port)
    rm -rf "$WORK/data"
    mkdir -p "$WORK/data"
    # The admin plugin serving the build; basicauth users; the /permissions
    # endpoint, which Kinto Admin reads to show what the user may do.
    RATCHET_USERID_HMAC_SECRET=admin-ui-tests \
    RATCHET_STORAGE_BACKEND=memory \
    RATCHET_INCLUDES=admin \
    RATCHET_ADMIN_ASSETS_PATH="$ASSETS" \
    RATCHET_MULTIAUTH_POLICIES=basicauth \
    RATCHET_BUCKET_CREATE_PRINCIPALS=system.Authenticated \
      "$RATCHET_BIN" serve --port "$PORT" --data "$WORK/data" \
      >"$WORK/server.out" 2>"$WORK/server.log" &
    SERVER_PID=$!
    URL="http://127.0.0.1:$PORT/v1"
    for _ in $(seq 100); do
      if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        break
      fi
      if heartbeat_ok "$URL/__lbheartbeat__"; then
        ready=1
        break
      fi
      sleep 0.1
    done
    [ -n "$ready" ] && break
    echo "ratchet did not come up on port $PORT (attempt $attempt); its stderr:" >&2
    tail -n 20 "$WORK/server.log" >&2 || true
    if kill -0 "$SERVER_PID" 2>/dev/null; then
      kill "$SERVER_PID" 2>/dev/null || true
    fi
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
  done
  if [ -z "$ready" ]; then
    echo "error: could not start ratchet" >&2
    exit 1
  fi
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
