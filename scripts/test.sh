#!/usr/bin/env bash
# The test command of README.md, and all that .ci/run does: install what the tests need
# from the project's own files, then run every test, doctest and notebook check.
set -euo pipefail
cd "$(dirname "$0")/.."

# The browser test drives Debian's Chromium and ChromeDriver (a browser download fails here).
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium chromium-driver
  else
    echo "scripts/test.sh: /usr/bin/chromium missing and not root: the browser test will be skipped" >&2
  fi
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[test]"
# Lint first (configured in pyproject.toml [tool.ruff]): a finding stops the run before the long tests.
.venv/bin/ruff check --no-cache .
.venv/bin/ruff format --check --no-cache .
# Notebooks (chapters and exercises) re-execute under nbval and must give their committed outputs.
# Two test workers share the cores: one thread each for the numeric libraries, or OpenMP's spinning
# threads fight over the cores (a k-means of 0.05 s took 6 s on a busy machine).
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
exec .venv/bin/python -m pytest -n 2 --dist loadfile \
  --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg "$@"
