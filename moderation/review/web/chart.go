package web

import (
	"strconv"
)

// A small bar chart drawn as inline SVG by the template (no JavaScript,
// no library): the server computes every rectangle.

type bar struct {
	X, Y, W, H int
	Label      string // under the bar ("" for none)
	Tip        string // the value, shown on hover
}

type chart struct {
	ID     string
	Title  string
	W, H   int // the drawing area
	Bars   []bar
	Max    string // the value of the top line
	Class  string
	LabelY int
}

const (
	chartW   = 640
	chartH   = 120
	chartPad = 18 // room for labels under the bars
)

// barChart makes vertical bars of values; labels go under every
// labelEvery-th bar.
func barChart(id, title, class string, labels []string, values []float64, tip func(float64) string, labelEvery int) chart {
	c := chart{ID: id, Title: title, W: chartW, H: chartH + chartPad, Class: class, LabelY: chartH + chartPad - 4}
	top := 0.0
	for _, v := range values {
		top = max(top, v)
	}
	c.Max = tip(top)
	if len(values) == 0 {
		return c
	}
	slot := chartW / len(values)
	w := max(slot-2, 1)
	for i, v := range values {
		h := 0
		if top > 0 {
			h = int(v / top * chartH)
		}
		if v > 0 && h == 0 {
			h = 1 // a non-zero day stays visible
		}
		b := bar{X: i * slot, Y: chartH - h, W: w, H: h, Tip: labels[i] + ": " + tip(v)}
		if labelEvery > 0 && i%labelEvery == 0 {
			b.Label = labels[i]
		}
		c.Bars = append(c.Bars, b)
	}
	return c
}

// hbar is one row of a horizontal bar list (top rules).
type hbar struct {
	Label string
	N     int
	W     int // bar width in px of hbarW
	Y     int // top of the row
	TextY int // baseline of its words
	NX    int // where the count goes
}

// hbarList is the rows and the drawing's size.
type hbarList struct {
	Rows []hbar
	W, H int
	BarX int
}

const (
	hbarW     = 300
	hbarLabel = 180 // room for the rule's name
	hbarRow   = 22
)

func hbars(labels []string, counts []int) hbarList {
	top := 0
	for _, n := range counts {
		top = max(top, n)
	}
	out := hbarList{W: hbarLabel + hbarW + 60, H: len(labels) * hbarRow, BarX: hbarLabel}
	for i := range labels {
		w := 0
		if top > 0 {
			w = max(counts[i]*hbarW/top, 1)
		}
		out.Rows = append(out.Rows, hbar{Label: labels[i], N: counts[i], W: w, Y: i*hbarRow + 3,
			TextY: i*hbarRow + 16, NX: hbarLabel + w + 6})
	}
	return out
}

func count(v float64) string { return strconv.Itoa(int(v)) }
