package skipafter

import (
	"go/token"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/chainlint/chainlint/fixes"
)

// narrowEdits splits each edit of a fix into the smallest edits per line,
// so that the edits of other analyzers on the same lines stay disjoint
// from skipafter's: the guard the fix writes moves the handler code into
// a block, and a moved line changes only by its indentation, where
// droprequest may be replacing an argument of the same line
// (w = h(nil, w) becomes w = h(r, w)). Appliers take all analyzers' fixes
// at once and reject or garble overlapping ones. Lines are matched by
// their text without leading blanks; a matched line whose indentation
// changed gets an edit of its leading blanks only, and changed lines
// paired one for one get an edit of what differs between them.
func narrowEdits(tok *token.File, src []byte, edits []analysis.TextEdit) []analysis.TextEdit {
	var out []analysis.TextEdit
	for _, e := range edits {
		start, end := tok.Offset(e.Pos), tok.Offset(e.End)
		// Widen to whole lines of src.
		ls := strings.LastIndexByte(string(src[:start]), '\n') + 1
		le := end
		if i := strings.IndexByte(string(src[end:]), '\n'); i >= 0 {
			le = end + i + 1
		} else {
			le = len(src)
		}
		old := string(src[ls:le])
		neu := string(src[ls:start]) + string(e.NewText) + string(src[end:le])
		out = append(out, lineEdits(tok, ls, old, neu)...)
	}
	return out
}

// lineEdits returns the narrow edits that turn old, the text of src at
// offset base, into neu.
func lineEdits(tok *token.File, base int, old, neu string) []analysis.TextEdit {
	a, b := splitKeep(old), splitKeep(neu)
	offsets := make([]int, len(a)+1)
	for i, l := range a {
		offsets[i+1] = offsets[i] + len(l)
	}
	var out []analysis.TextEdit
	edit := func(lo, hi int, oldText, newText string) {
		p, s := commonEnds(oldText, newText)
		if p+s == len(oldText) && p+s == len(newText) {
			return
		}
		out = append(out, analysis.TextEdit{
			Pos:     tok.Pos(base + lo + p),
			End:     tok.Pos(base + hi - s),
			NewText: []byte(newText[p : len(newText)-s]),
		})
	}
	// same pairs the lines that are equal but for indentation.
	same := func(x, y int) {
		edit(offsets[x], offsets[x+1], a[x], b[y])
	}
	x, y := 0, 0
	for _, h := range fixes.LineDiff(trimmed(a), trimmed(b)) {
		for ; x < h.OldLo; x, y = x+1, y+1 {
			same(x, y)
		}
		if h.OldHi-h.OldLo == h.NewHi-h.NewLo {
			for ; x < h.OldHi; x, y = x+1, y+1 {
				same(x, y)
			}
			continue
		}
		edit(offsets[h.OldLo], offsets[h.OldHi], strings.Join(a[h.OldLo:h.OldHi], ""), strings.Join(b[h.NewLo:h.NewHi], ""))
		x, y = h.OldHi, h.NewHi
	}
	for ; x < len(a); x, y = x+1, y+1 {
		same(x, y)
	}
	return out
}

// commonEnds returns the lengths of the common prefix and, in what
// remains, the common suffix of a and b.
func commonEnds(a, b string) (p, s int) {
	for p < len(a) && p < len(b) && a[p] == b[p] {
		p++
	}
	for s < len(a)-p && s < len(b)-p && a[len(a)-1-s] == b[len(b)-1-s] {
		s++
	}
	return p, s
}

// splitKeep splits s into lines that keep their "\n".
func splitKeep(s string) []string {
	lines := strings.SplitAfter(s, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// trimmed returns the lines without their leading blanks.
func trimmed(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = strings.TrimLeft(l, " \t")
	}
	return out
}
