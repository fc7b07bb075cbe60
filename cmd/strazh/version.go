package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// Set by the build: go build -ldflags "-X main.buildDate=2026-12-01T12:00:00Z"
// (the Makefile does, from SOURCE_DATE_EPOCH when set).
var buildDate = ""

// versionText is what `strazh version` and `strazh --version` print: the
// version, the Go version and the build date (without one from the build,
// the commit time that `go build` recorded, or "unknown").
func versionText() string {
	date := buildDate
	if date == "" {
		date = "unknown"
		if bi, ok := debug.ReadBuildInfo(); ok {
			for _, s := range bi.Settings {
				if s.Key == "vcs.time" {
					date = s.Value + " (commit)"
				}
			}
		}
	}
	return fmt.Sprintf("strazh %s\ngo: %s %s/%s\nbuilt: %s\n", version, runtime.Version(), runtime.GOOS, runtime.GOARCH, date)
}
