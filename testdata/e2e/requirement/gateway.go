// Package gateway runs requests through before-middlewares, a handler and
// after-middlewares, under a lock that the middlewares' shared state needs.
package gateway

import "sync"

// Request and Response are what the middlewares see.
type Request struct{ Path string }

type Response struct {
	Code    int
	Headers map[string]string
}

// CountingLock is a sync.Locker that counts its acquisitions.
type CountingLock struct {
	mu           sync.Mutex
	held         bool
	Acquisitions int
}

func (l *CountingLock) Lock() {
	l.mu.Lock()
	l.held = true
	l.Acquisitions++
}

func (l *CountingLock) Unlock() {
	l.held = false
	l.mu.Unlock()
}

// Held reports whether the lock is held (for the tests; racy otherwise).
func (l *CountingLock) Held() bool { return l.held }

// Gateway serves requests.
type Gateway struct {
	Lock    *CountingLock
	Before  []func(*Request) *Response
	After   []func(*Request, *Response) *Response
	Handler func(*Request) *Response
}

// Serve answers req. A before-middleware may answer it itself.
func (g *Gateway) Serve(req *Request) *Response {
	for _, b := range g.Before {
		g.Lock.Lock()
		r := b(req)
		if r != nil {
			g.Lock.Unlock()
			return r
		}
		g.Lock.Unlock()
	}
	resp := g.Handler(req)
	for _, a := range g.After {
		resp = a(req, resp)
	}
	return resp
}
