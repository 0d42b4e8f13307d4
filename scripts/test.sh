#!/usr/bin/env bash
# Builds skein twice and runs the whole test suite on each build:
#   build/       warnings as errors
#   build-asan/  AddressSanitizer + UndefinedBehaviorSanitizer
# Installs missing Debian packages first. Exit status 0 only if both pass.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
JOBS=${JOBS:-2}

run_suite() { # dir, extra cmake args…
  local dir=$1; shift
  cmake -S . -B "$dir" -DSKEIN_WERROR=ON "$@" >/dev/null
  cmake --build "$dir" -j"$JOBS"
  (cd "$dir" && ctest --output-on-failure -j"$JOBS")
}

echo "== normal build (warnings are errors) =="
run_suite build
echo "== sanitizer build (ASan + UBSan) =="
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  LSAN_OPTIONS=print_suppressions=0 \
  run_suite build-asan -DSKEIN_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
