package moderation_test

import (
	"os/exec"
	"strings"
	"testing"
)

// The dependency direction is a design rule, not a habit: the core and the
// rule engine stay pure, connectors stay free of metrics and storage. The
// guard reads `go list -deps`, so a new import that breaks the rule fails here
// whatever file it came in through.
func TestDependencies_PointTowardTheCore(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go tool not on PATH")
	}
	infra := []string{
		"github.com/prometheus/",
		"go.etcd.io/bbolt",
		"github.com/go-telegram/",
		"github.com/SevereCloud/vksdk",
		"github.com/strazh/strazh/moderation/store",
		"github.com/strazh/strazh/moderation/review",
		"github.com/strazh/strazh/moderation/pipeline",
		"github.com/strazh/strazh/connectors/",
		"github.com/strazh/strazh/config",
	}
	pure := append([]string{"net/http", "net", "os/exec"}, infra...)
	connector := []string{
		"github.com/prometheus/",
		"go.etcd.io/bbolt",
		"github.com/go-telegram/",
		"github.com/strazh/strazh/moderation/store",
		"github.com/strazh/strazh/moderation/review",
		"github.com/strazh/strazh/moderation/pipeline",
		"github.com/strazh/strazh/rules",
	}
	cases := []struct {
		pkg       string
		forbidden []string
	}{
		{"github.com/strazh/strazh/moderation", pure},
		{"github.com/strazh/strazh/rules", pure},
		{"github.com/strazh/strazh/rules/normalize", pure},
		{"github.com/strazh/strazh/duration", pure},
		{"github.com/strazh/strazh/chart", pure},
		{"github.com/strazh/strazh/registry", infra},
		{"github.com/strazh/strazh/moderation/cadence", without(infra, "github.com/prometheus/")},
		{"github.com/strazh/strazh/connectors", connector},
		{"github.com/strazh/strazh/connectors/vk", connector},
		{"github.com/strazh/strazh/connectors/ok", connector},
		{"github.com/strazh/strazh/connectors/sim", connector},
		{"github.com/strazh/strazh/connectors/max", connector},
		{"github.com/strazh/strazh/connectors/max/maxapi", connector},
		{"github.com/strazh/strazh/connectors/meta", connector},
		// Telegram's own types are the network's SDK here, not the review bot.
		{"github.com/strazh/strazh/connectors/telegram", without(connector, "github.com/go-telegram/")},
	}
	for _, c := range cases {
		t.Run(c.pkg, func(t *testing.T) {
			out, err := exec.Command("go", "list", "-deps", c.pkg).CombinedOutput()
			if err != nil {
				t.Fatalf("go list -deps %s: %v\n%s", c.pkg, err, out)
			}
			for _, dep := range strings.Fields(string(out)) {
				if dep == c.pkg {
					continue
				}
				for _, bad := range c.forbidden {
					if dep == bad || (strings.HasSuffix(bad, "/") && strings.HasPrefix(dep, bad)) ||
						(!strings.HasSuffix(bad, "/") && strings.HasPrefix(dep, bad+"/")) {
						t.Errorf("%s depends on %s (forbidden: %s)", c.pkg, dep, bad)
					}
				}
			}
		})
	}
}

// without is list less the entries drop.
func without(list []string, drop ...string) []string {
	var out []string
	for _, s := range list {
		keep := true
		for _, d := range drop {
			keep = keep && s != d
		}
		if keep {
			out = append(out, s)
		}
	}
	return out
}
