#!/usr/bin/env bash
# Client-compatibility suite: runs the stock Kinto JavaScript clients
# (kinto-http, kinto.js) against a ratchet server.
#
# usage: tests/clients/run.sh /path/to/ratchet [test files...]
#
# Environment:
#   PAGINATE_BY     paginate_by setting given to the server (default 2, so
#                   that clients must follow Next-Page); the pagination tests
#                   need a value from 1 to 4
#   CLIENTS_TRACE=1 print the HTTP exchanges of passing tests too
#   KEEP_SERVER_LOG=1  keep the server's stderr log (path printed at the end)
set -euo pipefail

if [ $# -lt 1 ]; then
  echo "usage: $0 /path/to/ratchet [test files...]" >&2
  exit 2
fi
RATCHET_BIN=$(realpath "$1")
shift
if [ ! -x "$RATCHET_BIN" ]; then
  echo "error: $RATCHET_BIN is not an executable" >&2
  exit 2
fi

# Test files given on the command line may be relative to the caller's directory.
TESTS=()
for t in "$@"; do
  TESTS+=("$(realpath "$t")")
done

HERE=$(cd "$(dirname "$0")" && pwd)
cd "$HERE"

if [ ! -d node_modules ]; then
  npm ci --no-audit --no-fund
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/ratchet-clients.XXXXXX")
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
  if [ "${KEEP_SERVER_LOG:-}" = 1 ]; then
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

export PAGINATE_BY="${PAGINATE_BY:-2}"
# Also given to the tests, which check the personal bucket ids.
DEFAULT_BUCKET_HMAC_SECRET=client-tests-default-bucket
ready=""
# The port may be taken between free_port and the server's bind: retry a few times.
for attempt in 1 2 3; do
  PORT=$(free_port)
  rm -rf "$WORK/data"
  mkdir -p "$WORK/data"
  # Plugins and settings of a typical Kinto deployment (PROTOCOL.md §12):
  # default_bucket (kinto.js' out-of-the-box bucket), accounts (tried before
  # basicauth, so the basicauth users of the other tests still authenticate),
  # the /permissions endpoint, history and JSON-schema validation.
  RATCHET_USERID_HMAC_SECRET=client-tests \
  RATCHET_STORAGE_BACKEND=memory \
  RATCHET_PAGINATE_BY="$PAGINATE_BY" \
  RATCHET_INCLUDES="default_bucket accounts history" \
  RATCHET_EXPERIMENTAL_COLLECTION_SCHEMA_VALIDATION=true \
  RATCHET_MULTIAUTH_POLICIES="account basicauth" \
  RATCHET_DEFAULT_BUCKET_HMAC_SECRET="$DEFAULT_BUCKET_HMAC_SECRET" \
  RATCHET_EXPERIMENTAL_PERMISSIONS_ENDPOINT=true \
  RATCHET_ACCOUNT_CREATE_PRINCIPALS=system.Everyone \
  RATCHET_ACCOUNT_WRITE_PRINCIPALS=account:admin \
  RATCHET_ACCOUNT_BCRYPT_ROUNDS=4 \
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
echo "ratchet (pid $SERVER_PID) is up at $URL, paginate_by=$PAGINATE_BY"

if [ ${#TESTS[@]} -eq 0 ]; then
  TESTS=(kinto-http.test.js kinto-sync.test.js kinto-default-bucket.test.js kinto-accounts-permissions.test.js
         kinto-history-schema.test.js)
fi

set +e
KINTO_SERVER_URL="$URL" KINTO_PAGINATE_BY="$PAGINATE_BY" \
  KINTO_DEFAULT_BUCKET_HMAC_SECRET="$DEFAULT_BUCKET_HMAC_SECRET" \
  node --test --test-reporter=spec "${TESTS[@]}"
status=$?
set -e
exit $status
