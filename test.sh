#!/usr/bin/env bash
# The whole test suite: what the README's second command runs and what CI runs.
# Needs Go 1.26; examples/pygateway needs CPython headers (see .ci/run for the packages).
set -euo pipefail
cd "$(dirname "$0")"

step() { printf '\n=== %s\n' "$*"; }

step "gofmt"
unformatted=$(git ls-files '*.go' | grep -v '/testdata/' | xargs gofmt -l)
if [ -n "$unformatted" ]; then
	echo "not gofmt-clean:"; echo "$unformatted"; exit 1
fi

step "go vet (tool module, runtime module)"
go vet ./...
(cd chain_runtime && go vet ./...)

step "runtime: tests with the race detector"
(cd chain_runtime && go test -race -count=1 ./...)

step "tool: tests (analyzers, fixes, command, end-to-end)"
go test -count=1 -timeout=30m ./...

step "the README's first command: demo.sh on the bundled example"
bash demo.sh

if [ -d examples/pygateway ]; then
	step "examples/pygateway: tests and a short benchmark"
	(cd examples/pygateway && go vet ./... && go test -count=1 -timeout=5m -bench=. -benchtime=200x ./...)
	step "examples/pygateway: chainlint -fix ./... on a copy, then its tests, with and without -tags chainlint_fixed"
	pgcopy=$(mktemp -d)
	mkdir "$pgcopy/examples" && cp -r examples/pygateway "$pgcopy/examples/" && ln -s "$(pwd)/chain_runtime" "$pgcopy/chain_runtime"
	go build -o "$pgcopy/chainlint" ./cmd/chainlint
	(cd "$pgcopy/examples/pygateway" && "$pgcopy/chainlint" -fix ./... && go test -count=1 ./... && go test -count=1 -tags chainlint_fixed ./...)
	rm -rf "$pgcopy"
fi

step "all passed"
