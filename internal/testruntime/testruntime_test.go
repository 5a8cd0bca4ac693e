package testruntime

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTree checks that the copy holds the tree's files, goldens included,
// and the runtime's non-test sources at its import path.
func TestTree(t *testing.T) {
	src := t.TempDir()
	for name, text := range map[string]string{
		"src/a/a.go":        "package a\n",
		"src/a/a.go.golden": "package a // fixed\n",
	} {
		p := filepath.Join(src, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dir := Tree(t, src)
	for _, name := range []string{"src/a/a.go", "src/a/a.go.golden"} {
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(name))); err != nil {
			t.Errorf("not copied: %v", err)
		}
	}
	rt := filepath.Join(dir, "src", filepath.FromSlash(importPath))
	entries, err := os.ReadDir(rt)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
		if strings.HasSuffix(e.Name(), "_test.go") || !strings.HasSuffix(e.Name(), ".go") {
			t.Errorf("the runtime copy holds %s", e.Name())
		}
	}
	if !strings.Contains(strings.Join(names, " "), "hold.go") {
		t.Errorf("the runtime copy lacks hold.go: %v", names)
	}
}
