#!/usr/bin/env bash
# Installs the system packages hpy-matrix needs when they are missing: a C compiler (extensions
# are built on demand), chromium (the HTML report's test renders it headless), pytest for
# Debian's python3 when that is the python3 on PATH (pytest suites run in it), and pypy3 (the
# python:pypy3 backend's tests).
# Runs from `npm install` in a checkout; on Debian as root it installs, elsewhere it says what to install.
set -u
missing=()
command -v cc >/dev/null 2>&1 || missing+=(gcc)
command -v nm >/dev/null 2>&1 || missing+=(binutils)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
if [ "$(command -v python3)" = /usr/bin/python3 ] && ! python3 -c 'import pytest' >/dev/null 2>&1; then
  missing+=(python3-pytest)
fi
# PyPy with its own HPy (0.0.4 on Debian 12): the python:pypy3 backend and its refusal path.
command -v pypy3 >/dev/null 2>&1 || missing+=(pypy3)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "hpy-matrix: installing ${missing[*]} with apt-get" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null && exit 0
fi
echo "hpy-matrix: missing system packages: ${missing[*]} (install them with your package manager, e.g. apt-get install ${missing[*]})" >&2
exit 0
