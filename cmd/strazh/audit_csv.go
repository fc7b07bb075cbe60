package main

import "strconv"

// csvCell neutralises a cell a spreadsheet would run as a formula, as OWASP
// recommends (CSV injection): a cell that starts with = + - @, a tab or a
// carriage return gets a leading single quote, which spreadsheets show as
// text and do not display. Citizens write the comments and pick their own
// names, so every text cell is untrusted.
func csvCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '-', '+':
		// a plain number (a VK community's negative author ID) is no formula
		if _, err := strconv.ParseFloat(s, 64); err == nil {
			return s
		}
		return "'" + s
	case '=', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// csvRow applies csvCell to every cell of a row.
func csvRow(row []string) []string {
	for i, s := range row {
		row[i] = csvCell(s)
	}
	return row
}
