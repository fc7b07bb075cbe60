package dictaudit

import (
	"slices"
	"strings"
	"testing"
)

const testAff = `SET UTF-8
FLAG UTF-8
SFX A Y 2
SFX A   а    ы     [^кгх]а
SFX A   а    и     [кгх]а
SFX B N 1
SFX B   0    ом    .
PFX P Y 1
PFX P   0    не    .
NEEDAFFIX Z
`

func TestAffixes_Expand(t *testing.T) {
	a, err := ParseAff(strings.NewReader(testAff), "test.aff")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		entry string
		want  []string
	}{
		{"стена/A", []string{"стена", "стены"}},
		{"рука/A", []string{"рука", "руки"}},                           // the condition picks the ending
		{"дом/B", []string{"дом", "домом"}},                            // strip 0, condition .
		{"стена/AP", []string{"стена", "стены", "нестена", "нестены"}}, // cross product
		{"дом/BP", []string{"дом", "домом", "недом"}},                  // B is not cross: no недомом
		{"корень/Z", nil}, // NEEDAFFIX: no bare form, no affix
		{"слово", []string{"слово"}},
	}
	for _, tt := range tests {
		t.Run(tt.entry, func(t *testing.T) {
			var got []string
			a.Expand(tt.entry, func(f string) { got = append(got, f) })
			slices.Sort(got)
			want := slices.Clone(tt.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Fatalf("Expand(%q) = %v, want %v", tt.entry, got, want)
			}
		})
	}
}

func TestParseAff_Errors(t *testing.T) {
	for _, aff := range []string{
		"SFX A Y x\n",                    // bad count
		"SFX A Y 1\nSFX A а ы/B [^к]а\n", // continuation flags
		"SFX A Y 1\nSFX A а ы [^ка\n",    // unclosed set
		"FLAG long\n",
	} {
		if _, err := ParseAff(strings.NewReader(aff), "bad.aff"); err == nil || !strings.Contains(err.Error(), "bad.aff:") {
			t.Errorf("ParseAff(%q) error = %v, want one naming bad.aff:line", aff, err)
		}
	}
}
