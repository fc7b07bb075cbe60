package web

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
)

// The appeals page lists the answered and closed appeals under the open
// ones, the latest outcome first: who, how and when — answered on the
// network, «Ответили вне соцсети», «Не обращение», closed as expired —
// for every role, per page with ?account=, in English too.
func TestServer_Appeals_ClosedList(t *testing.T) {
	sf := newSimFixture(t)
	now := time.Now()
	_, page := sf.openAppeal(101, "page", "Когда засыплют яму?", now.Add(-50*time.Hour))
	_, elsewhere := sf.openAppeal(102, "page", "Где справка о ремонте?", now.Add(-40*time.Hour))
	_, notAppeal := sf.openAppeal(103, "page", "Спасибо за праздник", now.Add(-30*time.Hour))
	_, expired := sf.openAppeal(104, "page", "Когда уберут снег?", now.Add(-20*time.Hour))
	_, open := sf.openAppeal(105, "page", "Почему нет света?", now.Add(5*time.Hour))
	_, board := sf.openAppeal(106, "board", "Когда откроют школу?", now.Add(-10*time.Hour))
	for _, u := range []struct {
		id uint64
		fn func(a *moderation.Appeal) error
	}{
		{page, moderation.AnswerAppeal(now.Add(-70*time.Hour), "page", "r1")},                              // before its deadline
		{elsewhere, moderation.CloseAppeal(moderation.ClosedElsewhere, now.Add(-5*time.Hour), "web:anna")}, // after it
		{notAppeal, moderation.CloseAppeal(moderation.ClosedNotAppeal, now.Add(-4*time.Hour), "telegram:7")},
		{expired, moderation.ExpireAppeal(now.Add(-3 * time.Hour))},
		{board, moderation.AnswerAppeal(now.Add(-2*time.Hour), "manager:42", "r2")},
	} {
		if _, err := sf.db.UpdateAppeal(u.id, u.fn); err != nil {
			t.Fatal(err)
		}
	}
	c := sf.client()
	c.login("view", "password-view")
	_, body, _ := c.do("GET", "/appeals", nil)
	if !strings.Contains(body, "<h2 id=\"closed\">Закрытые обращения</h2>") {
		t.Fatalf("no closed list:\n%s", body)
	}
	rows := closedRowIDs(body)
	if want := []string{itoa(board), itoa(expired), itoa(notAppeal), itoa(elsewhere), itoa(page)}; strings.Join(rows, " ") != strings.Join(want, " ") {
		t.Fatalf("closed rows %v, want %v (latest outcome first, the open one left out)", rows, want)
	}
	for id, want := range map[uint64][]string{
		page:      {`class="answered"`, "Ответили в соцсети · <span class=\"ok\">в срок", "<td>страница</td>"},
		elsewhere: {`class="elsewhere"`, "Ответили вне соцсети · <span class=\"error\">не в срок", "<td>web:anna</td>"},
		notAppeal: {`class="not-appeal"`, "Не обращение</td>", "<td>telegram:7</td>"},
		expired:   {`class="expired"`, "Осталось без ответа: закрыто автоматически · <span class=\"error\">не в срок", "<td>strazh</td>"},
		board:     {"<td>board</td>", "<td>администратор страницы 42</td>"},
	} {
		row := closedRow(t, body, id)
		for _, w := range want {
			if !strings.Contains(row, w) {
				t.Errorf("closed row %d lacks %q:\n%s", id, w, row)
			}
		}
	}
	if !strings.Contains(body, `id="appeal-`+itoa(open)+`"`) || strings.Contains(body, `id="closed-`+itoa(open)+`"`) {
		t.Errorf("the open appeal is not listed as open only")
	}

	_, body, _ = c.do("GET", "/appeals?account=board", nil)
	if rows := closedRowIDs(body); len(rows) != 1 || rows[0] != itoa(board) {
		t.Errorf("closed rows of board: %v", rows)
	}
	_, body, _ = c.do("GET", "/appeals?lang=en", nil)
	for _, w := range []string{"Closed appeals", "Outcome", "Answered on the network", "Answered elsewhere", "Not an appeal",
		"Never answered: closed automatically", ">on time<", ">late<", "<td>the page</td>"} {
		if !strings.Contains(body, w) {
			t.Errorf("the English page lacks %q", w)
		}
	}
	for q, want := range map[string]int{"closed_after=x": http.StatusBadRequest, "closed_after=0": http.StatusBadRequest,
		"closed_after=999": http.StatusNotFound} {
		if code, _, _ := c.do("GET", "/appeals?"+q, nil); code != want {
			t.Errorf("%s: %d, want %d", q, code, want)
		}
	}
}

var closedRowRE = regexp.MustCompile(`<tr class="[^"]*" id="closed-(\d+)">`)

func closedRowIDs(body string) []string {
	var ids []string
	for _, m := range closedRowRE.FindAllStringSubmatch(body, -1) {
		ids = append(ids, m[1])
	}
	return ids
}

func closedRow(t *testing.T, body string, id uint64) string {
	t.Helper()
	i := strings.Index(body, `id="closed-`+itoa(id)+`"`)
	if i < 0 {
		t.Fatalf("no closed row %d", id)
	}
	start := strings.LastIndex(body[:i], "<tr")
	end := strings.Index(body[i:], "</tr>")
	return body[start : i+end]
}

// 120 closed appeals are shown 50 at a time, the latest opened first,
// each page linking the next, with the account kept.
func TestServer_Appeals_ClosedPages(t *testing.T) {
	sf := newSimFixture(t)
	t0 := time.Now().Add(-200 * time.Hour)
	for i := range 120 {
		id := uint64(i + 1)
		if _, err := sf.db.OpenAppeal(&moderation.Appeal{DecisionID: id, Network: "sim", Account: "page", CommentID: "sim:page:" + itoa(id),
			Topic: "roads", OpenedAt: t0.Add(time.Duration(i) * time.Hour), Deadline: t0.Add(time.Duration(i+24) * time.Hour),
			AnsweredAt: t0.Add(time.Duration(i+1) * time.Hour), AnsweredBy: "page"}); err != nil {
			t.Fatal(err)
		}
	}
	c := sf.client()
	c.login("view", "password-view")
	path := "/appeals?account=page"
	for _, want := range []struct {
		first, last string
		next        bool
	}{{"120", "71", true}, {"70", "21", true}, {"20", "1", false}} {
		_, body, _ := c.do("GET", path, nil)
		ids := closedRowIDs(body)
		if len(ids) == 0 || ids[0] != want.first || ids[len(ids)-1] != want.last {
			t.Fatalf("%s: rows %v, want %s..%s", path, ids, want.first, want.last)
		}
		m := regexp.MustCompile(`<a href="([^"]+)" id="closed-next">`).FindStringSubmatch(body)
		if (m != nil) != want.next {
			t.Fatalf("%s: next link %v, want %v", path, m, want.next)
		}
		if m != nil {
			path = strings.ReplaceAll(m[1], "&amp;", "&")
			if !strings.Contains(path, "account=page") || !strings.Contains(body, "Закрытые обращения") {
				t.Fatalf("next link %q lost the account", path)
			}
		}
	}
	if _, body, _ := c.do("GET", "/appeals?account=board", nil); len(closedRowIDs(body)) != 0 || !strings.Contains(body, `id="no-closed"`) {
		t.Errorf("another page's closed appeals are listed")
	}
}

// The next page's link holds its place (the last appeal and its opening
// time): the store pruning that appeal meanwhile does not end the paging,
// it goes on with the older appeals still kept.
func TestServer_Appeals_ClosedPagesGoOnAfterPruning(t *testing.T) {
	sf := newSimFixture(t)
	t0 := time.Now().Add(-100 * 24 * time.Hour) // past the history's horizon
	for i := range 60 {
		id := uint64(i + 1)
		a := &moderation.Appeal{DecisionID: id, Network: "sim", Account: "page", CommentID: "sim:page:" + itoa(id),
			Topic: "roads", OpenedAt: t0.Add(time.Duration(i) * time.Hour), Deadline: t0.Add(time.Duration(i+24) * time.Hour)}
		if id > 5 { // the five oldest were never answered: pruning closes them as expired and keeps them
			a.AnsweredAt, a.AnsweredBy = a.OpenedAt.Add(time.Hour), "page"
		}
		if _, err := sf.db.OpenAppeal(a); err != nil {
			t.Fatal(err)
		}
	}
	c := sf.client()
	c.login("view", "password-view")
	_, body, _ := c.do("GET", "/appeals?account=page", nil)
	if ids := closedRowIDs(body); len(ids) != 50 || ids[0] != "60" || ids[49] != "11" {
		t.Fatalf("first page rows %v, want 60..11", ids)
	}
	m := regexp.MustCompile(`<a href="([^"]+)" id="closed-next">`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no next link")
	}
	next := strings.ReplaceAll(m[1], "&amp;", "&")
	if _, err := sf.db.PruneHistory(t0.Add(30 * time.Hour)); err != nil { // appeal 11, the page's last, goes
		t.Fatal(err)
	}
	if _, err := sf.db.Appeal(11); err == nil {
		t.Fatal("appeal 11 was not pruned")
	}
	code, body, _ := c.do("GET", next, nil)
	if ids := closedRowIDs(body); code != http.StatusOK || strings.Join(ids, " ") != "5 4 3 2 1" {
		t.Fatalf("%s after pruning: %d, rows %v; want 200 and the five expired appeals kept", next, code, ids)
	}
	for q, want := range map[string]int{"closed_after=11-x": http.StatusBadRequest, "closed_after=-5": http.StatusBadRequest,
		"closed_after=11": http.StatusNotFound} { // a bare ID cannot say where a pruned appeal was
		if code, _, _ := c.do("GET", "/appeals?"+q, nil); code != want {
			t.Errorf("%s: %d, want %d", q, code, want)
		}
	}
}
