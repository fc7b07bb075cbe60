package config

import (
	"reflect"
	"strings"

	"github.com/strazh/strazh/rules"
)

// The configuration is declared once, as Go structs with yaml tags and
// Default() values; the strict decoder, `strazh config dump` and the JSON
// Schema all read those declarations through fieldsOf, so none of them can
// know a key the others do not.

type field struct {
	name string
	v    reflect.Value
}

// fieldsOf lists a struct's keys in declaration order, inline structs
// flattened, `yaml:"-"` and unexported fields left out (as collectFields).
func fieldsOf(v reflect.Value) []field {
	var out []field
	t := v.Type()
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(sf.Tag.Get("yaml"), ",")
		if name == "-" {
			continue
		}
		if strings.Contains(opts, "inline") {
			out = append(out, fieldsOf(v.Field(i))...)
			continue
		}
		if name == "" {
			name = strings.ToLower(sf.Name)
		}
		out = append(out, field{name, v.Field(i)})
	}
	return out
}

var thresholdType = reflect.TypeFor[rules.Threshold]()

// accountKeys are the keys every account has, whatever its network.
func accountKeys() []field {
	var a Account
	return fieldsOf(reflect.ValueOf(&a).Elem())
}
