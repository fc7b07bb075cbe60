package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/strazh/strazh/moderation"
)

// Decisions are stored in a compact binary form: a format byte, then every
// field in a fixed order (strings and slices length-prefixed with uvarints).
// Encoding appends to a caller-owned buffer so a Commit of many decisions
// costs almost no allocations; decoding converts the record to one string
// and slices every text field out of it.
//
// A record that starts with '{' is JSON (the v0 layout and a fallback for
// hand-repaired records). TestCodec_RoundTrip_AllFields fills every field of
// moderation.Decision by reflection, so a field added to the model without
// being added here fails the tests instead of being silently dropped.
const formatV1 = 1

var errCorrupt = errors.New("corrupt record")

func appendUvarint(b []byte, v uint64) []byte { return binary.AppendUvarint(b, v) }
func appendVarint(b []byte, v int64) []byte   { return binary.AppendVarint(b, v) }

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendStrings(b []byte, ss []string) []byte {
	b = binary.AppendUvarint(b, uint64(len(ss)))
	for _, s := range ss {
		b = appendString(b, s)
	}
	return b
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

// appendTime keeps the instant (seconds and nanoseconds), not the zone or
// the monotonic reading; a zero time stays zero.
func appendTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(b, 0)
	}
	b = append(b, 1)
	b = binary.AppendVarint(b, t.Unix())
	return binary.AppendUvarint(b, uint64(t.Nanosecond()))
}

// appendDecision appends d's encoding to b.
func appendDecision(b []byte, d *moderation.Decision) []byte {
	b = append(b, formatV1)
	b = appendUvarint(b, d.ID)
	c := &d.Comment
	b = appendString(b, c.Network)
	b = appendString(b, c.Account)
	b = appendString(b, string(c.Kind))
	b = appendString(b, c.ID)
	b = appendString(b, c.Ref)
	b = appendString(b, c.PostID)
	b = appendString(b, c.Permalink)
	b = appendString(b, c.Author.ID)
	b = appendString(b, c.Author.Name)
	b = appendString(b, c.Author.ProfileURL)
	b = appendBool(b, c.Author.IsPage)
	b = appendBool(b, c.Author.IsManager)
	b = appendString(b, c.Text)
	b = appendStrings(b, c.Links)
	b = appendStrings(b, c.Attach)
	b = appendTime(b, c.Created)
	b = appendTime(b, c.Edited)
	b = binary.BigEndian.AppendUint64(b, d.Version)
	b = append(b, byte(d.Verdict))
	b = appendStrings(b, d.Labels)
	b = appendUvarint(b, uint64(len(d.Matches)))
	for i := range d.Matches {
		m := &d.Matches[i]
		b = appendString(b, m.Rule)
		b = appendString(b, m.Label)
		b = append(b, byte(m.Action))
		b = appendString(b, m.Reason)
		b = appendString(b, m.Matched)
	}
	b = appendVarint(b, int64(d.BanFor))
	b = appendBool(b, d.Urgent)
	b = appendString(b, d.DecidedBy)
	b = appendTime(b, d.DecidedAt)
	b = appendBool(b, d.DryRun)
	if r := d.Review; r != nil {
		b = append(b, 1)
		b = appendString(b, string(r.Status))
		b = append(b, byte(r.Verdict))
		b = appendVarint(b, int64(r.BanFor))
		b = appendString(b, r.By)
		b = appendString(b, r.ByName)
		b = appendTime(b, r.At)
	} else {
		b = append(b, 0)
	}
	b = appendUvarint(b, uint64(len(d.Actions)))
	for i := range d.Actions {
		a := &d.Actions[i]
		b = appendString(b, string(a.Type))
		b = appendString(b, string(a.State))
		b = appendTime(b, a.Until)
		b = appendVarint(b, int64(a.Attempts))
		b = appendString(b, a.Error)
		b = appendTime(b, a.At)
	}
	b = appendString(b, d.UndoneBy)
	b = appendTime(b, d.UndoneAt)
	// Optional trailing sections, each a tag byte: records without them
	// (all written before the tag existed) end here.
	if x := c.Context; x != nil {
		b = append(b, tagContext)
		b = appendString(b, x.Page)
		b = appendString(b, x.Post)
		b = appendString(b, x.Parent)
	}
	if c.ReplyTo != "" {
		b = append(b, tagReplyTo)
		b = appendString(b, c.ReplyTo)
	}
	if d.Review != nil && d.Review.District {
		b = append(b, tagReviewDistrict)
	}
	return b
}

// Tags of the optional trailing sections, in the order they are written.
const (
	tagContext = 1 // Comment.Context
	tagReplyTo = 2 // Comment.ReplyTo
	// tagReviewDistrict alone says Review.District is true.
	tagReviewDistrict = 3
)

// reader decodes from one string; the first error sticks.
type reader struct {
	s   string
	off int
	err error
}

func (r *reader) fail() {
	if r.err == nil {
		r.err = errCorrupt
	}
	r.off = len(r.s)
}

func (r *reader) byte() byte {
	if r.off >= len(r.s) {
		r.fail()
		return 0
	}
	c := r.s[r.off]
	r.off++
	return c
}

func (r *reader) uvarint() uint64 {
	var v uint64
	for shift := uint(0); shift < 64; shift += 7 {
		c := r.byte()
		if r.err != nil {
			return 0
		}
		v |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return v
		}
	}
	r.fail()
	return 0
}

func (r *reader) varint() int64 {
	u := r.uvarint()
	v := int64(u >> 1)
	if u&1 != 0 {
		v = ^v
	}
	return v
}

func (r *reader) uint64() uint64 {
	if len(r.s)-r.off < 8 {
		r.fail()
		return 0
	}
	s := r.s[r.off : r.off+8]
	r.off += 8
	return uint64(s[0])<<56 | uint64(s[1])<<48 | uint64(s[2])<<40 | uint64(s[3])<<32 |
		uint64(s[4])<<24 | uint64(s[5])<<16 | uint64(s[6])<<8 | uint64(s[7])
}

func (r *reader) string() string {
	n := r.uvarint()
	if n > uint64(len(r.s)-r.off) {
		r.fail()
		return ""
	}
	s := r.s[r.off : r.off+int(n)]
	r.off += int(n)
	return s
}

// count reads a slice length, bounded by the bytes left (every element
// takes at least one byte), so a corrupt length cannot allocate wildly.
func (r *reader) count() int {
	n := r.uvarint()
	if n > uint64(len(r.s)-r.off) {
		r.fail()
		return 0
	}
	return int(n)
}

func (r *reader) strings() []string {
	n := r.count()
	if n == 0 {
		return nil
	}
	ss := make([]string, n)
	for i := range ss {
		ss[i] = r.string()
	}
	return ss
}

func (r *reader) bool() bool { return r.byte() != 0 }

func (r *reader) time() time.Time {
	if r.byte() == 0 {
		return time.Time{}
	}
	sec := r.varint()
	nsec := r.uvarint()
	if nsec >= 1e9 {
		r.fail()
		return time.Time{}
	}
	return time.Unix(sec, int64(nsec))
}

// decodeDecision decodes a stored record. It never keeps v, which may be
// bbolt's memory: the strings are cut from one copy.
func decodeDecision(v []byte) (*moderation.Decision, error) {
	if len(v) == 0 {
		return nil, errCorrupt
	}
	switch v[0] {
	case '{':
		d := new(moderation.Decision)
		if err := json.Unmarshal(v, d); err != nil {
			return nil, fmt.Errorf("%w: %w", errCorrupt, err)
		}
		return d, nil
	case formatV1:
	default:
		return nil, fmt.Errorf("%w: unknown format %d", errCorrupt, v[0])
	}
	r := reader{s: string(v), off: 1}
	d := new(moderation.Decision)
	d.ID = r.uvarint()
	c := &d.Comment
	c.Network = r.string()
	c.Account = r.string()
	c.Kind = moderation.Kind(r.string())
	c.ID = r.string()
	c.Ref = r.string()
	c.PostID = r.string()
	c.Permalink = r.string()
	c.Author.ID = r.string()
	c.Author.Name = r.string()
	c.Author.ProfileURL = r.string()
	c.Author.IsPage = r.bool()
	c.Author.IsManager = r.bool()
	c.Text = r.string()
	c.Links = r.strings()
	c.Attach = r.strings()
	c.Created = r.time()
	c.Edited = r.time()
	d.Version = r.uint64()
	d.Verdict = moderation.Verdict(r.byte())
	d.Labels = r.strings()
	if n := r.count(); n > 0 {
		d.Matches = make([]moderation.Match, n)
		for i := range d.Matches {
			m := &d.Matches[i]
			m.Rule = r.string()
			m.Label = r.string()
			m.Action = moderation.Verdict(r.byte())
			m.Reason = r.string()
			m.Matched = r.string()
		}
	}
	d.BanFor = time.Duration(r.varint())
	d.Urgent = r.bool()
	d.DecidedBy = r.string()
	d.DecidedAt = r.time()
	d.DryRun = r.bool()
	if r.bool() {
		rv := new(moderation.ReviewState)
		rv.Status = moderation.ReviewStatus(r.string())
		rv.Verdict = moderation.Verdict(r.byte())
		rv.BanFor = time.Duration(r.varint())
		rv.By = r.string()
		rv.ByName = r.string()
		rv.At = r.time()
		d.Review = rv
	}
	if n := r.count(); n > 0 {
		d.Actions = make([]moderation.ActionRecord, n)
		for i := range d.Actions {
			a := &d.Actions[i]
			a.Type = moderation.ActionType(r.string())
			a.State = moderation.ActionState(r.string())
			a.Until = r.time()
			a.Attempts = int(r.varint())
			a.Error = r.string()
			a.At = r.time()
		}
	}
	d.UndoneBy = r.string()
	d.UndoneAt = r.time()
	if r.err == nil && r.off < len(r.s) && r.s[r.off] == tagContext {
		r.off++
		c.Context = &moderation.Context{Page: r.string(), Post: r.string(), Parent: r.string()}
	}
	if r.err == nil && r.off < len(r.s) && r.s[r.off] == tagReplyTo {
		r.off++
		c.ReplyTo = r.string()
	}
	if r.err == nil && r.off < len(r.s) && r.s[r.off] == tagReviewDistrict && d.Review != nil {
		r.off++
		d.Review.District = true
	}
	if r.err == nil && r.off != len(r.s) {
		r.err = fmt.Errorf("%w: %d trailing bytes", errCorrupt, len(r.s)-r.off)
	}
	if r.err != nil {
		return nil, r.err
	}
	return d, nil
}

// arena hands out byte slices that stay valid for a whole write
// transaction (bbolt keeps references to keys and values until commit),
// carving them from large chunks instead of allocating each one.
type arena struct{ buf []byte }

const arenaChunk = 64 << 10

func (a *arena) reserve(n int) {
	if cap(a.buf)-len(a.buf) < n {
		a.buf = make([]byte, 0, max(arenaChunk, n))
	}
}

// seal returns the bytes appended since start as a slice of their own.
func (a *arena) seal(start int) []byte {
	return a.buf[start:len(a.buf):len(a.buf)]
}

func (a *arena) bytes(p []byte) []byte {
	a.reserve(len(p))
	s := len(a.buf)
	a.buf = append(a.buf, p...)
	return a.seal(s)
}

func (a *arena) decision(d *moderation.Decision) []byte {
	a.reserve(1024 + len(d.Comment.Text))
	s := len(a.buf)
	out := appendDecision(a.buf[s:s], d)
	if len(out) > cap(a.buf)-s {
		return out // outgrew the chunk: append gave it its own array
	}
	a.buf = a.buf[:s+len(out)]
	return a.seal(s)
}
