package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"testing"
	"time"

	"cordwain/canvas/samples"
	"cordwain/internal/threadcpu"
	"cordwain/models"
	"cordwain/models/store"
)

// Growth curves (scripts/bench.sh): a studio of N versions in N/100
// designs, every 100th design of 1,000 elements, built once into
// CORDWAIN_SCALE_DIR by TestBuildScaleStudio; TestScaleCurves measures
// on it, in this process, what the window pays (open, a design's history,
// a merge, a commit); the script times `cordwain log` and `cordwain edit`
// as processes. Both skip unless CORDWAIN_SCALE_DIR is set.

func scaleEnv(t *testing.T) (string, int) {
	dir := os.Getenv("CORDWAIN_SCALE_DIR")
	if dir == "" {
		t.Skip("CORDWAIN_SCALE_DIR not set")
	}
	n, _ := strconv.Atoi(os.Getenv("CORDWAIN_SCALE_VERSIONS"))
	if n <= 0 {
		n = 100_000
	}
	return dir, n
}

// scaleDesign is design number i: a sample with its own ID, name and
// style number; every 100th is grown to 1,000 elements with style lines.
func scaleDesign(i int) *models.Design {
	d := samples.All()[i%3]
	d.ID = models.ID(fmt.Sprintf("5ca1e%011x", i))
	d.Meta.Name = fmt.Sprintf("Scale %04d", i)
	d.Meta.StyleNo = fmt.Sprintf("SC-%04d", i)
	if i%100 == 0 {
		growDesign(d, 1000)
	}
	return d
}

// growDesign adds style lines (copies of the design's first, shifted)
// until d has n elements.
func growDesign(d *models.Design, n int) {
	proto := d.StyleLines[0]
	for k := 0; len(d.StyleLines)+len(d.Pieces)+len(d.Marks)+len(d.Materials)+len(d.Colourways) < n; k++ {
		l := proto
		l.ID = models.ID(fmt.Sprintf("9a0e%012x", k))
		l.Name = fmt.Sprintf("line %d", k)
		l.Path.Points = slices.Clone(proto.Path.Points)
		for j := range l.Path.Points {
			l.Path.Points[j].X += float64(k%50) * 0.1
		}
		d.StyleLines = append(d.StyleLines, l)
	}
	d.Normalize()
}

func TestBuildScaleStudio(t *testing.T) {
	dir, n := scaleEnv(t)
	if _, err := os.Stat(dir + "/" + store.FileName); err == nil {
		t.Skip("studio exists")
	}
	opts, err := Options(Write)
	if err != nil {
		t.Fatal(err)
	}
	opts.NoSync = true  // building only; measured opens and commits sync
	opts.Validate = nil // the fixture is valid by construction
	st, err := store.Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	id, err := loadIdentity(dir)
	if err != nil {
		t.Fatal(err)
	}
	designs := max(1, n/100)
	start := time.Now()
	for i := range designs {
		d := scaleDesign(i)
		for v := range n / designs {
			d.Meta.Notes = fmt.Sprintf("revision %d", v)
			if len(d.StyleLines) > 0 {
				l := &d.StyleLines[v%len(d.StyleLines)]
				l.Path.Points = slices.Clone(l.Path.Points)
				l.Path.Points[0].Y += 0.1
			}
			if _, err := st.CommitDesign(store.DefaultBranch, d, fmt.Sprintf("revision %d", v), id); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Logf("built %d versions in %d designs in %v", n, designs, time.Since(start))
}

func rssMB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	var kb float64
	for _, line := range slices.Collect(splitLines(string(b))) {
		if _, err := fmt.Sscanf(line, "VmRSS: %f kB", &kb); err == nil {
			return kb / 1024
		}
	}
	return 0
}

func splitLines(s string) func(func(string) bool) {
	return func(yield func(string) bool) {
		start := 0
		for i := 0; i < len(s); i++ {
			if s[i] == '\n' {
				if !yield(s[start:i]) {
					return
				}
				start = i + 1
			}
		}
	}
}

func medianMS(ds []time.Duration) float64 {
	ds = slices.Clone(ds)
	slices.Sort(ds)
	return float64(ds[len(ds)/2].Microseconds()) / 1000
}

// TestScaleCurves prints one JSON line of figures for the studio in
// CORDWAIN_SCALE_DIR (a copy: it commits and merges).
func TestScaleCurves(t *testing.T) {
	dir, n := scaleEnv(t)
	out := map[string]any{"versions": n, "designs": max(1, n/100)}
	if fi, err := os.Stat(dir + "/" + store.FileName); err == nil {
		out["file_mb"] = float64(fi.Size()) / (1 << 20)
	}
	opts, err := Options(Write)
	if err != nil {
		t.Fatal(err)
	}
	// Open as the studio does (lazy), 5 times; RSS after the last.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	runtime.GC()
	debug.FreeOSMemory()
	var opens, openCPU []time.Duration
	var st *store.Store
	for range 5 {
		if st != nil {
			st.Close()
		}
		c0, t0 := threadcpu.Now(), time.Now()
		if st, err = store.Open(dir, opts); err != nil {
			t.Fatal(err)
		}
		opens, openCPU = append(opens, time.Since(t0)), append(openCPU, threadcpu.Now()-c0)
	}
	out["open_ms"] = medianMS(opens)
	out["open_cpu_ms"] = medianMS(openCPU)
	out["open_rss_mb"] = rssMB()
	big := scaleDesign(0).ID
	c0, t0 := threadcpu.Now(), time.Now()
	if err := st.LoadDesign(big); err != nil {
		t.Fatal(err)
	}
	out["load_big_design_ms"] = float64(time.Since(t0).Microseconds()) / 1000
	out["load_big_design_cpu_ms"] = float64((threadcpu.Now() - c0).Microseconds()) / 1000
	out["big_design_versions"] = len(st.History(big))

	// Commit from the edited design, durable, as the window pays it:
	// d.Snapshot() (inside CommitDesign), validation, encoding, write,
	// fsync. A 22-element sample design and the 1,000-element one.
	id, err := loadIdentity(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		d    models.ID
	}{{"commit_small", scaleDesign(1).ID}, {"commit_big", big}} {
		head, err := st.Head(c.d, store.DefaultBranch)
		if err != nil {
			t.Fatal(err)
		}
		d, err := st.Checkout(head.ID)
		if err != nil {
			t.Fatal(err)
		}
		var ds, cpu []time.Duration
		for k := range 40 {
			d.Meta.Notes = fmt.Sprintf("timed commit %d", k)
			l := &d.StyleLines[k%len(d.StyleLines)]
			l.Path.Points = slices.Clone(l.Path.Points)
			l.Path.Points[0].X += 0.05
			c0, t0 := threadcpu.Now(), time.Now()
			if _, err := st.CommitDesign(store.DefaultBranch, d, "timed", id); err != nil {
				t.Fatal(err)
			}
			ds, cpu = append(ds, time.Since(t0)), append(cpu, threadcpu.Now()-c0)
		}
		out[c.name+"_p50_ms"] = medianMS(ds)
		out[c.name+"_cpu_ms"] = medianMS(cpu)
		out[c.name+"_elements"] = len(d.StyleLines) + len(d.Pieces) + len(d.Marks) + len(d.Materials) + len(d.Colourways) + 2
	}
	st.Close()

	// Merge as the store runs it on the 1,000-element design: two
	// branches from its head, 100 edits a side (20 on the same style
	// lines), MergeHeads; fsync off for the merge (reported separately
	// as the commit's fsync share is).
	nopts := opts
	nopts.NoSync = true
	if st, err = store.Open(dir, nopts); err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	head, err := st.Head(big, store.DefaultBranch)
	if err != nil {
		t.Fatal(err)
	}
	var merges, mergeCPU []time.Duration
	for r := range 12 {
		an, bn := fmt.Sprintf("ma%d-%d", n, r), fmt.Sprintf("mb%d-%d", n, r)
		for k, br := range []string{an, bn} {
			if err := st.Branch(big, br, head.ID); err != nil {
				t.Fatal(err)
			}
			d, err := st.Checkout(head.ID)
			if err != nil {
				t.Fatal(err)
			}
			for e := range 100 {
				li := (e*7 + r) % len(d.StyleLines)
				if e >= 20 {
					li = (e*13 + k*500 + r*3) % len(d.StyleLines)
				}
				l := &d.StyleLines[li]
				l.Path.Points = slices.Clone(l.Path.Points)
				l.Path.Points[1].Y += float64(1 + k)
				l.Name = fmt.Sprintf("side %d edit %d", k, e)
			}
			if _, err := st.CommitDesign(br, d, "side", id); err != nil {
				t.Fatal(err)
			}
		}
		hb, err := st.Head(big, bn)
		if err != nil {
			t.Fatal(err)
		}
		c0, t0 := threadcpu.Now(), time.Now()
		if _, err := st.MergeHeads(big, an, hb.ID); err != nil {
			t.Fatal(err)
		}
		if r >= 2 {
			merges, mergeCPU = append(merges, time.Since(t0)), append(mergeCPU, threadcpu.Now()-c0)
		}
	}
	out["merge_ms"] = medianMS(merges)
	out["merge_cpu_ms"] = medianMS(mergeCPU)
	b, _ := json.Marshal(out)
	fmt.Printf("SCALE %s\n", b)
}

// BenchmarkCommitDesign is a commit from the edited design as the window
// makes it (CommitDesign: the element form of what changed, validation,
// manifest, write; with sync=true the fsync too), on a fresh studio, a
// style line moved and the notes changed each time. Reports the median
// wall and thread CPU time after 20 warm-up commits. Run with
// -benchtime 1x (one round of 20 + 200 commits).
func BenchmarkCommitDesign(b *testing.B) {
	for _, sync := range []bool{false, true} {
		for _, big := range []bool{false, true} {
			b.Run(fmt.Sprintf("sync=%v/big=%v", sync, big), func(b *testing.B) {
				dir := b.TempDir()
				opts, _ := Options(Write)
				opts.NoSync = !sync
				st, err := store.Open(dir, opts)
				if err != nil {
					b.Fatal(err)
				}
				defer st.Close()
				id, _ := loadIdentity(dir)
				d := scaleDesign(1)
				if big {
					d = scaleDesign(0)
				}
				const warm, runs = 20, 200
				var ds, cpu []time.Duration
				runtime.GC()
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
				b.ResetTimer()
				for k := range (warm + runs) * b.N {
					d.Meta.Notes = fmt.Sprintf("c %d", k)
					l := &d.StyleLines[k%len(d.StyleLines)]
					l.Path.Points = slices.Clone(l.Path.Points)
					l.Path.Points[0].X += 0.05
					c0, t0 := threadcpu.Now(), time.Now()
					if _, err := st.CommitDesign(store.DefaultBranch, d, "c", id); err != nil {
						b.Fatal(err)
					}
					if k%(warm+runs) >= warm {
						ds, cpu = append(ds, time.Since(t0)), append(cpu, threadcpu.Now()-c0)
					}
				}
				b.StopTimer()
				b.ReportMetric(medianMS(ds), "median-ms")
				b.ReportMetric(medianMS(cpu), "median-cpu-ms")
			})
		}
	}
}

// BenchmarkEditCommand runs `cordwain edit` on the 1,000-element design of
// the studio in CORDWAIN_SCALE_DIR in this process (what a run costs
// without the process start: open, find the design, load it, check it
// out, edit, validate, commit durably). Skipped without the studio.
func BenchmarkEditCommand(b *testing.B) {
	dir := os.Getenv("CORDWAIN_SCALE_DIR")
	if dir == "" {
		b.Skip("CORDWAIN_SCALE_DIR not set")
	}
	cmd, _ := Lookup("edit")
	var out bytes.Buffer
	b.ResetTimer()
	for k := range b.N {
		out.Reset()
		if err := cmd.Run(Env{DataDir: dir, Stdout: &out, Stderr: &out}, []string{"--design", "Scale 0000", "--set", fmt.Sprintf("meta.notes=bench %d", k)}); err != nil {
			b.Fatalf("%v\n%s", err, out.String())
		}
	}
}
