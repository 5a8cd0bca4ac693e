package main

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// validateSARIF checks data against the parts of the SARIF 2.1.0 schema
// that chainlint writes, and against what GitHub code scanning requires
// (https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning):
// required properties present with the right JSON types, rule ids
// unique, every result's ruleId (and ruleIndex) naming a rule, relative
// artifact URIs resolved against a declared uriBaseId. It returns the
// results for further checks.
func validateSARIF(t *testing.T, data []byte) []map[string]any {
	t.Helper()
	var log map[string]any
	if err := json.Unmarshal(data, &log); err != nil {
		t.Fatalf("SARIF output is not JSON: %v\n%s", err, data)
	}
	str := func(m map[string]any, key, where string) string {
		t.Helper()
		s, ok := m[key].(string)
		if !ok || s == "" {
			t.Errorf("%s.%s: want a non-empty string, got %#v", where, key, m[key])
		}
		return s
	}
	obj := func(v any, where string) map[string]any {
		t.Helper()
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("%s: want an object, got %#v", where, v)
		}
		return m
	}
	arr := func(v any, where string) []any {
		t.Helper()
		a, ok := v.([]any)
		if !ok {
			t.Fatalf("%s: want an array, got %#v", where, v)
		}
		return a
	}
	posInt := func(m map[string]any, key, where string, required bool) {
		t.Helper()
		v, ok := m[key]
		if !ok {
			if required {
				t.Errorf("%s.%s: missing", where, key)
			}
			return
		}
		if f, ok := v.(float64); !ok || f < 1 || f != float64(int(f)) {
			t.Errorf("%s.%s: want an integer >= 1, got %#v", where, key, v)
		}
	}

	if v := str(log, "version", "log"); v != "2.1.0" {
		t.Errorf("version %q, want 2.1.0", v)
	}
	str(log, "$schema", "log")
	runs := arr(log["runs"], "runs")
	if len(runs) != 1 {
		t.Fatalf("want one run, got %d", len(runs))
	}
	run := obj(runs[0], "runs[0]")
	driver := obj(obj(run["tool"], "tool")["driver"], "tool.driver")
	if name := str(driver, "name", "driver"); name != "chainlint" {
		t.Errorf("tool.driver.name = %q", name)
	}
	bases := map[string]bool{}
	if b, ok := run["originalUriBaseIds"]; ok {
		for id, loc := range obj(b, "originalUriBaseIds") {
			u := str(obj(loc, "originalUriBaseIds."+id), "uri", "originalUriBaseIds."+id)
			if pu, err := url.Parse(u); err != nil || pu.Scheme != "file" || !strings.HasSuffix(u, "/") {
				t.Errorf("originalUriBaseIds.%s.uri = %q: want an absolute file: URI ending in /", id, u)
			}
			bases[id] = true
		}
	}
	if inv, ok := run["invocations"]; ok {
		for _, i := range arr(inv, "invocations") {
			invocation := obj(i, "invocation")
			if _, ok := invocation["executionSuccessful"].(bool); !ok {
				t.Errorf("invocation.executionSuccessful: want a boolean, got %#v", invocation["executionSuccessful"])
			}
			if n, ok := invocation["toolExecutionNotifications"]; ok {
				for _, x := range arr(n, "toolExecutionNotifications") {
					str(obj(obj(x, "notification")["message"], "notification.message"), "text", "notification.message")
				}
			}
		}
	}
	var ruleIDs []string
	for i, r := range arr(driver["rules"], "rules") {
		rule := obj(r, "rule")
		id := str(rule, "id", "rules[i]")
		if slices.Contains(ruleIDs, id) {
			t.Errorf("rule id %q twice", id)
		}
		ruleIDs = append(ruleIDs, id)
		for _, key := range []string{"shortDescription", "fullDescription", "help"} {
			str(obj(rule[key], "rules."+key), "text", "rules["+id+"]."+key)
		}
		_ = i
	}
	checkLocation := func(v any, where string) {
		t.Helper()
		loc := obj(v, where)
		phys := obj(loc["physicalLocation"], where+".physicalLocation")
		art := obj(phys["artifactLocation"], where+".artifactLocation")
		uri := str(art, "uri", where+".artifactLocation")
		u, err := url.Parse(uri)
		if err != nil {
			t.Errorf("%s: uri %q: %v", where, uri, err)
		}
		if base, ok := art["uriBaseId"].(string); ok {
			if !bases[base] {
				t.Errorf("%s: uriBaseId %q is not declared in originalUriBaseIds", where, base)
			}
			if u != nil && (u.IsAbs() || strings.HasPrefix(uri, "/")) {
				t.Errorf("%s: uri %q with a uriBaseId must be relative", where, uri)
			}
		} else if u != nil && u.Scheme != "file" {
			t.Errorf("%s: uri %q without a uriBaseId must be an absolute file: URI", where, uri)
		}
		region := obj(phys["region"], where+".region")
		posInt(region, "startLine", where+".region", true)
		posInt(region, "startColumn", where+".region", false)
		posInt(region, "endLine", where+".region", false)
		posInt(region, "endColumn", where+".region", false)
	}
	var results []map[string]any
	for i, r := range arr(run["results"], "results") {
		res := obj(r, "result")
		where := "results[" + string(rune('0'+i%10)) + "]"
		id := str(res, "ruleId", where)
		idx := slices.Index(ruleIDs, id)
		if idx < 0 {
			t.Errorf("%s: ruleId %q names no rule", where, id)
		}
		if ri, ok := res["ruleIndex"].(float64); ok && int(ri) != idx {
			t.Errorf("%s: ruleIndex %v, but rule %q is at %d", where, ri, id, idx)
		}
		if lvl := str(res, "level", where); !slices.Contains([]string{"none", "note", "warning", "error"}, lvl) {
			t.Errorf("%s: level %q", where, lvl)
		}
		str(obj(res["message"], where+".message"), "text", where+".message")
		locs := arr(res["locations"], where+".locations")
		if len(locs) == 0 {
			t.Errorf("%s: no location", where)
		}
		for _, l := range locs {
			checkLocation(l, where+".locations")
		}
		if rel, ok := res["relatedLocations"]; ok {
			for _, l := range arr(rel, where+".relatedLocations") {
				checkLocation(l, where+".relatedLocations")
				str(obj(obj(l, "related")["message"], "related.message"), "text", where+".relatedLocations.message")
			}
		}
		results = append(results, res)
	}
	return results
}

func TestSARIF(t *testing.T) {
	root := t.TempDir()
	// A git work tree whose module lies in a subdirectory: URIs are
	// relative to the work tree's root.
	if err := os.Mkdir(filepath.Join(root, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{"a/u.go": "package a\n\n/* é */ func old() {}\n\nfunc U() { old() }\n"}
	for k, v := range oldModule {
		if k != "a/a.go" && k != "a/b.go" && k != "a/a_test.go" {
			files[k] = v
		}
	}
	dir := filepath.Join(root, "svc")
	writeTree(t, dir, files)
	r := runIn(t, dir, "-sarif", "./...")
	if r.code != exitOK {
		t.Fatalf("-sarif: exit %d:\n%s", r.code, r.stderr)
	}
	results := validateSARIF(t, []byte(r.stdout))
	if len(results) != 1 {
		t.Fatalf("want 1 result, got %d:\n%s", len(results), r.stdout)
	}
	res, _ := json.Marshal(results[0])
	for _, want := range []string{
		`"ruleId":"renamer"`,
		`"message":{"text":"function old should be named renamed"}`,
		// "/* é */ func " is 14 bytes but 13 UTF-16 code units.
		`"artifactLocation":{"uri":"svc/a/u.go","uriBaseId":"%SRCROOT%"},"region":{"endColumn":17,"endLine":3,"startColumn":14,"startLine":3}`,
		`"message":{"text":"old is used here"}`,
	} {
		if !strings.Contains(string(res), want) {
			t.Errorf("SARIF result lacks %s:\n%s", want, res)
		}
	}
	if !strings.Contains(r.stdout, `"fullDescription": {`) || !strings.Contains(r.stdout, "The fix renames them, and their uses, to renamed.") {
		t.Errorf("SARIF rule lacks the analyzer's documentation:\n%s", r.stdout)
	}

	if !strings.Contains(r.stdout, `"executionSuccessful": true`) {
		t.Errorf("a clean run is not marked executionSuccessful:\n%s", r.stdout)
	}

	// A package that does not type-check: exit 1, and the run says it
	// failed, so that code scanning does not close the missing alerts.
	writeTree(t, dir, map[string]string{"b/b.go": "package b\n\nvar X int = \"s\"\n"})
	r = runIn(t, dir, "-sarif", "./...")
	validateSARIF(t, []byte(r.stdout))
	if r.code != exitError || !strings.Contains(r.stdout, `"executionSuccessful": false`) || !strings.Contains(r.stdout, `b.go:3:13: cannot use`) {
		t.Errorf("-sarif with a type error: exit %d, want 1 and a failed invocation with the error:\n%s", r.code, r.stdout)
	}
}
