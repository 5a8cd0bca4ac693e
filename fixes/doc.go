// Package fixes is the rewriting machinery behind chainlint's suggested
// fixes. An analyzer edits a decorated syntax tree (github.com/dave/dst, which
// keeps comments attached to the nodes they belong to) and gets back minimal
// analysis.TextEdits positioned on the original file:
//
//	f, err := fixes.Decorate(pass, file) // a fresh copy of file, one per diagnostic
//	if err != nil { ... report without a fix ... }
//	loop := f.Node(rangeStmt).(*dst.RangeStmt)
//	rt := f.AddImport(fixes.RuntimePath, fixes.RuntimeName, rangeStmt.Pos())
//	loop.X = &dst.CallExpr{Fun: &dst.SelectorExpr{X: dst.NewIdent(rt), Sel: dst.NewIdent("BatchedLocker")}, ...}
//	edits, err := f.Edits()
//	if err != nil { ... report without a fix ... }
//	r.Report(analysis.Diagnostic{..., SuggestedFixes: []analysis.SuggestedFix{{Message: "...", TextEdits: edits}}})
//
// The rules it enforces, each learnt from a dst pitfall:
//
//   - Decorate copies: each fix decorates its own copies of the top-level
//     declarations it touches (each the first time File.Node is asked for
//     one of its nodes), parsed again from their text, so fixes for
//     different diagnostics never see each other's mutations and the pass's
//     *ast.File is never modified. A fix costs what its declarations cost,
//     not what the file costs, so a file with N findings costs O(N); what
//     all fixes of a file share (its text, line table and declared names)
//     is computed once per pass when the analyzer requires Analyzer.
//   - dst restores whole files only, and restored positions mean nothing in
//     the original. Edits restores each decorated declaration (with those
//     on adjacent lines, which gofmt may align with it), diffs it line by
//     line against the original source (pass.ReadFile) and returns one
//     small TextEdit per changed region, each positioned on the original
//     file, none overlapping, never a whole-file replacement (golangci-lint
//     and the x/tools checker drop overlapping fixes).
//   - dst is not allowed to manage imports: its name guesser takes the last
//     path element (wrong for chain_runtime, whose package is chainruntime)
//     and it renames (log1) or regroups existing imports. AddImport reuses
//     an import of the path when its name (from type information) is
//     declared nowhere else in the file, else adds one import spec with a
//     name that clashes with nothing: predeclared and package-level names,
//     this file's imports, and any name declared in this file, so no local
//     can shadow it (chainruntime2, chainruntime3, ...). The choice depends
//     on the file alone, so all fixes of a file add the identical import.
//   - Only the changed region is edited, so a file that is not gofmt-clean is
//     not reformatted elsewhere; the changed lines, and unformatted lines
//     right next to them, come out gofmt-formatted. When a change cannot be
//     placed on the original lines, Edits returns an error and the analyzer
//     should report without a fix. A file that cgo translated (its
//     //line directives name the user's .go file) is fixed in the user's
//     file: edits are positioned in a token.File of that name, and a
//     declaration whose text there is not the compiled code (it uses C)
//     gets no fix. Other //line directives (generated code) give no fix.
//   - Fixes of different diagnostics in one file must not overlap: the
//     x/tools checker drops a conflicting fix, and golangci-lint drops every
//     fix of the linter in that file. Identical edits (the same import added
//     by two fixes) are merged by both, so AddImport gives the same name and
//     the same edit for each fix of a file.
//
// Build new code with plain dst nodes, or from text with Expr and Stmts, and
// qualify runtime calls through the name AddImport returns (a
// *dst.SelectorExpr on dst.NewIdent(name), or that name in the text); do
// not set dst.Ident.Path. File.Replace replaces or deletes a statement
// wherever it stands (block, case or select clause, label); its own
// comments go with it, its neighbours' comments stay. File.Swap puts a
// statement built to stand for another (a for loop rewritten as a range
// loop) in its place with all of its comments; File.Delete deletes one and
// leaves every comment above it, its own too, to the statement after it.
// TypeString spells a type as a file imports its packages, and Source
// reads a file's text as the pass does.
package fixes
