package a

import "sync"

// A tracing span whose end hands a snapshot to every span processor, as
// OpenTelemetry's span.End did before it took the snapshot once: each
// snapshot takes the span's lock, so N processors take it N times.

type ReadOnlySpan struct{ Name string }

type SpanProcessor interface{ OnEnd(ReadOnlySpan) }

type processorState struct{ sp SpanProcessor }

type span struct {
	mu         sync.Mutex
	name       string
	processors []processorState
	attrs      map[string]string
}

func (s *span) snapshot() ReadOnlySpan {
	s.mu.Lock()
	defer s.mu.Unlock()
	return ReadOnlySpan{Name: s.name}
}

func (s *span) End() {
	for _, sp := range s.processors {
		sp.sp.OnEnd(s.snapshot()) // want `s.snapshot\(\) takes mutex s.mu on every iteration of the chain loop over s.processors \(N acquisitions for an N-middleware chain\); call it once before the loop and pass its result; no fix offered: the middlewares are dynamic calls`
	}
}

// The same through a local and a helper that passes the span on.
func snapshotOf(s *span) ReadOnlySpan { return s.snapshot() }

func (s *span) EndLocal(sps []SpanProcessor) {
	for _, p := range sps {
		snap := snapshotOf(s) // want `snapshotOf\(s\) takes mutex s.mu on every iteration of the chain loop over sps`
		p.OnEnd(snap)
	}
}

// Through a package-level lock.
var registryMu sync.RWMutex

var registry = map[string]string{}

func lookup(name string) string {
	registryMu.RLock()
	defer registryMu.RUnlock()
	return registry[name]
}

func Notify(hooks []func(string), name string) {
	for _, h := range hooks {
		h(lookup(name)) // want `lookup\(name\) takes read lock a.registryMu on every iteration of the chain loop over hooks`
	}
}

// An argument that changes per element: reported, with that reason.
func (s *span) EndEach(sps []SpanProcessor) {
	for i, p := range sps {
		p.OnEnd(s.labelled(i)) // want `s.labelled\(i\) takes mutex s.mu .*; no fix offered: its argument i changes in the loop`
	}
}

func (s *span) labelled(i int) ReadOnlySpan {
	s.mu.Lock()
	defer s.mu.Unlock()
	return ReadOnlySpan{Name: s.name + string(rune('0'+i))}
}

// Negatives.

// A call under the lock on the way to an argument, not the argument
// itself: a suite's T() taken under its lock, then its Context handed to
// each container of a map (a test suite's containers, not a middleware
// chain fed a snapshot).
type suite struct {
	mu sync.RWMutex
	t  *testingT
}

type testingT struct{ ctx string }

func (t *testingT) Context() string { return t.ctx }

func (s *suite) T() *testingT {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.t
}

type container interface{ Start(ctx string) error }

func (s *suite) startAll(containers map[string]container) {
	for _, con := range containers {
		_ = con.Start(s.T().Context())
	}
	for _, con := range containers {
		ctx := s.T().Context()
		_ = con.Start(ctx)
	}
}

// Each span has its own lock: a per-element acquisition.
func EndAll(spans []*span, p SpanProcessor) {
	for _, sp := range spans {
		p.OnEnd(sp.snapshot())
	}
}

// The snapshot is taken once, before the loop.
func (s *span) EndOnce() {
	snap := s.snapshot()
	for _, sp := range s.processors {
		sp.sp.OnEnd(snap)
	}
}

// The locking call does not feed the middleware.
func (s *span) Counted() int {
	n := 0
	for _, sp := range s.processors {
		n += len(s.snapshot().Name)
		sp.sp.OnEnd(ReadOnlySpan{})
	}
	return n
}

// A loop that calls no element.
func (s *span) Names(n int) []string {
	var out []string
	for range n {
		out = append(out, s.snapshot().Name)
	}
	return out
}
