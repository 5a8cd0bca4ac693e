#!/usr/bin/env bash
# Reproduces the benchmark tables of chain_runtime/README.md.
#
#   ./bench.sh                 # -count=6, -benchtime=500ms: about 15 minutes on 2 cores
#   COUNT=10 BENCHTIME=1s ./bench.sh
#
# Writes bench.txt (raw go test output, the input of benchstat), prints the
# benchstat tables (one column per implementation, the floor in the same run),
# markdown tables of the medians with the ratios the targets are stated in,
# the targets met or missed, and the top of a mutex profile of the all-sync
# n=16 RunParallel benchmarks (perMiddleware against batched).
# Wall time (sec/op) counts the time a benchmark waited for a CPU; cpu-sec/op
# (the process's CPU time per chain run) does not: on a loaded machine read
# the CPU table and the ± columns.
set -euo pipefail
cd "$(dirname "$0")"

count=${COUNT:-6}
benchtime=${BENCHTIME:-500ms}
out=${OUT:-bench.txt}

# benchstat through the module proxy; not a requirement of this module.
benchstat() { go run golang.org/x/perf/cmd/benchstat@latest "$@"; }

loadavg() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?'; }
echo "# go test -run='^\$' -bench='^Benchmark(Chain|Runner|CallbackLock)\$' -benchtime=$benchtime -count=$count ."
echo "# $(go version), GOMAXPROCS=$(nproc), load average before: $(loadavg)"
go test -run='^$' -bench='^Benchmark(Chain|Runner|CallbackLock)$' -benchtime="$benchtime" -count="$count" . >"$out"
echo "# load average after: $(loadavg)"

echo
echo "## BenchmarkChain: time, bytes and allocations per chain run, one column per implementation"
benchstat -filter '.name:Chain' -col /impl "$out"

# medians: one line "unit shape n par impl median" per cell of benchstat's
# csv tables (one table per unit, separated by blank lines; each has a row
# naming the implementations, each followed by empty cells, a row of units,
# then one row per shape/n/par with a median and its CI per implementation).
medians=$(benchstat -filter '.name:Chain' -col /impl -format csv "$out" 2>/dev/null | awk -F, '
	/^$/ { state = 0; next }
	$1 == "" && state == 0 { delete impl; for (i = 2; i <= NF; i++) if ($i != "") impl[i] = $i; state = 1; next }
	$1 == "" && state == 1 { unit = $2; state = 2; next }
	state == 2 && $1 ~ /^Chain\// {
		split($1, f, "/"); sub(/^shape=/, "", f[2]); sub(/^n=/, "", f[3]); sub(/^par=/, "", f[4]); sub(/-[0-9]+$/, "", f[4])
		for (i in impl) print unit, f[2], f[3], f[4], impl[i], $i
	}')

impls="noLock singleLock batched batchedLocker perMiddleware"
# mdtable UNIT: the medians of one unit in ns, with the ratios of the targets.
mdtable() {
	echo "$medians" | awk -v unit="$1" -v impls="$impls" '
		$1 == unit { v[$2 "/" $3 "/" $4 "/" $5] = $6 * 1e9; row[$2 "/" $3 "/" $4] = 1 }
		END {
			n = split(impls, im, " ")
			printf "| shape | n | par |"; for (i = 1; i <= n; i++) printf " %s |", im[i]
			print " batched ÷ singleLock | batchedLocker ÷ singleLock | perMiddleware ÷ batched | perMiddleware ÷ batchedLocker |"
			printf "|---|---:|---|"; for (i = 1; i <= n + 4; i++) printf "---:|"; print ""
			split("sync mixed", shapes, " "); split("1 4 16 64", ns, " "); split("1 P", pars, " ")
			for (s = 1; s <= 2; s++) for (j = 1; j <= 4; j++) for (p = 1; p <= 2; p++) {
				k = shapes[s] "/" ns[j] "/" pars[p]
				if (!(k in row)) continue
				printf "| %s | %s | %s |", shapes[s], ns[j], pars[p]
				for (i = 1; i <= n; i++) printf " %.1f |", v[k "/" im[i]]
				printf " %.2f× | %.2f× | %.2f× | %.2f× |\n", v[k "/batched"] / v[k "/singleLock"], v[k "/batchedLocker"] / v[k "/singleLock"], \
					v[k "/perMiddleware"] / v[k "/batched"], v[k "/perMiddleware"] / v[k "/batchedLocker"]
			}
		}'
}
echo
echo "## Wall time: medians in ns per chain run (sec/op)"
mdtable sec/op
echo
echo "## CPU time of the process: medians in ns per chain run (cpu-sec/op; with par=P both cores, spinning included)"
mdtable cpu-sec/op

echo
echo "## Targets (issue 13), on the medians above: wall; CPU"
echo "$medians" | awk '
	{ v[$1 "/" $2 "/" $3 "/" $4 "/" $5] = $6 }
	$1 == "allocs/op" && $6 > 0 { allocs[$5] = 1 }
	function ratio(unit, k, a, b) { return v[unit "/" k "/" a] / v[unit "/" k "/" b] }
	function verdict(r, op, want) { return ((op == "<=") ? (r <= want) : (r >= want)) ? "met" : "missed" }
	function check(what, k, a, b, op, want,   w, c) {
		w = ratio("sec/op", k, a, b); c = ratio("cpu-sec/op", k, a, b)
		printf "| %s | %s ÷ %s %s %.2f | %.2f×; %.2f× | wall %s; CPU %s |\n", what, a, b, op, want, w, c, verdict(w, op, want), verdict(c, op, want)
	}
	function checkUnit(what, unit, k, a, b, want,   r) {
		r = ratio(unit, k, a, b)
		printf "| %s | %s ÷ %s >= %.2f | %.2f× (%s) | %s |\n", what, a, b, want, r, unit, verdict(r, ">=", want)
	}
	END {
		print "| target | ratio | wall; CPU | |"
		print "|---|---|---|---|"
		split("batched batchedLocker", im, " ")
		for (i = 1; i <= 2; i++) {
			x = im[i]
			check(x ", one goroutine, sync n=4", "sync/4/1", x, "singleLock", "<=", 1.2)
			check(x ", one goroutine, sync n=16", "sync/16/1", x, "singleLock", "<=", 1.2)
			check(x ", one goroutine, sync n=64", "sync/64/1", x, "singleLock", "<=", 1.3)
			checkUnit(x ", RunParallel, sync n=16", "sec/op", "sync/16/P", "perMiddleware", x, 4)
			checkUnit(x ", mixed n=16, one goroutine: CPU no more than perMiddleware", "cpu-sec/op", "mixed/16/1", "perMiddleware", x, 1)
			checkUnit(x ", mixed n=16, RunParallel: CPU no more than perMiddleware", "cpu-sec/op", "mixed/16/P", "perMiddleware", x, 1)
			checkUnit(x ", mixed n=16, RunParallel: wall", "sec/op", "mixed/16/P", "perMiddleware", x, 1.5)
			printf "| %s, 0 allocs/op in every row | | %s | %s |\n", x, (x in allocs) ? "allocates" : "0", (x in allocs) ? "missed" : "met"
		}
	}'

echo
echo "## Chain.Run and the callback-style lock"
benchstat -filter '.name:Runner' "$out"
benchstat -filter '.name:CallbackLock' -col /impl "$out"

echo
echo "## Mutex profile: all-sync chain of 16, RunParallel, the same number of chain runs for each"
mutexN=${MUTEX_N:-300000}
go test -run='^$' -bench='Chain/impl=(perMiddleware|batched|batchedLocker)/shape=sync/n=16/par=P' -benchtime="${mutexN}x" \
	-mutexprofile=mutex.out -o chainruntime.test . >/dev/null
for idx in contentions delay; do
	echo "# go tool pprof -top -sample_index=$idx chainruntime.test mutex.out  ($mutexN chain runs each)"
	go tool pprof -top -sample_index="$idx" chainruntime.test mutex.out 2>/dev/null |
		grep -E 'Showing|perMiddleware$|batchedSync$|lockerSync$' | sed 's|github.com/chainlint/chainlint/chain_runtime_test\.||'
done
rm -f chainruntime.test mutex.out
