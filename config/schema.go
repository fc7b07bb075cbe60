package config

import (
	"encoding/json"
	"reflect"
	"time"

	"github.com/strazh/strazh/connectors"
	"github.com/strazh/strazh/duration"
	"github.com/strazh/strazh/moderation/review"
	"github.com/strazh/strazh/moderation/review/web"
)

func defaultTelegram() *review.Config { c := review.DefaultConfig(); return &c }

func defaultMAX() *review.MAXConfig { c := review.DefaultMAXConfig(); return &c }

// SchemaID names the schema (config/strazh.schema.json in the repository).
const SchemaID = "https://github.com/strazh/strazh/config/strazh.schema.json"

// durationPattern is duration.Parse's syntax as a regular expression.
const durationPattern = `^\s*(0|\+?(([0-9]+\.?[0-9]*|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h|d|w|y))+)\s*$`

// Schema is the JSON Schema (draft 2020-12) of a configuration file, with
// every default, generated from the declarations: Default(), the structs'
// yaml tags and each registered connector's Config. Editors use it for
// completion; `strazh check` stays the authority (the schema cannot say
// that state_dir is absolute or that a rule id exists).
func Schema() map[string]any {
	def := Default()
	root := objectSchema(reflect.ValueOf(&def).Elem())
	props := root["properties"].(map[string]any)
	props["telegram"] = map[string]any{"anyOf": []any{
		valueSchema(reflect.ValueOf(defaultTelegram()).Elem()),
		map[string]any{"type": "null"},
	}, "description": "the review chat; leave it out to decide with `strazh review`"}
	props["review"] = map[string]any{"type": "object", "additionalProperties": false,
		"description": "the review channels; every card goes to each (review.telegram is the top-level telegram under its new name: give one of them)",
		"properties": map[string]any{"telegram": valueSchema(reflect.ValueOf(defaultTelegram()).Elem()),
			"max": valueSchema(reflect.ValueOf(defaultMAX()).Elem()),
			"web": valueSchema(reflect.ValueOf(web.DefaultConfig()))}}
	props["accounts"] = map[string]any{"type": "array", "minItems": 1, "items": accountSchema()}
	root["required"] = []any{"accounts"}
	root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	root["$id"] = SchemaID
	root["title"] = "strazh configuration"
	return root
}

// SchemaJSON is Schema as indented JSON with a final newline.
func SchemaJSON() []byte {
	b, err := json.MarshalIndent(Schema(), "", "  ")
	if err != nil {
		panic(err) // maps of strings, numbers and bools only
	}
	return append(b, '\n')
}

func accountSchema() map[string]any {
	props := map[string]any{}
	for _, f := range accountKeys() {
		props[f.name] = valueSchema(f.v)
	}
	names := connectors.Names()
	enum := make([]any, len(names))
	var branches []any
	for i, n := range names {
		enum[i] = n
		f, _ := connectors.Lookup(n)
		cv := reflect.ValueOf(f.Config())
		for cv.Kind() == reflect.Pointer || cv.Kind() == reflect.Interface {
			cv = cv.Elem()
		}
		own := map[string]any{}
		for _, k := range fieldsOf(cv) {
			own[k.name] = valueSchema(k.v)
		}
		branches = append(branches, map[string]any{
			"if":   map[string]any{"properties": map[string]any{"network": map[string]any{"const": n}}, "required": []any{"network"}},
			"then": map[string]any{"properties": own},
		})
	}
	props["network"] = map[string]any{"type": "string", "enum": enum}
	return map[string]any{
		"type": "object", "required": []any{"name", "network"}, "properties": props,
		"allOf": branches, "unevaluatedProperties": false,
	}
}

// objectSchema describes a struct: its keys, their types and defaults.
func objectSchema(v reflect.Value) map[string]any {
	props := map[string]any{}
	for _, f := range fieldsOf(v) {
		props[f.name] = valueSchema(f.v)
	}
	return map[string]any{"type": "object", "properties": props, "additionalProperties": false}
}

// valueSchema describes one value; v holds its default.
func valueSchema(v reflect.Value) map[string]any {
	t := v.Type()
	switch {
	case t == durationType:
		return map[string]any{"anyOf": []any{
			map[string]any{"type": "string", "pattern": durationPattern},
			map[string]any{"const": 0},
		}, "default": duration.Format(time.Duration(v.Int())), "description": "длительность (duration): 90s, 15m, 12h, 30d, 2w, 1y"}
	case t == thresholdType:
		return map[string]any{"anyOf": []any{
			map[string]any{"type": "number", "minimum": 0, "maximum": 1},
			map[string]any{"const": "auto"},
		}}
	}
	switch t.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return valueSchema(reflect.New(t.Elem()).Elem())
		}
		return valueSchema(v.Elem())
	case reflect.Struct:
		return objectSchema(v)
	case reflect.Bool:
		return map[string]any{"type": "boolean", "default": v.Bool()}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return map[string]any{"type": "integer", "default": v.Int()}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer", "minimum": 0, "default": v.Uint()}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number", "default": v.Float()}
	case reflect.String:
		return map[string]any{"type": "string", "default": v.String()}
	case reflect.Slice:
		s := map[string]any{"type": "array", "items": valueSchema(reflect.New(t.Elem()).Elem())}
		if v.Len() > 0 {
			d := make([]any, v.Len())
			for i := range v.Len() {
				d[i] = v.Index(i).Interface()
			}
			s["default"] = d
		}
		return s
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": valueSchema(reflect.New(t.Elem()).Elem())}
	}
	return map[string]any{}
}

//go:generate go test -run TestSchema_UpToDate -update .
