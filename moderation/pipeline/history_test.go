package pipeline

import (
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
)

func TestMemoryHistory_CountsWithinTheWindow(t *testing.T) {
	h := NewMemoryHistory(24 * time.Hour)
	t0 := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	fp := moderation.Fingerprint{1, 2, 3, 4, 5, 6, 7, 8}
	near := moderation.Fingerprint{1, 2, 3, 4, 5, 6, 70, 80} // 6 of 8 equal
	other := moderation.Fingerprint{11, 12, 13, 14, 15, 16, 17, 18}
	add := func(author string, at time.Time, f moderation.Fingerprint, violation bool) {
		h.Record(&moderation.Comment{Account: "page", Author: moderation.Author{ID: author}, Created: at}, f, violation)
	}
	add("u1", t0, fp, false)
	add("u2", t0.Add(time.Minute), near, true)
	add("u1", t0.Add(2*time.Minute), other, false)
	add("u3", t0.Add(-2*time.Hour), fp, false) // outside the window asked below

	since := t0.Add(-time.Hour)
	if n := h.Similar("page", fp, 0.7, since); n != 2 {
		t.Errorf("Similar ≥0.7 = %d, want 2 (itself and the near copy)", n)
	}
	if n := h.Similar("page", fp, 1, since); n != 1 {
		t.Errorf("Similar =1 = %d, want 1", n)
	}
	if n := h.Similar("page", fp, 0.7, t0.Add(-3*time.Hour)); n != 3 {
		t.Errorf("Similar over 3h = %d, want 3", n)
	}
	if n := h.Similar("other", fp, 0.5, since); n != 0 {
		t.Errorf("another account sees %d", n)
	}
	if n := h.Comments("page", "u1", since); n != 2 {
		t.Errorf("Comments(u1) = %d, want 2", n)
	}
	if n := h.Violations("page", "u2", since); n != 1 {
		t.Errorf("Violations(u2) = %d, want 1", n)
	}
	if !h.Known("page", "u3") || h.Known("page", "u9") {
		t.Error("Known is wrong")
	}
}

func TestMemoryHistory_RingEvictsOldestAndStaysBounded(t *testing.T) {
	h := NewMemoryHistory(24 * time.Hour)
	t0 := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	fp := moderation.Fingerprint{1, 2, 3, 4, 5, 6, 7, 8}
	for i := range maxFingerprints + 100 {
		h.Record(&moderation.Comment{Account: "page", Author: moderation.Author{ID: "u"}, Created: t0.Add(time.Duration(i) * time.Millisecond)}, fp, false)
	}
	if n := h.Similar("page", fp, 1, t0); n != MaxSimilar {
		t.Errorf("Similar = %d, want the cap %d", n, MaxSimilar)
	}
	a := h.accounts["page"]
	for k, slots := range a.fpIndex {
		if len(slots) > maxFingerprints {
			t.Fatalf("key %x holds %d slots", k, len(slots))
		}
	}
}

func BenchmarkMemoryHistory_SimilarFlood(b *testing.B) {
	h := NewMemoryHistory(24 * time.Hour)
	t0 := time.Now()
	fp := moderation.Fingerprint{1, 2, 3, 4, 5, 6, 7, 8}
	for range maxFingerprints {
		h.Record(&moderation.Comment{Account: "page", Author: moderation.Author{ID: "u"}, Created: t0}, fp, false)
	}
	b.ReportAllocs()
	for b.Loop() {
		h.Record(&moderation.Comment{Account: "page", Author: moderation.Author{ID: "u"}, Created: t0}, fp, false)
		h.Similar("page", fp, 0.8, t0.Add(-time.Hour))
	}
}

// TestMemoryHistory_Record_NewVersionReplacesOld: the versions of one
// comment are one comment of its author and no copies of each other; a
// version that was a violation stays counted as one.
func TestMemoryHistory_Record_NewVersionReplacesOld(t *testing.T) {
	h := NewMemoryHistory(24 * time.Hour)
	t0 := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	fp := moderation.Fingerprint{1, 2, 3, 4, 5, 6, 7, 8}
	version := func(id string, at time.Time, violation bool) {
		h.Record(&moderation.Comment{Account: "page", ID: id, Author: moderation.Author{ID: "u1"}, Created: t0, Edited: at}, fp, violation)
	}
	version("c1", t0, false)
	version("c1", t0.Add(time.Minute), true) // an edit deleted
	version("c1", t0.Add(2*time.Minute), false)
	since := t0.Add(-time.Hour)
	if n := h.SimilarByAuthor("page", "u1", fp, 0.8, since); n != 1 {
		t.Errorf("SimilarByAuthor = %d, want 1 (the latest version only)", n)
	}
	if n := h.Similar("page", fp, 0.8, since); n != 1 {
		t.Errorf("Similar = %d, want 1", n)
	}
	if n := h.Violations("page", "u1", since); n != 1 {
		t.Errorf("Violations = %d, want 1 (the deleted version)", n)
	}
	// Judging the next edit, the comment's own versions count as nothing
	// but the violation.
	next := &moderation.Comment{Account: "page", ID: "c1", Author: moderation.Author{ID: "u1"}, Created: t0, Edited: t0.Add(3 * time.Minute)}
	h.Supersede(next)
	if n := h.SimilarByAuthor("page", "u1", fp, 0.8, since); n != 0 {
		t.Errorf("after Supersede SimilarByAuthor = %d, want 0", n)
	}
	if n := h.Comments("page", "u1", since); n != 1 {
		t.Errorf("after Supersede Comments = %d, want 1 (the violation)", n)
	}
	// Another comment of the author with the same text is a copy.
	h.Record(&moderation.Comment{Account: "page", ID: "c2", Author: moderation.Author{ID: "u1"}, Created: t0.Add(4 * time.Minute)}, fp, false)
	if n := h.SimilarByAuthor("page", "u1", fp, 0.8, since); n != 1 {
		t.Errorf("with a second comment SimilarByAuthor = %d, want 1", n)
	}
}
