package gateway

import "testing"

// newGateway returns a gateway with three before-middlewares (the second
// answers requests for /deny itself) and an after-middleware that stamps
// every response.
func newGateway() *Gateway {
	pass := func(*Request) *Response { return nil }
	deny := func(r *Request) *Response {
		if r.Path == "/deny" {
			return &Response{Code: 403, Headers: map[string]string{}}
		}
		return nil
	}
	stamp := func(_ *Request, w *Response) *Response {
		w.Headers["X-Served-By"] = "gateway"
		return w
	}
	return &Gateway{
		Lock:    new(CountingLock),
		Before:  []func(*Request) *Response{pass, deny, pass},
		After:   []func(*Request, *Response) *Response{stamp},
		Handler: func(*Request) *Response { return &Response{Code: 200, Headers: map[string]string{}} },
	}
}

// Before and after the fix: a normal request passes both chains.
func TestServe(t *testing.T) {
	g := newGateway()
	w := g.Serve(&Request{Path: "/"})
	if w.Code != 200 || w.Headers["X-Served-By"] != "gateway" {
		t.Errorf("Serve(/) = %d %v, want 200 through the after-chain", w.Code, w.Headers)
	}
	if g.Lock.Held() {
		t.Errorf("the lock is still held after Serve")
	}
	g.Serve(&Request{Path: "/deny"})
	if g.Lock.Held() {
		t.Errorf("the lock is still held after a short-circuit")
	}
}
