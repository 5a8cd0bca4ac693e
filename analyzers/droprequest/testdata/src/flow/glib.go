package flow

import "glib"

// Token is the request of a chain from another package whose request
// type is a type parameter: the handler getting a *Token makes it the
// request at the runner call too.
type Token struct{ Scopes []string }

type TokenServer struct {
	chain   glib.Chain[*Token]
	refresh func(*Token) *Token
	handler func(*Token) *glib.Response
}

func (s *TokenServer) Serve(tok *Token) *glib.Response {
	fresh := s.refresh(tok)
	resp := s.handler(fresh)
	return s.chain.RunAfter(tok, resp) // want `s\.chain\.RunAfter gets the stale request tok, from before s\.refresh; pass fresh, the request returned by s\.refresh and the one s\.handler got`
}

func (s *TokenServer) ServeGood(tok *Token) *glib.Response {
	fresh := s.refresh(tok)
	resp := s.handler(fresh)
	return s.chain.RunAfter(fresh, resp)
}
