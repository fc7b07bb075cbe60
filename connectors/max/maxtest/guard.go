package maxtest

import (
	"slices"

	"github.com/strazh/strazh/connectors/max/maxapi"
)

// The account guard's side of the fake: the channel's admins with their
// rights (GET /chats/{chatId}/members/admins), scriptable.

// DefaultBotPermissions are the bot's rights unless SetBotPermissions
// changed them.
var DefaultBotPermissions = []string{"read_all_messages", "write", "edit", "delete", "pin_message"}

// guardState is the fake's admins' rights (s.mu).
type guardState struct {
	botPerms []string // nil: DefaultBotPermissions
	set      bool
}

// SetAdmins replaces the channel's admins other than the bot.
func (s *Server) SetAdmins(users ...maxapi.User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	admins := []maxapi.User{}
	for _, u := range s.admins {
		if u.UserID == BotID {
			admins = append(admins, u)
		}
	}
	s.admins = append(admins, users...)
}

// SetBotPermissions sets the bot's admin rights in the channel; none at
// all takes the bot off the admins.
func (s *Server) SetBotPermissions(perms ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.guard.botPerms, s.guard.set = slices.Clone(perms), true
}

// adminMembers is the admins' list with rights (s.mu held): the bot's as
// set, the first other admin the owner with every right.
func (s *Server) adminMembers() []maxapi.Member {
	perms := DefaultBotPermissions
	if s.guard.set {
		perms = s.guard.botPerms
	}
	out := []maxapi.Member{}
	owner := true
	for _, u := range s.admins {
		if u.UserID == BotID {
			if len(perms) > 0 {
				out = append(out, maxapi.Member{User: u, IsAdmin: true, Permissions: perms})
			}
			continue
		}
		out = append(out, maxapi.Member{User: u, IsAdmin: true, IsOwner: owner,
			Permissions: []string{"read_all_messages", "write", "edit", "delete", "pin_message", "change_chat_info", "add_remove_members", "add_admins"}})
		owner = false
	}
	return out
}
