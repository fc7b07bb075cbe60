package rules

import (
	"strings"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
)

// districtHistory has violations on the page and on the whole district.
type districtHistory struct {
	fakeHistory
	district int
}

func (d districtHistory) DistrictViolations(string, string, time.Time) int { return d.district }

const districtYAML = `
rules:
  - id: repeat_page
    action: review
    when: {violations: 2, within: 30d}
  - id: repeat_district
    action: review
    when: {violations: 2, within: 30d, scope: district}
`

func TestEngine_Evaluate_ViolationsScope(t *testing.T) {
	e := compile(t, districtYAML, Config{Builtin: "none"})
	tests := []struct {
		name string
		h    moderation.History
		want []string
	}{
		{name: "violations on other pages count for scope district", h: districtHistory{fakeHistory{violations: 1}, 2}, want: []string{"repeat_district"}},
		{name: "enough on the page: both", h: districtHistory{fakeHistory{violations: 2}, 3}, want: []string{"repeat_page", "repeat_district"}},
		{name: "a history without districts counts the page", h: fakeHistory{violations: 2}, want: []string{"repeat_page", "repeat_district"}},
		{name: "too few anywhere", h: districtHistory{fakeHistory{violations: 1}, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var res moderation.Result
			e.Evaluate(&moderation.Comment{Network: "vk", Account: "city", Text: "текст", Author: moderation.Author{ID: "42"}}, tt.h, &res)
			var got []string
			for _, m := range res.Matches {
				got = append(got, m.Rule)
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("rules %v, want %v", got, tt.want)
			}
		})
	}
}

func TestLoad_ViolationsScope_Bad(t *testing.T) {
	_, err := compileSources([]source{{name: "test.yaml", data: []byte(`
rules:
  - id: r
    action: review
    when: {violations: 2, within: 30d, scope: everywhere}
`)}}, Config{Builtin: "none"})
	if err == nil || !strings.Contains(err.Error(), "scope") || !strings.Contains(err.Error(), "page or district") {
		t.Fatalf("error %v, want one naming scope and its values", err)
	}
}
