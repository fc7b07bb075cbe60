package vk

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/strazh/strazh/moderation"
)

// vkComment is a comment as long-poll events and wall.getComments give it
// (§1.4); the fields of all kinds are here, each kind fills its own.
type vkComment struct {
	ID             int            `json:"id"`
	FromID         int            `json:"from_id"`
	Date           int64          `json:"date"`
	Text           string         `json:"text"`
	Deleted        bool           `json:"deleted"`
	OwnerID        int            `json:"owner_id"`
	PostID         int            `json:"post_id"`
	PostOwnerID    int            `json:"post_owner_id"` // unverified whether always present with owner_id: read either
	ParentsStack   []int          `json:"parents_stack"`
	ReplyToComment int            `json:"reply_to_comment"`
	PhotoID        int            `json:"photo_id"`
	PhotoOwnerID   int            `json:"photo_owner_id"`
	VideoID        int            `json:"video_id"`
	VideoOwnerID   int            `json:"video_owner_id"`
	ItemID         int            `json:"item_id"`
	MarketOwnerID  int            `json:"market_owner_id"`
	TopicID        int            `json:"topic_id"`       // board_post_*: unverified, absent from the schema
	TopicOwnerID   int            `json:"topic_owner_id"` // likewise
	Attachments    []vkAttachment `json:"attachments"`
	Thread         *struct {
		Count int         `json:"count"`
		Items []vkComment `json:"items"`
	} `json:"thread"`
}

type vkAttachment struct {
	Type string `json:"type"`
	Link *struct {
		URL string `json:"url"`
	} `json:"link"`
	Doc *struct {
		Title string `json:"title"`
		Ext   string `json:"ext"`
	} `json:"doc"`
}

type vkMessage struct {
	Message struct {
		ID          int            `json:"id"`
		Date        int64          `json:"date"`
		PeerID      int            `json:"peer_id"`
		FromID      int            `json:"from_id"`
		Text        string         `json:"text"`
		CMID        int            `json:"conversation_message_id"`
		UpdateTime  int64          `json:"update_time"` // message_edit
		Attachments []vkAttachment `json:"attachments"`
	} `json:"message"`
}

type vkBlock struct {
	AdminID     int    `json:"admin_id"`
	UserID      int    `json:"user_id"`
	UnblockDate int64  `json:"unblock_date"`
	Reason      int    `json:"reason"`
	Comment     string `json:"comment"`
	ByEndDate   int    `json:"by_end_date"`
}

// kindOf maps an event type to the comment kind and source it belongs to,
// and what happened ("new", "edit", "restore").
func kindOf(typ string) (kind moderation.Kind, source, what string, ok bool) {
	i := strings.LastIndexByte(typ, '_')
	if i < 0 {
		return "", "", "", false
	}
	prefix, what := typ[:i], typ[i+1:]
	if what != "new" && what != "edit" && what != "restore" && what != "delete" {
		return "", "", "", false
	}
	switch prefix {
	case "wall_reply":
		return moderation.KindWallComment, SourceWall, what, true
	case "photo_comment":
		return moderation.KindPhotoComment, SourcePhoto, what, true
	case "video_comment":
		return moderation.KindVideoComment, SourceVideo, what, true
	case "market_comment":
		return moderation.KindMarketComment, SourceMarket, what, true
	case "board_post":
		return moderation.KindBoardPost, SourceBoard, what, true
	case "message":
		if what == "new" || what == "edit" {
			return moderation.KindMessage, SourceMessages, what, true
		}
	}
	return "", "", "", false
}

// convert turns one a_check answer into updates, dropping events delivered
// before (see eventSet) and of sources not moderated, and records comment
// ids in the cursor. from is the position the pipeline handed in.
func (c *Connector) convert(evs []lpEvent, from string, cur *cursor) []moderation.Update {
	ups := make([]moderation.Update, 0, len(evs))
	now := time.Now()
	for _, ev := range evs {
		if ev.EventID != "" {
			if c.seen.delivered(ev.EventID, from) {
				continue
			}
			c.seen.add(ev.EventID, cur.Ts)
		}
		u, ok := c.event(ev, now, cur)
		if !ok {
			continue
		}
		if v, dup := c.caught[u.Comment.ID]; dup && u.Type == moderation.UpdateComment &&
			u.Comment.Edited.IsZero() && v == u.Comment.Version() {
			continue // the catch-up delivered it already
		}
		ups = append(ups, u)
	}
	return ups
}

// event converts one long-poll event.
func (c *Connector) event(ev lpEvent, now time.Time, cur *cursor) (moderation.Update, bool) {
	switch ev.Type {
	case "group_officers_edit", "group_change_settings":
		c.guardEvent(ev.Type)
		return moderation.Update{}, false
	case "user_block", "user_unblock":
		var b vkBlock
		if err := json.Unmarshal(ev.Object, &b); err != nil || b.UserID == 0 {
			c.log.Warn("unreadable event", "type", ev.Type, "err", err)
			return moderation.Update{}, false
		}
		if c.selfID != 0 && b.AdminID == c.selfID {
			return moderation.Update{}, false // strazh's own ban or unban: the pipeline recorded it
		}
		u := moderation.Update{Type: moderation.UpdateBlocked, Author: c.author(b.UserID),
			By: "vk:" + strconv.Itoa(b.AdminID)}
		if ev.Type == "user_unblock" {
			u.Type = moderation.UpdateUnblocked
			if b.ByEndDate == 1 {
				u.By = "vk:expired"
			}
			return u, true
		}
		if b.UnblockDate > 0 {
			u.Until = time.Unix(b.UnblockDate, 0)
		}
		u.Reason = banReasonText(b.Reason)
		if b.Comment != "" {
			u.Reason += ": " + b.Comment
		}
		return u, true
	}
	if ev.Type == "message_reply" {
		return c.pageMessage(ev, cur) // reply.go
	}
	kind, source, what, ok := kindOf(ev.Type)
	if !ok || !c.cfg.has(source) {
		return moderation.Update{}, false
	}
	if what == "delete" {
		return c.deleted(ev, kind)
	}
	var cm moderation.Comment
	if kind == moderation.KindMessage {
		var m vkMessage
		var err error
		if what == "edit" {
			// message_edit carries the message itself, unwrapped (§1.4).
			err = json.Unmarshal(ev.Object, &m.Message)
		} else {
			err = json.Unmarshal(ev.Object, &m)
		}
		if err != nil || m.Message.ID == 0 && m.Message.CMID == 0 {
			c.log.Warn("unreadable event", "type", ev.Type, "err", err)
			return moderation.Update{}, false
		}
		cm = c.message(&m)
		see(&cur.Peers, m.Message.PeerID, m.Message.ID)
	} else {
		var vc vkComment
		if err := json.Unmarshal(ev.Object, &vc); err != nil || vc.ID == 0 {
			c.log.Warn("unreadable event", "type", ev.Type, "err", err)
			return moderation.Update{}, false
		}
		if kind == moderation.KindWallComment {
			see(&cur.Posts, vc.PostID, vc.ID)
		}
		if kind == moderation.KindBoardPost && vc.TopicID != 0 {
			see(&cur.Topics, vc.TopicID, vc.ID)
		}
		if kind == moderation.KindPhotoComment {
			cur.Photo = max(cur.Photo, vc.ID)
		}
		if kind == moderation.KindVideoComment && vc.VideoID != 0 {
			see(&cur.Videos, vc.VideoID, vc.ID)
		}
		if kind == moderation.KindMarketComment && vc.ItemID != 0 {
			see(&cur.Market, vc.ItemID, vc.ID)
		}
		cm = c.comment(kind, &vc, vc.TopicID)
	}
	u := moderation.Update{Type: moderation.UpdateComment, Comment: cm}
	switch what {
	case "edit":
		// VK gives no edit time for comments; unverified whether any field
		// carries it. A message's update_time does.
		u.Comment.Edited = now
		if kind == moderation.KindMessage && cm.Edited.After(cm.Created) {
			u.Comment.Edited = cm.Edited
		}
	case "restore":
		u.Type = moderation.UpdateRestored
	}
	return u, true
}

// vkDeleted is a *_delete event's object: the union of the schema's and
// vksdk's fields (§1.4).
type vkDeleted struct {
	ID           int `json:"id"`
	OwnerID      int `json:"owner_id"`
	UserID       int `json:"user_id"`
	DeleterID    int `json:"deleter_id"`
	PostID       int `json:"post_id"`
	PhotoID      int `json:"photo_id"`
	VideoID      int `json:"video_id"`
	ItemID       int `json:"item_id"`
	TopicID      int `json:"topic_id"`
	TopicOwnerID int `json:"topic_owner_id"`
}

// deleted converts a *_delete event into moderation.UpdateDeleted, with the
// same comment ID as the comment's own events, so the pipeline can close
// its pending review. The deleter is deleter_id, else user_id; a deletion
// by the user token's owner is strazh's own and is dropped.
func (c *Connector) deleted(ev lpEvent, kind moderation.Kind) (moderation.Update, bool) {
	var o vkDeleted
	if err := json.Unmarshal(ev.Object, &o); err != nil || o.ID == 0 {
		c.log.Warn("unreadable event", "type", ev.Type, "err", err)
		return moderation.Update{}, false
	}
	by := o.DeleterID
	if by == 0 {
		by = o.UserID
	}
	if by != 0 && by == c.selfID {
		return moderation.Update{}, false
	}
	vc := vkComment{ID: o.ID, OwnerID: o.OwnerID, PostID: o.PostID, PhotoID: o.PhotoID,
		VideoID: o.VideoID, ItemID: o.ItemID, TopicID: o.TopicID}
	cm := c.comment(kind, &vc, o.TopicID)
	u := moderation.Update{Type: moderation.UpdateDeleted,
		Comment: moderation.Comment{Network: Network, Account: c.account, Kind: kind, ID: cm.ID, Ref: cm.Ref,
			PostID: cm.PostID, Permalink: cm.Permalink},
		By: Network}
	if by != 0 {
		u.By = Network + ":" + strconv.Itoa(by)
	}
	return u, true
}

// comment builds the model of a wall, photo, video or market comment or a
// board post (topic is the board topic, when known).
func (c *Connector) comment(kind moderation.Kind, vc *vkComment, topic int) moderation.Comment {
	gid := c.cfg.GroupID
	owner := func(ids ...int) int {
		for _, id := range ids {
			if id != 0 {
				return id
			}
		}
		return -gid
	}
	id := strconv.Itoa(vc.ID)
	var ref, postID, link string
	switch kind {
	case moderation.KindWallComment:
		o := owner(vc.PostOwnerID, vc.OwnerID)
		ref = "wall:" + strconv.Itoa(o) + ":" + id
		postID = strconv.Itoa(vc.PostID)
		link = "https://vk.com/wall" + strconv.Itoa(o) + "_" + postID + "?reply=" + id
		if len(vc.ParentsStack) > 0 {
			link += "&thread=" + strconv.Itoa(vc.ParentsStack[0])
		}
	case moderation.KindPhotoComment:
		o := strconv.Itoa(owner(vc.PhotoOwnerID, vc.OwnerID))
		ref, postID = "photo:"+o+":"+id, "photo"+o+"_"+strconv.Itoa(vc.PhotoID)
		link = "https://vk.com/" + postID
	case moderation.KindVideoComment:
		o := strconv.Itoa(owner(vc.VideoOwnerID, vc.OwnerID))
		ref, postID = "video:"+o+":"+id, "video"+o+"_"+strconv.Itoa(vc.VideoID)
		link = "https://vk.com/" + postID
	case moderation.KindMarketComment:
		o := strconv.Itoa(owner(vc.MarketOwnerID, vc.OwnerID))
		ref, postID = "market:"+o+":"+id, "product"+o+"_"+strconv.Itoa(vc.ItemID)
		link = "https://vk.com/" + postID
	case moderation.KindBoardPost:
		t := strconv.Itoa(topic)
		ref, postID = "board:"+t+":"+id, "topic-"+strconv.Itoa(gid)+"_"+t
		link = "https://vk.com/" + postID + "?post=" + id
	}
	cm := moderation.Comment{
		Network: Network, Account: c.account, Kind: kind,
		ID: moderation.MakeID(Network, c.account, ref), Ref: ref,
		PostID: postID, Permalink: link, Author: c.author(vc.FromID),
		Text: vc.Text, Created: time.Unix(vc.Date, 0),
	}
	cm.Links, cm.Attach = attachments(vc.Attachments)
	if kind == moderation.KindWallComment {
		c.noteComment(&cm, owner(vc.PostOwnerID, vc.OwnerID), vc)
	}
	return cm
}

// message builds the model of a private message to the community. Its ID
// is stable per dialog (peer and conversation_message_id); its Ref also
// carries the message id that messages.delete takes.
func (c *Connector) message(m *vkMessage) moderation.Comment {
	peer, cmid := strconv.Itoa(m.Message.PeerID), strconv.Itoa(m.Message.CMID)
	local := "msg:" + peer + ":" + cmid
	cm := moderation.Comment{
		Network: Network, Account: c.account, Kind: moderation.KindMessage,
		ID: moderation.MakeID(Network, c.account, local), Ref: local + ":" + strconv.Itoa(m.Message.ID),
		PostID:    "dialog" + peer,
		Permalink: "https://vk.com/gim" + strconv.Itoa(c.cfg.GroupID) + "?sel=" + peer,
		Author:    c.author(m.Message.FromID), Text: m.Message.Text,
		Created: time.Unix(m.Message.Date, 0),
	}
	if m.Message.UpdateTime > 0 {
		cm.Edited = time.Unix(m.Message.UpdateTime, 0)
	}
	cm.Links, cm.Attach = attachments(m.Message.Attachments)
	return cm
}

// author describes a VK user (id > 0) or community (id < 0).
func (c *Connector) author(id int) moderation.Author {
	a := moderation.Author{ID: strconv.Itoa(id)}
	switch {
	case id > 0:
		a.ProfileURL = "https://vk.com/id" + a.ID
		a.IsManager = c.authors.managers[id]
		a.Name = c.authors.names[id]
	case id < 0:
		a.ProfileURL = "https://vk.com/club" + strconv.Itoa(-id)
		a.IsPage = -id == c.cfg.GroupID
		a.Name = "club" + strconv.Itoa(-id)
	}
	return a
}

// attachments lists link URLs and short descriptions of the rest.
func attachments(as []vkAttachment) (links, kinds []string) {
	for _, a := range as {
		switch {
		case a.Type == "link" && a.Link != nil:
			links = append(links, a.Link.URL)
			kinds = append(kinds, "link")
		case a.Type == "doc" && a.Doc != nil:
			kinds = append(kinds, "doc:"+a.Doc.Title)
		case a.Type != "":
			kinds = append(kinds, a.Type)
		}
	}
	return links, kinds
}

// banReasonText names VK's ban reason codes (§1.6).
func banReasonText(r int) string {
	switch r {
	case 1:
		return "spam"
	case 2:
		return "verbal abuse"
	case 3:
		return "strong language"
	case 4:
		return "off-topic"
	}
	return "other"
}
