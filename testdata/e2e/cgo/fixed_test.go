//go:build chainlint_fixed

package cgofixture

import "testing"

// After the fix, the after-chain gets the request.
func TestServeFixed(t *testing.T) {
	var got *Request
	g := &Gateway{after: []func(*Request, *Response) *Response{func(r *Request, w *Response) *Response { got = r; return w }}}
	g.Serve(&Request{N: 7})
	if got == nil || got.N != 7 {
		t.Errorf("the after-chain got %v, want the request", got)
	}
}
