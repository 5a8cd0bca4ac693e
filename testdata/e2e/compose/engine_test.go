package composefixture

import (
	"errors"
	"slices"
	"testing"
)

// plugin returns a plugin that appends name to the request's trail and
// checks that it runs under the lock; deny makes it answer 401 at once.
func plugin(t *testing.T, l *CountingLock, name string, deny bool) Plugin {
	return Plugin{OnReq: func(r *Request) (*Request, *Response) {
		if !l.Held() {
			t.Errorf("plugin %s runs without the lock", name)
		}
		if deny {
			return nil, &Response{Status: 401, Header: map[string]string{}, Trail: []string{name}}
		}
		next := &Request{Path: r.Path, Trail: append(slices.Clone(r.Trail), name)}
		return next, nil
	}}
}

// seen records the request each response hook was called with.
type seen struct{ reqs []*Request }

func (s *seen) hook(name string) func(r *Request, w *Response) *Response {
	return func(r *Request, w *Response) *Response {
		s.reqs = append(s.reqs, r)
		w.Trail = append(w.Trail, name)
		return w
	}
}

// newEngine returns an engine with plugins auth and rewrite (auth denies
// when deny is set), a handler that echoes the trail, and response hooks
// log and cache.
func newEngine(t *testing.T, deny bool) (*Engine, *seen) {
	l := &CountingLock{}
	s := &seen{}
	e := &Engine{
		Lock:    l,
		Plugins: []Plugin{plugin(t, l, "rewrite", false), plugin(t, l, "auth", deny), plugin(t, l, "tag", false)},
		Resp:    []func(*Request, *Response) *Response{s.hook("log"), s.hook("cache")},
	}
	e.Handler = func(r *Request) *Response {
		return &Response{Status: 200, Header: map[string]string{}, Trail: append(slices.Clone(r.Trail), "handler")}
	}
	e.Handle = func(r *Request) (*Response, error) { return e.Handler(r), nil }
	return e, s
}

// serves are the entry points that hold the three defects.
var serves = []struct {
	name  string
	serve func(*Engine, *Request) *Response
}{
	{"Serve", (*Engine).Serve},
	{"ServeErr", (*Engine).ServeErr},
}

func TestServeOrder(t *testing.T) {
	for _, sv := range serves {
		e, _ := newEngine(t, false)
		w := sv.serve(e, &Request{Path: "/"})
		if want := []string{"rewrite", "auth", "tag", "handler", "log", "cache"}; w.Status != 200 || !slices.Equal(w.Trail, want) {
			t.Errorf("%s = %d %v, want 200 %v", sv.name, w.Status, w.Trail, want)
		}
		if w.Header["X-Content-Type-Options"] != "nosniff" {
			t.Errorf("%s: a normal response lacks the security header: %v", sv.name, w.Header)
		}
		if e.Lock.Held() {
			t.Errorf("%s: lock still held after it returned", sv.name)
		}
	}
}

func TestShortCircuitStatus(t *testing.T) {
	for _, sv := range serves {
		e, _ := newEngine(t, true)
		w := sv.serve(e, &Request{Path: "/"})
		if w.Status != 401 || len(w.Trail) == 0 || w.Trail[0] != "auth" {
			t.Errorf("%s with auth denying = %d %v, want 401 from auth", sv.name, w.Status, w.Trail)
		}
		if e.Lock.Held() {
			t.Errorf("%s: lock still held after a short-circuit", sv.name)
		}
	}
}

// The handler's error path answers 500 through the response hooks, with
// the security header.
func TestServeErrFailure(t *testing.T) {
	e, s := newEngine(t, false)
	e.Handle = func(*Request) (*Response, error) { return nil, errors.New("backend down") }
	w := e.ServeErr(&Request{Path: "/"})
	if w.Status != 500 || !slices.Equal(w.Trail, []string{"cache", "log", "cache"}) {
		t.Errorf("ServeErr on a failing handler = %d %v, want 500 [cache log cache]", w.Status, w.Trail)
	}
	if w.Header["X-Content-Type-Options"] != "nosniff" || len(s.reqs) != 4 {
		t.Errorf("ServeErr on a failing handler: header %v, %d hook calls, want nosniff and 4", w.Header, len(s.reqs))
	}
}
