package store

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"testing"
	"time"

	"cordwain/models"
)

func TestCommitCheckoutReopen(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, dir)
	alice := testIdentity(1, "Alice")

	v1, err := s.Commit("d1", DefaultBranch, snap(t, "Oxford", 20), "first", alice)
	if err != nil {
		t.Fatal(err)
	}
	if len(v1.Parents) != 0 || v1.Author.Name != "Alice" || Verify(v1) != nil {
		t.Fatalf("first version: %+v, verify %v", v1, Verify(v1))
	}
	v2, err := s.Commit("d1", DefaultBranch, snap(t, "Oxford", 30), "heel up", alice)
	if err != nil {
		t.Fatal(err)
	}
	if len(v2.Parents) != 1 || v2.Parents[0] != v1.ID || !v1.Time.Less(v2.Time) {
		t.Fatalf("second version parents %v time %v after %v", v2.Parents, v2.Time, v1.Time)
	}
	// Unchanged content: the head comes back with ErrNoChange.
	same, err := s.Commit("d1", DefaultBranch, snap(t, "Oxford", 30), "again", alice)
	if !errors.Is(err, ErrNoChange) || same == nil || same.ID != v2.ID {
		t.Fatalf("no-op commit: %v, %v", same, err)
	}
	got, err := s.Snapshot(v1.ID)
	if err != nil {
		t.Fatal(err)
	}
	if heelOf(t, got) != 20 {
		t.Fatalf("checkout of v1: heel %v", heelOf(t, got))
	}
	if ds := s.Designs(); len(ds) != 1 || ds[0].Name != "Oxford" || ds[0].Latest != v2.ID {
		t.Fatalf("designs: %+v", ds)
	}
	s.Close()

	s = openTest(t, dir)
	log, err := s.Log("d1", DefaultBranch)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 2 || log[0].ID != v2.ID || log[1].ID != v1.ID {
		t.Fatalf("log after reopen: %v", ids(log))
	}
	// The clock resumes after the newest stored version.
	v3, err := s.Commit("d1", DefaultBranch, snap(t, "Oxford", 35), "later", alice)
	if err != nil {
		t.Fatal(err)
	}
	if !v2.Time.Less(v3.Time) {
		t.Fatalf("time after reopen %v not after %v", v3.Time, v2.Time)
	}
	if d, err := s.FindDesign("oxford"); err != nil || d.ID != "d1" {
		t.Fatalf("FindDesign by name: %+v %v", d, err)
	}
}

func ids(vs []*models.Version) []string {
	var out []string
	for _, v := range vs {
		out = append(out, short(v.ID))
	}
	return out
}

func TestBranchesTagsRestore(t *testing.T) {
	s := openTest(t, t.TempDir())
	a := testIdentity(1, "A")
	v1, _ := s.Commit("d", DefaultBranch, snap(t, "Pump", 60), "one", a)
	v2, _ := s.Commit("d", DefaultBranch, snap(t, "Pump", 70), "two", a)

	if err := s.Tag("d", "sample 1", v1.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.Tag("d", "sample 1", v1.ID); err != nil {
		t.Fatalf("re-tagging the same version: %v", err)
	}
	if err := s.Tag("d", "sample 1", v2.ID); !errors.Is(err, ErrExists) {
		t.Fatalf("moving a tag: %v, want ErrExists", err)
	}
	if err := s.Branch("d", "low heel", v1.ID); err != nil {
		t.Fatal(err)
	}
	b1, err := s.Commit("d", "low heel", snap(t, "Pump", 40), "lower", a)
	if err != nil || b1.Parents[0] != v1.ID {
		t.Fatalf("commit on branch: %v %v", b1, err)
	}
	if h, _ := s.Head("d", DefaultBranch); h.ID != v2.ID {
		t.Fatalf("main moved: %s", short(h.ID))
	}
	if heads := s.Heads("d"); len(heads) != 2 {
		t.Fatalf("heads: %v", ids(heads))
	}
	if _, err := s.Commit("d", "nope", snap(t, "Pump", 1), "x", a); !errors.Is(err, ErrNotFound) {
		t.Fatalf("commit to a missing branch: %v", err)
	}
	if err := s.DeleteBranch("d", DefaultBranch); !errors.Is(err, ErrInvalid) {
		t.Fatalf("deleting main: %v", err)
	}
	if err := s.DeleteBranch("d", "low heel"); err != nil {
		t.Fatal(err)
	}
	if len(s.Refs("d")) != 2 { // main and the tag
		t.Fatalf("refs: %+v", s.Refs("d"))
	}

	r, err := s.Restore("d", DefaultBranch, v1.ID, a)
	if err != nil {
		t.Fatal(err)
	}
	if r.Root != v1.Root || r.Parents[0] != v2.ID {
		t.Fatalf("restore: root %v parents %v", r.Root == v1.Root, r.Parents)
	}
	if _, err := s.Restore("d", DefaultBranch, v1.ID, a); !errors.Is(err, ErrNoChange) {
		t.Fatalf("restoring twice: %v", err)
	}
	if v, err := s.ResolveVersion("d", short(v2.ID)); err != nil || v.ID != v2.ID {
		t.Fatalf("resolve: %v %v", v, err)
	}
}

func TestInvalidInput(t *testing.T) {
	s := openTest(t, t.TempDir())
	a := testIdentity(1, "A")
	bad := snap(t, "X", 1)
	bad["p"] = models.Element{ID: "q", Kind: models.KindPiece}
	for name, f := range map[string]func() error{
		"empty design":    func() error { _, err := s.Commit("", "main", snap(t, "X", 1), "", a); return err },
		"NUL branch":      func() error { _, err := s.Commit("d", "a\x00b", snap(t, "X", 1), "", a); return err },
		"mismatched ID":   func() error { _, err := s.Commit("d", "main", bad, "", a); return err },
		"no author":       func() error { _, err := s.Commit("d", "main", snap(t, "X", 1), "", nil); return err },
		"unknown version": func() error { _, err := s.Snapshot("abc"); return err },
	} {
		if err := f(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if len(s.Designs()) != 0 {
		t.Fatalf("a refused commit left a design")
	}
}

func TestWatch(t *testing.T) {
	s := openTest(t, t.TempDir())
	ctx, cancel := context.WithCancel(context.Background())
	ch := s.Watch(ctx)
	if _, err := s.Commit("d", DefaultBranch, snap(t, "W", 1), "", testIdentity(1, "A")); err != nil {
		t.Fatal(err)
	}
	seen := map[EventKind]bool{}
	timeout := time.After(5 * time.Second)
	for len(seen) < 3 {
		select {
		case ev := <-ch:
			if ev.Design != "d" {
				t.Fatalf("event for %q", ev.Design)
			}
			seen[ev.Kind] = true
		case <-timeout:
			t.Fatalf("events seen: %v", seen)
		}
	}
	cancel()
	for range ch { // closed after cancel
	}
}

func TestSecondProcessGetsInUse(t *testing.T) {
	dir := t.TempDir()
	openTest(t, dir)
	_, err := Open(dir, Options{LockTimeout: 50 * time.Millisecond})
	if !errors.Is(err, ErrInUse) {
		t.Fatalf("second open: %v, want ErrInUse", err)
	}
}

func TestEmptyFileIsCorrupt(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, FileName), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir, Options{}); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("open of an empty file: %v", err)
	}
}

func TestClock(t *testing.T) {
	wall := int64(1000)
	c := NewClock(func() int64 { return wall })
	a := c.Now()
	b := c.Now()
	if !a.Less(b) || b.Wall != 1000 || b.Logical != 1 {
		t.Fatalf("same millisecond: %v then %v", a, b)
	}
	wall = 500 // the wall clock went back
	if d := c.Now(); !b.Less(d) {
		t.Fatalf("clock went backwards: %v after %v", d, b)
	}
	c.Observe(models.HLC{Wall: 2000, Logical: 7})
	if e := c.Now(); !(models.HLC{Wall: 2000, Logical: 7}).Less(e) {
		t.Fatalf("after observing 2000.7: %v", e)
	}
	c.Observe(models.HLC{Wall: 1 << 60}) // absurdly far ahead: ignored
	if f := c.Now(); f.Wall > 10_000 {
		t.Fatalf("clock dragged to %v", f)
	}
	wall = 3000
	if g := c.Now(); g != (models.HLC{Wall: 3000}) {
		t.Fatalf("wall clock moved on: %v", g)
	}
}

func TestRootIsSnapshotHash(t *testing.T) {
	s := openTest(t, t.TempDir())
	sn := snap(t, "R", 1, "0123456789abcdef")
	v, err := s.Commit("d", DefaultBranch, sn, "", testIdentity(1, "A"))
	if err != nil {
		t.Fatal(err)
	}
	if v.Root != sn.Hash() {
		t.Fatalf("Root %s, Snapshot.Hash %s", v.Root, sn.Hash())
	}
}

func TestManifestRefsMatchesDecoder(t *testing.T) {
	for _, n := range []int{0, 1, 23, 24, 300} {
		s := snap(t, "M", 1)
		for i := range n {
			id := models.ID(fmt.Sprintf("%016x", i))
			s[id] = models.Element{ID: id, Kind: models.KindMark, Props: models.Props{"text": cb(t, i)}}
		}
		es, err := encodeSnapshot(s)
		if err != nil {
			t.Fatal(err)
		}
		want, err := decodeManifest(es.manifest, es.root)
		if err != nil {
			t.Fatal(err)
		}
		got := manifest{}
		if !manifestRefs(es.manifest, func(id []byte, h models.Hash) bool { got[models.ID(id)] = h; return true }) {
			t.Fatalf("%d elements: fast path refused a store manifest", n)
		}
		if !maps.Equal(got, want) {
			t.Fatalf("%d elements: fast path differs", n)
		}
		if manifestRefs(es.manifest[:len(es.manifest)-1], func([]byte, models.Hash) bool { return true }) {
			t.Fatalf("%d elements: truncated manifest accepted", n)
		}
	}
}

func TestPeersRemembered(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, dir)
	if err := s.RememberPeer(Peer{ID: "p2", Name: "Bench laptop", Addrs: []string{"/ip4/10.0.0.2/tcp/4001"}, LastSeen: 5}); err != nil {
		t.Fatal(err)
	}
	if err := s.RememberPeer(Peer{ID: "p1"}); err != nil {
		t.Fatal(err)
	}
	if err := s.ForgetPeer("p1"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s = openTest(t, dir)
	ps := s.Peers()
	if len(ps) != 1 || ps[0].Name != "Bench laptop" || ps[0].Addrs[0] != "/ip4/10.0.0.2/tcp/4001" {
		t.Fatalf("peers after reopen: %+v", ps)
	}
	ps[0].Addrs[0] = "mutated"
	if s.Peers()[0].Addrs[0] == "mutated" {
		t.Fatal("Peers shares memdb's objects")
	}
}

func TestReadersGetCopies(t *testing.T) {
	s := openTest(t, t.TempDir())
	v, _ := s.Commit("d", DefaultBranch, snap(t, "C", 1), "", testIdentity(1, "A"))
	v.Signature[0] ^= 0xff
	h := s.History("d")
	h[0].PubKey[0] ^= 0xff
	got, _ := s.Version(v.ID)
	if Verify(got) != nil {
		t.Fatal("a caller's change reached the stored version")
	}
}

func TestConcurrentCommitsAndReads(t *testing.T) {
	s := openTest(t, t.TempDir())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	events := s.Watch(ctx) // never read: must not block writers
	_ = events
	done := make(chan error, 4)
	for w := range 3 {
		go func() {
			id := testIdentity(byte(w+1), "W")
			for i := range 15 {
				if _, err := s.Commit(models.ID(fmt.Sprintf("d%d", w)), DefaultBranch, snap(t, "C", float64(i)), "", id); err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	go func() {
		for range 50 {
			for _, d := range s.Designs() {
				for _, v := range s.History(d.ID) {
					if _, err := s.Snapshot(v.ID); err != nil {
						done <- err
						return
					}
				}
			}
		}
		done <- nil
	}()
	for range 4 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	for w := range 3 {
		if n := len(s.History(models.ID(fmt.Sprintf("d%d", w)))); n != 15 {
			t.Fatalf("design %d: %d versions", w, n)
		}
	}
}

func TestWatchSlowSubscriberGetsResync(t *testing.T) {
	s := openTest(t, t.TempDir())
	ch := s.Watch(context.Background())
	a := testIdentity(1, "A")
	for i := range 40 { // 120 events into a 64-event buffer
		if _, err := s.Commit("d", DefaultBranch, snap(t, "S", float64(i)), "", a); err != nil {
			t.Fatal(err)
		}
	}
	resync := false
	for len(ch) > 0 {
		if ev := <-ch; ev.Kind == EventResync {
			resync = true
		}
	}
	if !resync {
		t.Fatal("no EventResync after overflow")
	}
	s.Close()
	if _, ok := <-ch; ok {
		t.Fatal("channel open after Close")
	}
}
