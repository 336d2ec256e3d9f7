#!/usr/bin/env bash
# How a CI pipeline gates a model-size choice with sizesel: decide every scenario and table in a
# folder, keep one JSON line per decision as a build artifact, and fail the job when any
# scenario has no feasible candidate or fails (sizesel batch's exit code). The results cache is
# kept between CI runs (cache it as the pipeline's cache folder), so a change of weights or
# constraints re-decides without retraining.
#
#   scripts/ci-example.sh [FOLDER] [RESULTS.jsonl]     (defaults: configs/ci, results.jsonl)
set -euo pipefail
cd "$(dirname "$0")/.."

folder="${1:-configs/ci}"
results="${2:-results.jsonl}"
export SIZESEL_CACHE_DIR="${SIZESEL_CACHE_DIR:-$PWD/.sizesel-cache}"

status=0
build/sizesel batch "$folder" --format json -o "$results" || status=$?

case "$status" in
  0) echo "ci-example: every scenario has a recommendation (see $results)" ;;
  3) echo "ci-example: FAIL: some scenario has no candidate meeting its constraints (see $results)" >&2 ;;
  *) echo "ci-example: FAIL: some scenario could not be decided (exit $status; see the errors above and $results)" >&2 ;;
esac
exit "$status"
