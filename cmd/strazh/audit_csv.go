package main

import (
	"strconv"
	"strings"
)

// csvCell neutralises a cell a spreadsheet would run as a formula, as OWASP
// recommends (CSV injection): a cell that starts with = + - @, a tab or a
// carriage return gets a leading single quote, which spreadsheets show as
// text and do not display. Citizens write the comments and pick their own
// names, so every text cell is untrusted.
//
// Excel in a Russian locale opens a .csv with ';' as the separator, and
// a quote it finds inside a field is no quoting to it, so a line break in
// a text ends its row: the part of a text after a ';' or a line break
// starts a cell there and is neutralised the same way.
func csvCell(s string) string {
	var b strings.Builder
	done := 0 // s[:done] is written to b
	for p := 0; p < len(s); {
		next := len(s) // where the part starting at p ends
		if i := strings.IndexAny(s[p:], ";\n\r"); i >= 0 {
			next = p + i
		}
		if formulaStart(s[p:next], p == 0 && s[0] == '\r') {
			b.WriteString(s[done:p])
			b.WriteByte('\'')
			done = p
		}
		p = next + 1
	}
	if done == 0 && b.Len() == 0 {
		return s
	}
	b.WriteString(s[done:])
	return b.String()
}

// formulaStart reports whether a cell starting with part runs as a
// formula; cr says the cell starts with a carriage return.
func formulaStart(part string, cr bool) bool {
	if cr {
		return true
	}
	if part == "" {
		return false
	}
	switch part[0] {
	case '-', '+':
		// a plain number (a VK community's negative author ID) is no formula
		_, err := strconv.ParseFloat(part, 64)
		return err != nil
	case '=', '@', '\t':
		return true
	}
	return false
}

// csvRow applies csvCell to every cell of a row.
func csvRow(row []string) []string {
	for i, s := range row {
		row[i] = csvCell(s)
	}
	return row
}
