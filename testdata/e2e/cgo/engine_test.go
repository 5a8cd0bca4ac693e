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
