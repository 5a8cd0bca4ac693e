package flow

import "container/list"

// After-hooks stored in a map (by name), a channel and a container/list.

type Hook func(*Request, *Response) *Response

type Registry struct {
	byName  map[string]Hook
	list    *list.List
	queue   chan Hook
	handler func(*Request) *Response
}

func (s *Registry) ServeMap(req *Request) *Response {
	resp := s.handler(req)
	for _, h := range s.byName {
		resp = h(nil, resp) // want `the after-chain s\.byName gets nil instead of the request; pass req, the request ServeMap received and the one s\.handler got`
	}
	return resp
}

func (s *Registry) ServeList(req *Request) *Response {
	r2 := annotateReq(req)
	resp := s.handler(r2)
	for e := s.list.Front(); e != nil; e = e.Next() {
		resp = e.Value.(Hook)(req, resp) // want `the after-chain s\.list gets the stale request req, from before annotateReq; pass r2, the request returned by annotateReq and the one s\.handler got`
	}
	return resp
}

// ServeListVar takes the hook into a variable first.
func (s *Registry) ServeListVar(req *Request) *Response {
	r2 := annotateReq(req)
	resp := s.handler(r2)
	for e := s.list.Back(); e != nil; e = e.Prev() {
		h := e.Value.(Hook)
		resp = h(r2, resp)
	}
	return resp
}

func (s *Registry) ServeChan(req *Request) *Response {
	resp := s.handler(req)
	for h := range s.queue {
		resp = h(&Request{}, resp) // want `the after-chain s\.queue gets &Request\{\} instead of the request; pass req`
	}
	return resp
}

// ServeMapGood passes the request.
func (s *Registry) ServeMapGood(req *Request) *Response {
	resp := s.handler(req)
	for _, h := range s.byName {
		resp = h(req, resp)
	}
	return resp
}

func annotateReq(r *Request) *Request { r2 := *r; r2.User += "+"; return &r2 }
