package web

import (
	"errors"
	"net/http"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/store"
)

// Users are added and given passwords from the shell (`strazh users`, the
// password never crosses the web); admins see them here and can remove
// one, which ends that user's sessions.

type usersData struct {
	Users   []store.WebUser
	Removed string
}

func (s *Server) users(w http.ResponseWriter, r *http.Request) {
	list, err := s.deps.Store.WebUsers()
	if err != nil {
		s.storeFailed(w, r, "users", err)
		return
	}
	s.render(w, r, http.StatusOK, "users", usersData{Users: list, Removed: r.URL.Query().Get("removed")})
}

func (s *Server) removeUser(w http.ResponseWriter, r *http.Request) {
	sess := sessionOf(r)
	name := r.PostFormValue("name")
	if name == "" || name == sess.user.Name {
		s.fail(w, r, http.StatusBadRequest, "Себя удалить нельзя; укажите другого пользователя.")
		return
	}
	err := s.deps.Store.RemoveWebUser(name)
	switch {
	case errors.Is(err, moderation.ErrNotFound):
		s.fail(w, r, http.StatusNotFound, "Нет такого пользователя.")
		return
	case err != nil:
		s.storeFailed(w, r, "remove user", err)
		return
	}
	s.log.Info("web user removed", "user", name, "by", "web:"+sess.user.Name)
	http.Redirect(w, r, "/users?removed="+name, http.StatusSeeOther)
}
