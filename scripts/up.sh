#!/usr/bin/env bash
# Quick start: install what jetvm needs, build the demo guest and the UI, and start the dashboard.
# On anything but a Jetson this runs the simulated Jetson AGX Orin (nothing on this machine's /sys is touched).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then npm ci; fi
bash scripts/build-demo-guest.sh
npm run build
# the compiled server as the only process (npm start would keep npm itself running as its parent)
exec bash scripts/start.sh
