package report

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/chromedp/chromedp"

	"github.com/strazh/strazh/internal/chromium"
)

// PDF prints an HTML report to an A4 PDF in headless Chromium. Without
// Chromium it fails naming the binaries it looked for.
func PDF(ctx context.Context, html []byte) ([]byte, error) {
	if chromium.Path() == "" {
		return nil, fmt.Errorf("report: -format pdf: %w; -format html gives the same report", chromium.ErrMissing)
	}
	dir, err := os.MkdirTemp("", "strazh-report-")
	if err != nil {
		return nil, fmt.Errorf("report: pdf: %w", err)
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "report.html")
	if err := os.WriteFile(file, html, 0o600); err != nil {
		return nil, fmt.Errorf("report: pdf: %w", err)
	}
	tab, cancel, err := chromium.New(ctx, filepath.Join(dir, "profile"))
	if err != nil {
		return nil, fmt.Errorf("report: pdf: start chromium: %w", err)
	}
	defer cancel()
	if err := chromedp.Do(tab, chromedp.Navigate("file://"+file), chromedp.WaitReady(chromedp.CSS("body"))); err != nil {
		return nil, fmt.Errorf("report: pdf: open the page: %w", err)
	}
	pdf, err := chromedp.Run(tab, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4), chromedp.PDFMargin(0.5),
		chromedp.PDFPrintBackground(), chromedp.PDFFooterTemplate(`<div style="font-size:8px;width:100%;text-align:center"><span class="pageNumber"></span> / <span class="totalPages"></span></div>`),
		chromedp.PDFHeaderTemplate(`<span></span>`)))
	if err != nil {
		return nil, fmt.Errorf("report: pdf: print: %w", err)
	}
	if len(pdf) < 5 || string(pdf[:5]) != "%PDF-" {
		return nil, errors.New("report: pdf: chromium gave no PDF")
	}
	return pdf, nil
}
