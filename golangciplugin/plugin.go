// Package golangciplugin is chainlint's golangci-lint v2 module plugin
// (github.com/golangci/plugin-module-register). A custom golangci-lint
// binary that blank-imports it gains four linters, each configured as
// a "module" custom linter under its name:
//
//   - chainlint: all of chainlint's analyzers, reported as one linter
//     (suppress with //nolint:chainlint; the message starts with the
//     analyzer's name);
//   - chainlock, droprequest, skipafter: one analyzer each, so that
//     //nolint:chainlock and per-analyzer enabling work.
//
// Settings map onto the analyzers' flags: the shared model's flags (those of
// the chains analyzer, e.g. request-types, response-types, lock-pairs) at the
// top level, and an analyzer's own flags in a section named after it:
//
//	settings:
//	  request-types: ["net/http.Request", "*.Request"]  # or one comma-separated string
//	  lock-pairs: ["example.com/py.Ensure:example.com/py.Release"]
//	  skipafter:
//	    errors: true
//
// A list is joined with commas, as the flag takes it. An unknown key is an
// error that lists the known ones. The flags are process-wide, so two of
// these linters enabled together must not give the same flag different
// values (that is an error too).
package golangciplugin

import (
	"encoding/json"
	"flag"
	"fmt"
	"go/token"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/golangci/plugin-module-register/register"
	"golang.org/x/tools/go/analysis"

	suite "github.com/chainlint/chainlint/analyzers"
	"github.com/chainlint/chainlint/analyzers/chains"
)

// analyzers are the analyzers the plugin exposes: chainlint's, each
// folding its related positions into its messages (see folding).
func analyzers() []*analysis.Analyzer {
	foldedOnce.Do(func() {
		for _, a := range suite.All() {
			folded = append(folded, folding(a))
		}
	})
	return folded
}

// The folding analyzers are made once, so that the linters that share one
// (chainlint and chainlock) run it once and register its facts once.
var (
	foldedOnce sync.Once
	folded     []*analysis.Analyzer
)

// folding returns an analyzer that runs a, with the related positions of
// each diagnostic written into its message ("...; s.mu released here
// (chain.go:12:3)") instead of passed on: golangci-lint turns every related
// position into an issue of its own, so a finding with two related
// positions would count as three issues, and a //nolint on the finding's
// line would leave the other two.
func folding(a *analysis.Analyzer) *analysis.Analyzer {
	w := &analysis.Analyzer{
		Name:             a.Name,
		Doc:              a.Doc,
		URL:              a.URL,
		Flags:            a.Flags,
		RunDespiteErrors: a.RunDespiteErrors,
		Requires:         a.Requires,
		ResultType:       a.ResultType,
		FactTypes:        a.FactTypes,
	}
	w.Run = func(pass *analysis.Pass) (any, error) {
		p := *pass
		p.Report = func(d analysis.Diagnostic) { pass.Report(foldRelated(pass.Fset, d)) }
		return a.Run(&p)
	}
	return w
}

// foldRelated moves d's related positions into its message.
func foldRelated(fset *token.FileSet, d analysis.Diagnostic) analysis.Diagnostic {
	if len(d.Related) == 0 {
		return d
	}
	var b strings.Builder
	b.WriteString(d.Message)
	for _, r := range d.Related {
		posn := fset.Position(r.Pos)
		fmt.Fprintf(&b, "; %s (%s:%d:%d)", r.Message, filepath.Base(posn.Filename), posn.Line, posn.Column)
	}
	d.Message = b.String()
	d.Related = nil
	return d
}

func init() {
	register.Plugin("chainlint", New)
	for _, a := range analyzers() {
		register.Plugin(a.Name, newSingle(a))
	}
}

// Plugin is one of the plugin's linters.
type Plugin struct {
	analyzers []*analysis.Analyzer
}

// New returns the chainlint linter, which runs every analyzer, configured
// by settings (see the package documentation).
func New(settings any) (register.LinterPlugin, error) {
	return newPlugin("chainlint", analyzers(), settings)
}

func newSingle(a *analysis.Analyzer) register.NewPlugin {
	return func(settings any) (register.LinterPlugin, error) {
		return newPlugin(a.Name, []*analysis.Analyzer{a}, settings)
	}
}

func newPlugin(name string, as []*analysis.Analyzer, settings any) (*Plugin, error) {
	if err := configure(name, as, settings); err != nil {
		return nil, err
	}
	return &Plugin{analyzers: as}, nil
}

// BuildAnalyzers returns the linter's analyzers.
func (p *Plugin) BuildAnalyzers() ([]*analysis.Analyzer, error) {
	return p.analyzers, nil
}

// GetLoadMode asks for type information: the analyzers need it.
func (p *Plugin) GetLoadMode() string {
	return register.LoadModeTypesInfo
}

// applied records the value each flag was set to by a plugin, to catch two
// linters configuring one process-wide flag differently.
var applied = struct {
	sync.Mutex
	by map[*flag.Flag]setting
}{by: map[*flag.Flag]setting{}}

type setting struct {
	linter, key, value string
}

// configure validates settings for the linter name running as, then sets
// the flags. Nothing is set if any setting is wrong.
func configure(name string, as []*analysis.Analyzer, raw any) error {
	if raw == nil {
		return nil
	}
	// Normalize whatever the configuration loader produced (maps, lists,
	// numbers) to JSON's shapes, as register.DecodeSettings does.
	var top map[string]any
	if b, err := json.Marshal(raw); err != nil {
		return fmt.Errorf("%s: settings: %v", name, err)
	} else if err := json.Unmarshal(b, &top); err != nil {
		return fmt.Errorf("%s: settings must be a mapping of setting names to values", name)
	}
	type set struct {
		f     *flag.Flag
		key   string
		value string
	}
	var sets []set
	var known []string
	chains.Analyzer.Flags.VisitAll(func(f *flag.Flag) { known = append(known, f.Name) })
	for _, a := range as {
		a.Flags.VisitAll(func(f *flag.Flag) { known = append(known, a.Name+"."+f.Name) })
	}
	sort.Strings(known)
	unknown := func(key string) error {
		return fmt.Errorf("%s: unknown setting %q; known settings: %s", name, key, strings.Join(known, ", "))
	}
	lookup := func(fs *flag.FlagSet, flagName, key string, v any) error {
		f := fs.Lookup(flagName)
		if f == nil {
			return unknown(key)
		}
		s, err := flagValue(f, v)
		if err != nil {
			return fmt.Errorf("%s: setting %q: %v", name, key, err)
		}
		sets = append(sets, set{f, key, s})
		return nil
	}
	for _, key := range sortedKeys(top) {
		v := top[key]
		i := slices.IndexFunc(as, func(a *analysis.Analyzer) bool { return a.Name == key })
		if i < 0 {
			if err := lookup(&chains.Analyzer.Flags, key, key, v); err != nil {
				return err
			}
			continue
		}
		a := as[i]
		sec, ok := v.(map[string]any)
		if !ok {
			return fmt.Errorf("%s: setting %q must be a mapping of %s's flags, not %T", name, key, key, v)
		}
		for _, sub := range sortedKeys(sec) {
			if err := lookup(&a.Flags, sub, key+"."+sub, sec[sub]); err != nil {
				return err
			}
		}
	}
	applied.Lock()
	defer applied.Unlock()
	for _, s := range sets {
		if prev, ok := applied.by[s.f]; ok && prev.value != s.value {
			return fmt.Errorf("%s: setting %q is %q, but linter %s set it to %q: the analyzers' options are shared by the process; give both the same value",
				name, s.key, s.value, prev.linter, prev.value)
		}
	}
	for _, s := range sets {
		// Validate every value before setting any.
		if err := validate(s.f, s.value); err != nil {
			return fmt.Errorf("%s: setting %q: %v", name, s.key, err)
		}
	}
	for _, s := range sets {
		if err := s.f.Value.Set(s.value); err != nil {
			return fmt.Errorf("%s: setting %q: %v", name, s.key, err)
		}
		applied.by[s.f] = setting{name, s.key, s.value}
	}
	return nil
}

// validate checks that value is acceptable to f without changing f.
func validate(f *flag.Flag, value string) error {
	fs := flag.NewFlagSet("", flag.ContinueOnError)
	fs.SetOutput(new(strings.Builder))
	// A scratch flag of the same kind: a bool flag must parse as a bool.
	if bf, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && bf.IsBoolFlag() {
		fs.Bool("x", false, "")
	} else {
		return nil // string-valued flags take any text; their analyzers check it
	}
	return fs.Set("x", value)
}

// flagValue renders a YAML value as the text the flag takes.
func flagValue(f *flag.Flag, v any) (string, error) {
	switch v := v.(type) {
	case string:
		return v, nil
	case bool:
		return fmt.Sprint(v), nil
	case float64:
		return fmt.Sprint(v), nil
	case []any:
		parts := make([]string, len(v))
		for i, e := range v {
			s, ok := e.(string)
			if !ok {
				return "", fmt.Errorf("list items must be strings, not %T", e)
			}
			if strings.Contains(s, ",") {
				return "", fmt.Errorf("list item %q contains a comma; give one item per entry", s)
			}
			parts[i] = strings.TrimSpace(s)
		}
		return strings.Join(parts, ","), nil
	case nil:
		return f.DefValue, nil
	}
	return "", fmt.Errorf("unsupported value of type %T", v)
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
