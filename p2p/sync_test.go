package p2p

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"net"
	"testing"

	"cordwain/models"
	"cordwain/models/store"
)

func testStore(t testing.TB) *store.Store {
	t.Helper()
	s, err := store.Open(t.TempDir(), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func testID(seed byte, name string) *store.Identity {
	b := make([]byte, ed25519.SeedSize)
	b[0] = seed
	k := ed25519.NewKeyFromSeed(b)
	return &store.Identity{Key: k, PeerID: store.PeerIDFor(k.Public().(ed25519.PublicKey)), Name: name}
}

func cbor(t testing.TB, v any) []byte {
	b, err := models.Canonical(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func snapOf(t testing.TB, name string, heel float64, extra int) models.Snapshot {
	s := models.Snapshot{
		models.MetaID: {ID: models.MetaID, Kind: models.KindMeta, Props: models.Props{"name": cbor(t, name)}},
		models.LastID: {ID: models.LastID, Kind: models.KindLast, Props: models.Props{"heel_height": cbor(t, heel)}},
	}
	for i := range extra {
		id := models.ID(fmt.Sprintf("%016x", i+1))
		s[id] = models.Element{ID: id, Kind: models.KindPiece, Props: models.Props{"name": cbor(t, fmt.Sprint("p", i))}}
	}
	return s
}

// exchange runs a full pull of a from b over an in-memory pipe.
func exchange(t *testing.T, a, b *store.Store) PullStats {
	t.Helper()
	c1, c2 := net.Pipe()
	errc := make(chan error, 1)
	go func() { errc <- serveSync(c2, b, "B"); c2.Close() }()
	st, _, err := pullAll(c1, a, "A")
	c1.Close()
	if err != nil {
		t.Fatal(err)
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	return st
}

func TestPullBringsHistoryAndConverges(t *testing.T) {
	a, b := testStore(t), testStore(t)
	alice, bob := testID(1, "Alice"), testID(2, "Bob")
	for i := range 30 {
		d := models.ID(fmt.Sprintf("d%d", i%3))
		if _, err := b.Commit(d, store.DefaultBranch, snapOf(t, "Derby", float64(20+i), i), "edit", bob); err != nil {
			t.Fatal(err)
		}
	}
	st := exchange(t, a, b)
	if st.Versions != 30 || st.Designs != 3 || st.Expected != 30 {
		t.Fatalf("first pull: %+v", st)
	}
	// Concurrent edits on both sides, then both pull: identical heads.
	a.Commit("d0", store.DefaultBranch, snapOf(t, "Derby A", 40, 3), "a", alice)
	b.Commit("d0", store.DefaultBranch, snapOf(t, "Derby", 41, 3), "b", bob)
	exchange(t, a, b)
	exchange(t, b, a)
	exchange(t, a, b)
	_, ra := summary(a)
	_, rb := summary(b)
	if ra != rb {
		t.Fatal("stores differ after exchanging both ways")
	}
	// In step: nothing but hellos.
	if st := exchange(t, a, b); st.Designs != 0 || st.Bytes != 0 {
		t.Fatalf("in-step exchange moved data: %+v", st)
	}
}

// A peer that sends garbage or forged versions gets an error, and nothing
// it sent is stored.
func TestPullRefusesHostileServer(t *testing.T) {
	cases := map[string]func(c net.Conn){
		"oversized frame": func(c net.Conn) {
			readFrame(c)
			c.Write([]byte{0xff, 0xff, 0xff, 0xff, 1, 1})
		},
		"unknown type": func(c net.Conn) {
			readFrame(c)
			c.Write([]byte{0, 0, 0, 2, 1, 77})
		},
		"wrong version": func(c net.Conn) {
			readFrame(c)
			c.Write([]byte{0, 0, 0, 2, 9, MsgHello})
		},
		"truncated": func(c net.Conn) {
			readFrame(c)
			c.Write([]byte{0, 0, 0, 50, 1, MsgHello, 1, 2})
			c.Close()
		},
		"garbage payload": func(c net.Conn) {
			readFrame(c)
			c.Write([]byte{0, 0, 0, 5, 1, MsgHello, 0xff, 0xff, 0xff})
		},
		"forged version": func(c net.Conn) {
			readFrame(c)
			writeFrame(c, MsgHello, Hello{Name: "M"})
			readFrame(c)
			writeFrame(c, MsgSummary, Summary{Designs: []DesignDigest{{Design: "d"}}})
			readFrame(c)
			v := &models.Version{Design: "d", Author: testID(1, "A").Author(), Message: "x"}
			store.Sign(v, testID(2, "M").Key)
			vb, _ := store.EncodeVersion(v)
			writeFrame(c, MsgBatch, BatchWire{Design: "d", Versions: [][]byte{vb}})
		},
	}
	for name, serve := range cases {
		t.Run(name, func(t *testing.T) {
			a := testStore(t)
			c1, c2 := net.Pipe()
			go func() {
				serve(c2)
				c2.Close()
			}()
			_, _, err := pullAll(c1, a, "A")
			c1.Close()
			if err == nil {
				t.Fatal("a hostile server's stream was accepted")
			}
			var rej *RejectError
			if !errors.Is(err, ErrProtocol) && !errors.As(err, &rej) {
				t.Fatalf("not reported as a protocol error or a refusal: %v", err)
			}
			if len(a.Designs()) != 0 {
				t.Fatal("something a hostile server sent was stored")
			}
		})
	}
}

// A peer that stops between two frames of a transfer (shut down, gone
// away) is not a hostile one: the pull fails with an error that is
// neither a protocol error nor a refusal, so the node tries again later
// instead of keeping the peer out.
func TestPullStreamEndedIsNotAFault(t *testing.T) {
	a := testStore(t)
	c1 := scriptedAnswerer(func(net.Conn) {})
	_, _, err := pullAll(c1, a, "A")
	c1.Close()
	var rej *RejectError
	switch {
	case err == nil:
		t.Fatal("a transfer cut short succeeded")
	case errors.Is(err, ErrProtocol) || errors.As(err, &rej):
		t.Fatalf("a peer that stopped is treated as hostile: %v", err)
	case !errors.Is(err, errStreamEnded):
		t.Fatalf("err = %v, want errStreamEnded", err)
	}
}

// A full pull says as it goes how many versions it has stored of how many
// the peer's summary promised, and ends at all of them.
func TestPullTellsProgress(t *testing.T) {
	a, b := testStore(t), testStore(t)
	bob := testID(2, "Bob")
	for i := range 900 {
		d := models.ID(fmt.Sprintf("%016x", i%9+1))
		if _, err := b.Commit(d, store.DefaultBranch, snapOf(t, "Derby", float64(20+i), 3), "edit", bob); err != nil {
			t.Fatal(err)
		}
	}
	c1, c2 := net.Pipe()
	errc := make(chan error, 1)
	go func() { errc <- serveSync(c2, b, "B"); c2.Close() }()
	type call struct{ received, expected int }
	var calls []call
	st, _, err := pullAllWith(c1, a, "A", func(received, expected int) { calls = append(calls, call{received, expected}) })
	c1.Close()
	if err != nil || <-errc != nil {
		t.Fatal(err)
	}
	if len(calls) < 2 || calls[0] != (call{0, 900}) || calls[len(calls)-1] != (call{900, 900}) || st.Expected != 900 {
		t.Fatalf("progress %v, stats %+v: want from 0 of 900 to 900 of 900", calls, st)
	}
	for i := 1; i < len(calls); i++ {
		if calls[i].received < calls[i-1].received {
			t.Fatalf("progress went back: %v", calls)
		}
	}
}

// A peer whose summary gives no version counts (one from before them)
// syncs as before, with nothing expected.
func TestPullWithoutCounts(t *testing.T) {
	a := testStore(t)
	c1 := scriptedAnswerer(func(c net.Conn) {
		writeFrame(c, MsgDone, Done{Design: "0123456789abcdef"})
		readFrame(c) // end
	})
	st, _, err := pullAll(c1, a, "A")
	c1.Close()
	if err != nil || st.Expected != 0 {
		t.Fatalf("pull without counts: %v, %+v", err, st)
	}
}

// scriptedAnswerer answers a pull over a pipe: hello, a summary of one
// design (without version counts), reads the want, then runs rest and
// closes. It returns the asker's end.
func scriptedAnswerer(rest func(c net.Conn)) net.Conn {
	c1, c2 := net.Pipe()
	go func() {
		readFrame(c2)
		writeFrame(c2, MsgHello, Hello{Name: "M"})
		readFrame(c2)
		writeFrame(c2, MsgSummary, Summary{Designs: []DesignDigest{{Design: "0123456789abcdef"}}})
		readFrame(c2) // the want
		rest(c2)
		c2.Close()
	}()
	return c1
}

// A peer restarted on a lazily opened studio, in step with another,
// exchanges only hellos and summaries, and loads no design's history to
// do so: the heads come from the design records.
func TestRestartedPeerInStepLoadsNoHistory(t *testing.T) {
	dir := t.TempDir()
	open := func() *store.Store {
		s, err := store.Open(dir, store.Options{Lazy: true, NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	a, b := open(), testStore(t)
	bob := testID(2, "Bob")
	var designs []models.ID
	for i := range 12 {
		d := models.ID(fmt.Sprintf("d%d", i%3))
		if _, err := b.Commit(d, store.DefaultBranch, snapOf(t, "Derby", float64(20+i), i), "edit", bob); err != nil {
			t.Fatal(err)
		}
		if i < 3 {
			designs = append(designs, d)
		}
	}
	exchange(t, a, b)
	exchange(t, b, a)
	if !inStep(a, b) {
		t.Fatal("not in step")
	}
	a.Close()
	a = open()
	defer a.Close()
	for _, pair := range [][2]*store.Store{{a, b}, {b, a}} {
		if st := exchange(t, pair[0], pair[1]); st.Designs != 0 || st.Bytes != 0 {
			t.Fatalf("in-step exchange after a restart moved data: %+v", st)
		}
	}
	for _, d := range designs {
		if a.Loaded(d) {
			t.Fatalf("the restarted peer loaded design %s to exchange summaries", d)
		}
	}
}
