package chains

// Helpers that analyzers' own engines (droprequest's request flow) share
// with the model.

import (
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/ssa"
)

// FuncBody returns the body of a *ast.FuncDecl or *ast.FuncLit, or nil.
func FuncBody(fn ast.Node) *ast.BlockStmt { return funcBody(fn) }

// CalledSig returns the signature of the function call calls, or nil (a
// conversion, a builtin).
func CalledSig(info *types.Info, call *ast.CallExpr) *types.Signature { return calledSig(info, call) }

// ExprName prints e shortly for messages: &x and (x) print as x, long
// expressions are elided.
func ExprName(e ast.Expr) string { return exprName(e) }

// IdentVar returns the variable e (an identifier other than "_") defines
// or uses, or nil.
func IdentVar(info *types.Info, e ast.Expr) *types.Var { return identVar(info, e) }

// YieldFuncs returns the synthesized yield functions (the bodies of
// range-over-func loops) of fn, nested ones included.
func YieldFuncs(fn *ssa.Function) []*ssa.Function { return scYields(fn) }
