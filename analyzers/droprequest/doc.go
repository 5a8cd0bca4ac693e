// Package droprequest defines an Analyzer that reports after-chains whose
// after-middlewares are called without the current request.
//
// # Analyzer droprequest
//
// droprequest: report an after-chain that calls after-middlewares without the current request
//
// See [Doc] for the full text that `chainlint help droprequest` prints.
package droprequest

// Doc is the analyzer's documentation: a one-sentence summary, then the
// defect, a bad and a fixed example, what is not reported, and the flags.
const Doc = `report an after-chain that calls after-middlewares without the current request

After-middlewares whose contract is (request, response) read request-scoped
data: path parameters, the authenticated identity, the request id, values
the before-middlewares stored in the request's context. The rule is: the
after-chain must receive the same request value that the handler received.
droprequest reports, deciding on SSA values (through intermediate variables
and, by fact, across package boundaries):

  - a nil, zero, new(T) or &T{} request passed to an after-middleware or to
    an after-chain runner while the enclosing function has the request;
  - an after-chain runner that has no request to pass (runAfter(resp)),
    although its middlewares take one and its callers have the request: at
    each call in the runner that passes none (m(nil, resp), or the call of
    another runner without a request), and at callers in other packages;
  - a stale request: the request as it was before the before-chain (or
    WithContext, Clone, or any other rewrite the handler's request went
    through) changed it; likewise a parent context.Context passed to
    after-middlewares that take one, where the handler got the child;
  - a request or context that branches off before the handler's: both
    derive from an older one, but the after-chain's missed a rewrite the
    handler's went through (the forwarder gets ctx with the backend's
    metadata added, the backend call got rctx := Annotate(ctx)). No single
    value carries both, so there is no fix.

Requests are followed through struct fields (c.Request =
req.WithContext(ctx) with a handler that gets c and reads c.Request: the
fix passes c.Request), copies (a(*in, resp) where in is stale: the fix
passes *cur), the arguments of a defer statement (defer s.finish(req,
&resp) registered before the before-chain rewrites req: the fix defers a
closure, which reads req at the exit), and after-hooks kept in a map, a
channel or a container/list.

The request is decided by what the code does with it, whatever its type is
called: the value handed to the handler, or threaded through a
before-chain (req = m(req)), is the request, be it a named type no hint
matches, a pointer to one, or a type parameter; the -chains.request-types
hints decide only where no handler call is in reach.

The current request at an after-chain call is the one the nearest handler
call before it received (a call that takes the request and takes or
returns a response, or whose result the after-chain gets as the
response); a value a handler call received is never stale or made up,
however it was built (a server-side include serving a sub-request literal
and running the after-chain on it). Without such a call, it is the most rewritten request
in reach: the function's request parameter followed through every call
that takes a request and returns one (before-chains, WithContext, Clone,
context.WithValue), as far as those calls run on every path to the
after-chain call. Function literals see the request of the function they
are made in.

The message names the request value to pass and where it came from; Related
points at that newer value, or at the caller that has the request.

Bad:

	func (s *Server) Serve(req *Request) *Response {
		req2, resp := s.runBefore(req) // req2 carries the auth identity
		if resp == nil {
			resp = s.handler(req2)
		}
		return s.runAfter(req, resp) // after-middlewares see the stale req
	}

Fixed (what the suggested fix writes):

	func (s *Server) Serve(req *Request) *Response {
		req2, resp := s.runBefore(req) // req2 carries the auth identity
		if resp == nil {
			resp = s.handler(req2)
		}
		return s.runAfter(req2, resp)
	}

A runner without a request parameter gets one, and its callers in the same
package pass theirs:

	func (s *Server) runAfter(resp *Response) *Response {
		for _, m := range s.after {
			resp = m(nil, resp)
		}
		return resp
	}

becomes

	func (s *Server) runAfter(req *Request, resp *Response) *Response {
		for _, m := range s.after {
			resp = m(req, resp)
		}
		return resp
	}

and "s.runAfter(resp)" becomes "s.runAfter(req2, resp)" in its callers.

Such a runner is reported once per call that passes no request, where an
ignore directive for that call goes (above "resp = m(nil, resp)"), with
the runner's name as a related position: each call can be marked on its
own. The runner has one fix, which comes with the first call reported;
the others say "fixed with the finding at line N".

No fix is offered, and the message says why, when no single request value
can be chosen safely: two different rewrites of the request are in reach;
the latest request is not held by a variable the call can name; replacing
the argument would drop a call or leave a variable unused; the runner is
exported (other packages call it), used as a value, or a caller of it has
no request; the runner gets to the after-chain only through another runner
without a request; the request type cannot be written in the runner's
file; a call of the runner that passes no request is marked with an ignore
directive (the fix would rewrite it too).

Not reported: after-middlewares that take only a response; calls that pass
the latest request; code with no request in reach (a background job that
runs response hooks); a value a handler call received; generated files
(unless -droprequest.generated); a line marked

	//chainlint:ignore droprequest reason

Flags:

	-droprequest.generated
		also report in generated files ("Code generated ... DO NOT EDIT."),
		never with a fix and with "(generated file: fix its generator)"
		appended, so maintainers of a generator can lint its output
		(default false: generated files are not reported)

Which types are requests and responses (where no handler call decides)
comes from the chains analyzer's flags:

	-chains.request-types
		comma-separated request types (default "net/http.Request,*.Request,*.Context")
	-chains.response-types
		comma-separated response types (default "net/http.ResponseWriter,*.Response")
`
