#!/usr/bin/env bash
# Installs what Wheelhouse needs on a fresh Debian machine: etcd (Debian package etcd-server) and npm dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v etcd >/dev/null 2>&1; then
  echo "installing etcd-server (Debian package)..." >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq etcd-server >/dev/null
  # The package enables a system etcd service; Wheelhouse runs its own, so keep the system one off.
  ($SUDO systemctl disable --now etcd >/dev/null 2>&1 || true)
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "installing npm dependencies..." >&2
  npm ci --no-audit --no-fund --loglevel=error
fi
# The Python client suite (conformance/clients/python) runs the pinned `kubernetes` package from PyPI in a
# venv of its own; reinstalled only when requirements.txt changes.
PYDIR=conformance/clients/python
if [ ! -x "$PYDIR/.venv/bin/python" ] || ! cmp -s "$PYDIR/requirements.txt" "$PYDIR/.venv/requirements.installed"; then
  echo "installing the Python client suite's venv..." >&2
  python3 -m venv "$PYDIR/.venv"
  "$PYDIR/.venv/bin/pip" install --quiet --disable-pip-version-check -r "$PYDIR/requirements.txt"
  cp "$PYDIR/requirements.txt" "$PYDIR/.venv/requirements.installed"
fi
# The client-go suite (conformance/clients/go) is compiled once into a gitignored test binary that its
# node:test wrapper runs; rebuilt only when a Go source, go.mod or go.sum is newer than the binary.
GODIR=conformance/clients/go
GOBIN_TEST="$GODIR/.bin/clientgo.test"
if [ ! -x "$GOBIN_TEST" ] || [ -n "$(find "$GODIR" -maxdepth 1 \( -name '*.go' -o -name 'go.mod' -o -name 'go.sum' \) -newer "$GOBIN_TEST")" ]; then
  if command -v go >/dev/null 2>&1; then
    echo "building the client-go suite (first time on a machine: module download and a cold compile of client-go, 2–4 minutes; later builds reuse Go's build cache)..." >&2
    (cd "$GODIR" && go test -c -o .bin/clientgo.test .)
  else
    echo "warning: no Go toolchain; the client-go suite (conformance/clients/go.test.ts) will fail" >&2
  fi
fi
# The OpenAPI documents are generated, not committed: they are built from the pinned client-node models,
# src/api/schema/facts.ts and the catalogue (about 2 s), so a fresh clone gets them here.
node --import tsx scripts/gen-openapi.ts >/dev/null
