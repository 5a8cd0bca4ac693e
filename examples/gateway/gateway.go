// Package gateway is the example chainlint ships with: a small API gateway
// whose middleware chain runner has the three defects chainlint finds.
//
//	go run ./cmd/chainlint ./examples/gateway/...
//	go run ./cmd/chainlint -diff ./examples/gateway/...
//
// Before-middlewares are scripts run by a shared VM (vm.go) guarded by
// Server.vmMu; after-middlewares are Go functions that take the request and
// the response. Serve has, as written:
//
//   - chainlock: vmMu is locked and unlocked once per before-middleware, so
//     an N-script chain takes the lock N times per request;
//   - skipafter: a script that short-circuits (401 from auth) returns at once,
//     so the 401 gets neither the after-chain nor applyGlobalHeaders (no CORS
//     or security headers on the error, the classic bug);
//   - droprequest: the after-chain gets the request as it was before the
//     before-chain rewrote it, and the error path passes nil, so access
//     logging sees no user and a rewritten path is logged as the original.
//
// gateway_test.go pins this current behaviour, defects included.
package gateway

import (
	"fmt"
	"net/http"
	"strconv"
	"sync"
)

// Request is the gateway's view of an HTTP request. Before-middlewares do not
// mutate it: they return a rewritten copy.
type Request struct {
	ID     string
	Method string
	Path   string
	Header http.Header
	Params map[string]string
	User   string // set by authentication
}

// Clone returns a deep copy of r.
func (r *Request) Clone() *Request {
	c := *r
	c.Header = r.Header.Clone()
	c.Params = make(map[string]string, len(r.Params))
	for k, v := range r.Params {
		c.Params[k] = v
	}
	return &c
}

// Response is the gateway's response.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// A Before middleware returns the request to pass on, or a response that
// ends the chain early.
type Before func(req *Request) (*Request, *Response)

// An After middleware sees the final request and the response.
type After func(req *Request, resp *Response) *Response

// Handler produces the response for a request that passed the before-chain.
type Handler func(req *Request) (*Response, error)

// Server runs before-scripts, the handler, after-middlewares and the global
// response headers for every request.
type Server struct {
	vmMu sync.Mutex // guards vm
	vm   *VM

	before  []Before
	after   []After
	handler Handler
}

// NewServer returns a server whose before-chain runs the given scripts in
// order.
func NewServer(h Handler, scripts ...*Program) *Server {
	s := &Server{vm: &VM{}, handler: h}
	for _, p := range scripts {
		s.before = append(s.before, s.script(p))
	}
	return s
}

// script wraps p as a before-middleware. The VM is shared: callers must hold
// s.vmMu.
func (s *Server) script(p *Program) Before {
	return func(req *Request) (*Request, *Response) {
		return s.vm.Run(p, req)
	}
}

// Use appends after-middlewares.
func (s *Server) Use(after ...After) { s.after = append(s.after, after...) }

// Serve runs req through the chain.
func (s *Server) Serve(req *Request) *Response {
	orig := req
	for _, m := range s.before {
		s.vmMu.Lock()
		next, resp := m(req)
		s.vmMu.Unlock()
		if resp != nil {
			return resp
		}
		req = next
	}

	resp, err := s.handler(req)
	if err != nil {
		return s.fail(req, err)
	}
	resp = s.runAfter(orig, resp)
	applyGlobalHeaders(resp)
	return resp
}

// fail turns a handler error into a 502 response.
func (s *Server) fail(req *Request, err error) *Response {
	resp := &Response{Status: http.StatusBadGateway, Body: []byte(err.Error() + "\n")}
	resp = s.runAfter(nil, resp)
	applyGlobalHeaders(resp)
	return resp
}

// runAfter runs the after-middlewares in order.
func (s *Server) runAfter(req *Request, resp *Response) *Response {
	for _, m := range s.after {
		resp = m(req, resp)
	}
	return resp
}

// applyGlobalHeaders sets the headers every response must carry.
func applyGlobalHeaders(resp *Response) {
	if resp.Header == nil {
		resp.Header = http.Header{}
	}
	resp.Header.Set("Access-Control-Allow-Origin", "*")
	resp.Header.Set("X-Content-Type-Options", "nosniff")
	resp.Header.Set("Strict-Transport-Security", "max-age=63072000")
}

// AccessLog is an after-middleware that records who asked for what. It reads
// request-scoped data, so it needs the request the handler saw.
func AccessLog(log *[]string) After {
	return func(req *Request, resp *Response) *Response {
		user, path := "-", "-"
		if req != nil {
			path = req.Path
			if req.User != "" {
				user = req.User
			}
		}
		*log = append(*log, fmt.Sprintf("%s %s %d", user, path, resp.Status))
		return resp
	}
}

// RequestID is an after-middleware that echoes the request id.
func RequestID(req *Request, resp *Response) *Response {
	if resp.Header == nil {
		resp.Header = http.Header{}
	}
	if req != nil && req.ID != "" {
		resp.Header.Set("X-Request-Id", req.ID)
	}
	return resp
}

// ServeHTTP adapts the gateway to net/http.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	req := &Request{
		ID:     r.Header.Get("X-Request-Id"),
		Method: r.Method,
		Path:   r.URL.Path,
		Header: r.Header,
		Params: map[string]string{},
	}
	resp := s.Serve(req)
	for k, vs := range resp.Header {
		w.Header()[k] = vs
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(resp.Body)))
	w.WriteHeader(resp.Status)
	w.Write(resp.Body)
}
