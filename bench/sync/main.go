// Command sync is the side-by-side sync benchmark of `make bench`
// (bench/sync/run.sh): Cordwain's studio sync between two processes on
// 127.0.0.1 against Syncthing moving the same change as a file, a new
// peer pulling a studio of 10,000 and 100,000 versions, and two peers in
// step reconnecting. BENCHMARKS.md says what each side does inside its
// timer.
//
//	sync -cordwain BIN [-work DIR] [flags]   the whole run (coordinator)
//	sync node -data DIR [-watch PREFIX]      a studio node driven on stdin
//	sync fixture -data DIR -designs N -per M a studio of N×M versions
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"cordwain/internal/control"
	"cordwain/models/store"
)

func main() {
	var err error
	switch {
	case len(os.Args) > 1 && os.Args[1] == "node":
		err = runNode(os.Args[2:])
	case len(os.Args) > 1 && os.Args[1] == "receive":
		err = runReceive(os.Args[2:])
	case len(os.Args) > 1 && os.Args[1] == "fixture":
		err = runFixture(os.Args[2:])
	default:
		err = runAll(os.Args[1:])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench/sync:", err)
		os.Exit(1)
	}
}

type bench struct {
	self, cordwain string
	work, logs     string
	env            []string
	prof           string
}

var loopEnv = []string{"CORDWAIN_LOOPBACK=1"}

func runAll(args []string) error {
	fs := flag.NewFlagSet("sync", flag.ExitOnError)
	bin := fs.String("cordwain", "", "the cordwain binary (built from this tree)")
	work := fs.String("work", "", "working directory (default: a new temporary one, removed after)")
	edits := fs.Int("edits", 300, "edits timed, after 20 not timed")
	stWatch := fs.Int("st-watch", 40, "Syncthing edits with its watcher")
	stScan := fs.Int("st-scan", 200, "Syncthing edits with a forced rescan")
	reconnects := fs.Int("reconnects", 5, "reconnections timed")
	big := fs.Int("big", 500, "versions per design of the large studio (200 designs; 0 skips it)")
	noST := fs.Bool("no-syncthing", false, "skip Syncthing")
	prof := fs.String("profile", "", "write CPU profiles of both sides of the 10,000-version pull here")
	profBig := fs.Bool("profile-big", false, "with -profile: profile the 100,000-version pull too (pull-100k-*.prof)")
	only := fs.String("only", "", "run only this part: latency (with Syncthing), pull, big")
	pullDesigns := fs.Int("designs", 200, "designs of the pulled studios")
	per := fs.Int("per", 50, "versions per design of the first pulled studio")
	fs.Parse(args)
	if *bin == "" {
		return fmt.Errorf("-cordwain BIN is required")
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	b := &bench{self: self, cordwain: *bin, work: *work, env: loopEnv, prof: *prof}
	if b.work == "" {
		if b.work, err = os.MkdirTemp("", "cordwain-syncbench-"); err != nil {
			return err
		}
		defer os.RemoveAll(b.work)
	}
	b.logs = filepath.Join(b.work, "logs")
	os.MkdirAll(b.logs, 0o700)

	if *only == "" || *only == "latency" {
		lat, err := b.latency(*edits)
		if err != nil {
			return fmt.Errorf("latency: %w", err)
		}
		if !*noST {
			if err := b.syncthing(lat, *stWatch, *stScan); err != nil {
				return fmt.Errorf("syncthing: %w", err)
			}
		}
	}
	if *only == "" || *only == "pull" {
		if err := b.pull("10k", *pullDesigns, *per, *reconnects, *prof); err != nil {
			return fmt.Errorf("pull 10k: %w", err)
		}
	}
	if *big > 0 && (*only == "" || *only == "big") {
		bigProf := ""
		if *profBig {
			bigProf = *prof
		}
		if err := b.pull("100k", *pullDesigns, *big, 0, bigProf); err != nil {
			return fmt.Errorf("pull 100k: %w", err)
		}
	}
	return nil
}

// cw runs the cordwain binary on a data directory (127.0.0.1 only).
func (b *bench) cw(dir string, args ...string) (string, error) {
	cmd := exec.Command(b.cordwain, append([]string{"--data", dir}, args...)...)
	cmd.Env = append(os.Environ(), b.env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("cordwain %s: %v: %s", strings.Join(args, " "), err, errb.String())
	}
	return out.String(), nil
}

// studio makes a studio in a (with extra versions from fill, before
// anyone joins) and joins b to it by its invite code.
func (b *bench) studio(a, j string, fill func() error) error {
	codeFile := a + ".code"
	if code, err := os.ReadFile(codeFile); err == nil { // built by an earlier run (-work)
		_, err = b.cw(j, "studio", "join", string(code))
		return err
	}
	out, err := b.cw(a, "studio", "create", "Bench")
	if err != nil {
		return err
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	code := lines[len(lines)-1]
	if fill != nil {
		if err := fill(); err != nil {
			return err
		}
	}
	if err := os.WriteFile(codeFile, []byte(code), 0o600); err != nil {
		return err
	}
	_, err = b.cw(j, "studio", "join", code)
	return err
}

func (b *bench) node(name, dir string, extra ...string) (*proc, string, string, error) {
	p, err := start(name, b.logs, b.env, b.self, append([]string{"node", "-data", dir}, extra...)...)
	if err != nil {
		return nil, "", "", err
	}
	l, err := p.next(2 * time.Minute)
	if err != nil {
		return nil, "", "", err
	}
	f := strings.Fields(l)
	if len(f) < 3 || f[0] != "ready" {
		return nil, "", "", fmt.Errorf("%s: %q", name, l)
	}
	return p, f[1], f[2], nil
}

// inStep connects q to p and waits for both sides' first full exchange.
func inStep(p, q *proc, pid, qid, addr string) (time.Duration, error) {
	t0 := time.Now()
	if _, err := q.do(time.Minute, "connected", "connect %s", addr); err != nil {
		return 0, err
	}
	r1, err := q.do(2*time.Minute, "synced", "waitsync %s %d", pid, t0.UnixNano())
	if err != nil {
		return 0, err
	}
	r2, err := p.do(2*time.Minute, "synced", "waitsync %s %d", qid, t0.UnixNano())
	if err != nil {
		return 0, err
	}
	end := max(atoi(r1[1]), atoi(r2[1]))
	return time.Duration(end - t0.UnixNano()), nil
}

func atoi(s string) int64 { n, _ := strconv.ParseInt(s, 10, 64); return n }

// awaitVersion reads B's store events until one shows a head starting
// with id, and returns its time.
func awaitVersion(p *proc, id string, timeout time.Duration) (int64, error) {
	deadline := time.After(timeout)
	for {
		select {
		case l := <-p.evs:
			f := strings.Fields(l)
			if len(f) < 4 {
				continue
			}
			for _, h := range strings.Split(f[3], ",") {
				if strings.HasPrefix(h, id) {
					return atoi(f[2]), nil
				}
			}
		case <-deadline:
			return 0, fmt.Errorf("%s: version %s not seen in %v", p.name, id, timeout)
		}
	}
}

func drain(p *proc) {
	for {
		select {
		case <-p.evs:
		default:
			return
		}
	}
}

type latencies struct {
	design  string
	dirA    string
	dirB    string
	p50     time.Duration
	samples []time.Duration
}

// latency: an edit committed on A, present and durable in B's store.
// Two rounds over the same two studios: A a node process of this program
// committing in-process (clock from the CommitDesign call), then A the
// real `cordwain serve` with `cordwain edit` handed over to it (clock
// from the hand-over request).
func (b *bench) latency(edits int) (*latencies, error) {
	dirA, dirB := filepath.Join(b.work, "lat-a"), filepath.Join(b.work, "lat-b")
	if err := b.studio(dirA, dirB, nil); err != nil {
		return nil, err
	}
	A, aid, aaddr, err := b.node("lat-a-node", dirA)
	if err != nil {
		return nil, err
	}
	r, err := A.do(time.Minute, "pick", "pick")
	if err != nil {
		return nil, err
	}
	design := r[1]
	B, bid, _, err := b.node("lat-b-node", dirB, "-watch", design)
	if err != nil {
		return nil, err
	}
	defer B.stop(true)
	if _, err := inStep(A, B, aid, bid, aaddr); err != nil {
		A.stop(true)
		return nil, err
	}
	var lat, commit []time.Duration
	if b.prof != "" {
		A.do(time.Minute, "ok", "profile %s", filepath.Join(b.prof, "latency-committing.prof"))
		B.do(time.Minute, "ok", "profile %s", filepath.Join(b.prof, "latency-receiving.prof"))
	}
	var cpuA0, cpuB0 time.Duration
	for i := range 20 + edits {
		if i == 20 {
			cpuA0, cpuB0 = procCPU(A.pid()), procCPU(B.pid())
		}
		drain(B)
		r, err := A.do(time.Minute, "commit", "commit %s %d", design, i)
		if err != nil {
			A.stop(true)
			return nil, err
		}
		t0, t1 := atoi(r[2]), atoi(r[3])
		at, err := awaitVersion(B, r[1], 10*time.Second)
		if err != nil {
			A.stop(true)
			return nil, err
		}
		if i >= 20 {
			lat = append(lat, time.Duration(at-t0))
			commit = append(commit, time.Duration(t1-t0))
		}
	}
	cpuA, cpuB := procCPU(A.pid())-cpuA0, procCPU(B.pid())-cpuB0
	if b.prof != "" {
		A.do(time.Minute, "ok", "profile stop")
		B.do(time.Minute, "ok", "profile stop")
	}
	A.stop(true)
	fmt.Printf("== edit on A → durable in B's store, two processes on 127.0.0.1, %d edits of one design (%s)\n", edits, design)
	fmt.Printf("A = bench node committing in-process (clock from the CommitDesign call); B = bench node, clock stops at its store's watch event\n")
	fmt.Printf("  commit→present in B: %s\n", stats(lat))
	fmt.Printf("  of which A's durable commit: %s\n", stats(commit))
	fmt.Printf("  CPU time per edit (user+system over the timed edits): A %.2f ms, B %.2f ms\n",
		float64(cpuA)/1e6/float64(edits), float64(cpuB)/1e6/float64(edits))
	res := &latencies{design: design, dirA: dirA, dirB: dirB, p50: pct(lat, 50), samples: lat}

	// Round 2: the real `cordwain serve` on A; edits handed over.
	S, err := start("lat-a-serve", b.logs, b.env, b.cordwain, "--data", dirA, "serve", "--no-mdns", "--listen", "/ip4/127.0.0.1/tcp/0")
	if err != nil {
		return nil, err
	}
	defer S.stop(false)
	var saddr string
	for saddr == "" {
		l, err := S.next(time.Minute)
		if err != nil {
			return nil, err
		}
		if a, ok := strings.CutPrefix(l, "listening on "); ok {
			saddr = a
		}
	}
	// serve takes no commands: B's side of the first exchange is enough.
	t0 := time.Now()
	if _, err := B.do(time.Minute, "connected", "connect %s", saddr); err != nil {
		return nil, err
	}
	if _, err := B.do(2*time.Minute, "synced", "waitsync %s %d", aid, t0.UnixNano()); err != nil {
		return nil, err
	}
	wd, _ := os.Getwd()
	var handed []time.Duration
	for i := range 20 + edits {
		drain(B)
		var out, errb bytes.Buffer
		t0 := time.Now()
		st, err := control.Run(dirA, control.Request{Op: control.OpRun, Dir: wd,
			Args: []string{"edit", "--design", design, "--set", fmt.Sprintf("meta.notes=handed edit %d", i), "-m", "bench"}}, &out, &errb)
		if err != nil || st != 0 {
			return nil, fmt.Errorf("handed-over edit: %v %s", err, errb.String())
		}
		short := strings.Fields(out.String())[0]
		at, err := awaitVersion(B, short, 10*time.Second)
		if err != nil {
			return nil, err
		}
		if i >= 20 {
			handed = append(handed, time.Duration(at-t0.UnixNano()))
		}
	}
	fmt.Printf("A = `cordwain serve`, `cordwain edit` handed over to it by this program (clock from the hand-over request: socket, command, checkout, commit)\n")
	fmt.Printf("  edit→present in B: %s\n", stats(handed))
	res.design = design
	return res, nil
}

func pct(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	i := int(float64(len(s))*p/100+0.5) - 1
	return s[max(0, min(len(s)-1, i))]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/1e6) }

func stats(d []time.Duration) string {
	return fmt.Sprintf("p50 %s  p90 %s  p99 %s  min %s  max %s  (n=%d)", ms(pct(d, 50)), ms(pct(d, 90)), ms(pct(d, 99)),
		ms(slices.Min(d)), ms(slices.Max(d)), len(d))
}

// pull: a new peer joins a studio of 200 designs × per versions and pulls
// it; then (reconnects > 0) it restarts and reconnects in step, through a
// counting proxy.
func (b *bench) pull(name string, designs, per, reconnects int, prof string) error {
	dirS, dirN := filepath.Join(b.work, name+"-src"), filepath.Join(b.work, name+"-new")
	var fixture time.Duration
	os.RemoveAll(dirN)
	err := b.studio(dirS, dirN, func() error {
		t := time.Now()
		cmd := exec.Command(b.self, "fixture", "-data", dirS, "-designs", strconv.Itoa(designs), "-per", strconv.Itoa(per))
		cmd.Env = append(os.Environ(), b.env...)
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		err := cmd.Run()
		fixture = time.Since(t)
		return err
	})
	if err != nil {
		return err
	}
	fi, _ := os.Stat(filepath.Join(dirS, store.FileName))
	size := int64(0)
	if fi != nil {
		size = fi.Size()
	}
	S, sid, saddr, err := b.node(name+"-src-node", dirS)
	if err != nil {
		return err
	}
	defer S.stop(true)
	N, nid, _, err := b.node(name+"-new-node", dirN)
	if err != nil {
		return err
	}
	expect := filepath.Join(b.work, name+"-expect.json")
	r, err := S.do(time.Minute, "heads", "heads %s %s", benchPrefix, expect)
	if err != nil {
		return err
	}
	versions := designs * per
	// Every connection between the two goes through the counting proxy,
	// so the new peer only ever learns (and remembers) that address.
	target := strings.Split(strings.TrimPrefix(saddr, "/ip4/"), "/")
	px, err := newProxy(target[0] + ":" + target[2])
	if err != nil {
		return err
	}
	defer px.close()
	paddr := fmt.Sprintf("/ip4/127.0.0.1/tcp/%d/p2p/%s", px.port(), sid)
	sh0, sr0 := procStatus(S.pid())
	nh0, nr0 := procStatus(N.pid())
	resetPeak(S.pid())
	resetPeak(N.pid())
	if prof != "" {
		tag := "pull" // the 10,000-version pull keeps its file names
		if name != "10k" {
			tag = "pull-" + name
		}
		S.do(time.Minute, "ok", "profile %s", filepath.Join(prof, tag+"-serving.prof"))
		N.do(time.Minute, "ok", "profile %s", filepath.Join(prof, tag+"-receiving.prof"))
	}
	scpu0, ncpu0 := procCPU(S.pid()), procCPU(N.pid())
	nw0 := procWritten(N.pid())
	p, err := N.do(30*time.Minute, "pulled", "pull %s %s", expect, paddr)
	scpu, ncpu := procCPU(S.pid())-scpu0, procCPU(N.pid())-ncpu0
	nw := procWritten(N.pid()) - nw0
	if err != nil {
		return err
	}
	took := time.Duration(atoi(p[2]) - atoi(p[1]))
	if prof != "" {
		S.do(time.Minute, "ok", "profile stop")
		N.do(time.Minute, "ok", "profile stop")
		// What each side still holds after the pull.
		tag := "pull"
		if name != "10k" {
			tag = "pull-" + name
		}
		S.do(time.Minute, "ok", "heap %s", filepath.Join(prof, tag+"-serving.heap"))
		N.do(time.Minute, "ok", "heap %s", filepath.Join(prof, tag+"-receiving.heap"))
	}
	sh, sr := procStatus(S.pid())
	nh, nr := procStatus(N.pid())
	fmt.Printf("== new peer pulls %d versions in %s designs (fixture built in %v, studio file %.1f MB)\n", versions, r[1], fixture.Round(time.Millisecond), float64(size)/(1<<20))
	fmt.Printf("clock from N's Connect call to the store event that makes N's last design's heads equal S's (received, verified, stored with fsync)\n")
	fmt.Printf("  pull: %s; on the wire %.1f MB to the new peer, %.1f kB from it\n", ms(took), float64(px.down.Load())/(1<<20), float64(px.up.Load())/1024)
	fmt.Printf("  CPU time used during the pull (user+system, both cores; the machine was shared): serving %.2f s, receiving %.2f s\n", scpu.Seconds(), ncpu.Seconds())
	nsize := int64(0)
	if fi, _ := os.Stat(filepath.Join(dirN, store.FileName)); fi != nil {
		nsize = fi.Size()
	}
	fmt.Printf("  written by the new peer during the pull (its write calls: the store file's pages, a little network): %.1f MB, for a store file of %.1f MB\n", float64(nw)/(1<<20), float64(nsize)/(1<<20))
	fmt.Printf("  peak RSS during the pull (VmHWM reset before it): serving %.0f MB, receiving %.0f MB\n", float64(sh)/1024, float64(nh)/1024)
	fmt.Printf("  RSS before: serving %.0f MB (peak since start %.0f MB), receiving %.0f MB (peak %.0f MB); after: serving %.0f MB, receiving %.0f MB\n",
		float64(sr0)/1024, float64(sh0)/1024, float64(nr0)/1024, float64(nh0)/1024, float64(sr)/1024, float64(nr)/1024)
	sa, sf := procRSSParts(S.pid())
	na, nf := procRSSParts(N.pid())
	fmt.Printf("  RSS after, anonymous (heap) + file-backed (the mapped store file): serving %.0f + %.0f MB, receiving %.0f + %.0f MB\n",
		float64(sa)/1024, float64(sf)/1024, float64(na)/1024, float64(nf)/1024)
	if reconnects == 0 {
		N.stop(true)
		return nil
	}
	// Let the source's own pull from the new peer (its membership) end.
	if _, err := S.do(time.Minute, "synced", "waitsync %s %d", nid, 0); err != nil {
		return err
	}
	time.Sleep(500 * time.Millisecond)
	var times []time.Duration
	var bytesUp, bytesDown []int64
	for i := range reconnects {
		N.stop(true)
		time.Sleep(500 * time.Millisecond)
		N, _, _, err = b.node(fmt.Sprintf("%s-new-node-%d", name, i+1), dirN)
		if err != nil {
			return err
		}
		px.reset()
		c0 := px.conns.Load()
		d, err := inStep(S, N, sid, nid, paddr)
		if err != nil {
			return err
		}
		time.Sleep(time.Second)
		if n := px.conns.Load() - c0; n != 1 {
			fmt.Printf("  (reconnect %d: %d connections through the proxy)\n", i+1, n)
		}
		times = append(times, d)
		bytesUp = append(bytesUp, px.up.Load())
		bytesDown = append(bytesDown, px.down.Load())
	}
	// Warm: the same processes, the connection dropped and made again
	// (both stores already loaded). The reconnection follows 300 ms after
	// the drop, before either side's redial (1 s) would make it.
	var wtimes []time.Duration
	var wbytes []int64
	for range reconnects {
		if _, err := N.do(time.Minute, "disconnected", "disconnect %s", sid); err != nil {
			return err
		}
		time.Sleep(300 * time.Millisecond)
		px.reset()
		d, err := inStep(S, N, sid, nid, paddr)
		if err != nil {
			return err
		}
		time.Sleep(time.Second)
		wtimes = append(wtimes, d)
		wbytes = append(wbytes, px.up.Load()+px.down.Load())
	}
	N.stop(true)
	fmt.Printf("== two peers in step reconnect (200 designs + samples + members), %d times; bytes counted by a TCP proxy on 127.0.0.1 between them\n", reconnects)
	fmt.Printf("clock from the Connect call to the end of both sides' full exchange (both pulls found the studio digests equal)\n")
	for i := range times {
		fmt.Printf("  cold run %d: %s, %d B new peer → source, %d B source → new peer, %d B in all\n", i+1, ms(times[i]), bytesUp[i], bytesDown[i], bytesUp[i]+bytesDown[i])
	}
	fmt.Printf("  cold (the new peer's process restarted, its studio opened lazily: its first summary reads every design) time: %s\n", stats(times))
	fmt.Printf("  warm (same processes, connection dropped and redialled) time: %s; bytes in all: %v\n", stats(wtimes), wbytes)
	return nil
}
