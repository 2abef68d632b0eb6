#!/usr/bin/env bash
# Builds Kinto Admin (kinto-admin from npm, bundled with esbuild) into OUTDIR:
# index.html, admin-<hash>.js, admin-<hash>.css, assets/ and VERSION (the
# kinto-admin version, read by the server for its `admin` capability). Every
# URL in it is relative: ratchet serves OUTDIR at /v1/admin/.
#
# usage: admin/build.sh OUTDIR
#
# Runs `npm ci` first when admin/node_modules is missing or older than
# package-lock.json. Without node or npm, or when `npm ci` fails (no registry),
# it prints one line saying the admin UI was skipped and exits 0 without
# writing OUTDIR/index.html.
set -euo pipefail

if [ $# -ne 1 ] || [ -z "$1" ]; then
  echo "usage: $0 OUTDIR" >&2
  exit 2
fi
mkdir -p "$1"
OUTDIR=$(cd "$1" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)

skip() {
  echo "admin UI skipped: $*"
  exit 0
}

command -v node >/dev/null 2>&1 || skip "node not found"
command -v npm >/dev/null 2>&1 || skip "npm not found"

cd "$HERE"
stamp=node_modules/.package-lock.json  # written by npm ci
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  log="${TMPDIR:-/tmp}/ratchet-admin-npm-ci.log"
  # --ignore-scripts: no package here needs its install script (esbuild's only
  # checks its binary, which comes as the optional package @esbuild/<platform>).
  if ! npm ci --no-audit --no-fund --ignore-scripts --prefer-offline >"$log" 2>&1; then
    rm -rf node_modules
    skip "npm ci failed in $HERE (log: $log)"
  fi
  rm -f "$log"
fi

exec node build.mjs "$OUTDIR"
