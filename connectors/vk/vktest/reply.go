package vktest

import (
	"net/url"
	"strconv"
	"time"
)

// The community answering as itself (appeals): wall.createComment with
// from_group and messages.send with the community token. Both are
// recorded, and delivered back on the long poll as VK does
// (wall_reply_new, message_reply).

// CreatedComment is a wall comment the API client wrote.
type CreatedComment struct {
	ID        int
	PostID    int
	ReplyTo   int // reply_to_comment (0: top level)
	FromGroup bool
	Text      string
}

// SentMessage is a private message the community sent.
type SentMessage struct {
	ID       int
	PeerID   int
	RandomID int
	Text     string
}

type answers struct {
	comments []CreatedComment
	messages []SentMessage
	byRandom map[int]int // random_id → message id: VK sends a repeat once
}

func init() {
	methods["wall.createComment"] = method{userCommunity, (*Server).wallCreateComment}
	methods["messages.send"] = method{userCommunity, (*Server).messagesSend}
}

// CreatedComments lists the wall comments created through the API.
func (s *Server) CreatedComments() []CreatedComment {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]CreatedComment(nil), s.answers.comments...)
}

// SentMessages lists the private messages sent through the API.
func (s *Server) SentMessages() []SentMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]SentMessage(nil), s.answers.messages...)
}

// wallCreateComment: owner_id, post_id, message, from_group (the group's
// id or 1: as the community), reply_to_comment → {comment_id, parents_stack}.
func (s *Server) wallCreateComment(tt TokenType, p url.Values) (any, *apiErr) {
	if e := need(p, "owner_id", "post_id", "message"); e != nil {
		return nil, e
	}
	if e := s.checkOwner(p); e != nil {
		return nil, e
	}
	postID := intParam(p, "post_id")
	if s.posts[postID] == nil {
		return nil, errf(100, "One of the parameters specified was missing or invalid: post_id is invalid")
	}
	fg := p.Get("from_group")
	fromGroup := fg == "1" || fg == strconv.Itoa(s.opts.GroupID)
	from := s.opts.AdminID
	if fromGroup || tt == TokenCommunity {
		from = -s.opts.GroupID
	}
	replyTo := intParam(p, "reply_to_comment")
	var parent *item
	if replyTo != 0 {
		if parent = s.items[key{KindWall, replyTo}]; parent == nil || parent.object != postID {
			return nil, errf(100, "One of the parameters specified was missing or invalid: reply_to_comment is invalid")
		}
	}
	it := s.newItem(KindWall, postID, from, p.Get("message"))
	stack := []int{}
	if parent != nil {
		it.replyTo, it.root = replyTo, replyTo
		if parent.root != 0 {
			it.root = parent.root
		}
		stack = append(stack, it.root)
	}
	s.answers.comments = append(s.answers.comments, CreatedComment{ID: it.id, PostID: postID, ReplyTo: replyTo,
		FromGroup: from < 0, Text: it.text})
	s.queue("wall_reply_new", s.commentObject(it))
	return map[string]any{"comment_id": it.id, "parents_stack": stack}, nil
}

// messagesSend: peer_id (or user_id), random_id, message → the message id.
// A random_id sent before returns the first message's id and sends nothing.
func (s *Server) messagesSend(_ TokenType, p url.Values) (any, *apiErr) {
	peer := intParam(p, "peer_id")
	if peer == 0 {
		peer = intParam(p, "user_id")
	}
	if peer == 0 {
		return nil, errf(100, "One of the parameters specified was missing or invalid: peer_id is undefined")
	}
	if e := need(p, "random_id", "message"); e != nil {
		return nil, e
	}
	rnd := intParam(p, "random_id")
	if id, ok := s.answers.byRandom[rnd]; ok && rnd != 0 {
		return id, nil
	}
	s.seq[KindMessage]++
	s.cmids[peer]++
	it := &item{kind: KindMessage, id: s.seq[KindMessage], from: -s.opts.GroupID, peer: peer,
		cmid: s.cmids[peer], date: time.Now().Unix(), text: p.Get("message")}
	s.msgs[it.id] = it
	if s.answers.byRandom == nil {
		s.answers.byRandom = make(map[int]int)
	}
	s.answers.byRandom[rnd] = it.id
	s.answers.messages = append(s.answers.messages, SentMessage{ID: it.id, PeerID: peer, RandomID: rnd, Text: it.text})
	obj := s.messageObject(it)
	obj["out"] = 1
	s.queue("message_reply", obj)
	return it.id, nil
}
