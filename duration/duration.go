// Package duration is strazh's one syntax for lengths of time, shared by the
// configuration, rule files, CLI flags and Telegram commands: Go's forms
// (90s, 15m, 1h30m, 1.5h, 300ms) plus days, weeks and years (30d, 2w, 1y,
// 1w2d). A day is 24h, a week 7d, a year 365d. The package is pure (no I/O)
// so that every layer may import it.
package duration

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// Units this package adds to Go's.
const (
	Day  = 24 * time.Hour
	Week = 7 * Day
	Year = 365 * Day
)

var units = map[string]time.Duration{
	"ns": time.Nanosecond, "us": time.Microsecond, "µs": time.Microsecond, "μs": time.Microsecond,
	"ms": time.Millisecond, "s": time.Second, "m": time.Minute, "h": time.Hour,
	"d": Day, "w": Week, "y": Year,
}

// Example is what an error shows as a good value.
const Example = "30d"

// Error is a value that is not a duration. Error() is Russian first, then
// English; Russian and English give one language.
type Error struct {
	Value  string // what was given, cut to a short excerpt
	Reason string // "", or why (negative, too long); English
	ruWhy  string
}

func (e *Error) Russian() string {
	s := fmt.Sprintf("ожидается длительность, например %s, 12h или 15m, получено %q", Example, e.Value)
	if e.ruWhy != "" {
		s += ": " + e.ruWhy
	}
	return s
}

func (e *Error) English() string {
	s := fmt.Sprintf("expected a duration such as %s, 12h or 15m, got %q", Example, e.Value)
	if e.Reason != "" {
		s += ": " + e.Reason
	}
	return s
}

func (e *Error) Error() string { return e.Russian() + " (" + e.English() + ")" }

func bad(s, en, ru string) *Error {
	if r := []rune(s); len(r) > 24 {
		s = string(r[:24]) + "…"
	}
	return &Error{Value: s, Reason: en, ruWhy: ru}
}

// Parse reads a duration: "0", or one or more number+unit pairs (units ns,
// us, ms, s, m, h, d, w, y; numbers may have a fraction). Negative values
// are refused: no length in strazh is negative.
func Parse(s string) (time.Duration, error) {
	orig := s
	s = strings.TrimSpace(s)
	if s == "0" {
		return 0, nil
	}
	if s == "" {
		return 0, bad(orig, "empty", "пусто")
	}
	if s[0] == '-' {
		return 0, bad(orig, "must not be negative", "не может быть отрицательной")
	}
	s = strings.TrimPrefix(s, "+")
	var total time.Duration
	for s != "" {
		i := 0
		for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
			i++
		}
		num := s[:i]
		if num == "" || num == "." || strings.Count(num, ".") > 1 {
			return 0, bad(orig, "", "")
		}
		s = s[i:]
		j := 0
		for j < len(s) && !(s[j] >= '0' && s[j] <= '9' || s[j] == '.') {
			j++
		}
		unit, ok := units[s[:j]]
		if !ok {
			if j == 0 {
				return 0, bad(orig, "a number needs a unit (s, m, h, d, w, y)", "у числа нет единицы (s, m, h, d, w, y)")
			}
			return 0, bad(orig, fmt.Sprintf("unknown unit %q (want s, m, h, d, w or y)", s[:j]),
				fmt.Sprintf("неизвестная единица %q (нужна s, m, h, d, w или y)", s[:j]))
		}
		s = s[j:]
		whole, frac, _ := strings.Cut(num, ".")
		var w int64
		for _, c := range whole {
			if w > (math.MaxInt64-9)/10 {
				return 0, tooLong(orig)
			}
			w = w*10 + int64(c-'0')
		}
		if w > math.MaxInt64/int64(unit) {
			return 0, tooLong(orig)
		}
		part := time.Duration(w) * unit
		if frac != "" {
			var f float64
			fmt.Sscanf("0."+frac, "%g", &f)
			part += time.Duration(f*float64(unit) + 0.5)
		}
		if total > math.MaxInt64-part {
			return 0, tooLong(orig)
		}
		total += part
	}
	return total, nil
}

func tooLong(s string) *Error {
	return bad(s, "too long (at most about 292 years)", "слишком долго (не больше примерно 292 лет)")
}

// Format writes d the way people write it: whole years, weeks or days as
// one unit (8760h → "1y", 720h → "30d", 168h → "1w"), else hours, minutes
// and seconds (36h → "36h", 90m → "1h30m"); 0 → "0". Parse(Format(d)) == d.
func Format(d time.Duration) string {
	if d == 0 {
		return "0"
	}
	sign := ""
	if d < 0 {
		sign, d = "-", -d
	}
	for _, u := range []struct {
		name string
		d    time.Duration
	}{{"y", Year}, {"w", Week}, {"d", Day}} {
		if d%u.d == 0 {
			return fmt.Sprintf("%s%d%s", sign, d/u.d, u.name)
		}
	}
	if d%time.Second != 0 {
		return sign + d.String()
	}
	var b strings.Builder
	b.WriteString(sign)
	for _, u := range []struct {
		name string
		d    time.Duration
	}{{"h", time.Hour}, {"m", time.Minute}, {"s", time.Second}} {
		if n := d / u.d; n > 0 {
			fmt.Fprintf(&b, "%d%s", n, u.name)
			d -= n * u.d
		}
	}
	return b.String()
}

// Value is a flag.Value for durations in this syntax.
type Value struct{ D *time.Duration }

func (v Value) String() string {
	if v.D == nil {
		return ""
	}
	return Format(*v.D)
}

func (v Value) Set(s string) error {
	d, err := Parse(s)
	if err != nil {
		return err
	}
	*v.D = d
	return nil
}
