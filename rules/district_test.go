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

func TestEngine_Evaluate_RuleBanScope(t *testing.T) {
	e := compile(t, `
rules:
  - id: spam_everywhere
    action: ban
    ban_scope: district
    when: {words: ["казино"]}
  - id: rude_here
    action: ban
    ban_scope: page
    when: {words: ["дурак"]}
  - id: review_only
    action: review
    ban_scope: district
    when: {words: ["вопрос"]}
`, Config{Builtin: "none"})
	tests := []struct {
		text string
		want bool
	}{
		{"лучшее казино", true},
		{"ты дурак", false},
		{"дурак, иди в казино", true}, // one district rule that bans is enough
		{"у меня вопрос", false},      // no ban, nothing to carry
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			res := eval(e, tt.text)
			if res.BanDistrict != tt.want {
				t.Errorf("BanDistrict %v, want %v (verdict %s)", res.BanDistrict, tt.want, res.Verdict)
			}
		})
	}
	_, err := compileSources([]source{{name: "test.yaml", data: []byte("rules:\n  - id: r\n    action: ban\n    ban_scope: city\n    when: {words: [x]}\n")}}, Config{Builtin: "none"})
	if err == nil || !strings.Contains(err.Error(), "ban_scope") {
		t.Errorf("error %v, want one naming ban_scope", err)
	}
}
