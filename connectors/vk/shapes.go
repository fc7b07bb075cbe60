package vk

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/SevereCloud/vksdk/v2/api"
)

// Responses whose shape changed between 5.131 and 5.199 (§1.2). Each reader
// takes both, so an api_url pointing at a proxy or a fake still on 5.131
// works, and a cut-over VK makes on its side (believed 5.194, unverified)
// does not break reading.

// vkGroup is a community as groups.getById gives it.
type vkGroup struct {
	ID         int    `json:"id"`
	Name       string `json:"name"`
	ScreenName string `json:"screen_name"`
}

// decodeGroups reads groups.getById: [group,...] (5.131) or
// {"groups":[...],"profiles":[...]} (5.199).
func decodeGroups(raw json.RawMessage) ([]vkGroup, error) {
	var list []vkGroup
	if err := json.Unmarshal(raw, &list); err == nil {
		return list, nil
	}
	var obj struct {
		Groups *[]vkGroup `json:"groups"`
	}
	if err := json.Unmarshal(raw, &obj); err != nil || obj.Groups == nil {
		return nil, fmt.Errorf("groups.getById: neither a list nor an object with groups: %s", excerpt(raw))
	}
	return *obj.Groups, nil
}

// decodeItems reads wall.getById: [post,...] (5.131) or {"items":[...]}
// (5.199) into out, a pointer to a slice.
func decodeItems(method string, raw json.RawMessage, out any) error {
	if len(raw) > 0 && raw[0] == '[' {
		return json.Unmarshal(raw, out)
	}
	var obj struct {
		Items json.RawMessage `json:"items"`
	}
	if err := json.Unmarshal(raw, &obj); err != nil || len(obj.Items) == 0 {
		return fmt.Errorf("%s: neither a list nor an object with items: %s", method, excerpt(raw))
	}
	return json.Unmarshal(obj.Items, out)
}

// msgDeleted is one entry of messages.delete's 5.199 answer.
type msgDeleted struct {
	MessageID int `json:"message_id"`
	Response  int `json:"response"`
	Error     *struct {
		Code        int    `json:"code"`
		Description string `json:"description"`
	} `json:"error"`
}

// errMsgNotDeleted is a messages.delete answer that neither lists the
// message as deleted nor gives a reason.
var errMsgNotDeleted = errors.New("message not deleted, no reason given")

// msgDeleteResult reads messages.delete's answer for one message: {"id":1}
// (5.131) or [{"message_id":..,"response":1}] (5.199), where a failure is
// response 0 with error{code, description}. A failure is returned as VK's
// error with that code, classified like any other (924: not for everybody).
func msgDeleteResult(raw json.RawMessage) error {
	var m map[string]int
	if json.Unmarshal(raw, &m) == nil {
		if len(m) == 0 { // {} or null: no message reported deleted
			return classify("messages.delete", errMsgNotDeleted)
		}
		for _, v := range m {
			if v != 1 {
				return classify("messages.delete", errMsgNotDeleted)
			}
		}
		return nil
	}
	var list []msgDeleted
	if err := json.Unmarshal(raw, &list); err != nil {
		return classify("messages.delete", fmt.Errorf("unreadable answer %s: %w", excerpt(raw), err))
	}
	if len(list) == 0 {
		return classify("messages.delete", errMsgNotDeleted)
	}
	for _, e := range list {
		switch {
		case e.Response == 1:
		case e.Error != nil:
			return classify("messages.delete", &api.Error{Code: api.ErrorType(e.Error.Code), Message: e.Error.Description})
		default:
			return classify("messages.delete", errMsgNotDeleted)
		}
	}
	return nil
}

// executeSlotFailed reports whether one slot of an execute's result is a
// call that failed inside it (its error is in execute_errors): the call is
// then made on its own, and says why. unverified (§1.5): vksdk reads a
// failed slot as false; null or an empty slot is taken as failed too, so
// that a refused deletion never counts as done, nor an empty page as read.
func executeSlotFailed(raw json.RawMessage) bool {
	switch strings.TrimSpace(string(raw)) {
	case "", "false", "null":
		return true
	}
	return false
}
