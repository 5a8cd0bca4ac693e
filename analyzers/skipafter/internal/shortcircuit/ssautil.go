package shortcircuit

import (
	"go/ast"
	"go/token"

	"golang.org/x/tools/go/ssa"

	"github.com/chainlint/chainlint/analyzers/chains"
)

func dominates(a, b ssa.Instruction) bool {
	if a == nil || b == nil {
		return false
	}
	if a.Block() != b.Block() {
		return a.Block().Dominates(b.Block())
	}
	for _, in := range a.Block().Instrs {
		switch in {
		case a:
			return true
		case b:
			return false
		}
	}
	return false
}

// branchOn returns the seed of an If on the before-chain's outcome one of
// whose branches leads (by dominance) to block b and to none of the
// common-path items.
func branchOn(fn *ssa.Function, conds map[ssa.Value]seed, b *ssa.BasicBlock, items []*Step) *seed {
	for _, blk := range fn.Blocks {
		ifi, ok := blk.Instrs[len(blk.Instrs)-1].(*ssa.If)
		if !ok {
			continue
		}
		s, ok := conds[ifi.Cond]
		if !ok {
			continue
		}
		for _, succ := range blk.Succs {
			if len(succ.Preds) != 1 || !succ.Dominates(b) {
				continue
			}
			leads := false
			for _, it := range items {
				if it.header != nil && succ.Dominates(it.header) || it.anchor != nil && succ.Dominates(it.anchor.Block()) {
					leads = true
				}
			}
			if !leads {
				return &s
			}
		}
	}
	return nil
}

func returnStmts(body *ast.BlockStmt) map[token.Pos]*ast.ReturnStmt {
	out := map[token.Pos]*ast.ReturnStmt{}
	chains.InspectOwn(body, func(n ast.Node) {
		if r, ok := n.(*ast.ReturnStmt); ok {
			out[r.Return] = r
		}
	})
	return out
}

func ssaCalls(fn *ssa.Function) map[token.Pos]ssa.CallInstruction {
	out := map[token.Pos]ssa.CallInstruction{}
	for _, b := range fn.Blocks {
		for _, in := range b.Instrs {
			if c, ok := in.(ssa.CallInstruction); ok {
				if _, isDefer := in.(*ssa.Defer); !isDefer {
					out[c.Common().Pos()] = c
				}
			}
		}
	}
	return out
}

func findDefer(fn *ssa.Function, d *ast.DeferStmt) ssa.Instruction {
	for _, b := range fn.Blocks {
		for _, in := range b.Instrs {
			if df, ok := in.(*ssa.Defer); ok && df.Pos() == d.Defer {
				return df
			}
		}
	}
	return nil
}

// loopHeader returns the block of a natural loop that dominates the others.
func loopHeader(blocks map[*ssa.BasicBlock]bool) *ssa.BasicBlock {
	for b := range blocks {
		if b.Idom() == nil || !blocks[b.Idom()] {
			return b
		}
	}
	return nil
}
