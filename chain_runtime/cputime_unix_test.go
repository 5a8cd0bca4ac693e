//go:build unix

package chainruntime_test

import (
	"syscall"
	"time"
)

// processCPU is the CPU time (user + system) this process has used so far,
// all threads together; ok is false where it is not available.
func processCPU() (d time.Duration, ok bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
