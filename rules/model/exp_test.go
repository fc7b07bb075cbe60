package model

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestExperiment is a scratch harness (removed before merge).
func TestExperiment(t *testing.T) {
	if os.Getenv("MEXP") == "" {
		t.Skip()
	}
	var ex []Example
	var src []string
	srcs := []string{"russe_detox_2022", "2ch_pikabu_toxic", "telegram_spam_ru", "stankin_antispam"}
	if v := os.Getenv("MSRC"); v != "" {
		srcs = strings.Split(v, ",")
	}
	for _, f := range srcs {
		fh, err := os.Open(filepath.Join("../../../shared/corpus", f+".jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		e, err := ReadExamples(fh, f)
		fh.Close()
		if err != nil {
			t.Fatal(err)
		}
		ex = append(ex, e...)
		for range e {
			src = append(src, f[:5])
		}
	}
	p := DefaultParams()
	fmt.Sscan(os.Getenv("MBITS"), &p.Bits)
	fmt.Sscan(os.Getenv("MEPOCHS"), &p.Epochs)
	fmt.Sscan(os.Getenv("MRATE"), &p.Rate)
	fmt.Sscan(os.Getenv("ML2"), &p.L2)
	fmt.Sscan(os.Getenv("MCMIN"), &p.CharMin)
	fmt.Sscan(os.Getenv("MCMAX"), &p.CharMax)
	fmt.Sscan(os.Getenv("MWORD"), &p.WordNgrams)
	fmt.Sscan(os.Getenv("MNB"), &p.NB)
	p.Inner = os.Getenv("MINNER") != ""
	fmt.Sscan(os.Getenv("MMINF"), &p.MinFeatures)
	t0 := time.Now()
	type st struct{ tp, fp, fn [10]int }
	res := map[string]*st{}
	for k := 0; k < 5; k++ {
		var tr []Example
		var te []int
		for i := range ex {
			if Fold(ex[i].Text, 5) == k {
				te = append(te, i)
			} else {
				tr = append(tr, ex[i])
			}
		}
		labels := []string{"toxic", "spam"}
		if v := os.Getenv("MLABELS"); v != "" {
			labels = strings.Split(v, ",")
		}
		m, err := Train(tr, labels, p)
		if err != nil {
			t.Fatal(err)
		}
		for _, i := range te {
			e := ex[i]
			for _, l := range []string{"toxic", "spam"} {
				y, ok := e.target(l)
				if !ok {
					continue
				}
				key := src[i] + "/" + l
				if res[key] == nil {
					res[key] = &st{}
				}
				s := m.Score(l, e.Text)
				for ti := 0; ti < 10; ti++ {
					pr := s >= float64(ti)/10
					switch {
					case pr && y:
						res[key].tp[ti]++
					case pr:
						res[key].fp[ti]++
					case y:
						res[key].fn[ti]++
					}
				}
			}
		}
	}
	fmt.Printf("%+v %v\n", p, time.Since(t0))
	{
		m, _ := Train(ex, []string{"toxic", "spam"}, p)
		files, _ := filepath.Glob("../../../shared/corpus/peer/*.jsonl")
		n, hit := 0, [3]int{}
		for _, f := range files {
			fh, _ := os.Open(f)
			sc := bufio.NewScanner(fh)
			for sc.Scan() {
				var r struct{ Text, Expected string }
				json.Unmarshal(sc.Bytes(), &r)
				if r.Expected != "clean" {
					continue
				}
				n++
				s := m.Score("toxic", r.Text)
				for i, th := range []float64{0.5, 0.7, 0.9} {
					if s >= th {
						hit[i]++
					}
				}
			}
			fh.Close()
		}
		fmt.Printf("peer clean %d: >=0.5 %d >=0.7 %d >=0.9 %d\n", n, hit[0], hit[1], hit[2])
	}
	for k, r := range res {
		fmt.Printf("%-24s", k)
		for ti := 1; ti < 10; ti++ {
			f1 := 2 * float64(r.tp[ti]) / float64(2*r.tp[ti]+r.fp[ti]+r.fn[ti])
			fmt.Printf(" %.1f:%.3f", float64(ti)/10, f1)
		}
		fmt.Println()
	}
}
