// Package a is checked by a dummy analyzer named chainlock that reports
// every call to lockbad.
package a

func lockbad()         {}
func skipbad()         {}
func ok()              {}
func both(_, _ func()) {}

func sameLine() {
	lockbad() //chainlint:ignore chainlock the batching would change timing
}

func lineAbove() {
	//chainlint:ignore chainlock the batching would change timing
	lockbad()
}

func notSuppressed() {
	lockbad() // want `chainlock: call to lockbad`
}

func twoLinesBelow() {
	// want +1 `this //chainlint:ignore directive for chainlock suppresses nothing; remove it`
	//chainlint:ignore chainlock too far from the call
	ok()
	lockbad() // want `chainlock: call to lockbad`
}

func trailingCoversOnlyItsLine() {
	ok()      /* want `suppresses nothing` */ //chainlint:ignore chainlock trailing code: this line only
	lockbad() // want `chainlock: call to lockbad`
}

func multipleNames() {
	//chainlint:ignore skipafter,chainlock both apply here
	lockbad()
}

func otherAnalyzerOnly() {
	//chainlint:ignore skipafter skipafter is not running: not reported
	lockbad() // want `chainlock: call to lockbad`
}

func missingReason() {
	// want +1 `//chainlint:ignore chainlock needs a reason after the analyzer name`
	//chainlint:ignore chainlock
	lockbad()
}

func noName() {
	// want +1 `//chainlint:ignore names no analyzer: write //chainlint:ignore chainlock REASON`
	//chainlint:ignore
	lockbad() // want `chainlock: call to lockbad`
}

func noNameNoDiagnostic() {
	// want +1 `names no analyzer: write //chainlint:ignore NAME REASON, NAME one of chainlock, droprequest, skipafter`
	//chainlint:ignore
	ok()
}

func typo() {
	// want +1 `names unknown analyzer "chainlok"; did you mean "chainlock"\?`
	//chainlint:ignore chainlok a typo
	lockbad() // want `chainlock: call to lockbad`
}

func typoOfAnother() {
	//chainlint:ignore skipafer closest to skipafter, which reports it
	ok()
}

func spaceAfterComma() {
	// want +1 `separate analyzer names with commas and no spaces`
	//chainlint:ignore chainlock, skipafter the space makes skipafter part of the reason
	lockbad()
}

func notADirective() {
	//chainlint:ignored is another word
	lockbad() // want `chainlock: call to lockbad`
}

func twoCallsOneLine() {
	//chainlint:ignore chainlock both calls on the next line
	both(lockbad, func() { lockbad() })
}

func farFromAnyName() {
	// want +1 `names unknown analyzer "cl"; the analyzers are chainlock, droprequest, skipafter`
	//chainlint:ignore cl not close to any name; closest to chainlock, which reports it
	ok()
}
