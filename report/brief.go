package report

import (
	"fmt"
	"strings"
	"time"
)

// Brief is the report's short summary for a chat message (the scheduled
// report, report.every), plain text in Russian: comments, deletions, bans,
// reviews, appeals answered on time and each page's posts per week.
func (r *Report) Brief(loc *time.Location, minPerWeek int) string {
	v := r.view(loc, minPerWeek)
	var b strings.Builder
	fmt.Fprintf(&b, "📊 Отчёт за %s: %s — %s\n", periodName(r.Period.Kind), v.From, v.To)
	fmt.Fprintf(&b, "Комментариев: %d, удалено: %d (с баном автора: %d), восстановлено: %d\n", r.Comments, r.Deleted, r.Banned, r.Restored)
	fmt.Fprintf(&b, "На проверку: %d, решено модераторами: %d (медиана %s), ждут: %d\n", r.Reviewed, r.ReviewDecided, ruDuration(r.ReviewMedian), r.Pending)
	if a := r.Appeals; a != nil {
		fmt.Fprintf(&b, "Обращений: %d, отвечено: %d, в срок: %s, ждут ответа: %d\n", a.Total, a.Answered, pct(a.ShareOnTime()), a.Waiting)
	}
	for _, row := range v.PostRows {
		cells := make([]string, len(row.Cells))
		for i, c := range row.Cells {
			cells[i] = fmt.Sprint(c.N)
			switch {
			case c.Low:
				cells[i] += " ⚠"
			case c.Partial:
				cells[i] += " (неполная)"
			}
		}
		fmt.Fprintf(&b, "Публикации %s по неделям: %s", row.Account, strings.Join(cells, ", "))
		if minPerWeek > 0 {
			fmt.Fprintf(&b, " (норма — %d)", minPerWeek)
		}
		if row.Since != "" {
			fmt.Fprintf(&b, "; считаются с %s: сеть не отдаёт прошлые публикации", row.Since)
		}
		b.WriteString("\n")
	}
	if g := r.Guard; g != nil && len(g.Events) > 0 {
		fmt.Fprintf(&b, "События безопасности: %d\n", len(g.Events))
	}
	if len(r.Missing) > 0 {
		b.WriteString("Не вошло: " + strings.Join(r.Missing, "; ") + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

func periodName(kind string) string {
	if kind == "month" {
		return "месяц"
	}
	return "неделю"
}
