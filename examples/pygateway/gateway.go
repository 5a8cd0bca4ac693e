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

	// BatchedLocker selects serveBatched instead of serve.
	BatchedLocker bool

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

// serve runs one request through the Python side, the way a gateway's
// request path is written: it converts the request to a dict, runs the
// before-middlewares until one answers (else the handler), then every
// after-middleware, on both paths, and converts the response back. The first
// Python error ends the run (no later middleware sees it) and is returned.
//
// This is the runner as written before chainlint: each step takes and
// releases the GIL, 2 + len(before) + 1 + len(after) times per request
// (19 with middlewares.py).
func (g *Gateway) serve(r *http.Request, body []byte) (written, error) {
	g.gil.Lock()
	req := &Request{dict: newPyRequest(r, body)}
	g.gil.Unlock()

	var resp *Response
	var err error
	for _, m := range g.before {
		g.gil.Lock()
		resp, err = m(req)
		g.gil.Unlock()
		if err != nil || resp != nil {
			break // a Python error, or a response that ends the before-chain
		}
	}
	if resp == nil && err == nil {
		g.gil.Lock()
		resp, err = g.handler(req)
		g.gil.Unlock()
	}
	for _, m := range g.after {
		if err != nil {
			break
		}
		g.gil.Lock()
		resp, err = m(req, resp) // on error, m has released resp
		g.gil.Unlock()
	}

	var out written
	g.gil.Lock()
	if err == nil {
		out, err = goResponse(resp.dict)
	}
	resp.free()
	req.free()
	g.gil.Unlock()
	return out, err
}

// serveBatched is serve as chainlint -fix rewrites it: one GIL acquisition
// for the whole request, conversions included (each chain loop would release
// it only around a blocking middleware; this chain has none). It is kept
// beside serve so that `go test -bench` compares the two without running
// chainlint; bench.sh measures the real rewrite.
func (g *Gateway) serveBatched(r *http.Request, body []byte) (written, error) {
	hold := chainruntime.NewHold(g.gil)
	defer hold.Unlock()
	hold.Lock()
	req := &Request{dict: newPyRequest(r, body)}

	var resp *Response
	var err error
	for _, m := range chainruntime.Batched(&hold, g.before, nil) {
		resp, err = m(req)
		if err != nil || resp != nil {
			break // a Python error, or a response that ends the before-chain
		}
	}
	if resp == nil && err == nil {
		resp, err = g.handler(req)
	}
	for _, m := range chainruntime.Batched(&hold, g.after, nil) {
		if err != nil {
			break
		}
		resp, err = m(req, resp) // on error, m has released resp
	}

	var out written
	if err == nil {
		out, err = goResponse(resp.dict)
	}
	resp.free()
	req.free()
	hold.Unlock()
	return out, err
}

// ServeHTTP reads the request body, serves the request and writes the
// response. A Python error is a 500 whose body is the Python message.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		http.Error(w, err.Error(), http.StatusRequestEntityTooLarge)
		return
	}
	serve := g.serve
	if g.BatchedLocker {
		serve = g.serveBatched
	}
	out, err := serve(r, body)
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
