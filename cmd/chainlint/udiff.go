package main

import (
	"fmt"
	"strings"

	"github.com/chainlint/chainlint/fixes"
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

// diffLines lists the lines of a and b as kept, deleted and inserted, from
// the line diff of the fixes package (Myers' algorithm).
func diffLines(a, b []string) []diffOp {
	var ops []diffOp
	x, y := 0, 0
	keep := func(toX int) {
		for ; x < toX; x, y = x+1, y+1 {
			ops = append(ops, diffOp{' ', a[x], x, y})
		}
	}
	for _, h := range fixes.LineDiff(a, b) {
		keep(h.OldLo)
		for ; x < h.OldHi; x++ {
			ops = append(ops, diffOp{'-', a[x], x, y})
		}
		for ; y < h.NewHi; y++ {
			ops = append(ops, diffOp{'+', b[y], x, y})
		}
	}
	keep(len(a))
	return ops
}
