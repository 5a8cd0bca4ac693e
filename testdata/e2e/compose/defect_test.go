//go:build !chainlint_fixed

package composefixture

import (
	"slices"
	"testing"
)

// Before the fix: one acquisition per plugin, response hooks without the
// request, and a short-circuit response that skips the hooks and the
// security header.
func TestDefects(t *testing.T) {
	for _, sv := range serves {
		e, s := newEngine(t, false)
		sv.serve(e, &Request{Path: "/"})
		if got := e.Lock.Acquisitions(); got != 3 {
			t.Errorf("%s: %d acquisitions for 3 plugins, want 3 (one per plugin)", sv.name, got)
		}
		if len(s.reqs) != 2 || s.reqs[0] != nil || s.reqs[1] != nil {
			t.Errorf("%s: response hooks saw %v, want two nil requests", sv.name, s.reqs)
		}

		e, s = newEngine(t, true)
		w := sv.serve(e, &Request{Path: "/"})
		if !slices.Equal(w.Trail, []string{"auth"}) || len(s.reqs) != 0 {
			t.Errorf("%s: short-circuit response went through %v (hooks called %d times), want [auth] and no hook", sv.name, w.Trail, len(s.reqs))
		}
		if _, ok := w.Header["X-Content-Type-Options"]; ok {
			t.Errorf("%s: short-circuit response has the security header before the fix", sv.name)
		}
	}
}
