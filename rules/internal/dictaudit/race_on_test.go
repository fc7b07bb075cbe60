//go:build race

package dictaudit

// raceSample: under the race detector the audit checks every 8th form (the
// full run takes minutes there); without it, every form.
const raceSample = 8
