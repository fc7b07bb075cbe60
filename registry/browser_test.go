package registry

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/strazh/strazh/internal/browsertest"
)

// The page as a browser shows it: Russian, a captioned table with header
// cells, every link where the configuration and the networks say, the note
// on what is left out, and no request beyond the page itself.
func TestRegistry_Render_HTMLInBrowser(t *testing.T) {
	br := browsertest.New(t)
	r := Build(context.Background(), sources(), now, time.Second)
	var b bytes.Buffer
	if err := r.Render(&b, HTML, time.UTC); err != nil {
		t.Fatal(err)
	}
	p := br.Open(t, b.Bytes(), "text/html; charset=utf-8")

	type facts struct {
		Lang     string     `json:"lang"`
		Title    string     `json:"title"`
		Caption  string     `json:"caption"`
		ColHeads []string   `json:"colHeads"`
		RowHeads []string   `json:"rowHeads"`
		Cells    [][]string `json:"cells"`
		Note     string     `json:"note"`
		Unknown  string     `json:"unknown"`
	}
	f := browsertest.Eval[facts](t, br, `({
		lang: document.documentElement.lang,
		title: document.title,
		caption: document.querySelector('table caption')?.textContent ?? '',
		colHeads: Array.from(document.querySelectorAll('thead th[scope=col]')).map(e => e.textContent),
		rowHeads: Array.from(document.querySelectorAll('tbody th[scope=row]')).map(e => e.textContent),
		cells: Array.from(document.querySelectorAll('tbody tr')).map(tr => Array.from(tr.querySelectorAll('td')).map(td => td.textContent)),
		note: document.querySelector('[role=note]')?.textContent ?? '',
		unknown: document.querySelector('#mark-unknown')?.textContent ?? '',
	})`)
	if f.Lang != "ru" || f.Title != DefaultTitle || f.Caption != "Официальные страницы: 5" {
		t.Errorf("lang %q, title %q, caption %q", f.Lang, f.Title, f.Caption)
	}
	if len(f.ColHeads) != 5 {
		t.Errorf("column headers %q, want 5", f.ColHeads)
	}
	wantRows := []string{"Администрация города", "Глава города", "Администрация в ОК", "Канал в MAX", "Новости города"}
	wantCells := [][]string{
		{"ВКонтакте", "Новости администрации", "есть", "30 ноября 2026 г."},
		{"ВКонтакте", "Страница главы", "нет", "нет данных"},
		{"Одноклассники", "—", "нет данных", "нет данных"},
		{"MAX", "—", "нет данных", "нет данных"},
		{"Одноклассники", "—", "не известно", "30 ноября 2026 г."},
	}
	if len(f.RowHeads) != len(wantRows) || len(f.Cells) != len(wantCells) {
		t.Fatalf("rows %q, cells %q", f.RowHeads, f.Cells)
	}
	for i := range wantRows {
		if f.RowHeads[i] != wantRows[i] {
			t.Errorf("row %d header %q, want %q", i, f.RowHeads[i], wantRows[i])
		}
		for j := range wantCells[i] {
			if f.Cells[i][j] != wantCells[i][j] {
				t.Errorf("row %d cell %d = %q, want %q", i, j, f.Cells[i][j], wantCells[i][j])
			}
		}
	}
	if f.Note == "" {
		t.Error("no note on what is left out, with one network unreachable")
	}
	if !strings.Contains(f.Unknown, "«Не известно»: соцсеть не сообщает") {
		t.Errorf("explanation of «не известно» = %q, want it under the table", f.Unknown)
	}
	links := br.Links(t)
	wantLinks := []browsertest.Link{
		{Href: "https://vk.com/adm_gorod", Text: "Администрация города"},
		{Href: "https://vk.com/glava", Text: "Глава города"},
		{Href: "https://ok.ru/adm", Text: "Администрация в ОК"},
		{Href: "https://max.ru/adm", Text: "Канал в MAX"},
		{Href: "https://ok.ru/news", Text: "Новости города"},
	}
	if len(links) != len(wantLinks) {
		t.Fatalf("links %v, want %v", links, wantLinks)
	}
	for i := range wantLinks {
		if links[i] != wantLinks[i] {
			t.Errorf("link %d = %+v, want %+v", i, links[i], wantLinks[i])
		}
	}
	if ext := p.External(); len(ext) > 0 {
		t.Errorf("the page requested %v besides itself", ext)
	}
}

// The interception itself: a page that loads something from elsewhere is
// caught (else the test above could not fail).
func TestBrowser_Open_CatchesExternalRequests(t *testing.T) {
	br := browsertest.New(t)
	p := br.Open(t, []byte(`<!DOCTYPE html><html lang="ru"><head><link rel="stylesheet" href="https://fonts.example.org/x.css"></head><body><img src="https://cdn.example.org/logo.png" alt=""></body></html>`), "text/html")
	ext := p.External()
	if len(ext) < 2 {
		t.Errorf("external requests %v, want the stylesheet and the image", ext)
	}
}
