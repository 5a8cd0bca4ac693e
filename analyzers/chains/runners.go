package chains

import (
	"go/ast"
	"go/types"
)

// loopRunners makes the functions (declarations and literals) with chain
// loops runners.
func (m *Model) loopRunners() {
	for _, l := range m.Loops {
		r := m.runnerOf[l.Func]
		if r == nil {
			r = &Runner{Func: l.Func, ReqParam: -1}
			if fd, ok := l.Func.(*ast.FuncDecl); ok {
				r.Obj, _ = m.Pass.TypesInfo.Defs[fd.Name].(*types.Func)
			}
			r.ReqParam = m.reqParam(l.Func)
			m.runnerOf[l.Func] = r
		}
		r.Loops = append(r.Loops, l)
		r.Before = r.Before || l.Role == Before
		r.After = r.After || l.Role == After
	}
}

// propagateRunners makes the callers of runners runners, up the reverse
// call graph (imported runners by their facts).
func (m *Model) propagateRunners(fns []*fnFacts) {
	var work []*fnFacts
	siteCallers := map[*types.Func][]*fnFacts{}
	for _, ff := range fns {
		for _, s := range ff.sites {
			siteCallers[s.callee] = append(siteCallers[s.callee], ff)
			if s.callee.Pkg() != m.Pass.Pkg {
				if rc, ok := m.RunsChainFact(s.callee); ok {
					m.addRoles(ff, rc.Before, rc.After)
					work = append(work, ff)
				}
			}
		}
		if r := m.runnerOf[ff.decl]; r != nil && (r.Before || r.After) {
			work = append(work, ff)
		}
	}
	for len(work) > 0 {
		ff := work[0]
		work = work[1:]
		r := m.runnerOf[ff.decl]
		for _, caller := range siteCallers[ff.obj] {
			if caller == ff {
				continue
			}
			if m.addRoles(caller, r.Before, r.After) {
				work = append(work, caller)
			}
		}
	}
}

// runnerCalls records each runner's calls of other runners and the
// RunsChain facts.
func (m *Model) runnerCalls(fns []*fnFacts, byObj map[*types.Func]*fnFacts) {
	for _, ff := range fns {
		r := m.runnerOf[ff.decl]
		if r == nil {
			continue
		}
		for _, s := range ff.sites {
			if s.callee.Origin() == ff.obj {
				continue
			}
			var cr *Runner
			if cf := byObj[s.callee]; cf != nil {
				cr = m.runnerOf[cf.decl]
			}
			if cr != nil && (cr.Before || cr.After) {
				r.Calls = append(r.Calls, s.call)
			} else if rc, ok := m.RunsChainFact(s.callee); ok && s.callee.Pkg() != m.Pass.Pkg && (rc.Before || rc.After) {
				r.Calls = append(r.Calls, s.call)
			}
		}
		if r.Obj != nil && (r.Before || r.After) {
			m.runsChain[r.Obj] = &RunsChain{Before: r.Before, After: r.After, ReqParam: r.ReqParam}
		}
	}
}

// addRoles adds roles to ff's runner (creating it); it reports growth.
func (m *Model) addRoles(ff *fnFacts, before, after bool) bool {
	r := m.runnerOf[ff.decl]
	if r == nil {
		if !before && !after {
			return false
		}
		r = &Runner{Func: ff.decl, Obj: ff.obj, ReqParam: m.reqParam(ff.decl)}
		m.runnerOf[ff.decl] = r
	}
	grew := before && !r.Before || after && !r.After
	r.Before = r.Before || before
	r.After = r.After || after
	return grew
}

// reqParam returns the index of fn's first request parameter, or -1.
func (m *Model) reqParam(fn ast.Node) int {
	var ft *ast.FuncType
	switch f := fn.(type) {
	case *ast.FuncDecl:
		ft = f.Type
	case *ast.FuncLit:
		ft = f.Type
	}
	i := 0
	for _, field := range ft.Params.List {
		n := max(len(field.Names), 1)
		if m.IsRequest(m.Pass.TypesInfo.TypeOf(field.Type)) {
			return i
		}
		i += n
	}
	return -1
}
