#!/usr/bin/env bash
# Every test: types, unit + real-kernel suites (vitest), then the browser suite against a production build.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== typecheck"; npx tsc --noEmit
echo "== unit, kernel-rig and guest tests"; npx vitest run
echo "== build"; npx next build
echo "== browser tests (Playwright, system Chromium)"; npx playwright test
