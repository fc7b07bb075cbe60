package report

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"

	"github.com/strazh/strazh/chart"
)

//go:embed report.html
var files embed.FS

var page = template.Must(template.New("report.html").Funcs(template.FuncMap{
	"date":        ruDate,
	"dur":         ruDuration,
	"pct":         pct,
	"ru":          func(t time.Time) string { return t.Format("02.01.2006 15:04") },
	"kind":        kindName,
	"partialNote": func(day string) string { return fmt.Sprintf(partialNote, day) },
}).ParseFS(files, "report.html"))

// Title is the report's heading.
const Title = "Отчёт о работе с комментариями на официальных страницах"

// view is the report with what the template computes from it.
type view struct {
	*Report
	Title      string
	From, To   string // the period's first and last day
	MinPerWeek int
	Charts     map[string]template.HTML
	Weeks      []string  // labels of the posts' 7-day spans
	PostRows   []postRow // each page's posts per span
}

type postRow struct {
	Account string
	Cells   []postCell
	Since   string // the day counting began, when some span is partial
}

// postCell is a page's posts in one span; Low: a whole 7 days with fewer
// than the norm (a shorter first span is not judged, nor a partial one);
// Partial: the span began before strazh counted the page's posts.
type postCell struct {
	N            int
	Low, Partial bool
}

func (r *Report) view(loc *time.Location, minPerWeek int) *view {
	v := &view{Report: r, Title: Title, MinPerWeek: minPerWeek, Charts: map[string]template.HTML{},
		From: ruDate(r.Period.Since.In(loc)), To: ruDate(r.Period.Until.In(loc).AddDate(0, 0, -1))}
	var x []string
	com, del, rev := make([]float64, len(r.Days)), make([]float64, len(r.Days)), make([]float64, len(r.Days))
	for i, d := range r.Days {
		x = append(x, d.Date.Format("02.01"))
		com[i], del[i], rev[i] = float64(d.Comments), float64(d.Deleted), float64(d.Reviewed)
	}
	v.Charts["days"] = template.HTML(chart.Lines(chart.Options{ID: "days", Title: "Комментарии по дням",
		Desc: "Комментарии, удалённые и отправленные на проверку по дням"}, x,
		[]chart.Series{{Name: "комментарии", Values: com}, {Name: "удалено", Values: del}, {Name: "на проверку", Values: rev}}))
	v.Charts["reasons"] = template.HTML(chart.Bars(chart.Options{ID: "reasons", Title: "Удалено по причинам",
		Desc: "Удалённые комментарии по причинам"}, bars(r.ByReason)))
	for i, s := range r.WeekStarts {
		end := r.Period.Until
		if i+1 < len(r.WeekStarts) {
			end = r.WeekStarts[i+1]
		}
		v.Weeks = append(v.Weeks, s.In(loc).Format("02.01")+"–"+end.In(loc).AddDate(0, 0, -1).Format("02.01"))
	}
	for _, pg := range r.Pages {
		row := postRow{Account: pg.Account}
		for i, n := range pg.Weeks {
			end := r.Period.Until
			if i+1 < len(r.WeekStarts) {
				end = r.WeekStarts[i+1]
			}
			whole := !r.WeekStarts[i].AddDate(0, 0, 7).After(end)
			partial := r.WeekStarts[i].Before(pg.PostsSince)
			row.Cells = append(row.Cells, postCell{N: n, Partial: partial,
				Low: whole && !partial && minPerWeek > 0 && n < minPerWeek})
		}
		if !pg.PostsSince.IsZero() {
			row.Since = ruDate(pg.PostsSince.In(loc))
		}
		v.PostRows = append(v.PostRows, row)
	}
	if len(r.WeekStarts) > 0 {
		var ss []chart.Series
		for _, pg := range r.Pages {
			vals := make([]float64, len(pg.Weeks))
			for i, n := range pg.Weeks {
				vals[i] = float64(n)
			}
			ss = append(ss, chart.Series{Name: pg.Account, Values: vals})
		}
		if minPerWeek > 0 {
			line := make([]float64, len(v.Weeks))
			for i := range line {
				line[i] = float64(minPerWeek)
			}
			ss = append(ss, chart.Series{Name: fmt.Sprintf("норма: %d в неделю", minPerWeek), Values: line})
		}
		v.Charts["posts"] = template.HTML(chart.Lines(chart.Options{ID: "posts", Title: "Публикации страниц по неделям",
			Desc: "Собственные публикации каждой страницы за 7 дней"}, v.Weeks, ss))
	}
	if r.Appeals != nil {
		v.Charts["topics"] = template.HTML(chart.Bars(chart.Options{ID: "topics", Title: "Обращения по темам",
			Desc: "Обращения граждан по темам"}, bars(r.Appeals.ByTopic)))
	}
	return v
}

// partialNote says why a page's first spans are partial (%s: the day).
const partialNote = "сеть не отдаёт прошлые публикации, strazh считает их с %s; недели, начатые раньше, посчитаны не полностью (неполная) и не оцениваются."

func bars(cs []Count) []chart.Bar {
	out := make([]chart.Bar, len(cs))
	for i, c := range cs {
		out[i] = chart.Bar{Label: c.Name, Value: float64(c.N)}
	}
	return out
}

// HTML writes the report as one self-contained page (inline CSS and SVG,
// no scripts, no request anywhere). minPerWeek marks the pages that
// published less (0: no mark).
func (r *Report) HTML(w io.Writer, loc *time.Location, minPerWeek int) error {
	t, err := page.Clone()
	if err != nil {
		return err
	}
	t.Funcs(template.FuncMap{"ru": func(at time.Time) string { return at.In(loc).Format("02.01.2006 15:04") }})
	return t.Execute(w, r.view(loc, minPerWeek))
}

// Markdown writes the report as Markdown tables (no charts).
func (r *Report) Markdown(w io.Writer, loc *time.Location, minPerWeek int) error {
	v := r.view(loc, minPerWeek)
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n%s — %s\n\n", v.Title, v.From, v.To)
	b.WriteString("## Комментарии\n\n| Показатель | Значение |\n|---|---:|\n")
	for _, row := range v.Summary() {
		fmt.Fprintf(&b, "| %s | %s |\n", row[0], row[1])
	}
	b.WriteString("\n## Удалено по причинам\n\n| Причина | Удалено |\n|---|---:|\n")
	for _, c := range r.ByReason {
		fmt.Fprintf(&b, "| %s | %d |\n", mdEsc(c.Name), c.N)
	}
	b.WriteString("\n## Страницы\n\n| Страница | Комментариев | Удалено | Забанено | На проверку |\n|---|---:|---:|---:|---:|\n")
	for _, pg := range r.Pages {
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d |\n", mdEsc(pg.Account), pg.Comments, pg.Deleted, pg.Banned, pg.Reviewed)
	}
	if len(v.Weeks) > 0 {
		fmt.Fprintf(&b, "\n## Публикации страниц за 7 дней")
		if minPerWeek > 0 {
			fmt.Fprintf(&b, " (норма — не меньше %d)", minPerWeek)
		}
		b.WriteString("\n\n| Страница | " + strings.Join(v.Weeks, " | ") + " |\n|---|" + strings.Repeat("---:|", len(v.Weeks)) + "\n")
		for _, row := range v.PostRows {
			fmt.Fprintf(&b, "| %s |", mdEsc(row.Account))
			for _, c := range row.Cells {
				mark := ""
				switch {
				case c.Low:
					mark = " ⚠"
				case c.Partial:
					mark = " (неполная)"
				}
				fmt.Fprintf(&b, " %d%s |", c.N, mark)
			}
			b.WriteString("\n")
		}
		for _, row := range v.PostRows {
			if row.Since != "" {
				fmt.Fprintf(&b, "\n%s: %s\n", mdEsc(row.Account), fmt.Sprintf(partialNote, row.Since))
			}
		}
	}
	if a := r.Appeals; a != nil {
		fmt.Fprintf(&b, "\n## Обращения граждан\n\nВсего %d, отвечено %d, в срок %s, с опозданием или без ответа после срока %d, ждут ответа (срок не истёк) %d.\n\n| Тема | Обращений |\n|---|---:|\n",
			a.Total, a.Answered, pct(a.ShareOnTime()), a.Late, a.Waiting)
		for _, c := range a.ByTopic {
			fmt.Fprintf(&b, "| %s | %d |\n", mdEsc(c.Name), c.N)
		}
	}
	if g := r.Guard; g != nil {
		fmt.Fprintf(&b, "\n## События безопасности\n\n")
		if len(g.Events) == 0 {
			b.WriteString("Событий не было.\n")
		} else {
			b.WriteString("| Время | Страница | Событие | Кто / что | Подробности |\n|---|---|---|---|---|\n")
			for _, e := range g.Events {
				fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", e.At.In(loc).Format("02.01.2006 15:04"), mdEsc(e.Account), kindName(e.Kind), mdEsc(e.Subject), mdEsc(e.Detail))
			}
		}
	}
	if len(r.Missing) > 0 {
		b.WriteString("\n## Не вошло в отчёт\n\n")
		for _, m := range r.Missing {
			b.WriteString("- " + m + "\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Summary are the key numbers, as label and value.
func (v *view) Summary() [][2]string {
	r := v.Report
	return [][2]string{
		{"Комментариев", fmt.Sprint(r.Comments)},
		{"Оставлено", fmt.Sprint(r.Allowed)},
		{"Удалено (и не восстановлено)", fmt.Sprint(r.Deleted)},
		{"из них с баном автора", fmt.Sprint(r.Banned)},
		{"Восстановлено модераторами", fmt.Sprint(r.Restored)},
		{"Отправлено на проверку", fmt.Sprint(r.Reviewed)},
		{"Решено модераторами", fmt.Sprint(r.ReviewDecided)},
		{"Без решения в срок (оставлено)", fmt.Sprint(r.TimedOut)},
		{"Закрыто: автор изменил текст (проверен заново)", fmt.Sprint(r.ClosedByEdit)},
		{"Ждут решения", fmt.Sprint(r.Pending)},
		{"Время до решения модератора: медиана", ruDuration(r.ReviewMedian)},
		{"Время до решения модератора: 9 из 10 быстрее", ruDuration(r.ReviewP90)},
	}
}

// mdEsc keeps a cell's text from breaking the table.
func mdEsc(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "\r", " ").Replace(s)
}

var months = [...]string{"января", "февраля", "марта", "апреля", "мая", "июня", "июля",
	"августа", "сентября", "октября", "ноября", "декабря"}

func ruDate(t time.Time) string {
	return fmt.Sprintf("%d %s %d г.", t.Day(), months[t.Month()-1], t.Year())
}

// ruDuration is "1 ч 25 мин", "35 мин", "2 дн 3 ч", "—" for none.
func ruDuration(d time.Duration) string {
	if d <= 0 {
		return "—"
	}
	d = d.Round(time.Minute)
	days, hours, mins := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case days > 0:
		return fmt.Sprintf("%d дн %d ч", days, hours)
	case hours > 0:
		return fmt.Sprintf("%d ч %d мин", hours, mins)
	case mins > 0:
		return fmt.Sprintf("%d мин", mins)
	}
	return "меньше минуты"
}

// pct is a share as "87 %" ("—" for none).
func pct(f float64) string {
	if f < 0 {
		return "—"
	}
	return fmt.Sprintf("%.0f %%", f*100)
}
