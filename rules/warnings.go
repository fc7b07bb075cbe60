package rules

import (
	"fmt"
	"slices"

	"github.com/strazh/strazh/moderation"
)

// Memory an Engine holds, measured by BenchmarkEngine_Memory (live heap
// after compiling; loading allocates about 2.6 KB per entry and 8 KB per
// rule on the way, freed after). A reload holds the old engine and the new
// one at once.
const (
	LexiconEntryBytes = 300
	RuleBytes         = 2600
)

// WarnMemoryBytes is the estimated engine size from which Warnings says so.
const WarnMemoryBytes = 256 << 20

// MemoryEstimate is the engine's estimated live memory in bytes, from its
// lexicon entries and rules.
func (e *Engine) MemoryEstimate() (bytes int64, entries, rules int) {
	for _, l := range e.lexicons {
		entries += len(l.patterns)
	}
	rules = len(e.all)
	return int64(entries)*LexiconEntryBytes + int64(rules)*RuleBytes, entries, rules
}

// Warnings lists what is not wrong but deserves the operator's look, each
// naming file, line and key: an empty rule file; a delete or ban rule
// without examples (nothing proves what it deletes) unless it depends on
// the page's history, which examples cannot show; a rule scoped to an
// account that is not configured (accounts lists the configured names;
// nil skips the check); an engine so large it costs hundreds of megabytes.
func (e *Engine) Warnings(accounts []string) []error {
	var out []error
	for _, f := range e.files {
		if f.empty {
			out = append(out, &FileError{File: f.name, Line: 1,
				Err: fmt.Errorf("файл правил пуст: ни правил, ни словарей (the rule file has no rules and no lexicons)")})
		}
		for _, r := range f.rules {
			if !r.enabled {
				continue
			}
			if (r.action == moderation.Delete || r.action == moderation.Ban) && len(r.examples.match) == 0 && !needsHistory(r.cond) {
				out = append(out, &FileError{File: f.name, Line: r.line, Key: r.key + ".examples",
					Err: fmt.Errorf("правило %s удаляет (%s), но у него нет примеров examples.match: проверить его нечем (rule %s acts without examples to prove it)", r.id, r.action, r.id)})
			}
			if accounts == nil {
				continue
			}
			for _, a := range r.accounts {
				if !slices.Contains(accounts, a) {
					out = append(out, &FileError{File: f.name, Line: r.line, Key: r.key + ".accounts",
						Err: fmt.Errorf("правило %s относится к странице %q, которой нет в accounts, и не сработает нигде (no account named %q: the rule never fires there)", r.id, a, a)})
				}
			}
		}
	}
	if b, n, r := e.MemoryEstimate(); b >= WarnMemoryBytes && len(e.files) > 0 {
		file, line, key, where := e.files[0].name, 1, "", ""
		if len(e.lexicons) > 0 {
			big := slices.MaxFunc(e.lexicons, func(a, b *lexicon) int { return len(a.patterns) - len(b.patterns) })
			file, line, key = big.file, max(big.line, 1), "lexicons."+big.name
			where = fmt.Sprintf(", the largest lexicon %q has %d", big.name, len(big.patterns))
		}
		out = append(out, &FileError{File: file, Line: line, Key: key,
			Err: fmt.Errorf("правила займут около %d МБ памяти, вдвое больше во время перезагрузки: %d записей словарей по ~%d Б и %d правил по ~%d Б (the rules will take about %d MB of memory, twice that during a reload: %d lexicon entries%s, %d rules)",
				b>>20, n, LexiconEntryBytes, r, RuleBytes, b>>20, n, where, r)})
	}
	return out
}

// needsHistory says whether c asks the page's history (copies, floods,
// earlier violations, a new author): a lone example on an empty page, as
// SelfTest tries it, cannot prove such a rule, so no example is asked for.
func needsHistory(c *cond) bool {
	if c == nil {
		return false
	}
	switch c.kind {
	case cViolations, cFlood, cDuplicates, cOwnDuplicates, cAuthorNew:
		return true
	}
	return slices.ContainsFunc(c.kids, needsHistory)
}
