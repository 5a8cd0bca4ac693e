package main

import (
	"fmt"
	"slices"
	"strings"
)

// unifiedDiff returns the unified diff (3 lines of context, git's
// a/ b/ prefixes, so that git apply and patch -p1 accept it) that turns
// old into new, or nil if they are equal.
func unifiedDiff(name, old, new string) []byte {
	if old == new {
		return nil
	}
	a, b := splitLines(old), splitLines(new)
	ops := diffLines(a, b)

	const context = 3
	var sb strings.Builder
	fmt.Fprintf(&sb, "--- a/%s\n+++ b/%s\n", name, name)
	// Walk the ops, emitting a hunk for each group of changes that are
	// no more than 2*context equal lines apart.
	i := 0
	for i < len(ops) {
		// Find the next change.
		for i < len(ops) && ops[i].kind == ' ' {
			i++
		}
		if i == len(ops) {
			break
		}
		start := max(0, i-context)
		end := i
		for {
			for end < len(ops) && ops[end].kind != ' ' {
				end++
			}
			// end is at an equal line (or the end); look for another
			// change within 2*context lines.
			next := end
			for next < len(ops) && ops[next].kind == ' ' && next-end < 2*context {
				next++
			}
			if next < len(ops) && ops[next].kind != ' ' {
				end = next
				continue
			}
			end = min(len(ops), end+context)
			break
		}
		hunk := ops[start:end]
		aStart, bStart := ops[start].a, ops[start].b
		var aLen, bLen int
		for _, op := range hunk {
			if op.kind != '+' {
				aLen++
			}
			if op.kind != '-' {
				bLen++
			}
		}
		fmt.Fprintf(&sb, "@@ -%s +%s @@\n", hunkRange(aStart, aLen), hunkRange(bStart, bLen))
		for _, op := range hunk {
			sb.WriteByte(op.kind)
			sb.WriteString(op.line)
			if !strings.HasSuffix(op.line, "\n") {
				sb.WriteString("\n\\ No newline at end of file\n")
			}
		}
		i = end
	}
	return []byte(sb.String())
}

// hunkRange formats a hunk's line range: start is 0-based.
func hunkRange(start, n int) string {
	if n == 0 {
		return fmt.Sprintf("%d,0", start) // the line before an empty range
	}
	if n == 1 {
		return fmt.Sprintf("%d", start+1)
	}
	return fmt.Sprintf("%d,%d", start+1, n)
}

// splitLines splits s after each newline; the last line may lack one.
func splitLines(s string) []string {
	var lines []string
	for s != "" {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			lines = append(lines, s)
			break
		}
		lines = append(lines, s[:i+1])
		s = s[i+1:]
	}
	return lines
}

// A diffOp is one line of a line diff: ' ' kept, '-' deleted, '+'
// inserted; a and b are the 0-based line numbers in old and new at
// which it stands.
type diffOp struct {
	kind byte
	line string
	a, b int
}

// diffLines computes a shortest edit script from a to b with Myers'
// O(ND) algorithm, keeping only the diagonals of each round (O(D²)
// memory), which suits fixes: few changed lines in files of any size.
func diffLines(a, b []string) []diffOp {
	n, m := len(a), len(b)
	maxD := n + m
	off := maxD + 1
	v := make([]int, 2*maxD+3)
	var trace [][]int // trace[d][k+d] = furthest x on diagonal k after round d
	var endD int
search:
	for d := 0; d <= maxD; d++ {
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[off+k-1] < v[off+k+1]) {
				x = v[off+k+1]
			} else {
				x = v[off+k-1] + 1
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			v[off+k] = x
			if x >= n && y >= m {
				endD = d
				break search
			}
		}
		trace = append(trace, slices.Clone(v[off-d:off+d+1]))
	}

	var ops []diffOp
	x, y := n, m
	for d := endD; d > 0; d-- {
		prev := trace[d-1]
		get := func(k int) int { return prev[k+d-1] }
		k := x - y
		var pk int
		if k == -d || (k != d && get(k-1) < get(k+1)) {
			pk = k + 1
		} else {
			pk = k - 1
		}
		px := get(pk)
		py := px - pk
		for x > px && y > py {
			x, y = x-1, y-1
			ops = append(ops, diffOp{' ', a[x], x, y})
		}
		if x == px {
			y--
			ops = append(ops, diffOp{'+', b[y], x, y})
		} else {
			x--
			ops = append(ops, diffOp{'-', a[x], x, y})
		}
	}
	for x > 0 && y > 0 {
		x, y = x-1, y-1
		ops = append(ops, diffOp{' ', a[x], x, y})
	}
	slices.Reverse(ops)
	return ops
}
