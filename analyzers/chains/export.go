package chains

import (
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/ssa"
)

// LoopBlocks returns the blocks of the smallest natural loop of fn (the SSA
// form of l.Func, see [Model.SSA]) that holds l's body, or nil.
func LoopBlocks(fn *ssa.Function, l *Loop) map[*ssa.BasicBlock]bool { return loopBlocks(fn, l) }

// funcBody returns the body of a *ast.FuncDecl or *ast.FuncLit, or nil.
func funcBody(fn ast.Node) *ast.BlockStmt {
	switch fn := fn.(type) {
	case *ast.FuncDecl:
		return fn.Body
	case *ast.FuncLit:
		return fn.Body
	}
	return nil
}

// InspectOwn visits the nodes of body outside nested function literals.
func InspectOwn(body *ast.BlockStmt, f func(ast.Node)) { scInspectOwn(body, f) }

// IsError reports whether t is the error type.
func IsError(t types.Type) bool { return scIsError(t) }

// The helpers below kept the names they had when the short-circuit engine
// lived in this package, so that the model's files need no change.

func scInspectOwn(body *ast.BlockStmt, f func(ast.Node)) {
	ast.Inspect(body, func(n ast.Node) bool {
		if _, ok := n.(*ast.FuncLit); ok {
			return false
		}
		if n != nil {
			f(n)
		}
		return true
	})
}

func scYields(fn *ssa.Function) []*ssa.Function {
	var out []*ssa.Function
	for _, a := range fn.AnonFuncs {
		if a.Synthetic == yieldSynthetic {
			out = append(out, a)
			out = append(out, scYields(a)...)
		}
	}
	return out
}

// yieldSynthetic is the Synthetic of the yield function go/ssa builds for
// the body of a range-over-func loop.
const yieldSynthetic = "range-over-func yield"

func scIsError(t types.Type) bool {
	return types.Identical(t, types.Universe.Lookup("error").Type())
}
