package c

// finishAll is a plain function runner; its caller is a function literal.
func finishAll(after []After, resp *Response) *Response { // want finishAll:`dropsRequest\(after, \*c\.Request\)`
	for _, m := range after {
		resp = m(nil, resp) // want `finishAll runs the after-chain after without a request: its middlewares take a \*Request but get nil; add a request parameter`
	}
	return resp
}

func Handle(after []After, h func(*Request) *Response) func(*Request) *Response {
	return func(req *Request) *Response {
		return finishAll(after, h(req))
	}
}
