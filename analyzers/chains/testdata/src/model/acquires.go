package model

import "sync"

// Acquires facts: a balanced acquisition reached from the receiver, a
// parameter or a global, and up the call graph.

type span struct {
	mu    sync.Mutex
	state struct{ mu sync.RWMutex }
	name  string
}

func (s *span) snapshot() string { // want `fact acquires\(receiver.mu: mutex s.mu\)` `fact mayBlock`
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.name
}

func (s *span) read() string { // want `fact acquires\(receiver.state.mu: read lock s.state.mu\)` `fact mayBlock`
	s.state.mu.RLock()
	n := s.name
	s.state.mu.RUnlock()
	return n
}

// Through a call passing its parameter as the receiver.
func name(sp *span) string { // want `fact acquires\(param 0.mu: mutex sp.mu\)` `fact mayBlock`
	return sp.snapshot()
}

var global span

func globalName() string { // want `fact acquires\(global model.global.mu: mutex global.mu\)` `fact mayBlock`
	global.mu.Lock()
	defer global.mu.Unlock()
	return global.name
}

func viaGlobal() string { // want `fact acquires\(global model.global.mu: mutex global.mu\)` `fact mayBlock`
	return globalName()
}

// Not Acquires: a lock taken and not released (a lock helper), a local
// lock, a lock taken only in a goroutine.
func (s *span) lock() { s.mu.Lock() } // want `fact mayBlock`

func local() { // want `fact mayBlock`
	var mu sync.Mutex
	mu.Lock()
	mu.Unlock()
}

func (s *span) async() {
	go func() {
		s.mu.Lock()
		s.mu.Unlock()
	}()
}

// Not Acquires: the lock is taken only on a slow path (after an early
// return, or under an if), as sync.Pool's pinSlow; nor is a caller of
// such a function.
func (s *span) fast(ok bool) string { // want `fact mayBlock`
	if ok {
		return s.name
	}
	return s.slow()
}

func (s *span) slow() string { // want `fact acquires\(receiver.mu: mutex s.mu\)` `fact mayBlock`
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.name
}

func (s *span) sometimes(ok bool) { // want `fact mayBlock`
	if ok {
		s.mu.Lock()
		defer s.mu.Unlock()
	}
	s.name = "x"
}

func (s *span) either(ok bool) string { // want `fact mayBlock`
	if ok && s.snapshot() != "" {
		return ""
	}
	return s.name
}
