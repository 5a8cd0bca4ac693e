// Package luagw is the counter-example to pygateway's GIL: the same chain of
// 16 middlewares, written in Lua and run by one gopher-lua state behind a
// plain sync.Mutex. Taking an uncontended sync.Mutex costs nanoseconds, so
// batching the chain under one acquisition gains little here; the README
// measures how little.
package luagw

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	chainruntime "github.com/chainlint/chainlint/chain_runtime"
	lua "github.com/yuin/gopher-lua"
)

// Request is the request table the Lua middlewares see; Response is a
// response table. Both may be used only with Gateway.mu held.
type (
	Request  struct{ t *lua.LTable }
	Response struct{ t *lua.LTable }
)

// A Before middleware returns nil to continue or a response that ends the
// chain; After returns the response to pass on; Handler answers. All are
// called with the state's mutex held.
type (
	Before  func(req *Request) (*Response, error)
	After   func(req *Request, resp *Response) (*Response, error)
	Handler func(req *Request) (*Response, error)
)

// Gateway serves HTTP through a chain of Lua middlewares.
type Gateway struct {
	mu sync.Mutex // guards L: an LState is not safe for concurrent use
	L  *lua.LState

	before  []Before
	after   []After
	handler Handler

	// BatchedLocker selects serveBatched instead of serve.
	BatchedLocker bool

	requests atomic.Int64
	waitBase atomic.Int64
}

// Load returns a gateway running the middlewares of the Lua file at path:
// its tables BEFORE and AFTER and its function handler.
func Load(path string) (*Gateway, error) {
	L := lua.NewState()
	if err := L.DoFile(path); err != nil {
		L.Close()
		return nil, err
	}
	g := &Gateway{L: L}
	for _, name := range []string{"BEFORE", "AFTER"} {
		list, ok := L.GetGlobal(name).(*lua.LTable)
		if !ok {
			L.Close()
			return nil, fmt.Errorf("%s: %s is not a table of functions", path, name)
		}
		for i := 1; i <= list.Len(); i++ {
			fn, ok := list.RawGetInt(i).(*lua.LFunction)
			if !ok {
				L.Close()
				return nil, fmt.Errorf("%s: %s[%d] is not a function", path, name, i)
			}
			if name == "BEFORE" {
				g.before = append(g.before, g.luaBefore(fn, i))
			} else {
				g.after = append(g.after, g.luaAfter(fn, i))
			}
		}
	}
	h, ok := L.GetGlobal("handler").(*lua.LFunction)
	if !ok {
		L.Close()
		return nil, fmt.Errorf("%s: no function handler(req)", path)
	}
	g.handler = g.luaHandler(h)
	return g, nil
}

// call calls fn with args and returns its one result. mu held.
func (g *Gateway) call(what string, fn *lua.LFunction, args ...lua.LValue) (lua.LValue, error) {
	if err := g.L.CallByParam(lua.P{Fn: fn, NRet: 1, Protect: true}, args...); err != nil {
		var api *lua.ApiError
		if errors.As(err, &api) {
			return nil, fmt.Errorf("%s: %s", what, api.Object.String())
		}
		return nil, fmt.Errorf("%s: %v", what, err)
	}
	ret := g.L.Get(-1)
	g.L.Pop(1)
	return ret, nil
}

func (g *Gateway) luaBefore(fn *lua.LFunction, i int) Before {
	what := fmt.Sprintf("before-middleware %d", i)
	return func(req *Request) (*Response, error) {
		ret, err := g.call(what, fn, req.t)
		if err != nil || ret == lua.LNil {
			return nil, err
		}
		t, ok := ret.(*lua.LTable)
		if !ok {
			return nil, fmt.Errorf("%s returned a %s, want table or nil", what, ret.Type())
		}
		return &Response{t}, nil
	}
}

func (g *Gateway) luaHandler(fn *lua.LFunction) Handler {
	return func(req *Request) (*Response, error) {
		ret, err := g.call("handler", fn, req.t)
		if err != nil {
			return nil, err
		}
		t, ok := ret.(*lua.LTable)
		if !ok {
			return nil, fmt.Errorf("handler returned a %s, want table", ret.Type())
		}
		return &Response{t}, nil
	}
}

func (g *Gateway) luaAfter(fn *lua.LFunction, i int) After {
	what := fmt.Sprintf("after-middleware %d", i)
	return func(req *Request, resp *Response) (*Response, error) {
		ret, err := g.call(what, fn, req.t, resp.t)
		if err != nil {
			return nil, err
		}
		if ret == lua.LNil {
			return resp, nil
		}
		t, ok := ret.(*lua.LTable)
		if !ok {
			return nil, fmt.Errorf("%s returned a %s, want table or nil", what, ret.Type())
		}
		return &Response{t}, nil
	}
}

// written is a response converted back to Go.
type written struct {
	status int
	header http.Header
	body   []byte
}

// serve converts the request to a table, runs the before-middlewares until
// one answers (else the handler), then every after-middleware, and converts
// the response back; the first Lua error ends the run. This is the runner as
// written before chainlint: the state's mutex is taken once per step.
func (g *Gateway) serve(r *http.Request, body []byte) (written, error) {
	g.mu.Lock()
	req := &Request{g.newRequest(r, body)}
	g.mu.Unlock()

	var resp *Response
	var err error
	for _, m := range g.before {
		g.mu.Lock()
		resp, err = m(req)
		g.mu.Unlock()
		if err != nil || resp != nil {
			break // a Lua error, or a response that ends the before-chain
		}
	}
	if resp == nil && err == nil {
		g.mu.Lock()
		resp, err = g.handler(req)
		g.mu.Unlock()
	}
	for _, m := range g.after {
		if err != nil {
			break
		}
		g.mu.Lock()
		resp, err = m(req, resp)
		g.mu.Unlock()
	}

	out := written{status: http.StatusOK, header: http.Header{}}
	g.mu.Lock()
	if err == nil {
		out.status, out.body, err = convert(resp.t, out.header)
	}
	g.mu.Unlock()
	return out, err
}

// serveBatched is serve as chainlint -fix rewrites it: one acquisition of
// the mutex per request.
func (g *Gateway) serveBatched(r *http.Request, body []byte) (written, error) {
	hold := chainruntime.NewHold(&g.mu)
	defer hold.Unlock()
	hold.Lock()
	req := &Request{g.newRequest(r, body)}

	var resp *Response
	var err error
	for _, m := range chainruntime.Batched(&hold, g.before, nil) {
		resp, err = m(req)
		if err != nil || resp != nil {
			break // a Lua error, or a response that ends the before-chain
		}
	}
	if resp == nil && err == nil {
		resp, err = g.handler(req)
	}
	for _, m := range chainruntime.Batched(&hold, g.after, nil) {
		if err != nil {
			break
		}
		resp, err = m(req, resp)
	}

	out := written{status: http.StatusOK, header: http.Header{}}
	if err == nil {
		out.status, out.body, err = convert(resp.t, out.header)
	}
	hold.Unlock()
	return out, err
}

// ServeHTTP reads the body, serves the request and writes the response. A
// Lua error is a 500 whose body is the Lua message.
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

// newRequest converts r to the table {method, path, query, headers = {lower
// case name = value}, body}. mu held.
func (g *Gateway) newRequest(r *http.Request, body []byte) *lua.LTable {
	t := g.L.NewTable()
	t.RawSetString("method", lua.LString(r.Method))
	t.RawSetString("path", lua.LString(r.URL.Path))
	t.RawSetString("query", lua.LString(r.URL.RawQuery))
	h := g.L.NewTable()
	for k, vs := range r.Header {
		h.RawSetString(strings.ToLower(k), lua.LString(strings.Join(vs, ", ")))
	}
	t.RawSetString("headers", h)
	t.RawSetString("body", lua.LString(body))
	return t
}

// convert reads a response table {status, headers, body}. mu held.
func convert(t *lua.LTable, header http.Header) (int, []byte, error) {
	status := http.StatusOK
	switch st := t.RawGetString("status").(type) {
	case lua.LNumber:
		status = int(st)
		if status < 100 || status > 999 {
			return 0, nil, fmt.Errorf("response status %d out of range", status)
		}
	case *lua.LNilType:
	default:
		return 0, nil, fmt.Errorf("response status is a %s, want number", st.Type())
	}
	if h, ok := t.RawGetString("headers").(*lua.LTable); ok {
		h.ForEach(func(k, v lua.LValue) { header.Set(k.String(), v.String()) })
	}
	var body []byte
	if b, ok := t.RawGetString("body").(lua.LString); ok {
		body = []byte(b)
	}
	return status, body, nil
}

// Stats are the gateway's counters since the last reset.
type Stats struct {
	Requests int64 `json:"requests"`
	// MutexWaitNanos is the process's total time goroutines spent blocked
	// on sync.Mutex and RWMutex (runtime/metrics /sync/mutex/wait/total),
	// mostly waiting for this gateway's mu under load.
	MutexWaitNanos int64 `json:"mutex_wait_ns"`
}

// Stats returns the counters.
func (g *Gateway) Stats() Stats {
	return Stats{g.requests.Load(), mutexWait() - g.waitBase.Load()}
}

// ResetStats zeroes the counters.
func (g *Gateway) ResetStats() {
	g.requests.Store(0)
	g.waitBase.Store(mutexWait())
}

func mutexWait() int64 {
	s := []metrics.Sample{{Name: "/sync/mutex/wait/total:seconds"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindFloat64 {
		return 0
	}
	return int64(s[0].Value.Float64() * 1e9)
}
