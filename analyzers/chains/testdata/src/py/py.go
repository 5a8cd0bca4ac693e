// Package py stands for a GIL binding with configured acquire/release pairs.
package py

func Ensure() int { return 0 }

func Release(int) {}

type GIL struct{}

func (*GIL) Enter() {}
func (*GIL) Leave() {}
