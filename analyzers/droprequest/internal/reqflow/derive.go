package reqflow

import (
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/ssa"

	"github.com/chainlint/chainlint/analyzers/chains"
)

// edges returns the derivation edges between values of type t: a call
// taking a t and returning a t (a before-chain, WithContext, Clone,
// context.WithValue, req = m(req)) derives its result from that argument;
// a phi derives from its forward edges.
func (f *Flow) edges(t types.Type) map[ssa.Value][]ssa.Value {
	key := types.TypeString(t, nil)
	if e, ok := f.succ[key]; ok {
		return e
	}
	e := map[ssa.Value][]ssa.Value{}
	add := func(from, to ssa.Value) {
		from = f.canon(from)
		for _, x := range e[from] {
			if x == to {
				return
			}
		}
		e[from] = append(e[from], to)
	}
	for _, b := range f.fn.Blocks {
		for _, in := range b.Instrs {
			switch in := in.(type) {
			case *ssa.Call:
				var targets []ssa.Value
				if tup, ok := in.Type().(*types.Tuple); ok {
					for _, r := range *in.Referrers() {
						if x, ok := r.(*ssa.Extract); ok && x.Index < tup.Len() && types.Identical(x.Type(), t) {
							targets = append(targets, x)
						}
					}
				} else if types.Identical(in.Type(), t) {
					targets = append(targets, in)
				}
				if len(targets) == 0 {
					continue
				}
				args := in.Call.Args
				if in.Call.IsInvoke() {
					args = append([]ssa.Value{in.Call.Value}, args...)
				}
				for _, a := range args {
					if types.Identical(a.Type(), t) {
						for _, x := range targets {
							add(a, x)
						}
					}
				}
			case *ssa.Phi:
				if !types.Identical(in.Type(), t) {
					continue
				}
				for i, o := range in.Edges {
					if i < len(b.Preds) && b.Dominates(b.Preds[i]) {
						continue // back edge
					}
					add(o, in)
				}
			}
		}
	}
	for a, runs := range f.runs {
		if !types.Identical(deref(a.Type()), t) {
			continue
		}
		for _, r := range runs {
			if before := f.cellAt(a, r.run, r); before != nil {
				add(before, r.run)
			}
		}
	}
	f.succ[key] = e
	return e
}

// derivesTo reports whether to is derived from from, and names the first
// rewrite on the way.
func (f *Flow) derivesTo(from, to ssa.Value, t types.Type) (string, bool) {
	e := f.edges(t)
	first := map[ssa.Value]ssa.Value{}
	queue := []ssa.Value{}
	for _, s := range e[from] {
		if _, seen := first[s]; !seen {
			first[s] = s
			queue = append(queue, s)
		}
	}
	for len(queue) > 0 {
		x := queue[0]
		queue = queue[1:]
		if x == to {
			return f.stepName(first[x], t), true
		}
		for _, s := range e[x] {
			if _, seen := first[s]; !seen && s != from {
				first[s] = first[x]
				queue = append(queue, s)
			}
		}
	}
	return "", false
}

// stepName names the rewrite that produced v.
func (f *Flow) stepName(v ssa.Value, t types.Type) string {
	if r := f.runOf(v); r != nil {
		return r.step
	}
	if c := f.producer(v, t); c != nil {
		return f.callName(c)
	}
	if p, ok := v.(*ssa.Phi); ok && p.Comment != "" {
		return "the assignments to " + p.Comment
	}
	return "a rewrite"
}

// runOf returns the range-over-func loop whose iterator call v is, or nil.
func (f *Flow) runOf(v ssa.Value) *loopRun {
	if c, ok := v.(*ssa.Call); ok {
		for _, runs := range f.runs {
			for _, r := range runs {
				if r.run == c {
					return r
				}
			}
		}
	}
	return nil
}

// producer returns the call that produced v: v itself, the call of an
// Extract, or for a phi the call on one of its edges.
func (f *Flow) producer(v ssa.Value, t types.Type) *ast.CallExpr {
	switch v := v.(type) {
	case *ssa.Call:
		return f.calls[v.Call.Pos()]
	case *ssa.Extract:
		if c, ok := v.Tuple.(*ssa.Call); ok {
			return f.calls[c.Call.Pos()]
		}
	case *ssa.Phi:
		for _, o := range v.Edges {
			switch o.(type) {
			case *ssa.Call, *ssa.Extract:
				if c := f.producer(o, t); c != nil {
					return c
				}
			}
		}
	}
	return nil
}

// callName names a call for messages: "the before-chain s.before" for an
// element call of a before-chain, else the called expression.
func (f *Flow) callName(c *ast.CallExpr) string {
	for _, l := range f.m.Loops {
		if l.Role == chains.After {
			continue // a loop feeding the request to the handler is a before-chain, whatever its element is called
		}
		for _, ec := range l.Calls {
			if ec.Call == c {
				return "the before-chain " + l.ChainName
			}
		}
	}
	return chains.ExprName(c.Fun)
}

// branchesOff reports whether from and to both derive from an older
// request, neither from the other: from missed the rewrites on the way to
// to. It names the first rewrite on the way to to (step) and on the way
// to from (branch).
func (f *Flow) branchesOff(from, to ssa.Value, t types.Type) (step, branch string, ok bool) {
	if _, back := f.derivesTo(to, from, t); back {
		return "", "", false
	}
	for _, x := range f.ancestors(to, t) {
		if s, ok := f.derivesTo(x, from, t); ok {
			step, _ = f.derivesTo(x, to, t)
			return step, s, true
		}
	}
	return "", "", false
}

// ancestors returns the values v derives from, nearest first.
func (f *Flow) ancestors(v ssa.Value, t types.Type) []ssa.Value {
	e := f.edges(t)
	pred := map[ssa.Value][]ssa.Value{}
	for from, tos := range e {
		for _, to := range tos {
			pred[to] = append(pred[to], from)
		}
	}
	seen := map[ssa.Value]bool{v: true}
	var out []ssa.Value
	queue := []ssa.Value{v}
	for len(queue) > 0 {
		x := queue[0]
		queue = queue[1:]
		for _, p := range pred[x] {
			if !seen[p] {
				seen[p] = true
				out = append(out, p)
				queue = append(queue, p)
			}
		}
	}
	return out
}
