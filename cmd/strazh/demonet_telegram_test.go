package main

import (
	"context"
	"testing"

	"github.com/strazh/strazh/config"
	"github.com/strazh/strazh/moderation/review/telegramtest"
)

// The Telegram demo's account loads, and its bot is not the review bot
// (check would refuse one token for both).
func TestTelegramDemo_Config(t *testing.T) {
	net, err := newTelegramDemo()
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	tg := telegramtest.New("")
	defer tg.Close()
	path, err := writeDemoConfig(t.TempDir(), []demoPage{{"telegram", net}}, tg, demoSettings{language: "ru"})
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range net.Env() {
		t.Setenv(k, v)
	}
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if errs := sameBotToken(cfg, tg.Token()); len(errs) != 0 {
		t.Fatalf("the demo's connector shares the review bot's token: %v", errs)
	}
	if _, err := net.Post(context.Background(), "wall", 101, "Иван Петров", "текст"); err != nil {
		t.Fatal(err)
	}
	if d, b := net.Summary(); d != 0 || b != 0 {
		t.Errorf("summary %d %d before anything was decided", d, b)
	}
}
