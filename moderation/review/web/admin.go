package web

import (
	"context"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"time"

	"github.com/strazh/strazh/moderation"
)

type blacklistData struct {
	Entries  []moderation.BlacklistEntry
	Unbanned string // "network/author" just unbanned
	Count    int
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	if roleDecide.allows(sessionOf(r).user.Role) {
		http.Redirect(w, r, "/queue", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/stats", http.StatusSeeOther)
}

func (s *Server) blacklist(w http.ResponseWriter, r *http.Request) {
	list, err := s.deps.Store.Blacklist(r.URL.Query().Get("account"))
	if err != nil {
		s.storeFailed(w, r, "blacklist", err)
		return
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].At.After(list[j].At) })
	data := blacklistData{Entries: list, Unbanned: r.URL.Query().Get("unbanned")}
	data.Count, _ = strconv.Atoi(r.URL.Query().Get("n"))
	s.render(w, r, http.StatusOK, "blacklist", data)
}

// unban lifts a ban on every account of the network (admins).
func (s *Server) unban(w http.ResponseWriter, r *http.Request) {
	network, author := r.PostFormValue("network"), r.PostFormValue("author")
	if network == "" || author == "" || len(network) > 64 || len(author) > 128 {
		s.fail(w, r, http.StatusBadRequest, "Не указан автор или соцсеть.")
		return
	}
	by := "web:" + sessionOf(r).user.Name
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Minute)
	defer cancel()
	n, err := s.deps.Moderation.Unban(ctx, network, author, by)
	if err != nil {
		s.log.Error("web unban", "network", network, "author", author, "by", by, "err", err)
		s.fail(w, r, http.StatusBadGateway, "Разбан не удался: см. журнал службы.")
		return
	}
	s.log.Info("web unban", "network", network, "author", author, "by", by, "accounts", n)
	http.Redirect(w, r, "/blacklist?unbanned="+url.QueryEscape(network+"/"+author)+"&n="+strconv.Itoa(n), http.StatusSeeOther)
}

type statusData struct {
	Status   *Status
	Paused   bool
	PendingN int
}

func (s *Server) status(w http.ResponseWriter, r *http.Request) {
	data := statusData{Paused: s.deps.Moderation.Paused()}
	if s.deps.Status != nil {
		st := s.deps.Status()
		data.Status = &st
	}
	if p, err := s.deps.Moderation.PendingReviews(); err == nil {
		data.PendingN = len(p)
	}
	s.render(w, r, http.StatusOK, "status", data)
}

func (s *Server) pause(w http.ResponseWriter, r *http.Request) {
	by := "web:" + sessionOf(r).user.Name
	s.deps.Moderation.Pause(by)
	s.log.Info("web pause", "by", by)
	http.Redirect(w, r, "/status", http.StatusSeeOther)
}

func (s *Server) resume(w http.ResponseWriter, r *http.Request) {
	by := "web:" + sessionOf(r).user.Name
	s.deps.Moderation.Resume(by)
	s.log.Info("web resume", "by", by)
	http.Redirect(w, r, "/status", http.StatusSeeOther)
}
