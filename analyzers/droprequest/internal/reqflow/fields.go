package reqflow

// Requests held in struct fields: c.Request = c.Request.WithContext(ctx),
// and a handler that gets c and reads c.Request. A load of a field is the
// value of the nearest store to (or earlier load of) the same field of the
// same base that dominates it, when nothing in between may change the
// field: another store to it, or a call that gets the base. Aliases
// through other pointers are not followed.

import (
	"go/types"

	"golang.org/x/tools/go/ssa"
)

// A fieldRef names a field of a base value: c.Request.
type fieldRef struct {
	base  ssa.Value
	index int
	name  string
}

// fieldOf returns the field x addresses, with its base in canonical form.
func (f *Flow) fieldOf(x *ssa.FieldAddr) fieldRef {
	st, _ := deref(x.X.Type()).Underlying().(*types.Struct)
	name := ""
	if st != nil && x.Field < st.NumFields() {
		name = st.Field(x.Field).Name()
	}
	return fieldRef{f.canon(x.X), x.Field, name}
}

// fieldValue returns the value the load u of the field x holds, or nil
// when it is not known (u itself is then the value).
func (f *Flow) fieldValue(u *ssa.UnOp, x *ssa.FieldAddr) ssa.Value {
	if v, ok := f.fields[u]; ok {
		return v
	}
	if f.fields == nil {
		f.fields = map[*ssa.UnOp]ssa.Value{}
	}
	f.fields[u] = nil // a cycle through phis ends here
	v := f.fieldAt(f.fieldOf(x), u)
	f.fields[u] = v
	return v
}

// fieldAt returns the value field r holds at instruction at: the value of
// the nearest store to it, or of the nearest load of it, dominating at,
// when no other store to it and no call that gets its base may run in
// between; nil when that is not known.
func (f *Flow) fieldAt(r fieldRef, at ssa.Instruction) ssa.Value {
	var best ssa.Instruction
	var clobbers []ssa.Instruction
	for _, b := range f.fn.Blocks {
		for _, in := range b.Instrs {
			if in == at {
				continue
			}
			switch in := in.(type) {
			case *ssa.Store:
				if fa, ok := in.Addr.(*ssa.FieldAddr); ok && f.sameField(fa, r) {
					clobbers = append(clobbers, in)
					best = f.nearer(best, in, at)
				}
			case *ssa.UnOp:
				if fa, ok := in.X.(*ssa.FieldAddr); ok && f.sameField(fa, r) {
					best = f.nearer(best, in, at)
				}
			case ssa.CallInstruction:
				if f.callGets(in.Common(), r.base) {
					clobbers = append(clobbers, in)
				}
			}
		}
	}
	if best == nil {
		return nil
	}
	for _, c := range clobbers {
		if c != best && f.reaches(best, c) && f.reaches(c, at) {
			return nil
		}
	}
	if st, ok := best.(*ssa.Store); ok {
		return f.canon(st.Val)
	}
	return f.canon(best.(*ssa.UnOp))
}

// nearer returns in when it dominates at and is dominated by best (or
// best is nil), else best.
func (f *Flow) nearer(best, in, at ssa.Instruction) ssa.Instruction {
	if f.instrDominates(in, at) && (best == nil || f.instrDominates(best, in)) {
		return in
	}
	return best
}

// sameField reports whether fa addresses field r.
func (f *Flow) sameField(fa *ssa.FieldAddr, r fieldRef) bool {
	return fa.Field == r.index && (fa.X == r.base || f.canon(fa.X) == r.base)
}

// callGets reports whether the call gets base (as an argument or
// receiver), so that it may change base's fields.
func (f *Flow) callGets(c *ssa.CallCommon, base ssa.Value) bool {
	if c.IsInvoke() && f.canon(c.Value) == base {
		return true
	}
	for _, a := range c.Args {
		if a == base || f.canon(a) == base {
			return true
		}
	}
	return false
}

// holderArg returns, for a call that gets a struct (pointer) holding a
// field of request type t and a field of a response type (c *Ctx with
// Request and Writer, as gin's handlers get), the request the call sees
// in that field, with the field; nil when the field's value there is not
// known.
func (f *Flow) holderArg(call *ssa.Call, t types.Type) (ssa.Value, *fieldRef) {
	for _, a := range call.Call.Args {
		p, ok := a.Type().Underlying().(*types.Pointer)
		if !ok {
			continue
		}
		st, ok := p.Elem().Underlying().(*types.Struct)
		if !ok {
			continue
		}
		req, resp := -1, false
		for i := 0; i < st.NumFields(); i++ {
			ft := st.Field(i).Type()
			if req < 0 && types.Identical(ft, t) {
				req = i
			}
			resp = resp || f.m.IsResponse(ft)
		}
		if req < 0 || !resp {
			continue
		}
		r := fieldRef{f.canon(a), req, st.Field(req).Name()}
		if v := f.fieldAt(r, call); v != nil {
			return v, &r
		}
	}
	return nil, nil
}
