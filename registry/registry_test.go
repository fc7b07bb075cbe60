package registry

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
)

type fakePage struct {
	info moderation.PageInfo
	err  error
}

func (p fakePage) PageInfo(context.Context) (moderation.PageInfo, error) { return p.info, p.err }
func (p fakePage) Posts(context.Context, time.Time) ([]moderation.Post, error) {
	return nil, nil
}

var (
	now  = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	last = time.Date(2026, 11, 30, 18, 30, 0, 0, time.UTC)
)

// sources: a page the network describes, one whose config names it, one
// whose network fails, one the network is not asked about, and one whose
// network has no state mark.
func sources() []Source {
	return []Source{
		{Account: "admin-vk", Network: "vk", Purpose: "Новости администрации",
			Reader: fakePage{info: moderation.PageInfo{Name: "Администрация города", URL: "https://vk.com/adm_gorod", Verified: new(true), Followers: 5400, LastPost: last}}},
		{Account: "glava-vk", Network: "vk", Name: "Глава города", URL: "https://vk.com/glava", Purpose: "Страница главы",
			Reader: fakePage{info: moderation.PageInfo{Name: "Глава (из сети)", URL: "https://vk.com/club2", Verified: new(false)}}},
		{Account: "adm-ok", Network: "ok", Name: "Администрация в ОК", URL: "https://ok.ru/adm",
			Reader: fakePage{err: errors.New("ok: page info: connection refused")}},
		{Account: "adm-max", Network: "max", Name: "Канал в MAX", URL: "https://max.ru/adm", Unavailable: "коннектор не сообщает данные страницы"},
		{Account: "news-ok", Network: "ok",
			Reader: fakePage{info: moderation.PageInfo{Name: "Новости города", URL: "https://ok.ru/news", Followers: 300, LastPost: last}}},
	}
}

func TestBuild(t *testing.T) {
	r := Build(context.Background(), sources(), now, time.Second)
	if r.Complete {
		t.Error("Complete with a failing network")
	}
	if len(r.Problems) != 1 || !strings.Contains(r.Problems[0].Error(), "adm-ok: ok: page info: connection refused") {
		t.Errorf("Problems = %v, want the OK error named by its account", r.Problems)
	}
	tru, fls := true, false
	want := []Entry{
		{Account: "admin-vk", Network: "vk", NetworkName: "ВКонтакте", Name: "Администрация города", URL: "https://vk.com/adm_gorod",
			Purpose: "Новости администрации", Verified: &tru, VerifiedText: "есть", LastPost: &last, Followers: 5400, NetworkData: true},
		// The configuration wins over the network.
		{Account: "glava-vk", Network: "vk", NetworkName: "ВКонтакте", Name: "Глава города", URL: "https://vk.com/glava",
			Purpose: "Страница главы", Verified: &fls, VerifiedText: "нет", NetworkData: true, Missing: "дата последней публикации недоступна"},
		{Account: "adm-ok", Network: "ok", NetworkName: "Одноклассники", Name: "Администрация в ОК", URL: "https://ok.ru/adm",
			VerifiedText: "нет данных", Missing: "сеть не ответила"},
		{Account: "adm-max", Network: "max", NetworkName: "MAX", Name: "Канал в MAX", URL: "https://max.ru/adm",
			VerifiedText: "нет данных", Missing: "коннектор не сообщает данные страницы"},
		// Reached, but OK documents no state mark: unknown, never «нет».
		{Account: "news-ok", Network: "ok", NetworkName: "Одноклассники", Name: "Новости города", URL: "https://ok.ru/news",
			VerifiedText: "не известно", LastPost: &last, Followers: 300, NetworkData: true},
	}
	if len(r.Accounts) != len(want) {
		t.Fatalf("%d accounts, want %d", len(r.Accounts), len(want))
	}
	for i, w := range want {
		g := r.Accounts[i]
		gj, _ := json.Marshal(g)
		wj, _ := json.Marshal(w)
		if !bytes.Equal(gj, wj) {
			t.Errorf("entry %d:\n got %s\nwant %s", i, gj, wj)
		}
	}
}

func TestRegistry_Render_JSON(t *testing.T) {
	r := Build(context.Background(), sources()[:1], now, time.Second)
	var b bytes.Buffer
	if err := r.Render(&b, JSON, time.UTC); err != nil {
		t.Fatal(err)
	}
	want := `{
  "title": "Официальные страницы в социальных сетях",
  "generated_at": "2026-12-01T09:00:00Z",
  "complete": true,
  "accounts": [
    {
      "account": "admin-vk",
      "network": "vk",
      "network_name": "ВКонтакте",
      "name": "Администрация города",
      "url": "https://vk.com/adm_gorod",
      "purpose": "Новости администрации",
      "verified": true,
      "verified_text": "есть",
      "last_post": "2026-11-30T18:30:00Z",
      "followers": 5400,
      "network_data": true
    }
  ]
}
`
	if b.String() != want {
		t.Errorf("JSON:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestRegistry_Render_CSV(t *testing.T) {
	r := Build(context.Background(), sources(), now, time.Second)
	var b bytes.Buffer
	if err := r.Render(&b, CSV, time.UTC); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		csvHeader,
		{"admin-vk", "vk", "ВКонтакте", "Администрация города", "https://vk.com/adm_gorod", "Новости администрации", "true", "5400", "2026-11-30T18:30:00Z", "true", "", "есть"},
		{"glava-vk", "vk", "ВКонтакте", "Глава города", "https://vk.com/glava", "Страница главы", "false", "0", "", "true", "дата последней публикации недоступна", "нет"},
		{"adm-ok", "ok", "Одноклассники", "Администрация в ОК", "https://ok.ru/adm", "", "", "", "", "false", "сеть не ответила", "нет данных"},
		{"adm-max", "max", "MAX", "Канал в MAX", "https://max.ru/adm", "", "", "", "", "false", "коннектор не сообщает данные страницы", "нет данных"},
		{"news-ok", "ok", "Одноклассники", "Новости города", "https://ok.ru/news", "", "", "300", "2026-11-30T18:30:00Z", "true", "", "не известно"},
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d: %v", len(rows), len(want), rows)
	}
	for i := range want {
		if strings.Join(rows[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d = %q, want %q", i, rows[i], want[i])
		}
	}
}

// A name or purpose from the configuration is text, never markup.
func TestRegistry_Render_HTMLEscapes(t *testing.T) {
	r := Build(context.Background(), []Source{{Account: "a", Network: "vk", Name: `<script>alert(1)</script>`,
		URL: "javascript:alert(1)", Purpose: `"><img src=x>`}}, now, time.Second)
	var b bytes.Buffer
	if err := r.Render(&b, HTML, time.UTC); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"<script>alert", "<img src=x>", `href="javascript:`} {
		if strings.Contains(b.String(), bad) {
			t.Errorf("HTML contains %q", bad)
		}
	}
}

func TestParseFormat(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{{"html", true}, {"json", true}, {"csv", true}, {"pdf", false}, {"", false}} {
		_, err := ParseFormat(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("ParseFormat(%q) err = %v", tc.in, err)
		}
	}
}

func TestRussianDate(t *testing.T) {
	if got := RussianDate(time.Date(2026, 3, 8, 0, 0, 0, 0, time.UTC)); got != "8 марта 2026 г." {
		t.Errorf("RussianDate = %q", got)
	}
}
