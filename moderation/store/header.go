package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"syscall"
	"time"
)

// checkHeader reads the bbolt file's meta pages and freelist with plain
// file reads, before bbolt maps the file: bbolt trusts them, and a
// truncated or overwritten file makes it panic or fault on the first page
// it reads. It finds an empty file, a truncated one (the header promises
// more pages than the file has), a file that is not bbolt, and a damaged
// freelist. The on-disk layout is bbolt's (internal/common: page.go,
// meta.go); it has been stable since bbolt's version 2 format.
//
// It holds a shared lock while it reads, as bbolt does, so a file that a
// running strazh is writing gives ErrLocked (after timeout), never a false
// report of damage.
func checkHeaderLocked(path string, timeout time.Duration) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("store: open %s: %w", path, err)
	}
	defer f.Close()
	deadline := time.Now().Add(timeout)
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB)
		if err == nil {
			break
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			return fmt.Errorf("store: lock %s: %w", path, err)
		}
		if timeout > 0 && time.Now().After(deadline) {
			return ErrLocked
		}
		time.Sleep(50 * time.Millisecond)
	}
	return checkHeader(f, path)
}

func checkHeader(f *os.File, path string) error {
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("store: open %s: %w", path, err)
	}
	size := fi.Size()
	damaged := func(format string, args ...any) error {
		return &DamagedError{Path: path, Problem: fmt.Sprintf(format, args...)}
	}
	if size == 0 {
		return damaged("the file is empty (0 bytes): it holds no history, blacklist or cursors")
	}
	if size < 2*minPageSize {
		return damaged("the file is %d bytes, too short for a bbolt database", size)
	}
	m, err := readMeta(f, size)
	if err != nil {
		return damaged("%v", err)
	}
	if need := int64(m.pgid) * int64(m.pageSize); need > size {
		return damaged("the file is truncated: its header counts %d pages of %d bytes (%d bytes), the file has %d", m.pgid, m.pageSize, need, size)
	}
	if m.root < 2 || m.root >= m.pgid {
		return damaged("the root page %d lies outside the file's %d pages", m.root, m.pgid)
	}
	if m.freelist != noFreelist {
		if err := checkFreelist(f, m); err != nil {
			return damaged("freelist (page %d): %v", m.freelist, err)
		}
	}
	return nil
}

// The on-disk constants of bbolt's format version 2.
const (
	boltMagic        = 0xED0CDAED
	boltVersion      = 2
	pageHeaderSize   = 16 // id u64, flags u16, count u16, overflow u32
	metaPageFlag     = 0x04
	freelistPageFlag = 0x10
	noFreelist       = ^uint64(0)
	minPageSize      = 1024
	maxPageSize      = 1 << 24 // bbolt looks for the second meta page up to 16 MiB
	metaSize         = 64      // the meta struct after the page header, checksum last
)

type meta struct {
	pageSize       uint32
	root, freelist uint64
	pgid, txid     uint64
	valid          bool
	problem        string
}

// parseMeta decodes a meta page (header included) from b.
func parseMeta(b []byte) meta {
	if len(b) < pageHeaderSize+metaSize {
		return meta{problem: "short meta page"}
	}
	le := binary.LittleEndian
	body := b[pageHeaderSize : pageHeaderSize+metaSize]
	m := meta{
		pageSize: le.Uint32(body[8:]),
		root:     le.Uint64(body[16:]),
		freelist: le.Uint64(body[32:]),
		pgid:     le.Uint64(body[40:]),
		txid:     le.Uint64(body[48:]),
	}
	h := fnv.New64a()
	h.Write(body[:56])
	switch {
	case le.Uint32(body[0:]) != boltMagic:
		m.problem = "no bbolt signature"
	case le.Uint32(body[4:]) != boltVersion:
		m.problem = fmt.Sprintf("bbolt format version %d, want %d", le.Uint32(body[4:]), boltVersion)
	case le.Uint64(body[56:]) != h.Sum64():
		m.problem = "checksum mismatch"
	case le.Uint16(b[8:]) != metaPageFlag:
		m.problem = "not a meta page"
	case m.pageSize < minPageSize || m.pageSize > maxPageSize || m.pageSize&(m.pageSize-1) != 0:
		m.problem = fmt.Sprintf("page size %d", m.pageSize)
	default:
		m.valid = true
	}
	return m
}

// readMeta returns the meta page bbolt would use: of the two valid ones,
// the later transaction.
func readMeta(f *os.File, size int64) (meta, error) {
	buf := make([]byte, pageHeaderSize+metaSize)
	if _, err := f.ReadAt(buf, 0); err != nil {
		return meta{}, fmt.Errorf("read the first meta page: %w", err)
	}
	m0 := parseMeta(buf)
	// The second meta page sits one page in; without a valid first one, the
	// page size is unknown, so try every size bbolt would.
	var m1 meta
	for ps := int64(minPageSize); ps <= maxPageSize && ps+int64(len(buf)) <= size; ps <<= 1 {
		if m0.valid && ps != int64(m0.pageSize) {
			continue
		}
		if _, err := f.ReadAt(buf, ps); err != nil {
			return meta{}, fmt.Errorf("read the second meta page: %w", err)
		}
		if m1 = parseMeta(buf); m1.valid && int64(m1.pageSize) == ps {
			break
		}
		m1.valid = false
	}
	switch {
	case m0.valid && m1.valid:
		if m1.txid > m0.txid {
			return m1, nil
		}
		return m0, nil
	case m0.valid:
		return m0, nil
	case m1.valid:
		return m1, nil
	}
	return meta{}, fmt.Errorf("no valid meta page (first: %s; second: %s): not a bbolt file, or its header is overwritten", m0.problem, orNone(m1.problem))
}

func orNone(s string) string {
	if s == "" {
		return "not found"
	}
	return s
}

// checkFreelist checks the freelist page bbolt reads at open: its header,
// its length and that every free page lies inside the file.
func checkFreelist(f *os.File, m meta) error {
	if m.freelist < 2 || m.freelist >= m.pgid {
		return fmt.Errorf("outside the file's %d pages", m.pgid)
	}
	ps := int64(m.pageSize)
	hdr := make([]byte, pageHeaderSize+8)
	if _, err := f.ReadAt(hdr, int64(m.freelist)*ps); err != nil {
		return fmt.Errorf("read: %w", err)
	}
	le := binary.LittleEndian
	if id := le.Uint64(hdr); id != m.freelist {
		return fmt.Errorf("the page says it is page %d", id)
	}
	if flags := le.Uint16(hdr[8:]); flags != freelistPageFlag {
		return fmt.Errorf("page type %#x, want a freelist", flags)
	}
	overflow := uint64(le.Uint32(hdr[12:]))
	if m.freelist+overflow >= m.pgid {
		return fmt.Errorf("%d overflow pages run past the file's %d pages", overflow, m.pgid)
	}
	count, start := uint64(le.Uint16(hdr[10:])), int64(pageHeaderSize)
	if count == 0xFFFF { // the real count is the first element
		count, start = le.Uint64(hdr[pageHeaderSize:]), pageHeaderSize+8
	}
	if room := uint64((int64(overflow+1)*ps - start) / 8); count > room {
		return fmt.Errorf("%d free pages do not fit in %d pages", count, overflow+1)
	}
	ids := make([]byte, 8*count)
	if _, err := f.ReadAt(ids, int64(m.freelist)*ps+start); err != nil {
		return fmt.Errorf("read: %w", err)
	}
	for i := uint64(0); i < count; i++ {
		if id := le.Uint64(ids[8*i:]); id < 2 || id >= m.pgid {
			return fmt.Errorf("free page %d lies outside the file's %d pages", id, m.pgid)
		}
	}
	return nil
}
