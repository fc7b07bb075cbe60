package main

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/strazh/strazh/config"
)

func TestConfigDump_Command(t *testing.T) {
	out, errOut, code := runCLI(context.Background(), "config", "dump", "-config", "../../config.example.yaml")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"retention: 1y", "community_token_env: STRAZH_VK_COMMUNITY_TOKEN", "catchup_days: 14", "shutdown_grace: 10s"} {
		if !strings.Contains(out, want) {
			t.Errorf("dump lacks %q", want)
		}
	}
	_, errOut, code = runCLI(context.Background(), "config", "dump", "-config", "/nonexistent/strazh.yaml")
	if code != 1 || !strings.Contains(errOut, "/nonexistent/strazh.yaml") {
		t.Errorf("missing file: exit %d: %s", code, errOut)
	}
}

// The shipped schema is what this binary prints, with every connector it
// registers (the config package's own test checks the file with vk and sim).
func TestConfigSchema_Command(t *testing.T) {
	out, _, code := runCLI(context.Background(), "config", "schema")
	shipped, err := os.ReadFile("../../config/strazh.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	if code != 0 || out != string(shipped) || out != string(config.SchemaJSON()) {
		t.Errorf("strazh config schema (exit %d) differs from config/strazh.schema.json: go generate ./config", code)
	}
}
