package report_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/strazh/strazh/report"
)

// countedSince is a report.PostsCounted of fixed starts.
type countedSince map[string]time.Time

func (c countedSince) CountedSince(account string) (time.Time, bool) {
	s, ok := c[account]
	return s, ok
}

// A page counted only from a day inside the period (a Telegram channel's
// first weeks) has the spans begun before that day said partial and not
// judged low, with a note saying since when; a page counted from before
// the period is judged as any.
func TestBuild_PostsPartialWeeks(t *testing.T) {
	src, _, until := month(t)
	since := time.Date(2026, 11, 20, 15, 0, 0, 0, msk) // inside 17.11–23.11
	src.Counted = countedSince{"glava-vk": since, "admin-vk": until.AddDate(0, -2, 0)}
	r, err := report.Build(src, report.Period{Kind: "month", Since: until.AddDate(0, 0, -30), Until: until}, until, msk)
	if err != nil {
		t.Fatal(err)
	}
	for _, pg := range r.Pages {
		want := time.Time{}
		if pg.Account == "glava-vk" {
			want = since
		}
		if !pg.PostsSince.Equal(want) {
			t.Errorf("%s: posts counted since %v, want %v", pg.Account, pg.PostsSince, want)
		}
	}
	var md bytes.Buffer
	if err := r.Markdown(&md, msk, 7); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"| admin-vk | 4 | 14 | 14 | 14 | 14 |",
		"| glava-vk | 1 (неполная) | 4 (неполная) | 3 (неполная) | 4 (неполная) | 3 ⚠ |",
		"glava-vk: сеть не отдаёт прошлые публикации, strazh считает их с 20 ноября 2026 г.",
	} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("markdown lacks %q:\n%s", want, md.String())
		}
	}
	if strings.Contains(md.String(), "admin-vk: сеть") {
		t.Errorf("a page counted from its history is said partial")
	}
	var html bytes.Buffer
	if err := r.HTML(&html, msk, 7); err != nil {
		t.Fatal(err)
	}
	if b := r.Brief(msk, 7); !strings.Contains(b, "Публикации glava-vk по неделям: 1 (неполная), 4 (неполная), 3 (неполная), 4 (неполная), 3 ⚠ (норма — 7); считаются с 20 ноября 2026 г.") {
		t.Errorf("the brief does not say the partial weeks:\n%s", b)
	}
	if n := strings.Count(html.String(), `class="n partial"`); n != 4 {
		t.Errorf("%d partial cells in the HTML, want 4", n)
	}
	if !strings.Contains(html.String(), `<p class="partial-note">glava-vk: сеть не отдаёт прошлые публикации`) {
		t.Errorf("the HTML lacks the partial note")
	}
}
