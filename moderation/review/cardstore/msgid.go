package cardstore

import "strconv"

// Message IDs are strings to the reviewer: Telegram's are numbers, MAX's
// are "mid.…". A numeric ID is stored in the old int64 field, so cards
// written before MAX existed read the same and Telegram's records keep
// their shape; any other ID goes to the string field.

// Msg is the card's message ID ("" until sent).
func (c *Card) Msg() string { return msgID(c.MessageID, c.MID) }

// SetMsg records the card's message ID ("" clears it).
func (c *Card) SetMsg(id string) { c.MessageID, c.MID = splitID(id) }

// Reply is the message the entry replies to ("" none).
func (o *Outgoing) Reply() string { return msgID(o.ReplyTo, o.ReplyMID) }

// SetReply makes the entry a reply to the message id.
func (o *Outgoing) SetReply(id string) { o.ReplyTo, o.ReplyMID = splitID(id) }

func msgID(n int64, s string) string {
	if s != "" {
		return s
	}
	if n != 0 {
		return strconv.FormatInt(n, 10)
	}
	return ""
}

func splitID(id string) (int64, string) {
	if n, err := strconv.ParseInt(id, 10, 64); err == nil && n != 0 {
		return n, ""
	}
	return 0, id
}
