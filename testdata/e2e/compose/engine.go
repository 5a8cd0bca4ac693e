// Package composefixture holds, in one function, the three defects
// chainlint fixes: a lock taken per plugin (chainlock), an early return of
// a plugin's answer that skips the response hooks and the security header
// (skipafter), and response hooks called without the request
// (droprequest). Every applier applies the fixes of all three at once.
package composefixture

import "sync"

// CountingLock is a sync.Locker that counts its acquisitions and knows
// whether it is held.
type CountingLock struct {
	mu       sync.Mutex
	acquired int
	held     bool
}

func (l *CountingLock) Lock() {
	l.mu.Lock()
	l.acquired++
	l.held = true
}

func (l *CountingLock) Unlock() {
	l.held = false
	l.mu.Unlock()
}

// Acquisitions returns how many times the lock was taken.
func (l *CountingLock) Acquisitions() int { return l.acquired }

// Held reports whether the lock is held.
func (l *CountingLock) Held() bool { return l.held }

type Request struct {
	Path  string
	Trail []string
}

type Response struct {
	Status int
	Header map[string]string
	Trail  []string
}

// A Plugin's request hook returns the request to go on with, or a
// response that answers the request at once.
type Plugin struct {
	OnReq func(r *Request) (*Request, *Response)
}

type Engine struct {
	Lock    *CountingLock
	Plugins []Plugin
	Resp    []func(r *Request, w *Response) *Response
	Handler func(r *Request) *Response
	// Handle is Handler with an error: ServeErr answers 500 on it.
	Handle func(r *Request) (*Response, error)
}

// secure sets the header every response must carry.
func secure(w *Response) { w.Header["X-Content-Type-Options"] = "nosniff" }

// Serve runs the plugins' request hooks under the engine's lock, one
// acquisition per plugin, returns a hook's answer at once, and calls the
// response hooks without the request.
func (e *Engine) Serve(r *Request) *Response {
	for _, p := range e.Plugins {
		e.Lock.Lock()
		next, w := p.OnReq(r)
		e.Lock.Unlock()
		if w != nil {
			return w
		}
		r = next
	}
	w := e.Handler(r)
	for _, h := range e.Resp {
		w = h(nil, w)
	}
	secure(w)
	return w
}

// ServeErr is Serve with a handler that can fail: on its error path the
// response hooks get a fresh 500 response, again without the request, and
// the response goes through finish, a runner that takes no request. The
// guard that skipafter's fix puts around the handler encloses the edits
// droprequest makes to both.
func (e *Engine) ServeErr(r *Request) *Response {
	for _, p := range e.Plugins {
		e.Lock.Lock()
		next, w := p.OnReq(r)
		e.Lock.Unlock()
		if w != nil {
			return w
		}
		r = next
	}
	w, err := e.Handle(r)
	if err != nil {
		for _, h := range e.Resp {
			w = h(nil, &Response{Status: 500, Header: map[string]string{}})
		}
	}
	w = e.finish(w)
	secure(w)
	return w
}

// finish runs the response hooks.
func (e *Engine) finish(w *Response) *Response {
	for _, h := range e.Resp {
		w = h(nil, w)
	}
	return w
}
