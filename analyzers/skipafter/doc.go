// Package skipafter defines an Analyzer that reports a return of a
// before-chain's short-circuit response that bypasses the after-chain or the
// response finalizers.
//
// # Analyzer skipafter
//
// skipafter: report a return of a short-circuit response that bypasses the after-chain or finalizers
//
// See [Doc] for the full text that `chainlint help skipafter` prints.
package skipafter

// Doc is the analyzer's documentation: a one-sentence summary, then the
// defect, a bad and a fixed example, what is not reported, and the flags.
const Doc = `report a return of a short-circuit response that bypasses the after-chain or finalizers

When a before-middleware short-circuits with a response (an auth failure,
a CORS preflight answer, a cache hit), a runner that returns that response
at once skips the after-chain and the response finalizers (global headers,
security headers) that every other response goes through: the classic
"CORS / security headers missing on 401" bug. skipafter decides this on the
function's control-flow graph: a return that hands back the short-circuit
response (or a value derived from it) is reported when a call that every
normal-path response goes through does not run before it. The message names
the skipped calls and Related points at them.

Bad:

	func (s *Server) Serve(req *Request) *Response {
		if resp := s.runBefore(req); resp != nil {
			return resp // skips s.runAfter and applyGlobalHeaders
		}
		resp := s.handler(req)
		resp = s.runAfter(req, resp)
		applyGlobalHeaders(resp)
		return resp
	}

Fixed (what the suggested fix writes: the early return becomes a guard
around the handler call, so both paths share the after-chain and the
finalizers):

	func (s *Server) Serve(req *Request) *Response {
		resp := s.runBefore(req)
		if resp == nil {
			resp = s.handler(req)
		}
		resp = s.runAfter(req, resp)
		applyGlobalHeaders(resp)
		return resp
	}

The same holds for an inline before-chain loop (the "return r" inside the
loop becomes an assignment and a break) and for a before-chain run by a
helper in another package (known by fact). In the net/http form, a before
hook that writes the response (http.Error, w.WriteHeader) followed by a
return that skips the header setters and after hooks is reported without a
fix: the response is already written, so headers set later would not reach
the client; set them before the before-chain runs.

A fix is offered only when the rewrite is equivalent on the normal path; the
message says why when it is not (for example: the short-circuit condition
is not "resp != nil", or the handler's response lives in a different
variable than the short-circuit response).

Not reported: returns of an error with no response (see -errors); runners
that route the short-circuit response through the after-chain; functions
with no after-chain and no finalizer; finalizers registered with defer
before the short-circuit; error funnels that run the after-hooks
themselves; generated files; a return marked

	//chainlint:ignore skipafter reason

for frameworks that skip after-hooks on purpose.

Flags:

	-skipafter.errors
		also report a return of the before-chain's error (with no response)
		that bypasses the after-chain or finalizers (default false)
`
