// Package b calls lib's runners: it is judged with lib's facts.
package b

import "lib"

func Serve(c *lib.Chain, req *lib.Request) *lib.Response {
	req2 := c.RunBefore(req)
	resp := c.Handler(req2)
	return c.RunAfter(req, resp) // want `c\.RunAfter gets the stale request req, from before c\.RunBefore; pass req2, the request returned by c\.RunBefore and the one c\.Handler got`
}

// ServeWrapped goes through lib.Finished, which passes its request on.
func ServeWrapped(c *lib.Chain, req *lib.Request) *lib.Response {
	next := c.RunBefore(req)
	resp := c.Handler(next)
	return lib.Finished(c, req, resp) // want `lib\.Finished gets the stale request req, from before c\.RunBefore; pass next`
}

func ServeGood(c *lib.Chain, req *lib.Request) *lib.Response {
	req = c.RunBefore(req)
	resp := c.Handler(req)
	return c.RunAfter(req, resp)
}

func ServeFinish(c *lib.Chain, req *lib.Request) *lib.Response {
	resp := c.Handler(c.RunBefore(req))
	return c.Finish(resp) // want `c\.Finish runs the after-chain c\.After without a request: its middlewares take a \*lib\.Request but get none, although the request returned by c\.RunBefore is in reach here; \(\*lib\.Chain\)\.Finish needs a request parameter`
}

func ServeClose(c *lib.Chain, req *lib.Request) *lib.Response {
	return c.Close(c.Handler(req)) // want `c\.Close runs the after-chain c\.After without a request: its middlewares take a \*lib\.Request but get none, although req \(the request ServeClose received\) is in reach here; \(\*lib\.Chain\)\.Close needs a request parameter`
}

// drain has no request in reach.
func drain(c *lib.Chain, resps []*lib.Response) { // want drain:`dropsRequest\(c\.RunAfter, \*lib\.Request\)`
	for _, resp := range resps {
		c.Finish(resp)
		c.RunAfter(nil, resp)
	}
}
