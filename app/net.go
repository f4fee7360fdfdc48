package app

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"image/color"
	"net"
	"os"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	fynecanvas "fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	ma "github.com/multiformats/go-multiaddr"

	"cordwain/canvas"
	"cordwain/cli"
	"cordwain/models"
	"cordwain/models/store"
	"cordwain/p2p"
)

// studioNet is the window's side of studio sync: the node this window
// runs while its data directory belongs to a studio, the sync indicator in
// the status bar, notices when a peer's change lands in the open design,
// this designer's presence (open design, view, pointer, selection) sent to
// the others, and theirs drawn on the drawing.
//
// Fields are used on the UI goroutine unless noted.
type studioNet struct {
	u *UI

	mu   sync.Mutex // guards node (read by commands handed to the window)
	node *p2p.Node
	// nodeStop is closed when node stops: its follow goroutine ends.
	nodeStop chan struct{}
	key      [p2p.KeySize]byte // the studio key node runs with
	dir      string            // data directory (set by StartNetwork)
	on       bool              // StartNetwork was called: run a node when there is a studio
	cancel   context.CancelFunc

	studio   *p2p.Studio // nil: not in a studio
	members  []p2p.Member
	peers    []p2p.PeerStatus
	offline  map[string]time.Time // when each peer was last seen offline
	versions map[string]int       // versions received from each peer at the last refresh
	recent   int                  // versions received in the last moment
	recentAt time.Time
	// decay, when set, refreshes once more when "recent" runs out (the
	// only thing shown that changes with time alone).
	decay *time.Timer
	err   error // why the node is not running

	// The open design's head as last seen, to tell a peer's change.
	headDesign models.ID
	headID     models.ID

	sync      *widget.Label // the status bar's indicator
	dot       *fynecanvas.Circle
	notice    *widget.Label // who changed the open design
	noticeBox *fyne.Container
	noticeGen int
	panel     *StudioPanel
	tab       *container.TabItem

	// startNode starts a node for cfg (tests may replace it).
	startNode func(ctx context.Context, cfg p2p.Config) (*p2p.Node, error)
	// peersOf, when set (tests), replaces the running node's peer list.
	peersOf func(*p2p.Node) []p2p.PeerStatus
	logf    func(format string, args ...any)
	// queue, when set (tests), takes what the background goroutines hand
	// to the UI goroutine, for the test to run on its own goroutine (the
	// test driver runs fyne.Do on the caller's); done ends them.
	queue    chan func()
	done     chan struct{}
	doneOnce sync.Once
}

// do runs f on the UI goroutine.
func (n *studioNet) do(f func()) {
	if n.queue == nil {
		fyne.Do(f)
		return
	}
	select {
	case n.queue <- f:
	case <-n.done:
	}
}

// Sync states shown in the status bar.
const (
	SyncNoStudio = "nostudio"
	SyncOffline  = "offline"
	SyncSyncing  = "syncing"
	SyncInStep   = "instep"
	SyncRejected = "rejected"
)

func (u *UI) setupNet() {
	n := &studioNet{u: u, offline: map[string]time.Time{}, versions: map[string]int{}, startNode: cli.StartNode,
		done: make(chan struct{})}
	n.logf = func(format string, args ...any) {
		fmt.Fprintf(os.Stderr, time.Now().Format("15:04:05.000")+" cordwain: "+format+"\n", args...)
	}
	u.net = n
	n.sync = widget.NewLabel("")
	n.sync.Truncation = fyne.TextTruncateEllipsis
	n.dot = fynecanvas.NewCircle(colOffline)
	n.notice = widget.NewLabel("")
	n.notice.Importance = widget.HighImportance
	n.notice.Truncation = fyne.TextTruncateEllipsis
	n.panel = newStudioPanel(u)
	n.tab = container.NewTabItemWithIcon("", studioIcon(), n.panel.Object())
}

// hookNet adds the Studio tab and makes presence follow the editor:
// pointer, selection, open design, view. It runs after setupEditing.
func (u *UI) hookNet() {
	n := u.net
	u.tabs.Append(n.tab)
	e := u.editor
	e.remote.onPointer = func(at canvas.Point, over bool) { n.publish(&at, over) }
	if prev := e.OnSelection; prev != nil {
		e.OnSelection = func(s Selection) { prev(s); n.publish(nil, false) }
	}
	if prev := e.session.OnChange; prev != nil {
		e.session.OnChange = func(d *models.Design) { prev(d); n.checkHead(); n.publish(nil, false) }
	}
	if prev := u.viewSelect.OnChanged; prev != nil {
		u.viewSelect.OnChanged = func(s string) { prev(s); n.publish(nil, false); n.refreshPointers() }
	}
}

// statusBar is the line under the drawing: the status text (covered by
// a peer's change notice while it shows) and the sync indicator.
func (u *UI) statusBar() fyne.CanvasObject {
	n := u.net
	dot := container.NewGridWrap(fyne.NewSize(10, 10), n.dot)
	// The indicator keeps its width (a long reason is cut, the whole of
	// it is in the Studio tab and on stderr), so the window's minimum
	// width does not follow the text.
	text := container.NewGridWrap(fyne.NewSize(165, n.sync.MinSize().Height), n.sync)
	bg := fynecanvas.NewRectangle(theme.Color(theme.ColorNameBackground))
	n.noticeBox = container.NewStack(bg, n.notice)
	n.noticeBox.Hide()
	return container.NewBorder(nil, nil, nil, container.NewHBox(container.NewCenter(dot), text),
		container.NewStack(u.status, n.noticeBox))
}

func (u *UI) applyNetLanguage() {
	n := u.net
	n.tab.Text = u.tr.L("tab.studio")
	n.panel.applyLanguage()
	n.updateIndicator()
}

var (
	colOnline  = color.NRGBA{R: 0x1f, G: 0xa0, B: 0x4a, A: 0xff}
	colOffline = color.NRGBA{R: 0x9a, G: 0x9a, B: 0x9a, A: 0xff}
	colSyncing = color.NRGBA{R: 0xe8, G: 0x9a, B: 0x00, A: 0xff}
)

// StartNetwork makes the window run the studio's node while dataDir
// belongs to a studio: now if it does (the studio must be open), and as
// soon as it joins or creates one (here or by a command handed to the
// window). mDNS finds the studio's machines on the LAN unless
// CORDWAIN_LOOPBACK=1 keeps everything on 127.0.0.1. UI goroutine.
func (u *UI) StartNetwork(dataDir string) error {
	n := u.net
	n.dir, n.on = dataDir, true
	if n.dir == "" && u.start != nil {
		n.dir = u.start.opts.DataDir
	}
	studio := u.StoreStudio()
	if studio == nil {
		return errors.New("the studio is not open")
	}
	if n.cancel == nil {
		ctx, cancel := context.WithCancel(context.Background())
		n.cancel = cancel
		events := studio.Store().Watch(ctx)
		go func() {
			for ev := range events {
				n.do(func() { n.storeChanged(ev) })
			}
		}()
	}
	n.loadMembers()
	return n.ensureNode()
}

// CloseNetwork stops the node (main calls it before closing the store).
func (u *UI) CloseNetwork() error {
	n := u.net
	if n.cancel != nil {
		n.cancel()
		n.cancel = nil
	}
	n.doneOnce.Do(func() { close(n.done) })
	if n.decay != nil {
		n.decay.Stop()
		n.decay = nil
	}
	n.on = false
	n.mu.Lock()
	node := n.node
	n.node = nil
	n.endFollowLocked()
	n.mu.Unlock()
	if node != nil {
		return node.Close()
	}
	return nil
}

// endFollowLocked ends the follow goroutine of the node being stopped.
func (n *studioNet) endFollowLocked() {
	if n.nodeStop != nil {
		close(n.nodeStop)
		n.nodeStop = nil
	}
}

// Node is the running studio node, nil when there is none.
func (u *UI) Node() *p2p.Node {
	u.net.mu.Lock()
	defer u.net.mu.Unlock()
	return u.net.node
}

// ensureNode starts, restarts (a new studio key) or stops the node to
// match the studio this data directory belongs to.
func (n *studioNet) ensureNode() error {
	if !n.on {
		return nil
	}
	st, _, err := p2p.LoadStudio(n.dir)
	if err != nil {
		n.studio = nil
		n.stopNode()
		n.err = nil
		if !errors.Is(err, p2p.ErrNoStudio) {
			n.err = err // a studio file that cannot be read
		}
		n.refresh()
		return err
	}
	n.studio = st
	n.mu.Lock()
	running := n.node != nil && n.key == st.Key
	n.mu.Unlock()
	if running {
		n.refresh()
		return nil
	}
	n.stopNode()
	studio := n.u.StoreStudio()
	if studio == nil {
		return errors.New("the studio is not open")
	}
	id := studio.Identity()
	if id == nil {
		n.err = ErrNoIdentity
		n.refresh()
		return n.err
	}
	cfg, err := cli.NodeConfig(n.dir, cli.Shared(n.dir, studio.Store()), id, nil, true, n.logf)
	if err == nil {
		cfg.Listen = takenToFree(cfg.Listen)
		var node *p2p.Node
		node, err = n.startNode(context.Background(), cfg)
		if err == nil {
			stop := make(chan struct{})
			n.mu.Lock()
			n.endFollowLocked()
			n.node, n.key, n.nodeStop = node, st.Key, stop
			n.mu.Unlock()
			n.err = nil
			go n.follow(node, stop)
			n.logf("studio %q: peer %s listening on %v", st.Name, node.ID(), node.Addrs())
		}
	}
	if err != nil {
		n.err = err
		n.logf("studio network not started: %v", err)
	}
	n.refresh()
	n.publish(nil, false)
	return err
}

func (n *studioNet) stopNode() {
	n.mu.Lock()
	node := n.node
	n.node = nil
	n.endFollowLocked()
	n.mu.Unlock()
	if node != nil {
		node.Close()
	}
	n.peers = nil
}

// follow hands the node's changes to the window until it stops. It
// wakes only when the node says something changed (peers, presence, a
// sync done): an idle window draws nothing.
func (n *studioNet) follow(node *p2p.Node, stop <-chan struct{}) {
	for {
		select {
		case _, ok := <-node.Changed():
			if !ok {
				return
			}
		case <-stop:
			return
		case <-n.done:
			return
		}
		n.mu.Lock()
		cur := n.node
		n.mu.Unlock()
		if cur != node {
			return
		}
		n.do(func() {
			n.mu.Lock()
			still := n.node == node
			n.mu.Unlock()
			if still {
				n.refresh()
			}
		})
	}
}

// storeChanged follows the store: the member list, and peers' versions
// of the open design.
func (n *studioNet) storeChanged(ev store.Event) {
	if ev.Design == p2p.MembersDesign || ev.Kind == store.EventResync {
		n.loadMembers()
		n.ensureNode() // a studio joined or created by a handed-over command
	}
	if cur := n.u.current; cur != nil && (ev.Design == cur.ID || ev.Kind == store.EventResync) {
		n.checkHead()
	}
}

func (n *studioNet) loadMembers() {
	studio := n.u.StoreStudio()
	if studio == nil {
		return
	}
	ms, err := p2p.Members(studio.Store())
	if err == nil {
		n.members = ms
	}
	n.panel.refresh()
	n.u.history.Refresh()
}

// checkHead notices a new head of the open design that a peer made, and
// names them.
func (n *studioNet) checkHead() {
	studio := n.u.StoreStudio()
	cur := n.u.current
	if studio == nil || cur == nil {
		return
	}
	head, err := studio.Store().Head(cur.ID, studio.CurrentBranch(cur.ID)) // the branch the window draws
	if err != nil {
		return
	}
	if n.headDesign != cur.ID {
		n.headDesign, n.headID = cur.ID, head.ID
		return
	}
	if head.ID == n.headID {
		return
	}
	n.headID = head.ID
	me := ""
	if id := studio.Identity(); id != nil {
		me = id.PeerID
	}
	who, msg := n.changedBy(studio.Store(), head, me)
	if who == "" {
		return
	}
	n.showNotice(n.u.tr.L("studio.changed_by", map[string]any{"Name": who, "Message": firstLine(msg)}))
}

// changedBy is who made head, when it is not this machine: the author, or
// for a merge the author of the side that came from a peer.
func (n *studioNet) changedBy(s *store.Store, head *models.Version, me string) (who, msg string) {
	v := head
	if store.IsMerge(v) {
		v = nil
		for _, p := range head.Parents {
			pv, err := s.Version(p)
			if err == nil && !store.IsMerge(pv) && pv.Author.PeerID != me && pv.Author.PeerID != "" {
				v = pv
				break
			}
		}
		if v == nil {
			return "", ""
		}
	}
	if v.Author.PeerID == "" || v.Author.PeerID == me {
		return "", ""
	}
	return n.nameOf(v.Author.PeerID, v.Author.Name), v.Message
}

func (n *studioNet) nameOf(peerID, fallback string) string {
	for _, m := range n.members {
		if m.PeerID == peerID && m.Name != "" {
			return m.Name
		}
	}
	if fallback != "" {
		return fallback
	}
	return shortID(models.ID(peerID))
}

// showNotice shows text beside the sync indicator for a few seconds.
func (n *studioNet) showNotice(text string) {
	n.noticeGen++
	gen := n.noticeGen
	n.notice.SetText(text)
	if bg, ok := n.noticeBox.Objects[0].(*fynecanvas.Rectangle); ok {
		bg.FillColor = theme.Color(theme.ColorNameBackground) // light or dark
		bg.Refresh()
	}
	n.noticeBox.Show()
	time.AfterFunc(6*time.Second, func() {
		n.do(func() {
			if n.noticeGen == gen {
				n.noticeBox.Hide()
			}
		})
	})
}

// Notice is the last change notice ("" when none is shown).
func (u *UI) StudioNotice() string {
	if !u.net.noticeBox.Visible() {
		return ""
	}
	return u.net.notice.Text
}

// refresh re-reads the node's peers and shows them.
func (n *studioNet) refresh() {
	n.mu.Lock()
	node := n.node
	n.mu.Unlock()
	n.peers = nil
	if n.peersOf != nil {
		n.peers = n.peersOf(node)
	} else if node != nil {
		n.peers = node.Peers()
	}
	now := time.Now()
	for _, p := range n.peers {
		if !p.Online {
			n.offline[p.ID] = now
		}
		if d := p.Versions - n.versions[p.ID]; d > 0 {
			n.recent += d
			n.recentAt = now
		}
		n.versions[p.ID] = p.Versions
	}
	if left := recentFor - now.Sub(n.recentAt); left <= 0 {
		n.recent = 0
	} else if n.decay == nil {
		// "Syncing… (n received)" goes back to "In step" when nothing
		// more comes: one refresh then, not a clock.
		n.decay = time.AfterFunc(left+10*time.Millisecond, func() {
			n.do(func() {
				n.decay = nil
				n.refresh()
			})
		})
	}
	n.updateIndicator()
	n.panel.refresh()
	n.refreshPointers()
}

// recentFor is how long versions just received keep the indicator on
// "Syncing… (n received)".
const recentFor = 2 * time.Second

// SyncState is the indicator's state and its text.
func (u *UI) SyncState() (state, text string) { return u.net.state() }

func (n *studioNet) state() (state, text string) {
	tr := n.u.tr
	if n.studio == nil && n.err == nil {
		return SyncNoStudio, tr.L("sync.no_studio")
	}
	if n.err != nil {
		return SyncOffline, tr.L("sync.not_running", map[string]any{"Error": n.err.Error()})
	}
	online, pending := 0, 0
	syncing := n.recent > 0
	for _, p := range n.peers {
		pending += p.Pending
		if p.Rejected != "" && !p.Online {
			return SyncRejected, tr.L("sync.rejected", map[string]any{"Name": n.nameOf(p.ID, p.Name), "Why": p.Rejected})
		}
		if p.Online {
			online++
			if p.LastSync.IsZero() || p.LastSync.Before(n.offline[p.ID]) {
				syncing = true // connected, the first exchange not done yet
			}
		}
	}
	switch {
	case online == 0:
		return SyncOffline, tr.L("sync.offline")
	case pending > 0:
		// A pull under way that knows what it brings: what is still to come.
		return SyncSyncing, tr.L("sync.syncing_left", map[string]any{"Count": pending})
	case syncing && n.recent > 0:
		return SyncSyncing, tr.L("sync.syncing_n", map[string]any{"Count": n.recent})
	case syncing:
		return SyncSyncing, tr.L("sync.syncing")
	}
	return SyncInStep, tr.L("sync.in_step", map[string]any{"Count": online})
}

func (n *studioNet) updateIndicator() {
	state, text := n.state()
	if text != n.sync.Text && n.studio != nil {
		n.logf("sync: %s", text)
	}
	c := colOffline
	switch state {
	case SyncInStep:
		c = colOnline
	case SyncSyncing:
		c = colSyncing
	case SyncRejected:
		c = colRemoved
	}
	imp := widget.MediumImportance
	if state == SyncRejected {
		imp = widget.DangerImportance
	}
	// Only what changed is refreshed: a refresh redraws the window.
	if text != n.sync.Text || imp != n.sync.Importance {
		n.sync.Text, n.sync.Importance = text, imp
		n.sync.Refresh()
	}
	if n.dot.FillColor != color.Color(c) {
		n.dot.FillColor = c
		n.dot.Refresh()
	}
}

// publish sends this designer's presence: the open design and view, the
// pointer (at, when given) and the selection. The node sends it at most
// 20 times a second.
func (n *studioNet) publish(at *canvas.Point, over bool) {
	n.mu.Lock()
	node := n.node
	n.mu.Unlock()
	if node == nil {
		return
	}
	e := n.u.editor
	p := n.lastPresence(e)
	if at != nil {
		p.X, p.Y, p.Pointer = round2(at.X), round2(at.Y), over
	}
	node.SetPresence(p)
	e.remote.last = p
}

func (n *studioNet) lastPresence(e *Editor) p2p.Presence {
	p := e.remote.last
	p.Design, p.View, p.Selection = "", viewName(e.Options().View), nil
	if d := e.session.Design(); d != nil && n.u.current != nil && !n.u.viewing {
		p.Design = d.ID
		p.Selection = append(p.Selection, e.Selection().Elems...)
	} else {
		p.Pointer = false
	}
	return p
}

func round2(v float64) float64 { return float64(int64(v*100)) / 100 }

// refreshPointers draws the pointers and selections of the peers who
// have the open design open in the same view.
func (n *studioNet) refreshPointers() {
	e := n.u.editor
	var out []RemotePointer
	cur := n.u.current
	view := viewName(e.Options().View)
	for _, p := range n.peers {
		if !p.Online || p.Presence == nil || cur == nil || n.u.viewing || p.Presence.Design != cur.ID {
			continue
		}
		rp := RemotePointer{Peer: p.ID, Name: n.nameOf(p.ID, p.Presence.Name), Colour: peerColour(p.ID)}
		if p.Presence.View == view && p.Presence.Pointer {
			rp.At, rp.Pointer = canvas.Point{X: p.Presence.X, Y: p.Presence.Y}, true
		}
		rp.Selection = p.Presence.Selection
		out = append(out, rp)
	}
	e.SetRemote(out)
}

// peerColour is a peer's colour on the drawing: one of a few that read
// well on white, picked by its ID.
func peerColour(id string) color.NRGBA {
	palette := []color.NRGBA{
		{R: 0xd6, G: 0x27, B: 0x28, A: 0xff}, {R: 0x1f, G: 0x77, B: 0xb4, A: 0xff}, {R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff},
		{R: 0x94, G: 0x67, B: 0xbd, A: 0xff}, {R: 0xff, G: 0x7f, B: 0x0e, A: 0xff}, {R: 0x17, G: 0xbe, B: 0xcf, A: 0xff},
		{R: 0xe3, G: 0x77, B: 0xc2, A: 0xff}, {R: 0x8c, G: 0x56, B: 0x4b, A: 0xff},
	}
	h := fnv.New32a()
	h.Write([]byte(id))
	return palette[h.Sum32()%uint32(len(palette))]
}

// CommandNet is what commands handed to this window see of the studio
// network (`peers`, `studio invite`): the running node, or while there is
// none, the remembered peers and the addresses the node will listen on.
func (u *UI) CommandNet() cli.Net { return netProxy{u.net} }

type netProxy struct{ n *studioNet }

func (p netProxy) current() *p2p.Node {
	p.n.mu.Lock()
	defer p.n.mu.Unlock()
	return p.n.node
}

func (p netProxy) ID() string {
	if node := p.current(); node != nil {
		return node.ID()
	}
	if s := p.n.u.StoreStudio(); s != nil && s.Identity() != nil {
		return s.Identity().PeerID
	}
	return ""
}

func (p netProxy) Addrs() []ma.Multiaddr {
	if node := p.current(); node != nil {
		return node.Addrs()
	}
	return fallbackAddrs(p.n.dir, p.ID())
}

func (p netProxy) Peers() []p2p.PeerStatus {
	if node := p.current(); node != nil {
		return node.Peers()
	}
	var out []p2p.PeerStatus
	if s := p.n.u.StoreStudio(); s != nil {
		for _, r := range s.Store().Peers() {
			ps := p2p.PeerStatus{ID: r.ID, Name: r.Name, LastSync: time.UnixMilli(r.LastSeen)}
			if len(r.Addrs) > 0 {
				ps.Addr = r.Addrs[0]
			}
			out = append(out, ps)
		}
	}
	return out
}

// errNoNode: the window runs no node (no studio, or it failed to start).
var errNoNode = errors.New("this window is not connected to a studio network (no studio set up, or the network failed to start)")

func (p netProxy) Connect(ctx context.Context, addr string) error {
	if node := p.current(); node != nil {
		return node.Connect(ctx, addr)
	}
	return errNoNode
}

// takenToFree replaces the port of each listen address that another
// program (another Cordwain on this machine) already listens on by a free
// one. libp2p listens with SO_REUSEPORT, so a second node would share the
// port instead of failing to take it, and dials to that port could reach
// either; a plain listen on it fails when it is taken.
func takenToFree(listen []string) []string {
	out := make([]string, 0, len(listen))
	for _, l := range listen {
		m, err := ma.NewMultiaddr(l)
		if err == nil {
			port, perr := m.ValueForProtocol(ma.P_TCP)
			host, herr := m.ValueForProtocol(ma.P_IP4)
			if herr != nil {
				host, herr = m.ValueForProtocol(ma.P_IP6)
			}
			if perr == nil && herr == nil && port != "0" {
				if ln, err := net.Listen("tcp", net.JoinHostPort(host, port)); err != nil {
					l = strings.Replace(l, "/tcp/"+port, "/tcp/0", 1)
				} else {
					ln.Close()
				}
			}
		}
		out = append(out, l)
	}
	return out
}

// fallbackAddrs are the addresses a node of this machine listens on when
// it runs: this machine's interfaces (127.0.0.1 in loopback mode) at the
// studio's port.
func fallbackAddrs(dir, id string) []ma.Multiaddr {
	if id == "" {
		return nil
	}
	_, set, _ := p2p.LoadStudio(dir)
	port := set.Port
	if port == 0 {
		port = p2p.DefaultPort
	}
	ips := []string{"127.0.0.1"}
	if os.Getenv("CORDWAIN_LOOPBACK") != "1" {
		ips = nil
		addrs, _ := net.InterfaceAddrs()
		for _, a := range addrs {
			if ipn, ok := a.(*net.IPNet); ok && !ipn.IP.IsLoopback() && !ipn.IP.IsLinkLocalUnicast() && !ipn.IP.IsMulticast() {
				ips = append(ips, ipn.IP.String())
			}
		}
		if len(ips) == 0 {
			ips = []string{"127.0.0.1"}
		}
	}
	var out []ma.Multiaddr
	for _, ip := range ips {
		proto := "ip4"
		if strings.Contains(ip, ":") {
			proto = "ip6"
		}
		if a, err := ma.NewMultiaddr(fmt.Sprintf("/%s/%s/tcp/%d/p2p/%s", proto, ip, port, id)); err == nil {
			out = append(out, a)
		}
		if len(out) == 16 {
			break
		}
	}
	return out
}
