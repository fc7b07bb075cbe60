package chart

import (
	"encoding/xml"
	"strconv"
	"strings"
	"testing"
)

// node is a generic XML element, to read the SVG back.
type node struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Text    string     `xml:",chardata"`
	Nodes   []node     `xml:",any"`
}

func (n *node) attr(name string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func (n *node) all(name string) []*node {
	var out []*node
	for i := range n.Nodes {
		c := &n.Nodes[i]
		if c.XMLName.Local == name {
			out = append(out, c)
		}
		out = append(out, c.all(name)...)
	}
	return out
}

func parse(t *testing.T, svg string) *node {
	t.Helper()
	var n node
	if err := xml.Unmarshal([]byte(svg), &n); err != nil {
		t.Fatalf("not well-formed XML: %v\n%s", err, svg)
	}
	if n.XMLName.Local != "svg" || n.attr("role") != "img" {
		t.Fatalf("root %s role %q, want svg role=img", n.XMLName.Local, n.attr("role"))
	}
	return &n
}

// labelled checks that the svg is labelled by its own title and desc.
func labelled(t *testing.T, n *node, id string) (title, desc string) {
	t.Helper()
	if got := n.attr("aria-labelledby"); got != id+"-t "+id+"-d" {
		t.Errorf("aria-labelledby %q", got)
	}
	ts, ds := n.all("title"), n.all("desc")
	if len(ts) != 1 || len(ds) != 1 || ts[0].attr("id") != id+"-t" || ds[0].attr("id") != id+"-d" {
		t.Fatalf("want one title #%s-t and one desc #%s-d", id, id)
	}
	return ts[0].Text, ds[0].Text
}

func TestBars(t *testing.T) {
	svg := Bars(Options{ID: "del", Title: "Удалено по причинам", Desc: "Удалённые комментарии"},
		[]Bar{{"мат", 40}, {"спам", 10}, {"<угрозы>", 20}})
	n := parse(t, svg)
	title, desc := labelled(t, n, "del")
	if title != "Удалено по причинам" || desc != "Удалённые комментарии: мат — 40; спам — 10; <угрозы> — 20" {
		t.Errorf("title %q desc %q", title, desc)
	}
	rects := n.all("rect")
	if len(rects) != 3 {
		t.Fatalf("%d bars, want 3", len(rects))
	}
	w := func(i int) float64 {
		v, err := strconv.ParseFloat(rects[i].attr("width"), 64)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	// Widths are proportional to the values: 40 : 10 : 20.
	if w(0) <= 0 || w(1)*4 < w(0)-1 || w(1)*4 > w(0)+1 || w(2)*2 < w(0)-1 || w(2)*2 > w(0)+1 {
		t.Errorf("widths %v %v %v, want 4:1:2", w(0), w(1), w(2))
	}
	if !strings.Contains(svg, "&lt;угрозы&gt;") {
		t.Error("a label is not escaped")
	}
}

func TestBars_Empty(t *testing.T) {
	n := parse(t, Bars(Options{ID: "e", Title: "Пусто"}, nil))
	_, desc := labelled(t, n, "e")
	if !strings.Contains(desc, "нет данных") || len(n.all("rect")) != 0 {
		t.Errorf("desc %q, %d bars", desc, len(n.all("rect")))
	}
}

func TestLines(t *testing.T) {
	x := []string{"1.11", "2.11", "3.11", "4.11"}
	svg := Lines(Options{ID: "days", Title: "По дням", Desc: "Комментарии и удаления по дням"}, x,
		[]Series{{"комментарии", []float64{10, 30, 20, 5}}, {"удалено", []float64{1, 3, 2, 0}}})
	n := parse(t, svg)
	_, desc := labelled(t, n, "days")
	want := "Комментарии и удаления по дням. комментарии: всего 65, больше всего 30 (2.11). удалено: всего 6, больше всего 3 (2.11)"
	if desc != want {
		t.Errorf("desc %q\nwant %q", desc, want)
	}
	lines := n.all("polyline")
	if len(lines) != 2 {
		t.Fatalf("%d lines, want 2", len(lines))
	}
	pts := strings.Fields(lines[0].attr("points"))
	if len(pts) != 4 {
		t.Fatalf("points %v, want 4", pts)
	}
	// The peak (30) is the highest point: the smallest y.
	y := func(p string) float64 {
		_, ys, _ := strings.Cut(p, ",")
		v, _ := strconv.ParseFloat(ys, 64)
		return v
	}
	for i, p := range pts {
		if i != 1 && y(p) <= y(pts[1]) {
			t.Errorf("point %d (%s) not below the peak %s", i, p, pts[1])
		}
	}
	if lines[1].attr("stroke-dasharray") == "" {
		t.Error("the second line is told apart by colour alone")
	}
}

func TestNiceCeil(t *testing.T) {
	for _, tc := range []struct{ in, want float64 }{{0, 1}, {0.3, 0.5}, {1, 1}, {7, 10}, {12, 20}, {45, 50}, {51, 100}, {100, 100}} {
		if got := niceCeil(tc.in); got != tc.want {
			t.Errorf("niceCeil(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestNum(t *testing.T) {
	for _, tc := range []struct {
		in   float64
		want string
	}{{3, "3"}, {2.25, "2.2"}, {0.5, "0.5"}, {-4, "-4"}} {
		if got := Num(tc.in); got != tc.want {
			t.Errorf("Num(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// Of 30 days every third is labelled, and the last; none crowds it.
func TestLines_XLabels(t *testing.T) {
	var x []string
	for i := range 30 {
		x = append(x, strconv.Itoa(i+1))
	}
	n := parse(t, Lines(Options{ID: "x"}, x, []Series{{"a", make([]float64, 30)}}))
	var got []string
	for _, tx := range n.all("text") {
		if a := tx.attr("text-anchor"); a == "start" || a == "end" || a == "middle" {
			if _, err := strconv.Atoi(tx.Text); err == nil && tx.attr("y") == "220" {
				got = append(got, tx.Text)
			}
		}
	}
	want := "1,4,7,10,13,16,19,22,25,30"
	if strings.Join(got, ",") != want {
		t.Errorf("x labels %v, want %s", got, want)
	}
}
