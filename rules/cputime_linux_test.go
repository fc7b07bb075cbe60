//go:build linux

package rules

import (
	"syscall"
	"time"
)

// threadCPU is the calling thread's CPU time (RUSAGE_THREAD): on a shared
// machine it measures the work, not the wait for a core.
func threadCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(1, &ru) != nil { // 1: RUSAGE_THREAD
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
