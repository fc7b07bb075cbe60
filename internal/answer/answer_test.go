package answer

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"
)

func TestUnreadable_Error_Wraps(t *testing.T) {
	var v struct{ N int }
	inner := json.Unmarshal([]byte(`{"N":"x"}`), &v)
	err := fmt.Errorf("topic 5: %w", Unreadable{inner})
	if !IsUnreadable(err) {
		t.Fatalf("IsUnreadable(%v) = false", err)
	}
	if !errors.Is(err, inner) {
		t.Fatal("the decoding error is not unwrapped")
	}
	if got, want := err.Error(), "topic 5: unreadable answer: "+inner.Error(); got != want {
		t.Fatalf("Error() = %q, want %q", got, want)
	}
	if IsUnreadable(inner) {
		t.Fatal("a plain decoding error reads as Unreadable")
	}
}
