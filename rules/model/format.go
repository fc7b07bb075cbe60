package model

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"slices"
)

// File format (little-endian):
//
//	"STRAZHML"            8 bytes magic
//	version               uint32 (formatVersion)
//	header length         uint32
//	header                JSON: {"params":…, "labels":[…], "info":{…}}
//	bias                  float32 × labels
//	scale                 float32 × labels (weight = scale·q)
//	weights q             int16 × 2^bits × labels, bucket-major
//	crc32 (IEEE)          uint32 of everything before it
const (
	magic         = "STRAZHML"
	formatVersion = 1
	maxHeader     = 1 << 20
)

// ErrFormat is the class of every error Read returns for a file that is
// not a model this strazh can read.
var ErrFormat = errors.New("not a strazh model file")

type header struct {
	Params Params   `json:"params"`
	Labels []string `json:"labels"`
	Info   Info     `json:"info"`
}

type countWriter struct {
	w   io.Writer
	n   int64
	crc uint32
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	c.crc = crc32.Update(c.crc, crc32.IEEETable, p[:n])
	return n, err
}

// WriteTo writes the model in the versioned binary format.
func (m *Model) WriteTo(w io.Writer) (int64, error) {
	bw := bufio.NewWriterSize(w, 1<<16)
	cw := &countWriter{w: bw}
	info := m.info
	info.Format = formatVersion
	info.Labels = nil
	hb, err := json.Marshal(header{Params: m.p, Labels: m.labels, Info: info})
	if err != nil {
		return 0, fmt.Errorf("model: write: %w", err)
	}
	var b [8]byte
	cw.Write([]byte(magic))
	binary.LittleEndian.PutUint32(b[:4], formatVersion)
	binary.LittleEndian.PutUint32(b[4:], uint32(len(hb)))
	cw.Write(b[:8])
	cw.Write(hb)
	buf := make([]byte, 0, 1<<16)
	flush := func() {
		cw.Write(buf)
		buf = buf[:0]
	}
	for _, v := range slices.Concat(m.bias, m.scale) {
		buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(v))
	}
	for _, v := range m.q {
		buf = binary.LittleEndian.AppendUint16(buf, uint16(v))
		if len(buf) >= 1<<16-4 {
			flush()
		}
	}
	flush()
	binary.LittleEndian.PutUint32(b[:4], cw.crc)
	n, err := bw.Write(b[:4])
	total := cw.n + int64(n)
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		return total, fmt.Errorf("model: write: %w", err)
	}
	return total, nil
}

// Read reads a model written by WriteTo. A file of another format version,
// a truncated or corrupted file and anything else get an error wrapping
// ErrFormat that says what is wrong.
func Read(r io.Reader) (*Model, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	crc := uint32(0)
	read := func(p []byte) error {
		if _, err := io.ReadFull(br, p); err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return fmt.Errorf("model: %w: truncated", ErrFormat)
			}
			return fmt.Errorf("model: read: %w", err)
		}
		crc = crc32.Update(crc, crc32.IEEETable, p)
		return nil
	}
	var pre [16]byte
	if err := read(pre[:]); err != nil {
		return nil, err
	}
	if string(pre[:8]) != magic {
		return nil, fmt.Errorf("model: %w: bad magic (want %q at the start)", ErrFormat, magic)
	}
	if v := binary.LittleEndian.Uint32(pre[8:12]); v != formatVersion {
		return nil, fmt.Errorf("model: %w: format version %d, this strazh reads version %d (retrain with `strazh train`)", ErrFormat, v, formatVersion)
	}
	hl := binary.LittleEndian.Uint32(pre[12:16])
	if hl == 0 || hl > maxHeader {
		return nil, fmt.Errorf("model: %w: header of %d bytes", ErrFormat, hl)
	}
	hb := make([]byte, hl)
	if err := read(hb); err != nil {
		return nil, err
	}
	var h header
	if err := json.Unmarshal(hb, &h); err != nil {
		return nil, fmt.Errorf("model: %w: header: %v", ErrFormat, err)
	}
	if err := h.Params.Validate(); err != nil {
		return nil, fmt.Errorf("model: %w: params: %v", ErrFormat, err)
	}
	if err := checkLabels(h.Labels); err != nil {
		return nil, fmt.Errorf("%w (%w)", err, ErrFormat)
	}
	nl := len(h.Labels)
	nb := 1 << h.Params.Bits
	vals := make([]float32, 2*nl)
	buf := make([]byte, 1<<16)
	if err := read(buf[:len(vals)*4]); err != nil {
		return nil, err
	}
	for k := range vals {
		v := math.Float32frombits(binary.LittleEndian.Uint32(buf[k*4:]))
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) || (k >= nl && !(v > 0)) {
			return nil, fmt.Errorf("model: %w: bias or scale %d is %g", ErrFormat, k, v)
		}
		vals[k] = v
	}
	q := make([]int16, nb*nl)
	for i := 0; i < len(q); {
		n := min(len(buf)/2, len(q)-i)
		if err := read(buf[:n*2]); err != nil {
			return nil, err
		}
		for k := 0; k < n; k++ {
			q[i+k] = int16(binary.LittleEndian.Uint16(buf[k*2:]))
		}
		i += n
	}
	want := crc
	var tail [4]byte
	if err := read(tail[:]); err != nil {
		return nil, err
	}
	if binary.LittleEndian.Uint32(tail[:]) != want {
		return nil, fmt.Errorf("model: %w: checksum mismatch (corrupted file)", ErrFormat)
	}
	if _, err := br.ReadByte(); err != io.EOF {
		return nil, fmt.Errorf("model: %w: data after the checksum", ErrFormat)
	}
	m := &Model{p: h.Params, labels: h.Labels, bias: vals[:nl], scale: vals[nl:], q: q, info: h.Info}
	if m.info.Metrics == nil {
		m.info.Metrics = map[string]Metrics{}
	}
	m.init()
	if m.info.Features != "" && m.info.Features != m.FeaturesDigest() {
		return nil, fmt.Errorf("model: %w: made by other feature code than this strazh's (retrain with `strazh train`)", ErrFormat)
	}
	return m, nil
}
