package fixes

import "strings"

// A span is a half-open range of lines [lo, hi) in one side of a diff.
type span struct{ lo, hi int }

// A hunk replaces lines old of one text with lines new of another.
type hunk struct{ old, new span }

// maxEditDistance bounds the Myers search (its trace costs O(D²) memory).
// Beyond it, the differing middle of the two texts becomes a single hunk.
const maxEditDistance = 2000

// splitLines splits s into lines that keep their "\n"; the last line may
// lack one. An empty s has no lines.
func splitLines(s string) []string {
	lines := strings.SplitAfter(s, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// lineHunks returns the hunks that turn lines a into lines b, in order,
// separated by at least one unchanged line.
func lineHunks(a, b []string) []hunk {
	// Trim the common prefix and suffix: the usual change is small and
	// local, so the search below runs on a few lines.
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	am, bm := a[pre:len(a)-suf], b[pre:len(b)-suf]
	if len(am) == 0 && len(bm) == 0 {
		return nil
	}
	// Intern lines so the search compares ints.
	ids := make(map[string]int)
	intern := func(lines []string) []int {
		out := make([]int, len(lines))
		for i, l := range lines {
			id, ok := ids[l]
			if !ok {
				id = len(ids)
				ids[l] = id
			}
			out[i] = id
		}
		return out
	}
	ai, bi := intern(am), intern(bm)
	matches, ok := myers(ai, bi, maxEditDistance)
	if !ok {
		return []hunk{{span{pre, pre + len(am)}, span{pre, pre + len(bm)}}}
	}
	var hunks []hunk
	x, y := 0, 0
	for _, m := range append(matches, [2]int{len(ai), len(bi)}) {
		if m[0] > x || m[1] > y {
			hunks = append(hunks, hunk{span{pre + x, pre + m[0]}, span{pre + y, pre + m[1]}})
		}
		x, y = m[0]+1, m[1]+1
	}
	return hunks
}

// myers returns the pairs (i, j) with a[i] == b[j] of a longest common
// subsequence of a and b, in increasing order, using Myers' O(ND)
// algorithm. It gives up (ok == false) when the edit distance exceeds maxD.
func myers(a, b []int, maxD int) (matches [][2]int, ok bool) {
	n, m := len(a), len(b)
	if maxD > n+m {
		maxD = n + m
	}
	off := maxD + 1
	v := make([]int, 2*maxD+3)
	// trace[d] holds v[k] for k in [-d-1, d+1] as it was before step d.
	var trace [][]int
	for d := 0; d <= maxD; d++ {
		trace = append(trace, append([]int(nil), v[off-d-1:off+d+2]...))
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
				return backtrack(trace, n, m), true
			}
		}
	}
	return nil, false
}

func backtrack(trace [][]int, x, y int) [][2]int {
	var rev [][2]int
	for d := len(trace) - 1; d >= 0; d-- {
		v := trace[d]
		at := func(k int) int { return v[k+d+1] }
		k := x - y
		var pk int
		if k == -d || (k != d && at(k-1) < at(k+1)) {
			pk = k + 1
		} else {
			pk = k - 1
		}
		px := at(pk)
		py := px - pk
		if d == 0 {
			px, py = 0, 0
		}
		for x > px && y > py {
			x--
			y--
			rev = append(rev, [2]int{x, y})
		}
		x, y = px, py
	}
	out := make([][2]int, len(rev))
	for i, p := range rev {
		out[len(rev)-1-i] = p
	}
	return out
}

// A LineHunk is one change of a line diff: lines [OldLo, OldHi) of the old
// text become lines [NewLo, NewHi) of the new one (0-based).
type LineHunk struct{ OldLo, OldHi, NewLo, NewHi int }

// LineDiff returns the changes that turn lines a into lines b, in order,
// separated by at least one unchanged line: a shortest edit script
// (Myers' algorithm), or, beyond maxEditDistance changed lines, one change
// for the whole differing middle. Lines are compared as strings; callers
// usually keep each line's "\n".
func LineDiff(a, b []string) []LineHunk {
	var out []LineHunk
	for _, h := range lineHunks(a, b) {
		out = append(out, LineHunk{h.old.lo, h.old.hi, h.new.lo, h.new.hi})
	}
	return out
}
