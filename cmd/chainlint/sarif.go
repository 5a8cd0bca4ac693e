package main

import (
	"encoding/json"
	"go/token"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/tools/go/analysis"
)

// The subset of SARIF 2.1.0 (OASIS) that chainlint writes; the property
// names are the standard's, and GitHub code scanning's requirements
// (rule ids, message text, artifact URIs relative to %SRCROOT%, regions)
// are met.
type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool               sarifTool                   `json:"tool"`
	OriginalURIBaseIDs map[string]sarifArtifactLoc `json:"originalUriBaseIds,omitempty"`
	Results            []sarifResult               `json:"results"`
	ColumnKind         string                      `json:"columnKind"`
	Invocations        []sarifInvocation           `json:"invocations"`
}

// A sarifInvocation says whether the run succeeded: a run over packages
// that did not load has incomplete results, and code-scanning services
// must not read the missing ones as fixed.
type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level   string    `json:"level"`
	Message sarifText `json:"message"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string          `json:"id"`
	Name                 string          `json:"name"`
	ShortDescription     sarifText       `json:"shortDescription"`
	FullDescription      sarifText       `json:"fullDescription"`
	Help                 sarifHelp       `json:"help"`
	DefaultConfiguration sarifRuleConfig `json:"defaultConfiguration"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifHelp struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown"`
}

type sarifRuleConfig struct {
	Level string `json:"level"`
}

type sarifResult struct {
	RuleID           string          `json:"ruleId"`
	RuleIndex        int             `json:"ruleIndex"`
	Level            string          `json:"level"`
	Message          sarifText       `json:"message"`
	Locations        []sarifLocation `json:"locations"`
	RelatedLocations []sarifLocation `json:"relatedLocations,omitempty"`
}

type sarifLocation struct {
	ID               *int          `json:"id,omitempty"`
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
	Message          *sarifText    `json:"message,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifactLoc `json:"artifactLocation"`
	Region           sarifRegion      `json:"region"`
}

type sarifArtifactLoc struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
	EndLine     int `json:"endLine,omitempty"`
	EndColumn   int `json:"endColumn,omitempty"`
}

const srcRoot = "%SRCROOT%"

// writeSARIF writes findings as a SARIF 2.1.0 log with one run, and the
// errors as notifications of a failed invocation. Artifact URIs are
// relative to the source root: the enclosing git work tree of dir (or of
// the current directory), else dir itself.
func writeSARIF(w io.Writer, dir string, findings []*finding, analyzers []*analysis.Analyzer, errors []string) error {
	root := sourceRoot(dir)
	rules, index := sarifRules(analyzers, findings)
	cols := newColumnMapper()
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name:           "chainlint",
			Version:        readBuildVersion().String(),
			InformationURI: "https://github.com/chainlint/chainlint",
			Rules:          rules,
		}},
		OriginalURIBaseIDs: map[string]sarifArtifactLoc{
			srcRoot: {URI: (&url.URL{Scheme: "file", Path: filepath.ToSlash(root) + "/"}).String()},
		},
		Results:     []sarifResult{},
		ColumnKind:  "utf16CodeUnits",
		Invocations: []sarifInvocation{{ExecutionSuccessful: len(errors) == 0}},
	}
	for _, msg := range errors {
		run.Invocations[0].ToolExecutionNotifications = append(run.Invocations[0].ToolExecutionNotifications,
			sarifNotification{Level: "error", Message: sarifText{msg}})
	}
	for _, f := range findings {
		res := sarifResult{
			RuleID:    f.analyzer,
			RuleIndex: index[f.analyzer],
			Level:     "error",
			Message:   sarifText{f.message},
			Locations: []sarifLocation{{PhysicalLocation: cols.physical(root, f.posn, f.end)}},
		}
		for i, rel := range f.related {
			id := i + 1
			res.RelatedLocations = append(res.RelatedLocations, sarifLocation{
				ID:               &id,
				PhysicalLocation: cols.physical(root, rel.posn, rel.end),
				Message:          &sarifText{rel.message},
			})
		}
		run.Results = append(run.Results, res)
	}
	log := sarifLog{
		Schema:  "https://json.schemastore.org/sarif-2.1.0.json",
		Version: "2.1.0",
		Runs:    []sarifRun{run},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(log)
}

// sarifRules describes every analyzer that ran, plus any other analyzer
// (such as a required one) that reported a finding.
func sarifRules(analyzers []*analysis.Analyzer, findings []*finding) ([]sarifRule, map[string]int) {
	var rules []sarifRule
	index := make(map[string]int)
	add := func(a *analysis.Analyzer) {
		if _, ok := index[a.Name]; ok {
			return
		}
		title, rest, _ := strings.Cut(a.Doc, "\n\n")
		title = strings.Join(strings.Fields(title), " ")
		full := title
		if rest != "" {
			full = title + "\n\n" + rest
		}
		index[a.Name] = len(rules)
		rules = append(rules, sarifRule{
			ID:                   a.Name,
			Name:                 a.Name,
			ShortDescription:     sarifText{title},
			FullDescription:      sarifText{full},
			Help:                 sarifHelp{Text: a.Doc, Markdown: a.Doc},
			DefaultConfiguration: sarifRuleConfig{Level: "error"},
		})
	}
	for _, a := range analyzers {
		add(a)
	}
	for _, f := range findings {
		if _, ok := index[f.analyzer]; !ok {
			if a := analyzerNamed(f.analyzer); a != nil {
				add(a)
			} else {
				add(&analysis.Analyzer{Name: f.analyzer, Doc: f.analyzer})
			}
		}
	}
	if rules == nil {
		rules = []sarifRule{}
	}
	return rules, index
}

// sourceRoot returns the directory SARIF URIs are relative to.
func sourceRoot(dir string) string {
	if dir == "" {
		dir, _ = os.Getwd()
	}
	dir, _ = filepath.Abs(dir)
	for d := dir; ; {
		if _, err := os.Stat(filepath.Join(d, ".git")); err == nil {
			return d
		}
		parent := filepath.Dir(d)
		if parent == d {
			return dir
		}
		d = parent
	}
}

// columnMapper converts Go's byte columns to SARIF's default UTF-16 code
// unit columns (they differ only on lines with non-ASCII text).
type columnMapper struct {
	files map[string][]string
}

func newColumnMapper() *columnMapper { return &columnMapper{files: make(map[string][]string)} }

func (c *columnMapper) column(p token.Position) int {
	lines, ok := c.files[p.Filename]
	if !ok {
		data, _ := os.ReadFile(p.Filename)
		lines = strings.Split(string(data), "\n")
		c.files[p.Filename] = lines
	}
	if p.Line < 1 || p.Line > len(lines) || p.Column < 1 {
		return p.Column
	}
	line := lines[p.Line-1]
	prefix := line[:min(p.Column-1, len(line))]
	if !utf8.ValidString(prefix) {
		return p.Column
	}
	return len(utf16.Encode([]rune(prefix))) + 1
}

func (c *columnMapper) physical(root string, start, e token.Position) sarifPhysical {
	loc := sarifArtifactLoc{URI: (&url.URL{Scheme: "file", Path: filepath.ToSlash(start.Filename)}).String()}
	if within(root, start.Filename) {
		if rel, err := filepath.Rel(root, start.Filename); err == nil {
			loc = sarifArtifactLoc{URI: (&url.URL{Path: filepath.ToSlash(rel)}).String(), URIBaseID: srcRoot}
		}
	}
	region := sarifRegion{StartLine: max(start.Line, 1), StartColumn: c.column(start)}
	if e.IsValid() && e.Filename == start.Filename && e.Line >= start.Line {
		region.EndLine = e.Line
		region.EndColumn = c.column(e)
	}
	return sarifPhysical{ArtifactLocation: loc, Region: region}
}
