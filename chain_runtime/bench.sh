#!/usr/bin/env bash
# Reproduces the benchmark tables of chain_runtime/README.md.
#
#   ./bench.sh                 # -count=6, -benchtime=500ms: about 12 minutes on 2 cores
#   COUNT=10 BENCHTIME=1s ./bench.sh
#
# Writes bench.txt (raw go test output, the input of benchstat), prints the
# benchstat tables (one column per implementation), the ratios the targets
# are stated in, and the top of a mutex profile of the all-sync n=16
# RunParallel benchmarks (perMiddleware against batched).
# Benchmarks measure wall time: run them on a quiet machine, and read the
# ± columns; a loaded machine inflates every figure.
set -euo pipefail
cd "$(dirname "$0")"

count=${COUNT:-6}
benchtime=${BENCHTIME:-500ms}
out=${OUT:-bench.txt}

export PATH="$(go env GOPATH)/bin:$PATH"
if ! command -v benchstat >/dev/null; then
	go install golang.org/x/perf/cmd/benchstat@latest
fi

echo "# go test -run='^\$' -bench='^Benchmark(Chain|Runner|CallbackLock)\$' -benchtime=$benchtime -count=$count ."
echo "# $(go version), GOMAXPROCS=$(nproc), load average: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
go test -run='^$' -bench='^Benchmark(Chain|Runner|CallbackLock)$' -benchtime="$benchtime" -count="$count" . >"$out"
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"

echo
echo "## BenchmarkChain: time, bytes and allocations per chain run, one column per implementation"
benchstat -filter '.name:Chain' -col /impl "$out"

echo
# mdtable UNIT SCALE: the medians of one benchstat unit as a markdown table,
# with the ratios the targets are stated in.
mdtable() {
	echo "| shape | n | par | perMiddleware | singleLock | batched | noDefer | unlocked | perMiddleware ÷ batched | batched ÷ singleLock |"
	echo "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|"
	benchstat -filter '.name:Chain' -col /impl -format csv "$out" 2>/dev/null | awk -F, -v unit="$1" -v scale="$2" '
		# benchstat csv: one table per unit, separated by blank lines; each
		# has a header row naming the implementations (each followed by
		# empty cells), a row of units, then one row per shape/n/par with
		# a median and its CI per implementation.
		/^$/ { state = 0; next }
		$1 == "" && state == 0 { delete col; for (i = 2; i <= NF; i++) if ($i != "") col[$i] = i; state = 1; next }
		$1 == "" && state == 1 { state = ($2 == unit) ? 2 : 3; next }
		state == 2 && $1 ~ /^Chain\// {
			split($1, f, "/"); sub(/^shape=/, "", f[2]); sub(/^n=/, "", f[3]); sub(/^par=/, "", f[4]); sub(/-[0-9]+$/, "", f[4])
			p = $(col["perMiddleware"]); s = $(col["singleLock"]); b = $(col["batched"]); d = $(col["noDefer"]); u = $(col["unlocked"])
			printf "| %s | %s | %s | %.1f | %.1f | %.1f | %.1f | %.1f | %.2f× | %.2f× |\n", f[2], f[3], f[4], p * scale, s * scale, b * scale, d * scale, u * scale, p / b, b / s
		}'
}
echo "## Wall time: medians in ns per chain run (sec/op)"
mdtable sec/op 1e9
echo
echo "## CPU time of the process: medians in ns per chain run (cpu-ns/op, shown by benchstat as cpu-sec/op)"
mdtable cpu-sec/op 1e9

echo
echo "## Chain.Run and the callback-style lock"
benchstat -filter '.name:Runner' "$out"
benchstat -filter '.name:CallbackLock' -col /impl "$out"

echo
echo "## Mutex profile: all-sync chain of 16, RunParallel, the same number of chain runs for both"
mutexN=${MUTEX_N:-300000}
go test -run='^$' -bench='Chain/impl=(perMiddleware|batched)/shape=sync/n=16/par=P' -benchtime="${mutexN}x" \
	-mutexprofile=mutex.out -o chainruntime.test . >/dev/null
for idx in contentions delay; do
	echo "# go tool pprof -top -sample_index=$idx chainruntime.test mutex.out  ($mutexN chain runs each)"
	go tool pprof -top -sample_index="$idx" chainruntime.test mutex.out 2>/dev/null |
		grep -E 'Showing|perMiddleware$|batchedSync$' | sed 's|github.com/chainlint/chainlint/chain_runtime_test\.||'
done
rm -f chainruntime.test
