package main

// The requirement goes in with the import: when -fix adds the first import
// of the runtime to a module that does not require it, it also adds the
// requirement to the module's go.mod (and its go.sum), as go get would,
// in the same all-or-nothing write as the fixed files. A fix that would
// leave a module that cannot build (no version of the runtime known, or a
// go line older than the runtime's) is not applied, and chainlint says
// what to run.
//
// The version required is, in order: -runtime=VERSION; with -runtime=DIR
// (a local copy of the runtime module), the zero pseudo-version and a
// replace directive to DIR; a replace of the runtime the module already
// has; the runtime version this chainlint was built with
// (fixes.RuntimeVersion). The replace path is relative to the module
// when DIR and the module lie in the same repository (so the go.mod
// stays right in every clone), else absolute.

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"go/version"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"

	"github.com/chainlint/chainlint/fixes"
)

// A requirer plans the go.mod changes of one chainlint -fix run.
type requirer struct {
	flag    string // -runtime: a directory, a version, or "" for this build's
	rerun   string // the command line to run again with -runtime=DIR
	dir     string // directory to run the go command in ("" for the current one)
	source  *runtimeSource
	modules map[string]*modulePlan // by go.mod file name
}

// A runtimeSource is where the runtime comes from.
type runtimeSource struct {
	version, replace string // replace is an absolute directory, or ""
	goLine           string // the runtime module's go line
	sum, goModSum    string // go.sum hashes of version (none for a replace)
	err              string // why no source is known
}

// A modulePlan is the change of one module's go.mod and go.sum.
type modulePlan struct {
	gomod      string
	why        string // why no fix may import the runtime in this module
	needed     bool   // the module lacks the requirement
	used       bool   // an applied fix imports the runtime in this module
	added      string // what was added, for the message
	oldMod     []byte
	newMod     []byte
	oldSum     []byte
	newSum     []byte
	sumMissing bool // go.sum does not exist yet
}

func newRequirer(flag, rerun, dir string) *requirer {
	return &requirer{flag: flag, rerun: rerun, dir: dir, modules: make(map[string]*modulePlan)}
}

// addsRuntimeImport reports whether an edit adds an import of the runtime.
func addsRuntimeImport(ed edit) bool {
	return strings.Contains(ed.text, strconv.Quote(fixes.RuntimePath))
}

// check returns why the fix (edits by file) must not be applied, because
// it imports the runtime in a module that cannot get the requirement, and
// otherwise the plans of the modules it needs to change.
func (r *requirer) check(byFile map[string][]edit, infos map[string]*fileInfo) (plans []*modulePlan, why string) {
	for name, eds := range byFile {
		if !slices.ContainsFunc(eds, addsRuntimeImport) {
			continue
		}
		gomod := ""
		if info := infos[name]; info != nil {
			gomod = info.goMod
		}
		if gomod == "" {
			continue // GOPATH mode: nothing to require
		}
		p := r.plan(gomod)
		if p.why != "" {
			return nil, p.why
		}
		if p.needed && !slices.Contains(plans, p) {
			plans = append(plans, p)
		}
	}
	return plans, ""
}

// plan returns the (cached) plan of the module whose go.mod is gomod.
func (r *requirer) plan(gomod string) *modulePlan {
	if p := r.modules[gomod]; p != nil {
		return p
	}
	p := &modulePlan{gomod: gomod}
	r.modules[gomod] = p
	if err := r.makePlan(p); err != nil {
		p.why = err.Error()
	}
	return p
}

func (r *requirer) makePlan(p *modulePlan) error {
	data, err := os.ReadFile(p.gomod)
	if err != nil {
		return err
	}
	f, err := modfile.Parse(p.gomod, data, nil)
	if err != nil {
		return err
	}
	if f.Module != nil && f.Module.Mod.Path == fixes.RuntimePath {
		return nil // the runtime itself
	}
	for _, req := range f.Require {
		if req.Mod.Path == fixes.RuntimePath {
			return nil // required already (any version: go get would keep it)
		}
	}
	p.needed = true
	src := r.sourceFor(f)
	if src.err != "" {
		return fmt.Errorf("%s", src.err)
	}
	if err := r.canRequire(f, src); err != nil {
		return err
	}
	if err := p.require(f, src); err != nil {
		return err
	}
	p.oldMod = data
	if src.sum != "" {
		return p.addSums(src)
	}
	return nil
}

// canRequire returns why the module f cannot get the requirement of src
// from chainlint: its go line is older than the runtime's, or it vendors
// its dependencies.
func (r *requirer) canRequire(f *modfile.File, src *runtimeSource) error {
	modDir := filepath.Dir(f.Syntax.Name)
	goLine := "1.16" // the go command's assumption for a go.mod without one
	if f.Go != nil {
		goLine = f.Go.Version
	}
	if version.Compare("go"+goLine, "go"+src.goLine) < 0 {
		where := "in " + displayName(r.dir, modDir)
		if where == "in ." {
			where = "here"
		}
		return fmt.Errorf("the fix imports %s, which needs go %s, and the go line of %s is %s: run `go get go@%s` %s (it raises the go line), then %s -fix again",
			fixes.RuntimePath, src.goLine, displayName(r.dir, f.Syntax.Name), goLine, fullGoVersion(src.goLine), where, progName(r.rerun))
	}
	if _, err := os.Stat(filepath.Join(modDir, "vendor", "modules.txt")); err == nil {
		// The go command builds from vendor/, which would lack the
		// runtime: the user vendors it (chainlint does not write vendor/).
		require := "go get " + fixes.RuntimePath + "@" + src.version
		if src.replace != "" {
			require = "go mod edit -require=" + fixes.RuntimePath + "@" + src.version + " -replace=" + fixes.RuntimePath + "=" + replacePath(modDir, src.replace)
		}
		return fmt.Errorf("the fix imports %s and %s vendors its dependencies: run `%s` and `go mod vendor` there, then %s -fix again",
			fixes.RuntimePath, displayName(r.dir, modDir), require, progName(r.rerun))
	}
	return nil
}

// require adds the requirement of src to f, direct requirements apart
// from indirect ones as the go command keeps them, and a replace
// directive for a local copy; p.newMod is the result.
func (p *modulePlan) require(f *modfile.File, src *runtimeSource) error {
	var reqs []*modfile.Require
	for _, req := range f.Require {
		reqs = append(reqs, &modfile.Require{Mod: req.Mod, Indirect: req.Indirect})
	}
	f.SetRequireSeparateIndirect(append(reqs, &modfile.Require{Mod: module.Version{Path: fixes.RuntimePath, Version: src.version}}))
	p.added = "require " + fixes.RuntimePath + " " + src.version
	if src.replace != "" {
		target := replacePath(filepath.Dir(f.Syntax.Name), src.replace)
		if err := f.AddReplace(fixes.RuntimePath, "", target, ""); err != nil {
			return err
		}
		p.added += ", replace => " + target
	}
	f.Cleanup()
	p.newMod = modfile.Format(f.Syntax)
	return nil
}

// addSums plans the go.sum lines of src's version (creating go.sum if
// needed).
func (p *modulePlan) addSums(src *runtimeSource) error {
	sumFile := filepath.Join(filepath.Dir(p.gomod), "go.sum")
	old, err := os.ReadFile(sumFile)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	p.sumMissing = os.IsNotExist(err)
	p.oldSum = old
	p.newSum = addSums(old, fixes.RuntimePath+" "+src.version+" "+src.sum, fixes.RuntimePath+" "+src.version+"/go.mod "+src.goModSum)
	return nil
}

// sourceFor returns where the runtime comes from for the module f: the
// -runtime flag or this build's version (resolved once per run), unless f
// already replaces the runtime by a directory and no -runtime was given.
func (r *requirer) sourceFor(f *modfile.File) *runtimeSource {
	if r.flag == "" {
		for _, rep := range f.Replace {
			if rep.Old.Path == fixes.RuntimePath && rep.New.Version == "" {
				// Keep the module's own replace: require what it replaces.
				dir := rep.New.Path
				if !filepath.IsAbs(dir) {
					dir = filepath.Join(filepath.Dir(f.Syntax.Name), dir)
				}
				src := localRuntime(dir)
				src.replace = "" // already there
				if rep.Old.Version != "" {
					src.version = rep.Old.Version
				}
				return src
			}
		}
	}
	if r.source == nil {
		r.source = r.resolve()
	}
	return r.source
}

// resolve finds the runtime named by -runtime, or this build's version.
func (r *requirer) resolve() *runtimeSource {
	v := r.flag
	if v != "" && (strings.ContainsAny(v, `/\`) || strings.HasPrefix(v, ".") || isDir(v)) {
		dir, err := filepath.Abs(v)
		if err != nil {
			return &runtimeSource{err: err.Error()}
		}
		return localRuntime(dir)
	}
	if v == "" {
		v = fixes.RuntimeVersion()
	}
	if v == "" {
		dir := fixes.DevelopmentRuntimeDir()
		if dir == "" {
			dir = "PATH/TO/chain_runtime"
		}
		return &runtimeSource{err: fmt.Sprintf("the fix imports %s and this chainlint is a development build, which knows no published version of it to require: run `%s` (a local copy of the runtime module; or -runtime=VERSION for a published one)",
			fixes.RuntimePath, withRuntimeFlag(r.rerun, dir))}
	}
	return r.download(v)
}

// download runs go mod download for the runtime at version v (a version
// or any query go get accepts), which fetches it through GOPROXY and
// checks it against GOSUMDB as go get would.
func (r *requirer) download(v string) *runtimeSource {
	cmd := exec.Command("go", "mod", "download", "-json", fixes.RuntimePath+"@"+v)
	cmd.Dir = r.dir
	cmd.Env = append(os.Environ(), "GOWORK=off")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, runErr := cmd.Output()
	var info struct {
		Version, GoMod, Sum, GoModSum, Error string
	}
	if err := json.Unmarshal(out, &info); err != nil || runErr != nil || info.Error != "" {
		detail := strings.TrimSpace(cmp.Or(info.Error, stderr.String(), fmt.Sprint(runErr)))
		return &runtimeSource{err: fmt.Sprintf("the fix imports %s and go mod download of %s@%s failed (%s): run `%s` with a local copy of the runtime module, or name a version that can be downloaded with -runtime=VERSION",
			fixes.RuntimePath, fixes.RuntimePath, v, detail, withRuntimeFlag(r.rerun, "PATH/TO/chain_runtime"))}
	}
	data, err := os.ReadFile(info.GoMod)
	if err != nil {
		return &runtimeSource{err: err.Error()}
	}
	return &runtimeSource{version: info.Version, sum: info.Sum, goModSum: info.GoModSum, goLine: goLineOf(data)}
}

// localRuntime describes the runtime module in dir.
func localRuntime(dir string) *runtimeSource {
	data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return &runtimeSource{err: fmt.Sprintf("-runtime=%s: not a copy of the runtime module: %v", dir, err)}
	}
	if path := modfile.ModulePath(data); path != fixes.RuntimePath {
		return &runtimeSource{err: fmt.Sprintf("-runtime=%s: not a copy of the runtime module: its go.mod declares module %q, not %s", dir, path, fixes.RuntimePath)}
	}
	return &runtimeSource{version: fixes.ZeroVersion, replace: dir, goLine: goLineOf(data)}
}

func goLineOf(gomod []byte) string {
	f, err := modfile.ParseLax("go.mod", gomod, nil)
	if err != nil || f.Go == nil {
		return "1.16"
	}
	return f.Go.Version
}

// fullGoVersion turns a language version ("1.23") into a release
// ("1.23.0"), which go get go@... finds without asking the network.
func fullGoVersion(v string) string {
	if strings.Count(v, ".") == 1 {
		return v + ".0"
	}
	return v
}

// replacePath is the replace target for the runtime in dir, as written in
// the go.mod of the module in modDir: relative ("../chain_runtime") when
// both lie in the same repository, else absolute.
func replacePath(modDir, dir string) string {
	root := repoRoot(modDir)
	if root == "" || !within(root, dir) && root != dir {
		return filepath.ToSlash(dir)
	}
	rel, err := filepath.Rel(modDir, dir)
	if err != nil {
		return filepath.ToSlash(dir)
	}
	rel = filepath.ToSlash(rel)
	if !strings.HasPrefix(rel, "../") {
		rel = "./" + rel
	}
	return rel
}

// repoRoot returns the nearest directory at or above dir that holds a
// version-control directory (.git, .hg, .svn, .jj), or "".
func repoRoot(dir string) string {
	for {
		for _, vcs := range []string{".git", ".hg", ".svn", ".jj"} {
			if _, err := os.Stat(filepath.Join(dir, vcs)); err == nil {
				return dir
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// addSums adds lines to a go.sum, each before the first line of a later
// module path, keeping the rest of the file as it is.
func addSums(sum []byte, lines ...string) []byte {
	existing := strings.Split(strings.TrimSuffix(string(sum), "\n"), "\n")
	if len(sum) == 0 {
		existing = nil
	}
	for _, l := range lines {
		if slices.Contains(existing, l) {
			continue
		}
		i := slices.IndexFunc(existing, func(e string) bool { return e > l })
		if i < 0 {
			i = len(existing)
		}
		existing = slices.Insert(existing, i, l)
	}
	return []byte(strings.Join(existing, "\n") + "\n")
}

// changes returns the go.mod and go.sum contents of the plans that applied
// fixes use.
func (r *requirer) changes() []change {
	var out []change
	for _, gomod := range slices.Sorted(maps.Keys(r.modules)) {
		p := r.modules[gomod]
		if !p.used || !p.needed {
			continue
		}
		out = append(out, change{name: p.gomod, old: p.oldMod, new: p.newMod})
		if p.newSum != nil {
			out = append(out, change{name: filepath.Join(filepath.Dir(p.gomod), "go.sum"), old: p.oldSum, new: p.newSum, create: p.sumMissing})
		}
	}
	return out
}

// withRuntimeFlag returns the command line rerun with -runtime=dir.
func withRuntimeFlag(rerun, dir string) string {
	prog, args, _ := strings.Cut(rerun, " ")
	return strings.TrimSpace(prog + " -runtime=" + dir + " " + args)
}

func progName(rerun string) string {
	prog, _, _ := strings.Cut(rerun, " ")
	return prog
}

func isDir(name string) bool {
	fi, err := os.Stat(name)
	return err == nil && fi.IsDir()
}

// written says what requirements this round added and forgets the plans,
// since the go.mod files they were made from have changed.
func (r *requirer) written(w io.Writer, progname, dir string) {
	for _, gomod := range slices.Sorted(maps.Keys(r.modules)) {
		if p := r.modules[gomod]; p.used && p.needed {
			fmt.Fprintf(w, "%s: -fix: %s: added %s (for the fixes that import it)\n", progname, displayName(dir, p.gomod), p.added)
		}
	}
	clear(r.modules)
}
