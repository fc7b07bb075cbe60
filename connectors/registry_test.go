package connectors

import (
	"errors"
	"strings"
	"testing"

	"github.com/strazh/strazh/moderation"
)

type testConfig struct{ fail bool }

func (*testConfig) Validate() error { return nil }

type otherConfig struct{}

func (*otherConfig) Validate() error { return nil }

type testConn struct{ moderation.Connector }

// RegisterNetwork's factory checks the config's type by name and never
// hands back a typed nil as a connector.
func TestRegisterNetwork_Factory(t *testing.T) {
	RegisterNetwork("test-net", func() *testConfig { return &testConfig{} }, func(c *testConfig, _ Deps) (*testConn, error) {
		if c.fail {
			return nil, errors.New("no token")
		}
		return &testConn{}, nil
	})
	f, ok := Lookup("test-net")
	if !ok {
		t.Fatal("not registered")
	}
	if _, ok := f.Config().(*testConfig); !ok {
		t.Fatalf("Config() is %T", f.Config())
	}
	if c, err := f.New(&testConfig{}, Deps{}); err != nil || c == nil {
		t.Fatalf("New: %v, %v", c, err)
	}
	c, err := f.New(&testConfig{fail: true}, Deps{})
	if err == nil || c != nil {
		t.Fatalf("a failing New gave %#v, %v; want a nil connector and the error", c, err)
	}
	if _, err := f.New(&otherConfig{}, Deps{}); err == nil || !strings.Contains(err.Error(), "test-net: config is *connectors.otherConfig") {
		t.Errorf("a config of another type: %v", err)
	}
}
