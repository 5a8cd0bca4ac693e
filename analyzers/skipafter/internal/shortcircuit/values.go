package shortcircuit

import (
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ssa"
)

// deriveValues calls visit for v and every value derived from it by
// phis, conversions, type assertions and loads of variables it is stored
// in; visit returns false for values already seen.
func deriveValues(v ssa.Value, visit func(ssa.Value) bool) {
	forward(v, visit, func(v ssa.Value, ref ssa.Instruction, push func(ssa.Value)) {
		switch r := ref.(type) {
		case *ssa.Phi, *ssa.ChangeType, *ssa.ChangeInterface, *ssa.MakeInterface, *ssa.Convert:
			push(r.(ssa.Value))
		case *ssa.TypeAssert:
			if !r.CommaOk {
				push(r)
				return
			}
			for _, x := range *r.Referrers() {
				if ex, ok := x.(*ssa.Extract); ok && ex.Index == 0 {
					push(ex)
				}
			}
		case *ssa.Store:
			alloc, ok := r.Addr.(*ssa.Alloc)
			if r.Val != v || !ok {
				return
			}
			for _, x := range *alloc.Referrers() {
				if ld, ok := x.(*ssa.UnOp); ok && ld.Op == token.MUL && reaches(r, ld, alloc) {
					push(ld)
				}
			}
		}
	})
}

// forward walks the values reachable from v through step, visiting
// each once (visit returns false for values already seen).
func forward(v ssa.Value, visit func(ssa.Value) bool, step func(v ssa.Value, ref ssa.Instruction, push func(ssa.Value))) {
	work := []ssa.Value{v}
	push := func(x ssa.Value) { work = append(work, x) }
	for len(work) > 0 {
		v := work[len(work)-1]
		work = work[:len(work)-1]
		if !visit(v) {
			continue
		}
		if refs := v.Referrers(); refs != nil {
			for _, ref := range *refs {
				step(v, ref, push)
			}
		}
	}
}

// mixed reports whether v, derived from a short-circuit outcome, also
// merges (through phis) values that are not.
func mixed(v ssa.Value, derived map[ssa.Value]seed, seen map[ssa.Value]bool) bool {
	phi, ok := v.(*ssa.Phi)
	if !ok || seen[v] {
		return false
	}
	seen[v] = true
	for _, e := range phi.Edges {
		if _, ok := derived[e]; !ok || mixed(e, derived, seen) {
			return true
		}
	}
	return false
}

// reaches reports whether store st may be the value load ld reads from
// alloc: st dominates ld and no later store to alloc dominates ld.
func reaches(st *ssa.Store, ld *ssa.UnOp, alloc *ssa.Alloc) bool {
	if !dominates(st, ld) {
		return false
	}
	for _, x := range *alloc.Referrers() {
		if st2, ok := x.(*ssa.Store); ok && st2 != st && st2.Addr == alloc && dominates(st, st2) && dominates(st2, ld) {
			return false
		}
	}
	return true
}

// deriveConds calls visit for v and every boolean value computed from it
// by comparisons, negations and phis.
func deriveConds(v ssa.Value, visit func(ssa.Value) bool) {
	forward(v, visit, func(_ ssa.Value, ref ssa.Instruction, push func(ssa.Value)) {
		switch r := ref.(type) {
		case *ssa.UnOp:
			if r.Op == token.NOT {
				push(r)
			}
		case *ssa.BinOp, *ssa.Phi, *ssa.ChangeType:
			push(r.(ssa.Value))
		}
	})
}

// returnedValue returns the i'th result of r. In a function with a
// range-over-func loop whose body returns, every return stores its results
// in result variables and returns loads of them: a return inside the body
// is compiled into the yield function storing them, and a return in fn of
// the loads at the same position; any other return stores them itself
// right before. The result is then the value stored at that position.
func returnedValue(fn *ssa.Function, r *ssa.Return, i int) ssa.Value {
	res := r.Results[i]
	ld, ok := res.(*ssa.UnOp)
	if !ok || ld.Op != token.MUL || !r.Pos().IsValid() {
		return res
	}
	if _, ok := ld.X.(*ssa.Alloc); !ok {
		return res
	}
	for _, in := range r.Block().Instrs {
		if st, ok := in.(*ssa.Store); ok && st.Addr == ld.X && st.Pos() == r.Pos() {
			return st.Val
		}
	}
	if v := yieldStore(fn, ld.X, r.Pos()); v != nil {
		return v
	}
	return res
}

// yieldStore finds, in the yield functions of fn (nested ones too), the
// store at pos to the free variable bound to addr, and returns its value.
func yieldStore(fn *ssa.Function, addr ssa.Value, pos token.Pos) ssa.Value {
	for _, b := range fn.Blocks {
		for _, in := range b.Instrs {
			mc, ok := in.(*ssa.MakeClosure)
			if !ok {
				continue
			}
			y, ok := mc.Fn.(*ssa.Function)
			if !ok || y.Synthetic != yieldSynthetic {
				continue
			}
			for k, bound := range mc.Bindings {
				if bound != addr || k >= len(y.FreeVars) {
					continue
				}
				fv := y.FreeVars[k]
				for _, ref := range *fv.Referrers() {
					if st, ok := ref.(*ssa.Store); ok && st.Addr == fv && st.Pos() == pos {
						return st.Val
					}
				}
				if v := yieldStore(y, fv, pos); v != nil {
					return v
				}
			}
		}
	}
	return nil
}

// yieldSynthetic is the Synthetic of the yield function go/ssa builds for
// the body of a range-over-func loop.
const yieldSynthetic = "range-over-func yield"

// callResults returns the values of call's results: the call itself, or
// the extracts of its tuple.
func callResults(call *ssa.Call) []ssa.Value {
	tup, ok := call.Type().(*types.Tuple)
	if !ok {
		if call.Type() == nil {
			return nil
		}
		return []ssa.Value{call}
	}
	var out []ssa.Value
	for _, ref := range *call.Referrers() {
		if ex, ok := ref.(*ssa.Extract); ok && ex.Index < tup.Len() {
			out = append(out, ex)
		}
	}
	return out
}
