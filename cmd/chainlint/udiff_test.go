package main

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// patch applies a unified diff produced by unifiedDiff to old, checking
// each context and deleted line: an independent reading of the format.
func patch(t *testing.T, old, diff string) string {
	t.Helper()
	a := splitLines(old)
	lines := strings.SplitAfter(diff, "\n")
	if len(lines) < 2 || !strings.HasPrefix(lines[0], "--- a/") || !strings.HasPrefix(lines[1], "+++ b/") {
		t.Fatalf("bad header:\n%s", diff)
	}
	var out []string
	next := 0 // next line of a to copy
	for i := 2; i < len(lines) && lines[i] != ""; {
		var aStart, aLen, bStart, bLen int
		h := lines[i]
		parse := func(s string) (int, int) {
			start, n, ok := strings.Cut(s, ",")
			x, _ := strconv.Atoi(start)
			if !ok {
				return x, 1
			}
			y, _ := strconv.Atoi(n)
			return x, y
		}
		var ar, br string
		if _, err := fmt.Sscanf(h, "@@ -%s +%s @@\n", &ar, &br); err != nil {
			t.Fatalf("bad hunk header %q", h)
		}
		aStart, aLen = parse(ar)
		bStart, bLen = parse(br)
		_ = bStart
		if aLen > 0 {
			aStart-- // to 0-based
		}
		out = append(out, a[next:aStart]...)
		next = aStart
		i++
		var gotA, gotB int
		for i < len(lines) && lines[i] != "" && !strings.HasPrefix(lines[i], "@@") {
			l := lines[i]
			i++
			noEOL := i < len(lines) && strings.HasPrefix(lines[i], `\ No newline`)
			body := l[1:]
			if noEOL {
				body = strings.TrimSuffix(body, "\n")
				i++
			}
			switch l[0] {
			case ' ', '-':
				if next >= len(a) || a[next] != body {
					t.Fatalf("hunk %q: line %d is %q, diff says %q", h, next+1, a[min(next, len(a)-1)], body)
				}
				next++
				gotA++
				if l[0] == ' ' {
					out = append(out, body)
					gotB++
				}
			case '+':
				out = append(out, body)
				gotB++
			default:
				t.Fatalf("bad line %q", l)
			}
		}
		if gotA != aLen || gotB != bLen {
			t.Fatalf("hunk %q counts %d,%d lines", h, gotA, gotB)
		}
	}
	out = append(out, a[next:]...)
	return strings.Join(out, "")
}

func TestUnifiedDiff(t *testing.T) {
	got := string(unifiedDiff("f.go", "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n", "a\nb\nc\nd\nE\nf\ng\nh\ni\nj\nk"))
	want := "--- a/f.go\n+++ b/f.go\n@@ -2,9 +2,10 @@\n b\n c\n d\n-e\n+E\n f\n g\n h\n i\n j\n+k\n\\ No newline at end of file\n"
	if got != want {
		t.Errorf("unifiedDiff =\n%s\nwant\n%s", got, want)
	}
	if d := unifiedDiff("f.go", "same\n", "same\n"); d != nil {
		t.Errorf("diff of equal texts: %q", d)
	}

	// Random texts over a small alphabet: the diff applies and gives new.
	rng := rand.New(rand.NewPCG(1, 2))
	text := func() string {
		var sb strings.Builder
		for range rng.IntN(40) {
			sb.WriteString(string(rune('a' + rng.IntN(4))))
			if rng.IntN(50) > 0 {
				sb.WriteByte('\n')
			}
		}
		return sb.String()
	}
	for range 2000 {
		old, new := text(), text()
		d := unifiedDiff("f", old, new)
		if old == new {
			continue
		}
		if got := patch(t, old, string(d)); got != new {
			t.Fatalf("patch(old, diff) != new\nold %q\nnew %q\ndiff:\n%s\ngot %q", old, new, d, got)
		}
	}
}
