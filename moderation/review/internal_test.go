package review

import (
	"fmt"
	"net"

	"context"
	"errors"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/go-telegram/bot"

	"github.com/strazh/strazh/moderation"
)

func TestParseData(t *testing.T) {
	for _, tc := range []struct {
		in   string
		key  string
		idx  int
		act  string
		okay bool
	}{
		{"ABCDEFGHIJ.0.b7", "ABCDEFGHIJ", 0, "b7", true},
		{"K.12.u", "K", 12, "u", true},
		{"K.-1.u", "", 0, "", false},
		{"K..u", "", 0, "", false},
		{"K.1", "", 0, "", false},
		{".1.k", "", 0, "", false},
		{"", "", 0, "", false},
	} {
		key, idx, act, ok := parseData(tc.in)
		if key != tc.key || idx != tc.idx || act != tc.act || ok != tc.okay {
			t.Errorf("parseData(%q) = %q %d %q %v", tc.in, key, idx, act, ok)
		}
	}
}

func TestCut(t *testing.T) {
	s, cutted := cut("привет", 3)
	if s != "при" || !cutted {
		t.Fatalf("cut = %q %v", s, cutted)
	}
	if s, cutted := cut("abc", 3); s != "abc" || cutted {
		t.Fatalf("cut = %q %v", s, cutted)
	}
}

func TestPostURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://vk.com/wall-1_2?reply=3":                   "https://vk.com/wall-1_2",
		"https://www.facebook.com/1_2?comment_id=3":         "https://www.facebook.com/1_2",
		"https://www.instagram.com/p/abc/c/123/":            "",
		"https://vk.com/wall-1_2?reply=3&thread=2#c3":       "https://vk.com/wall-1_2",
		"javascript:alert(1)?reply=1":                       "javascript:alert%281%29",
		"https://ok.ru/group/1/topic/2?commentId=3&foo=bar": "https://ok.ru/group/1/topic/2",
	} {
		if got := postURL(in); got != want && safeURL(got) != "" {
			t.Errorf("postURL(%q) = %q, want %q", in, got, want)
		}
	}
	if link("javascript:alert(1)", "x") != "x" {
		t.Error("a javascript: link was kept")
	}
}

func TestVisibleLen(t *testing.T) {
	if n := visibleLen(`<b>a</b> &lt;b&gt; <a href="https://x?a=1&amp;b=2">ссылка</a>`); n != len([]rune("a <b> ссылка")) {
		t.Fatalf("visibleLen = %d", n)
	}
}

func TestShortDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		2 * time.Hour:                 "2 ч",
		90 * time.Minute:              "1 ч 30 мин",
		24 * time.Hour:                "1 д",
		26 * time.Hour:                "1 д 2 ч",
		5 * time.Minute:               "5 мин",
		-time.Minute:                  "0 мин",
		30*24*time.Hour + time.Second: "30 д 0 ч",
	} {
		if got := shortDuration(d, "д", "ч", "мин"); got != want {
			t.Errorf("shortDuration(%s) = %q, want %q", d, got, want)
		}
	}
	if ru.banFor(week) != "на 1 неделю" || en.banFor(0) != "forever" || ru.banFor(3*day) != "на 3 д" {
		t.Error("banFor")
	}
}

// The chat limiter spaces messages by the window's rate and the gap, and
// a wait cut short by its context gives its slot back (the hand-written
// limiters kept it, delaying the next message by one that never went).
func TestChatLimiter_Wait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := newChatLimiter(Timing{PerMinute: 3, Window: time.Minute, MinGap: time.Second})
		ctx := context.Background()
		start := time.Now()
		if err := l.wait(ctx); err != nil || time.Since(start) != 0 {
			t.Fatalf("first message waited %s (%v)", time.Since(start), err)
		}
		if err := l.wait(ctx); err != nil || time.Since(start) != 20*time.Second {
			t.Fatalf("second message after %s, want 20s (3 a minute)", time.Since(start))
		}
		// A waiter that gives up after 5s...
		cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		if err := l.wait(cctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("cancelled wait: %v", err)
		}
		// ...leaves the slot at 40s to the next message, not 60s.
		if err := l.wait(ctx); err != nil || time.Since(start) != 40*time.Second {
			t.Fatalf("message after a cancelled wait at %s, want 40s", time.Since(start))
		}
	})
}

func TestChatLimiter_Gap(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := newChatLimiter(Timing{PerMinute: 600, Window: time.Minute, MinGap: time.Second})
		start := time.Now()
		for range 3 {
			if err := l.wait(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		if d := time.Since(start); d != 2*time.Second {
			t.Fatalf("three messages took %s, want 2s (1s apart)", d)
		}
	})
}

func TestTexts_SameKeys(t *testing.T) {
	// Button words are a contract.
	for _, w := range []string{ru.btnKeep, ru.btnDelete, ru.btnBan, ru.btnDay, ru.btnWeek, ru.btnMonth, ru.btnForever, ru.btnRestore} {
		if !strings.Contains("Оставить Удалить Удалить и забанить 1 день 1 неделя 1 месяц Навсегда Восстановить", w) {
			t.Errorf("button %q", w)
		}
	}
	for k := range ru.networks {
		if en.networks[k] == "" {
			t.Errorf("en lacks network %s", k)
		}
	}
}

func TestErrorClass(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{&bot.TooManyRequestsError{Message: "too many requests", RetryAfter: 3}, ClassRateLimit},
		{fmt.Errorf("%w, Unauthorized", bot.ErrorUnauthorized), ClassUnauthorized},
		{fmt.Errorf("%w, Not Found", bot.ErrorNotFound), ClassUnauthorized},
		{fmt.Errorf("%w, Forbidden: bot was kicked", bot.ErrorForbidden), ClassForbidden},
		{fmt.Errorf("%w, Bad Request: chat not found", bot.ErrorBadRequest), ClassChatNotFound},
		{errors.Join(fmt.Errorf("%w, Bad Request: message is too long", bot.ErrorBadRequest), errDrop), ClassBadRequest},
		{fmt.Errorf("%w, Conflict", bot.ErrorConflict), ClassConflict},
		{fmt.Errorf("getUpdates: %w", context.DeadlineExceeded), ClassNetwork},
		{fmt.Errorf("getUpdates: %w", &net.OpError{Op: "dial", Err: errors.New("connection refused")}), ClassNetwork},
		{errors.New("error response from telegram for method sendMessage, 502 Bad Gateway"), ClassServer},
		{&apiError{Code: 409, Description: "Conflict: terminated by other getUpdates request"}, ClassConflict},
		{&apiError{Code: 401, Description: "Unauthorized"}, ClassUnauthorized},
		{&apiError{Code: 429, Description: "Too Many Requests"}, ClassRateLimit},
		{&apiError{Code: 500, Description: "Internal Server Error"}, ClassServer},
	}
	for _, tt := range tests {
		if got := errorClass(tt.err); got != tt.want {
			t.Errorf("errorClass(%v) = %s, want %s", tt.err, got, tt.want)
		}
	}
}

// TestRestorable_Capabilities: «Восстановить» is offered only where the
// network can undo what was done (OK can neither restore nor unblock).
func TestRestorable_Capabilities(t *testing.T) {
	done := func(types ...moderation.ActionType) *moderation.Decision {
		d := &moderation.Decision{}
		for _, a := range types {
			d.Actions = append(d.Actions, moderation.ActionRecord{Type: a, State: moderation.ActionDone})
		}
		return d
	}
	all := moderation.Capabilities{Delete: true, Ban: true, Unban: true, Restore: true}
	ok := moderation.Capabilities{Delete: true, Ban: true}
	cases := []struct {
		name string
		d    *moderation.Decision
		caps moderation.Capabilities
		want bool
	}{
		{"vk delete", done(moderation.ActDelete), all, true},
		{"ok delete", done(moderation.ActDelete), ok, false},
		{"ok delete and ban", done(moderation.ActDelete, moderation.ActBan), ok, false},
		{"unban only", done(moderation.ActDelete, moderation.ActBan), moderation.Capabilities{Unban: true}, true},
	}
	for _, tc := range cases {
		if got := restorable(tc.d, tc.caps); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}
