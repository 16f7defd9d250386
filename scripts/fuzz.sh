#!/usr/bin/env bash
# Builds CertBridge's fuzz targets (fuzz/: cargo-fuzz, libFuzzer with
# AddressSanitizer, on the stable toolchain through RUSTC_BOOTSTRAP=1),
# replays the seeds and past findings as unit tests, then fuzzes each target
# for SECONDS and prints its executions. Fails on the first crash, panic,
# leak, timeout (a unit over 10 s) or allocation over 2 GiB; the reproducer
# is left in $CERTBRIDGE_CACHE/fuzz-artifacts/<target>/.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]     (default: 3 seconds, all targets)
#
# The corpus each run grows is kept in $CERTBRIDGE_CACHE/fuzz-corpus/<target>/,
# so later runs start where earlier ones stopped; the seeds in fuzz/seeds/ are
# read, never written. Builds go to $CERTBRIDGE_CACHE/fuzz-target.
set -euo pipefail
cd "$(dirname "$0")/.."

cache="${CERTBRIDGE_CACHE:-$HOME/.cache/certbridge}"
fuzz_target_dir="${CERTBRIDGE_FUZZ_TARGET_DIR:-$cache/fuzz-target}"
seconds="${1:-3}"
shift || true
export RUSTC_BOOTSTRAP=1
export PATH="$cache/cargo-tools/bin:$PATH"   # where setup-test-tools.sh installs cargo-fuzz

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "error: cargo-fuzz is not installed (scripts/setup-test-tools.sh installs it)" >&2
    exit 1
fi

if (($#)); then
    targets=("$@")
else
    mapfile -t targets < <(cargo fuzz list --fuzz-dir fuzz)
fi

start=$SECONDS
echo "==> fuzz: replaying seeds and past findings (cargo test in fuzz/)"
cargo test --quiet --manifest-path fuzz/Cargo.toml --lib
echo "==> fuzz: building ${#targets[@]} targets (target dir: $fuzz_target_dir)"
mkdir -p "$cache/fuzz-artifacts"
if ! cargo fuzz build --fuzz-dir fuzz --target-dir "$fuzz_target_dir" >"$cache/fuzz-artifacts/build.log" 2>&1; then
    tail -40 "$cache/fuzz-artifacts/build.log" >&2
    echo "error: building the fuzz targets failed" >&2
    exit 1
fi
built=$SECONDS
# cargo-fuzz has no --locked: say so when the build had to change the lock
# (a dependency of core changed), so that the change gets committed.
if ! git diff --quiet -- fuzz/Cargo.lock 2>/dev/null; then
    echo "warning: the build updated fuzz/Cargo.lock; commit it with the change that caused it" >&2
fi

bin_dir="$fuzz_target_dir/$(rustc -vV | sed -n 's/^host: //p')/release"
failed=()
printf '==> fuzz: %s s per target\n' "$seconds"
printf '    %-15s %12s %10s %9s\n' target executions "exec/s" corpus
for t in "${targets[@]}"; do
    corpus="$cache/fuzz-corpus/$t"
    artifacts="$cache/fuzz-artifacts/$t"
    mkdir -p "$corpus" "$artifacts"
    log="$artifacts/last-run.log"
    extra=()
    [ -d "fuzz/regressions/$t" ] && extra+=("fuzz/regressions/$t")
    if "$bin_dir/$t" "$corpus" "fuzz/seeds/$t" "${extra[@]}" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$artifacts/" >"$log" 2>&1; then
        status=""
    else
        status="  FAILED (see $log)"
        failed+=("$t")
    fi
    runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")"
    rate="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")"
    printf '    %-15s %12s %10s %9s%s\n' "$t" "${runs:-?}" "${rate:-?}" "$(find "$corpus" -type f | wc -l)" "$status"
done
echo "    (replay and build: $((built - start))s; fuzzing: $((SECONDS - built))s)"

if ((${#failed[@]})); then
    for t in "${failed[@]}"; do
        echo "--- $t ---" >&2
        grep -E -A25 'ERROR|panicked|SUMMARY' "$cache/fuzz-artifacts/$t/last-run.log" | head -60 >&2 || true
    done
    echo "error: fuzz targets failed: ${failed[*]}; reproducers in $cache/fuzz-artifacts/" >&2
    exit 1
fi
