package cardstore

import "testing"

func TestMem_Open(t *testing.T) {
	m := NewMem()
	c := &Card{Key: "a", Kind: KindReview, Decisions: []uint64{1}, Open: true}
	m.Apply(Change{Put: []*Card{c}})
	c2, _ := m.Card("a")
	c2.MessageID = 5
	m.Apply(Change{Put: []*Card{c2}})
	cs, _ := m.OpenCards()
	if len(cs) != 1 {
		t.Fatal(len(cs))
	}
}
