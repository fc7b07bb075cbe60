package config_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"

	"github.com/strazh/strazh/config"
)

var update = flag.Bool("update", false, "rewrite config/strazh.schema.json")

const schemaFile = "strazh.schema.json"

// The shipped schema is what the declarations generate now:
// go generate ./config (or go test ./config -run Schema_UpToDate -update).
func TestSchema_UpToDate(t *testing.T) {
	want := config.SchemaJSON()
	if *update {
		if err := os.WriteFile(schemaFile, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(schemaFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("config/%s is stale: run `go generate ./config`", schemaFile)
	}
}

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(config.SchemaJSON()))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(config.SchemaID, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(config.SchemaID)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// yamlAsJSON is a YAML document as the JSON value a schema validator reads.
func yamlAsJSON(t *testing.T, src []byte) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(src, &v); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	out, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestSchema_ExampleValidates(t *testing.T) {
	s := compileSchema(t)
	src, err := os.ReadFile("../config.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(yamlAsJSON(t, src)); err != nil {
		t.Errorf("config.example.yaml does not validate: %v", err)
	}
}

// The schema refuses what the loader refuses, where a schema can say it.
func TestSchema_Refuses(t *testing.T) {
	s := compileSchema(t)
	tests := []struct{ name, yaml string }{
		{"unknown top-level key", base + "colour: red\n"},
		{"unknown account key", base + "    colour: red\n"},
		{"vk key on a sim account", base + "    group_id: 5\n"},
		{"bad duration", base + "retention: 3 days\n"},
		{"wrong type", base + "dry_run: maybe\n"},
		{"unknown network", "state_dir: /x\naccounts:\n  - {name: a, network: myspace}\n"},
		{"no accounts", "state_dir: /x\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := config.Parse("c.yaml", []byte(tt.yaml)); err == nil {
				t.Fatal("the loader accepts it: not a refusal case")
			}
			if err := s.Validate(yamlAsJSON(t, []byte(tt.yaml))); err == nil {
				t.Error("the schema accepts it")
			}
		})
	}
	ok := base + "    ban: {duration: 2w}\nretention: 1y\n"
	if _, err := config.Parse("c.yaml", []byte(ok)); err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(yamlAsJSON(t, []byte(ok))); err != nil {
		t.Errorf("valid config refused: %v", err)
	}
}
