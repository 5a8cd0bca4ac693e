package gateway

import (
	"testing"

	"example.com/droprequestfixture/chain"
)

// seen records what the handler and the after-middlewares saw.
type seen struct{ handlerUser string }

func newChain(s *seen) (*chain.Chain, func(*chain.Request) *chain.Response) {
	c := &chain.Chain{Before: []chain.Before{chain.Auth}, After: []chain.After{chain.Audit}}
	h := func(req *chain.Request) *chain.Response {
		s.handlerUser = req.User
		return &chain.Response{Status: 200, Header: map[string]string{}, Body: "hello " + req.User}
	}
	return c, h
}

func authed() *chain.Request {
	return &chain.Request{Path: "/", Header: map[string]string{"Authorization": "Bearer alice"}}
}

// These hold before and after chainlint -fix: the handler gets the
// authenticated request, short-circuits still go through the after-chain,
// and the background job runs it with no request.

func TestGatewayHandlerSeesUser(t *testing.T) {
	var s seen
	c, h := newChain(&s)
	g := &Gateway{Chain: c, Handler: h}
	resp := g.Serve(authed())
	if resp.Status != 200 || resp.Body != "hello alice" || s.handlerUser != "alice" {
		t.Fatalf("got %d %q, handler saw %q", resp.Status, resp.Body, s.handlerUser)
	}
	if _, ok := resp.Header["X-Audit-User"]; !ok {
		t.Fatal("the after-chain did not run")
	}
}

func TestGatewayUnauthorized(t *testing.T) {
	var s seen
	c, h := newChain(&s)
	g := &Gateway{Chain: c, Handler: h}
	resp := g.Serve(&chain.Request{Path: "/", Header: map[string]string{}})
	if resp.Status != 401 || resp.Header["X-Audit-User"] != "-" {
		t.Fatalf("got %d, audit %q", resp.Status, resp.Header["X-Audit-User"])
	}
}

func TestGatewayDrain(t *testing.T) {
	var s seen
	c, h := newChain(&s)
	g := &Gateway{Chain: c, Handler: h}
	resp := &chain.Response{Status: 204, Header: map[string]string{}}
	g.Drain([]*chain.Response{resp})
	if resp.Header["X-Audit-User"] != "-" {
		t.Fatalf("audit %q", resp.Header["X-Audit-User"])
	}
}

func TestLegacyHandlerSeesUser(t *testing.T) {
	var s seen
	c, h := newChain(&s)
	l := &Legacy{Before: c.Before, After: c.After, Handler: h}
	resp := l.Serve(authed())
	if resp.Status != 200 || s.handlerUser != "alice" {
		t.Fatalf("got %d, handler saw %q", resp.Status, s.handlerUser)
	}
	if unauth := l.Serve(&chain.Request{Header: map[string]string{}}); unauth.Status != 401 || unauth.Header["X-Audit-User"] != "-" {
		t.Fatalf("unauthorized: got %d, audit %q", unauth.Status, unauth.Header["X-Audit-User"])
	}
}
