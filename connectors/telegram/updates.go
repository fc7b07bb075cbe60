package telegram

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/go-telegram/bot/models"
)

// The Bot API grows: a newer Telegram may send, inside a message, a union
// type the library's models do not know (a forward_origin or reaction of
// a new type), which fails the whole decode. One such update must not
// hold up the account (every getUpdates would fail on it until Telegram
// drops it a day later), nor be lost: it is read without the fields that
// cannot be read, and those are named in the log.

// messageKeys are the updates' fields that hold a message.
var messageKeys = []string{"message", "edited_message", "channel_post", "edited_channel_post"}

// readUpdates decodes a getUpdates result one update at a time. An update
// no field-dropping can read is returned bare (its id only), so its offset
// is still passed; the error names it.
func (c *Connector) readUpdates(raws []json.RawMessage) []*models.Update {
	ups := make([]*models.Update, 0, len(raws))
	for _, raw := range raws {
		u, dropped, err := readUpdate(raw)
		switch {
		case err != nil:
			c.log.Error("an update cannot be read at all; skipped", "update_id", u.ID, "err", err)
		case len(dropped) > 0:
			c.log.Warn("an update read without fields the Bot API library cannot read", "update_id", u.ID, "fields", dropped)
		}
		ups = append(ups, u)
	}
	return ups
}

// readUpdate decodes one update, dropping what cannot be read inside its
// message (see leanMessage) if the whole does not decode. It always
// returns an update, with at least the id when one can be read.
func readUpdate(raw json.RawMessage) (u *models.Update, dropped []string, err error) {
	u = new(models.Update)
	if err = json.Unmarshal(raw, u); err == nil {
		return u, nil, nil
	}
	first := err
	var top map[string]json.RawMessage
	if json.Unmarshal(raw, &top) != nil {
		return u, nil, first
	}
	var id struct {
		ID int64 `json:"update_id"`
	}
	_ = json.Unmarshal(raw, &id)
	for _, k := range messageKeys {
		if m, ok := top[k]; ok {
			top[k] = leanMessage(m, k, &dropped)
		}
	}
	lean, _ := json.Marshal(top) // raw JSON values: cannot fail
	u = new(models.Update)
	if err := json.Unmarshal(lean, u); err != nil {
		return &models.Update{ID: id.ID}, nil, fmt.Errorf("%w (read without %v: %v)", first, dropped, err)
	}
	slices.Sort(dropped)
	return u, dropped, nil
}

// leanMessage drops the fields of a message that do not decode on their
// own (a reply's message is leaned in turn), adding their paths to dropped.
func leanMessage(raw json.RawMessage, path string, dropped *[]string) json.RawMessage {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return raw
	}
	for k, v := range m {
		if readsAlone(k, v) {
			continue
		}
		if k == "reply_to_message" {
			if lean := leanMessage(v, path+"."+k, dropped); readsAlone(k, lean) {
				m[k] = lean
				continue
			}
		}
		delete(m, k)
		*dropped = append(*dropped, path+"."+k)
	}
	out, _ := json.Marshal(m) // raw JSON values: cannot fail
	return out
}

// readsAlone reports whether a message with only the field k = v decodes.
func readsAlone(k string, v json.RawMessage) bool {
	one, err := json.Marshal(map[string]json.RawMessage{k: v})
	if err != nil {
		return false
	}
	var probe models.Message
	return json.Unmarshal(one, &probe) == nil
}
