package chainlock

import (
	"fmt"
	"go/types"
	"path/filepath"

	"golang.org/x/tools/go/analysis"

	"github.com/chainlint/chainlint/analyzers/chains"
)

// A BuiltChain fact marks an exported chain variable or field whose
// elements are closures, built at load time, that each take one lock
// around their middleware. The package that builds it cannot see loops of
// other packages that run it; the fact lets those report it.
type BuiltChain struct {
	Lock string // the lock, as the closures name it
	At   string // where the closures are appended: file name and line
}

func (*BuiltChain) AFact() {}

func (f *BuiltChain) String() string { return "builtChain(" + f.Lock + " at " + f.At + ")" }

// exportBuilt exports the BuiltChain fact of the chain b when other
// packages can run it.
func (c *checker) exportBuilt(b *built) {
	if b.obj == nil || !b.obj.Exported() || b.obj.Pkg() != c.pass.Pkg {
		return
	}
	if v, ok := b.obj.(*types.Var); !ok || !v.IsField() && v.Parent() != c.pass.Pkg.Scope() {
		return
	}
	pos := c.pass.Fset.Position(b.as.Pos())
	c.pass.ExportObjectFact(b.obj, &BuiltChain{Lock: b.lock.Name, At: fmt.Sprintf("%s:%d", filepath.Base(pos.Filename), pos.Line)})
}

// importedBuilt reports a loop that runs, calling its elements directly,
// a chain that another package builds from closures that each take a lock
// (its BuiltChain fact). The fix would rewrite the construction and every
// loop that runs the chain together, which it can only do in one package.
func (c *checker) importedBuilt(l *chains.Loop) {
	obj := origin(c.chainObj(l.Chain))
	if obj == nil || obj.Pkg() == nil || obj.Pkg() == c.pass.Pkg {
		return
	}
	var f BuiltChain
	if !c.pass.ImportObjectFact(obj, &f) {
		return
	}
	for _, ec := range l.Calls {
		if ec.Closure != nil {
			continue
		}
		pkg := obj.Pkg().Name()
		c.r.Report(analysis.Diagnostic{
			Pos: ec.Call.Pos(), End: ec.Call.End(), Category: "chainlock",
			Message: fmt.Sprintf("lock %s is acquired once per middleware of %s: each element is a closure, appended in package %s (%s), "+
				"that takes it around its middleware, and this loop runs them one after another (N acquisitions for an N-middleware chain); "+
				"append the middlewares themselves in package %s and batch consecutive synchronous middlewares under one acquisition with chainruntime.Batched where the chain runs; "+
				"no fix offered: the loop runs a chain that another package builds, and the fix rewrites the construction together with every loop that runs the chain, in one package",
				f.Lock, l.ChainName, pkg, f.At, pkg),
		})
		return
	}
}
