package a

import "sync"

type Request struct{ Path string }

type Response struct{ Code int }

type Middleware func(*Request) *Request

type Server struct {
	vmMu   sync.Mutex
	cfgMu  sync.RWMutex
	pmu    *sync.Mutex
	locker sync.Locker
	before []Middleware
	after  []func(*Request, *Response)
	hooks  []Hook
	steps  []Step
	arr    [4]Middleware
}

type Hook interface{ Serve(*Request) *Request }

type Step struct {
	Async bool
	Fn    func(*Request) *Request
	mu    sync.Mutex
	Name  string
}
