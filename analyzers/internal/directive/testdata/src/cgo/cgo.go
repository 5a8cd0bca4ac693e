// Package cgo is a user's cgo file: cgo rewrites it into a file marked
// generated, whose diagnostics must still be reported and suppressible.
package cgo

// static void lockbad(void) {}
import "C"

func bad() {
	C.lockbad() // want `chainlock: call to lockbad`
}

func suppressed() {
	//chainlint:ignore chainlock the GIL is held by the caller
	C.lockbad()
}

func unused() {
	// want +1 `suppresses nothing`
	//chainlint:ignore chainlock nothing below
	_ = 0
}
