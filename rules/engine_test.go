package rules

import "testing"

func TestEngine_SelfTest_Builtin(t *testing.T) {
	e, err := Load(DefaultConfig(), ".")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.SelfTest(); err != nil {
		t.Fatal(err)
	}
}
