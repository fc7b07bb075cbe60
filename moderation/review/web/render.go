package web

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/store"
)

// Every page is layout.html around its own template; html/template
// escapes every value (no template.HTML anywhere: citizens write the texts).
type pageTemplate = template.Template

var pageNames = []string{"login", "error", "queue", "audit", "author", "blacklist", "stats", "status", "users", "appeals"}

func parsePages() (map[string]*pageTemplate, error) {
	out := make(map[string]*pageTemplate, len(pageNames))
	for _, n := range pageNames {
		t, err := template.New("layout.html").ParseFS(assets, "templates/layout.html", "templates/parts.html", "templates/"+n+".html")
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", n, err)
		}
		out[n] = t
	}
	return out, nil
}

// view is what every template gets: the page's own data in Data, the
// user and the words in the user's language through the methods.
type view struct {
	Page    string
	Lang    string
	User    *store.WebUser
	CSRF    string
	Paused  bool
	Appeals bool // appeals are tracked: the menu shows their page
	Data    any
	loc     *time.Location
}

// T translates a Russian text (the key) for English pages.
func (v *view) T(ru string) string {
	if v.Lang == "en" {
		if en, ok := english[ru]; ok {
			return en
		}
	}
	return ru
}

// Tf is T with fmt.Sprintf arguments.
func (v *view) Tf(ru string, args ...any) string { return fmt.Sprintf(v.T(ru), args...) }

// Time is a time in the daemon's zone.
func (v *view) Time(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(v.loc).Format("02.01.2006 15:04")
}

// Verdict names a decision's final verdict for people.
func (v *view) Verdict(d *moderation.Decision) string {
	w := verdictWord(d.Final())
	if d.UndoneBy != "" {
		w = "восстановлен"
	}
	return v.T(w)
}

func verdictWord(vd moderation.Verdict) string {
	switch vd {
	case moderation.Allow:
		return "оставлен"
	case moderation.Review:
		return "на проверке"
	case moderation.Delete:
		return "удалён"
	case moderation.Ban:
		return "удалён и забанен"
	}
	return vd.String()
}

// By names who decided a decision (the moderator once a review is decided).
func (v *view) By(d *moderation.Decision) string {
	if d.Review != nil && d.Review.Status == moderation.ReviewDecided {
		if d.Review.By == moderation.ByEdit {
			return v.T("изменён автором, новый текст проверен заново")
		}
		if d.Review.ByName != "" && !strings.HasSuffix(d.Review.By, ":"+d.Review.ByName) {
			return d.Review.By + " (" + d.Review.ByName + ")"
		}
		return d.Review.By
	}
	if d.DecidedBy == moderation.ByAuto {
		return v.T("автоматически")
	}
	return d.DecidedBy
}

// Can reports whether the user's role allows "decide" or "admin".
func (v *view) Can(what string) bool {
	if v.User == nil {
		return false
	}
	switch what {
	case "decide":
		return roleDecide.allows(v.User.Role)
	case "admin":
		return roleAdmin.allows(v.User.Role)
	}
	return false
}

// lang picks the page language: ?lang= (remembered in a cookie), the
// cookie, the user's setting, Russian.
func (s *Server) lang(w http.ResponseWriter, r *http.Request, u *store.WebUser) string {
	if l := r.URL.Query().Get("lang"); l == "en" || l == "ru" {
		s.setCookie(w, cookieLang, l, 365*24*time.Hour)
		return l
	}
	if c, err := r.Cookie(cookieLang); err == nil && (c.Value == "en" || c.Value == "ru") {
		return c.Value
	}
	if u != nil && u.Lang == "en" {
		return "en"
	}
	return "ru"
}

// render executes a page into a buffer first, so a template error is a
// clean 500, not half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, code int, page string, data any) {
	v := &view{Page: page, Data: data, loc: time.Local, Paused: s.deps.Moderation.Paused(), Appeals: s.deps.Appeals != nil}
	if sess := sessionOf(r); sess != nil {
		v.User, v.CSRF = &sess.user, sess.csrf
	}
	v.Lang = s.lang(w, r, v.User)
	var buf bytes.Buffer
	if err := s.pages[page].Execute(&buf, v); err != nil {
		s.log.Error("render page", "page", page, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	w.Write(buf.Bytes())
}

type errorData struct {
	Message  string
	Problems []problem // bad query values, each said in the page's language
}

// fail answers with an error page saying msg (Russian, translated by T).
func (s *Server) fail(w http.ResponseWriter, r *http.Request, code int, msg string) {
	s.render(w, r, code, "error", errorData{Message: msg})
}
