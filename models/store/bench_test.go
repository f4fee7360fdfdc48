package store

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"cordwain/models"
)

// designSnap is a realistic-sized design: meta, last and 20 pieces with a
// 13-point outline each. Version i of it changes one piece.
func designSnap(tb testing.TB, d, i int) models.Snapshot {
	s := snap(tb, fmt.Sprintf("Design %d", d), 20+float64(i%7))
	outline := make([]models.Point, 13)
	for k := range outline {
		outline[k] = models.Pt(float64(k*10+d), float64(k*3))
	}
	for p := range 20 {
		id := models.ID(fmt.Sprintf("%016x", d*100+p))
		props := models.Props{
			"name":    cb(tb, fmt.Sprintf("piece %d", p)),
			"outline": cb(tb, models.Path{Points: outline, Closed: true}),
			"order":   cb(tb, p),
		}
		if p == i%20 {
			props["quantity"] = cb(tb, i)
		}
		s[id] = models.Element{ID: id, Kind: models.KindPiece, Props: props}
	}
	return s
}

// buildStore fills dir with designs×perDesign versions (without fsync, to
// build quickly) and closes it.
func buildStore(b *testing.B, dir string, designs, perDesign int) {
	b.Helper()
	s, err := Open(dir, Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	ids := []*Identity{testIdentity(1, "Alice"), testIdentity(2, "Bob"), testIdentity(3, "Chen")}
	for d := range designs {
		for i := range perDesign {
			if _, err := s.Commit(models.ID(fmt.Sprintf("design-%03d", d)), DefaultBranch, designSnap(b, d, i+1), "edit", ids[i%3]); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
}

func vmRSS() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 64)
			return kb / 1024
		}
	}
	return 0
}

// BenchmarkOpen10k opens a store of 10,000 versions over 200 designs.
// Targets: ≤ 500 ms, RSS ≤ 200 MB.
func BenchmarkOpen10k(b *testing.B) {
	dir := b.TempDir()
	start := time.Now()
	buildStore(b, dir, 200, 50)
	b.Logf("built 10,000 versions in %v", time.Since(start))
	if fi, err := os.Stat(dir + "/" + FileName); err == nil {
		b.ReportMetric(float64(fi.Size())/(1<<20), "file-MB")
	}
	runtime.GC()
	debug.FreeOSMemory()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ReportAllocs()
	b.ResetTimer()
	var s *Store
	for i := 0; i < b.N; i++ {
		if s != nil {
			s.Close()
		}
		var err error
		if s, err = Open(dir, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/open")
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/(1<<20), "heap-MB")
	b.ReportMetric(vmRSS(), "rss-MB")
	if n := len(s.Designs()); n != 200 {
		b.Fatalf("%d designs", n)
	}
	s.Close()
}

// BenchmarkCommitDurable measures durable commits (fsync on) of a
// 22-element design into a store of 1,000 versions. Target: p50 ≤ 5 ms.
func BenchmarkCommitDurable(b *testing.B) {
	dir := b.TempDir()
	buildStore(b, dir, 20, 50)
	s, err := Open(dir, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	a := testIdentity(1, "Alice")
	snaps := make([]models.Snapshot, 64)
	for i := range snaps {
		snaps[i] = designSnap(b, 999, i)
	}
	durations := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if _, err := s.Commit("bench", DefaultBranch, snaps[i%len(snaps)], "edit", a); err != nil {
			b.Fatal(err)
		}
		durations = append(durations, time.Since(t0))
	}
	b.StopTimer()
	slices.Sort(durations)
	ms := func(q float64) float64 {
		return float64(durations[int(q*float64(len(durations)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(ms(0.5), "p50-ms")
	b.ReportMetric(ms(0.99), "p99-ms")
}
