package meta

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sync"
	"testing"

	"github.com/strazh/strazh/connectors/meta/metatest"
)

// flakyInbox stores the first change and fails on the others.
type flakyInbox struct {
	*memInbox
	mu sync.Mutex
	n  int
}

func (f *flakyInbox) PutInbox(account, key string, body []byte) (uint64, bool, error) {
	f.mu.Lock()
	f.n++
	n := f.n
	f.mu.Unlock()
	if n > 1 {
		return 0, false, errors.New("disk full")
	}
	return f.memInbox.PutInbox(account, key, body)
}

// A delivery whose second change cannot be stored gets a 500, but the
// first change is stored: the connector is woken for it, else it waits
// for the next poll or for a retry that stores something new (a retry
// finds the first change a duplicate, which wakes nobody).
func TestHub_Deliver_StoreFailsMidway_WakesForStored(t *testing.T) {
	f := newFake(t)
	c := newConn(t, f, Facebook, "page", opts{webhook: true, inbox: &flakyInbox{memInbox: newMemInbox()}})
	connect(t, c)
	post := f.AddPost("Пост")
	var env map[string]any
	for i, id := range []string{f.AddComment(post, "", "501", "Иван", "первый"), f.AddComment(post, "", "502", "Пётр", "второй")} {
		var e map[string]any
		if err := json.Unmarshal(f.Delivery(id, "add"), &e); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			env = e
			continue
		}
		entry := env["entry"].([]any)[0].(map[string]any)
		more := e["entry"].([]any)[0].(map[string]any)["changes"].([]any)
		entry["changes"] = append(entry["changes"].([]any), more...)
	}
	body, _ := json.Marshal(env)
	st, err := metatest.Send(context.Background(), nil, hookURL(c), body, "")
	if err != nil {
		t.Fatal(err)
	}
	if st != http.StatusInternalServerError {
		t.Fatalf("status %d, want 500", st)
	}
	select {
	case <-c.wake:
	default:
		t.Error("the stored change did not wake the connector")
	}
}
