package p2p

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/network"

	"cordwain/models"
	"cordwain/models/store"
)

// Branch deletion travels (docs/sync.md): tombstones go with a design's
// refs, count in its digest, and every machine ends the same.

// sideBranch gives s design d with main at a base version and branch
// "sole" there, and returns the base.
func sideBranch(t *testing.T, s *store.Store, id *store.Identity) *models.Version {
	t.Helper()
	base, err := s.Commit("d", store.DefaultBranch, snapOf(t, "Derby", 20, 2), "base", id)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Branch("d", "sole", base.ID); err != nil {
		t.Fatal(err)
	}
	return base
}

func copyDesign(t *testing.T, from, to *store.Store, d models.ID) {
	t.Helper()
	if _, err := to.Receive(mustCollect(t, from, d)); err != nil {
		t.Fatal(err)
	}
}

func headOf(s *store.Store, branch string) models.ID {
	v, err := s.Head("d", branch)
	if err != nil {
		return ""
	}
	return v.ID
}

func tombCount(s *store.Store) int {
	ts, err := s.Tombstones("d")
	if err != nil {
		return -1
	}
	return len(ts)
}

// A deletes the branch; B and C, connected in a line, lose it.
func TestBranchDeletionTravels(t *testing.T) {
	studio, _ := NewStudio("Lucheng")
	a := startNode(t, studio, 1, "Alice")
	b := startNode(t, studio, 2, "Bob")
	c := startNode(t, studio, 3, "Chen")
	base := sideBranch(t, a.st, a.id)
	ctx := context.Background()
	if err := b.Connect(ctx, a.Addrs()[0].String()); err != nil {
		t.Fatal(err)
	}
	if err := c.Connect(ctx, b.Addrs()[0].String()); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the branch everywhere", 10*time.Second, func() bool {
		return headOf(b.st, "sole") == base.ID && headOf(c.st, "sole") == base.ID && inStep(a.st, c.st)
	})
	if err := a.st.DeleteBranch("d", "sole"); err != nil { // signed by the node's identity
		t.Fatal(err)
	}
	if ts, _ := a.st.Tombstones("d"); len(ts) != 1 || ts[0].Author.PeerID != a.id.PeerID {
		t.Fatalf("tombstone %+v", ts)
	}
	waitFor(t, "the deletion everywhere", 10*time.Second, func() bool {
		return headOf(b.st, "sole") == "" && headOf(c.st, "sole") == "" &&
			inStep(a.st, b.st) && inStep(b.st, c.st) && tombCount(c.st) == 1
	})
	for _, n := range []*testNode{a, b, c} {
		if headOf(n.st, "sole") != "" || headOf(n.st, store.DefaultBranch) != base.ID || !n.st.HasVersion(base.ID) {
			t.Fatalf("%s: sole %q, main %q", n.id.Name, headOf(n.st, "sole"), headOf(n.st, store.DefaultBranch))
		}
	}
}

// B commits on the branch while A deletes it (apart): once they meet,
// everyone keeps B's branch, and the studio is in step.
func TestCommitOnBranchWinsOverConcurrentDelete(t *testing.T) {
	studio, _ := NewStudio("Lucheng")
	a := startNode(t, studio, 1, "Alice")
	b := startNode(t, studio, 2, "Bob")
	c := startNode(t, studio, 3, "Chen")
	sideBranch(t, a.st, a.id)
	copyDesign(t, a.st, b.st, "d")
	copyDesign(t, a.st, c.st, "d")
	vb, err := b.st.Commit("d", "sole", snapOf(t, "Derby", 26, 2), "bob on sole", b.id)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.st.DeleteBranchAs("d", "sole", a.id); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := b.Connect(ctx, a.Addrs()[0].String()); err != nil {
		t.Fatal(err)
	}
	if err := c.Connect(ctx, a.Addrs()[0].String()); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "convergence", 10*time.Second, func() bool {
		return inStep(a.st, b.st) && inStep(a.st, c.st) &&
			headOf(a.st, "sole") == vb.ID && headOf(b.st, "sole") == vb.ID && headOf(c.st, "sole") == vb.ID
	})
	for _, n := range []*testNode{a, b, c} {
		if tombCount(n.st) != 1 {
			t.Fatalf("%s: %d tombstones", n.id.Name, tombCount(n.st))
		}
	}
}

// C is away while A deletes the branch; when it comes back with the
// branch it still has, the branch does not come back, and C loses it.
func TestOfflinePeerDoesNotBringDeletedBranchBack(t *testing.T) {
	studio, _ := NewStudio("Lucheng")
	a := startNode(t, studio, 1, "Alice")
	b := startNode(t, studio, 2, "Bob")
	base := sideBranch(t, a.st, a.id)
	copyDesign(t, a.st, b.st, "d")
	// C: a store with the branch, away (no node yet).
	cst := testStore(t)
	copyDesign(t, a.st, cst, "d")
	ctx := context.Background()
	if err := b.Connect(ctx, a.Addrs()[0].String()); err != nil {
		t.Fatal(err)
	}
	if err := a.st.DeleteBranchAs("d", "sole", a.id); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "b loses the branch", 10*time.Second, func() bool {
		return headOf(b.st, "sole") == "" && inStep(a.st, b.st)
	})
	if headOf(cst, "sole") != base.ID {
		t.Fatal("the away machine lost the branch without syncing")
	}
	cid := testID(3, "Chen")
	cn, err := Start(ctx, Config{Store: cst, Identity: cid, Studio: studio, Loopback: true,
		Logf: func(f string, a ...any) { t.Logf("Chen: "+f, a...) }, RejectFor: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cn.Close() })
	if err := cn.Connect(ctx, b.Addrs()[0].String()); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "convergence", 10*time.Second, func() bool {
		return inStep(a.st, b.st) && inStep(b.st, cst) && headOf(cst, "sole") == ""
	})
	time.Sleep(300 * time.Millisecond) // any late pull
	for name, s := range map[string]*store.Store{"a": a.st, "b": b.st, "c": cst} {
		if h := headOf(s, "sole"); h != "" {
			t.Fatalf("%s has the deleted branch again at %s", name, store.Short(h))
		}
		if headOf(s, store.DefaultBranch) != base.ID {
			t.Fatalf("%s: main moved", name)
		}
	}
}

// memberID is an identity whose peer ID is its libp2p ID, as a studio
// member's is.
func memberID(t *testing.T, seed byte, name string) *store.Identity {
	t.Helper()
	id := testID(seed, name)
	pid, err := PeerID(id.Key.Public().(ed25519.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	id.PeerID = pid
	return id
}

// tombServer answers a pull with one batch of design d carrying tb.
func tombServer(tb []byte) func(c net.Conn) {
	return func(c net.Conn) {
		readFrame(c)
		writeFrame(c, MsgHello, Hello{Name: "M"})
		readFrame(c)
		writeFrame(c, MsgSummary, Summary{Designs: []DesignDigest{{Design: "d"}}})
		readFrame(c)
		writeFrame(c, MsgBatch, BatchWire{Design: "d", Versions: [][]byte{}, Manifests: [][]byte{}, Elements: [][]byte{}, Tombstones: [][]byte{tb}})
		writeFrame(c, MsgDone, Done{Design: "d"})
		readFrame(c)
	}
}

// A tombstone with a forged signature, of another design, or by a machine
// that is not a member is refused: the pull fails as the peer's fault and
// nothing is stored.
func TestHostileTombstonesRefused(t *testing.T) {
	alice, mallory := memberID(t, 1, "Alice"), memberID(t, 9, "Mallory")
	mk := func(author *store.Identity, key ed25519.PrivateKey, design models.ID, head models.ID) []byte {
		tb := &store.Tombstone{Design: design, Branch: "sole", Head: head, Author: author.Author(), Time: models.HLC{Wall: 5}}
		if err := store.SignTombstone(tb, key); err != nil {
			t.Fatal(err)
		}
		b, err := store.EncodeTombstone(tb)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	cases := map[string]func(head models.ID) []byte{
		"forged signature": func(head models.ID) []byte { return mk(alice, mallory.Key, "d", head) },
		"not a member":     func(head models.ID) []byte { return mk(mallory, mallory.Key, "d", head) },
		"another design":   func(head models.ID) []byte { return mk(alice, alice.Key, "d2", head) },
		"not canonical": func(head models.ID) []byte {
			b := mk(alice, alice.Key, "d", head)
			return append(b, 0)
		},
	}
	for name, forge := range cases {
		t.Run(name, func(t *testing.T) {
			a := testStore(t)
			base := sideBranch(t, a, alice)
			if err := SetMember(a, alice, Member{PeerID: alice.PeerID, Name: "Alice", Since: 1}, "studio"); err != nil {
				t.Fatal(err)
			}
			c1, c2 := net.Pipe()
			go func() {
				tombServer(forge(base.ID))(c2)
				c2.Close()
			}()
			_, _, err := pullAll(c1, a, "A")
			c1.Close()
			var rej *RejectError
			if !errors.As(err, &rej) && !errors.Is(err, ErrProtocol) {
				t.Fatalf("not refused as the peer's fault: %v", err)
			}
			if name == "not a member" && !errors.Is(err, ErrNotMember) {
				t.Fatalf("refused, but not as a non-member: %v", err)
			}
			if tombCount(a) != 0 || headOf(a, "sole") != base.ID {
				t.Fatal("the refused tombstone acted")
			}
		})
	}
}

// With real hosts: a peer that sends a non-member's deletion is dropped
// and kept out like any hostile peer, and the branch stays.
func TestNonMemberDeletionDropsThePeer(t *testing.T) {
	alice, mallory := memberID(t, 1, "Alice"), memberID(t, 9, "Mallory")
	studio, _ := NewStudio("Lucheng")
	log := &logged{}
	st := testStore(t)
	base := sideBranch(t, st, alice)
	if err := SetMember(st, alice, Member{PeerID: alice.PeerID, Name: "Alice", Since: 1}, "studio"); err != nil {
		t.Fatal(err)
	}
	n, err := Start(context.Background(), Config{Store: st, Identity: alice, Studio: studio, Loopback: true,
		Logf: log.logf, RejectFor: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	tb := &store.Tombstone{Design: "d", Branch: "sole", Head: base.ID, Author: mallory.Author(), Time: models.HLC{Wall: 5}}
	store.SignTombstone(tb, mallory.Key)
	enc, _ := store.EncodeTombstone(tb)
	serve := tombServer(enc)
	evil := hostileHost(t, studio, func(s network.Stream) { serve(streamConn{s}) })
	if err := n.Connect(context.Background(), evil.Addrs()[0].String()+"/p2p/"+evil.ID().String()); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the rejection", 10*time.Second, func() bool { return log.has("rejected peer " + evil.ID().String()) })
	if !log.has("not a member") {
		t.Fatalf("rejected, but not as a non-member: %v", log.lines)
	}
	waitFor(t, "the drop", 5*time.Second, func() bool {
		return n.Host().Network().Connectedness(evil.ID()) != network.Connected
	})
	if tombCount(st) != 0 || headOf(st, "sole") != base.ID {
		t.Fatal("the non-member's deletion acted")
	}
}

// streamConn lets a scripted net.Conn server answer a libp2p stream.
type streamConn struct{ network.Stream }

func (streamConn) LocalAddr() net.Addr  { return nil }
func (streamConn) RemoteAddr() net.Addr { return nil }

// A deletion changes the design's digest, so peers exchange the design;
// then, in step again, they exchange only hellos.
func TestDeletionChangesDigestThenHellosOnly(t *testing.T) {
	a, b := testStore(t), testStore(t)
	alice := testID(1, "Alice")
	sideBranch(t, a, alice)
	exchange(t, b, a)
	before := designDigest(a, "d")
	if err := a.DeleteBranchAs("d", "sole", alice); err != nil {
		t.Fatal(err)
	}
	if designDigest(a, "d") == before {
		t.Fatal("a deletion left the design's digest as it was")
	}
	if st := exchange(t, b, a); st.Designs != 1 {
		t.Fatalf("the deletion was not exchanged: %+v", st)
	}
	exchange(t, a, b)
	if !inStep(a, b) || headOf(b, "sole") != "" {
		t.Fatal("not in step after the deletion")
	}
	for _, pair := range [][2]*store.Store{{a, b}, {b, a}} {
		if st := exchange(t, pair[0], pair[1]); st.Designs != 0 || st.Bytes != 0 {
			t.Fatalf("in-step exchange moved data: %+v", st)
		}
	}
}

// A design sent in several frames: every frame but the last says more,
// and a deleted branch's work in an early frame does not land in the
// receiver's main.
func TestChunkedDesignKeepsDeletedWorkOutOfMain(t *testing.T) {
	a, b := testStore(t), testStore(t)
	alice := testID(1, "Alice")
	big := func(heel float64, tag string) models.Snapshot {
		s := snapOf(t, "Derby", heel, 0)
		for i := range 6 {
			id := models.ID(sprintf("%015x%d", i+1, len(tag)))
			s[id] = models.Element{ID: id, Kind: models.KindPiece, Props: models.Props{"name": cbor(t, tag+string(bytes200k(i)))}}
		}
		return s
	}
	base, err := a.Commit("d", store.DefaultBranch, big(20, "a"), "base", alice)
	if err != nil {
		t.Fatal(err)
	}
	a.Branch("d", "exp", base.ID)
	ve, err := a.Commit("d", "exp", big(33, "bb"), "experiment", alice)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.DeleteBranchAs("d", "exp", alice); err != nil {
		t.Fatal(err)
	}
	// A later version on main: the experiment is not in the last frame.
	vm, err := a.Commit("d", store.DefaultBranch, big(21, "ccc"), "main", alice)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytesBuffer
	if err := sendDesign(&buf, a, Want{Design: "d"}); err != nil {
		t.Fatal(err)
	}
	var frames []BatchWire
	for {
		typ, payload, err := readFrame(&buf)
		if err != nil {
			t.Fatal(err)
		}
		if typ == MsgDone {
			break
		}
		var bw BatchWire
		if err := decodePayload(payload, &bw); err != nil {
			t.Fatal(err)
		}
		frames = append(frames, bw)
	}
	if len(frames) < 2 {
		t.Fatalf("%d frames, want several", len(frames))
	}
	for i, f := range frames {
		last := i == len(frames)-1
		if f.More == last || (len(f.Refs) > 0) != last || (len(f.Tombstones) > 0) != last {
			t.Fatalf("frame %d of %d: more %v, %d refs, %d tombstones", i+1, len(frames), f.More, len(f.Refs), len(f.Tombstones))
		}
	}
	exchange(t, b, a)
	if h := headOf(b, store.DefaultBranch); h != vm.ID {
		t.Fatalf("main at %q, want %s", h, store.Short(vm.ID))
	}
	if headOf(b, "exp") != "" || !b.HasVersion(ve.ID) || tombCount(b) != 1 {
		t.Fatal("the deleted branch is back, or its version or tombstone is missing")
	}
}

// bytes200k is 200 KB of text that differs with i.
func bytes200k(i int) []byte {
	b := make([]byte, 200<<10)
	for j := range b {
		b[j] = 'a' + byte((i+j)%26)
	}
	return b
}

type bytesBuffer struct{ bytes.Buffer }
