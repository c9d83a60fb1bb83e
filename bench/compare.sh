#!/usr/bin/env bash
# Compare `clean` (full rule semantics, default rules, --split pages) with the peers on the
# same generated corpus and print the table: cat (the ceiling), ripgrep and GNU grep
# dropping the peer pattern set, and the Python `re` script. Runs are interleaved, every
# command writes a fresh file on disk; see bench/race.py.
#
#   bash bench/compare.sh [SIZE=100M] [RUNS=9]    # needs ripgrep (apt-get install ripgrep)
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 bench/race.py peers --size "${1:-100M}" --runs "${2:-9}"
