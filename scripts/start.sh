#!/usr/bin/env bash
# Runs the compiled dashboard (npm run build puts it in dist/) as one node process. The V8 flags trade a
# little peak speed for memory: a 1 MiB young generation and one helper thread keep the idle server
# under 100 MiB RSS (npm run bench:memory measures it). NODE names the node binary (default: node on PATH).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f dist/server/main.js ]; then
  echo "jetvm: dist/server/main.js is missing: run npm run build first" >&2
  exit 1
fi
export NODE_ENV=production
exec "${NODE:-node}" --max-semi-space-size=1 --v8-pool-size=1 --optimize-for-size dist/server/main.js "$@"
