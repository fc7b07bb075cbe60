package store_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/strazh/strazh/moderation"
	"github.com/strazh/strazh/moderation/store"
)

func Example() {
	dir, _ := os.MkdirTemp("", "strazh")
	defer os.RemoveAll(dir)
	db, err := store.Open(filepath.Join(dir, "strazh.db"), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()

	c := moderation.Comment{Network: "sim", Account: "demo", ID: "sim:demo:1", Text: "Купите у нас!"}
	d := &moderation.Decision{
		Comment: c, Version: c.Version(), Verdict: moderation.Delete, DecidedBy: moderation.ByAuto,
		Matches: []moderation.Match{{Rule: "spam", Action: moderation.Delete, Reason: "реклама"}},
		Actions: []moderation.ActionRecord{{Type: moderation.ActDelete, State: moderation.ActionPending}},
	}
	// The decision and the cursor that covers it are durable together.
	recorded, _ := db.Commit("demo", []*moderation.Decision{d}, []byte("cursor-1"))
	again, _ := db.Commit("demo", []*moderation.Decision{{Comment: c, Version: c.Version()}}, nil)
	fmt.Println("recorded", len(recorded), "then", len(again))

	// After the action ran, its outcome is recorded.
	db.Update(d.ID, func(d *moderation.Decision) error {
		d.Actions[0].State = moderation.ActionDone
		return nil
	})
	pending, _ := db.PendingActions("demo")
	fmt.Println("pending", len(pending))

	db.Query(moderation.Query{Account: "demo"}, func(d *moderation.Decision) error {
		fmt.Println(d.ID, d.Final(), d.Reason(), d.Actions[0].State)
		return nil
	})
	// Output:
	// recorded 1 then 0
	// pending 0
	// 1 delete реклама done
}
