package a

import (
	"iter"
	"maps"
	"slices"
	"sync"
)

// Loops the model finds by what they do, reported without a fix: the
// runtime batches a slice in order, and these loops walk something else.

func (s *Server) IntRangeN(n int, req *Request) *Request {
	for i := range n {
		s.vmMu.Lock() // want `lock s.vmMu is acquired once per middleware of s.before .*; no fix offered: the loop runs n times, which is not len\(s.before\)`
		req = s.before[i](req)
		s.vmMu.Unlock()
	}
	return req
}

func (s *Server) Values(req *Request) *Request {
	for m := range slices.Values(s.before) {
		s.vmMu.Lock() // want `lock s.vmMu is acquired once per middleware of s.before .*; no fix offered: the loop ranges over an iterator, and the runtime batches a slice`
		req = m(req)
		s.vmMu.Unlock()
	}
	return req
}

// A reverse after-chain.
func (s *Server) Backward(req *Request, resp *Response) {
	for _, m := range slices.Backward(s.after) {
		s.vmMu.Lock() // want `lock s.vmMu is acquired once per middleware of s.after .*; no fix offered: the loop ranges over an iterator`
		m(req, resp)
		s.vmMu.Unlock()
	}
}

func MapValues(mu *sync.Mutex, hooks map[string]Hook, req *Request) {
	for h := range maps.Values(hooks) {
		mu.Lock() // want `lock mu is acquired once per middleware of hooks .*; no fix offered: the loop ranges over an iterator`
		h.Serve(req)
		mu.Unlock()
	}
}

// A user-written iterator.
func (s *Server) Hooks() iter.Seq[Hook] {
	return func(yield func(Hook) bool) {
		for _, h := range s.hooks {
			if !yield(h) {
				return
			}
		}
	}
}

func (s *Server) UserSeq(req *Request) {
	for h := range s.Hooks() {
		s.vmMu.Lock() // want `lock s.vmMu is acquired once per middleware of s.Hooks\(\) .*; no fix offered: the loop ranges over an iterator`
		h.Serve(req)
		s.vmMu.Unlock()
	}
}

func UserSeq2(mu *sync.Mutex, seq iter.Seq2[string, Middleware], req *Request) *Request {
	for _, m := range seq {
		mu.Lock() // want `lock mu is acquired once per middleware of seq .*; no fix offered: the loop ranges over an iterator`
		req = m(req)
		mu.Unlock()
	}
	return req
}

type Link struct {
	fn   func(*Request)
	next *Link
}

func List(mu *sync.Mutex, head *Link, req *Request) {
	for n := head; n != nil; n = n.next {
		mu.Lock() // want `lock mu is acquired once per middleware of head .*; no fix offered: the chain is a linked list, and the runtime batches a slice`
		n.fn(req)
		mu.Unlock()
	}
}

// An index kept in a struct field, as gin does: a handler may move it.
type Ctx struct {
	mu       *sync.Mutex
	index    int8
	handlers []func(*Ctx)
}

func (c *Ctx) Next() {
	c.index++
	for c.index < int8(len(c.handlers)) {
		c.mu.Lock() // want `lock c.mu is acquired once per middleware of c.handlers .*; no fix offered: the loop advances c.index, which a middleware may move \(to abort or skip\); a range over the chain would not see it`
		c.handlers[c.index](c)
		c.mu.Unlock()
		c.index++
	}
}

func MapRange(mu *sync.Mutex, hooks map[string]Middleware, req *Request) *Request {
	for _, h := range hooks {
		mu.Lock() // want `lock mu is acquired once per middleware of hooks .*; no fix offered: the loop ranges over a map`
		req = h(req)
		mu.Unlock()
	}
	return req
}

func ChanRange(mu *sync.Mutex, hooks <-chan Hook, req *Request) {
	for h := range hooks {
		mu.Lock() // want `lock mu is acquired once per middleware of hooks .*; no fix offered: the middlewares arrive on a channel`
		h.Serve(req)
		mu.Unlock()
	}
}

func Goto(mu *sync.Mutex, chain []Middleware, req *Request) *Request {
	i := 0
next:
	if i < len(chain) {
		mu.Lock() // want `lock mu is acquired once per middleware of chain .*; no fix offered: the loop is written with goto`
		req = chain[i](req)
		mu.Unlock()
		i++
		goto next
	}
	return req
}

// Negatives on the new shapes.

// A per-element lock in a linked list.
type GuardedLink struct {
	mu   sync.Mutex
	fn   func(*Request)
	next *GuardedLink
}

func ListPerElement(head *GuardedLink, req *Request) {
	for n := head; n != nil; n = n.next {
		n.mu.Lock()
		n.fn(req)
		n.mu.Unlock()
	}
}

// A striped lock in an integer range.
func IntRangeStriped(locks *[8]sync.Mutex, chain []Middleware, req *Request) *Request {
	for i := range len(chain) {
		locks[i%8].Lock()
		req = chain[i](req)
		locks[i%8].Unlock()
	}
	return req
}

// The lock held around an iterator loop.
func (s *Server) HeldAroundIter(req *Request) *Request {
	s.vmMu.Lock()
	defer s.vmMu.Unlock()
	for m := range slices.Values(s.before) {
		req = m(req)
	}
	return req
}

// The map's lock is bookkeeping only, outside the call.
func MapBookkeeping(mu *sync.Mutex, hooks map[string]Middleware, req *Request) (*Request, int) {
	n := 0
	for _, h := range hooks {
		mu.Lock()
		n++
		mu.Unlock()
		req = h(req)
	}
	return req, n
}

// A goto loop calling no element.
func GotoNoElement(mu *sync.Mutex, chain []Middleware, req *Request) int {
	i := 0
again:
	if i < len(chain) {
		mu.Lock()
		i++
		mu.Unlock()
		goto again
	}
	return i
}

// A table-driven test: no lock.
func TableDriven(tests []struct{ fn func() }) {
	for _, tc := range tests {
		tc.fn()
	}
	for i := range len(tests) {
		tests[i].fn()
	}
}

// Copy under the lock, then iterate the copy's values unlocked.
func CopyThenIterate(mu *sync.Mutex, hooks map[string]Middleware, req *Request) *Request {
	mu.Lock()
	cp := maps.Clone(hooks)
	mu.Unlock()
	for h := range maps.Values(cp) {
		req = h(req)
	}
	return req
}

// Hooks from a channel, each with its own lock.
func ChanPerElement(steps <-chan *Step, req *Request) *Request {
	for st := range steps {
		st.mu.Lock()
		req = st.Fn(req)
		st.mu.Unlock()
	}
	return req
}

// gin's loop without a lock.
func (c *Ctx) NextUnlocked() {
	for c.index < int8(len(c.handlers)) {
		c.handlers[c.index](c)
		c.index++
	}
}

// A user iterator whose hooks run outside the critical section.
func (s *Server) UserSeqBookkeeping(req *Request) int {
	n := 0
	for h := range s.Hooks() {
		s.vmMu.Lock()
		n++
		s.vmMu.Unlock()
		h.Serve(req)
	}
	return n
}

// A per-iteration closure with a deferred release, in a goto loop.
func GotoClosure(mu *sync.Mutex, chain []Middleware, req *Request) *Request {
	i := 0
next:
	if i < len(chain) {
		func() {
			mu.Lock() // want `lock mu is acquired once per middleware of chain .*; no fix offered: the loop is written with goto`
			defer mu.Unlock()
			req = chain[i](req)
		}()
		i++
		goto next
	}
	return req
}
