//go:build chainlint_fixed

package composefixture

import (
	"errors"
	"slices"
	"testing"
)

// After the fix: one acquisition per request, the response hooks see the
// latest request, and a short-circuit response goes through the response
// hooks and gets the security header.
func TestFixed(t *testing.T) {
	for _, sv := range serves {
		e, s := newEngine(t, false)
		sv.serve(e, &Request{Path: "/"})
		if got := e.Lock.Acquisitions(); got != 1 {
			t.Errorf("%s: %d acquisitions for 3 plugins, want 1 (one per request)", sv.name, got)
		}
		want := []string{"rewrite", "auth", "tag"}
		if len(s.reqs) != 2 || s.reqs[0] == nil || !slices.Equal(s.reqs[0].Trail, want) || s.reqs[1] != s.reqs[0] {
			t.Errorf("%s: response hooks saw %v, want the latest request (trail %v) twice", sv.name, s.reqs, want)
		}

		e, s = newEngine(t, true)
		w := sv.serve(e, &Request{Path: "/"})
		if !slices.Equal(w.Trail, []string{"auth", "log", "cache"}) {
			t.Errorf("%s: short-circuit response went through %v, want [auth log cache]", sv.name, w.Trail)
		}
		if w.Header["X-Content-Type-Options"] != "nosniff" {
			t.Errorf("%s: short-circuit response lacks the security header: %v", sv.name, w.Header)
		}
		if len(s.reqs) != 2 || s.reqs[0] == nil || !slices.Equal(s.reqs[0].Trail, []string{"rewrite"}) {
			t.Errorf("%s: response hooks of the short-circuit saw %v, want the request the denying plugin got (trail [rewrite])", sv.name, s.reqs)
		}
		if got := e.Lock.Acquisitions(); got != 1 {
			t.Errorf("%s: %d acquisitions for a short-circuit, want 1", sv.name, got)
		}
	}
}

// On the handler's error path too the hooks see the latest request.
func TestFixedErrorPath(t *testing.T) {
	e, s := newEngine(t, false)
	e.Handle = func(*Request) (*Response, error) { return nil, errors.New("backend down") }
	e.ServeErr(&Request{Path: "/"})
	for i, r := range s.reqs {
		if r == nil || !slices.Equal(r.Trail, []string{"rewrite", "auth", "tag"}) {
			t.Errorf("hook call %d on the error path saw %v, want the latest request", i, r)
		}
	}
}
