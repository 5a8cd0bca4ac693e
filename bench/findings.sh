#!/usr/bin/env bash
# findings.sh: how chainlint's cost grows with the findings of one file.
#
# bench/gen writes a module whose one package has one file with N runners,
# each taking its lock once per middleware: N chainlock findings, each with
# a fix. For N=50 and N=400 this prints the CPU time (user + system, child
# processes included, from GNU time) of
#
#   go vet ./...                          the baseline: go vet's own analyzers
#   chainlint -driver=load ./...          in-process driver
#   chainlint ./...                       default driver (go vet -vettool=chainlint -json)
#   go vet -vettool=chainlint ./...       chainlint under go vet
#
# and the ratios: N=400 against N=50 (growth for 8x the findings), and
# chainlint against go vet at N=400. Every run is warm (one run before the
# measured one); runs through go vet get an analyzer flag with a fresh,
# ineffective value so that go vet's result cache cannot answer (see
# cost.sh). The figure kept is the lowest CPU time of RUNS runs (default 3).
#
# Usage: bench/findings.sh          (CHAINLINT=path to measure that binary)
set -euo pipefail

runs=${RUNS:-3}
repo=$(cd "$(dirname "$0")/.." && pwd)
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "findings.sh: needs GNU time at $TIME" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ -n "${CHAINLINT:-}" ]; then
	cp "$CHAINLINT" "$work/chainlint"
else
	(cd "$repo" && go build -o "$work/chainlint" ./cmd/chainlint)
fi
export GOWORK=off GOFLAGS=

# cpu CMD...: the lowest CPU seconds of $runs runs of CMD (after a warm-up
# run); the word NONCE in CMD becomes a new number for each run.
cpu() {
	"${@//NONCE/0}" >/dev/null 2>&1 || true
	local best=""
	for ((i = 0; i < runs; i++)); do
		local args=("${@//NONCE/$RANDOM$RANDOM}") code=0
		"$TIME" -f '%U %S' -o "$work/time.txt" "${args[@]}" >"$work/out.txt" 2>&1 || code=$?
		case $code in 0 | 1 | 3) ;; *)
			echo "findings.sh: ${args[*]} failed (exit $code):" >&2
			tail -20 "$work/out.txt" >&2
			exit 1
			;;
		esac
		local t
		t=$(awk 'END { print $1 + $2 }' "$work/time.txt")
		if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then
			best=$t
		fi
	done
	echo "$best"
}

nonce="-chains.lock-pairs=C.PyGILState_Ensure:C.PyGILState_Release,C.PyEval_RestoreThread:C.PyEval_SaveThread,C.BenchNONCEAcquire:C.BenchNONCERelease"
declare -A t
for n in 50 400; do
	(cd "$repo" && go run ./bench/gen -n "$n" "$work/n$n")
	cd "$work/n$n"
	for driver in load vet; do
		found=$("$work/chainlint" -driver=$driver "${nonce//NONCE/1}" ./... 2>&1 | grep -c '(chainlock)$' || true)
		[ "$found" = "$n" ] || { echo "findings.sh: N=$n, -driver=$driver: $found findings, want $n" >&2; exit 1; }
	done
	t[vet$n]=$(cpu go vet -printf.funcs=BenchNonceNONCE ./...)
	t[load$n]=$(cpu "$work/chainlint" -driver=load ./...)
	t[std$n]=$(cpu "$work/chainlint" "$nonce" ./...)
	t[vettool$n]=$(cpu go vet "-vettool=$work/chainlint" "$nonce" ./...)
done

echo "$(go env GOVERSION), $(getconf _NPROCESSORS_ONLN) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-34s %10s %10s %12s %14s\n' "command (CPU seconds)" "N=50" "N=400" "400 vs 50" "vs go vet 400"
for k in vet load std vettool; do
	case $k in
	vet) label="go vet ./..." ;;
	load) label="chainlint -driver=load ./..." ;;
	std) label="chainlint ./..." ;;
	vettool) label="go vet -vettool=chainlint ./..." ;;
	esac
	awk -v l="$label" -v a="${t[${k}50]}" -v b="${t[${k}400]}" -v v="${t[vet400]}" \
		'BEGIN { printf "%-34s %10.2f %10.2f %11.2fx %13.2fx\n", l, a, b, b / a, b / v }'
done
