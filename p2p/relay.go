package p2p

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/event"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/peerstore"
	"github.com/libp2p/go-libp2p/core/protocol"
	"github.com/libp2p/go-libp2p/p2p/host/autorelay"
	"github.com/libp2p/go-libp2p/p2p/protocol/circuitv2/client"
	"github.com/libp2p/go-libp2p/p2p/protocol/circuitv2/proto"
	relayv2 "github.com/libp2p/go-libp2p/p2p/protocol/circuitv2/relay"
	ma "github.com/multiformats/go-multiaddr"

	"cordwain/models/store"
)

// Studios across sites.
//
// A studio machine reachable from every site (`cordwain serve --relay`)
// runs a circuit relay (v2) for the studio's members only: a member at one
// site keeps a reservation on it, and a member at another site that knows
// its peer ID (from the member list or remembered peers) dials it through
// the relay. Hole punching (DCUtR) then tries a direct connection; the
// two machines sync (and show each other's pointers) only once it is up
// (waitDirect): the relay brokers. Its circuits keep the relay's default
// limits (two minutes and 128 KiB each way), too little for a design's
// history anyway; the relay machine is a member with its own copy of the
// studio, so when hole punching fails the sites still converge through
// it.
//
// Only machines with the studio key can connect to anything at all (the
// private network); the relay's ACL also refuses reservations and circuits
// to machines not on the member list (an empty list means everyone with
// the key, as everywhere else).

// relayProtocol is circuit relay v2's hop protocol: a peer that speaks it
// is a relay this node can use.
const relayProtocol = proto.ProtoIDv2Hop

// relayCheckEvery is how often a node renews its relay reservations and
// tries the studio's unreachable members through its relays.
const relayCheckEvery = 30 * time.Second

// memberACL lets only current studio members reserve a slot on this relay
// or be relayed (both ends).
type memberACL struct {
	store *store.Store
	logf  func(string, ...any)
}

func (a memberACL) AllowReserve(p peer.ID, addr ma.Multiaddr) bool {
	if CurrentMembers(a.store).Has(p.String()) {
		return true
	}
	a.logf("relay: refused a reservation to %s (%s): not a studio member", short(p), addr)
	return false
}

func (a memberACL) AllowConnect(src peer.ID, _ ma.Multiaddr, dest peer.ID) bool {
	m := CurrentMembers(a.store)
	if m.Has(src.String()) && m.Has(dest.String()) {
		return true
	}
	a.logf("relay: refused to relay %s to %s: not both studio members", short(src), short(dest))
	return false
}

// relayOptions are the host options for relays, hole punching and
// AutoNAT; start, called once the host is up, starts keeping the relay
// reservations.
func (n *Node) relayOptions() (opts []libp2p.Option, start func(), err error) {
	cfg := n.cfg
	opts = []libp2p.Option{libp2p.EnableRelay(), libp2p.EnableHolePunching(), libp2p.EnableAutoNATv2()}
	if cfg.Relay {
		// The machine is the studio's relay because it is reachable from
		// every site: say so rather than wait for AutoNAT (the relay
		// service starts only on a public node). It answers AutoNAT for
		// the others, and does not use relays itself.
		opts = append(opts,
			libp2p.EnableRelayService(relayv2.WithACL(memberACL{store: cfg.Store, logf: cfg.Logf})),
			libp2p.EnableNATService(),
			libp2p.ForceReachabilityPublic())
		return opts, func() {}, nil
	}
	var relays []peer.AddrInfo
	if len(cfg.Relays) > 0 {
		var addrs []ma.Multiaddr
		for _, s := range cfg.Relays {
			m, err := ma.NewMultiaddr(s)
			if err != nil {
				return nil, nil, fmt.Errorf("p2p: relay address %q: %w", s, err)
			}
			addrs = append(addrs, m)
		}
		if relays, err = peer.AddrInfosFromP2pAddrs(addrs...); err != nil {
			return nil, nil, fmt.Errorf("p2p: relay addresses need /p2p/<peer ID>: %w", err)
		}
	}
	// AutoRelay announces circuit addresses through the studio's relays
	// when AutoNAT finds this machine unreachable (so an invite made here
	// carries them); its candidates are the configured relays and the
	// studio machines met that speak the relay protocol.
	var up atomic.Bool // the host is up: the peer source may look at it
	opts = append(opts, libp2p.EnableAutoRelayWithPeerSource(n.relayCandidates(relays, &up),
		autorelay.WithMinCandidates(1), autorelay.WithNumRelays(2), autorelay.WithBootDelay(0),
		autorelay.WithMinInterval(relayCheckEvery)))
	return opts, func() {
		for _, r := range relays {
			n.host.Peerstore().AddAddrs(r.ID, r.Addrs, peerstore.PermanentAddrTTL)
		}
		up.Store(true)
		n.keepRelays(relays)
	}, nil
}

// relayCandidates feeds AutoRelay: the static relays, then connected
// studio machines that speak the relay protocol.
func (n *Node) relayCandidates(static []peer.AddrInfo, up *atomic.Bool) autorelay.PeerSource {
	return func(ctx context.Context, num int) <-chan peer.AddrInfo {
		out := make(chan peer.AddrInfo, num)
		defer close(out)
		if !up.Load() {
			return out
		}
		for _, r := range n.knownRelays(static) {
			if len(out) == num {
				break
			}
			out <- r
		}
		return out
	}
}

// knownRelays are the static relays and the peers this node has met that
// speak the relay protocol.
func (n *Node) knownRelays(static []peer.AddrInfo) []peer.AddrInfo {
	out := append([]peer.AddrInfo(nil), static...)
	seen := map[peer.ID]bool{n.host.ID(): true}
	for _, r := range static {
		seen[r.ID] = true
	}
	for _, id := range n.host.Network().Peers() {
		if seen[id] {
			continue
		}
		if ps, err := n.host.Peerstore().SupportsProtocols(id, relayProtocol); err == nil && len(ps) > 0 {
			seen[id] = true
			out = append(out, peer.AddrInfo{ID: id, Addrs: n.host.Peerstore().Addrs(id)})
		}
	}
	return out
}

// directAllowed is the test hook behind the gater: with noDirect set, a
// peer it names is reached only through a relay.
func (n *Node) directAllowed(p peer.ID, a ma.Multiaddr) bool {
	if n.cfg.noDirect == nil || !n.cfg.noDirect(p) {
		return true
	}
	return a != nil && isCircuit(a)
}

func isCircuit(a ma.Multiaddr) bool {
	for _, c := range a {
		if c.Protocol().Code == ma.P_CIRCUIT {
			return true
		}
	}
	return false
}

// keepRelays keeps a reservation on every relay this node knows (so
// members at other sites can reach it) and dials the studio's members
// it is not connected to through them.
func (n *Node) keepRelays(static []peer.AddrInfo) {
	every := n.cfg.relayEvery
	if every <= 0 {
		every = relayCheckEvery
	}
	wake := make(chan struct{}, 1)
	if sub, err := n.host.EventBus().Subscribe(new(event.EvtPeerIdentificationCompleted)); err == nil {
		n.wg.Add(1)
		go func() {
			defer n.wg.Done()
			defer sub.Close()
			for {
				select {
				case <-n.ctx.Done():
					return
				case ev := <-sub.Out():
					e, _ := ev.(event.EvtPeerIdentificationCompleted)
					for _, p := range e.Protocols {
						if p == relayProtocol {
							select {
							case wake <- struct{}{}:
							default:
							}
						}
					}
				}
			}
		}()
	}
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		reserved := map[peer.ID]time.Time{} // reservation expiry per relay
		failing := map[peer.ID]bool{}
		quick := 0
		var dialing sync.Map
		t := time.NewTimer(0)
		defer t.Stop()
		for {
			select {
			case <-n.ctx.Done():
				return
			case <-t.C:
			case <-wake:
			}
			var usable []peer.AddrInfo
			for _, r := range n.knownRelays(static) {
				if n.host.Network().Connectedness(r.ID) != network.Connected || time.Until(reserved[r.ID]) < 5*time.Minute {
					ctx, cancel := context.WithTimeout(n.ctx, 15*time.Second)
					rsvp, err := client.Reserve(ctx, n.host, r)
					cancel()
					if err != nil {
						if n.ctx.Err() != nil {
							return
						}
						if !failing[r.ID] { // once per failing streak
							n.cfg.Logf("relay %s: no reservation: %v", short(r.ID), err)
						}
						failing[r.ID] = true
						delete(reserved, r.ID)
						continue
					}
					delete(failing, r.ID)
					if _, had := reserved[r.ID]; !had {
						n.cfg.Logf("relay %s: reachable through it until %s", short(r.ID), rsvp.Expiration.Format(time.TimeOnly))
					}
					reserved[r.ID] = rsvp.Expiration
					n.host.ConnManager().Protect(r.ID, "cordwain-relay")
				}
				usable = append(usable, r)
			}
			if len(usable) > 0 {
				n.dialThroughRelays(usable, &dialing)
			}
			// A relay that refused may not have the member list with this
			// machine on it yet (a new member): ask again soon, for a
			// minute.
			next := every
			if len(failing) > 0 && quick < 12 {
				quick++
				next = min(every, 5*time.Second)
			} else if len(failing) == 0 {
				quick = 0
			}
			t.Reset(next)
		}
	}()
}

// dialThroughRelays gives every studio member and remembered peer this
// node is not connected to an address through each relay, and dials it:
// the swarm tries its direct addresses first and the relayed ones after.
func (n *Node) dialThroughRelays(relays []peer.AddrInfo, dialing *sync.Map) {
	self := n.host.ID()
	isRelay := map[peer.ID]bool{}
	var circuits []ma.Multiaddr
	for _, r := range relays {
		isRelay[r.ID] = true
		hop := ma.StringCast("/p2p/" + r.ID.String() + "/p2p-circuit")
		for _, a := range n.host.Peerstore().Addrs(r.ID) {
			if !isCircuit(a) {
				circuits = append(circuits, a.Encapsulate(hop))
			}
		}
	}
	if len(circuits) == 0 {
		return
	}
	targets := map[peer.ID]bool{}
	for id := range CurrentMembers(n.cfg.Store) {
		if p, err := peer.Decode(id); err == nil {
			targets[p] = true
		}
	}
	for _, r := range n.cfg.Store.Peers() {
		if p, err := peer.Decode(r.ID); err == nil {
			targets[p] = true
		}
	}
	for id := range targets {
		if id == self || isRelay[id] || n.isBlocked(id) {
			continue
		}
		switch n.host.Network().Connectedness(id) {
		case network.Connected, network.Limited:
			continue
		}
		if _, busy := dialing.LoadOrStore(id, true); busy {
			continue
		}
		n.host.Peerstore().AddAddrs(id, circuits, peerstore.AddressTTL)
		n.wg.Add(1)
		go func() {
			defer n.wg.Done()
			defer dialing.Delete(id)
			ctx, cancel := context.WithTimeout(n.ctx, 20*time.Second)
			defer cancel()
			if err := n.host.Connect(ctx, peer.AddrInfo{ID: id}); err == nil {
				n.cfg.Logf("reached %s through the studio's relay", short(id))
			}
		}()
	}
}

// waitDirect holds a peer's worker while this node reaches the peer only
// through a relay: the relay brokers (hole punching), it does not carry
// the studio. Its circuits are limited (two minutes, 128 KiB), too little
// for a design's history; when hole punching fails the relay machine,
// itself a member, syncs with both sites. It reports false when the
// peer is gone.
func (n *Node) waitDirect(ctx context.Context, p *peerState) bool {
	logged := false
	for {
		if n.hasDirect(p.id) {
			return true
		}
		if !logged {
			n.cfg.Logf("peer %s is reached through a relay: syncing once hole punching connects it directly", short(p.id))
			logged = true
		}
		select {
		case <-ctx.Done():
			return false
		case <-p.wake: // an announcement, or a direct connection (directAfterRelay)
		case <-time.After(5 * time.Second):
		}
	}
}

func (n *Node) hasDirect(id peer.ID) bool {
	for _, c := range n.host.Network().ConnsToPeer(id) {
		if !c.Stat().Limited && !isCircuit(c.RemoteMultiaddr()) {
			return true
		}
	}
	return false
}

// directAfterRelay lets the worker of a peer reached through a relay start
// once a direct connection comes up beside the relayed one (hole punching
// succeeded), and moves a notify stream still on the relay to it.
func (n *Node) directAfterRelay(p *peerState, c network.Conn) {
	if c.Stat().Limited || isCircuit(c.RemoteMultiaddr()) {
		return
	}
	n.cfg.Logf("peer %s: direct connection from %s, the relay is left", short(p.id), c.RemoteMultiaddr())
	n.mu.Lock()
	p.full = true
	old := p.notify
	n.mu.Unlock()
	select {
	case p.wake <- struct{}{}:
	default:
	}
	if old == nil || !old.Conn().Stat().Limited && !isCircuit(old.Conn().RemoteMultiaddr()) {
		return // none yet (the worker opens it on the best connection), or direct already
	}
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		ctx, cancel := context.WithTimeout(n.ctx, 10*time.Second)
		s, err := n.host.NewStream(ctx, p.id, protocol.ID(ProtocolPresence))
		cancel()
		if err != nil {
			return
		}
		p.nmu.Lock()
		n.mu.Lock()
		old := p.notify
		p.notify = s
		pres := n.presence
		n.mu.Unlock()
		p.nmu.Unlock()
		if old != nil {
			old.Close()
		}
		n.send(p, MsgPresence, pres)
	}()
}
