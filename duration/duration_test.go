package duration

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParse_Accepted(t *testing.T) {
	cases := []struct {
		in   string
		want time.Duration
	}{
		{"0", 0},
		{"90s", 90 * time.Second},
		{"15m", 15 * time.Minute},
		{"12h", 12 * time.Hour},
		{"30d", 30 * Day},
		{"2w", 14 * Day},
		{"1y", 365 * Day},
		{"1w2d", 9 * Day},
		{"1h30m", 90 * time.Minute},
		{"1.5h", 90 * time.Minute},
		{".5h", 30 * time.Minute},
		{"300ms", 300 * time.Millisecond},
		{"8760h", Year},
		{" 7d ", 7 * Day},
		{"1y1ns", Year + 1},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			got, err := Parse(c.in)
			if err != nil || got != c.want {
				t.Fatalf("Parse(%q) = %v, %v; want %v", c.in, got, err, c.want)
			}
		})
	}
}

func TestParse_Refused(t *testing.T) {
	cases := []struct{ in, why string }{
		{"", "пусто"},
		{"abc", "ожидается длительность"},
		{"30", "нет единицы"},
		{"30 days", "неизвестная единица"},
		{"5x", `"x"`},
		{"-1h", "отрицательной"},
		{"1.2.3h", "ожидается"},
		{"300y", "слишком долго"},
		{"99999999999999999999s", "слишком долго"},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			_, err := Parse(c.in)
			var de *Error
			if !errors.As(err, &de) {
				t.Fatalf("Parse(%q) error = %v, want *Error", c.in, err)
			}
			if !strings.Contains(err.Error(), c.why) || !strings.Contains(err.Error(), "30d") {
				t.Errorf("Parse(%q) = %q, want it to mention %q and an example", c.in, err, c.why)
			}
			if strings.Contains(err.Error(), "time:") || strings.Contains(de.English(), "ожида") {
				t.Errorf("Parse(%q) = %q: Go's text or mixed languages", c.in, err)
			}
		})
	}
}

func TestFormat_RoundTrip(t *testing.T) {
	cases := []struct {
		d    time.Duration
		want string
	}{
		{0, "0"}, {Year, "1y"}, {30 * Day, "30d"}, {Week, "1w"}, {36 * time.Hour, "36h"},
		{90 * time.Minute, "1h30m"}, {90 * time.Second, "1m30s"}, {1500 * time.Millisecond, "1.5s"},
	}
	for _, c := range cases {
		t.Run(c.want, func(t *testing.T) {
			got := Format(c.d)
			if got != c.want {
				t.Errorf("Format(%v) = %q, want %q", c.d, got, c.want)
			}
			if back, err := Parse(got); err != nil || back != c.d {
				t.Errorf("Parse(Format(%v)) = %v, %v", c.d, back, err)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"30d", "1h30m", "1.5y", "0", "-1s"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Parse(s)
		if err != nil {
			return
		}
		if d < 0 {
			t.Fatalf("Parse(%q) = %v: negative", s, d)
		}
		if back, err := Parse(Format(d)); err != nil || back != d {
			t.Fatalf("Parse(Format(Parse(%q))) = %v, %v; want %v", s, back, err, d)
		}
	})
}
