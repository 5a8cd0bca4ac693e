package shortcircuit

import (
	"go/ast"
	"go/types"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/tools/go/types/typeutil"

	"github.com/chainlint/chainlint/analyzers/chains"
)

// findSteps finds the calls of fn that process responses: after-chain
// loops and runners, finalizers, and the same registered with defer.
func (f *finder) findSteps() []*Step {
	fn, body := f.fn, f.body
	var out []*Step
	elem := map[*ast.CallExpr]bool{}
	for _, l := range f.m.Loops {
		for _, ec := range l.Calls {
			elem[ec.Call] = true
		}
	}
	for _, l := range f.m.Loops {
		if l.Func == fn && l.Role == chains.After {
			out = append(out, &Step{Node: l.Stmt, Stmt: l.Stmt, Name: "the after-chain " + l.ChainName, AfterChain: true, loop: l})
		}
	}
	classify := func(call *ast.CallExpr) *Step {
		if elem[call] {
			return nil
		}
		if role, ok := f.runnerRole(call); ok {
			if role == chains.After {
				return &Step{Node: call, Name: "the after-chain " + f.runnerName(call), AfterChain: true, key: f.key(call)}
			}
			return nil
		}
		if f.isFinalizer(call) {
			outer := outerCall(call, f.parent)
			return &Step{Node: outer, Name: callText(outer), key: f.key(outer)}
		}
		return nil
	}
	chains.InspectOwn(body, func(n ast.Node) {
		switch n := n.(type) {
		case *ast.DeferStmt:
			var inner []*Step
			if lit, ok := ast.Unparen(n.Call.Fun).(*ast.FuncLit); ok {
				for _, l := range f.m.Loops {
					if l.Func == lit && l.Role == chains.After {
						inner = append(inner, &Step{Node: l.Stmt, Name: "the after-chain " + l.ChainName, AfterChain: true, loop: l})
					}
				}
				chains.InspectOwn(lit.Body, func(n ast.Node) {
					if c, ok := n.(*ast.CallExpr); ok {
						if it := classify(c); it != nil {
							inner = append(inner, it)
						}
					}
				})
			} else if it := classify(n.Call); it != nil {
				inner = append(inner, it)
			}
			for _, it := range inner {
				it.Deferred, it.Stmt = true, n
				it.Name = "the deferred " + strings.TrimPrefix(it.Name, "the ")
				out = append(out, it)
			}
		case *ast.CallExpr:
			if st, ok := f.stmtOf(n).(*ast.DeferStmt); ok && st.Call == n {
				return // handled as a defer
			}
			if it := classify(n); it != nil {
				it.Stmt = f.stmtOf(n)
				out = append(out, it)
			}
		}
	})
	// Finalizers reached through w.Header().Set(...) are found at the
	// inner call: keep one item per outer call.
	slices.SortStableFunc(out, func(a, b *Step) int { return int(a.Node.Pos() - b.Node.Pos()) })
	out = slices.CompactFunc(out, func(a, b *Step) bool { return a.Node == b.Node })
	return out
}

// isFinalizer reports whether call takes a response (as an argument or as
// the receiver of a method) and no request, and is not a conversion or a
// builtin.
func (f *finder) isFinalizer(call *ast.CallExpr) bool {
	info := f.info
	if tv, ok := info.Types[call.Fun]; ok && (tv.IsType() || tv.IsBuiltin()) {
		return false
	}
	resp := false
	check := func(e ast.Expr) bool {
		t := info.TypeOf(e)
		if f.m.IsRequest(t) {
			return false
		}
		resp = resp || f.m.IsResponse(t)
		return true
	}
	if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
		if s := info.Selections[sel]; s != nil && s.Kind() == types.MethodVal {
			if !check(sel.X) {
				return false
			}
			// resp.Header.Set(...): a method of a field of the response.
			for x := ast.Unparen(sel.X); ; {
				fs, ok := x.(*ast.SelectorExpr)
				if !ok {
					break
				}
				if s := info.Selections[fs]; s == nil || s.Kind() != types.FieldVal {
					break
				}
				x = ast.Unparen(fs.X)
				if f.m.IsResponse(info.TypeOf(x)) {
					resp = true
					break
				}
			}
		}
	}
	for _, a := range call.Args {
		if !check(a) {
			return false
		}
	}
	return resp
}

// outerCall climbs from w.Header() to w.Header().Set(...), by the
// parents of the function's nodes.
func outerCall(call *ast.CallExpr, parent map[ast.Node]ast.Node) *ast.CallExpr {
	for {
		sel, ok := parent[call].(*ast.SelectorExpr)
		if !ok || sel.X != call {
			return call
		}
		outer, ok := parent[sel].(*ast.CallExpr)
		if !ok || outer.Fun != sel {
			return call
		}
		call = outer
	}
}

// innermostCall returns the call at the root of a method-call chain
// (w.Header() in w.Header().Set(...)), or nil.
func innermostCall(call *ast.CallExpr) *ast.CallExpr {
	var inner *ast.CallExpr
	for {
		sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
		if !ok {
			return inner
		}
		c, ok := ast.Unparen(sel.X).(*ast.CallExpr)
		if !ok {
			return inner
		}
		inner, call = c, c
	}
}

func (f *finder) callee(call *ast.CallExpr) *types.Func {
	fn, _ := typeutil.Callee(f.info, call).(*types.Func)
	return fn
}

// key describes what a call does, to match equivalent calls: the callee
// and the arguments other than responses and requests
// (applyGlobalHeaders(r) and applyGlobalHeaders(resp) match;
// w.Header().Set("Vary", v) matches only another Set of "Vary" to v).
func (f *finder) key(call *ast.CallExpr) string {
	callee := f.callee(call)
	if callee == nil {
		return ""
	}
	var b strings.Builder
	b.WriteString(callee.FullName())
	for _, a := range call.Args {
		t := f.info.TypeOf(a)
		b.WriteString("|")
		if !f.m.IsResponse(t) && !f.m.IsRequest(t) {
			b.WriteString(types.ExprString(a))
		}
	}
	return b.String()
}

// callText prints a call briefly: applyGlobalHeaders(resp),
// w.Header().Set(...) when the arguments are long.
func callText(call *ast.CallExpr) string {
	s := types.ExprString(call)
	if len(s) > 48 {
		s = types.ExprString(call.Fun) + "(...)"
	}
	return s
}

// parents maps each node of body to its parent.
func parents(body *ast.BlockStmt) map[ast.Node]ast.Node {
	parent := map[ast.Node]ast.Node{}
	var stack []ast.Node
	ast.Inspect(body, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		if len(stack) > 0 {
			parent[n] = stack[len(stack)-1]
		}
		stack = append(stack, n)
		return true
	})
	return parent
}

// stmtOf returns the innermost statement holding n.
func (f *finder) stmtOf(n ast.Node) ast.Stmt {
	for ; n != nil; n = f.parent[n] {
		if st, ok := n.(ast.Stmt); ok {
			return st
		}
	}
	return nil
}

// runnerRole returns the role of a call of a runner (a function with the
// RunsChain fact) at this call, and whether it is one. A runner that runs
// both roles, or either, runs the one an argument names: a constant whose
// name says before (Before*, Pre*) or after (After*, Post*, Finish*), as in
// beego's execFilter(ctx, urlPath, BeforeRouter) and
// execFilter(ctx, urlPath, AfterExec), one runner whose loop ranges over
// the filters of the position it is given. Otherwise a runner of one role
// runs that role, and one of both runs neither at the call (Unknown).
func (f *finder) runnerRole(call *ast.CallExpr) (chains.Role, bool) {
	rc, ok := f.m.RunsChainFact(f.callee(call))
	if !ok || !rc.Before && !rc.After {
		return chains.Unknown, false
	}
	if role, _ := f.phaseArg(call); role != chains.Unknown {
		return role, true
	}
	switch {
	case rc.Before && !rc.After:
		return chains.Before, true
	case rc.After && !rc.Before:
		return chains.After, true
	}
	return chains.Unknown, true
}

// runnerName prints a runner call: p.runAfter, or with the constant that
// names its phase, p.execFilter(AfterExec).
func (f *finder) runnerName(call *ast.CallExpr) string {
	name := chains.ExprName(call.Fun)
	if _, phase := f.phaseArg(call); phase != "" {
		name += "(" + phase + ")"
	}
	return name
}

// phaseArg returns the role that a constant argument of call names, and
// the constant's name; Unknown and "" when none does or they disagree.
func (f *finder) phaseArg(call *ast.CallExpr) (chains.Role, string) {
	role, phase := chains.Unknown, ""
	for _, a := range call.Args {
		var id *ast.Ident
		switch a := ast.Unparen(a).(type) {
		case *ast.Ident:
			id = a
		case *ast.SelectorExpr:
			id = a.Sel
		}
		if id == nil {
			continue
		}
		c, ok := f.info.Uses[id].(*types.Const)
		if !ok || !isInteger(c.Type()) {
			continue // phases are enumerated; a string such as "POST" is not one
		}
		r := phaseOfName(id.Name)
		if r == chains.Unknown {
			continue
		}
		if role != chains.Unknown && role != r {
			return chains.Unknown, ""
		}
		role, phase = r, id.Name
	}
	return role, phase
}

// phaseOfName reads a phase from a constant's name, by its words
// (BeforeRouter, PRE_ROUTING, AfterExec, PostHandle, FinishRouter).
func phaseOfName(name string) chains.Role {
	before, after := false, false
	for _, w := range words(name) {
		switch w {
		case "before", "pre":
			before = true
		case "after", "post", "finish", "final":
			after = true
		}
	}
	switch {
	case before && !after:
		return chains.Before
	case after && !before:
		return chains.After
	}
	return chains.Unknown
}

// words splits an identifier into its lower-case words, at underscores and
// at changes to upper case (AfterExec: after, exec; PRE_ROUTE: pre, route).
func words(name string) []string {
	var out []string
	var cur []rune
	runes := []rune(name)
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.ToLower(string(cur)))
			cur = nil
		}
	}
	for i, r := range runes {
		switch {
		case r == '_':
			flush()
			continue
		case unicode.IsUpper(r) && i > 0 && (unicode.IsLower(runes[i-1]) || i+1 < len(runes) && unicode.IsLower(runes[i+1]) && unicode.IsUpper(runes[i-1])):
			flush()
		}
		cur = append(cur, r)
	}
	flush()
	return out
}

func isInteger(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsInteger != 0
}
