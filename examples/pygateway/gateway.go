package main

import (
	"io"
	"net/http"
	"strconv"
	"sync/atomic"

	chainruntime "github.com/chainlint/chainlint/chain_runtime"
)

// Request is the request dict the Python middlewares see; Response is a
// response dict. Both may be used only with the GIL held.
type (
	Request  struct{ dict *pyObject }
	Response struct{ dict *pyObject }
)

// A Before middleware returns nil to continue the chain or a response that
// ends it. Called with the GIL held.
type Before func(req *Request) (*Response, error)

// An After middleware returns the response to pass on. Called with the GIL
// held.
type After func(req *Request, resp *Response) (*Response, error)

// A Handler answers a request that passed the before-chain. Called with the
// GIL held.
type Handler func(req *Request) (*Response, error)

// Gateway serves HTTP through a chain of Python middlewares.
type Gateway struct {
	gil     *gil
	before  []Before
	after   []After
	handler Handler

	// Batched selects runBatched instead of run.
	Batched bool

	requests atomic.Int64
}

// Load starts the interpreter (once per process) and returns a gateway
// running the middlewares of the Python file at path: its lists BEFORE and
// AFTER and its function handler.
func Load(path string) (*Gateway, error) {
	if err := initPython(); err != nil {
		return nil, err
	}
	g := &Gateway{gil: new(gil)}
	g.gil.Lock()
	before, after, h, err := loadChains(path)
	g.gil.Unlock()
	if err != nil {
		return nil, err
	}
	g.before, g.after, g.handler = before, after, h
	g.gil.reset()
	return g, nil
}

// run runs req through the chain: before-middlewares until one answers,
// else the handler; then every after-middleware, on both paths. The first
// Python error ends the run.
//
// This is the runner as written before chainlint: the GIL is taken and
// released around each middleware, 2 + len(before) + len(after) times per
// request with ServeHTTP's conversions.
func (g *Gateway) run(req *Request) (*Response, error) {
	var resp *Response
	for _, m := range g.before {
		g.gil.Lock()
		r, err := m(req)
		g.gil.Unlock()
		if err != nil {
			return nil, err
		}
		if r != nil {
			resp = r
			break
		}
	}
	if resp == nil {
		g.gil.Lock()
		r, err := g.handler(req)
		g.gil.Unlock()
		if err != nil {
			return nil, err
		}
		resp = r
	}
	for _, m := range g.after {
		g.gil.Lock()
		r, err := m(req, resp)
		g.gil.Unlock()
		if err != nil {
			return nil, err
		}
		resp = r
	}
	return resp, nil
}

// runBatched is run as chainlint -fix rewrites it: each chain runs under one
// GIL acquisition. It is kept beside run so that `go test -bench` compares
// the two without running chainlint; bench.sh measures the real rewrite.
func (g *Gateway) runBatched(req *Request) (*Response, error) {
	var resp *Response
	for _, m := range chainruntime.Batched(g.gil, g.before, nil) {
		r, err := m(req)
		if err != nil {
			return nil, err
		}
		if r != nil {
			resp = r
			break
		}
	}
	if resp == nil {
		g.gil.Lock()
		r, err := g.handler(req)
		g.gil.Unlock()
		if err != nil {
			return nil, err
		}
		resp = r
	}
	for _, m := range chainruntime.Batched(g.gil, g.after, nil) {
		r, err := m(req, resp)
		if err != nil {
			return nil, err
		}
		resp = r
	}
	return resp, nil
}

// ServeHTTP converts the request, runs the chain and writes the response. A
// Python error is a 500 whose body is the Python message.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		http.Error(w, err.Error(), http.StatusRequestEntityTooLarge)
		return
	}
	g.gil.Lock()
	req := &Request{dict: newPyRequest(r, body)}
	g.gil.Unlock()

	run := g.run
	if g.Batched {
		run = g.runBatched
	}
	resp, err := run(req)

	var out written
	g.gil.Lock()
	if err == nil {
		out, err = goResponse(resp.dict)
	}
	resp.free()
	req.free()
	g.gil.Unlock()
	g.requests.Add(1)

	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	for k, vs := range out.header {
		w.Header()[k] = vs
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(out.body)))
	w.WriteHeader(out.status)
	w.Write(out.body)
}

// Stats are the gateway's GIL counters since the last reset.
type Stats struct {
	Requests int64 `json:"requests"`
	gilStats
}

// Stats returns the counters.
func (g *Gateway) Stats() Stats { return Stats{g.requests.Load(), g.gil.stats()} }

// ResetStats zeroes the counters.
func (g *Gateway) ResetStats() {
	g.requests.Store(0)
	g.gil.reset()
}
