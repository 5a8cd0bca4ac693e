package shortcircuit

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/ssa"

	"github.com/chainlint/chainlint/analyzers/chains"
)

// abortSignals adds to conds the abort signals of fn: a test of a boolean
// field of the request (c.aborted) or of a boolean method of it that takes
// nothing (c.IsAborted()), named for a stop (see abortName), made where a before-chain call has run (it
// dominates the test, or the test is in its loop). A middleware sets the
// flag to stop the chain, so the branch it selects is a short-circuit,
// and its returns are too, whatever they return.
func (f *finder) abortSignals(srcCalls map[token.Pos]ssa.CallInstruction) {
	for _, b := range f.sfn.Blocks {
		ifi, ok := b.Instrs[len(b.Instrs)-1].(*ssa.If)
		if !ok {
			continue
		}
		if _, ok := f.conds[ifi.Cond]; ok {
			continue
		}
		sel := f.requestFlag(ifi.Cond)
		if sel == nil {
			continue
		}
		src := f.sourceBefore(ifi, srcCalls)
		if src == nil {
			continue
		}
		sig := seed{src: src, kind: Written, signal: types.ExprString(sel)}
		if f.respResult {
			sig.kind = Response
		}
		deriveConds(ifi.Cond, visitOnce(f.conds, sig))
	}
}

// requestFlag returns the syntax of the abort flag or method v tests
// (with any negation), or nil.
func (f *finder) requestFlag(v ssa.Value) ast.Expr {
	pos := v.Pos()
	if u, ok := v.(*ssa.UnOp); ok && u.Op == token.NOT {
		v = u.X
	}
	if !isBool(v.Type()) {
		return nil
	}
	var recv ssa.Value
	name := ""
	switch v := v.(type) {
	case *ssa.UnOp: // c.aborted through a pointer
		if fa, ok := v.X.(*ssa.FieldAddr); ok && v.Op == token.MUL {
			recv, name = fa.X, fieldName(fa.X.Type(), fa.Field)
		}
	case *ssa.Field:
		recv, name = v.X, fieldName(v.X.Type(), v.Field)
	case *ssa.Call: // c.IsAborted()
		switch {
		case v.Call.IsInvoke() && len(v.Call.Args) == 0:
			recv, name = v.Call.Value, v.Call.Method.Name()
		case !v.Call.IsInvoke() && v.Call.Signature().Recv() != nil && len(v.Call.Args) == 1:
			if fn := v.Call.StaticCallee(); fn != nil {
				recv, name = v.Call.Args[0], fn.Name()
			}
		}
	}
	if recv == nil || !f.m.IsRequest(recv.Type()) || !abortName(name) {
		return nil
	}
	if !pos.IsValid() {
		pos = v.Pos()
	}
	test := f.testOf(pos)
	var cond ast.Expr
	switch t := test.(type) {
	case *ast.IfStmt:
		cond = t.Cond
	case *ast.CaseClause:
		if len(t.List) == 1 {
			cond = t.List[0]
		}
	}
	for cond != nil {
		switch c := ast.Unparen(cond).(type) {
		case *ast.UnaryExpr:
			if c.Op != token.NOT {
				return nil
			}
			cond = c.X
			continue
		case *ast.SelectorExpr, *ast.CallExpr:
			return c
		}
		return nil
	}
	return nil
}

// abortName reports whether a flag or method name says that the chain
// stopped (aborted, IsAborted, Stopped, Handled, Done, Finished,
// Committed, Written), not some other property of the request
// (IsWebSocket).
func abortName(name string) bool {
	n := strings.ToLower(name)
	for _, w := range []string{"abort", "stop", "halt", "handled", "done", "finish", "commit", "written", "cancel"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// fieldName returns the name of field i of the struct t points to (or is).
func fieldName(t types.Type, i int) string {
	if p, ok := t.Underlying().(*types.Pointer); ok {
		t = p.Elem()
	}
	if st, ok := t.Underlying().(*types.Struct); ok && i < st.NumFields() {
		return st.Field(i).Name()
	}
	return ""
}

func isBool(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsBoolean != 0
}

// sourceBefore returns the before-chain source that has run when ifi is
// reached: one whose call dominates it, or whose chain loop holds it.
func (f *finder) sourceBefore(ifi *ssa.If, srcCalls map[token.Pos]ssa.CallInstruction) *source {
	for _, src := range f.sources {
		call := srcCalls[src.call.Lparen]
		if call == nil || call.Parent() != f.sfn {
			continue
		}
		if dominates(call, ifi) {
			return src
		}
		if src.loop != nil && src.loop.RuntimeIter == nil {
			if lb := chains.LoopBlocks(f.sfn, src.loop); lb[ifi.Block()] {
				return src
			}
		}
	}
	return nil
}

// recovered finds a deferred function literal that recovers a panic into
// a named response result (defer func() { if p := recover(); p != nil {
// resp = errorResponse(p) } }()): when a before-chain call panics, the
// function returns that response without the steps that run after the
// call. It reports the assignment, with the steps that neither run before
// the first such call nor in a deferred function registered before it.
func (f *finder) recovered() []*ShortCircuit {
	var out []*ShortCircuit
	chains.InspectOwn(f.body, func(n ast.Node) {
		d, ok := n.(*ast.DeferStmt)
		if !ok {
			return
		}
		lit, ok := ast.Unparen(d.Call.Fun).(*ast.FuncLit)
		if !ok || !callsRecover(f.info, lit.Body) {
			return
		}
		as := f.resultAssign(lit.Body)
		if as == nil {
			return
		}
		df := findDefer(f.sfn, d)
		if df == nil {
			return
		}
		for _, src := range f.sources {
			call := f.calls[src.call.Lparen]
			if call == nil || !dominates(df, call) {
				continue
			}
			var common, skipped []*Step
			for _, st := range f.steps {
				if st.Deferred && st.runsBefore(call) {
					common = append(common, st)
					continue // runs on the way out, panic or not
				}
				if st.runsBefore(call) || !dominates(call, stepInstr(st)) {
					continue
				}
				common = append(common, st)
				if !covered(st, call, f.steps) {
					skipped = append(skipped, st)
				}
			}
			if len(skipped) > 0 {
				out = append(out, &ShortCircuit{Func: f.fn, Exit: as, How: "is set here from a recovered panic and returned",
					Kind: Response, Source: src.call, Loop: src.loop, SourceName: src.name, Skipped: skipped, Common: common})
			}
			return
		}
	})
	return out
}

// stepInstr returns an instruction that runs when the step does.
func stepInstr(st *Step) ssa.Instruction {
	if st.header != nil {
		return st.header.Instrs[0]
	}
	return st.anchor
}

// callsRecover reports whether body calls the builtin recover.
func callsRecover(info *types.Info, body *ast.BlockStmt) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			if id, ok := ast.Unparen(call.Fun).(*ast.Ident); ok {
				if b, ok := info.Uses[id].(*types.Builtin); ok && b.Name() == "recover" {
					found = true
				}
			}
		}
		return !found
	})
	return found
}

// resultAssign returns the first assignment in body to a named response
// result of fn, or nil.
func (f *finder) resultAssign(body *ast.BlockStmt) *ast.AssignStmt {
	results := map[types.Object]bool{}
	for v := range f.sig.Results().Variables() {
		if v.Name() != "" && f.m.IsResponse(v.Type()) {
			results[v] = true
		}
	}
	var out *ast.AssignStmt
	ast.Inspect(body, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || out != nil {
			return out == nil
		}
		for _, l := range as.Lhs {
			if id, ok := ast.Unparen(l).(*ast.Ident); ok && results[f.info.Uses[id]] {
				out = as
			}
		}
		return out == nil
	})
	return out
}
