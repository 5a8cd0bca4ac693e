package chains

import (
	"flag"
	"go/ast"
	"go/types"
	"reflect"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"
)

// Default flag values.
const (
	DefaultRequestTypes  = "net/http.Request,*.Request,*.Context"
	DefaultResponseTypes = "net/http.ResponseWriter,*.Response"
	DefaultLockPairs     = "C.PyGILState_Ensure:C.PyGILState_Release,C.PyEval_RestoreThread:C.PyEval_SaveThread"
)

// Analyzer computes the [*Model] of a package and exports its facts.
var Analyzer = &analysis.Analyzer{
	Name:       "chains",
	Doc:        "compute the middleware-chain model (chain loops, runners, requests, locks) shared by chainlint's analyzers",
	URL:        "https://pkg.go.dev/github.com/chainlint/chainlint/analyzers/chains",
	Run:        run,
	Requires:   []*analysis.Analyzer{inspect.Analyzer},
	ResultType: reflect.TypeOf((*Model)(nil)),
	FactTypes:  []analysis.Fact{(*WithLock)(nil), (*MayBlock)(nil), (*RunsChain)(nil), (*Acquires)(nil)},
}

// The flag values are the analyzer's only package-level state; they are
// parsed afresh by every pass.
var (
	requestTypes  = DefaultRequestTypes
	responseTypes = DefaultResponseTypes
	lockPairs     = DefaultLockPairs
)

func init() {
	Analyzer.Flags.Init("chains", flag.ContinueOnError)
	Analyzer.Flags.StringVar(&requestTypes, "request-types", DefaultRequestTypes,
		`comma-separated request types: "path.T" (T or *T of package path) or "*.T" (a type named T in any package)`)
	Analyzer.Flags.StringVar(&responseTypes, "response-types", DefaultResponseTypes,
		"comma-separated response types, in the form of -request-types")
	Analyzer.Flags.StringVar(&lockPairs, "lock-pairs", DefaultLockPairs,
		`comma-separated acquire:release pairs of functions ("path.F") or methods ("path.T.M"); cgo functions as "C.F"`)
}

// config is the parsed form of the flags, per pass.
type config struct {
	req, resp typeSet
	pairs     []LockPair
	// pairNames holds the last name component of every configured
	// function, to skip building qualified names for other calls.
	pairNames map[string]bool
}

// A LockPair is a configured acquire/release pair of function names.
type LockPair struct{ Acquire, Release string }

// typeSet matches named types by "path.Name" or by name alone ("*.Name").
type typeSet struct {
	qualified map[string]bool
	anyPkg    map[string]bool
}

func parseTypes(s string) typeSet {
	ts := typeSet{qualified: map[string]bool{}, anyPkg: map[string]bool{}}
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		f = strings.TrimPrefix(f, "*")
		if f == "" {
			continue
		}
		if name, ok := strings.CutPrefix(f, "."); ok {
			ts.anyPkg[name] = true // "*.T" after TrimPrefix("*")
		} else {
			ts.qualified[f] = true
		}
	}
	return ts
}

func (ts typeSet) match(t types.Type) bool {
	if t == nil {
		return false
	}
	if p, ok := types.Unalias(t).(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := types.Unalias(t).(*types.Named)
	if !ok {
		return false
	}
	obj := n.Obj()
	if obj.Pkg() == nil {
		return false
	}
	if obj.Pkg().Path() == "context" {
		return false // context.Context carries a request's scope but is not the request
	}
	return ts.qualified[obj.Pkg().Path()+"."+obj.Name()] || ts.anyPkg[obj.Name()]
}

func parsePairs(s string) []LockPair {
	var pairs []LockPair
	for _, f := range strings.Split(s, ",") {
		acq, rel, ok := strings.Cut(strings.TrimSpace(f), ":")
		if !ok || acq == "" || rel == "" {
			continue
		}
		pairs = append(pairs, LockPair{normName(acq), normName(rel)})
	}
	return pairs
}

// normName turns "path.(*T).M" into "path.T.M".
func normName(s string) string {
	return strings.NewReplacer("(*", "", "(", "", ")", "").Replace(strings.TrimSpace(s))
}

func run(pass *analysis.Pass) (any, error) {
	m := &Model{
		Pass: pass,
		cfg: config{
			req:   parseTypes(requestTypes),
			resp:  parseTypes(responseTypes),
			pairs: parsePairs(lockPairs),
		},
		insp:       pass.ResultOf[inspect.Analyzer].(*inspector.Inspector),
		importFact: pass.ImportObjectFact,
		mayBlock:   map[*types.Func]string{},
		withLock:   map[*types.Func]*WithLock{},
		runsChain:  map[*types.Func]*RunsChain{},
		acquires:   map[*types.Func]*Acquires{},
		runnerOf:   map[ast.Node]*Runner{},
	}
	m.cfg.pairNames = map[string]bool{}
	for _, p := range m.cfg.pairs {
		for _, n := range []string{p.Acquire, p.Release} {
			m.cfg.pairNames[n[strings.LastIndex(n, ".")+1:]] = true
		}
	}
	m.findLoops()
	m.computeFacts()
	return m, nil
}
