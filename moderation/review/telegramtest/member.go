package telegramtest

import "strconv"

// The account guard's side of the group fake: the bot's own rights in the
// group (getChatMember) and scripted changes of the group's admins.

// BotID is the bot's user id (getMe).
const BotID = 123456

// BotRights are the bot's admin rights in a group, as getChatMember's
// ChatMemberAdministrator has them.
type BotRights struct {
	DeleteMessages  bool
	RestrictMembers bool
}

// SetBotRights sets the bot's rights in a group (default: an admin with
// both); no rights at all makes it a plain member.
func (s *Server) SetBotRights(chatID int64, r BotRights) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if g := s.groups[chatID]; g != nil {
		g.botRights = &r
	}
}

// SetGroupAdmins replaces the group's administrators.
func (s *Server) SetGroupAdmins(chatID int64, admins ...int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if g := s.groups[chatID]; g != nil {
		g.admins = append([]int64(nil), admins...)
	}
}

// chatMember answers getChatMember in a group (mu held).
func (s *Server) chatMember(g *group, p map[string]string) (any, *apiError) {
	uid, e := int64Param(p, "user_id")
	if e != nil {
		return nil, e
	}
	if uid == BotID {
		r := BotRights{DeleteMessages: true, RestrictMembers: true}
		if g.botRights != nil {
			r = *g.botRights
		}
		bot := map[string]any{"id": BotID, "is_bot": true, "first_name": "strazh", "username": "strazh_bot"}
		if !r.DeleteMessages && !r.RestrictMembers {
			return map[string]any{"status": "member", "user": bot}, nil
		}
		return map[string]any{"status": "administrator", "user": bot, "can_be_edited": false,
			"can_delete_messages": r.DeleteMessages, "can_restrict_members": r.RestrictMembers}, nil
	}
	for _, id := range g.admins {
		if id == uid {
			return map[string]any{"status": "administrator", "user": userJSON(User{ID: uid, FirstName: "Admin"})}, nil
		}
	}
	return map[string]any{"status": "member", "user": userJSON(User{ID: uid, FirstName: "User " + strconv.FormatInt(uid, 10)})}, nil
}
