# shellcheck shell=bash
# Shared helpers for scripts/test, scripts/demo, scripts/conformance, ...
# Source it:   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#
# Defines
#   CFIMAGES_ROOT                 repository root (absolute)
#   CFIMAGES_DEBIAN_PACKAGES      every Debian package the project's scripts need
#   CFIMAGES_BUILD_DIR            the main CMake build (default <root>/build; the CLI is
#                                 $CFIMAGES_BUILD_DIR/bin/cfimages)
#   log_info / log_warn / log_error MSG...    messages on stderr, with a prefix
#   die MSG...                    log_error then exit 1
#   ensure_packages PKG...        apt-get install only the packages dpkg says are missing
#   ensure_project_packages       ensure_packages "${CFIMAGES_DEBIAN_PACKAGES[@]}"
#   cfimages_jobs                 number of parallel compile jobs to use
#   cfimages_configure_main [DIR] configure the main g++ Release-with-asserts build
#   cfimages_build_cli [DIR]      configure (if needed) and build DIR/bin/cfimages
# Honours CFIMAGES_NO_INSTALL=1 (never run apt-get; fail if something is missing).

if [[ -n "${_CFIMAGES_LIB_SH:-}" ]]; then return 0; fi
_CFIMAGES_LIB_SH=1

CFIMAGES_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CFIMAGES_BUILD_DIR="${CFIMAGES_BUILD_DIR:-$CFIMAGES_ROOT/build}"

CFIMAGES_DEBIAN_PACKAGES=(
    build-essential cmake ninja-build g++ clang pkg-config python3
    libboost1.81-dev libboost-json1.81-dev doctest-dev meson libssl-dev
    nodejs npm libbenchmark-dev valgrind libclang-rt-14-dev
    libcurl4-openssl-dev doxygen zsh
)

_cfimages_log() {
    local level=$1; shift
    printf '[%s] %s: %s\n' "$(date +%H:%M:%S)" "$level" "$*" >&2
}
log_info()  { _cfimages_log info "$@"; }
log_warn()  { _cfimages_log warn "$@"; }
log_error() { _cfimages_log error "$@"; }
die()       { log_error "$@"; exit 1; }

# Packages that another install may provide as a command instead (NodeSource's
# nodejs bundles npm and conflicts with Debian's npm package).
declare -gA CFIMAGES_PACKAGE_COMMANDS=([npm]=npm [nodejs]=node)

# Prints the packages among "$@" that are not installed.
missing_packages() {
    local p status cmd
    for p in "$@"; do
        cmd=${CFIMAGES_PACKAGE_COMMANDS[$p]:-}
        if [[ -n "$cmd" ]] && command -v "$cmd" >/dev/null 2>&1; then continue; fi
        status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
        [[ "$status" == "install ok installed" ]] || printf '%s\n' "$p"
    done
}

# Installs the missing ones among "$@"; does nothing (and needs no network) when
# everything is already there.
ensure_packages() {
    command -v dpkg-query >/dev/null 2>&1 || die "ensure_packages: not a Debian system (no dpkg-query)"
    local missing
    mapfile -t missing < <(missing_packages "$@")
    if ((${#missing[@]} == 0)); then
        return 0
    fi
    if [[ "${CFIMAGES_NO_INSTALL:-0}" == 1 ]]; then
        die "missing Debian packages (CFIMAGES_NO_INSTALL=1): ${missing[*]}"
    fi
    local sudo=()
    if ((EUID != 0)); then
        command -v sudo >/dev/null 2>&1 || die "missing packages ${missing[*]}; run as root or install sudo"
        sudo=(sudo)
    fi
    log_info "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
    mapfile -t missing < <(missing_packages "$@")
    ((${#missing[@]} == 0)) || die "still missing after apt-get install: ${missing[*]}"
}

ensure_project_packages() { ensure_packages "${CFIMAGES_DEBIAN_PACKAGES[@]}"; }

cfimages_jobs() {
    if [[ -n "${CFIMAGES_BUILD_JOBS:-}" ]]; then
        echo "$CFIMAGES_BUILD_JOBS"
    else
        nproc 2>/dev/null || echo 2
    fi
}

# Configures the main build: g++, C++17, Release with assertions kept (-O2
# without -DNDEBUG), Ninja, every optional part that exists.
cfimages_configure_main() {
    local dir=${1:-$CFIMAGES_BUILD_DIR}
    local extra=(-DCFIMAGES_BENCH=OFF)
    # Benchmarks are expensive to compile (google-benchmark, -O2); opt in with
    # CFIMAGES_TEST_BENCH=1.
    [[ "${CFIMAGES_TEST_BENCH:-0}" == 1 ]] && extra+=(-DCFIMAGES_BENCH=ON)
    cmake -S "$CFIMAGES_ROOT" -B "$dir" -G Ninja \
        -DCMAKE_CXX_COMPILER="$(command -v g++)" \
        -DCMAKE_BUILD_TYPE=Release \
        -DCMAKE_CXX_FLAGS_RELEASE=-O2 \
        -DCMAKE_CXX_STANDARD=17 \
        "${extra[@]}"
}

# Builds the command-line tool into DIR/bin/cfimages (configuring DIR first
# when it has never been configured).
cfimages_build_cli() {
    local dir=${1:-$CFIMAGES_BUILD_DIR}
    [[ -f "$dir/CMakeCache.txt" ]] || cfimages_configure_main "$dir"
    cmake --build "$dir" --target cfimages_cli -j "$(cfimages_jobs)"
    [[ -x "$dir/bin/cfimages" ]] || die "cfimages_build_cli: $dir/bin/cfimages was not built"
}
