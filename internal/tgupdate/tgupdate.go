// Package tgupdate reads Bot API updates one at a time, so an update the
// go-telegram/bot models cannot read (a union type the Bot API grew after
// the library: a forward_origin or reaction of a new type) is read without
// the fields it cannot read instead of failing the whole getUpdates answer.
// The Telegram connector and the review chat's transport both read their
// updates through it.
package tgupdate

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"

	"github.com/go-telegram/bot/models"
)

// messageKeys are the updates' fields that hold a message.
var messageKeys = []string{"message", "edited_message", "channel_post", "edited_channel_post"}

// ReadAll decodes a getUpdates result one update at a time. One that
// fails is read without the fields that cannot be read (named in a
// warning); one no field-dropping can read is returned bare (its id
// only), so its offset is still passed, and logged as skipped.
func ReadAll(raws []json.RawMessage, log *slog.Logger) []*models.Update {
	ups := make([]*models.Update, 0, len(raws))
	for _, raw := range raws {
		u, dropped, err := Read(raw)
		switch {
		case err != nil:
			log.Error("an update cannot be read at all; skipped", "update_id", u.ID, "err", err)
		case len(dropped) > 0:
			log.Warn("an update read without fields the Bot API library cannot read", "update_id", u.ID, "fields", dropped)
		}
		ups = append(ups, u)
	}
	return ups
}

// Read decodes one update, dropping what cannot be read inside its
// message (see leanMessage) or its callback query (see leanCallback) if
// the whole does not decode. It always
// returns an update, with at least the id when one can be read.
func Read(raw json.RawMessage) (u *models.Update, dropped []string, err error) {
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
	if cq, ok := top["callback_query"]; ok {
		top["callback_query"] = leanCallback(cq, &dropped)
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
		if readsAlone[models.Message](k, v) {
			continue
		}
		if k == "reply_to_message" {
			if lean := leanMessage(v, path+"."+k, dropped); readsAlone[models.Message](k, lean) {
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

// leanCallback drops the fields of a callback query that do not decode
// on their own, leaning its message like any other, so a moderator's tap
// (id, from, data, the card's chat and id) is still read and answered.
func leanCallback(raw json.RawMessage, dropped *[]string) json.RawMessage {
	const path = "callback_query"
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return raw
	}
	for k, v := range m {
		if k == "message" {
			v = leanMessage(v, path+"."+k, dropped)
			m[k] = v
		}
		if readsAlone[models.CallbackQuery](k, v) {
			continue
		}
		delete(m, k)
		*dropped = append(*dropped, path+"."+k)
	}
	out, _ := json.Marshal(m) // raw JSON values: cannot fail
	return out
}

// readsAlone reports whether a T (a message, a callback query) with only
// the field k = v decodes.
func readsAlone[T any](k string, v json.RawMessage) bool {
	one, err := json.Marshal(map[string]json.RawMessage{k: v})
	if err != nil {
		return false
	}
	var probe T
	return json.Unmarshal(one, &probe) == nil
}
