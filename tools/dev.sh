#!/usr/bin/env bash
# Backend of the README's commands (`make run`, `make test`): installs what is missing, builds,
# then runs the GUI on the bundled samples or the whole test suite.
#
#   tools/dev.sh deps|build|test|run|reduced-test|bench|fuzz [ARGS...]
#
# Where the host has (or can install) Qt >= 6.5 and KF6 SyntaxHighlighting, everything builds
# natively. Elsewhere (Debian 12, Ubuntu 24.04) the build runs inside the Debian 13 build root
# made by packaging/buildroot.sh. SIGMA_BUILD_MODE=native|buildroot overrides the choice.
set -euo pipefail

src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$src"

NATIVE_PACKAGES=(g++ cmake ninja-build pkgconf qt6-base-dev qt6-base-dev-tools libyaml-cpp-dev libpugixml-dev
  libevtx-dev libpcre2-dev libcli11-dev nlohmann-json3-dev libtomlplusplus-dev libsimdjson-dev libzip-dev libsqlite3-dev
  libgl-dev libevtx-utils libxml2-utils desktop-file-utils appstream)
FULL_EXTRA=(libkf6syntaxhighlighting-dev)
JOBS=${JOBS:-$(nproc)}

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { echo "dev.sh: $*" >&2; exit 1; }

as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "need root to run: $* (install sudo or run as root)"; fi
}

apt_updated=0
apt_install() { # installs the packages that are not installed yet
  local missing=() p
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  command -v apt-get >/dev/null 2>&1 || die "missing packages (${missing[*]}) and no apt-get; install them by hand (see README)"
  say "installing: ${missing[*]}"
  if [[ $apt_updated -eq 0 ]]; then as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

has_candidate() { apt-cache policy "$1" 2>/dev/null | grep -q 'Candidate: [0-9]'; }

mode() {
  if [[ -n ${SIGMA_BUILD_MODE:-} ]]; then echo "$SIGMA_BUILD_MODE"; return; fi
  if dpkg -s libkf6syntaxhighlighting-dev >/dev/null 2>&1; then echo native; return; fi
  if command -v apt-get >/dev/null 2>&1; then
    if [[ $apt_updated -eq 0 ]] && ! has_candidate libkf6syntaxhighlighting-dev; then
      as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq; apt_updated=1
    fi
    if has_candidate libkf6syntaxhighlighting-dev; then echo native; return; fi
  fi
  echo buildroot
}

in_env() { # runs a command natively or inside the build root, depending on the mode
  if [[ $MODE == buildroot ]]; then packaging/buildroot.sh -- "$@"; else "$@"; fi
}

deps() {
  case $MODE in
  native) apt_install "${NATIVE_PACKAGES[@]}" "${FULL_EXTRA[@]}" ;;
  buildroot)
    apt_install mmdebstrap bubblewrap debian-archive-keyring
    packaging/buildroot.sh --ensure >/dev/null ;;
  reduced) apt_install "${NATIVE_PACKAGES[@]}" ;;
  *) die "unknown mode $MODE" ;;
  esac
}

preset() { case $MODE in native) echo dev ;; buildroot) echo trixie ;; reduced) echo reduced ;; esac; }

build() {
  deps
  local p; p=$(preset)
  say "building ($MODE, preset $p)"
  in_env bash -c "cmake --preset $p >/dev/null && cmake --build --preset $p -j $JOBS"
}

run_tests() {
  build
  local p; p=$(preset)
  say "running the test suite ($MODE)"
  in_env ctest --preset "$p" -j "$JOBS" "$@"
}

run_benchmarks() {
  build
  local p; p=$(preset)
  say "running the benchmarks ($MODE)"
  in_env ctest --preset "$p-bench" "$@"
}

run_gui() {
  build
  local p; p=$(preset)
  if [[ -z ${DISPLAY:-} && -z ${WAYLAND_DISPLAY:-} ]]; then
    die "no display (DISPLAY is not set); start it from a desktop session, or e.g. under xvfb-run"
  fi
  say "starting Sigma Workbench on the sample workspace"
  in_env build/"$p"/app/sigma-workbench --samples "$@"
}

# Every libFuzzer target (preset `fuzz`: clang, ASan + UBSan; core only, no Qt) for `seconds` each,
# from its seeds in fuzz/corpus/<target> plus what earlier runs found (build/fuzz/campaign/<target>,
# kept between runs). Prints each target's executions, coverage and peak RSS; a crash, leak,
# timeout or out-of-memory leaves the input in build/fuzz/campaign/ and fails the command.
run_fuzz() {
  local seconds=${1:-60}
  [[ $seconds =~ ^[1-9][0-9]*$ ]] || die "fuzz: SECONDS must be a whole number of seconds per target"
  apt_install clang "${NATIVE_PACKAGES[@]}"
  say "building the fuzz targets (preset fuzz)"
  cmake --preset fuzz >/dev/null && cmake --build --preset fuzz -j "$JOBS"
  local out=build/fuzz/campaign failed=() exe name corpus stats
  mkdir -p "$out"
  for exe in build/fuzz/fuzz/fuzz_*; do
    [[ -x $exe && -f $exe ]] || continue
    name=$(basename "$exe")
    corpus=$out/$name
    mkdir -p "$corpus"
    local seeds=()
    [[ -d fuzz/corpus/$name ]] && seeds=("fuzz/corpus/$name")
    say "fuzzing $name for ${seconds} s"
    if ! "$exe" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$out/$name-" "$corpus" "${seeds[@]}" >"$out/$name.log" 2>&1; then
      failed+=("$name")
    fi
    # libFuzzer's last line: "#<execs>\tDONE   cov: ... ft: ... corp: ... exec/s: ... rss: ...".
    stats=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$out/$name.log" | tail -n 1 | tr '\t' ' ' || true)
    printf '%-22s %s\n' "$name" "${stats:-(no final line: see $out/$name.log)}"
  done
  [[ ${#failed[@]} -eq 0 ]] || die "fuzz: findings in ${failed[*]} (inputs and logs in $out)"
}

cmd=${1:-}
shift || true
case $cmd in
deps) MODE=$(mode); deps ;;
build) MODE=$(mode); build ;;
test) MODE=$(mode); run_tests "$@" ;;
run) MODE=$(mode); run_gui "$@" ;;
reduced-test) MODE=reduced; run_tests "$@" ;;
bench) MODE=$(mode); run_benchmarks "$@" ;;
fuzz) run_fuzz "$@" ;;
*) die "usage: tools/dev.sh deps|build|test|run|reduced-test|bench|fuzz" ;;
esac
