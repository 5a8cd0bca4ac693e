#!/usr/bin/env bash
# The README's first command: chainlint's main job on the bundled example.
#   1. report the three defects in examples/gateway;
#   2. show the fix as a diff;
#   3. apply it to a copy, build it, run the example's after-fix tests, and re-run chainlint.
# Needs only Go (1.26) and the module proxy for the tool's own dependencies.
set -euo pipefail
cd "$(dirname "$0")"
root=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

say() { printf '\n\033[1m%s\033[0m\n' "$*"; }

go build -o "$work/chainlint" ./cmd/chainlint

say "\$ chainlint ./examples/gateway/...   (exit code 3: findings)"
"$work/chainlint" ./examples/gateway/... || [ $? -eq 3 ]

# A copy in a module of its own, which can import the runtime the fix adds.
mkdir "$work/gateway"
cp examples/gateway/*.go "$work/gateway/"
cat >"$work/gateway/go.mod" <<MOD
module example.com/gateway

go 1.23

require github.com/chainlint/chainlint/chain_runtime v0.0.0

replace github.com/chainlint/chainlint/chain_runtime => $root/chain_runtime
MOD
cd "$work/gateway"

say "\$ chainlint -diff ./...   (the suggested fixes, nothing written)"
"$work/chainlint" -diff ./... || [ $? -eq 3 ]

say "\$ chainlint -fix ./... && go build ./... && go test -tags chainlint_fixed ./..."
"$work/chainlint" -fix ./...
go build ./...
go test -count=1 -tags chainlint_fixed ./...

say "\$ chainlint ./...   (after the fix: nothing left)"
"$work/chainlint" ./...
echo "no findings"
