package main

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/tools/go/packages"
)

// An edit replaces bytes [start, end) of a file with text.
type edit struct {
	start, end int
	text       string
}

func (e edit) insertion() bool { return e.start == e.end }

// conflicts reports whether two different edits to the same file cannot
// both be applied: their ranges overlap, one inserts strictly inside the
// other's range, or both insert different text at the same offset.
func conflicts(a, b edit) bool {
	if a == b {
		return false
	}
	switch {
	case a.insertion() && b.insertion():
		return a.start == b.start
	case a.insertion():
		return b.start < a.start && a.start < b.end
	case b.insertion():
		return a.start < b.start && b.start < a.end
	}
	return a.start < b.end && b.start < a.end
}

// fileInfo is what -fix knows about a file it was given by the loader.
type fileInfo struct {
	generated bool
	inMain    bool   // in a package of a main module, under that module's directory
	size      int    // size when parsed, to detect concurrent changes
	goMod     string // the go.mod file of its main module, if inMain
}

// fileInfos indexes every parsed file of pkgs and their dependencies.
func fileInfos(pkgs []*packages.Package) map[string]*fileInfo {
	infos := make(map[string]*fileInfo)
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		for _, f := range p.Syntax {
			tf := p.Fset.File(f.FileStart)
			if tf == nil {
				continue
			}
			name := tf.Name()
			info := infos[name]
			if info == nil {
				info = &fileInfo{size: tf.Size()}
				infos[name] = info
			}
			info.generated = info.generated || ast.IsGenerated(f)
			if p.Module != nil && p.Module.Main && within(p.Module.Dir, name) {
				info.inMain = true
				info.goMod = p.Module.GoMod
			}
		}
	})
	return infos
}

// within reports whether file lies under dir.
func within(dir, file string) bool {
	if dir == "" {
		return false
	}
	rel, err := filepath.Rel(dir, file)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// A fixRound is one round of -fix: apply what applies, then (unless
// dry) analyze again and apply what the new findings offer, until no fix
// applies or maxFixRounds have run.
type fixRound struct {
	progname string
	dry      bool      // -diff: print the changes instead of writing them
	n        int       // this round's number, from 1
	req      *requirer // go.mod requirements for the runtime's imports
}

// maxFixRounds bounds the rounds of one -fix run: fixes that overlap are
// applied in later rounds, and each round removes at least one finding.
const maxFixRounds = 5

// A change is the new content of a file.
type change struct {
	name     string
	old, new []byte
	create   bool // the file does not exist yet (a new go.sum)
}

// applyFixes applies the first suggested fix of each finding and returns
// the keys of the findings it fixed, and for those it did not fix (that
// offer one) why.
//
// A fix is skipped (and its finding stays) when it edits a generated file
// or a file outside the main module, when it conflicts with a fix
// accepted before it (a later round applies it), or when it imports the
// runtime into a module that cannot get the requirement. Identical fixes
// (from p and p [p.test]) count once. The files, and the go.mod and go.sum
// files of modules that get their first import of the runtime, are then
// either printed as a unified diff (dry) or written (changed counts them):
// all or nothing as far as the file system allows, each file through a
// temporary file renamed over it, and only after every file to be written
// has been checked to be a writable regular file.
func applyFixes(findings []*finding, infos map[string]*fileInfo, round *fixRound, e *env) (fixed map[findingKey]bool, changed int, notes []string, err error) {
	fixed = make(map[findingKey]bool)
	accepted := make(map[string][]edit) // by file name

	for _, f := range findings {
		// Each variant of the package offers its fix: all are applied,
		// or none (and the finding stays).
		var fixes []map[string][]edit
		var plans []*modulePlan
		why := ""
		for _, offer := range f.offers {
			byFile, reason := fileEdits(offer, infos)
			if reason == "" {
				var ps []*modulePlan
				ps, reason = round.req.check(byFile, infos)
				plans = append(plans, ps...)
			}
			if reason != "" {
				why = reason
				break
			}
			fixes = append(fixes, byFile)
		}
		if why == "" && len(fixes) == 0 {
			continue // no fix offered
		}
		if why == "" && anyConflict(accepted, fixes) {
			why = "it overlaps another fix"
			if round.dry {
				why += " (-diff shows one round of fixes; -fix applies this one in a later round)"
			}
		}
		if why != "" {
			notes = append(notes, fmt.Sprintf("%s: %s: fix not applied: %s", round.progname, f.posn, why))
			continue
		}
		for _, byFile := range fixes {
			for name, eds := range byFile {
				for _, b := range eds {
					if !slices.Contains(accepted[name], b) {
						accepted[name] = append(accepted[name], b)
					}
				}
			}
		}
		for _, p := range plans {
			p.used = true
		}
		fixed[f.key] = true
	}

	changes, err := newContents(accepted, infos)
	if err != nil {
		return nil, 0, nil, err
	}
	changes = append(changes, round.req.changes()...)

	if round.dry {
		for _, c := range changes {
			e.stdout.Write(unifiedDiff(displayName(e.dir, c.name), string(c.old), string(c.new)))
		}
		clear(round.req.modules)
		return fixed, len(changes), notes, nil
	}
	if err := writeChanges(changes, e); err != nil {
		return nil, 0, nil, err
	}
	round.req.written(e.stderr, round.progname, e.dir)
	return fixed, len(changes), notes, nil
}

// newContents computes the new contents of every file the accepted edits
// change, before touching any.
func newContents(accepted map[string][]edit, infos map[string]*fileInfo) ([]change, error) {
	var changes []change
	for _, name := range slices.Sorted(maps.Keys(accepted)) {
		old, err := os.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("no file changed: %v", err)
		}
		if len(old) != infos[name].size {
			return nil, fmt.Errorf("no file changed: %s changed while chainlint was running (size %d, now %d)", name, infos[name].size, len(old))
		}
		new, err := applyEdits(old, accepted[name])
		if err != nil {
			return nil, fmt.Errorf("no file changed: %s: %v", name, err)
		}
		if !bytes.Equal(old, new) {
			changes = append(changes, change{name: name, old: old, new: new})
		}
	}
	return changes, nil
}

// writeChanges writes every change, or (as far as the file system allows)
// none: it checks that every file can be written, writes each new content
// to a temporary file beside its target, then renames them into place.
func writeChanges(changes []change, e *env) error {
	var errs []error
	targets := make([]string, len(changes))
	modes := make([]fs.FileInfo, len(changes))
	for i, c := range changes {
		if c.create {
			if _, err := os.Lstat(c.name); err == nil {
				errs = append(errs, fmt.Errorf("%s appeared while chainlint was running", c.name))
			}
			targets[i], modes[i] = c.name, newFileMode{}
			continue
		}
		target, fi, err := writableTarget(c.name)
		if err == nil && c.old != nil {
			// (A go.mod or go.sum, read when it was planned.)
			if now, rerr := os.ReadFile(target); rerr != nil || !bytes.Equal(now, c.old) {
				err = fmt.Errorf("%s changed while chainlint was running", c.name)
			}
		}
		if err != nil {
			errs = append(errs, err)
		}
		targets[i], modes[i] = target, fi
	}
	if len(errs) > 0 {
		return fmt.Errorf("no file changed: %w", errors.Join(errs...))
	}

	temps := make([]string, len(changes))
	cleanup := func() {
		for _, t := range temps {
			if t != "" {
				os.Remove(t)
			}
		}
	}
	for i, c := range changes {
		tmp, err := writeTemp(targets[i], c.new, modes[i])
		if err != nil {
			cleanup()
			return fmt.Errorf("no file changed: %v", err)
		}
		temps[i] = tmp
	}
	// Rename them into place: each file is replaced atomically.
	for i := range changes {
		if err := os.Rename(temps[i], targets[i]); err != nil {
			cleanup()
			var done []string
			for _, t := range targets[:i] {
				done = append(done, displayName(e.dir, t))
			}
			return fmt.Errorf("%v; updated before the failure: %s; the others are unchanged", err, strings.Join(done, ", "))
		}
		temps[i] = ""
	}
	return nil
}

// newFileMode is the fs.FileInfo of a file to be created: mode 0644,
// owned by whoever runs chainlint.
type newFileMode struct{ fs.FileInfo }

func (newFileMode) Mode() fs.FileMode { return 0o644 }
func (newFileMode) Sys() any          { return nil }

// fileEdits groups the edits of a fix offer by file name, or returns why
// they must not be applied.
func fileEdits(offer fixOffer, infos map[string]*fileInfo) (map[string][]edit, string) {
	if offer.bad != "" {
		return nil, offer.bad
	}
	byFile := make(map[string][]edit)
	for _, fe := range offer.edits {
		name := fe.file
		switch info := infos[name]; {
		case info == nil:
			return nil, fmt.Sprintf("it edits %s, which is not a parsed Go file of the packages", name)
		case info.generated:
			return nil, fmt.Sprintf("it edits the generated file %s", name)
		case !info.inMain:
			return nil, fmt.Sprintf("it edits %s, which is outside the main module", name)
		}
		byFile[name] = append(byFile[name], fe.edit)
	}
	return byFile, ""
}

// anyConflict reports whether an edit of fixes conflicts with an accepted
// edit or with an edit of another of fixes (identical edits agree).
func anyConflict(accepted map[string][]edit, fixes []map[string][]edit) bool {
	for i, byFile := range fixes {
		for name, eds := range byFile {
			others := slices.Clone(accepted[name])
			for _, other := range fixes[:i] {
				others = append(others, other[name]...)
			}
			for _, a := range others {
				for _, b := range eds {
					if conflicts(a, b) {
						return true
					}
				}
			}
		}
	}
	return false
}

// applyEdits applies non-conflicting edits to src. It keeps a file that
// was gofmt-clean gofmt-clean (without reformatting files that were not)
// and refuses a result that no longer parses.
func applyEdits(src []byte, eds []edit) ([]byte, error) {
	eds = slices.Clone(eds)
	// Insertions before replacements at the same offset; insertions at
	// the same offset keep their order (they are identical, or were
	// rejected as conflicts).
	slices.SortStableFunc(eds, func(x, y edit) int { return cmp.Or(cmp.Compare(x.start, y.start), cmp.Compare(x.end, y.end)) })
	var out bytes.Buffer
	last := 0
	for _, e := range eds {
		if e.start < last || e.end > len(src) || e.start > e.end {
			return nil, fmt.Errorf("invalid edit [%d, %d) (after offset %d, file size %d)", e.start, e.end, last, len(src))
		}
		out.Write(src[last:e.start])
		out.WriteString(e.text)
		last = e.end
	}
	out.Write(src[last:])
	result := out.Bytes()

	if _, err := parser.ParseFile(token.NewFileSet(), "", result, parser.ParseComments|parser.SkipObjectResolution); err != nil {
		return nil, fmt.Errorf("the fixes would leave code that does not parse (%v); please report this as a chainlint bug", err)
	}
	if formatted, err := format.Source(src); err == nil && bytes.Equal(formatted, src) {
		if formatted, err := format.Source(result); err == nil {
			result = formatted
		}
	}
	return result, nil
}

// writableTarget resolves symbolic links and checks that the file is a
// regular file its owner may write (a file made read-only with chmod -w
// counts as read-only even for root), and that the process can open it
// for writing.
func writableTarget(name string) (string, fs.FileInfo, error) {
	target, err := filepath.EvalSymlinks(name)
	if err != nil {
		return "", nil, err
	}
	fi, err := os.Stat(target)
	if err != nil {
		return "", nil, err
	}
	if !fi.Mode().IsRegular() {
		return "", nil, fmt.Errorf("%s is not a regular file", name)
	}
	if fi.Mode().Perm()&0o200 == 0 {
		return "", nil, fmt.Errorf("%s is read-only", name)
	}
	f, err := os.OpenFile(target, os.O_WRONLY, 0)
	if err != nil {
		return "", nil, fmt.Errorf("cannot write %s: %v", name, err)
	}
	f.Close()
	return target, fi, nil
}

// writeTemp writes content to a new temporary file in target's directory,
// with target's permissions (and, where possible, owner), synced to disk.
func writeTemp(target string, content []byte, fi fs.FileInfo) (string, error) {
	dir, base := filepath.Split(target)
	f, err := os.CreateTemp(dir, "."+base+".chainlint-*")
	if err != nil {
		return "", err
	}
	tmp := f.Name()
	fail := func(err error) (string, error) {
		f.Close()
		os.Remove(tmp)
		return "", err
	}
	if _, err := f.Write(content); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Chmod(fi.Mode().Perm()); err != nil {
		return fail(err)
	}
	keepOwner(f, fi)
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return "", err
	}
	return tmp, nil
}

// displayName returns name relative to dir (or the current directory)
// when it lies below it.
func displayName(dir, name string) string {
	if dir == "" {
		dir, _ = os.Getwd()
	}
	if within(dir, name) {
		if rel, err := filepath.Rel(dir, name); err == nil {
			return filepath.ToSlash(rel)
		}
	}
	return name
}
