// Package chart draws small accessible charts as inline SVG: horizontal
// bars for counts by category and lines for series over time. It is pure
// (numbers in, markup out): no scripts, fonts or images, no request to any
// service, so a page that embeds a chart stays one self-contained file.
//
// Every chart is an <svg role="img"> labelled by its <title> and <desc>
// (aria-labelledby), and its desc states the numbers, so a screen reader
// reads what the eye sees. Pages should still give the numbers in a table.
package chart

import (
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"
)

// Bar is one category of a bar chart.
type Bar struct {
	Label string
	Value float64
}

// Series is one line of a line chart: one value per x label.
type Series struct {
	Name   string
	Values []float64
}

// Options are a chart's words and size. ID must be unique in the page (the
// title's and desc's ids derive from it).
type Options struct {
	ID    string
	Title string
	Desc  string // what the chart shows; the numbers are appended
	Width int    // default 640
	Unit  string // appended to values in labels and desc ("", " ч")
}

// palette is colour-blind safe (Okabe–Ito) and prints distinguishably.
var palette = []string{"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"}

// dashes tell lines apart without colour.
var dashes = []string{"", "6 3", "2 3", "8 3 2 3"}

func (o *Options) defaults() {
	if o.Width <= 0 {
		o.Width = 640
	}
	if o.ID == "" {
		o.ID = "chart"
	}
}

// head opens the svg with its title and desc.
func head(b *strings.Builder, o Options, h int, desc string) {
	id := html.EscapeString(o.ID)
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="%s-t %s-d" viewBox="0 0 %d %d" width="%d" height="%d" font-family="system-ui, sans-serif" font-size="12">`,
		id, id, o.Width, h, o.Width, h)
	fmt.Fprintf(b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id, html.EscapeString(o.Title), id, html.EscapeString(desc))
}

// Num formats a value briefly: integers without decimals, else one.
func Num(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}

// Bars draws horizontal bars, one row per category, the value beside each.
func Bars(o Options, bars []Bar) string {
	o.defaults()
	const row, top, pad = 26, 8, 8
	labelW := o.Width * 2 / 5
	h := top*2 + row*max(len(bars), 1)
	var desc strings.Builder
	desc.WriteString(o.Desc)
	maxV := 0.0
	for i, b := range bars {
		maxV = math.Max(maxV, b.Value)
		if i == 0 && o.Desc != "" {
			desc.WriteString(": ")
		} else if i > 0 {
			desc.WriteString("; ")
		}
		desc.WriteString(b.Label + " — " + Num(b.Value) + o.Unit)
	}
	if len(bars) == 0 {
		desc.WriteString(": нет данных")
	}
	var b strings.Builder
	head(&b, o, h, desc.String())
	if len(bars) == 0 {
		fmt.Fprintf(&b, `<text x="%d" y="%d" fill="#4d4d4d">нет данных</text>`, pad, top+row/2+4)
	}
	plotW := float64(o.Width - labelW - pad - 48)
	for i, br := range bars {
		y := top + i*row
		w := 0.0
		if maxV > 0 {
			w = plotW * br.Value / maxV
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" fill="#1a1a1a">%s</text>`, labelW-pad, y+row/2+4, html.EscapeString(br.Label))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"/>`, labelW, y+4, w, row-8, palette[0])
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" fill="#1a1a1a">%s</text>`, float64(labelW)+w+4, y+row/2+4, html.EscapeString(Num(br.Value)+o.Unit))
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// Lines draws series over the x labels (dates, weeks), with a y axis from
// 0, a legend, and each line in its colour and dash.
func Lines(o Options, x []string, series []Series) string {
	o.defaults()
	const h, left, right, top, bottom = 260, 44, 12, 12, 56
	plotW, plotH := float64(o.Width-left-right), float64(h-top-bottom)
	maxV := 0.0
	for _, s := range series {
		for _, v := range s.Values {
			maxV = math.Max(maxV, v)
		}
	}
	yMax := niceCeil(maxV)
	var desc strings.Builder
	desc.WriteString(o.Desc)
	for i, s := range series {
		if i == 0 && o.Desc != "" {
			desc.WriteString(". ")
		} else if i > 0 {
			desc.WriteString(". ")
		}
		total, peak, at := 0.0, 0.0, ""
		for j, v := range s.Values {
			total += v
			if v > peak && j < len(x) {
				peak, at = v, x[j]
			}
		}
		fmt.Fprintf(&desc, "%s: всего %s%s", s.Name, Num(total), o.Unit)
		if at != "" {
			fmt.Fprintf(&desc, ", больше всего %s%s (%s)", Num(peak), o.Unit, at)
		}
	}
	if len(series) == 0 || len(x) == 0 {
		desc.WriteString(": нет данных")
	}
	var b strings.Builder
	head(&b, o, h, desc.String())
	// Grid and y labels: 0, half, top.
	for _, f := range []float64{0, 0.5, 1} {
		y := float64(top) + plotH*(1-f)
		fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#c8c8c8"/>`, left, y, o.Width-right, y)
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" text-anchor="end" fill="#4d4d4d">%s</text>`, left-4, y+4, Num(yMax*f))
	}
	step := 0.0
	if len(x) > 1 {
		step = plotW / float64(len(x)-1)
	}
	px := func(i int) float64 { return float64(left) + step*float64(i) }
	py := func(v float64) float64 {
		if yMax == 0 {
			return float64(top) + plotH
		}
		return float64(top) + plotH*(1-v/yMax)
	}
	// x labels: at most ~10, evenly.
	every, last := max(1, (len(x)+9)/10), len(x)-1
	for i, l := range x {
		// Every every-th label, and the last; none too close before it.
		if i != last && (i%every != 0 || last-i < every) {
			continue
		}
		anchor := "middle" // the ends stay inside the chart
		switch {
		case len(x) > 1 && i == 0:
			anchor = "start"
		case len(x) > 1 && i == len(x)-1:
			anchor = "end"
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="%s" fill="#4d4d4d">%s</text>`, px(i), h-bottom+16, anchor, html.EscapeString(l))
	}
	for si, s := range series {
		col, dash := palette[si%len(palette)], dashes[si%len(dashes)]
		var pts strings.Builder
		for i, v := range s.Values {
			if i >= len(x) {
				break
			}
			fmt.Fprintf(&pts, "%.1f,%.1f ", px(i), py(v))
		}
		fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="2" points="%s"`, col, strings.TrimSpace(pts.String()))
		if dash != "" {
			fmt.Fprintf(&b, ` stroke-dasharray="%s"`, dash)
		}
		b.WriteString(`/>`)
		// Legend below the axis.
		lx := left + si*(o.Width-left)/max(len(series), 1)
		ly := h - 14
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="2"`, lx, ly-4, lx+24, ly-4, col)
		if dash != "" {
			fmt.Fprintf(&b, ` stroke-dasharray="%s"`, dash)
		}
		fmt.Fprintf(&b, `/><text x="%d" y="%d" fill="#1a1a1a">%s</text>`, lx+28, ly, html.EscapeString(s.Name))
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// niceCeil rounds v up to 1, 2 or 5 times a power of ten (0 stays 0... but
// an empty chart gets 1 so its axis reads 0–1).
func niceCeil(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}
