// Package compose holds, in one function, the three defects chainlint
// fixes: a lock taken per plugin, an early return that skips the response
// hooks and the security headers, and response hooks called without the
// request. TestFixesCompose applies the fixes of all three analyzers at
// once.
package compose

import "sync"

type Request struct{ Path string }

type Response struct {
	Status int
	Header map[string]string
}

type Plugin struct {
	OnReq  func(r *Request) (*Request, *Response)
	OnResp func(r *Request, w *Response) *Response
}

type Engine struct {
	mu      sync.Mutex
	plugins []Plugin
	resp    []func(r *Request, w *Response) *Response
	handler func(r *Request) *Response
	handle  func(r *Request) (*Response, error)
}

func secure(w *Response) { w.Header["X-Content-Type-Options"] = "nosniff" }

// Serve runs the plugins' request hooks under the engine's lock, one
// acquisition per plugin, returns a hook's answer at once, and calls the
// response hooks without the request.
func (e *Engine) Serve(r *Request) *Response {
	for _, p := range e.plugins {
		e.mu.Lock()
		next, w := p.OnReq(r)
		e.mu.Unlock()
		if w != nil {
			return w
		}
		r = next
	}
	w := e.handler(r)
	for _, h := range e.resp {
		w = h(nil, w)
	}
	secure(w)
	return w
}

// ServeErr also runs the response hooks, without the request, on the
// handler's error path, which the guard of skipafter's fix moves.
func (e *Engine) ServeErr(r *Request) *Response {
	for _, p := range e.plugins {
		e.mu.Lock()
		next, w := p.OnReq(r)
		e.mu.Unlock()
		if w != nil {
			return w
		}
		r = next
	}
	w, err := e.handle(r)
	if err != nil {
		for _, h := range e.resp {
			w = h(nil, &Response{Status: 500})
		}
	}
	w = e.finish(w)
	secure(w)
	return w
}

// Relay hands the response to a runner that takes no request.
func (e *Engine) Relay(r *Request) *Response {
	for _, p := range e.plugins {
		e.mu.Lock()
		next, w := p.OnReq(r)
		e.mu.Unlock()
		if w != nil {
			return w
		}
		r = next
	}
	w := e.handler(r)
	w = e.finish(w)
	secure(w)
	return w
}

func (e *Engine) finish(w *Response) *Response {
	for _, h := range e.resp {
		w = h(nil, w)
	}
	return w
}
