//go:build !race

package dictaudit

const raceSample = 1
