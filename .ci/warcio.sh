#!/usr/bin/env bash
# Installs warcio (a WARC library from PyPI) into a cached virtualenv and prints the
# venv's python. tests/warc.rs runs it to write WET files with a real WARC library and
# read them back after `clean --warc`; .ci/run runs it first so the test never skips.
set -euo pipefail
WARCIO_VERSION=1.7.5
venv="${CLEAN_CI_CACHE:-$HOME/.cache/clean-ci}/venv-warcio-$WARCIO_VERSION"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import warcio' 2>/dev/null; then
  rm -rf "$venv"
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install -q --no-cache-dir "warcio==$WARCIO_VERSION" >&2
fi
echo "$venv/bin/python"
