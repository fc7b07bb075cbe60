package store

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
)

// equalDecision compares decisions; times must be built with time.Unix.
func equalDecision(a, b *moderation.Decision) bool { return reflect.DeepEqual(a, b) }

// fill sets every field reachable from v to a distinct non-zero value, so a
// field the codec forgets shows up as a difference.
func fill(v reflect.Value, n *int) {
	*n++
	switch v.Kind() {
	case reflect.String:
		v.SetString("s" + string(rune('a'+*n%26)) + "ё")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int64:
		v.SetInt(int64(*n) * 1000003)
	case reflect.Uint8:
		v.SetUint(uint64(*n % 4))
	case reflect.Uint64:
		v.SetUint(uint64(*n) << 40)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := range 2 {
			fill(s.Index(i), n)
		}
		v.Set(s)
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		fill(p.Elem(), n)
		v.Set(p)
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(time.Unix(1_700_000_000+int64(*n), int64(*n))))
			return
		}
		for i := range v.NumField() {
			fill(v.Field(i), n)
		}
	default:
		panic("fill: add a case for " + v.Type().String())
	}
}

func TestCodec_RoundTrip_AllFields(t *testing.T) {
	var d moderation.Decision
	n := 0
	fill(reflect.ValueOf(&d).Elem(), &n)
	got, err := decodeDecision(appendDecision(nil, &d))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, &d) {
		a, _ := json.Marshal(got)
		b, _ := json.Marshal(&d)
		t.Fatalf("round trip lost a field (was one added to the model? add it to codec.go):\ngot  %s\nwant %s", a, b)
	}
}

func TestCodec_RoundTrip_Cases(t *testing.T) {
	tests := []struct {
		name string
		d    *moderation.Decision
	}{
		{"zero", &moderation.Decision{}},
		{"allow", dec("a", "1", "u", "привет", moderation.Allow)},
		{"review", dec("a", "1", "u", "хм", moderation.Review)},
		{"ban", dec("a", "1", "u", "купи", moderation.Ban)},
		{"negative time", &moderation.Decision{DecidedAt: time.Unix(-5, 7), BanFor: -time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeDecision(appendDecision([]byte{}, tt.d))
			if err != nil {
				t.Fatal(err)
			}
			if !equalDecision(got, tt.d) {
				t.Fatalf("got %+v\nwant %+v", got, tt.d)
			}
		})
	}
}

func TestCodec_Decode_JSON(t *testing.T) {
	d := dec("a", "1", "u", "привет", moderation.Ban)
	d.DecidedAt = time.Unix(1_700_000_000, 0).UTC()
	b, _ := json.Marshal(d)
	got, err := decodeDecision(b)
	if err != nil {
		t.Fatal(err)
	}
	if got.Comment.Text != d.Comment.Text || got.Verdict != d.Verdict || len(got.Actions) != 2 {
		t.Fatalf("got %+v", got)
	}
}

func TestCodec_Decode_Corrupt(t *testing.T) {
	full := appendDecision(nil, dec("a", "1", "u", "привет", moderation.Ban))
	for _, v := range [][]byte{nil, {9}, full[:len(full)/2], append(full[:len(full):len(full)], 0), []byte("{bad")} {
		if _, err := decodeDecision(v); !errors.Is(err, errCorrupt) {
			t.Errorf("decode %q: error %v, want errCorrupt", v, err)
		}
	}
	// Every truncation fails cleanly, never panics.
	for i := range len(full) {
		if _, err := decodeDecision(full[:i]); err == nil {
			t.Errorf("truncated at %d decoded", i)
		}
	}
}

func TestArena_Decision_Overflow(t *testing.T) {
	var a arena
	a.reserve(arenaChunk)
	small := a.bytes([]byte("abc"))
	big := dec("a", "1", "u", string(make([]byte, 2*arenaChunk)), moderation.Allow)
	v := a.decision(big)
	after := a.bytes([]byte("xyz"))
	if string(small) != "abc" || string(after) != "xyz" {
		t.Fatalf("arena slices clobbered: %q %q", small, after)
	}
	if d, err := decodeDecision(v); err != nil || d.Comment.Text != big.Comment.Text {
		t.Fatalf("big decision: %v", err)
	}
}
