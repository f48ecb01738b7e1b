#!/usr/bin/env bash
# Every test: types and lint, the production build, unit + real-kernel + real-guest suites (vitest), the
# hardware-in-the-loop run (tests/hil: jetvm in real mode inside a VM, and as a systemd service), then
# the browser suite against the production build.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== typecheck"; npx tsc --noEmit
echo "== lint"; npm run --silent lint
# Build the kernel rig and the demo guest once, before test files that boot them run in parallel.
echo "== kernel rig"; bash tests/rig/rig.sh build
echo "== demo guest"; bash scripts/build-demo-guest.sh
# The installer's --in-place tests and the service run in the hardware-in-the-loop VM use the built clone.
echo "== build"; npm run --silent build
echo "== unit, kernel-rig and guest tests"; npx vitest run
echo "== hardware in the loop (real kernel, real vfio, jetvm in real mode inside a VM)"; npm run -s test:hil
echo "== browser tests (Playwright, system Chromium)"; npx playwright test
