package builttest

import "testing"

func TestRun(t *testing.T) {
	Load([]func(int) int{func(v int) int { return v + 1 }})
	v := 0
	for _, f := range chain {
		v = f(v)
	}
	if v != 1 || Run(0) != 1 {
		t.Fatal(v)
	}
}
