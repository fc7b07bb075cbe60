package ok

import (
	"context"
	"testing"
	"time"

	"github.com/strazh/strazh/moderation"
)

// TestConnector_Fetch_UnixDates: comment dates given as unix seconds (a
// JSON number; OK's date form is unverified, §2.3) are read. Before, the
// number made every page unreadable: every cycle failed and the account
// moderated nothing.
func TestConnector_Fetch_UnixDates(t *testing.T) {
	f, tok := newFake(t)
	f.SetUnixDates(true)
	c := newConn(t, f, "ok-a", tok, nil)
	at := time.Now().Add(-time.Minute).Truncate(time.Second)
	f.AddCommentAt(f.AddTopic(testGID), "5810", "когда починят дорогу?", at)
	d := newDriver(t, c, nil)
	d.Fetch()
	got := d.Find("когда починят дорогу?")
	if len(got) != 1 || !got[0].Comment.Created.Equal(at) {
		t.Fatalf("read %+v, want one comment made at %s", got, at)
	}
}

// TestConnector_Fetch_TopicUnreadable: a topic whose comments answer a
// shape that cannot be read is passed over and the other topics are read.
// Before, it failed every cycle: no topic of the group was moderated.
func TestConnector_Fetch_TopicUnreadable(t *testing.T) {
	f, tok := newFake(t)
	c := newConn(t, f, "ok-a", tok, nil)
	older := f.AddTopic(testGID)
	f.AddComment(older, "5810", "когда починят дорогу?")
	newer := f.AddTopic(testGID)
	f.AddComment(newer, "5811", "в этой теме ответ не читается")
	f.Garble(newer, true)
	d := newDriver(t, c, nil)
	d.Fetch()
	if len(d.Find("когда починят дорогу?")) != 1 {
		t.Fatalf("the other topic's comment not read: %d updates", len(d.All))
	}
	if n := c.PostsSkipped(); n != 1 {
		t.Fatalf("PostsSkipped = %d after one topic passed over, want 1", n)
	}
	f.Garble(newer, false)
	d.Fetch()
	if len(d.Find("в этой теме ответ не читается")) != 1 {
		t.Fatal("the topic passed over was not read once readable")
	}
}

// TestConnector_Fetch_NoTopicsListed: a cycle in which OK lists no topic
// at all keeps what was read of the watched ones. It dropped them all as
// out of the window, so the next cycle read them as new: every comment
// since strazh's first start was delivered again (decided again once
// past the pipeline's memory).
func TestConnector_Fetch_NoTopicsListed(t *testing.T) {
	f, tok := newFake(t)
	c := newConn(t, f, "ok-a", tok, nil)
	topic := f.AddTopic(testGID)
	f.AddComment(topic, "5810", "когда починят дорогу?")
	d := newDriver(t, c, nil)
	d.Fetch()
	f.EmptyTopics(1)
	d.Fetch()
	f.AddComment(topic, "5811", "и свет во дворе")
	d.Until("the next comment", d.Has("и свет во дворе"))
	if d.Dups != 0 {
		t.Fatalf("%d comments delivered again after a cycle listing no topic", d.Dups)
	}
}

// TestConnector_Fetch_LimitMidCycle: a rate limit reached in the middle of
// a cycle (OK's 11 LIMIT_REACHED, 8 FLOOD_BLOCKED) returns what was read
// before it, and the rest is read in the next cycle. The whole cycle
// failed, what it had read was thrown away, and the next cycle began
// again with the same calls: under a limit smaller than a cycle's calls
// no comment was ever delivered.
func TestConnector_Fetch_LimitMidCycle(t *testing.T) {
	for _, code := range []int{codeLimit, codeFlood} {
		t.Run(faultName(code), func(t *testing.T) {
			f, tok := newFake(t)
			c := newConn(t, f, "ok-a", tok, nil)
			var texts []string
			for i := range 3 {
				text := "комментарий в теме " + string(rune('А'+i))
				f.AddComment(f.AddTopic(testGID), "5810", text)
				texts = append(texts, text)
			}
			// The newest topic is read, the next two refused.
			f.FailAfter("discussions.getComments", 1, code, 2)
			ups, cur, err := c.Fetch(context.Background(), nil)
			if err != nil {
				t.Fatalf("Fetch with a limit mid-cycle: %v", err)
			}
			if len(ups) != 1 || ups[0].Comment.Text != texts[2] {
				t.Fatalf("read %+v, want the newest topic's comment", ups)
			}
			n := map[string]int{}
			for range 20 { // a cycle that reads nothing before the limit fails: the pipeline backs off
				ups, next, err := c.Fetch(context.Background(), cur)
				if err != nil {
					w := moderation.RetryAfter(err)
					if w <= 0 {
						t.Fatalf("Fetch: %v", err)
					}
					time.Sleep(w) // the pipeline's back-off: the hold passes
					continue
				}
				cur = next
				for _, u := range ups {
					n[u.Comment.Text]++
				}
			}
			if n[texts[0]] != 1 || n[texts[1]] != 1 || n[texts[2]] != 0 {
				t.Fatalf("delivered after the first cycle %v, want the two other topics' comments once", n)
			}
		})
	}
}

func faultName(code int) string {
	if code == codeLimit {
		return "limit"
	}
	return "flood"
}
