#!/usr/bin/env bash
# Debian 13 (trixie) build root for Sigma Workbench.
#
#   packaging/buildroot.sh [--ensure] [--] COMMAND [ARG...]
#
# Creates, once, a trixie root filesystem with everything the full build needs (Qt >= 6.5,
# KF6 SyntaxHighlighting, ...) under $SIGMA_BUILDROOT_CACHE (default /var/cache/sigma-workbench),
# then runs COMMAND inside it with the source tree (and ../shared, when present) bind-mounted at
# the same paths and the X display passed through. The root is rebuilt when the package list
# below changes (its hash names the root). --ensure only creates the root.
set -euo pipefail

PACKAGES=(
  g++ cmake ninja-build make pkgconf git ca-certificates
  qt6-base-dev qt6-base-dev-tools libkf6syntaxhighlighting-dev
  libyaml-cpp-dev libpugixml-dev libevtx-dev libpcre2-dev libcli11-dev nlohmann-json3-dev
  libtomlplusplus-dev libsimdjson-dev libzip-dev libsqlite3-dev
  libgl-dev libxkbcommon-dev fonts-dejavu-core
  xvfb xauth libxml2-utils libevtx-utils
  dpkg-dev file desktop-file-utils appstream
)
SUITE=trixie
MIRROR=${SIGMA_DEBIAN_MIRROR:-http://deb.debian.org/debian}
CACHE=${SIGMA_BUILDROOT_CACHE:-/var/cache/sigma-workbench}

die() { echo "buildroot: $*" >&2; exit 1; }

if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    exec sudo -E "$0" "$@"
  fi
  die "creating and entering the Debian 13 build root needs root (chroot and mounts); run as root or install sudo. Alternatively build natively with Qt >= 6.5 and KF6 SyntaxHighlighting, or with -DSIGMA_WITH_KSYNTAXHIGHLIGHTING=OFF."
fi

ensure_only=0
if [[ ${1:-} == --ensure ]]; then ensure_only=1; shift; fi
if [[ ${1:-} == -- ]]; then shift; fi

src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
hash=$(printf '%s\n' "$SUITE" "${PACKAGES[@]}" | sha256sum | cut -c1-12)
root="$CACHE/$SUITE-$hash"

create_root() {
  command -v mmdebstrap >/dev/null 2>&1 || {
    echo "buildroot: installing mmdebstrap" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mmdebstrap >/dev/null
  }
  mkdir -p "$CACHE"
  exec 9>"$CACHE/.lock"
  flock 9
  [[ -f "$root/.complete" ]] && return 0
  echo "buildroot: creating Debian 13 root in $root (about 2 minutes, once)" >&2
  rm -rf "$root.tmp"
  local include
  include=$(IFS=,; echo "${PACKAGES[*]}")
  mmdebstrap --variant=apt --include="$include" "$SUITE" "$root.tmp" "$MIRROR" >&2
  touch "$root.tmp/.complete"
  rm -rf "$root"
  mv "$root.tmp" "$root"
  # Older roots (other package lists) are removed unless something is mounted in them.
  for old in "$CACHE/$SUITE"-*; do
    [[ "$old" == "$root" || ! -d "$old" ]] && continue
    if ! grep -q " $old" /proc/mounts; then rm -rf "$old"; fi
  done
}

[[ -f "$root/.complete" ]] || create_root
[[ $ensure_only -eq 1 ]] && { echo "$root"; exit 0; }
[[ $# -gt 0 ]] || die "usage: $0 [--ensure] [--] COMMAND [ARG...]"

binds=("$src")
shared=$(cd "$src/.." && pwd)/shared
[[ -d "$shared" ]] && binds+=("$shared")

run_bwrap() {
  local args=(--bind "$root" / --proc /proc --dev /dev --tmpfs /tmp --bind /tmp/.X11-unix /tmp/.X11-unix)
  local b
  for b in "${binds[@]}"; do args+=(--bind "$b" "$b"); done
  [[ -n ${XAUTHORITY:-} && -f $XAUTHORITY ]] && args+=(--ro-bind "$XAUTHORITY" "$XAUTHORITY")
  args+=(--chdir "$PWD")
  bwrap "${args[@]}" -- /usr/bin/env -i HOME=/root PATH=/usr/local/bin:/usr/bin:/bin \
    LANG=C.UTF-8 DISPLAY="${DISPLAY:-}" XAUTHORITY="${XAUTHORITY:-}" CI="${CI:-}" \
    QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-}" SIGMA_SHARED_DIR="${SIGMA_SHARED_DIR:-}" "$@"
}

run_chroot() {
  local mounted=() b
  cleanup() { local m; for ((i=${#mounted[@]}-1; i>=0; i--)); do umount -l "${mounted[$i]}" 2>/dev/null || true; done; }
  trap cleanup EXIT
  mkdir -p /tmp/.X11-unix
  for b in proc:/proc dev:/dev /tmp/.X11-unix "${binds[@]}"; do
    local from=${b#*:} to="$root${b#*:}"
    mkdir -p "$to"
    if [[ $b == proc:* ]]; then mount -t proc proc "$to"; else mount --rbind "$from" "$to"; fi
    mounted+=("$to")
  done
  chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 \
    DISPLAY="${DISPLAY:-}" CI="${CI:-}" QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-}" \
    SIGMA_SHARED_DIR="${SIGMA_SHARED_DIR:-}" bash -c 'cd "$0" && exec "$@"' "$PWD" "$@"
}

mkdir -p /tmp/.X11-unix
if command -v bwrap >/dev/null 2>&1 && bwrap --bind "$root" / --proc /proc --dev /dev true 2>/dev/null; then
  run_bwrap "$@"
else
  run_chroot "$@"
fi
