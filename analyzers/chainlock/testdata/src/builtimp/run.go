package builtimp

import interp "builtlock"

// Fire runs hooks: this file names the lock's package interp.
func Fire(event string) {
	for _, h := range hooks {
		h(event)
	}
	_ = &interp.Interp
}
