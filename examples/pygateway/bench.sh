#!/usr/bin/env bash
# End-to-end benchmark of chainlint's chainlock fix on a real cgo + CPython
# gateway (and on the gopher-lua counter-example).
#
# Copies this example to a temp dir, applies `chainlint -fix` to the copy,
# builds both versions, and loads each with wrk on loopback at 1, 2, 4, 16
# and 64 connections. Prints, per row: req/s, p50/p99 latency, the ratio
# fixed/before, and per request, read from /debug/gil: python: GIL
# acquisitions, time inside PyGILState_Ensure + PyGILState_Release (summed over
# goroutines) and GIL hand-offs between OS threads; lua: time goroutines spent
# blocked on sync.Mutex (runtime/metrics).
#
# Needs: go, gcc, libpython3-dev, pkg-config, wrk (Debian: apt-get install -y
# libpython3-dev pkg-config wrk). Environment: DURATION (wrk -d, default 5s),
# CONNS (default "1 2 4 16 64"), ENGINES (default "python lua"), REPEAT (runs
# per version and row, in ABBA order, averaged; default 2), PORT_BASE (default
# 18400).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
DURATION=${DURATION:-5s}
CONNS=${CONNS:-1 2 4 16 64}
ENGINES=${ENGINES:-python lua}
PORT_BASE=${PORT_BASE:-18400}
REPEAT=${REPEAT:-2}

for tool in go wrk pkg-config; do
	command -v "$tool" >/dev/null || { echo "bench.sh: $tool not found" >&2; exit 1; }
done
pkg-config --exists python3-embed || { echo "bench.sh: python3-embed not found (apt-get install -y libpython3-dev)" >&2; exit 1; }

tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT

echo "# building chainlint"
(cd "$root" && go build -o "$tmp/chainlint" ./cmd/chainlint)

for v in before fixed; do
	mkdir -p "$tmp/$v"
	cp -r "$here/." "$tmp/$v/"
	(cd "$tmp/$v" && go mod edit -replace "github.com/chainlint/chainlint/chain_runtime=$root/chain_runtime")
done

echo "# chainlint -fix on the copy"
(cd "$tmp/fixed" && { "$tmp/chainlint" -fix ./... || [ $? -eq 3 ]; })
(cd "$tmp" && diff -ru before fixed | grep -v '^Only in' || true)
echo "# chainlint on the fixed copy (expect no findings)"
if (cd "$tmp/fixed" && "$tmp/chainlint" ./...); then echo "clean"; else echo "WARNING: chainlint still reports findings on the fixed copy"; fi

for v in before fixed; do
	(cd "$tmp/$v" && go build -o "$tmp/gw-$v" .)
done

# start ENGINE VERSION PORT: run a gateway in the background.
start() {
	local mw=middlewares.py
	[ "$1" = lua ] && mw=middlewares.lua
	(cd "$tmp/$2" && exec "$tmp/gw-$2" -engine "$1" -middlewares "$mw" -addr "127.0.0.1:$3" >"$tmp/$1-$2.log" 2>&1) &
	pids+=($!)
	for _ in $(seq 50); do
		curl -sf -o /dev/null "http://127.0.0.1:$3/debug/gil" && return 0
		sleep 0.1
	done
	echo "bench.sh: gateway $1 $2 did not start:" >&2
	cat "$tmp/$1-$2.log" >&2
	exit 1
}

# to_us LATENCY: wrk's "1.23ms" / "850.00us" / "1.01s" in microseconds.
to_us() {
	awk -v v="$1" 'BEGIN {
		if (v ~ /us$/) { sub(/us$/, "", v); printf "%.0f", v }
		else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.0f", v * 1000 }
		else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.0f", v * 1000000 }
		else print "?" }'
}

field() { grep -o "\"$1\":[0-9]*" <<<"$2" | cut -d: -f2; }

# load PORT CONNS: run wrk; sets rps, p50, p99, acq, ens, hand (per request).
load() {
	local threads=$(($2 < 2 ? $2 : 2)) out stats req
	curl -sf -o /dev/null "http://127.0.0.1:$1/debug/gil?reset=1"
	out=$(wrk -t"$threads" -c"$2" -d"$DURATION" --latency -H 'Authorization: Bearer alice' "http://127.0.0.1:$1/v1/items?a=1")
	stats=$(curl -sf "http://127.0.0.1:$1/debug/gil?reset=1")
	rps=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' <<<"$out")
	p50=$(to_us "$(awk '$1 == "50%" {print $2}' <<<"$out")")
	p99=$(to_us "$(awk '$1 == "99%" {print $2}' <<<"$out")")
	if grep -q 'Non-2xx' <<<"$out"; then
		echo "bench.sh: non-2xx responses on port $1:" >&2
		echo "$out" >&2
		exit 1
	fi
	req=$(field requests "$stats")
	acq=- ens=- hand=-
	if [ -n "$(field acquisitions "$stats")" ] && [ "${req:-0}" -gt 0 ]; then
		acq=$(awk -v a="$(field acquisitions "$stats")" -v r="$req" 'BEGIN {printf "%.1f", a / r}')
		ens=$(awk -v a="$(field ensure_ns "$stats")" -v b="$(field release_ns "$stats")" -v r="$req" 'BEGIN {printf "%.1f", (a + b) / r / 1000}')
		hand=$(awk -v a="$(field handoffs "$stats")" -v r="$req" 'BEGIN {printf "%.2f", a / r}')
	elif [ -n "$(field mutex_wait_ns "$stats")" ] && [ "${req:-0}" -gt 0 ]; then
		ens=$(awk -v a="$(field mutex_wait_ns "$stats")" -v r="$req" 'BEGIN {printf "%.1f", a / r / 1000}')
	fi
}

# mean V1..V6 V1..V6 ...: the column means of groups of six values ("-" stays "-").
mean() {
	awk '{ for (i = 1; i <= NF; i++) { c = (i - 1) % 6; if ($i == "-") dash[c] = 1; else { sum[c] += $i; n[c]++ } } }
	END { fmt[0] = "%.0f"; fmt[1] = "%.0f"; fmt[2] = "%.0f"; fmt[3] = "%.1f"; fmt[4] = "%.1f"; fmt[5] = "%.2f"
		for (c = 0; c < 6; c++) { if (dash[c] || !n[c]) printf "- "; else printf fmt[c] " ", sum[c] / n[c] }; print "" }' <<<"$*"
}

port=$PORT_BASE
for engine in $ENGINES; do
	start "$engine" before "$port"
	start "$engine" fixed $((port + 1))
	# warm up both
	wrk -t1 -c1 -d1s -H 'Authorization: Bearer alice' "http://127.0.0.1:$port/v1/items" >/dev/null
	wrk -t1 -c1 -d1s -H 'Authorization: Bearer alice' "http://127.0.0.1:$((port + 1))/v1/items" >/dev/null

	echo
	echo "## $engine: 10 before- + 6 after-middlewares, wrk -d$DURATION, mean of $REPEAT runs each, $(nproc) CPUs"
	echo
	echo "| conns | before req/s | fixed req/s | ratio | before p50/p99 µs | fixed p50/p99 µs | lock acq/req before→fixed | µs in lock+unlock per req before→fixed | GIL hand-offs/req before→fixed |"
	echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	for c in $CONNS; do
		# ABBA order, averaged, so that drift in the machine's load does not
		# favour either version.
		bsum="" fsum=""
		for r in $(seq "$REPEAT"); do
			if [ $((r % 2)) -eq 1 ]; then order="$port $((port + 1))"; else order="$((port + 1)) $port"; fi
			for p in $order; do
				load "$p" "$c"
				if [ "$p" = "$port" ]; then bsum="$bsum $rps $p50 $p99 $acq $ens $hand"; else fsum="$fsum $rps $p50 $p99 $acq $ens $hand"; fi
			done
		done
		read -r b_rps b_p50 b_p99 b_acq b_ens b_hand <<<"$(mean $bsum)"
		read -r rps p50 p99 acq ens hand <<<"$(mean $fsum)"
		ratio=$(awk -v a="$rps" -v b="$b_rps" 'BEGIN {printf "%.2f", a / b}')
		echo "| $c | $b_rps | $rps | ${ratio}× | $b_p50 / $b_p99 | $p50 / $p99 | $b_acq → $acq | $b_ens → $ens | $b_hand → $hand |"
	done
	port=$((port + 2))
done
