package chains_test

import (
	"fmt"
	"go/ast"
	"go/types"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/chainlint/chainlint/analyzers/chains"
	"github.com/chainlint/chainlint/internal/testruntime"
)

// modelProbe reports the model so that the test data pins it: every chain
// loop (chain, role, element calls, result flow, shape), every lock
// operation in a loop body (op, kind, name, loop-invariance), and every
// function-literal runner.
var modelProbe = &analysis.Analyzer{
	Name:     "modelprobe",
	Doc:      "report chains.Model loops, lock operations and runners",
	Requires: []*analysis.Analyzer{chains.Analyzer},
	Run: func(pass *analysis.Pass) (any, error) {
		m := pass.ResultOf[chains.Analyzer].(*chains.Model)
		for _, l := range m.Loops {
			var calls []string
			for _, c := range l.Calls {
				kind := [...]string{"func", "method", "field"}[c.Kind]
				if c.Feeds {
					kind += "+feeds"
				}
				if c.Leaves {
					kind += "+leaves"
				}
				if c.Via != nil {
					kind += "+via " + c.Via.Name()
				}
				if c.Closure != nil {
					kind += "+closure"
				}
				calls = append(calls, kind)
			}
			shape := l.Shape.String()
			if l.Reverse {
				shape += " reverse"
			}
			if l.RuntimeIter != nil {
				shape = "batched " + shape
			}
			if l.Step != nil {
				shape += " step " + types.ExprString(l.Step)
			}
			pass.Reportf(l.Stmt.Pos(), "%s loop over %s: %s [%s]", shape, l.ChainName, l.Role, strings.Join(calls, " "))
			ast.Inspect(l.Body, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				if op, ok := m.LockOp(call); ok {
					what := [...]string{"acquire", "release", "scoped"}[op.Op]
					pass.Reportf(call.Pos(), "%s %s %s invariant=%v", what, op.Kind, op.Name, m.Invariant(l, op))
				}
				return true
			})
		}
		for _, r := range m.Runners {
			if lit, ok := r.Func.(*ast.FuncLit); ok {
				pass.Reportf(lit.Pos(), "runner literal before=%v after=%v req=%d", r.Before, r.After, r.ReqParam)
			}
		}
		for _, f := range pass.Files {
			for _, d := range f.Decls {
				fd, ok := d.(*ast.FuncDecl)
				if !ok {
					continue
				}
				if fn, ok := pass.TypesInfo.Defs[fd.Name].(*types.Func); ok {
					if rc, ok := m.RunsChainFact(fn); ok {
						pass.Reportf(fd.Name.Pos(), "fact %s", rc)
					}
					if r, ok := m.MayBlockFact(fn); ok {
						pass.Reportf(fd.Name.Pos(), "fact %s", &chains.MayBlock{Reason: r})
					}
					if wl, ok := m.WithLockFact(fn); ok {
						pass.Reportf(fd.Name.Pos(), "fact %s", wl)
					}
					if aq, ok := m.AcquiresFact(fn); ok {
						pass.Reportf(fd.Name.Pos(), "fact %s", aq)
					}
				}
				if !strings.HasPrefix(fd.Name.Name, "Types") {
					continue
				}
				var out []string
				for _, field := range fd.Type.Params.List {
					t := pass.TypesInfo.TypeOf(field.Type)
					out = append(out, fmt.Sprintf("%v:%v", m.IsRequest(t), m.IsResponse(t)))
				}
				pass.Reportf(fd.Pos(), "req:resp %s", strings.Join(out, " "))
			}
		}
		return nil, nil
	},
}

func TestModel(t *testing.T) {
	analysistest.Run(t, testruntime.TestData(t), modelProbe, "model")
}

// TestFlags configures request types and a lock pair of package py.
func TestFlags(t *testing.T) {
	set := func(name, v string) {
		old := chains.Analyzer.Flags.Lookup(name).Value.String()
		if err := chains.Analyzer.Flags.Set(name, v); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { chains.Analyzer.Flags.Set(name, old) })
	}
	set("request-types", "custom.Req")
	set("response-types", "custom.Resp")
	set("lock-pairs", "py.Ensure:py.Release,py.GIL.Enter:py.GIL.Leave")
	analysistest.Run(t, testruntime.TestData(t), modelProbe, "custom")
}
