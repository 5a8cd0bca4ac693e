// Package b is checked by a dummy analyzer named skipafter that reports
// every call to skipbad.
package b

func lockbad()         {}
func skipbad()         {}
func ok()              {}
func both(_, _ func()) {}

func multipleNames() {
	//chainlint:ignore chainlock,skipafter both apply here
	both(lockbad, func() { skipbad() })
}

func unusedForChainlockOnly() {
	//chainlint:ignore chainlock chainlock is not running: not reported
	ok()
}

func unusedForSkipafter() {
	// want +1 `this //chainlint:ignore directive for skipafter suppresses nothing; remove it`
	//chainlint:ignore chainlock,skipafter neither applies
	ok()
}

func noName() {
	// want +1 `//chainlint:ignore names no analyzer: write //chainlint:ignore skipafter REASON`
	//chainlint:ignore
	skipbad() // want `skipafter: call to skipbad`
}

func noNameNoDiagnostic() {
	//chainlint:ignore
	ok() // reported by chainlock only, which is not running
}

func typo() {
	// want +1 `names unknown analyzer "skipafer"; did you mean "skipafter"\?`
	//chainlint:ignore skipafer a typo
	skipbad() // want `skipafter: call to skipbad`
}

func typoOfAnother() {
	//chainlint:ignore droprequst closest to droprequest, which is not running
	ok()
}
