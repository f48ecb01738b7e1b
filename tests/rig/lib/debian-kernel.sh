# shellcheck shell=bash
# A Debian kernel and busybox as files to boot under QEMU: a small library, sourced by tests/rig/rig.sh
# (arm64) and usable for any Debian architecture (amd64, arm64, ...). Nothing here touches the
# system's apt configuration or package state, and nothing needs root.
#
#   dk_fetch ARCH DIR PKG...        download the .debs for ARCH into DIR/debs, with apt's lists and
#                                   cache in DIR/apt; the name `linux-image` stands for the kernel that
#                                   linux-image-ARCH depends on today (e.g. linux-image-6.1.0-28-arm64).
#                                   Does nothing when every asked package is already in DIR/debs.
#   dk_deb DIR NAME                 print the path of NAME's .deb in DIR/debs (`linux-image` as above)
#   dk_unpack DEB DEST              unpack a .deb's files into DEST
#   dk_kernel_release ROOT          print the kernel release unpacked under ROOT/lib/modules
#   dk_install_modules MODDIR DEST MOD...
#                                   copy MOD... and every module they depend on (each .ko's own
#                                   `depends=` list, read from the file, so no depmod is needed) from
#                                   MODDIR into DEST with the same relative paths, uncompressed (.ko);
#                                   print the relative paths in load order, dependencies first
#                                   (busybox: `for m in $(cat LIST); do insmod DEST/$m; done`).
#                                   Modules built into the kernel are skipped.
#   dk_cpio DIR OUT                 pack DIR as a gzip'd newc archive (sorted, owned by root), for -initrd
#
# Settings: DK_MIRROR (http://deb.debian.org/debian), DK_SUITE (bookworm),
# DK_KEYRING (/usr/share/keyrings/debian-archive-keyring.gpg).
# Needs: apt-get, dpkg-deb, cpio, gzip; xz/zstd only for compressed modules. Errors go to stderr and
# return non-zero.

dk_die() { echo "debian-kernel: $*" >&2; return 1; }

# dk_apt TOOL ARCH DIR ARGS...: apt-get or apt-cache on DIR's private apt state
dk_apt() {
  local tool=$1 arch=$2 dir=$3; shift 3
  "$tool" -q -o APT::Architecture="$arch" -o APT::Architectures="$arch" \
    -o Dir::Etc::SourceList="$dir/apt/sources.list" -o Dir::Etc::SourceParts="$dir/apt/empty.d" \
    -o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts="$dir/apt/empty.d" \
    -o Dir::State::Lists="$dir/apt/lists" -o Dir::Cache="$dir/apt/cache" \
    -o Dir::State::status=/dev/null -o Debug::NoLocking=1 -o APT::Sandbox::User="$(id -un)" "$@"
}

dk_deb() {
  local dir=$1 name=$2 f
  if [ "$name" = linux-image ]; then
    f=$(find "$dir/debs" -maxdepth 1 -name 'linux-image-[0-9]*.deb' ! -name '*-dbg_*' 2>/dev/null | sort | tail -1)
  else
    f=$(find "$dir/debs" -maxdepth 1 -name "${name}_*.deb" 2>/dev/null | sort | tail -1)
  fi
  [ -n "$f" ] || return 1
  echo "$f"
}

dk_fetch() {
  local arch=$1 dir=$2; shift 2
  local mirror=${DK_MIRROR:-http://deb.debian.org/debian} suite=${DK_SUITE:-bookworm}
  local keyring=${DK_KEYRING:-/usr/share/keyrings/debian-archive-keyring.gpg}
  local p missing=() want=()
  for p in "$@"; do dk_deb "$dir" "$p" >/dev/null || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ -r "$keyring" ] || { dk_die "no Debian archive keyring at $keyring (apt-get install debian-archive-keyring, or set DK_KEYRING)"; return 1; }
  mkdir -p "$dir/debs" "$dir/apt/lists/partial" "$dir/apt/cache/archives/partial" "$dir/apt/empty.d"
  printf 'deb [arch=%s signed-by=%s] %s %s main\n' "$arch" "$keyring" "$mirror" "$suite" > "$dir/apt/sources.list"
  echo "fetching $arch package lists from $mirror $suite ..." >&2
  dk_apt apt-get "$arch" "$dir" update >/dev/null || { dk_die "apt-get update failed (network? mirror $mirror)"; return 1; }
  for p in "${missing[@]}"; do
    if [ "$p" = linux-image ]; then
      p=$(dk_apt apt-cache "$arch" "$dir" depends "linux-image-$arch" | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
      [ -n "$p" ] || { dk_die "could not resolve linux-image-$arch to a kernel package"; return 1; }
    fi
    want+=("$p:$arch")
  done
  echo "downloading ${want[*]} ..." >&2
  (cd "$dir/debs" && dk_apt apt-get "$arch" "$dir" download "${want[@]}" >/dev/null) || { dk_die "apt-get download ${want[*]} failed"; return 1; }
}

dk_unpack() { mkdir -p "$2" && dpkg-deb -x "$1" "$2"; }

dk_kernel_release() {
  local r
  r=$(find "$1/lib/modules" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' 2>/dev/null | sort | tail -1)
  [ -n "$r" ] || { dk_die "no kernel modules under $1/lib/modules"; return 1; }
  echo "$r"
}

# the .ko's bytes, whatever it is compressed with
dk_ko_cat() {
  case "$1" in
    *.ko.xz) xz -dc "$1" ;;
    *.ko.zst) zstd -qdc "$1" ;;
    *.ko.gz) gzip -dc "$1" ;;
    *) cat "$1" ;;
  esac
}

dk_install_modules() {
  local moddir=$1 dest=$2; shift 2
  local -A path_of=() seen=()
  local f n order=()
  while IFS= read -r f; do
    n=${f##*/}; n=${n%%.ko*}; path_of[${n//-/_}]=$f
  done < <(cd "$moddir" && find kernel -name '*.ko' -o -name '*.ko.[gxz]z' -o -name '*.ko.zst')
  dk_visit() {
    local name=${1//-/_} file deps d
    [ -n "${seen[$name]:-}" ] && return 0
    seen[$name]=1
    file=${path_of[$name]:-}
    [ -n "$file" ] || return 0 # built in
    deps=$(dk_ko_cat "$moddir/$file" | tr '\0' '\n' | sed -n 's/^depends=//p' | head -1 | tr ',' ' ')
    for d in $deps; do dk_visit "$d"; done
    order+=("${file%.ko*}.ko")
    mkdir -p "$dest/$(dirname "$file")"
    dk_ko_cat "$moddir/$file" > "$dest/${file%.ko*}.ko"
  }
  for n in "$@"; do
    [ -n "${path_of[${n//-/_}]:-}" ] || grep -qE "/${n//[-_]/[-_]}\.ko" "$moddir/modules.builtin" 2>/dev/null ||
      { dk_die "no module $n in $moddir"; return 1; }
    dk_visit "$n"
  done
  printf '%s\n' "${order[@]}"
}

dk_cpio() {
  local dir=$1 out=$2
  (cd "$dir" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip -1) > "$out.tmp" && mv "$out.tmp" "$out"
}
