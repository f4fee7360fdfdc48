package p2p

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
	"github.com/libp2p/go-libp2p/p2p/transport/tcp"

	"cordwain/models"
	"cordwain/models/store"
)

// hostileHost is a scripted peer with the studio key: serve answers the
// victim's sync streams.
func hostileHost(t *testing.T, studio *Studio, serve func(s network.Stream)) host.Host {
	t.Helper()
	key, _ := HostKey(testID(66, "Mallory").Key)
	h, err := libp2p.New(libp2p.Identity(key), libp2p.PrivateNetwork(studio.PSK()), libp2p.NoTransports,
		libp2p.Transport(tcp.NewTCPTransport), libp2p.ListenAddrStrings("/ip4/127.0.0.1/tcp/0"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	h.SetStreamHandler(protocol.ID(ProtocolSync), serve)
	return h
}

// logged collects a node's log lines.
type logged struct {
	mu    sync.Mutex
	lines []string
}

func (l *logged) logf(f string, a ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, strings.TrimSpace(sprintf(f, a...)))
}

func (l *logged) has(s string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, x := range l.lines {
		if strings.Contains(x, s) {
			return true
		}
	}
	return false
}

// Each kind of hostile peer is dropped and logged, nothing it sent is
// stored, and the node goes on serving an honest peer.
func TestHostilePeersAreDropped(t *testing.T) {
	honestSrc := testStore(t)
	honestID := testID(5, "Hu")
	v0, err := honestSrc.Commit("d", store.DefaultBranch, snapOf(t, "Derby", 20, 1), "base", honestID)
	if err != nil {
		t.Fatal(err)
	}
	alice, bob := testID(1, "Alice"), testID(2, "Bob")
	forgedSig := func() []byte {
		v := &models.Version{Design: "d", Author: alice.Author(), Message: "x", Root: v0.Root}
		store.Sign(v, bob.Key) // signed by Bob, claims Alice
		b, _ := store.EncodeVersion(v)
		return b
	}
	unsignedMerge := func() ([]byte, [][]byte, [][]byte) {
		// Two real heads and a "merge" whose content the sender chose.
		s := testStore(t)
		src, _ := honestSrc.Collect("d", nil)
		s.Receive(src)
		a, _ := s.Commit("d", store.DefaultBranch, snapOf(t, "Derby A", 25, 1), "a", alice)
		evil := snapOf(t, "Mallory", 99, 1)
		s.Commit("d2", store.DefaultBranch, evil, "evil content", bob)
		bb, _ := s.Collect("d2", nil)
		h, _ := s.Head("d2", store.DefaultBranch)
		p := []models.ID{v0.ID, a.ID}
		if p[1] < p[0] {
			p[0], p[1] = p[1], p[0]
		}
		mv := &models.Version{Design: "d", Parents: p, Time: a.Time, Message: store.MergeMessage, Root: h.Root}
		mv.ID = store.ComputeID(mv)
		all, _ := s.Collect("d", nil)
		var vs [][]byte
		for _, v := range all.Versions {
			vb, _ := store.EncodeVersion(v)
			vs = append(vs, vb)
		}
		mb, _ := store.EncodeVersion(mv)
		vs = append(vs, mb)
		return nil, append(all.Manifests, bb.Manifests...), append(append(all.Elements, bb.Elements...), vs...)
	}
	scenarios := map[string]func(s network.Stream){
		"forged signature": func(s network.Stream) {
			readFrame(s)
			writeFrame(s, MsgHello, Hello{Name: "M"})
			readFrame(s)
			writeFrame(s, MsgSummary, Summary{Designs: []DesignDigest{{Design: "d"}}})
			readFrame(s)
			src, _ := honestSrc.Collect("d", nil)
			writeFrame(s, MsgBatch, BatchWire{Design: "d", Versions: [][]byte{forgedSig()}, Manifests: src.Manifests, Elements: src.Elements})
			readFrame(s)
		},
		"hash mismatch": func(s network.Stream) {
			readFrame(s)
			writeFrame(s, MsgHello, Hello{Name: "M"})
			readFrame(s)
			writeFrame(s, MsgSummary, Summary{Designs: []DesignDigest{{Design: "d"}}})
			readFrame(s)
			src, _ := honestSrc.Collect("d", nil)
			vb, _ := store.EncodeVersion(src.Versions[0])
			els := [][]byte{}
			for _, e := range src.Elements {
				e = append([]byte(nil), e...)
				e[len(e)-1] ^= 1
				els = append(els, e)
			}
			writeFrame(s, MsgBatch, BatchWire{Design: "d", Versions: [][]byte{vb}, Manifests: src.Manifests, Elements: els})
			readFrame(s)
		},
		"unsigned merge with chosen content": func(s network.Stream) {
			_, mans, rest := unsignedMerge()
			readFrame(s)
			writeFrame(s, MsgHello, Hello{Name: "M"})
			readFrame(s)
			writeFrame(s, MsgSummary, Summary{Designs: []DesignDigest{{Design: "d"}}})
			readFrame(s)
			var vs, els [][]byte
			for _, x := range rest {
				if _, err := store.DecodeVersion(x); err == nil {
					vs = append(vs, x)
				} else {
					els = append(els, x)
				}
			}
			writeFrame(s, MsgBatch, BatchWire{Design: "d", Versions: vs, Manifests: mans, Elements: els})
			readFrame(s)
		},
		"oversized frame": func(s network.Stream) {
			readFrame(s)
			s.Write([]byte{0x7f, 0xff, 0xff, 0xff, 1, MsgHello})
			readFrame(s)
		},
		"truncated frame": func(s network.Stream) {
			readFrame(s)
			s.Write([]byte{0, 0, 1, 0, 1, MsgHello, 1, 2, 3})
			s.CloseWrite()
			readFrame(s)
		},
		"unknown frame": func(s network.Stream) {
			readFrame(s)
			s.Write([]byte{0, 0, 0, 2, 1, 200})
			readFrame(s)
		},
	}
	reasons := map[string]string{
		"forged signature":                   "bad signature",
		"hash mismatch":                      "missing",
		"unsigned merge with chosen content": "not the merge of",
		"oversized frame":                    "frame of",
		"truncated frame":                    "truncated frame",
		"unknown frame":                      "unknown frame type",
	}
	for name, serve := range scenarios {
		t.Run(name, func(t *testing.T) {
			studio, _ := NewStudio("Lucheng")
			log := &logged{}
			st := testStore(t)
			n, err := Start(context.Background(), Config{Store: st, Identity: testID(1, "Alice"), Studio: studio, Loopback: true,
				Logf: log.logf, RejectFor: time.Hour})
			if err != nil {
				t.Fatal(err)
			}
			defer n.Close()
			evil := hostileHost(t, studio, serve)
			if err := n.Connect(context.Background(), evil.Addrs()[0].String()+"/p2p/"+evil.ID().String()); err != nil {
				t.Fatal(err)
			}
			waitFor(t, "the rejection", 10*time.Second, func() bool { return log.has("rejected peer " + evil.ID().String()) })
			if want := reasons[name]; !log.has(want) {
				t.Fatalf("rejected, but not for %q: %v", want, log.lines)
			}
			if len(st.Designs()) != 0 {
				t.Fatalf("a hostile peer's versions were stored")
			}
			waitFor(t, "the drop", 5*time.Second, func() bool {
				return n.Host().Network().Connectedness(evil.ID()) != network.Connected
			})
			// It stays out for a while.
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			err = evil.Connect(ctx, peer.AddrInfo{ID: n.Host().ID(), Addrs: n.Host().Addrs()})
			cancel()
			if err == nil {
				time.Sleep(200 * time.Millisecond)
				if n.Host().Network().Connectedness(evil.ID()) == network.Connected {
					t.Fatal("a rejected peer got back in at once")
				}
			}
			// And the node still serves honest peers.
			h := startNode(t, studio, 7, "Honest")
			h.st.Receive(mustCollect(t, honestSrc, "d"))
			if err := h.Connect(context.Background(), n.Addrs()[0].String()); err != nil {
				t.Fatal(err)
			}
			waitFor(t, "honest sync", 10*time.Second, func() bool { return inStep(st, h.st) })
		})
	}
}

func mustCollect(t *testing.T, s *store.Store, d models.ID) *store.Batch {
	b, err := s.Collect(d, nil)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A peer flooding the notify stream with announces costs the node one
// pull per design at a time, and garbage there gets it dropped.
func TestNotifyFloodAndGarbage(t *testing.T) {
	studio, _ := NewStudio("Lucheng")
	log := &logged{}
	st := testStore(t)
	n, err := Start(context.Background(), Config{Store: st, Identity: testID(1, "Alice"), Studio: studio, Loopback: true, Logf: log.logf})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	var mu sync.Mutex
	wants := 0
	evil := hostileHost(t, studio, func(s network.Stream) {
		defer s.Close()
		for {
			typ, _, err := readFrame(s)
			if err != nil {
				return
			}
			switch typ {
			case MsgHello:
				writeFrame(s, MsgHello, Hello{Name: "M"})
			case MsgSummary:
				writeFrame(s, MsgSummary, Summary{})
			case MsgWant:
				mu.Lock()
				wants++
				mu.Unlock()
				writeFrame(s, MsgDone, Done{Design: "d"})
			case MsgEnd:
				return
			}
		}
	})
	evil.Connect(context.Background(), peer.AddrInfo{ID: n.Host().ID(), Addrs: n.Host().Addrs()})
	s, err := evil.NewStream(context.Background(), n.Host().ID(), protocol.ID(ProtocolPresence))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2000; i++ {
		if err := writeFrame(s, MsgAnnounce, Announce{Design: "d", Digest: [16]byte{byte(i)}}); err != nil {
			break
		}
	}
	time.Sleep(300 * time.Millisecond)
	mu.Lock()
	w := wants
	mu.Unlock()
	if w > 200 {
		t.Fatalf("2000 announces caused %d pulls", w)
	}
	s.Write([]byte{0, 0, 0, 3, 1, MsgAnnounce, 0xff})
	waitFor(t, "the rejection", 5*time.Second, func() bool { return log.has("rejected peer") })
}
