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
# shellcheck source=../ratchet_server.sh
. "$HERE/../ratchet_server.sh"

export PAGINATE_BY="${PAGINATE_BY:-2}"
# Also given to the tests, which check the personal bucket ids.
DEFAULT_BUCKET_HMAC_SECRET=client-tests-default-bucket
# Plugins and settings of a typical Kinto deployment (PROTOCOL.md §12):
# default_bucket (kinto.js' out-of-the-box bucket), accounts (tried before
# basicauth, so the basicauth users of the other tests still authenticate),
# the /permissions endpoint, history and JSON-schema validation.
start_ratchet "$RATCHET_BIN" \
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
  RATCHET_ACCOUNT_BCRYPT_ROUNDS=4
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
