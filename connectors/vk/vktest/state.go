package vktest

import (
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"time"
)

// Kind is where a comment lives.
type Kind string

// Kinds of comments the fake keeps.
const (
	KindWall    Kind = "wall"
	KindPhoto   Kind = "photo"
	KindVideo   Kind = "video"
	KindMarket  Kind = "market"
	KindBoard   Kind = "board"
	KindMessage Kind = "message"
)

// APIVersion is the version the fake stamps on long-poll events and the
// shapes it answers in unless a call asks for an older v (§1.2).
const APIVersion = "5.199"

type post struct {
	id     int
	date   int64
	text   string
	from   int    // author; 0: the community (page.go)
	kind   string // post_type; "": post
	pinned bool
}

type topic struct {
	id      int
	title   string
	created int64
	updated int64
}

type key struct {
	kind Kind
	id   int
}

// item is a comment, a board post or a private message.
type item struct {
	kind    Kind
	id      int
	object  int // post, photo, video, market item or topic id
	from    int
	date    int64
	text    string
	deleted bool
	replyTo int   // wall: the comment this one answers (0: top level)
	root    int   // wall: the top-level comment of its thread (0: top level)
	peer    int   // message: the dialog
	cmid    int   // message: conversation_message_id
	version int   // message: bumped by each edit
	updated int64 // message: update_time of the last edit
}

// Ban is a ban as the fake keeps it.
type Ban struct {
	UserID  int
	Until   time.Time // zero: forever
	Reason  int       // 0 other, 1 spam, 2 verbal abuse, 3 strong language, 4 off-topic
	Comment string
	Visible bool
	AdminID int
	At      time.Time
}

type lpEvent struct {
	ts  int
	raw json.RawMessage
}

type longPoll struct {
	key     string
	keyN    int
	base    int // ts of log[0]
	log     []lpEvent
	enabled bool
	events  map[string]bool // event types switched on by setLongPollSettings
	seq     int
}

func (l *longPoll) next() int { return l.base + len(l.log) }

// HandAdminID is the manager who makes bans "by hand" (BlockByHand).
func (s *Server) HandAdminID() int { return s.opts.AdminID + 1 }

func (s *Server) managers() []int {
	m := []int{s.opts.AdminID, s.HandAdminID()}
	m = append(m, s.opts.Managers...)
	m = append(m, s.guard.added...) // guard.go
	return slices.DeleteFunc(m, func(id int) bool { return s.guard.gone[id] })
}

// queue appends a long-poll event when the long poll and the event type are
// switched on (as VK only sends enabled events). s.mu must be held.
func (s *Server) queue(typ string, obj any) {
	if !s.lp.enabled || !s.lp.events[typ] || s.lpMute {
		return
	}
	s.lp.seq++
	sum := sha1.Sum([]byte(fmt.Sprintf("%d/%d", s.opts.GroupID, s.lp.seq)))
	raw, _ := json.Marshal(map[string]any{
		"type":     typ,
		"event_id": hex.EncodeToString(sum[:]),
		"v":        APIVersion,
		"object":   obj,
		"group_id": s.opts.GroupID,
	})
	s.lp.log = append(s.lp.log, lpEvent{ts: s.lp.next(), raw: raw})
	if over := len(s.lp.log) - s.opts.History; over > 0 {
		s.lp.log = append([]lpEvent(nil), s.lp.log[over:]...)
		s.lp.base += over
	}
	close(s.changed)
	s.changed = make(chan struct{})
}

// --- scripting: what citizens and managers do ---

// AddUser names a user (users.get answers with it).
func (s *Server) AddUser(id int, first, last string) {
	s.mu.Lock()
	s.users[id] = first + " " + last
	s.mu.Unlock()
}

// AddPost publishes a wall post by the community and returns its id.
func (s *Server) AddPost(text string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addPostLocked(text, time.Now())
}

// AddPostAt publishes a wall post dated at t (for catch-up windows).
func (s *Server) AddPostAt(text string, t time.Time) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addPostLocked(text, t)
}

func (s *Server) addPostLocked(text string, t time.Time) int {
	s.seq["post"]++
	id := s.seq["post"]
	s.posts[id] = &post{id: id, date: t.Unix(), text: text}
	return id
}

// AddComment writes a wall comment under post (created if unknown) as
// fromID and returns its id; wall_reply_new is queued.
func (s *Server) AddComment(postID, fromID int, text string) int {
	return s.AddReply(postID, fromID, 0, text)
}

// AddReply writes a wall comment answering comment replyTo (0: top level).
func (s *Server) AddReply(postID, fromID, replyTo int, text string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.posts[postID] == nil {
		s.posts[postID] = &post{id: postID, date: time.Now().Unix()}
		if postID > s.seq["post"] {
			s.seq["post"] = postID
		}
	}
	it := s.newItem(KindWall, postID, fromID, text)
	if p := s.items[key{KindWall, replyTo}]; p != nil {
		it.replyTo = replyTo
		it.root = replyTo
		if p.root != 0 {
			it.root = p.root
		}
	}
	s.queue("wall_reply_new", s.commentObject(it))
	return it.id
}

func (s *Server) newItem(kind Kind, object, from int, text string) *item {
	s.seq[kind]++
	it := &item{kind: kind, id: s.seq[kind], object: object, from: from, date: time.Now().Unix(), text: text}
	s.items[key{kind, it.id}] = it
	return it
}

// mediaObject is the photo, video or market item comments of that kind go to.
func (s *Server) mediaObject(kind Kind) int {
	if s.objects[kind] == 0 {
		s.objects[kind] = s.addMediaLocked(kind, time.Now())
	}
	return s.objects[kind]
}

// AddMediaComment writes a comment under the community's photo, video or
// market item (KindPhoto, KindVideo, KindMarket) and returns its id.
func (s *Server) AddMediaComment(kind Kind, fromID int, text string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	it := s.newItem(kind, s.mediaObject(kind), fromID, text)
	s.queue(string(kind)+"_comment_new", s.commentObject(it))
	return it.id
}

// AddTopic opens a board topic and returns its id.
func (s *Server) AddTopic(title string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq["topic"]++
	id := s.seq["topic"]
	now := time.Now().Unix()
	s.topics[id] = &topic{id: id, title: title, created: now, updated: now}
	return id
}

// AddBoardPost writes a post in a board topic (created if unknown) and
// returns its id; board_post_new is queued.
func (s *Server) AddBoardPost(topicID, fromID int, text string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.topics[topicID]
	if t == nil {
		t = &topic{id: topicID, title: "Обсуждение", created: time.Now().Unix()}
		s.topics[topicID] = t
		if topicID > s.seq["topic"] {
			s.seq["topic"] = topicID
		}
	}
	it := s.newItem(KindBoard, topicID, fromID, text)
	t.updated = it.date
	s.queue("board_post_new", s.commentObject(it))
	return it.id
}

// SendMessage sends a private message from a user to the community and
// returns its message id; message_new is queued.
func (s *Server) SendMessage(fromID int, text string) int {
	return s.SendMessageAt(fromID, text, time.Now())
}

// SendMessageAt is SendMessage dated at t (VK deletes a message for
// everybody only within 24 hours of it).
func (s *Server) SendMessageAt(fromID int, text string, at time.Time) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq[KindMessage]++
	s.cmids[fromID]++
	it := &item{kind: KindMessage, id: s.seq[KindMessage], from: fromID, peer: fromID,
		cmid: s.cmids[fromID], date: at.Unix(), text: text}
	s.msgs[it.id] = it
	s.queue("message_new", map[string]any{
		"message": s.messageObject(it),
		"client_info": map[string]any{
			"button_actions": []string{"text"}, "keyboard": true,
			"inline_keyboard": true, "carousel": true, "lang_id": 0,
		},
	})
	return it.id
}

// Edit changes a comment's text (any kind but messages); *_edit is queued.
func (s *Server) Edit(kind Kind, id int, text string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	it := s.items[key{kind, id}]
	if it == nil {
		return fmt.Errorf("vktest: no %s comment %d", kind, id)
	}
	it.text = text
	s.queue(eventName(kind, "edit"), s.commentObject(it))
	return nil
}

// EditComment changes a wall comment's text.
func (s *Server) EditComment(id int, text string) error { return s.Edit(KindWall, id, text) }

// DeleteByHand deletes a comment as a manager would in VK.
func (s *Server) DeleteByHand(kind Kind, id int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	it := s.items[key{kind, id}]
	if it == nil {
		return fmt.Errorf("vktest: no %s comment %d", kind, id)
	}
	s.deleteLocked(it, s.HandAdminID())
	return nil
}

// RestoreByHand restores a deleted comment as a manager would in VK;
// *_restore is queued.
func (s *Server) RestoreByHand(kind Kind, id int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	it := s.items[key{kind, id}]
	if it == nil || !it.deleted {
		return fmt.Errorf("vktest: %s comment %d is not deleted", kind, id)
	}
	s.restoreLocked(it)
	return nil
}

// BlockByHand bans a user as a manager would in VK (until zero: forever);
// user_block is queued.
func (s *Server) BlockByHand(userID int, until time.Time, reason int, comment string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.banLocked(Ban{UserID: userID, Until: until, Reason: reason, Comment: comment, AdminID: s.HandAdminID(), At: time.Now()})
}

// UnblockByHand lifts a ban as a manager would; user_unblock is queued.
func (s *Server) UnblockByHand(userID int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.unbanLocked(userID, s.HandAdminID())
}

// --- queries ---

// Deleted reports whether a comment (or, for KindMessage, a message) is
// deleted.
func (s *Server) Deleted(kind Kind, id int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if kind == KindMessage {
		m := s.msgs[id]
		return m != nil && m.deleted
	}
	it := s.items[key{kind, id}]
	return it != nil && it.deleted
}

// DeletedCount counts deleted comments and messages of every kind.
func (s *Server) DeletedCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, it := range s.items {
		if it.deleted {
			n++
		}
	}
	for _, m := range s.msgs {
		if m.deleted {
			n++
		}
	}
	return n
}

// Text returns a comment's current text.
func (s *Server) Text(kind Kind, id int) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if kind == KindMessage {
		if m := s.msgs[id]; m != nil {
			return m.text, true
		}
		return "", false
	}
	if it := s.items[key{kind, id}]; it != nil {
		return it.text, true
	}
	return "", false
}

// Bans returns the bans in force, by user id.
func (s *Server) Bans() map[int]Ban {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[int]Ban, len(s.bans))
	for id, b := range s.bans {
		out[id] = b
	}
	return out
}

// LongPollTs is the ts the next queued event will get.
func (s *Server) LongPollTs() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lp.next()
}

// LongPollEnabled reports whether setLongPollSettings switched the long poll
// on, and which event types.
func (s *Server) LongPollEnabled() (bool, []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var evs []string
	for e, on := range s.lp.events {
		if on {
			evs = append(evs, e)
		}
	}
	sort.Strings(evs)
	return s.lp.enabled, evs
}

// --- state changes shared by scripting and methods (s.mu held) ---

func eventName(kind Kind, what string) string {
	switch kind {
	case KindWall:
		return "wall_reply_" + what
	case KindBoard:
		return "board_post_" + what
	}
	return string(kind) + "_comment_" + what
}

func (s *Server) deleteLocked(it *item, by int) {
	if it.deleted {
		return
	}
	it.deleted = true
	obj := map[string]any{"owner_id": -s.opts.GroupID, "id": it.id, "deleter_id": by, "user_id": by}
	switch it.kind {
	case KindWall:
		obj["post_id"] = it.object
	case KindPhoto:
		obj["photo_id"] = it.object
	case KindVideo:
		obj["video_id"] = it.object
	case KindMarket:
		obj["item_id"] = it.object
	case KindBoard:
		// The schema has deleter_id, vksdk not (§1.4): the union.
		obj = map[string]any{"topic_owner_id": -s.opts.GroupID, "topic_id": it.object, "id": it.id, "deleter_id": by}
	}
	s.queue(eventName(it.kind, "delete"), obj)
}

func (s *Server) restoreLocked(it *item) {
	it.deleted = false
	s.queue(eventName(it.kind, "restore"), s.commentObject(it))
}

func (s *Server) banLocked(b Ban) {
	s.bans[b.UserID] = b
	var until int64
	if !b.Until.IsZero() {
		until = b.Until.Unix()
	}
	s.queue("user_block", map[string]any{
		"admin_id": b.AdminID, "user_id": b.UserID, "unblock_date": until,
		"reason": b.Reason, "comment": b.Comment,
	})
}

func (s *Server) unbanLocked(userID, by int) {
	delete(s.bans, userID)
	s.queue("user_unblock", map[string]any{"admin_id": by, "user_id": userID, "by_end_date": 0})
}

// commentObject renders a comment as VK's event and API objects do (§1.4).
func (s *Server) commentObject(it *item) map[string]any {
	owner := -s.opts.GroupID
	o := map[string]any{
		"id": it.id, "from_id": it.from, "date": it.date, "text": it.text,
		"attachments": []any{}, "likes": map[string]any{"count": 0, "can_like": 1},
	}
	switch it.kind {
	case KindWall:
		o["post_id"] = it.object
		o["owner_id"] = owner
		o["post_owner_id"] = owner
		stack := []int{}
		if it.root != 0 {
			stack = append(stack, it.root)
			if it.replyTo != it.root {
				stack = append(stack, it.replyTo)
			}
			if p := s.items[key{KindWall, it.replyTo}]; p != nil {
				o["reply_to_user"] = p.from
				o["reply_to_comment"] = p.id
			}
		}
		o["parents_stack"] = stack
	case KindPhoto:
		o["photo_id"] = it.object
		o["photo_owner_id"] = owner
	case KindVideo:
		o["video_id"] = it.object
		o["video_owner_id"] = owner
	case KindMarket:
		o["item_id"] = it.object
		o["market_owner_id"] = owner
	case KindBoard:
		// unverified: topic_id/topic_owner_id are reported in board_post_*
		// events but absent from the schema and from vksdk (§1.4).
		o["topic_id"] = it.object
		o["topic_owner_id"] = owner
	}
	return o
}

func (s *Server) userObject(id int) map[string]any {
	name, ok := s.users[id]
	if !ok {
		// Users the script did not name get a made-up one.
		name = "Пользователь " + strconv.Itoa(id)
	}
	first, last := name, ""
	for i := range len(name) {
		if name[i] == ' ' {
			first, last = name[:i], name[i+1:]
			break
		}
	}
	return map[string]any{"id": id, "first_name": first, "last_name": last,
		"can_access_closed": true, "is_closed": false}
}
