// Package testruntime gives the analyzers' tests (and other tests that run
// them on their testdata) one source of truth for the runtime package:
// instead of a stub of chain_runtime kept in each analysistest tree (the
// copies drifted whenever the runtime's API grew), a test runs on a
// temporary copy of its testdata tree into which the real runtime sources
// are put at the import path the fixes write.
//
// Only tests import this package.
package testruntime

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"
)

// importPath is the runtime's import path (chains.RuntimePath and
// fixes.RuntimePath; not imported here so that any package may use this
// one in its tests).
const importPath = "github.com/chainlint/chainlint/chain_runtime"

// TestData is analysistest.TestData with the real runtime: a copy of the
// calling test's testdata directory holding the runtime's sources at
// src/<importPath>. Goldens are copied too, so RunWithSuggestedFixes
// works on the returned directory.
func TestData(t testing.TB) string {
	t.Helper()
	return Tree(t, analysistest.TestData())
}

// Tree copies the analysistest tree (a GOPATH directory) at src into a
// temporary directory, adds the runtime's sources to it, and returns the
// copy's root. The tree at src must not hold a runtime of its own.
func Tree(t testing.TB, src string) string {
	t.Helper()
	if _, err := os.Stat(filepath.Join(src, "src", filepath.FromSlash(importPath))); err == nil {
		t.Fatalf("%s holds a copy of the runtime package; remove it (testruntime adds the real one)", src)
	}
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(src)); err != nil {
		t.Fatalf("copying the testdata tree: %v", err)
	}
	runtime, err := runtimeDir()
	if err != nil {
		t.Fatal(err)
	}
	if err := copyRuntime(runtime, filepath.Join(dir, "src", filepath.FromSlash(importPath))); err != nil {
		t.Fatalf("copying the runtime: %v", err)
	}
	return dir
}

// runtimeDir finds the runtime module's directory: chain_runtime in the
// closest directory above the test's working directory that has one.
func runtimeDir() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; {
		rt := filepath.Join(d, "chain_runtime")
		if _, err := os.Stat(filepath.Join(rt, "go.mod")); err == nil {
			return rt, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", fmt.Errorf("no chain_runtime/go.mod in %s or a directory above it", wd)
		}
		d = parent
	}
}

// copyRuntime copies the runtime package's non-test Go files from src to
// dst (its tests, benchmarks and go.mod are no part of what the analyzers
// see of it).
func copyRuntime(src, dst string) error {
	files, err := filepath.Glob(filepath.Join(src, "*.go"))
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dst, filepath.Base(f)), data, 0o644); err != nil {
			return err
		}
		n++
	}
	if n == 0 {
		return fmt.Errorf("no Go file in %s", src)
	}
	return nil
}
