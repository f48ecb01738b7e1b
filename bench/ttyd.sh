#!/usr/bin/env bash
# Builds ttyd 1.7.7, the reference web terminal of npm run bench:console (Debian 12 has no package), into
# JETVM_TTYD_CACHE (default ~/.cache/jetvm/ttyd): the binary is $JETVM_TTYD_CACHE/ttyd. From the source in
# TTYD_SRC when set (a ttyd checkout), else from a shallow clone of github.com/tsl0922/ttyd at tag 1.7.7.
# Build dependencies (Debian): cmake libwebsockets-dev libjson-c-dev libuv1-dev zlib1g-dev (scripts/install-deps.sh);
# the bench also runs socat. Never part of npm test. Prints the binary's path last.
set -euo pipefail
TAG=1.7.7
CACHE="${JETVM_TTYD_CACHE:-${HOME}/.cache/jetvm/ttyd}"
if [ -x "$CACHE/ttyd" ] && "$CACHE/ttyd" --version 2>/dev/null | grep -q "$TAG"; then
  echo "$CACHE/ttyd"
  exit 0
fi
for tool in cmake make cc; do
  command -v "$tool" >/dev/null || { echo "ttyd.sh: $tool is missing: run scripts/install-deps.sh" >&2; exit 1; }
done
mkdir -p "$CACHE"
work="$(mktemp -d "$CACHE/build.XXXXXX")"
trap 'rm -rf "$work"' EXIT
if [ -n "${TTYD_SRC:-}" ]; then
  [ -f "$TTYD_SRC/src/protocol.c" ] || { echo "ttyd.sh: TTYD_SRC=$TTYD_SRC is not a ttyd source tree" >&2; exit 1; }
  src="$TTYD_SRC"
else
  git -c advice.detachedHead=false clone -q --depth 1 -b "$TAG" https://github.com/tsl0922/ttyd "$work/src"
  src="$work/src"
fi
cmake -S "$src" -B "$work/build" -DCMAKE_BUILD_TYPE=Release >"$work/cmake.log" 2>&1 || { cat "$work/cmake.log" >&2; exit 1; }
make -C "$work/build" -j"$(nproc)" >"$work/make.log" 2>&1 || { cat "$work/make.log" >&2; exit 1; }
"$work/build/ttyd" --version | grep -q "$TAG" || { echo "ttyd.sh: the source in $src is not ttyd $TAG" >&2; exit 1; }
install -m 0755 "$work/build/ttyd" "$CACHE/ttyd.new"
mv "$CACHE/ttyd.new" "$CACHE/ttyd"
echo "$CACHE/ttyd"
