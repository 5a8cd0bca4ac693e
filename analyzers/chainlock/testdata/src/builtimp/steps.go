package builtimp

// Apply runs steps from a file that does not import the lock's package.
func Apply(v int) int {
	for _, f := range steps {
		v = f(v)
	}
	return v
}
