package flow

// Request and Site: a server-side include builds a sub-request, serves it,
// and runs the after-chain on that same sub-request. What the handler got
// is the request, however it was built: never made up, never stale.
type Request struct{ Path, User string }

type Site struct {
	after   []func(*Request, *Response) *Response
	handler func(*Request) *Response
	cache   map[string]*Response
}

func (s *Site) runAfter(req *Request, resp *Response) *Response {
	for _, m := range s.after {
		resp = m(req, resp)
	}
	return resp
}

func (s *Site) Include(parent *Request, path string) *Response {
	sub := &Request{Path: path, User: parent.User}
	resp := s.handler(sub)
	return s.runAfter(sub, resp)
}

// IncludeInline runs the after-chain inline on a sub-request built by
// value.
func (s *Site) IncludeInline(parent *Request, path string) *Response {
	sub := Request{Path: path, User: parent.User}
	resp := s.handler(&sub)
	for _, m := range s.after {
		resp = m(&sub, resp)
	}
	return resp
}

// IncludeCached serves the sub-request only on a cache miss.
func (s *Site) IncludeCached(parent *Request, path string) *Response {
	sub := &Request{Path: path, User: parent.User}
	resp, ok := s.cache[path]
	if !ok {
		resp = s.handler(sub)
	}
	return s.runAfter(sub, resp)
}

// IncludeDropped serves the sub-request but runs the after-chain on
// another literal: that one is made up.
func (s *Site) IncludeDropped(parent *Request, path string) *Response {
	sub := &Request{Path: path, User: parent.User}
	resp := s.handler(sub)
	return s.runAfter(&Request{Path: path}, resp) // want `s\.runAfter gets &Request\{…\} instead of the request; pass sub, the request computed here and the one s\.handler got`
}
