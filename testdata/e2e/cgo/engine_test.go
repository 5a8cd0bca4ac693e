package cgofixture

import "testing"

func TestRun(t *testing.T) {
	inc := func(r *Request) *Request { r.N++; return r }
	e := &Engine{chain: []func(*Request) *Request{inc, inc}}
	if got := e.Run(&Request{N: 1}).N; got != 3 {
		t.Errorf("Run: N = %d, want 3", got)
	}
	if got := e.RunDoubled(&Request{N: 1}).N; got != 4 {
		t.Errorf("RunDoubled: N = %d, want 4", got)
	}
}

func TestServe(t *testing.T) {
	var got *Request
	g := &Gateway{after: []func(*Request, *Response) *Response{func(r *Request, w *Response) *Response { got = r; return w }}}
	resp := g.Serve(&Request{N: 7})
	if resp.Status != 200 {
		t.Errorf("Status = %d, want 200", resp.Status)
	}
	_ = got
}
