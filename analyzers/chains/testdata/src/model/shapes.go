package model

import (
	"iter"
	"maps"
	"slices"
	"sync"
)

// Chain loops of every shape, each calling an element of the collection
// it walks; see NotShapes for the loops that are not chain loops.

func (s *Server) IntRange(req *Request) *Request { // want `fact runsChain` `fact mayBlock`
	for i := range len(s.before) { // want `int-range loop over s.before: before \[func\+feeds\]`
		s.mu.Lock() // want `acquire mutex s.mu invariant=true`
		req = s.before[i](req)
		s.mu.Unlock() // want `release mutex s.mu invariant=true`
	}
	return req
}

func IntRangeN(chain []Hook, n int, req *Request) { // want `fact runsChain`
	for i := range n { // want `int-range loop over chain: before \[method\]`
		chain[i].Serve(req)
	}
}

func Values(chain []func(*Request) *Request, req *Request) *Request { // want `fact runsChain`
	for m := range slices.Values(chain) { // want `iterator loop over chain: before \[func\+feeds\]`
		req = m(req)
	}
	return req
}

func Backward(chain []func(*Request, *Response), req *Request, resp *Response) { // want `fact runsChain`
	for _, m := range slices.Backward(chain) { // want `iterator reverse loop over chain: after \[func\]`
		m(req, resp)
	}
}

func MapValues(hooks map[string]Hook, req *Request) { // want `fact runsChain`
	for h := range maps.Values(hooks) { // want `iterator loop over hooks: before \[method\]`
		h.Serve(req)
	}
}

type Seq = iter.Seq[Hook]

func UserSeq(seq Seq, req *Request) { // want `fact runsChain`
	for h := range seq { // want `iterator loop over seq: before \[method\]`
		h.Serve(req)
	}
}

func UserSeq2(seq iter.Seq2[string, func(*Request)], req *Request) { // want `fact runsChain`
	for _, f := range seq { // want `iterator loop over seq: before \[func\]`
		f(req)
	}
}

type Node struct {
	fn   func(*Request)
	next *Node
}

func (n *Node) Next() *Node { return n.next }

func (n *Node) Touch() {}

func List(head *Node, req *Request) { // want `fact runsChain`
	for n := head; n != nil; n = n.next { // want `list step n loop over head: before \[field\]`
		n.fn(req)
	}
}

func ListMethod(n *Node, req *Request) { // want `fact runsChain`
	for n != nil { // want `list step n loop over n: before \[field\]`
		n.fn(req)
		n = n.Next()
	}
}

// Context keeps its handler index in a field, as gin does.
type Context struct {
	index    int8
	handlers []func(*Context)
}

func (c *Context) Next() { // want `fact runsChain\(before=true, after=false, req=-1\)`
	c.index++
	for c.index < int8(len(c.handlers)) { // want `counter step c.index loop over c.handlers: before \[func\]`
		c.handlers[c.index](c)
		c.index++
	}
}

func Counter(chain []Hook, req *Request) { // want `fact runsChain`
	i := 0
	for i < len(chain) { // want `counter step i loop over chain: before \[method\]`
		chain[i].Serve(req)
		i += 1
	}
}

func MapRange(hooks map[string]func(*Request), req *Request) { // want `fact runsChain`
	for name, h := range hooks { // want `map loop over hooks: before \[func\]`
		_ = name
		h(req)
	}
	for name := range hooks { // want `map loop over hooks: before \[func\]`
		hooks[name](req)
	}
}

func ChanRange(hooks chan Hook, req *Request) { // want `fact runsChain` `fact mayBlock`
	for h := range hooks { // want `channel loop over hooks: before \[method\]`
		h.Serve(req)
	}
}

func Goto(chain []func(*Request), req *Request) { // want `fact runsChain`
	i := 0
loop: // want `goto step i loop over chain: before \[func\]`
	if i < len(chain) {
		chain[i](req)
		i++
		goto loop
	}
}

func GotoList(n *Node, req *Request) { // want `fact runsChain`
next: // want `goto step n loop over n: before \[field\]`
	if n == nil {
		return
	}
	n.fn(req)
	n = n.next
	goto next
}

type Plugin struct {
	OnReq  func(*Request)
	OnResp func(*Request, *Response)
}

type Engine struct {
	mu      sync.Mutex
	plugins []Plugin
}

// Locals and copies of the element.
func (e *Engine) Locals(req *Request, resp *Response) { // want `fact runsChain` `fact mayBlock`
	for i := range e.plugins { // want `range loop over e.plugins: after \[field\+via h field\+via p\]`
		if h := e.plugins[i].OnResp; h != nil {
			e.mu.Lock() // want `acquire mutex e.mu invariant=true`
			h(req, resp)
			e.mu.Unlock() // want `release mutex e.mu invariant=true`
		}
		p := &e.plugins[i]
		p.OnResp(req, resp)
		g := e.plugins[i].OnReq
		_ = g
	}
}

type Serving interface{ Serve(*Request) *Request }

func MethodValue(chain []Serving, req *Request) *Request { // want `fact runsChain`
	for _, m := range chain { // want `range loop over chain: before \[method\+feeds\+via f\]`
		f := m.Serve
		req = f(req)
	}
	return req
}

type Async interface{ ServeAsync(*Request) }

func Asserted(chain []Hook, req *Request) { // want `fact runsChain`
	for _, m := range chain { // want `range loop over chain: before \[method\+via a method\]`
		if a, ok := m.(Async); ok {
			a.ServeAsync(req)
		} else {
			m.Serve(req)
		}
	}
}

// Not chain loops: the body calls nothing of the walked collection.
func NotShapes(chain []func(), other []func(), n int, head *Node) {
	for i := range n {
		_ = i
		other[0]()
	}
	for i := range "abc" { // a string's byte offsets, not a count
		other[i]()
	}
	for x := head; x != nil; x = x.next {
		_ = x
	}
	for x := head; x != nil; x = x.next {
		x.Touch() // a concrete method: not a callee taken from the list
	}
	i := 0
again:
	if i < n {
		i++
		goto again
	}
	for _, f := range chain {
		g := f
		_ = g
	}
	var outer func()
	for _, f := range chain {
		outer = f // outlives the iteration: not an alias
	}
	outer()
}
