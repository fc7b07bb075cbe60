package rules

import (
	"strings"
	"testing"
)

// A rule file's second YAML document was dropped without a word: the
// rules pasted after a "---" never ran. It is refused naming file and
// line; a "---" that opens the file or ends it with nothing after stays
// accepted.
func TestDecodeFile_SecondDocument(t *testing.T) {
	const rule = "rules:\n  - id: a\n    action: review\n    when: {link: true}\n"
	tests := []struct {
		name, yml string
		want      string // substring of the error; "" accepted
		rules     int
	}{
		{"one document", rule, "", 1},
		{"opening marker", "---\n" + rule, "", 1},
		{"trailing marker", rule + "---\n", "", 1},
		{"trailing marker and a comment", rule + "---\n# nothing here\n", "", 1},
		{"second document", rule + "---\nrules:\n  - id: b\n    action: delete\n    when: {link: true}\n", "x.yaml:5: a second YAML document (---)", 0},
		{"second after an opening one", "---\n" + rule + "--- \npack: other\n", "x.yaml:6: a second YAML document", 0},
		{"empty file", "", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs, err := decodeFile("x.yaml", []byte(tt.yml))
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("error %v, want %q", err, tt.want)
			case tt.want == "" && len(fs.rules) != tt.rules:
				t.Errorf("rules read = %d, want %d", len(fs.rules), tt.rules)
			}
		})
	}
}
