#!/usr/bin/env bash
# Runs the CI script on a clean clone of this repository's HEAD several times in a row
# while CPU hogs keep every core busy: the check a maintainer runs before a release, to
# show that the suite does not depend on how fast the scheduler happens to run.
# Not part of .ci/run.
#
# Usage: bash scripts/ci-under-load.sh [runs=3] [hogs=$(nproc)]
# Prints one line per run (exit code and seconds) and exits non-zero if any run failed.
# Each run's full output is kept in the work folder it names.
set -uo pipefail

runs="${1:-3}"
hogs="${2:-$(nproc)}"
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d -t par-ci-under-load.XXXXXX)"
# Every run checks the commit that was HEAD when the script started, even if the branch
# moves while it runs.
commit="$(git -C "$repo" rev-parse HEAD)"

hog_pids=()
stop_hogs() {
  for pid in "${hog_pids[@]}"; do kill "$pid" 2>/dev/null; done
  wait 2>/dev/null
}
trap stop_hogs EXIT INT TERM

if command -v stress-ng >/dev/null 2>&1; then
  stress-ng --cpu "$hogs" --timeout 0 --quiet &
  hog_pids+=("$!")
  hog_kind="stress-ng --cpu $hogs"
else
  for _ in $(seq 1 "$hogs"); do
    node -e 'for(;;){}' &
    hog_pids+=("$!")
  done
  hog_kind="$hogs x node -e 'for(;;){}'"
fi

echo "ci-under-load: $runs run(s) of .ci/run on a clean clone of ${commit:0:7}, load: $hog_kind"
echo "ci-under-load: output in $work"

failed=0
for i in $(seq 1 "$runs"); do
  clone="$work/run-$i"
  git clone -q "$repo" "$clone"
  git -C "$clone" checkout -q --detach "$commit"
  start=$(date +%s)
  (cd "$clone" && CI=true bash .ci/run) >"$work/run-$i.log" 2>&1 </dev/null
  rc=$?
  secs=$(($(date +%s) - start))
  if [ "$rc" = 0 ]; then
    echo "run $i: passed in ${secs} s"
  else
    failed=1
    echo "run $i: FAILED (exit $rc) after ${secs} s; log: $work/run-$i.log"
    grep -E 'FAIL|✗|×|Error:' "$work/run-$i.log" | head -20
  fi
  rm -rf "$clone"
done
exit "$failed"
