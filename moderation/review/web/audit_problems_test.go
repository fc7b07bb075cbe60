package web

import (
	"html"
	"strings"
	"testing"
)

// A bad filter value in the audit's URL (typed, or a link cut short) is
// said in the page's language, naming the field: the pages are Russian
// first, and the English errors of the parsers were shown as they were.
func TestServer_Audit_BadQuerySaidInRussian(t *testing.T) {
	f := newFixture(t)
	c := f.client()
	if code, _ := c.login("view", "password-view"); code != 303 {
		t.Fatalf("login: %d", code)
	}
	for _, tc := range []struct {
		name, path string
		want       []string
	}{
		{"dates and verdict", "/audit?since=garbage&until=2026-13-01&verdict=frob",
			[]string{`«С»: "garbage" — не дата`, `«По»: "2026-13-01" — не дата`, `«Вердикт»: "frob" — нет такого`}},
		{"cursor", "/audit?before=1.x", []string{`Ссылка на следующую страницу повреждена (before="1.x")`}},
		{"long filter", "/audit?q=" + strings.Repeat("я", 101), []string{"Фильтр длиннее 200 байт."}},
		{"csv", "/audit.csv?since=garbage", []string{`«С»: "garbage" — не дата`}},
		{"english", "/audit?since=garbage&lang=en", []string{`From: "garbage" is not a date`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, page, _ := c.do("GET", tc.path, nil)
			if code != 400 {
				t.Fatalf("status %d, want 400", code)
			}
			page = html.UnescapeString(page)
			for _, w := range tc.want {
				if !strings.Contains(page, w) {
					t.Errorf("page does not say %q:\n%s", w, page)
				}
			}
			if tc.name != "english" && strings.Contains(page, "is not a") {
				t.Errorf("English error on a Russian page:\n%s", page)
			}
		})
	}
}

// An unknown address, or a GET of a form's address, gets the console's
// page in the page's language: it was net/http's English plain text.
func TestServer_UnknownPage_SaidInRussian(t *testing.T) {
	f := newFixture(t)
	c := f.client()
	for _, tc := range []struct{ path, want string }{
		{"/nope", "Такой страницы нет."},
		{"/decide", "Такой страницы нет."},
		{"/nope?lang=en", "No such page."},
	} {
		code, page, h := c.do("GET", tc.path, nil)
		if code != 404 || !strings.Contains(page, tc.want) || !strings.HasPrefix(h.Get("Content-Type"), "text/html") {
			t.Errorf("GET %s: %d %q %q; want 404 saying %q", tc.path, code, h.Get("Content-Type"), page, tc.want)
		}
	}
	if code, _, _ := c.do("GET", "/static/style.css", nil); code != 200 {
		t.Errorf("style sheet: %d", code)
	}
}
