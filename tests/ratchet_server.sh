# Sourced by the scripts that test a running ratchet (tests/clients/run.sh,
# tests/admin/run.sh): start_ratchet starts one on a free loopback port in
# a work folder, and the EXIT trap it sets stops it by its pid.
#
#   WORK=$(mktemp -d ...)
#   start_ratchet /path/to/ratchet RATCHET_KEY=value ...   # sets SERVER_PID, PORT, URL
#
# KEEP_SERVER_LOG=1 keeps the server's stderr log (its path is printed).

SERVER_PID=""

stop_ratchet() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 50); do
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
}

cleanup() {
  stop_ratchet
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

# start_ratchet BINARY [NAME=VALUE...]: the settings are given as environment.
start_ratchet() {
  local bin=$1
  shift
  # The port may be taken between free_port and the server's bind: retry a few times.
  for attempt in 1 2 3; do
    PORT=$(free_port)
    rm -rf "$WORK/data"
    mkdir -p "$WORK/data"
    env "$@" "$bin" serve --port "$PORT" --data "$WORK/data" \
      >"$WORK/server.out" 2>"$WORK/server.log" &
    SERVER_PID=$!
    URL="http://127.0.0.1:$PORT/v1"
    for _ in $(seq 100); do
      kill -0 "$SERVER_PID" 2>/dev/null || break
      heartbeat_ok "$URL/__lbheartbeat__" && return 0
      sleep 0.1
    done
    echo "ratchet did not come up on port $PORT (attempt $attempt); its stderr:" >&2
    tail -n 20 "$WORK/server.log" >&2 || true
    stop_ratchet
  done
  echo "error: could not start ratchet" >&2
  exit 1
}
