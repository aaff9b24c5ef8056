#!/usr/bin/env bash
# Idempotent set-up for a fresh machine: Debian packages (when root), npm dependencies. `--test` adds
# the packages only the tests need (Slurm and munge, for the grid-array integration tests).
# Safe to run again and again: each step is skipped when already done. It never touches data.
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_PACKAGES=(jupyter-nbconvert python3-nbclient jupyter-client chromium dataset-fashion-mnist)
# `--test` (the test command): also what the tests start as real components — a single-node Slurm cluster.
if [ "${1:-}" = "--test" ]; then DEBIAN_PACKAGES+=(slurm-wlm munge); fi

missing=()
for pkg in "${DEBIAN_PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "[setup] installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "[setup] missing Debian packages: ${missing[*]}" >&2
    echo "[setup] install them with: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi
for tool in /usr/bin/jupyter /usr/bin/python3 /usr/bin/chromium; do
  [ -x "$tool" ] || { echo "[setup] expected $tool after installing Debian packages, but it is not there" >&2; exit 1; }
done

# npm ci only when package-lock.json changed since the last successful install.
stamp=node_modules/.dnas-setup-stamp
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "[setup] npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi
echo "[setup] ready (node $(node --version), $(/usr/bin/jupyter nbconvert --version 2>/dev/null | sed 's/^/nbconvert /'), $(/usr/bin/chromium --version 2>/dev/null | head -1))"
