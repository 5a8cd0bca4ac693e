package reqflow

import (
	"go/ast"
	"go/token"
	"go/types"
	"sort"
	"strings"

	"golang.org/x/tools/go/ssa"
)

// ArgKind classifies the request argument of an after-call.
type ArgKind int

const (
	// ArgOther: a value unrelated to the current request (a field of a
	// per-request object, say); not judged.
	ArgOther ArgKind = iota
	// ArgLatest: the current request.
	ArgLatest
	// ArgFabricated: nil, a zero value, new(T) or &T{}.
	ArgFabricated
	// ArgStale: a value the current request was derived from.
	ArgStale
)

// A Latest is a request value current at a call.
type Latest struct {
	Value ssa.Value
	// Origin says where the value came from: "the request returned by
	// s.runBefore", "the request Serve received".
	Origin string
	// Pos is where the value was produced (for Related), NoPos for a
	// parameter of a function literal and the like.
	Pos token.Pos
	// Handler is the call that received this value ("s.handler"), when
	// the handler rule chose it.
	Handler    string
	HandlerPos token.Pos
	// Expr is source text that denotes the value at the call; empty when
	// no variable in scope is known to hold it there (NoExpr says why).
	Expr   string
	NoExpr string
	// field is set when the handler read the request from a field
	// (c.Request): Expr then names that field.
	field *fieldRef
}

// Describe returns "req2, the request returned by s.runBefore and the one
// s.handler got", or the origin alone when the value has no name.
func (l *Latest) Describe() string {
	s := l.Origin
	if l.Expr != "" {
		s = l.Expr + ", " + s
	}
	if l.Handler != "" {
		s += " and the one " + l.Handler + " got"
	}
	return s
}

// A Verdict judges the request argument of one after-call.
type Verdict struct {
	Kind ArgKind
	// Arg is the argument expression; ArgText its source form, and for
	// ArgFabricated Fabricated says what it is ("nil", "&Request{}").
	Arg        ast.Expr
	ArgText    string
	Fabricated string
	// Step names the rewrite that made a stale Arg stale: "s.runBefore",
	// "req.WithContext", "the before-chain s.before".
	Step string
	// Branch, for a stale Arg that went through rewrites of its own,
	// names the first of them ("runtime.NewServerMetadataContext"):
	// Arg and the current request both derive from an older one, and
	// passing the current one would lose what Branch added.
	Branch string
	// Latest is the current request; nil when none or several are in
	// reach (Candidates then lists them).
	Latest     *Latest
	Candidates []*Latest
	// Deferred reports an after-call of a defer statement: Latest is the
	// request current at the function's exits, while Arg was evaluated at
	// the defer statement.
	Deferred bool
	// Copy reports a request passed by value, copied from a pointer
	// (*in): judged as that pointer; Latest.Expr is then "*cur".
	Copy bool
}

// Judge classifies the request argument of ac, an after-call of this
// flow's function with ReqArg >= 0.
func (f *Flow) Judge(ac *AfterCall) *Verdict {
	return f.JudgeArg(ac, ac.ReqArg, ac.ReqType)
}

// JudgeContext classifies the context.Context argument of ac, for
// staleness only (a context made up with context.Background is not
// judged): ArgStale when it is a parent of the context the handler got.
func (f *Flow) JudgeContext(ac *AfterCall) *Verdict {
	if ac.CtxArg < 0 {
		return &Verdict{Kind: ArgOther}
	}
	t := ac.Call.Args[ac.CtxArg]
	v := f.JudgeArg(ac, ac.CtxArg, f.m.Pass.TypesInfo.TypeOf(t))
	if v.Kind != ArgStale {
		v.Kind = ArgOther
	}
	return v
}

// JudgeArg classifies argument i, of request type t, of the after-call ac.
func (f *Flow) JudgeArg(ac *AfterCall, i int, t types.Type) *Verdict {
	if i < 0 || i >= len(ac.Call.Args) || t == nil {
		return &Verdict{Kind: ArgOther}
	}
	arg := ac.Call.Args[i]
	v := &Verdict{Kind: ArgOther, Arg: arg, ArgText: types.ExprString(arg)}
	in := f.instr[ac.Call.Lparen]
	if in == nil {
		if yf, _ := f.yieldFlow(ac.Call.Lparen); yf != nil {
			return yf.JudgeArg(ac, i, t)
		}
		return v
	}
	a := f.argValue(in, ac.Call, i)
	if a == nil {
		return v
	}
	a = f.canon(a)
	if u, ok := a.(*ssa.UnOp); ok && u.Op == token.MUL && f.pointerValue(u.X) {
		// A copy, *in: judged as the pointer it was copied from.
		if pv := f.judge(v, u.X, u.X.Type(), in); pv.Kind != ArgOther || pv.Latest != nil {
			pv.Copy = true
			if pv.Latest != nil && pv.Latest.Expr != "" {
				c := *pv.Latest
				c.Expr = "*" + c.Expr
				pv.Latest = &c
			}
			return pv
		}
		v = &Verdict{Kind: ArgOther, Arg: v.Arg, ArgText: v.ArgText}
	}
	return f.judge(v, a, t, in)
}

// pointerValue reports whether p is a pointer value that a request may be
// copied from (*p): not the cell of a local variable.
func (f *Flow) pointerValue(p ssa.Value) bool {
	if _, ok := p.Type().Underlying().(*types.Pointer); !ok {
		return false
	}
	switch p := p.(type) {
	case *ssa.Alloc:
		return p.Comment == "new" || p.Comment == "complit"
	case *ssa.FreeVar, *ssa.Global, *ssa.FieldAddr, *ssa.IndexAddr:
		return false
	}
	return true
}

// judge fills v for the value a, of request type t, at the after-call in.
func (f *Flow) judge(v *Verdict, a ssa.Value, t types.Type, in ssa.Instruction) *Verdict {
	if d, ok := in.(*ssa.Defer); ok {
		// The deferred call runs at the function's exit, with arguments
		// evaluated here.
		v.Deferred = true
		v.Latest, v.Candidates = f.atExit(d, t)
	} else {
		v.Latest, v.Candidates = f.latest(in, t)
	}
	if v.Latest != nil && a == v.Latest.Value || f.handlerGot(a, t, in) {
		// What the handler got is the request, however it was built.
		v.Kind = ArgLatest
		return v
	}
	if what, ok := f.fabricated(a); ok {
		v.Kind, v.Fabricated = ArgFabricated, what
		return v
	}
	if v.Latest == nil {
		return v
	}
	if step, ok := f.derivesTo(a, v.Latest.Value, t); ok {
		v.Kind, v.Step = ArgStale, step
	} else if step, branch, ok := f.branchesOff(a, v.Latest.Value, t); ok {
		v.Kind, v.Step, v.Branch = ArgStale, step, branch
	}
	return v
}

// LatestAt returns the request of type t current at call (a call in this
// flow's function): the one value, or the candidates when several are.
func (f *Flow) LatestAt(call *ast.CallExpr, t types.Type) (*Latest, []*Latest) {
	in := f.instr[call.Lparen]
	if in == nil {
		if yf, yin := f.yieldFlow(call.Lparen); yf != nil {
			return yf.latest(yin, t)
		}
		return nil, nil
	}
	return f.latest(in, t)
}

// argValue maps the i'th syntactic argument of call to its SSA value.
func (f *Flow) argValue(in ssa.CallInstruction, call *ast.CallExpr, i int) ssa.Value {
	c := in.Common()
	sig := c.Signature()
	if sig.Variadic() && i >= sig.Params().Len()-1 {
		return nil
	}
	j := i
	if !c.IsInvoke() && sig.Recv() != nil {
		j++
	}
	if j >= len(c.Args) {
		return nil
	}
	return c.Args[j]
}

// fabricated reports whether v is a made-up request: nil, a zero value,
// new(T) or a composite literal built in this function.
func (f *Flow) fabricated(v ssa.Value) (string, bool) {
	switch v := v.(type) {
	case *ssa.Const:
		if v.Value == nil {
			if v.IsNil() {
				return "nil", true
			}
			return "a zero " + typeName(v.Type()), true
		}
	case *ssa.Alloc:
		// new(T) and &T{...}; not a variable that escapes (whose
		// Comment is its name).
		if v.Parent() == f.fn && (v.Comment == "new" || v.Comment == "complit") {
			return "a new " + typeName(deref(v.Type())), true
		}
	case *ssa.UnOp:
		// T{...} of a struct request type passed by value.
		if a, ok := v.X.(*ssa.Alloc); ok && v.Op == token.MUL && a.Parent() == f.fn && a.Comment == "complit" {
			return "a new " + typeName(v.Type()), true
		}
	case *ssa.MakeInterface:
		return f.fabricated(v.X)
	case *ssa.ChangeType:
		return f.fabricated(v.X)
	}
	return "", false
}

func deref(t types.Type) types.Type {
	if p, ok := t.Underlying().(*types.Pointer); ok {
		return p.Elem()
	}
	return t
}

func typeName(t types.Type) string {
	return types.TypeString(t, func(p *types.Package) string { return p.Name() })
}

// LatestNames lists the names (or origins) of the candidates, sorted.
func LatestNames(ls []*Latest) string {
	var s []string
	for _, l := range ls {
		if l.Expr != "" {
			s = append(s, l.Expr)
		} else {
			s = append(s, l.Origin)
		}
	}
	sort.Strings(s)
	return strings.Join(s, ", ")
}
