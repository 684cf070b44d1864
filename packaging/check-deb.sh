#!/usr/bin/env bash
# Installs the .deb made by CPack into a fresh, minimal Debian 13 root and uses it there, proving
# that the package carries everything (data tables, samples, icon, desktop files) and that nothing
# points back at the build tree.
#
#   packaging/check-deb.sh [--build] [DEB] [--screenshot OUT.png]
#
# --build makes the package first (cpack in the build root, from build/trixie). Without DEB, the
# newest build/trixie/sigma-workbench_*.deb is used. Needs root (like packaging/buildroot.sh).
# What it checks, in a copy of a cached minimal root (no build tools, no -dev packages):
#   apt-get install ./sigma-workbench_*.deb   (dependencies from dpkg-shlibdeps must resolve)
#   sigmawb --version; sigmawb lint and test on the installed samples
#   desktop-file-validate, appstreamcli validate --pedantic on the installed files
#   no installed file mentions the source or build tree; no RUNPATH
#   the GUI starts under Xvfb on the samples; a screenshot of it is written
set -euo pipefail

SUITE=trixie
MIRROR=${SIGMA_DEBIAN_MIRROR:-http://deb.debian.org/debian}
CACHE=${SIGMA_BUILDROOT_CACHE:-/var/cache/sigma-workbench}
# The clean root has only what a desktop user's system has plus the checking tools.
BASE_PACKAGES=(ca-certificates xvfb xauth imagemagick fonts-dejavu-core desktop-file-utils appstream binutils file)

die() { echo "check-deb: $*" >&2; exit 1; }
say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then exec sudo -E "$0" "$@"; fi
  die "needs root (a root filesystem is created and entered)"
fi

src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=0 deb="" shot=""
while [[ $# -gt 0 ]]; do
  case $1 in
  --build) build=1 ;;
  --screenshot) shift; shot=$1 ;;
  -*) die "unknown option $1" ;;
  *) deb=$1 ;;
  esac
  shift
done

if [[ $build -eq 1 ]]; then
  say "making the package (cpack in the Debian 13 build root)"
  rm -f "$src"/build/trixie/sigma-workbench_*.deb
  "$src/packaging/buildroot.sh" -- bash -c "cd '$src/build/trixie' && cpack -G DEB >/dev/null"
fi
if [[ -z $deb ]]; then
  deb=$(ls -t "$src"/build/trixie/sigma-workbench_*.deb 2>/dev/null | head -n1 || true)
  [[ -n $deb ]] || die "no package: run with --build, or give the .deb"
fi
deb=$(realpath "$deb")
[[ -f $deb ]] || die "no such file: $deb"

hash=$(printf '%s\n' check "$SUITE" "${BASE_PACKAGES[@]}" | sha256sum | cut -c1-12)
base="$CACHE/check-$SUITE-$hash"
mkdir -p "$CACHE"
if [[ ! -f $base/.complete ]]; then
  command -v mmdebstrap >/dev/null 2>&1 || die "mmdebstrap is missing (apt-get install mmdebstrap)"
  exec 9>"$CACHE/.check-lock"
  flock 9
  if [[ ! -f $base/.complete ]]; then
    say "creating the clean Debian 13 root $base (once)"
    rm -rf "$base.tmp"
    mmdebstrap --variant=apt --include="$(IFS=,; echo "${BASE_PACKAGES[*]}")" "$SUITE" "$base.tmp" "$MIRROR" >&2
    touch "$base.tmp/.complete"
    rm -rf "$base"
    mv "$base.tmp" "$base"
    for old in "$CACHE/check-$SUITE"-*; do
      [[ $old == "$base" || ! -d $old || $old == *.tmp ]] && continue
      rm -rf "$old"
    done
  fi
fi

work=$(mktemp -d /tmp/sigma-check-deb.XXXXXX)
trap 'rm -rf "$work"' EXIT
say "copying the clean root"
cp -a "$base" "$work/root"
mkdir -p "$work/root/check" "$work/out"
cp "$deb" "$work/root/check/"
debname=$(basename "$deb")

say "package: $debname"
dpkg-deb --field "$deb" Package Version Depends | sed 's/^/    /' >&2

cat >"$work/root/check/run.sh" <<'INNER'
#!/bin/bash
set -euo pipefail
fail() { echo "check-deb: FAILED: $*" >&2; exit 1; }
chmod 1777 /tmp # bwrap's tmpfs is root's 0755: apt's sandbox user needs to write there
cd /check
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends ./"$1" >/dev/null || fail "apt-get install ./$1"
echo "--- files"
dpkg -L sigma-workbench | sort
echo "--- sigmawb --version"
sigmawb --version || fail "sigmawb --version"
samples=/usr/share/sigma-workbench/samples
[[ -d $samples/rules ]] || fail "no samples in $samples"
echo "--- sigmawb lint $samples/rules"
sigmawb lint "$samples/rules" || fail "lint of the installed samples"
[[ -d $samples/corpus ]] || fail "no sample corpus in $samples/corpus"
echo "--- sigmawb lint $samples/corpus"
sigmawb lint "$samples/corpus" || fail "lint of the installed sample corpus"
echo "--- sigmawb test $samples"
cp -r "$samples" /tmp/samples
sigmawb test /tmp/samples || fail "the sample tests"
echo "--- desktop integration"
desktop-file-validate /usr/share/applications/org.sigmaworkbench.workbench.desktop || fail "desktop-file-validate"
appstreamcli validate --pedantic --no-net /usr/share/metainfo/org.sigmaworkbench.workbench.metainfo.xml ||
  fail "appstreamcli validate"
icon=$(sed -n 's/^Icon=//p' /usr/share/applications/org.sigmaworkbench.workbench.desktop)
[[ -f /usr/share/icons/hicolor/scalable/apps/$icon.svg ]] || fail "icon $icon is not installed"
for size in 16x16 32x32 48x48 64x64 128x128 256x256; do
  [[ -f /usr/share/icons/hicolor/$size/apps/$icon.png ]] || fail "icon $icon is not installed in $size"
done
[[ -f /usr/share/mime/packages/org.sigmaworkbench.workbench.xml ]] || fail "no MIME type for .evtx"
echo "--- man sigmawb and the shell completions"
ls /usr/share/man/man1/sigmawb.1* >/dev/null || fail "no man page"
[[ -f /usr/share/bash-completion/completions/sigmawb ]] || fail "no bash completion"
[[ -f /usr/share/zsh/vendor-completions/_sigmawb ]] || fail "no zsh completion"
[[ -f /usr/share/fish/vendor_completions.d/sigmawb.fish ]] || fail "no fish completion"
bash -n /usr/share/bash-completion/completions/sigmawb || fail "bash completion does not parse"
echo "--- nothing points back at the build tree"
for f in $(dpkg -L sigma-workbench); do
  [[ -f $f ]] || continue
  if grep -qa -e "$2" "$f"; then fail "$f mentions $2"; fi
  if file -b "$f" | grep -q ELF && readelf -d "$f" | grep -qE 'RPATH|RUNPATH'; then fail "$f has a RUNPATH"; fi
done
echo "--- the GUI under Xvfb"
export HOME=/tmp/home; mkdir -p "$HOME"
xvfb-run -a -s '-screen 0 1600x1000x24' bash -c '
  sigma-workbench --samples >/tmp/gui.log 2>&1 & pid=$!
  sleep 8
  kill -0 $pid || { cat /tmp/gui.log; exit 1; }
  import -window root /check/screenshot.png
  kill $pid; wait $pid 2>/dev/null || true' || fail "the GUI did not start"
[[ -s /check/screenshot.png ]] || fail "no screenshot"
echo "check-deb: all checks passed"
INNER
chmod +x "$work/root/check/run.sh"

say "installing and checking in the clean root"
bwrap --bind "$work/root" / --proc /proc --dev /dev --tmpfs /tmp --ro-bind /etc/resolv.conf /etc/resolv.conf \
  -- /usr/bin/env -i HOME=/root PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin LANG=C.UTF-8 \
  /check/run.sh "$debname" "$src"
if [[ -n $shot ]]; then
  cp "$work/root/check/screenshot.png" "$shot"
  say "screenshot: $shot"
fi
