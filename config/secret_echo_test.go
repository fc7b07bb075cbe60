package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/strazh/strazh/config"
)

// Defect 8 (config side): a token pasted where a section belongs was quoted
// whole in the error.
func TestLoad_ValueInPlaceOfSection_NoSecretEchoed(t *testing.T) {
	const secret = "Zq8xR2mKp4TnW7vY1cLs9dFh3jGb6NaE"
	p := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(p, []byte("metrics: vk1.a."+secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := config.Load(p)
	if err == nil {
		t.Fatal("loaded")
	}
	msg := err.Error()
	if !strings.Contains(msg, p+":1: metrics: must be a mapping") {
		t.Errorf("error does not name the place: %s", msg)
	}
	if strings.Contains(msg, secret[:6]) {
		t.Errorf("error echoes the value: %s", msg)
	}
}
