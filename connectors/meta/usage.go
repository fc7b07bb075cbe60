package meta

import (
	"encoding/json"
	"net/http"
	"sync"
	"time"
)

// Usage headers (§3.4): percentages of Meta's limits the token used.
//
//	X-App-Usage: {"call_count":28,"total_time":25,"total_cputime":25}
//	X-Business-Use-Case-Usage: {"<id>":[{"type":"pages","call_count":1,"total_cputime":1,
//	  "total_time":1,"estimated_time_to_regain_access":0}]}
const (
	headerAppUsage = "X-App-Usage"
	headerBUCUsage = "X-Business-Use-Case-Usage"
	// UsageApp is the kind of X-App-Usage; BUC kinds are Meta's own types
	// ("pages", "instagram").
	UsageApp = "app"
)

type usageCounts struct {
	CallCount    float64 `json:"call_count"`
	TotalTime    float64 `json:"total_time"`
	TotalCPUTime float64 `json:"total_cputime"`
	Regain       float64 `json:"estimated_time_to_regain_access"` // minutes (BUC only)
	Type         string  `json:"type"`
}

func (u usageCounts) percent() float64 { return max(u.CallCount, u.TotalTime, u.TotalCPUTime) }

// usageReading is what one answer's headers said.
type usageReading struct {
	kinds  map[string]float64
	regain time.Duration
}

// readUsage parses the usage headers; unreadable ones are ignored (they
// only steer the pacing, never a decision).
func readUsage(h http.Header) usageReading {
	r := usageReading{}
	if v := h.Get(headerAppUsage); v != "" {
		var u usageCounts
		if json.Unmarshal([]byte(v), &u) == nil {
			r.kinds = map[string]float64{UsageApp: u.percent()}
		}
	}
	if v := h.Get(headerBUCUsage); v != "" {
		var m map[string][]usageCounts
		if json.Unmarshal([]byte(v), &m) == nil {
			for _, list := range m {
				for _, u := range list {
					if r.kinds == nil {
						r.kinds = map[string]float64{}
					}
					kind := u.Type
					if kind == "" {
						kind = "buc"
					}
					r.kinds[kind] = max(r.kinds[kind], u.percent())
					r.regain = max(r.regain, time.Duration(u.Regain*float64(time.Minute)))
				}
			}
		}
	}
	return r
}

// usageState is one token's standing with Meta, shared by every account
// using the token (connectors.Limiters.Shared): the last usage seen per
// kind and the pause after a limit.
type usageState struct {
	mu        sync.Mutex
	kinds     map[string]float64
	heldUntil time.Time
	heldN     int // pauses in a row
}

// snapshot copies the usage per kind.
func (s *usageState) snapshot() map[string]float64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]float64, len(s.kinds))
	for k, v := range s.kinds {
		out[k] = v
	}
	return out
}
