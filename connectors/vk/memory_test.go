package vk

import (
	"runtime"
	"testing"

	"github.com/strazh/strazh/connectors"
	"github.com/strazh/strazh/connectors/vk/vktest"
)

// maxBytesPerPage bounds what one idle VK page costs in the connector: a
// daemon holds a thousand of them (it was 0.9 MB with a pre-sized
// deduplication set).
const maxBytesPerPage = 16 << 10

func TestConnector_New_MemoryPerPage(t *testing.T) {
	f := newFake(t, vktest.Options{})
	cfg := testConfig(f)
	tokens := [nTokens]string{community: f.CommunityToken(), user: f.UserToken()}
	const n = 200
	conns := make([]*Connector, n)
	before := heapInUse()
	for i := range conns {
		conns[i] = newConnector(cfg, connectors.Deps{Account: "page"}, tokens)
	}
	per := (heapInUse() - before) / n
	runtime.KeepAlive(conns)
	t.Logf("%d bytes per idle page", per)
	if per > maxBytesPerPage {
		t.Errorf("an idle page takes %d bytes in the connector, want at most %d", per, maxBytesPerPage)
	}
}

// heapInUse is the live heap after a collection.
func heapInUse() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}
