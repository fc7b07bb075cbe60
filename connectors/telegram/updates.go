package telegram

import (
	"encoding/json"

	"github.com/go-telegram/bot/models"

	"github.com/strazh/strazh/internal/tgupdate"
)

// readUpdates decodes a getUpdates result one update at a time: one the
// library cannot read does not hold up the account (internal/tgupdate).
func (c *Connector) readUpdates(raws []json.RawMessage) []*models.Update {
	return tgupdate.ReadAll(raws, c.log)
}
