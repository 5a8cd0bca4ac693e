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
"CORS / security headers missing on 401" bug.

skipafter looks at functions that run a before-chain: an inline chain loop,
or a call of a before-runner (a function running a before-chain, from this
package or, by fact, from another). It decides on the function's SSA
control-flow graph: a return that hands back the short-circuit response (or
a value derived from it) is reported when a call that every normal-path
response goes through does not run before it. Those calls are the
after-chain (a chain loop or an after-runner call) and the finalizers
(calls taking the response and no request, such as applyGlobalHeaders(resp)
or w.Header().Set(...)), counted when they run before every normal return.
The message names the skipped calls; Related points at each of them.

Paths count as well as returns: a branch on the before-chain's outcome
(a response, a done flag, the bool a runner returns) or on an abort
signal a middleware sets on the request (a boolean field such as
c.aborted, a method such as c.IsAborted()) that reaches the function's
exit without a call the other branch runs is reported where it leaves:
a goto past the after-chain, a labeled break out of the switch or loop
that holds it, a case or if statement it falls out of. A panic of the
before-chain recovered by a deferred function into a named response
result is reported at the assignment. A runner whose role comes from an
argument (execFilter(ctx, path, BeforeRouter) and later
execFilter(ctx, path, AfterExec)) runs the role the constant's name says
(Before*, Pre*; After*, Post*, Finish*) at that call.

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

For a return inside an inline before-chain loop, the fix turns "return r"
into "resp = r; break" (declaring resp above the loop when the handler code
declared it) and guards the handler code with "if resp == nil". A response
the loop declares under the handler's name (next, resp := m(req), or var
resp *Response) becomes that hoisted resp; that needs resp to be nil
whenever the loop goes on (assigned in one place, right before its nil
check) and neither captured by a function literal nor addressed. No fix
when the loop declares another variable of that name, which would hide the
hoisted one. A short-circuit signalled by a flag (resp, done :=
s.runBefore(req); if done { return resp }) gets the negated condition as
its guard, and so does the check right after an inline before-chain loop
(if resp != nil { return resp }). Several short-circuits of one function
(an auth check, then a CORS check) are fixed by one rewrite that nests
their guards; each diagnostic offers the same edits.

A goto past the after-chain (goto done, done: return resp) jumps to the
after-chain instead: the label moves before it, or a new label goes there
when other jumps use the old one; only when nothing but the after-chain
and the finalizers lies between. A short-circuit that falls out of an if
statement whose body ends with the after-chain (if resp == nil { resp =
s.handler(req); resp = s.runAfter(req, resp) }) gets the after-chain moved
after the if statement.

The fix's edits cover only what changes on each line (a line the guard
moves changes by its indentation alone), so they never overlap the edits
of droprequest or chainlock on the same lines: appliers that take every
analyzer's fixes at once (go vet -fix, go fix -fixtool, golangci-lint
--fix) apply them all.

In the net/http form, a before hook writes the response itself
(http.Error, w.WriteHeader) and the runner returns on the hook's failure
before its header setters and after hooks run. That is reported without a
fix: the response is already written, so headers set afterwards would not
reach the client; set them before the before-chain runs.

A fix is offered only when the rewrite is equivalent on the normal path,
which the syntax must show: the handler code lies between the short-circuit
and the first common-path call in one block, carries no label and no goto,
and the common path uses no variable the handler code declares except the
response. Otherwise the message ends in "no fix:" and the reason.

Not reported: returns of an error with no response (see -errors); runners
that route the short-circuit response through the after-chain; functions
with no after-chain and no finalizer; finalizers registered with defer
before the short-circuit (one registered after it is reported as skipped);
error funnels that run the after-hooks themselves (return s.fail(req, err),
where s.fail runs the after-chain); generated files; a return marked

	//chainlint:ignore skipafter reason

for frameworks that skip after-hooks on purpose (a CORS preflight answer).

Flags:

	-skipafter.errors
		also report a return of the before-chain's error (with no response)
		that bypasses the after-chain or finalizers (default false)
`
