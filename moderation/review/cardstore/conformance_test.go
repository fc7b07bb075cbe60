package cardstore_test

import (
	"testing"

	"github.com/strazh/strazh/moderation/review/cardstore"
	"github.com/strazh/strazh/moderation/storetest"
)

func TestMem_Conformance(t *testing.T) {
	storetest.Run(t, func(*testing.T) storetest.Stores { return storetest.Stores{Cards: cardstore.NewMem()} })
}
