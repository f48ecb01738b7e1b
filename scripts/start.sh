#!/usr/bin/env bash
# Runs the compiled dashboard (npm run build puts it in dist/) as one node process. The V8 flags trade a
# little peak speed for memory: a 1 MiB young generation, one helper thread and --optimize-for-size keep
# the idle server under 100 MiB RSS (npm run bench:memory measures it). --no-lazy-feedback-allocation
# gives a function its inline caches from its first call rather than its ninth: code that has not run
# for a while (the console's keystroke path, whose bytecode V8 flushes when idle) is quick again at once,
# at no memory cost measured (docs/console.md). NODE names the node binary (default: node on PATH).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f dist/server/main.js ]; then
  echo "jetvm: dist/server/main.js is missing: run npm run build first" >&2
  exit 1
fi
export NODE_ENV=production
exec "${NODE:-node}" --max-semi-space-size=1 --v8-pool-size=1 --optimize-for-size --no-lazy-feedback-allocation dist/server/main.js "$@"
