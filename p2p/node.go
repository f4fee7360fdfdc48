package p2p

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/control"
	"github.com/libp2p/go-libp2p/core/event"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/peerstore"
	"github.com/libp2p/go-libp2p/core/protocol"
	"github.com/libp2p/go-libp2p/p2p/discovery/mdns"
	rcmgr "github.com/libp2p/go-libp2p/p2p/host/resource-manager"
	"github.com/libp2p/go-libp2p/p2p/net/connmgr"
	"github.com/libp2p/go-libp2p/p2p/transport/tcp"
	ma "github.com/multiformats/go-multiaddr"

	"cordwain/models"
	"cordwain/models/store"
)

// MDNSService is the DNS-SD service name Cordwain studios announce on the
// LAN (not libp2p's generic one, so other libp2p programs are not
// dialled).
const MDNSService = "_cordwain-studio._udp"

// Config is what a node needs.
type Config struct {
	Store    *store.Store
	Identity *store.Identity // its key is the host key
	Studio   *Studio         // name and private-network key
	// Listen addresses (multiaddrs). Default: every interface, a free
	// TCP port; with Loopback, 127.0.0.1 only.
	Listen []string
	// Loopback keeps listening and discovery on 127.0.0.1 (local runs and
	// tests): no mDNS, no other address announced.
	Loopback bool
	// MDNS finds studio machines on the LAN.
	MDNS bool
	// Logf logs joins, syncs and rejections; nil discards.
	Logf func(format string, args ...any)
	// RejectFor is how long a peer that sent something refused is kept
	// out (default one minute).
	RejectFor time.Duration
	// Relay makes this node a circuit relay (v2) for the studio's
	// machines at other sites; only machines with the studio key can
	// reach it at all. Every node can use relays and hole punching.
	Relay bool
	// Relays are relays to use (full multiaddrs, /…/p2p/<peer ID>),
	// besides the studio machines met that offer relaying (see relay.go).
	Relays []string

	noDirect   func(peer.ID) bool // tests: reach these peers only through a relay
	relayEvery time.Duration      // tests: how often relays are checked
}

// PeerStatus is what the node knows of a peer.
type PeerStatus struct {
	ID       string
	Name     string
	Addr     string
	Online   bool
	LastSync time.Time
	Versions int // versions received from it since start
	// Pending is how many versions a pull from it still expects (an
	// estimate from the peer's version counts; 0 when not pulling).
	Pending  int
	Presence *Presence // nil until it says something
	Rejected string    // why it was last dropped, if it was
}

// Node is a studio machine on the network: a libp2p host in the studio's
// private network that keeps the store in step with every peer it meets.
type Node struct {
	cfg    Config
	host   host.Host
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	mdns   interface{ Close() error }

	mu       sync.Mutex
	peers    map[peer.ID]*peerState
	blocked  map[peer.ID]time.Time
	presence Presence
	presDirt bool
	changed  chan struct{}
}

type peerState struct {
	id       peer.ID
	name     string
	addr     string
	online   bool
	lastSync time.Time
	versions int
	pending  int // versions the pull under way still expects
	presence *Presence
	rejected string

	wake    chan struct{} // the worker has something to pull
	full    bool          // a full exchange is due
	designs map[models.ID]bool
	// pulling is set while this node pulls from the peer: changes that
	// the pull brings in are not announced back to the peer they came
	// from (it would pull its own versions back); the designs are
	// announced to it once the pull is over.
	pulling bool
	missed  map[models.ID]bool // changes not announced to it while pulling
	notify  network.Stream
	nmu     sync.Mutex // serialises writes to notify
	stop    context.CancelFunc
}

// Start makes the host and begins syncing.
func Start(ctx context.Context, cfg Config) (*Node, error) {
	if cfg.Store == nil || cfg.Identity == nil || cfg.Studio == nil {
		return nil, errors.New("p2p: a node needs a store, an identity and a studio")
	}
	if cfg.Logf == nil {
		cfg.Logf = func(string, ...any) {}
	}
	if cfg.RejectFor <= 0 {
		cfg.RejectFor = time.Minute
	}
	// Branch deletions made here are signed by this machine, as its
	// versions are.
	cfg.Store.SetIdentity(cfg.Identity)
	if len(cfg.Listen) == 0 {
		cfg.Listen = []string{"/ip4/0.0.0.0/tcp/0", "/ip6/::/tcp/0"}
		if cfg.Loopback {
			cfg.Listen = []string{"/ip4/127.0.0.1/tcp/0"}
		}
	}
	if err := portsFree(cfg.Listen); err != nil {
		return nil, err
	}
	key, err := HostKey(cfg.Identity.Key)
	if err != nil {
		return nil, err
	}
	limits, err := resourceLimits()
	if err != nil {
		return nil, err
	}
	cm, err := connmgr.NewConnManager(32, 128, connmgr.WithGracePeriod(time.Minute))
	if err != nil {
		return nil, fmt.Errorf("p2p: connection manager: %w", err)
	}
	n := &Node{cfg: cfg, peers: map[peer.ID]*peerState{}, blocked: map[peer.ID]time.Time{}, changed: make(chan struct{}, 1)}
	n.presence.Name = cfg.Identity.Name
	opts := []libp2p.Option{
		libp2p.Identity(key),
		libp2p.PrivateNetwork(cfg.Studio.PSK()),
		// The studio key (pnet) works over TCP only: QUIC cannot carry it.
		libp2p.NoTransports,
		libp2p.Transport(tcp.NewTCPTransport),
		libp2p.ListenAddrStrings(cfg.Listen...),
		libp2p.ResourceManager(limits),
		libp2p.ConnectionManager(cm),
		libp2p.ConnectionGater(gater{n}),
		libp2p.UserAgent("cordwain"),
		libp2p.DisableMetrics(),
	}
	if cfg.Loopback {
		opts = append(opts, libp2p.AddrsFactory(loopbackOnly))
	}
	relayOpts, startRelays, err := n.relayOptions()
	if err != nil {
		return nil, err
	}
	opts = append(opts, relayOpts...)
	h, err := libp2p.New(opts...)
	if err != nil {
		return nil, fmt.Errorf("p2p: starting the host: %w", err)
	}
	n.host = h
	n.ctx, n.cancel = context.WithCancel(context.Background())
	h.SetStreamHandler(protocol.ID(ProtocolSync), n.handleSync)
	h.SetStreamHandler(protocol.ID(ProtocolPresence), n.handleNotify)
	h.Network().Notify(&network.NotifyBundle{
		ConnectedF:    func(_ network.Network, c network.Conn) { n.connected(c) },
		DisconnectedF: func(_ network.Network, c network.Conn) { n.disconnected(c) },
	})
	n.wg.Add(2)
	go n.announceLoop()
	go n.presenceLoop()
	if cfg.MDNS && !cfg.Loopback {
		if err := n.startMDNS(); err != nil {
			n.Close()
			return nil, err
		}
	}
	n.redialRemembered()
	startRelays()
	return n, nil
}

// resourceLimits are the host's explicit limits: memory, connections and
// streams for the whole node, and per peer for the sync protocol, so a
// flooding peer is bounded.
func resourceLimits() (network.ResourceManager, error) {
	partial := rcmgr.PartialLimitConfig{
		System: rcmgr.ResourceLimits{
			Memory: rcmgr.LimitVal64(512 << 20), Conns: 256, ConnsInbound: 128, ConnsOutbound: 128,
			Streams: 2048, StreamsInbound: 1024, StreamsOutbound: 1024, FD: 256,
		},
		ProtocolPeer: map[protocol.ID]rcmgr.ResourceLimits{
			protocol.ID(ProtocolSync):     {Streams: 16, StreamsInbound: 8, StreamsOutbound: 8, Memory: rcmgr.LimitVal64(64 << 20)},
			protocol.ID(ProtocolPresence): {Streams: 4, StreamsInbound: 2, StreamsOutbound: 2, Memory: rcmgr.LimitVal64(4 << 20)},
		},
	}
	rm, err := rcmgr.NewResourceManager(rcmgr.NewFixedLimiter(partial.Build(rcmgr.DefaultLimits.AutoScale())))
	if err != nil {
		return nil, fmt.Errorf("p2p: resource manager: %w", err)
	}
	return rm, nil
}

func loopbackOnly(addrs []ma.Multiaddr) []ma.Multiaddr {
	var out []ma.Multiaddr
	for _, a := range addrs {
		if v, err := a.ValueForProtocol(ma.P_IP4); err == nil && v == "127.0.0.1" {
			out = append(out, a)
		}
	}
	return out
}

// ID is this node's peer ID.
func (n *Node) ID() string { return n.host.ID().String() }

// Addrs are the node's listen addresses, each ending in /p2p/<peer ID>.
func (n *Node) Addrs() []ma.Multiaddr {
	self, _ := ma.NewMultiaddr("/p2p/" + n.host.ID().String())
	var out []ma.Multiaddr
	for _, a := range n.host.Addrs() {
		out = append(out, a.Encapsulate(self))
	}
	return out
}

// Host is the libp2p host (for tests and the relay).
func (n *Node) Host() host.Host { return n.host }

// Changed signals that peers, their presence or the sync state changed.
func (n *Node) Changed() <-chan struct{} { return n.changed }

func (n *Node) signal() {
	select {
	case n.changed <- struct{}{}:
	default:
	}
}

// Connect dials a peer by a full multiaddr (/ip4/…/tcp/…/p2p/…).
func (n *Node) Connect(ctx context.Context, addr string) error {
	m, err := ma.NewMultiaddr(addr)
	if err != nil {
		return fmt.Errorf("p2p: address %q: %w", addr, err)
	}
	info, err := peer.AddrInfoFromP2pAddr(m)
	if err != nil {
		return fmt.Errorf("p2p: address %q needs /p2p/<peer ID>: %w", addr, err)
	}
	if info.ID == n.host.ID() {
		return errors.New("p2p: that address is this machine")
	}
	if err := n.host.Connect(ctx, *info); err != nil {
		return fmt.Errorf("p2p: connecting to %s: %w", info.ID, err)
	}
	return nil
}

// Peers lists the peers met since start and the remembered ones.
func (n *Node) Peers() []PeerStatus {
	n.mu.Lock()
	defer n.mu.Unlock()
	seen := map[string]bool{}
	var out []PeerStatus
	for _, p := range n.peers {
		ps := PeerStatus{ID: p.id.String(), Name: p.name, Addr: p.addr, Online: p.online, LastSync: p.lastSync,
			Versions: p.versions, Pending: p.pending, Rejected: p.rejected}
		if p.presence != nil {
			c := *p.presence
			ps.Presence = &c
		}
		seen[ps.ID] = true
		out = append(out, ps)
	}
	for _, r := range n.cfg.Store.Peers() {
		if !seen[r.ID] {
			ps := PeerStatus{ID: r.ID, Name: r.Name, LastSync: time.UnixMilli(r.LastSeen)}
			if len(r.Addrs) > 0 {
				ps.Addr = r.Addrs[0]
			}
			out = append(out, ps)
		}
	}
	slices.SortFunc(out, func(a, b PeerStatus) int {
		if a.Online != b.Online {
			if a.Online {
				return -1
			}
			return 1
		}
		if a.Name != b.Name {
			if a.Name < b.Name {
				return -1
			}
			return 1
		}
		if a.ID < b.ID {
			return -1
		}
		return 1
	})
	return out
}

// SetPresence sets what this machine shows others: the open design, view,
// pointer and selection. It is sent at most 20 times a second.
func (n *Node) SetPresence(p Presence) {
	n.mu.Lock()
	p.Name = n.cfg.Identity.Name
	p.Seq = n.presence.Seq + 1
	n.presence = p
	n.presDirt = true
	n.mu.Unlock()
}

// Close stops the node: streams, host, discovery.
func (n *Node) Close() error {
	n.cancel()
	if n.mdns != nil {
		n.mdns.Close()
	}
	err := n.host.Close()
	n.wg.Wait()
	return err
}

func (n *Node) state(id peer.ID) *peerState {
	p := n.peers[id]
	if p == nil {
		p = &peerState{id: id, wake: make(chan struct{}, 1), designs: map[models.ID]bool{}}
		n.peers[id] = p
	}
	return p
}

// connected starts the worker that keeps a new peer in step.
func (n *Node) connected(c network.Conn) {
	id := c.RemotePeer()
	n.mu.Lock()
	p := n.state(id)
	p.addr = c.RemoteMultiaddr().String()
	if p.online {
		n.mu.Unlock()
		n.directAfterRelay(p, c)
		return // a second connection to the same peer
	}
	p.online, p.full, p.rejected = true, true, ""
	ctx, cancel := context.WithCancel(n.ctx)
	p.stop = cancel
	n.mu.Unlock()
	n.cfg.Logf("peer %s connected from %s", short(id), c.RemoteMultiaddr())
	n.signal()
	n.wg.Add(1)
	go n.worker(ctx, p)
}

func (n *Node) disconnected(c network.Conn) {
	id := c.RemotePeer()
	if len(n.host.Network().ConnsToPeer(id)) > 0 {
		return
	}
	n.mu.Lock()
	p := n.peers[id]
	var name string
	if p != nil && p.online {
		p.online = false
		p.presence = nil
		if p.stop != nil {
			p.stop()
		}
	}
	if p != nil {
		name = p.name
	}
	n.mu.Unlock()
	if p != nil {
		n.cfg.Logf("peer %s (%s) disconnected", short(id), name)
		n.signal()
		n.redial(id)
	}
}

func short(id peer.ID) string {
	s := id.String()
	if len(s) > 12 {
		return s[len(s)-8:]
	}
	return s
}

// worker pulls from one peer: a full exchange on connect, then the
// designs it announces, until the peer goes.
func (n *Node) worker(ctx context.Context, p *peerState) {
	defer n.wg.Done()
	if !n.waitDirect(ctx, p) {
		return
	}
	n.openNotify(ctx, p)
	for {
		n.mu.Lock()
		full, designs := p.full, p.designs
		p.full, p.designs = false, map[models.ID]bool{}
		n.mu.Unlock()
		if full || len(designs) > 0 {
			if err := n.pull(ctx, p, full, designs); err != nil {
				if ctx.Err() != nil {
					return
				}
				var rej *RejectError
				if errors.As(err, &rej) || errors.Is(err, ErrProtocol) {
					n.reject(p.id, err)
					return
				}
				n.cfg.Logf("sync with %s: %v", short(p.id), err)
				n.mu.Lock()
				p.full = true // try again in a moment
				n.mu.Unlock()
				select {
				case <-ctx.Done():
					return
				case <-time.After(time.Second):
				}
				continue
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-p.wake:
		}
	}
}

func (n *Node) pull(ctx context.Context, p *peerState, full bool, designs map[models.ID]bool) error {
	s, err := n.host.NewStream(network.WithAllowLimitedConn(ctx, "sync"), p.id, protocol.ID(ProtocolSync))
	if err != nil {
		return err
	}
	defer s.Close()
	stop := context.AfterFunc(ctx, func() { s.Reset() })
	defer stop()
	n.mu.Lock()
	p.pulling = true
	n.mu.Unlock()
	defer func() { // on failure: what was held back goes now
		n.mu.Lock()
		p.pulling = false
		back := p.missed
		p.missed = nil
		n.mu.Unlock()
		for d := range back {
			n.send(p, MsgAnnounce, Announce{Design: d, Digest: designDigest(n.cfg.Store, d)})
		}
	}()
	var st PullStats
	var name string
	progress := func(received, expected int) {
		left := max(0, expected-received)
		n.mu.Lock()
		changed := p.pending != left
		p.pending = left
		n.mu.Unlock()
		if changed {
			n.signal()
		}
	}
	defer func() { // the pull is over, however it ended
		n.mu.Lock()
		was := p.pending
		p.pending = 0
		n.mu.Unlock()
		if was > 0 {
			n.signal()
		}
	}()
	if full {
		st, name, err = pullAllWith(s, n.cfg.Store, n.cfg.Identity.Name, progress)
	} else {
		err = pullDesigns(s, n.cfg.Store, slices.Sorted(maps.Keys(designs)), &st)
		if err == nil {
			err = writeFrame(s, MsgEnd, struct{}{})
		}
	}
	if err != nil {
		return err
	}
	n.mu.Lock()
	if name != "" {
		p.name = name
	}
	p.lastSync = time.Now()
	p.versions += st.Versions
	name = p.name // connected and handleNotify change it
	n.mu.Unlock()
	if st.Versions > 0 {
		n.cfg.Logf("synced %d versions of %d designs from %s (%s)", st.Versions, st.Designs, short(p.id), name)
	}
	if full {
		n.remember(p.id, name)
	}
	// What the pull changed here (merges with local work) goes back to
	// the peer now, once.
	n.mu.Lock()
	p.pulling = false
	back := p.missed
	p.missed = nil
	n.mu.Unlock()
	if back == nil {
		back = map[models.ID]bool{}
	}
	for _, d := range st.Pulled {
		back[d] = true
	}
	for d := range back {
		n.send(p, MsgAnnounce, Announce{Design: d, Digest: designDigest(n.cfg.Store, d)})
	}
	n.signal()
	return nil
}

// remember keeps a peer met, with the addresses it listens on (learnt by
// identify; not the source port of a connection it made to us, which
// nobody can dial), for redialling at the next start. It is written once
// per connection, after the first full exchange.
func (n *Node) remember(id peer.ID, name string) {
	self, err := ma.NewMultiaddr("/p2p/" + id.String())
	if err != nil {
		return
	}
	var addrs []string
	for _, a := range n.host.Peerstore().Addrs(id) {
		if _, err := a.ValueForProtocol(ma.P_CIRCUIT); err == nil {
			continue // relayed: found again through the relay
		}
		addrs = append(addrs, a.Encapsulate(self).String())
	}
	for _, r := range n.cfg.Store.Peers() {
		if r.ID == id.String() {
			for _, a := range r.Addrs { // keep what we knew (an invite's address)
				if !slices.Contains(addrs, a) {
					addrs = append(addrs, a)
				}
			}
		}
	}
	if len(addrs) > 8 {
		addrs = addrs[:8]
	}
	_ = n.cfg.Store.RememberPeer(store.Peer{ID: id.String(), Name: name, Addrs: addrs, LastSeen: time.Now().UnixMilli()})
}

// reject drops a peer that sent something refused, and keeps it out for a
// while. Nothing it sent was stored: the receive path refuses whole
// batches.
func (n *Node) reject(id peer.ID, why error) {
	n.mu.Lock()
	n.blocked[id] = time.Now().Add(n.cfg.RejectFor)
	if p := n.peers[id]; p != nil {
		p.rejected = why.Error()
	}
	n.mu.Unlock()
	n.cfg.Logf("rejected peer %s: %v", id, why)
	n.host.Network().ClosePeer(id)
	n.signal()
}

func (n *Node) isBlocked(id peer.ID) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	until, ok := n.blocked[id]
	if ok && time.Now().After(until) {
		delete(n.blocked, id)
		return false
	}
	return ok
}

// handleSync serves a peer's pull.
func (n *Node) handleSync(s network.Stream) {
	defer s.Close()
	err := serveSync(s, n.cfg.Store, n.cfg.Identity.Name)
	if err != nil && n.ctx.Err() == nil {
		if errors.Is(err, ErrProtocol) {
			n.reject(s.Conn().RemotePeer(), err)
			return
		}
		s.Reset()
	}
}

// openNotify opens the one-way stream this node announces its changes
// and presence on.
func (n *Node) openNotify(ctx context.Context, p *peerState) {
	s, err := n.host.NewStream(ctx, p.id, protocol.ID(ProtocolPresence))
	if err != nil {
		n.cfg.Logf("notify stream to %s: %v", short(p.id), err)
		return
	}
	n.mu.Lock()
	p.notify = s
	pres := n.presence
	n.mu.Unlock()
	n.send(p, MsgPresence, pres)
}

// send writes a frame on a peer's notify stream; a failure closes it (the
// next connection opens another).
func (n *Node) send(p *peerState, typ byte, v any) {
	n.mu.Lock()
	s := p.notify
	n.mu.Unlock()
	if s == nil {
		return
	}
	p.nmu.Lock()
	defer p.nmu.Unlock()
	s.SetWriteDeadline(time.Now().Add(5 * time.Second))
	if err := writeFrame(s, typ, v); err != nil {
		s.Reset()
		n.mu.Lock()
		if p.notify == s {
			p.notify = nil
		}
		n.mu.Unlock()
	}
}

// handleNotify reads a peer's announcements and presence.
func (n *Node) handleNotify(s network.Stream) {
	defer s.Close()
	id := s.Conn().RemotePeer()
	for {
		typ, payload, err := readFrame(s)
		if err != nil {
			if errors.Is(err, ErrProtocol) {
				n.reject(id, err)
			}
			s.Reset()
			return
		}
		switch typ {
		case MsgAnnounce:
			var a Announce
			if err := decodePayload(payload, &a); err != nil {
				n.reject(id, err)
				return
			}
			if designDigest(n.cfg.Store, a.Design) == a.Digest {
				continue // in step already
			}
			n.mu.Lock()
			p := n.state(id)
			p.designs[a.Design] = true
			n.mu.Unlock()
			select {
			case p.wake <- struct{}{}:
			default:
			}
		case MsgPresence:
			var pr Presence
			if err := decodePayload(payload, &pr); err != nil {
				n.reject(id, err)
				return
			}
			n.mu.Lock()
			p := n.state(id)
			if p.presence == nil || pr.Seq > p.presence.Seq {
				p.presence = &pr
				if pr.Name != "" {
					p.name = pr.Name
				}
			}
			n.mu.Unlock()
			n.signal()
		default:
			n.reject(id, fmt.Errorf("%w: frame type %d on the notify stream", ErrProtocol, typ))
			return
		}
	}
}

// announceLoop tells every connected peer at once when a design changes
// here (a local commit, or versions received from another peer).
func (n *Node) announceLoop() {
	defer n.wg.Done()
	events := n.cfg.Store.Watch(n.ctx)
	for ev := range events {
		switch ev.Kind {
		case store.EventVersions, store.EventRefs:
		case store.EventResync:
			n.mu.Lock()
			for _, p := range n.peers {
				p.full = true
				select {
				case p.wake <- struct{}{}:
				default:
				}
			}
			n.mu.Unlock()
			continue
		default:
			continue
		}
		n.mu.Lock()
		var targets []*peerState
		for _, p := range n.peers {
			switch {
			case p.online && p.pulling:
				if p.missed == nil {
					p.missed = map[models.ID]bool{}
				}
				p.missed[ev.Design] = true
			case p.online:
				targets = append(targets, p)
			}
		}
		n.mu.Unlock()
		if len(targets) == 0 {
			continue // the digest walks the design's heads: only when sent
		}
		a := Announce{Design: ev.Design, Digest: designDigest(n.cfg.Store, ev.Design)}
		for _, p := range targets {
			n.send(p, MsgAnnounce, a)
		}
	}
}

// presenceLoop sends this machine's presence when it changed, at most 20
// times a second.
func (n *Node) presenceLoop() {
	defer n.wg.Done()
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-n.ctx.Done():
			return
		case <-t.C:
		}
		n.mu.Lock()
		if !n.presDirt {
			n.mu.Unlock()
			continue
		}
		n.presDirt = false
		pres := n.presence
		var targets []*peerState
		for _, p := range n.peers {
			if p.online {
				targets = append(targets, p)
			}
		}
		n.mu.Unlock()
		for _, p := range targets {
			n.send(p, MsgPresence, pres)
		}
	}
}

// redialRemembered dials the peers this studio has met before, with
// back-off, until they answer.
func (n *Node) redialRemembered() {
	for _, r := range n.cfg.Store.Peers() {
		id, err := peer.Decode(r.ID)
		if err != nil || id == n.host.ID() {
			continue
		}
		for _, a := range r.Addrs {
			m, err := ma.NewMultiaddr(a)
			if err != nil {
				continue
			}
			if info, err := peer.AddrInfoFromP2pAddr(m); err == nil {
				n.host.Peerstore().AddAddrs(id, info.Addrs, time.Hour)
			} else {
				n.host.Peerstore().AddAddr(id, m, time.Hour)
			}
		}
		n.redial(id)
	}
}

// redial tries to reach a peer again: after 1 s, then doubling up to a
// minute, until it is connected or the node stops.
func (n *Node) redial(id peer.ID) {
	if len(n.host.Peerstore().Addrs(id)) == 0 {
		return
	}
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		n.dialBackoff(id, time.Second, 0)
	}()
}

// dialBackoff dials a peer at the addresses the peerstore holds for it,
// after first and then after twice the pause before (at least
// retryPause, at most a minute), until it is connected, the node stops,
// or tries dials have failed (0: no limit). It says whether a dial of its
// own connected.
func (n *Node) dialBackoff(id peer.ID, first time.Duration, tries int) bool {
	wait := first
	for try := 0; tries == 0 || try < tries; try++ {
		select {
		case <-n.ctx.Done():
			return false
		case <-time.After(wait):
		}
		if n.host.Network().Connectedness(id) == network.Connected {
			return false
		}
		ctx, cancel := context.WithTimeout(n.ctx, 10*time.Second)
		err := n.host.Connect(ctx, peer.AddrInfo{ID: id, Addrs: n.host.Peerstore().Addrs(id)})
		cancel()
		if err == nil {
			return true
		}
		wait = min(max(2*wait, retryPause), time.Minute)
	}
	return false
}

// retryPause is the shortest pause before a dial is tried again.
const retryPause = 500 * time.Millisecond

// startMDNS announces and looks for studio machines on the LAN, and
// restarts when this machine's addresses change (a laptop changing
// networks).
func (n *Node) startMDNS() error {
	svc := mdns.NewMdnsService(n.host, MDNSService, mdnsNotifee{n})
	if err := svc.Start(); err != nil {
		return fmt.Errorf("p2p: mDNS: %w", err)
	}
	n.mdns = svc
	sub, err := n.host.EventBus().Subscribe(new(event.EvtLocalAddressesUpdated))
	if err != nil {
		return nil
	}
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		defer sub.Close()
		for {
			select {
			case <-n.ctx.Done():
				return
			case <-sub.Out():
				n.mu.Lock()
				old := n.mdns
				n.mu.Unlock()
				old.Close()
				nsvc := mdns.NewMdnsService(n.host, MDNSService, mdnsNotifee{n})
				if nsvc.Start() == nil {
					n.mu.Lock()
					n.mdns = nsvc
					n.mu.Unlock()
				}
			}
		}
	}()
	return nil
}

type mdnsNotifee struct{ n *Node }

func (m mdnsNotifee) HandlePeerFound(pi peer.AddrInfo) {
	if pi.ID == m.n.host.ID() || m.n.host.Network().Connectedness(pi.ID) == network.Connected {
		return
	}
	go m.n.dialFound(pi) // ends with the node's context
}

// dialFound connects to a machine mDNS found. Two machines that start
// together find each other at once, and TCP dials from the listening
// port (for hole punching), so their two dials can meet as one
// connection on which both are the initiator and both fail; mDNS then
// reports neither again. So the machine with the greater peer ID waits
// a moment (jittered) and dials only if the other has not connected,
// and a failed dial is tried again a few times.
func (n *Node) dialFound(pi peer.AddrInfo) {
	n.host.Peerstore().AddAddrs(pi.ID, pi.Addrs, peerstore.TempAddrTTL)
	var first time.Duration
	if pi.ID < n.host.ID() {
		first = retryPause + rand.N(retryPause)
	}
	if n.dialBackoff(pi.ID, first, 4) {
		n.cfg.Logf("found %s on the LAN", short(pi.ID))
	}
}

// gater keeps rejected peers out for a while.
type gater struct{ n *Node }

func (g gater) InterceptPeerDial(p peer.ID) bool { return !g.n.isBlocked(p) }
func (g gater) InterceptAddrDial(p peer.ID, a ma.Multiaddr) bool {
	return !g.n.isBlocked(p) && g.n.directAllowed(p, a)
}
func (g gater) InterceptAccept(network.ConnMultiaddrs) bool { return true }
func (g gater) InterceptSecured(_ network.Direction, p peer.ID, c network.ConnMultiaddrs) bool {
	return !g.n.isBlocked(p) && g.n.directAllowed(p, c.RemoteMultiaddr())
}
func (g gater) InterceptUpgraded(network.Conn) (bool, control.DisconnectReason) { return true, 0 }
