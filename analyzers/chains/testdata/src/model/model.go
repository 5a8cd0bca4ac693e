package model

import (
	"net/http"
	"sync"
	"time"
)

type Request struct{ Path string }

type Response struct{ Code int }

type Hook interface{ Serve(*Request) *Request }

type Step struct {
	Fn func(*Request) *Request
	mu *sync.Mutex
}

type Server struct {
	mu     sync.Mutex
	before []func(*Request) *Request
	after  []func(*Request, *Response)
	hooks  []Hook
	steps  []Step
	locks  map[string]*sync.Mutex
	rw     sync.RWMutex
}

func (s *Server) Before(req *Request) *Request { // want `fact runsChain\(before=true, after=false, req=0\)` `fact mayBlock\(takes lock s.mu\)`
	for _, m := range s.before { // want `range loop over s.before: before \[func\+feeds\]`
		s.mu.Lock() // want `acquire mutex s.mu invariant=true`
		req = m(req)
		s.mu.Unlock() // want `release mutex s.mu invariant=true`
	}
	return req
}

func (s *Server) After(req *Request, resp *Response) { // want `fact runsChain\(before=false, after=true, req=0\)`
	for i := len(s.after) - 1; i >= 0; i-- { // want `indexed reverse loop over s.after: after \[func\]`
		s.after[i](req, resp)
	}
}

// Serve calls runners: it is one (before and after).
func (s *Server) Serve(req *Request) *Response { // want `fact runsChain\(before=true, after=true, req=0\)` `fact mayBlock\(calls Before, which takes lock s.mu\)`
	req = s.Before(req)
	resp := &Response{}
	s.After(req, resp)
	return resp
}

func (s *Server) Hooks(req *Request) *Request { // want `fact runsChain`
	for _, h := range s.hooks { // want `range loop over s.hooks: before \[method\+leaves\]`
		if r := h.Serve(req); r == nil {
			return r
		}
	}
	return req
}

func (s *Server) Steps(req *Request) *Request { // want `fact runsChain` `fact mayBlock`
	for i := 0; i < len(s.steps); i++ { // want `indexed loop over s.steps: before \[field\+feeds\]`
		st := s.steps[i]
		st.mu.Lock() // want `acquire mutex st.mu invariant=false`
		req = st.Fn(req)
		st.mu.Unlock() // want `release mutex st.mu invariant=false`
		l := s.locks[req.Path]
		l.Lock()   // want `acquire mutex l invariant=false`
		l.Unlock() // want `release mutex l invariant=false`
		alias := &s.mu
		alias.Lock()   // want `acquire mutex alias invariant=true`
		alias.Unlock() // want `release mutex alias invariant=true`
	}
	return req
}

func (s *Server) ReadLocked(req *Request) { // want `fact runsChain` `fact mayBlock`
	for _, m := range s.before { // want `range loop over s.before: before \[func\+closure\]`
		func() {
			s.rw.RLock()         // want `acquire read lock s.rw invariant=true`
			defer s.rw.RUnlock() // want `release read lock s.rw invariant=true`
			m(req)
		}()
	}
}

// withLock calls f under s.mu.
func (s *Server) withLock(f func()) { // want `fact withLock\(param 0, s.mu\)` `fact mayBlock` `fact acquires\(receiver\.mu: mutex s\.mu\)`
	s.mu.Lock()
	defer s.mu.Unlock()
	f()
}

func (s *Server) Helper(req *Request) { // want `fact runsChain` `fact mayBlock`
	for _, m := range s.before { // want `range loop over s.before: before \[func\+closure\]`
		s.withLock(func() { m(req) }) // want `scoped with-lock helper s.withLock invariant=true`
	}
}

// Not chain loops: no element call, data. A map of funcs whose values
// are called is one (the map shape).
func (s *Server) NotChains(names []string, fns map[string]func()) int {
	n := 0
	for _, name := range names {
		n += len(name)
	}
	for _, f := range fns { // want `map loop over fns: unknown \[func\]`
		f()
	}
	for _, m := range s.before {
		_ = m
	}
	return n
}

// A function literal running a chain.
var Run = func(chain []func(*Request) *Request, req *Request) *Request { // want `runner literal before=true after=false req=1`
	for _, m := range chain { // want `range loop over chain: before \[func\+feeds\]`
		req = m(req)
	}
	return req
}

func Sleepy() { time.Sleep(time.Second) } // want `fact mayBlock\(calls time.Sleep, which sleeps\)`

func Chan(c chan int) int { return <-c } // want `fact mayBlock\(receives from a channel\)`

func Select(c chan int) { // want `fact mayBlock\(waits in a select\)`
	select {
	case <-c:
	}
}

// Not blocking: a select with default, a goroutine, a func literal not run.
func NonBlocking(c chan int) func() {
	select {
	case c <- 1:
	default:
	}
	go func() { c <- 2 }()
	return func() { <-c }
}

func TypesHTTP(w http.ResponseWriter, r *http.Request, q Request, p *Response, s string) {} // want `req:resp false:true true:false true:false false:true false:false`
