package eval

import (
	"bufio"
	"io"
	"sync"
	"unsafe"

	"github.com/strazh/strazh/moderation"
)

// batchLines is how many lines one worker judges at a time.
const batchLines = 512

type lineBatch struct {
	text  string // the batch's lines, concatenated
	ends  []int  // end of each line in text
	out   []byte // the JSON lines
	ready chan struct{}
}

// ClassifyParallel is Classify spread over workers goroutines: the output
// is the same, line for line, in input order. With workers <= 1 it is
// Classify. The evaluator must be safe for concurrent use (rules.Engine is).
func ClassifyParallel(e moderation.Evaluator, in io.Reader, out io.Writer, workers int) error {
	if workers <= 1 {
		return Classify(e, in, out)
	}
	todo := make(chan *lineBatch, workers)
	order := make(chan *lineBatch, 2*workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			var c moderation.Comment
			var res moderation.Result
			for b := range todo {
				start := 0
				for _, end := range b.ends {
					c.Text = b.text[start:end]
					start = end
					res.Reset()
					e.Evaluate(&c, nil, &res)
					b.out = appendResult(b.out, &res)
				}
				close(b.ready)
			}
		})
	}
	// the writer owns out; it keeps draining after a write error so the
	// reader never blocks
	var werr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		w := bufio.NewWriterSize(out, 64<<10)
		for b := range order {
			<-b.ready
			if werr == nil {
				_, werr = w.Write(b.out)
			}
		}
		if werr == nil {
			werr = w.Flush()
		}
	}()
	rerr := readBatches(in, false, func(b *lineBatch) {
		order <- b
		todo <- b
	})
	close(todo)
	close(order)
	wg.Wait()
	<-done
	if rerr != nil {
		return rerr
	}
	return werr
}

// readBatches splits in into lines the way Classify does (a line longer
// than maxLine is judged on its first maxLine bytes; \r\n and \n end lines)
// and hands them on in batches. With reuse, every batch lives in the same
// buffer, valid only until send returns: a reader that judges each batch
// before the next is read allocates nothing per batch (and the garbage
// collector has nothing to do).
func readBatches(in io.Reader, reuse bool, send func(*lineBatch)) error {
	r := bufio.NewReaderSize(in, 64<<10)
	var sb []byte
	ends := make([]int, 0, batchLines)
	var shared lineBatch
	flush := func() {
		if len(ends) == 0 {
			return
		}
		if reuse {
			shared.text, shared.ends = unsafe.String(unsafe.SliceData(sb), len(sb)), ends
			send(&shared)
			sb, ends = sb[:0], ends[:0]
			return
		}
		send(&lineBatch{text: string(sb), ends: ends, ready: make(chan struct{})})
		sb = sb[:0]
		ends = make([]int, 0, batchLines)
	}
	var long []byte
	for {
		line, err := r.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			if len(long) < maxLine {
				long = append(long, line[:min(len(line), maxLine-len(long))]...)
			}
			continue
		}
		if len(line) == 0 && err != nil && long == nil {
			flush()
			if err == io.EOF {
				return nil
			}
			return err
		}
		if long != nil {
			if len(long) < maxLine {
				long = append(long, line[:min(len(line), maxLine-len(long))]...)
			}
			line = long
		}
		sb = append(sb, trimEOL(line)...)
		ends = append(ends, len(sb))
		long = nil
		if len(ends) == batchLines {
			flush()
		}
		if err != nil {
			flush()
			if err == io.EOF {
				return nil
			}
			return err
		}
	}
}
