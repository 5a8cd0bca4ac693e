package deferred

import "testing"

// newServer returns a server whose before-middleware authenticates the
// user named "alice" (and answers 401 to anyone else), and whose
// after-middleware stamps the user it sees into a header.
func newServer() *Server {
	auth := func(r *Request) (*Request, *Response) {
		if r.User != "alice" {
			return r, &Response{Status: 401}
		}
		return &Request{User: "alice (verified)"}, nil
	}
	stamp := func(r *Request, resp *Response) *Response {
		if resp.Header == nil {
			resp.Header = map[string]string{}
		}
		resp.Header["X-User"] = r.User
		return resp
	}
	return &Server{
		Before: []Before{auth},
		After:  []After{stamp},
		Handler: func(r *Request) *Response {
			return &Response{Status: 200, Header: map[string]string{"X-Handler-User": r.User}}
		},
	}
}

// Holds before and after the fix: the handler sees the verified user, and
// the after-chain runs on the short-circuit answer too.
func TestServe(t *testing.T) {
	s := newServer()
	resp := s.Serve(&Request{User: "alice"})
	if resp.Status != 200 || resp.Header["X-Handler-User"] != "alice (verified)" {
		t.Fatalf("got %+v", resp)
	}
	denied := s.Serve(&Request{User: "mallory"})
	if denied.Status != 401 || denied.Header["X-User"] != "mallory" {
		t.Fatalf("short-circuit answer %+v missed the after-chain", denied)
	}
}
