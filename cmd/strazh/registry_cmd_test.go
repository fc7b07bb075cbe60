package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/strazh/strazh/connectors/vk/vktest"
)

const registryVKConfig = `state_dir: %s
rules: {builtin: ru}
accounts:
  - name: admin-vk
    network: vk
    group_id: %d
    api_url: %s
    community_token_env: STRAZH_TEST_REG_COMMUNITY
    user_token_env: STRAZH_TEST_REG_USER
    registry: {purpose: Новости администрации}
  - name: glava-vk
    network: vk
    group_id: 77
    api_url: http://127.0.0.1:1/method/
    community_token_env: STRAZH_TEST_REG_UNSET
    registry: {name: Глава города, url: "https://vk.com/glava", purpose: Страница главы}
`

func TestCmdRegistry(t *testing.T) {
	f := vktest.New(vktest.Options{GroupName: "Администрация города", Page: vktest.PageOptions{ScreenName: "adm_gorod", Members: 900, StateMark: true}})
	defer f.Close()
	last := time.Now().Add(-3 * time.Hour).Truncate(time.Second)
	f.AddPostAt("новость", last)
	t.Setenv("STRAZH_TEST_REG_COMMUNITY", f.CommunityToken())
	t.Setenv("STRAZH_TEST_REG_USER", f.UserToken())
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfgPath, fmt.Appendf(nil, registryVKConfig, dir, f.GroupID(), f.MethodURL()), 0o600); err != nil {
		t.Fatal(err)
	}
	outFile := filepath.Join(dir, "registry.json")
	_, errOut, code := runCLI(context.Background(), "registry", "-config", cfgPath, "-format", "json", "-o", outFile)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	// The second page's token is not set: it is named, and the rest goes on.
	if !strings.Contains(errOut, "glava-vk: not asked") || !strings.Contains(errOut, "rendered from the configuration alone") {
		t.Errorf("stderr does not say what was left out:\n%s", errOut)
	}
	b, err := os.ReadFile(outFile)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Complete bool `json:"complete"`
		Accounts []struct {
			Account, Name, URL, Purpose, Missing string
			Verified                             *bool
			LastPost                             *time.Time `json:"last_post"`
			NetworkData                          bool       `json:"network_data"`
		} `json:"accounts"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("%v:\n%s", err, b)
	}
	if got.Complete || len(got.Accounts) != 2 {
		t.Fatalf("registry %s", b)
	}
	a, g := got.Accounts[0], got.Accounts[1]
	if a.Name != "Администрация города" || a.URL != "https://vk.com/adm_gorod" || a.Purpose != "Новости администрации" ||
		a.Verified == nil || !*a.Verified || a.LastPost == nil || !a.LastPost.Equal(last) || !a.NetworkData {
		t.Errorf("admin-vk = %+v", a)
	}
	if g.Name != "Глава города" || g.URL != "https://vk.com/glava" || g.Verified != nil || g.LastPost != nil || g.NetworkData || g.Missing == "" {
		t.Errorf("glava-vk = %+v", g)
	}
}

func TestCmdRegistry_BadFormat(t *testing.T) {
	_, errOut, code := runCLI(context.Background(), "registry", "-config", "x.yaml", "-format", "pdf")
	if code == 0 || !strings.Contains(errOut, `-format "pdf": want html, json or csv`) {
		t.Errorf("exit %d, stderr %s", code, errOut)
	}
}
