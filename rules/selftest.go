package rules

import (
	"errors"
	"fmt"

	"github.com/strazh/strazh/moderation"
)

// SelfTest runs every rule's examples (must match / must not match) and
// every file's examples (some rule of the file must fire / none may). Each
// rule is tried alone, as for a new author on an empty page; disabled
// rules are skipped. It returns the mismatches joined, each naming file,
// line and rule.
func (e *Engine) SelfTest() error {
	var errs []error
	s := e.newState()
	var out moderation.Result
	try := func(text string, rs []*rule) *rule {
		c := &moderation.Comment{Text: text}
		out.Reset()
		s.prepare(c, nil, &out)
		out.Fingerprint = fingerprint(s.text.N)
		for _, r := range rs {
			if !r.enabled {
				continue
			}
			s.match.ok = false
			if r.cond.eval(s) {
				return r
			}
		}
		return nil
	}
	for _, f := range e.files {
		for _, r := range f.rules {
			if !r.enabled {
				continue
			}
			one := []*rule{r}
			for _, ex := range r.examples.match {
				if try(ex.src, one) == nil {
					errs = append(errs, &FileError{File: f.name, Line: ex.line, Key: ex.key,
						Err: fmt.Errorf("rule %s: example %q must match but does not", r.id, ex.src)})
				}
			}
			for _, ex := range r.examples.noMatch {
				if try(ex.src, one) != nil {
					errs = append(errs, &FileError{File: f.name, Line: ex.line, Key: ex.key,
						Err: fmt.Errorf("rule %s: example %q must not match but does (%q)", r.id, ex.src, s.matched())})
				}
			}
		}
		for _, ex := range f.examples.match {
			if try(ex.src, f.rules) == nil {
				errs = append(errs, &FileError{File: f.name, Line: ex.line, Key: ex.key,
					Err: fmt.Errorf("example %q must match a rule of the file but matches none", ex.src)})
			}
		}
		for _, ex := range f.examples.noMatch {
			if r := try(ex.src, f.rules); r != nil {
				errs = append(errs, &FileError{File: f.name, Line: ex.line, Key: ex.key,
					Err: fmt.Errorf("rule %s: example %q must not match any rule of the file but does (%q)", r.id, ex.src, s.matched())})
			}
		}
	}
	return errors.Join(errs...)
}
