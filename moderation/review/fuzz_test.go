package review

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/review/cardstore"
	"github.com/strazh/strazh/moderation/review/telegramtest"
)

// fuzzMod is the smallest Moderation: one decision per ID it was given,
// and a count of the calls that would act.
type fuzzMod struct {
	mu   sync.Mutex
	ds   map[uint64]*moderation.Decision
	acts int
}

func (m *fuzzMod) act() (*moderation.Decision, error) {
	m.mu.Lock()
	m.acts++
	m.mu.Unlock()
	return nil, moderation.ErrAlreadyDecided
}

func (m *fuzzMod) Resolve(context.Context, uint64, moderation.Verdict, time.Duration, string, string) (*moderation.Decision, error) {
	return m.act()
}
func (m *fuzzMod) Undo(context.Context, uint64, string, string) (*moderation.Decision, error) {
	return m.act()
}
func (m *fuzzMod) Retry(context.Context, uint64, string) (*moderation.Decision, error) {
	return m.act()
}
func (m *fuzzMod) Unban(context.Context, string, string, string) (int, error) { m.act(); return 0, nil }
func (m *fuzzMod) Pause(string)                                               { m.act() }
func (m *fuzzMod) Resume(string)                                              { m.act() }
func (m *fuzzMod) Paused() bool                                               { return false }
func (m *fuzzMod) Decision(id uint64) (*moderation.Decision, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if d, ok := m.ds[id]; ok {
		return d, nil
	}
	return nil, moderation.ErrNotFound
}
func (m *fuzzMod) PendingReviews() ([]*moderation.Decision, error) { return nil, nil }
func (m *fuzzMod) Stats(time.Time) (moderation.Stats, error)       { return moderation.Stats{}, nil }

const (
	fuzzChat = -100123
	fuzzMod1 = 77
)

// fuzzReviewer is a reviewer on the Bot API fake (for the answers it
// sends) with an in-memory store.
func fuzzReviewer(tb testing.TB) (*Telegram, *fuzzMod, *cardstore.Mem) {
	tg := telegramtest.New("")
	tb.Cleanup(tg.Close)
	tb.Setenv("STRAZH_FUZZ_TG_TOKEN", tg.Token())
	cfg := DefaultConfig()
	cfg.APIURL, cfg.ChatID, cfg.Moderators = tg.URL(), fuzzChat, []int64{fuzzMod1}
	cfg.TokenEnv = "STRAZH_FUZZ_TG_TOKEN"
	mod := &fuzzMod{ds: make(map[uint64]*moderation.Decision)}
	st := cardstore.NewMem()
	t, err := New(cfg, Deps{Moderation: mod, Store: st, HTTPClient: tg.Client(), Location: time.UTC,
		Timing: Timing{CallTimeout: time.Second, ActionTimeout: time.Second}})
	if err != nil {
		tb.Fatal(err)
	}
	return t, mod, st
}

// FuzzUpdates: any getUpdates answer is decoded or refused without a
// panic; each update is handled and its offset saved; nothing from another
// chat or from someone who is not a moderator acts.
func FuzzUpdates(f *testing.F) {
	t, mod, st := fuzzReviewer(f)
	mod.ds[1] = &moderation.Decision{ID: 1, Verdict: moderation.Review, Review: &moderation.ReviewState{Status: moderation.ReviewPending}}
	if err := st.Apply(cardstore.Change{Put: []*cardstore.Card{{Key: "KEYKEYKEYK", Kind: cardstore.KindReview,
		Decisions: []uint64{1}, ChatID: fuzzChat, Open: true}}}); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(tt *testing.T, body []byte) {
		ups, err := decodeUpdates(200, body, slog.New(slog.DiscardHandler))
		if err != nil {
			return
		}
		for _, u := range ups {
			if u == nil {
				continue
			}
			mod.mu.Lock()
			before := mod.acts
			mod.mu.Unlock()
			t.handleUpdate(context.Background(), tgUpdate(u))
			if off, _ := st.Offset(); off != u.ID+1 && u.ID+1 > 0 {
				tt.Fatalf("offset %d after update %d", off, u.ID)
			}
			mod.mu.Lock()
			acted := mod.acts > before
			mod.mu.Unlock()
			var chat, from int64
			switch {
			case u.CallbackQuery != nil:
				from = u.CallbackQuery.From.ID
				if m := u.CallbackQuery.Message.Message; m != nil {
					chat = m.Chat.ID
				} else if m := u.CallbackQuery.Message.InaccessibleMessage; m != nil {
					chat = m.Chat.ID
				}
			case u.Message != nil:
				chat = u.Message.Chat.ID
				if u.Message.From != nil {
					from = u.Message.From.ID
				}
			}
			if acted && (chat != fuzzChat || from != fuzzMod1) {
				tt.Fatalf("update %d from chat %d, user %d acted", u.ID, chat, from)
			}
		}
	})
}

// FuzzRender: every card, whatever the comment and the rules hold, is a
// message Telegram accepts (entities whole, at most 4096 UTF-16 units),
// and so is its plain form.
func FuzzRender(f *testing.F) {
	t, mod, _ := fuzzReviewer(f)
	f.Fuzz(func(tt *testing.T, kind uint8, text, name, authorID, rule, reason, matched, link string, decided bool) {
		d := &moderation.Decision{ID: 1, Verdict: moderation.Review,
			Comment: moderation.Comment{Network: "vk", Account: name, Text: text, Permalink: link,
				Author: moderation.Author{ID: authorID, Name: name, ProfileURL: link}, Links: []string{link, text}, Attach: []string{reason}},
			Matches: []moderation.Match{{Rule: rule, Reason: reason, Matched: matched}, {Rule: matched, Reason: text}},
			Review:  &moderation.ReviewState{Status: moderation.ReviewPending},
			Actions: []moderation.ActionRecord{{Type: moderation.ActDelete, State: moderation.ActionFailed, Error: reason}}}
		if decided {
			d.Review = &moderation.ReviewState{Status: moderation.ReviewDecided, Verdict: moderation.Ban, By: name, ByName: reason}
			d.UndoneBy = authorID
		}
		mod.mu.Lock()
		mod.ds[1] = d
		mod.mu.Unlock()
		c := &cardstore.Card{Key: "KEYKEYKEYK", Decisions: []uint64{1}, ChatID: fuzzChat, Names: map[string]string{authorID: name}}
		switch kind % 3 {
		case 0:
			c.Kind = cardstore.KindReview
		case 1:
			c.Kind = cardstore.KindNotice
		default:
			c.Kind, c.Decisions = cardstore.KindDigest, []uint64{1, 1, 1, 1, 1, 1}
		}
		r, err := t.render(c, "")
		if err != nil {
			tt.Fatal(err)
		}
		for _, m := range []struct{ text, mode string }{{r.html, "HTML"}, {r.plain, ""}} {
			plain, err := telegramtest.CheckText(m.text, m.mode)
			if err != nil {
				tt.Fatalf("%s card refused: %v\n%s", m.mode, err, m.text)
			}
			if n := telegramtest.UTF16Len(plain); n > telegramtest.MaxText {
				tt.Fatalf("%s card of %d UTF-16 units", m.mode, n)
			}
		}
		if r.kb != nil {
			for _, row := range r.kb.InlineKeyboard {
				for _, b := range row {
					if len(b.Data) > 64 || strings.TrimSpace(b.Text) == "" {
						tt.Fatalf("button %+v", b)
					}
				}
			}
		}
	})
}
