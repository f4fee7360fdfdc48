package packaging

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"cordwain/canvas/samples"
)

func BenchmarkTechPackPDF(b *testing.B) {
	d := testDesign()
	o := testOptions()
	b.ReportAllocs()
	for b.Loop() {
		if err := WritePDF(io.Discard, d, o); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPage300dpi renders each sample's cover and views pages (A4) at
// 300 dpi to PNG with our painter and, in the same run, the same page's SVG
// with rsvg-convert; it reports the medians and their ratio.
func BenchmarkPage300dpi(b *testing.B) {
	type job struct {
		pages []*Page
		n     int
		svg   string
	}
	var jobs []job
	dir := b.TempDir()
	for _, d := range samples.All() {
		pages, err := Pages(d, testOptions())
		if err != nil {
			b.Fatal(err)
		}
		for _, n := range []int{0, 1} {
			var svg bytes.Buffer
			if err := WritePageSVG(&svg, pages, n); err != nil {
				b.Fatal(err)
			}
			path := filepath.Join(dir, fmt.Sprintf("%s-%d.svg", d.Meta.StyleNo, n))
			if err := os.WriteFile(path, svg.Bytes(), 0o644); err != nil {
				b.Fatal(err)
			}
			jobs = append(jobs, job{pages, n, path})
		}
	}
	rsvg, rsvgErr := exec.LookPath("rsvg-convert")
	var ours, theirs []time.Duration
	i := 0
	for b.Loop() {
		j := jobs[i%len(jobs)]
		i++
		t0 := time.Now()
		if err := WritePagePNG(io.Discard, j.pages, j.n, 300); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		ours = append(ours, t1.Sub(t0))
		if rsvgErr == nil {
			if out, err := exec.Command(rsvg, "--dpi-x", "300", "--dpi-y", "300", "-o", filepath.Join(dir, "p.png"), j.svg).CombinedOutput(); err != nil {
				b.Fatalf("rsvg-convert: %v %s", err, out)
			}
			theirs = append(theirs, time.Since(t1))
		}
	}
	b.ReportMetric(ms(median(ours)), "ms/png")
	if rsvgErr == nil {
		b.ReportMetric(ms(median(theirs)), "ms/rsvg")
		b.ReportMetric(float64(median(theirs))/float64(median(ours)), "rsvg/ours")
	}
}

func median(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

func ms(d time.Duration) float64 { return float64(d) / 1e6 }
