package p2p

import (
	"context"
	"crypto/ed25519"
	"errors"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/p2p/protocol/circuitv2/client"
	pbv2 "github.com/libp2p/go-libp2p/p2p/protocol/circuitv2/pb"
	relayv2 "github.com/libp2p/go-libp2p/p2p/protocol/circuitv2/relay"
	"github.com/libp2p/go-libp2p/p2p/protocol/holepunch"
	"github.com/libp2p/go-libp2p/p2p/transport/tcp"

	"cordwain/models/store"
)

// siteNode starts a node on 127.0.0.1 with its own store and identity,
// after prepare has seeded the store; cfg adjusts the configuration.
func siteNode(t *testing.T, studio *Studio, st *store.Store, id *store.Identity, cfg func(*Config)) *testNode {
	t.Helper()
	c := Config{Store: st, Identity: id, Studio: studio, Loopback: true,
		Logf: func(f string, a ...any) { t.Logf(id.Name+": "+f, a...) }, RejectFor: 200 * time.Millisecond,
		relayEvery: 200 * time.Millisecond}
	if cfg != nil {
		cfg(&c)
	}
	n, err := Start(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	return &testNode{Node: n, st: st, id: id}
}

// setMembers writes the same member list into a store (as its own
// version, signed by author).
func setMembers(t *testing.T, st *store.Store, author *store.Identity, ids ...*store.Identity) {
	t.Helper()
	for _, m := range ids {
		if err := SetMember(st, author, Member{PeerID: m.PeerID, Name: m.Name, Since: 1}, "member "+m.Name); err != nil {
			t.Fatal(err)
		}
	}
}

// netID is testID with the libp2p peer ID a running machine has (see
// cli's loadIdentity).
func netID(t *testing.T, seed byte, name string) *store.Identity {
	t.Helper()
	id := testID(seed, name)
	pid, err := PeerID(id.Key.Public().(ed25519.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	id.PeerID = pid
	return id
}

func peerOf(t *testing.T, id *store.Identity) peer.ID {
	t.Helper()
	p, err := peer.Decode(id.PeerID)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// onlyRelayed reports whether h is connected to p, and only through a
// relay.
func onlyRelayed(h host.Host, p peer.ID) bool {
	conns := h.Network().ConnsToPeer(p)
	for _, c := range conns {
		if !isCircuit(c.RemoteMultiaddr()) || !c.Stat().Limited {
			return false
		}
	}
	return len(conns) > 0
}

func hasDirect(h host.Host, p peer.ID) bool {
	for _, c := range h.Network().ConnsToPeer(p) {
		if !isCircuit(c.RemoteMultiaddr()) {
			return true
		}
	}
	return false
}

// bareRelay is a relay with the studio key and nothing else: no store
// that syncs, so whatever reaches one site from the other went through
// its circuits. Its ACL reads the member list in st.
func bareRelay(t *testing.T, studio *Studio, st *store.Store) host.Host {
	t.Helper()
	h, err := libp2p.New(
		libp2p.PrivateNetwork(studio.PSK()),
		libp2p.NoTransports,
		libp2p.Transport(tcp.NewTCPTransport),
		libp2p.ListenAddrStrings("/ip4/127.0.0.1/tcp/0"),
		libp2p.AddrsFactory(loopbackOnly),
		libp2p.EnableRelayService(relayv2.WithACL(memberACL{store: st, logf: func(f string, a ...any) { t.Logf("relay: "+f, a...) }})),
		libp2p.ForceReachabilityPublic(),
		libp2p.DisableMetrics(),
	)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	return h
}

func relayAddr(t *testing.T, h host.Host) string {
	t.Helper()
	for _, a := range h.Addrs() {
		return a.String() + "/p2p/" + h.ID().String()
	}
	t.Fatal("relay has no address")
	return ""
}

// Two sites that cannot dial each other (each one's gater refuses direct
// connections to the other) meet through a relay that only relays (no
// store of its own): it brokers, the studio does not flow through its
// circuits. A direct connection comes up (as hole punching makes it), the
// sites sync over it, the relay goes away, and the next version flows
// direct too.
func TestRelayBrokersAcrossSites(t *testing.T) {
	studio, _ := NewStudio("Lucheng")
	aID, bID := netID(t, 31, "Site A"), netID(t, 32, "Site B")
	aSt, bSt, rSt := testStore(t), testStore(t), testStore(t)
	for _, st := range []struct {
		s  *store.Store
		by *store.Identity
	}{{aSt, aID}, {bSt, bID}, {rSt, aID}} {
		setMembers(t, st.s, st.by, aID, bID)
	}
	if _, err := aSt.Commit("d1", store.DefaultBranch, snapOf(t, "Derby", 20, 3), "a", aID); err != nil {
		t.Fatal(err)
	}
	relay := bareRelay(t, studio, rSt)
	raddr := relayAddr(t, relay)

	aPeer, bPeer := peerOf(t, aID), peerOf(t, bID)
	var apart atomic.Bool
	apart.Store(true)
	a := siteNode(t, studio, aSt, aID, func(c *Config) {
		c.Relays = []string{raddr}
		c.noDirect = func(p peer.ID) bool { return apart.Load() && p == bPeer }
	})
	b := siteNode(t, studio, bSt, bID, func(c *Config) {
		c.Relays = []string{raddr}
		c.noDirect = func(p peer.ID) bool { return apart.Load() && p == aPeer }
	})
	// A direct dial between the sites fails.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	if err := b.Connect(ctx, a.Addrs()[0].String()); err == nil {
		t.Fatal("site B dialled site A directly")
	}
	cancel()

	online := func(n *testNode, id peer.ID) bool {
		for _, p := range n.Peers() {
			if p.ID == id.String() {
				return p.Online
			}
		}
		return false
	}
	waitFor(t, "the sites to meet through the relay", 20*time.Second, func() bool {
		return onlyRelayed(b.Host(), aPeer) && onlyRelayed(a.Host(), bPeer) && online(b, aPeer) && online(a, bPeer)
	})
	time.Sleep(time.Second)
	if _, err := bSt.Head("d1", store.DefaultBranch); err == nil {
		t.Fatal("the design went through the relay's circuit")
	}

	// Hole punching's outcome: a direct connection beside the relayed
	// one. Then the relay goes; the sites stay in touch directly.
	apart.Store(false)
	ctx, cancel = context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := b.Host().Connect(network.WithForceDirectDial(ctx, "hole punched"), peer.AddrInfo{ID: aPeer, Addrs: a.Host().Addrs()}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "direct connections both ways, and the sync over them", 10*time.Second, func() bool {
		return hasDirect(a.Host(), bPeer) && hasDirect(b.Host(), aPeer) && inStep(aSt, bSt)
	})
	// Both notify streams are on the direct connection.
	waitFor(t, "the notify streams on the direct connection", 5*time.Second, func() bool {
		for _, n := range []*testNode{a, b} {
			n.mu.Lock()
			for _, p := range n.peers {
				if p.id == aPeer || p.id == bPeer {
					if p.notify == nil || isCircuit(p.notify.Conn().RemoteMultiaddr()) {
						n.mu.Unlock()
						return false
					}
				}
			}
			n.mu.Unlock()
		}
		return true
	})
	relay.Close()
	waitFor(t, "the relayed connections to end", 5*time.Second, func() bool {
		for _, c := range b.Host().Network().ConnsToPeer(aPeer) {
			if isCircuit(c.RemoteMultiaddr()) {
				return false
			}
		}
		return true
	})
	if _, err := aSt.Commit("d1", store.DefaultBranch, snapOf(t, "Derby", 25, 4), "higher heel", aID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the next version, direct", 10*time.Second, func() bool { return inStep(aSt, bSt) })
	hb, _ := bSt.Head("d1", store.DefaultBranch)
	ha, _ := aSt.Head("d1", store.DefaultBranch)
	if ha.ID != hb.ID {
		t.Fatal("sites on different heads")
	}
}

// A `serve --relay` node relays for members only: a machine with the
// studio key that is not on the member list gets no reservation; a member
// does, and two members at different sites meet through it.
func TestRelayOnlyForMembers(t *testing.T) {
	studio, _ := NewStudio("Lucheng")
	rID, aID, bID, mID := netID(t, 41, "Relay"), netID(t, 42, "Site A"), netID(t, 43, "Site B"), netID(t, 44, "Not a member")
	rSt, aSt, bSt := testStore(t), testStore(t), testStore(t)
	setMembers(t, rSt, rID, rID, aID, bID)
	setMembers(t, aSt, aID, rID, aID, bID)
	setMembers(t, bSt, bID, rID, aID, bID)
	r := siteNode(t, studio, rSt, rID, func(c *Config) { c.Relay = true })
	rInfo := peer.AddrInfo{ID: r.Host().ID(), Addrs: r.Host().Addrs()}

	m := siteNode(t, studio, testStore(t), mID, nil)
	var err error
	waitFor(t, "an answer from the relay", 10*time.Second, func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		_, err = client.Reserve(ctx, m.Host(), rInfo)
		var re client.ReservationError
		return errors.As(err, &re) && re.Status != pbv2.Status_CONNECTION_FAILED || err == nil
	})
	var re client.ReservationError
	if !errors.As(err, &re) || re.Status != pbv2.Status_PERMISSION_DENIED {
		t.Fatalf("non-member's reservation: %v, want PERMISSION_DENIED", err)
	}

	aPeer, bPeer := peerOf(t, aID), peerOf(t, bID)
	raddr := r.Addrs()[0].String()
	a := siteNode(t, studio, aSt, aID, func(c *Config) {
		c.Relays = []string{raddr}
		c.noDirect = func(p peer.ID) bool { return p == bPeer }
	})
	b := siteNode(t, studio, bSt, bID, func(c *Config) {
		c.Relays = []string{raddr}
		c.noDirect = func(p peer.ID) bool { return p == aPeer }
	})
	if _, err := a.st.Commit("d1", store.DefaultBranch, snapOf(t, "Oxford", 30, 2), "a", aID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "members to meet through the relay and converge", 20*time.Second, func() bool {
		return onlyRelayed(b.Host(), aPeer) && inStep(aSt, bSt) && inStep(aSt, rSt)
	})
	// The non-member cannot be relayed to a member either.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := m.Connect(ctx, raddr+"/p2p-circuit/p2p/"+aPeer.String()); err == nil {
		t.Fatal("the relay relayed a non-member")
	}
}

// Hole punching needs public addresses, so this runs in a network
// namespace the test makes, with three public-looking addresses on its
// loopback (nothing leaves the namespace). Site B knows site A only by
// its address through the relay; when B reaches A there, A's hole-punching
// service makes the direct connection by itself, and the next version
// flows over it after the relay is gone.
func TestHolePunchGoesDirect(t *testing.T) {
	if !inNetns(t, "TestHolePunchGoesDirect", "ip addr add 7.7.7.1/32 dev lo\nip addr add 7.7.7.2/32 dev lo\nip addr add 7.7.7.3/32 dev lo") {
		return
	}
	studio, _ := NewStudio("Lucheng")
	aID, bID := netID(t, 61, "Site A"), netID(t, 62, "Site B")
	aSt, bSt, rSt := testStore(t), testStore(t), testStore(t)
	setMembers(t, aSt, aID, aID, bID)
	setMembers(t, bSt, bID, aID, bID)
	setMembers(t, rSt, aID, aID, bID)
	if _, err := aSt.Commit("d1", store.DefaultBranch, snapOf(t, "Monk", 20, 2), "a", aID); err != nil {
		t.Fatal(err)
	}
	// The relay is a bare one here, so nothing reaches B but through A.
	relay, err := libp2p.New(
		libp2p.PrivateNetwork(studio.PSK()),
		libp2p.NoTransports,
		libp2p.Transport(tcp.NewTCPTransport),
		libp2p.ListenAddrStrings("/ip4/7.7.7.3/tcp/0"),
		libp2p.EnableRelayService(relayv2.WithACL(memberACL{store: rSt, logf: t.Logf})),
		libp2p.ForceReachabilityPublic(),
		libp2p.DisableMetrics(),
	)
	if err != nil {
		t.Fatal(err)
	}
	defer relay.Close()
	raddr := relayAddr(t, relay)
	site := func(ip string) func(*Config) {
		return func(c *Config) {
			c.Loopback = false
			c.Listen = []string{"/ip4/" + ip + "/tcp/0"}
			c.Relays = []string{raddr}
		}
	}
	a := siteNode(t, studio, aSt, aID, site("7.7.7.1"))
	// A's hole-punching service starts once A has a public address (it
	// looks every 250 ms at first); a relayed connection that comes
	// before it is not punched (the relay's two-minute limit ends it,
	// and the next one is).
	waitFor(t, "A's hole-punching service", 10*time.Second, func() bool {
		return slices.Contains(a.Host().Mux().Protocols(), holepunch.Protocol)
	})
	b := siteNode(t, studio, bSt, bID, site("7.7.7.2"))
	aPeer, bPeer := a.Host().ID(), b.Host().ID()
	waitFor(t, "the hole-punching service to connect A to B directly", 20*time.Second, func() bool {
		for _, c := range a.Host().Network().ConnsToPeer(bPeer) {
			if !isCircuit(c.RemoteMultiaddr()) && c.Stat().Direction == network.DirOutbound {
				return true
			}
		}
		return false
	})
	waitFor(t, "the sync over it", 10*time.Second, func() bool { return inStep(aSt, bSt) })
	relay.Close()
	waitFor(t, "the relayed connections to end", 10*time.Second, func() bool {
		for _, c := range b.Host().Network().ConnsToPeer(aPeer) {
			if isCircuit(c.RemoteMultiaddr()) {
				return false
			}
		}
		return hasDirect(b.Host(), aPeer)
	})
	if _, err := aSt.Commit("d1", store.DefaultBranch, snapOf(t, "Monk", 22, 3), "higher heel", aID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the next version, direct", 10*time.Second, func() bool { return inStep(aSt, bSt) })
}
