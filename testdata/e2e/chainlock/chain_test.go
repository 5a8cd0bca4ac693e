package chainlockfixture

import (
	"slices"
	"testing"
)

// mw returns a middleware that appends name to the trail and checks that
// the lock is held exactly when it should be.
func mw(t *testing.T, l *CountingLock, name string, wantHeld bool) func(*Request) *Request {
	return func(r *Request) *Request {
		if l.Held() != wantHeld {
			t.Errorf("middleware %s: lock held = %v, want %v", name, l.Held(), wantHeld)
		}
		r.Trail = append(r.Trail, name)
		return r
	}
}

func newFuncs(t *testing.T) *Runner {
	l := &CountingLock{}
	return &Runner{Lock: l, Funcs: []Func{mw(t, l, "auth", true), mw(t, l, "cors", true), mw(t, l, "rewrite", true)}}
}

func newStages(t *testing.T) *Runner {
	l := &CountingLock{}
	return &Runner{Lock: l, Stages: [3]Func{mw(t, l, "decode", true), mw(t, l, "auth", true), mw(t, l, "route", true)}}
}

// The array chain runs every stage, in order, under the lock.
func TestStagesOrder(t *testing.T) {
	r := newStages(t)
	got := r.RunStages(&Request{})
	if want := []string{"decode", "auth", "route"}; !slices.Equal(got.Trail, want) {
		t.Errorf("trail %v, want %v", got.Trail, want)
	}
	if r.Lock.Held() {
		t.Error("the lock is still held after the chain")
	}
}

func newSteps(t *testing.T) *Runner {
	l := &CountingLock{}
	return &Runner{Lock: l, Steps: []Step{
		{Name: "a", Fn: mw(t, l, "a", true)},
		{Name: "b", Fn: mw(t, l, "b", true)},
		{Name: "io", Async: true, Fn: mw(t, l, "io", false)},
		{Name: "c", Fn: mw(t, l, "c", true)},
		{Name: "d", Fn: mw(t, l, "d", true)},
	}}
}

func newPhases(t *testing.T) *Runner {
	r := newFuncs(t)
	r.Handler = mw(t, r.Lock, "handler", true)
	r.After = []Func{mw(t, r.Lock, "log", true), mw(t, r.Lock, "headers", true)}
	return r
}

func TestPhasesOrder(t *testing.T) {
	r := newPhases(t)
	got := r.RunPhases(&Request{Path: "/"})
	if want := []string{"auth", "cors", "rewrite", "handler", "log", "headers"}; !slices.Equal(got.Trail, want) {
		t.Fatalf("trail = %v, want %v", got.Trail, want)
	}
	if r.Lock.Held() {
		t.Fatal("lock still held after the phases")
	}
}

func TestFuncsOrder(t *testing.T) {
	r := newFuncs(t)
	got := r.RunFuncs(&Request{Path: "/"})
	if want := []string{"auth", "cors", "rewrite"}; !slices.Equal(got.Trail, want) {
		t.Fatalf("trail = %v, want %v", got.Trail, want)
	}
	if r.Lock.Held() {
		t.Fatal("lock still held after the chain")
	}
}

func TestFuncsStop(t *testing.T) {
	l := &CountingLock{}
	r := &Runner{Lock: l, Funcs: []Func{mw(t, l, "auth", true), func(*Request) *Request { return nil }, mw(t, l, "never", true)}}
	if got := r.RunFuncs(&Request{Path: "/"}); got != nil {
		t.Fatalf("got %v, want nil after the short-circuit", got)
	}
	if l.Held() {
		t.Fatal("lock still held after an early return")
	}
}

func TestStepsOrder(t *testing.T) {
	r := newSteps(t)
	got := r.RunSteps(&Request{Path: "/"})
	if want := []string{"a", "b", "io", "c", "d"}; !slices.Equal(got.Trail, want) {
		t.Fatalf("trail = %v, want %v", got.Trail, want)
	}
	if r.Lock.Held() {
		t.Fatal("lock still held after the chain")
	}
}

func TestFuncsHelperOrder(t *testing.T) {
	r := newFuncs(t)
	got := r.RunFuncsHelper(&Request{Path: "/"})
	if want := []string{"auth", "cors", "rewrite"}; !slices.Equal(got.Trail, want) {
		t.Fatalf("trail = %v, want %v", got.Trail, want)
	}
	if r.Lock.Held() {
		t.Fatal("lock still held after the chain")
	}
}

func newLoaded(t *testing.T) *Loaded {
	l := &Loaded{Lock: &CountingLock{}}
	l.Load(mw(t, l.Lock, "decode", true), mw(t, l.Lock, "auth", true), mw(t, l.Lock, "route", true))
	return l
}

// The chain built at load time runs every middleware, in order, under the
// lock, and leaves it released.
func TestLoadedOrder(t *testing.T) {
	l := newLoaded(t)
	got := l.Run(&Request{})
	if want := []string{"decode", "auth", "route"}; !slices.Equal(got.Trail, want) {
		t.Errorf("trail %v, want %v", got.Trail, want)
	}
	if l.Lock.Held() {
		t.Error("the lock is still held after the chain")
	}
}
