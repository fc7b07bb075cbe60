package report_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/strazh/strazh/internal/browsertest"
	"github.com/strazh/strazh/internal/chromium"
	"github.com/strazh/strazh/report"
)

var screenshot = flag.Bool("screenshot", false, "write the month report's screenshot to docs/report.png")

func monthHTML(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := monthReport(t).HTML(&b, msk, 7); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// The month's report in a browser: Russian, every chart an image named by
// its title, the tables' numbers, the low weeks marked, no request beyond
// the page itself.
func TestReport_HTMLInBrowser(t *testing.T) {
	br := browsertest.New(t)
	p := br.Open(t, monthHTML(t), "text/html; charset=utf-8")
	type facts struct {
		Lang     string   `json:"lang"`
		Charts   []string `json:"charts"`
		Captions []string `json:"captions"`
		Low      int      `json:"low"`
		Sections []string `json:"sections"`
		Width    int      `json:"width"`
		Client   int      `json:"client"`
	}
	f := browsertest.Eval[facts](t, br, `({
		lang: document.documentElement.lang,
		charts: Array.from(document.querySelectorAll('svg[role=img]')).map(s =>
			s.getAttribute('aria-labelledby').split(' ').map(id => document.getElementById(id).textContent).join(' | ')),
		captions: Array.from(document.querySelectorAll('caption')).map(c => c.textContent),
		low: document.querySelectorAll('td.low').length,
		sections: Array.from(document.querySelectorAll('h2')).map(h => h.textContent),
		width: document.documentElement.scrollWidth,
		client: document.documentElement.clientWidth,
	})`)
	if f.Lang != "ru" {
		t.Errorf("lang %q", f.Lang)
	}
	wantCharts := []string{"Комментарии по дням", "Удалено по причинам", "Публикации страниц по неделям", "Обращения по темам"}
	if len(f.Charts) != len(wantCharts) {
		t.Fatalf("charts %q, want %q", f.Charts, wantCharts)
	}
	for i, w := range wantCharts {
		if !strings.HasPrefix(f.Charts[i], w+" | ") {
			t.Errorf("chart %d named %q, want %q with its description", i, f.Charts[i], w)
		}
	}
	if !strings.Contains(f.Charts[1], "мат — ") {
		t.Errorf("the reasons chart's description lacks its numbers: %q", f.Charts[1])
	}
	wantSections := []string{"Комментарии", "Удалено по причинам", "Страницы", "Обращения граждан", "События безопасности"}
	if strings.Join(f.Sections, ",") != strings.Join(wantSections, ",") {
		t.Errorf("sections %q, want %q", f.Sections, wantSections)
	}
	if f.Low != 4 { // glava-vk's four whole weeks
		t.Errorf("%d cells marked low, want 4", f.Low)
	}
	if f.Width > f.Client {
		t.Errorf("the page scrolls sideways: %d > %d", f.Width, f.Client)
	}
	if ext := p.External(); len(ext) > 0 {
		t.Errorf("the report requested %v", ext)
	}
	if *screenshot {
		img := br.Screenshot(t, 1000)
		cfg, err := png.DecodeConfig(bytes.NewReader(img))
		if err != nil || cfg.Width < 900 || cfg.Height < 1500 {
			t.Fatalf("screenshot %dx%d, %v", cfg.Width, cfg.Height, err)
		}
		if err := os.WriteFile(filepath.Join("..", "docs", "report.png"), img, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestPDF(t *testing.T) {
	browsertest.New(t) // skips without Chromium (fails under CI=true)
	pdf, err := report.PDF(context.Background(), monthHTML(t))
	if err != nil {
		t.Fatal(err)
	}
	pages := bytes.Count(pdf, []byte("/Type /Page\n")) + bytes.Count(pdf, []byte("/Type /Page/")) + bytes.Count(pdf, []byte("/Type /Page "))
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) || len(pdf) < 10000 {
		t.Errorf("not a PDF of the report: %d bytes, %d pages", len(pdf), pages)
	}
}

// Without Chromium, -format pdf fails naming what it looked for.
func TestPDF_NoChromium(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := report.PDF(context.Background(), []byte("<html></html>"))
	if !errors.Is(err, chromium.ErrMissing) || !strings.Contains(err.Error(), "chromium, chromium-browser") {
		t.Errorf("err = %v, want ErrMissing naming the binaries", err)
	}
}
