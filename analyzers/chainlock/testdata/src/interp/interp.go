// Package interp stands for an interpreter binding with acquire/release
// functions, configured with -chains.lock-pairs in the test.
package interp

func Enter()         {}
func Leave()         {}
func EnterN(n int)   {}
func Save() int      { return 0 }
func Restore(int)    {}
func Acquire(id int) {}
func ReleaseAll()    {}
