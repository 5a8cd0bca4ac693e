package c

// A runner without a request is reported at each call that passes none,
// where an ignore directive for it goes; the fix comes with the first.

// Twice's runner passes no request at two calls.
type Twice struct {
	after   []After
	handler func(*Request) *Response
}

func (t *Twice) finish(resp *Response) *Response { // want finish:`dropsRequest\(t\.after, \*c\.Request\)`
	for _, m := range t.after {
		resp = m(nil, resp) // want `t\.finish runs the after-chain t\.after without a request: its middlewares take a \*Request but get nil; add a request parameter$`
	}
	for _, m := range t.after {
		resp = m(nil, resp) // want `t\.finish runs the after-chain t\.after without a request: its middlewares take a \*Request but get nil; add a request parameter \(fixed with the finding at line 14\)$`
	}
	return resp
}

func (t *Twice) Serve(req *Request) *Response {
	return t.finish(t.handler(req))
}

// Quiet's only call without a request is marked: no finding, no fix, and
// the directive is used.
type Quiet struct {
	after   []After
	handler func(*Request) *Response
}

func (q *Quiet) finish(resp *Response) *Response { // want finish:`dropsRequest\(q\.after, \*c\.Request\)`
	for _, m := range q.after {
		//chainlint:ignore droprequest the error page runs before any request is parsed
		resp = m(nil, resp)
	}
	return resp
}

func (q *Quiet) Serve(req *Request) *Response {
	return q.finish(q.handler(req))
}

// Half's first call without a request is marked (on its own line): the
// second is reported, without the fix, which would rewrite the marked call.
type Half struct {
	after   []After
	handler func(*Request) *Response
}

func (h *Half) finish(resp *Response) *Response { // want finish:`dropsRequest\(h\.after, \*c\.Request\)`
	for _, m := range h.after {
		resp = m(nil, resp) //chainlint:ignore droprequest the first hooks log only the response
	}
	for _, m := range h.after {
		resp = m(nil, resp) // want `h\.finish runs the after-chain h\.after without a request: its middlewares take a \*Request but get nil; add a request parameter \(no fix: the call at line 54 is marked //chainlint:ignore droprequest\)$`
	}
	return resp
}

func (h *Half) Serve(req *Request) *Response {
	return h.finish(h.handler(req))
}
