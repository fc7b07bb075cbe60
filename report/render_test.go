package report_test

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"github.com/strazh/strazh/report"
)

func monthReport(t *testing.T) *report.Report {
	t.Helper()
	src, _, until := month(t)
	r, err := report.Build(src, report.Period{Kind: "month", Since: until.AddDate(0, 0, -30), Until: until}, until, msk)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestReport_Markdown(t *testing.T) {
	r := monthReport(t)
	var b bytes.Buffer
	if err := r.Markdown(&b, msk, 7); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	for _, want := range []string{
		"# Отчёт о работе с комментариями на официальных страницах\n\n1 ноября 2026 г. — 30 ноября 2026 г.",
		"| Комментариев | " + strconv.Itoa(r.Comments) + " |",
		"| мат | " + strconv.Itoa(r.ByReason[0].N) + " |",
		"| Страница | 01.11–02.11 | 03.11–09.11 | 10.11–16.11 | 17.11–23.11 | 24.11–30.11 |",
		"| admin-vk | 4 | 14 | 14 | 14 | 14 |",
		"| glava-vk | 1 | 4 ⚠ | 3 ⚠ | 4 ⚠ | 3 ⚠ |",
		"## Обращения граждан", "| дороги | 15 |",
		"| изменена настройка страницы |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
}

func TestReport_Brief(t *testing.T) {
	r := monthReport(t)
	got := r.Brief(msk, 7)
	a := r.Appeals
	for _, want := range []string{
		"📊 Отчёт за месяц: 1 ноября 2026 г. — 30 ноября 2026 г.\n",
		"Комментариев: " + strconv.Itoa(r.Comments) + ", удалено: " + strconv.Itoa(r.Deleted) + " (с баном автора: " + strconv.Itoa(r.Banned) + ")",
		"На проверку: " + strconv.Itoa(r.Reviewed) + ", решено модераторами: " + strconv.Itoa(r.ReviewDecided),
		"Обращений: " + strconv.Itoa(a.Total) + ", отвечено: " + strconv.Itoa(a.Answered) + ", в срок: ",
		"Публикации admin-vk по неделям: 4, 14, 14, 14, 14 (норма — 7)",
		"Публикации glava-vk по неделям: 1, 4 ⚠, 3 ⚠, 4 ⚠, 3 ⚠ (норма — 7)",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("brief lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "<") {
		t.Errorf("brief is plain text, has markup:\n%s", got)
	}
}
