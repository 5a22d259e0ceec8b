#!/usr/bin/env sh
# Creates the Python virtual environment the baseline of `wirefeed-bench core` runs in:
# target/bench-venv with the pinned packages of bench/baselines/requirements.txt.
#
#   bench/setup.sh            # then: cargo run --release -p wirefeed-bench -- core
#
# Needs python3 (3.9 or newer) with the venv module (Debian: apt-get install python3-venv).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
venv="${WIREFEED_BENCH_VENV:-$root/target/bench-venv}"
python="${PYTHON:-python3}"
if ! command -v "$python" >/dev/null 2>&1; then
    echo "bench/setup.sh: $python not found; install Python 3 (with venv) first" >&2
    exit 1
fi
if [ ! -x "$venv/bin/python" ]; then
    "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet -r "$root/bench/baselines/requirements.txt"
"$venv/bin/python" -c 'import feedparser, datasketch, ahocorasick; print("bench venv ready:", feedparser.__version__, datasketch.__version__, ahocorasick.__name__)'
echo "baseline python: $venv/bin/python"
