package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/store"
)

// auditFilter is the audit log's filters, read from the URL; the same
// filters drive the CSV export.
type auditFilter struct {
	Since, Until string // dates as typed (2026-11-01)
	Account      string
	Verdict      string // allow, review, delete, ban, or ""
	Rule         string
	Author       string // ID, or part of the name
	Text         string
	q            moderation.Query
	lowText      string
	lowAuthor    string
}

// auditPage is how many decisions one page shows; auditScan bounds the
// index entries one page reads (a search matching nothing stops there and
// offers to go on).
const (
	auditPage = 50
	auditScan = 10000
)

func parseDate(s string, loc *time.Location) (time.Time, bool) {
	if s == "" {
		return time.Time{}, true
	}
	t, err := time.ParseInLocation("2006-01-02", s, loc)
	return t, err == nil
}

// problem is a bad filter value said to people: a Russian format (the key
// of english) and its arguments, naming the field and what it wants.
type problem struct {
	Format string
	Args   []any
}

// Problem is p in the page's language.
func (v *view) Problem(p problem) string { return v.Tf(p.Format, p.Args...) }

// Limits of the filters, also said on the page.
const maxFilterBytes = 200

func readFilter(v url.Values) (auditFilter, []problem) {
	f := auditFilter{Since: v.Get("since"), Until: v.Get("until"), Account: v.Get("account"), Verdict: v.Get("verdict"),
		Rule: strings.TrimSpace(v.Get("rule")), Author: strings.TrimSpace(v.Get("author")), Text: strings.TrimSpace(v.Get("q"))}
	var probs []problem
	var ok bool
	if f.q.Since, ok = parseDate(f.Since, time.Local); !ok {
		probs = append(probs, problem{"«С»: %q — не дата (нужно, например, 2026-11-01).", []any{f.Since}})
	}
	if f.q.Until, ok = parseDate(f.Until, time.Local); !ok {
		probs = append(probs, problem{"«По»: %q — не дата (нужно, например, 2026-11-01).", []any{f.Until}})
	} else if !f.q.Until.IsZero() {
		f.q.Until = f.q.Until.AddDate(0, 0, 1) // the until day is included
	}
	if f.Verdict != "" {
		vd, err := moderation.ParseVerdict(f.Verdict)
		if err != nil {
			probs = append(probs, problem{"«Вердикт»: %q — нет такого (allow, review, delete или ban).", []any{f.Verdict}})
		}
		f.q.Verdicts = []moderation.Verdict{vd}
	}
	for _, s := range []string{f.Rule, f.Author, f.Text} {
		if len(s) > maxFilterBytes {
			probs = append(probs, problem{"Фильтр длиннее %d байт.", []any{maxFilterBytes}})
			break
		}
	}
	f.q.Account = f.Account
	f.lowText, f.lowAuthor = strings.ToLower(f.Text), strings.ToLower(f.Author)
	return f, probs
}

// keep is the filters the store cannot apply (nil when there are none).
func (f *auditFilter) keep() func(*moderation.Decision) bool {
	if f.Rule == "" && f.Author == "" && f.Text == "" {
		return nil
	}
	return func(d *moderation.Decision) bool {
		if f.Rule != "" && !slices.ContainsFunc(d.Matches, func(m moderation.Match) bool { return m.Rule == f.Rule }) {
			return false
		}
		if f.Author != "" && d.Comment.Author.ID != f.Author && !containsFold(d.Comment.Author.Name, f.lowAuthor) {
			return false
		}
		return f.Text == "" || containsFold(d.Comment.Text, f.lowText)
	}
}

// containsFold reports whether s contains low (already lower case),
// ignoring case; it lowers s only when it has upper-case letters.
func containsFold(s, low string) bool {
	if strings.Contains(s, low) {
		return true
	}
	return strings.Contains(strings.ToLower(s), low)
}

// pageQuery is the store query of one page of the log.
func (f *auditFilter) pageQuery(before store.PageCursor) store.PageQuery {
	q := store.PageQuery{Query: f.q, Before: before, Keep: f.keep(), MaxScan: auditScan}
	q.Limit = auditPage
	if f.Rule != "" {
		q.Contains = []byte(f.Rule)
	}
	for _, t := range []string{f.lowText, f.lowAuthor} {
		if t != "" {
			q.Fold = append(q.Fold, t)
		}
	}
	return q
}

// encode is the filter as URL parameters, for the next page and the CSV.
func (f *auditFilter) encode() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"since": f.Since, "until": f.Until, "account": f.Account, "verdict": f.Verdict,
		"rule": f.Rule, "author": f.Author, "q": f.Text} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

func parseCursor(s string) (store.PageCursor, bool) {
	if s == "" {
		return store.PageCursor{}, true
	}
	ns, id, ok := strings.Cut(s, ".")
	if !ok { // an ID-order cursor (no time range)
		i, err := strconv.ParseUint(s, 10, 64)
		return store.PageCursor{ID: i}, err == nil
	}
	n, err1 := strconv.ParseInt(ns, 10, 64)
	i, err2 := strconv.ParseUint(id, 10, 64)
	return store.PageCursor{At: time.Unix(0, n), ID: i}, err1 == nil && err2 == nil
}

func formatCursor(c store.PageCursor) string {
	if c.At.IsZero() {
		return strconv.FormatUint(c.ID, 10)
	}
	return strconv.FormatInt(c.At.UnixNano(), 10) + "." + strconv.FormatUint(c.ID, 10)
}

type auditData struct {
	F         auditFilter
	Accounts  []string
	Verdicts  []string
	Decisions []*moderation.Decision
	Next      string // URL of the next page ("": none)
	CSV       string // URL of the export
	Problems  []problem
	Stopped   bool // the scan bound was reached
	Scanned   int
}

func (s *Server) audit(w http.ResponseWriter, r *http.Request) {
	f, probs := readFilter(r.URL.Query())
	before, ok := parseCursor(r.URL.Query().Get("before"))
	if !ok {
		probs = append(probs, problem{"Ссылка на следующую страницу повреждена (before=%q): откройте журнал заново.", []any{r.URL.Query().Get("before")}})
	}
	data := auditData{F: f, Accounts: s.deps.Accounts, Verdicts: []string{"allow", "review", "delete", "ban"}, Problems: probs}
	if len(probs) > 0 {
		s.render(w, r, http.StatusBadRequest, "audit", data)
		return
	}
	p, err := s.deps.Store.DecisionPage(f.pageQuery(before))
	if err != nil {
		s.storeFailed(w, r, "audit", err)
		return
	}
	data.Decisions, data.Scanned = p.Decisions, p.Scanned
	v := f.encode()
	data.CSV = "/audit.csv?" + v.Encode()
	if !p.Next.IsZero() {
		data.Stopped = len(p.Decisions) < auditPage
		v.Set("before", formatCursor(p.Next))
		data.Next = "/audit?" + v.Encode()
	}
	s.render(w, r, http.StatusOK, "audit", data)
}

// auditCSV exports every decision the filters match, oldest first, in
// `strazh audit -format csv`'s columns.
func (s *Server) auditCSV(w http.ResponseWriter, r *http.Request) {
	f, probs := readFilter(r.URL.Query())
	if len(probs) > 0 {
		s.render(w, r, http.StatusBadRequest, "error", errorData{Problems: probs})
		return
	}
	if s.deps.WriteCSV == nil {
		s.fail(w, r, http.StatusNotImplemented, "Выгрузка CSV не подключена.")
		return
	}
	keep := f.keep()
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="strazh-audit-`+s.deps.Now().Format("20060102-1504")+`.csv"`)
	s.log.Info("web audit export", "user", sessionOf(r).user.Name, "filter", f.encode().Encode())
	err := s.deps.WriteCSV(w, func(fn func(*moderation.Decision) error) error {
		return s.deps.Store.Query(f.q, func(d *moderation.Decision) error {
			if keep != nil && !keep(d) {
				return nil
			}
			return fn(d)
		})
	})
	if err != nil {
		s.log.Error("web audit export", "err", err) // the status is sent: the file ends early
	}
}

type authorData struct {
	Network, ID, Name string
	Decisions         []*moderation.Decision
	Bans              []moderation.BlacklistEntry
	Stats             moderation.Stats
}

// authorHistory is how many of an author's decisions the page lists.
const authorHistory = 200

func (s *Server) author(w http.ResponseWriter, r *http.Request) {
	network, id := r.URL.Query().Get("network"), r.URL.Query().Get("id")
	if id == "" {
		s.fail(w, r, http.StatusBadRequest, "Не указан автор.")
		return
	}
	p, err := s.deps.Store.DecisionPage(store.PageQuery{Query: moderation.Query{Author: id, Limit: authorHistory},
		Keep: func(d *moderation.Decision) bool { return network == "" || d.Comment.Network == network }})
	if err != nil {
		s.storeFailed(w, r, "author", err)
		return
	}
	data := authorData{Network: network, ID: id, Decisions: p.Decisions}
	for _, d := range p.Decisions {
		data.Stats.Add(d)
		if data.Name == "" {
			data.Name = d.Comment.Author.Name
		}
	}
	bans, err := s.deps.Store.Blacklist("")
	if err != nil {
		s.storeFailed(w, r, "blacklist", err)
		return
	}
	for _, b := range bans {
		if b.Author.ID == id && (network == "" || b.Network == network) {
			data.Bans = append(data.Bans, b)
		}
	}
	s.render(w, r, http.StatusOK, "author", data)
}
