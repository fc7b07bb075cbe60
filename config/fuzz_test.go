package config_test

import (
	"strings"
	"testing"

	"github.com/strazh/strazh/config"
	_ "github.com/strazh/strazh/connectors/max" // accounts of every network parse
	_ "github.com/strazh/strazh/connectors/sim"
	_ "github.com/strazh/strazh/connectors/vk"
)

// FuzzParse: any bytes give a configuration or an error naming the file;
// never a panic. An accepted configuration parses again to the same one
// (nothing in it depends on more than its bytes).
func FuzzParse(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		const path = "/etc/strazh/fuzz.yaml"
		cfg, err := config.Parse(path, data)
		if err != nil {
			if !strings.Contains(err.Error(), path) {
				t.Fatalf("error without the file's name: %v", err)
			}
			return
		}
		again, err := config.Parse(path, data)
		if err != nil || again.StateDir != cfg.StateDir || len(again.Accounts) != len(cfg.Accounts) {
			t.Fatalf("parsed twice differently: %v", err)
		}
	})
}
