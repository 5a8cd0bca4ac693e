#!/usr/bin/env bash
# cost.sh: what chainlint costs next to go vet on the same packages.
#
# It copies a large module from the module cache (default: golang.org/x/tools
# v0.52.0, 216 packages) to a temporary directory and measures, with
# /usr/bin/time -v (wall time and peak resident memory):
#
#   go vet ./...                              the baseline: go vet's default analyzers
#   chainlint ./...                           standalone, default driver: runs go vet -vettool=itself -json
#   chainlint -driver=load ./...              standalone, in-process driver (go/packages, whole program from source)
#   go vet -vettool=chainlint ./...           chainlint under go vet (unitchecker)
#
# All runs are warm: each command runs once before it is measured, so the
# build cache holds the compiled dependencies and go list's results. go vet
# also caches its *results* (keyed by package and vet flags), which would
# turn a warm go vet into a cache lookup; every measured go vet run therefore
# passes an analyzer flag whose new value changes nothing but the cache key
# (go vet: -printf.funcs=NonceN, a printf wrapper that does not exist;
# chainlint: one more -chains.lock-pairs pair of functions that do not
# exist), so that the analyzers really run, on every package and its
# dependencies, while compilation stays cached. Standalone chainlint's
# default driver runs go vet, so it gets the same nonce flag; the in-process
# driver has no result cache and always does the whole work.
#
# Usage: bench/cost.sh [module@version] [pattern]
#   RUNS=3 bench/cost.sh      best (lowest wall time) of 3 measured runs each
#   CHAINLINT=path bench/cost.sh   measure that binary instead of building ./cmd/chainlint
# Needs: go, GNU time (/usr/bin/time), awk; the module in the module cache or
# reachable through the module proxy.
set -euo pipefail

module=${1:-golang.org/x/tools@v0.52.0}
pattern=${2:-./...}
runs=${RUNS:-1}
repo=$(cd "$(dirname "$0")/.." && pwd)
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "cost.sh: needs GNU time at $TIME" >&2; exit 1; }

work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT

if [ -n "${CHAINLINT:-}" ]; then
	cp "$CHAINLINT" "$work/chainlint"
else
	echo "building chainlint..." >&2
	(cd "$repo" && go build -o "$work/chainlint" ./cmd/chainlint)
fi

src=$(go mod download -json "$module" | awk -F'"' '$2 == "Dir" { print $4 }')
[ -n "$src" ] || { echo "cost.sh: cannot download $module" >&2; exit 1; }
cp -r "$src" "$work/mod"
chmod -R u+w "$work/mod"
cd "$work/mod"
export GOWORK=off GOFLAGS=-mod=mod
npkg=$(go list "$pattern" | wc -l)

# measure LABEL CMD...: runs CMD $runs times (after one warm-up run) and
# prints "LABEL wall_seconds peak_rss_kib exit_code" for the fastest run. In
# CMD, the word NONCE is replaced by a new number for each run.
measure() {
	local label=$1
	shift
	local warm=("${@//NONCE/0}")
	"${warm[@]}" >/dev/null 2>&1 || true # warm-up
	local best_wall="" best_rss="" best_code=""
	for ((i = 0; i < runs; i++)); do
		local args=("${@//NONCE/$RANDOM$RANDOM}")
		local code=0
		"$TIME" -v -o "$work/time.txt" "${args[@]}" >"$work/out.txt" 2>&1 || code=$?
		local wall rss
		wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (j = 1; j <= n; j++) s = s * 60 + p[j]; print s }' "$work/time.txt")
		rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$work/time.txt")
		case $code in 0 | 1 | 3) ;; *)
			echo "cost.sh: $label failed (exit $code):" >&2
			tail -20 "$work/out.txt" >&2
			exit 1
			;;
		esac
		if [ -z "$best_wall" ] || awk -v a="$wall" -v b="$best_wall" 'BEGIN { exit !(a < b) }'; then
			best_wall=$wall best_rss=$rss best_code=$code
		fi
	done
	echo "$label $best_wall $best_rss $best_code"
}

echo "measuring on $module ($npkg packages, pattern $pattern), best of $runs..." >&2
# chainlint's default lock pairs, to which the nonce pair is added.
pairs=$("$work/chainlint" help chains | sed -n 's/.*-chains.lock-pairs.*(default "\(.*\)").*/\1/p; /-chains.lock-pairs/{n; s/.*(default "\(.*\)")$/\1/p}' | head -1)
vet=$(measure "go-vet" go vet -printf.funcs=BenchNonceNONCE "$pattern")
nonce="-chains.lock-pairs=${pairs:+$pairs,}C.BenchNONCEAcquire:C.BenchNONCERelease"
std=$(measure "chainlint" "$work/chainlint" "$nonce" "$pattern")
load=$(measure "chainlint-driver=load" "$work/chainlint" -driver=load "$pattern")
vt=$(measure "go-vet-vettool=chainlint" go vet "-vettool=$work/chainlint" "$nonce" "$pattern")

printf '%s\n%s\n%s\n%s\n' "$vet" "$std" "$load" "$vt" | awk -v module="$module" -v npkg="$npkg" -v gover="$(go env GOVERSION)" -v cpus="$(getconf _NPROCESSORS_ONLN)" '
	{ label[NR] = $1; wall[NR] = $2; rss[NR] = $3; code[NR] = $4 }
	END {
		printf "module %s, %d packages, %s, %d CPUs\n\n", module, npkg, gover, cpus
		printf "%-28s %10s %14s %6s %12s %12s\n", "command", "wall (s)", "peak RSS (MiB)", "exit", "time ratio", "memory ratio"
		for (i = 1; i <= NR; i++)
			printf "%-28s %10.2f %14.0f %6d %11.2fx %11.2fx\n", label[i], wall[i], rss[i] / 1024, code[i], wall[i] / wall[1], rss[i] / rss[1]
		printf "\n(ratios are against go vet; peak RSS is that of the largest single process)\n"
	}'
