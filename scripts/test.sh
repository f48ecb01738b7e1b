#!/usr/bin/env bash
# Every test: types, unit + real-kernel + real-guest suites (vitest), then the browser suite against a production build.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== typecheck"; npx tsc --noEmit
# Build the kernel rig and the demo guest once, before test files that boot them run in parallel.
rig=${JETVM_KERNEL_RIG:-../shared/kernel-rig}
if [ -x "$rig/rig.sh" ] && [ ! -f "${RIG_CACHE:-$HOME/.cache/kernel-rig}/base.cpio.gz" ]; then echo "== kernel rig"; bash "$rig/rig.sh" build; fi
echo "== demo guest"; bash scripts/build-demo-guest.sh
echo "== unit, kernel-rig and guest tests"; npx vitest run
echo "== build"; npx next build
echo "== browser tests (Playwright, system Chromium)"; npx playwright test
