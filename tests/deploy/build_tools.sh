#!/usr/bin/env bash
# Builds tools/chartrender (Go, GOPATH mode, Debian's packages only: nothing is downloaded).
# Usage: build_tools.sh SOURCE_DIR OUTPUT_BINARY
set -euo pipefail
src="$1" out="$2"
if ! command -v go >/dev/null; then
  echo "go is missing: deploy/setup installs golang-go golang-github-masterminds-sprig-dev golang-gopkg-yaml.v3-dev" >&2
  exit 1
fi
mkdir -p "$(dirname "$out")"
export GO111MODULE=off GOPATH=/usr/share/gocode GOPROXY=off GOFLAGS=
GOCACHE="$(dirname "$out")/go-cache"
export GOCACHE
cd "$src"
go build -o "$out" .
echo "built $out ($(go version))"
