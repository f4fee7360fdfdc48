package app

import (
	"crypto/ed25519"
	"fmt"

	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	fynecanvas "fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"cordwain/canvas"
	"cordwain/models"
	"cordwain/models/store"
	"cordwain/p2p"
)

// netUI is a window of a studio machine in a test: its UI, opened on its
// own data directory, with the studio network's hand-offs queued for the
// test goroutine.
type netUI struct {
	t   *testing.T
	u   *UI
	w   fyne.Window
	dir string
}

// openNetUI opens a window on a new data directory as the designer name
// (the identity is made on first open from $USER).
func openNetUI(t *testing.T, name string) *netUI {
	t.Helper()
	t.Setenv("USER", name)
	dir := t.TempDir()
	a := test.NewTempApp(t)
	a.Preferences().SetString(prefLanguage, LangEN)
	w := a.NewWindow("Cordwain")
	w.Resize(DefaultWindowSize)
	opened := make(chan bool, 8)
	opts := StartOptions{DataDir: dir, quiet: true}
	var u *UI
	ready := make(chan struct{})
	opts.afterAttempt = func() {
		<-ready
		opened <- u.StoreStudio() != nil
	}
	u, err := Start(a, w, opts)
	if err != nil {
		t.Fatal(err)
	}
	u.net.queue = make(chan func(), 256)
	close(ready)
	select {
	case ok := <-opened:
		if !ok {
			t.Fatalf("%s: the studio did not open: %s", name, u.Notice())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("%s: the studio did not open", name)
	}
	if err := u.StartNetwork(dir); err == nil || err != p2p.ErrNoStudio {
		t.Fatalf("%s: StartNetwork without a studio: %v", name, err)
	}
	t.Cleanup(func() {
		u.CloseNetwork()
		u.CloseStudio()
		w.Close()
	})
	return &netUI{t: t, u: u, w: w, dir: dir}
}

// pump runs what the background goroutines handed to the window, and
// reloads it as the window's store watch would.
func (w *netUI) pump() {
	for {
		select {
		case f := <-w.u.net.queue:
			f()
		default:
			w.u.reload()
			return
		}
	}
}

// until pumps every window until cond holds.
func until(t *testing.T, what string, cond func() bool, ws ...*netUI) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		for _, w := range ws {
			w.pump()
		}
		if cond() {
			return
		}
		if time.Now().After(deadline) {
			var st []string
			for _, w := range ws {
				_, text := w.u.SyncState()
				st = append(st, fmt.Sprintf("%s: %q, %d members, rows %+v", w.dir, text, len(w.u.net.members), w.u.StudioPanel().Rows()))
			}
			t.Fatalf("timed out waiting: %s\n%s", what, strings.Join(st, "\n"))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// await runs an action with a done callback and pumps until it is done.
func await(t *testing.T, w *netUI, what string, act func(done func(error))) {
	t.Helper()
	var res *error
	act(func(err error) { res = &err })
	until(t, what, func() bool { return res != nil }, w)
	if *res != nil {
		t.Fatalf("%s: %v", what, *res)
	}
}

// TestTwoWindowsInOneStudio: two windows on two data directories, each
// with a real node on 127.0.0.1. One creates a studio and invites, the
// other joins through the panel's handlers; they see each other, a
// version committed in one appears in the other's open design in place
// with a notice naming who made it, a pointer moved in one is drawn in
// the other, and a version by a machine outside the studio is flagged.
func TestTwoWindowsInOneStudio(t *testing.T) {
	t.Setenv("CORDWAIN_LOOPBACK", "1")
	a := openNetUI(t, "Ana")
	b := openNetUI(t, "Bo")
	for _, w := range []*netUI{a, b} {
		if st, _ := w.u.SyncState(); st != SyncNoStudio {
			t.Fatalf("before a studio: sync state %q", st)
		}
		if w.u.Node() != nil {
			t.Fatal("a node runs without a studio")
		}
	}

	// Create and invite on A, join on B, through the dialogs.
	await(t, a, "create", func(done func(error)) {
		a.u.StudioPanel().afterDialog = done
		a.u.StudioPanel().createBtn.OnTapped()
		test.Type(entryIn(t, a.w), "Test studio")
		tapButton(t, a.w, "Create studio…")
	})
	if a.u.Node() == nil {
		t.Fatal("no node after creating the studio")
	}
	a.u.StudioPanel().inviteBtn.OnTapped()
	code := labelIn(t, a.w, "CW1-")
	tapButton(t, a.w, "Copy")
	if got := a.u.app.Clipboard().Content(); got != code {
		t.Fatalf("copied %q, the dialog shows %q", got, code)
	}
	if !hasImage(a.w.Canvas().Overlays().Top()) {
		t.Fatal("no QR image in the invite dialog")
	}
	if dir := os.Getenv("CORDWAIN_TEST_SHOTS"); dir != "" {
		savePNG(t, filepath.Join(dir, "invite-dialog.png"), a.w.Canvas().Capture())
	}
	tapButton(t, a.w, "Close")
	inv, err := p2p.DecodeInvite(code)
	if err != nil || len(inv.Addrs) == 0 || !strings.Contains(inv.Addrs[0].String(), "/ip4/127.0.0.1/tcp/") ||
		!strings.HasSuffix(inv.Addrs[0].String(), a.u.Node().ID()) {
		t.Fatalf("invite %v: %v", inv, err)
	}
	if _, err := inviteQR(code); err != nil {
		t.Fatalf("QR of the invite: %v", err)
	}
	await(t, b, "join", func(done func(error)) {
		b.u.StudioPanel().afterDialog = done
		b.u.StudioPanel().joinBtn.OnTapped()
		test.Type(entryIn(t, b.w), code)
		tapButton(t, b.w, "Join…")
	})
	if b.u.Node() == nil {
		t.Fatal("no node after joining")
	}
	until(t, "both in step", func() bool {
		sa, _ := a.u.SyncState()
		sb, _ := b.u.SyncState()
		return sa == SyncInStep && sb == SyncInStep && len(a.u.net.members) == 2 && len(b.u.net.members) == 2
	}, a, b)
	if dir := os.Getenv("CORDWAIN_TEST_SHOTS"); dir != "" {
		b.u.tabs.Select(b.u.net.tab)
		b.pump()
		savePNG(t, filepath.Join(dir, "studio-tab.png"), b.w.Canvas().Capture())
	}
	rows := a.u.StudioPanel().Rows()
	if len(rows) != 2 || !rows[0].Me || rows[0].Name != "Ana" || rows[1].Name != "Bo" || !rows[1].Online || !rows[1].Member {
		t.Fatalf("A's members: %+v", rows)
	}

	// Both open the derby on the mean form.
	var derby models.ID
	for _, d := range a.u.designs {
		if strings.Contains(d.Name, "Derby") {
			derby = d.ID
		}
	}
	if derby == "" {
		t.Fatalf("no derby in %v", a.u.designs)
	}
	for _, w := range []*netUI{a, b} {
		w.u.SelectDesign(derby)
		w.u.setView(canvas.ViewMeanForm)
	}
	until(t, "B sees that A has the derby open", func() bool {
		for _, r := range b.u.StudioPanel().Rows() {
			if r.Name == "Ana" && strings.Contains(r.Open, "Derby") {
				return true
			}
		}
		return false
	}, a, b)

	// A's pointer shows on B's drawing, where A has it.
	pos := fyne.NewPos(300, 200)
	a.u.editor.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: pos}})
	want := a.u.editor.ToModel(pos)
	until(t, "A's pointer on B's drawing", func() bool {
		rs := b.u.editor.Remote()
		return len(rs) == 1 && rs[0].Pointer && rs[0].Name == "Ana" &&
			abs(rs[0].At.X-want.X) < 0.02 && abs(rs[0].At.Y-want.Y) < 0.02
	}, a, b)
	// It is drawn: B's frame has A's colour where the pointer is.
	b.u.editor.Resize(fyne.NewSize(800, 600))
	img := b.u.editor.Frame(800, 600)
	at := b.u.editor.ToWidget(want)
	if !hasColourNear(img, int(at.X)+4, int(at.Y)+8, peerColour(a.u.Node().ID()), 6) {
		t.Fatal("A's pointer is not drawn on B's drawing")
	}

	// B selects a piece; A's drawing outlines it in B's colour.
	cur := b.u.current
	if len(cur.Pieces) == 0 {
		t.Fatal("the derby has no pieces")
	}
	piece := cur.Pieces[0].ID
	b.u.editor.Select(Selection{Elems: []models.ID{piece}})
	until(t, "B's selection on A's drawing", func() bool {
		rs := a.u.editor.Remote()
		return len(rs) == 1 && len(rs[0].Selection) == 1 && rs[0].Selection[0] == piece
	}, a, b)

	// B zooms; A commits a change of the derby. B's derby updates in
	// place: the zoom and the selection stay, and a notice names Ana.
	// B also has an edit not saved yet (autosave off: its timer would
	// fire on another goroutine here).
	b.u.editor.session.schedule = nil
	line := canvas.AddStyleLine("Bo's line", models.LineStyle, models.Path{Points: []models.Point{{X: 10, Y: 10}, {X: 20, Y: 10}, {X: 30, Y: 10}, {X: 40, Y: 10}}})
	if err := b.u.editor.Do(line); err != nil {
		t.Fatal(err)
	}
	b.u.editor.Select(Selection{Elems: []models.ID{piece}})
	b.u.editor.Zoom(1.5)
	vp := b.u.editor.Viewport()
	d := *a.u.current
	d.Meta.Season = "SS99"
	v, err := a.u.StoreStudio().Commit(&d, "Season SS99")
	if err != nil {
		t.Fatal(err)
	}
	until(t, "A's change in B's window", func() bool {
		return b.u.current != nil && b.u.current.Meta.Season == "SS99" && b.u.editor.Design().Meta.Season == "SS99"
	}, a, b)
	if !strings.Contains(b.u.StudioNotice(), "Ana changed this design: Season SS99") {
		t.Fatalf("B's notice %q", b.u.StudioNotice())
	}
	if nv := b.u.editor.Viewport(); nv.Scale != vp.Scale || nv.OffX != vp.OffX || nv.OffY != vp.OffY {
		t.Fatalf("B's view moved: %+v, was %+v", b.u.editor.Viewport(), vp)
	}
	if sel := b.u.editor.Selection(); len(sel.Elems) != 1 || sel.Elems[0] != piece {
		t.Fatalf("B's selection lost: %+v", sel)
	}
	if models.FindElem(b.u.editor.Design(), line.Edits[0].ID) == nil || b.u.editor.session.UndoName() != "Add style line" || !b.u.editor.session.Dirty() {
		t.Fatalf("B's unsaved edit or its undo lost: undo %q, dirty %v", b.u.editor.session.UndoName(), b.u.editor.session.Dirty())
	}
	if a.u.StudioNotice() != "" {
		t.Fatalf("A is told of its own change: %q", a.u.StudioNotice())
	}

	// A version by a machine outside the studio is flagged in History;
	// the members', merges' and the samples' roots are not.
	outsider := newPeerIdentity(t, "Mallory")
	d2 := *b.u.current
	d2.Meta.Season = "SS98"
	bad, err := b.u.StoreStudio().Store().CommitDesign(store.DefaultBranch, &d2, "Not from here", outsider)
	if err != nil {
		t.Fatal(err)
	}
	until(t, "the outsider's version in B's history", func() bool { return b.u.history.version(bad.ID) != nil }, b)
	h := b.u.history
	for _, ver := range h.Versions() {
		want := ver.ID == bad.ID
		if got := h.NotMember(ver); got != want {
			t.Errorf("version %s (%s, %q): not a member %v", store.Short(ver.ID), ver.Author.Name, ver.Message, got)
		}
	}
	if h.NotMember(h.version(v.ID)) {
		t.Error("Ana's version flagged")
	}
	h.Select(bad.ID)
	if !strings.Contains(h.detail.Text, "not a studio member") {
		t.Fatalf("detail of the outsider's version: %q", h.detail.Text)
	}
	// Ana removes Bo: A's Studio tab marks Bo removed, and Bo's versions
	// are no longer by a member there.
	var boID string
	for _, m := range a.u.net.members {
		if m.Name == "Bo" {
			m.Removed = true
			boID = m.PeerID
			if err := p2p.SetMember(a.u.StoreStudio().Store(), a.u.StoreStudio().Identity(), m, "Removed Bo"); err != nil {
				t.Fatal(err)
			}
		}
	}
	until(t, "Bo marked removed on A", func() bool {
		for _, r := range a.u.StudioPanel().Rows() {
			if r.PeerID == boID && r.Removed {
				return true
			}
		}
		return false
	}, a, b)
	if a.u.history.NotMember(&models.Version{Author: models.Author{PeerID: boID, Name: "Bo"}, Parents: []models.ID{"x"}}) != true {
		t.Fatal("a removed member's version is not flagged")
	}

	// The member list is not a design.
	for _, w := range []*netUI{a, b} {
		for _, d := range w.u.designs {
			if p2p.IsStudioDoc(d.ID) {
				t.Fatal("the member list is listed as a design")
			}
		}
	}
}

// walk visits o and everything in it.
func walk(o fyne.CanvasObject, f func(fyne.CanvasObject)) {
	if o == nil {
		return
	}
	f(o)
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			walk(c, f)
		}
	case fyne.Widget:
		r := test.WidgetRenderer(x) // the one the window uses, not a temporary one
		for _, c := range r.Objects() {
			walk(c, f)
		}
	}
}

// overlayObjects lists what the top dialog shows.
func overlayObjects(t *testing.T, w fyne.Window) []fyne.CanvasObject {
	t.Helper()
	top := w.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no dialog shown")
	}
	var out []fyne.CanvasObject
	walk(top, func(o fyne.CanvasObject) { out = append(out, o) })
	return out
}

func tapButton(t *testing.T, w fyne.Window, text string) {
	t.Helper()
	for _, o := range overlayObjects(t, w) {
		if b, ok := o.(*widget.Button); ok && b.Text == text && b.Visible() {
			test.Tap(b)
			return
		}
	}
	t.Fatalf("no button %q in the dialog", text)
}

func entryIn(t *testing.T, w fyne.Window) *widget.Entry {
	t.Helper()
	for _, o := range overlayObjects(t, w) {
		if e, ok := o.(*widget.Entry); ok {
			return e
		}
	}
	t.Fatal("no entry in the dialog")
	return nil
}

func labelIn(t *testing.T, w fyne.Window, prefix string) string {
	t.Helper()
	for _, o := range overlayObjects(t, w) {
		if l, ok := o.(*widget.Label); ok && strings.HasPrefix(l.Text, prefix) {
			return l.Text
		}
	}
	t.Fatalf("no label %q… in the dialog", prefix)
	return ""
}

func hasImage(o fyne.CanvasObject) bool {
	found := false
	walk(o, func(o fyne.CanvasObject) {
		if img, ok := o.(*fynecanvas.Image); ok && img.Image != nil {
			found = true
		}
	})
	return found
}

func savePNG(t *testing.T, path string, img image.Image) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s", path)
}

// The indicator's states, from the peers the node reports.
func TestSyncIndicatorStates(t *testing.T) {
	a := test.NewTempApp(t)
	a.Preferences().SetString(prefLanguage, LangEN)
	u, err := New(a, a.NewWindow("Cordwain"), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	n := u.net
	check := func(wantState, wantText string) {
		t.Helper()
		n.updateIndicator()
		state, text := u.SyncState()
		if state != wantState || text != wantText || n.sync.Text != wantText {
			t.Fatalf("state %q %q (label %q), want %q %q", state, text, n.sync.Text, wantState, wantText)
		}
	}
	check(SyncNoStudio, "Not in a studio")
	n.studio = &p2p.Studio{Name: "S"}
	check(SyncOffline, "Offline (no peers)")
	now := time.Now()
	n.peers = []p2p.PeerStatus{{ID: "p1", Name: "Ana", Online: true}}
	check(SyncSyncing, "Syncing…")
	n.peers[0].LastSync = now
	check(SyncInStep, "In step (1 online)")
	n.recent, n.recentAt = 3, now
	check(SyncSyncing, "Syncing… (3 received)")
	// A full pull that knows what it brings says what is still to come,
	// over what was received lately; in step again when it is over.
	n.peers[0].Pending = 9200
	check(SyncSyncing, "Syncing… (9200 versions to come)")
	u.SetLanguage(LangZH)
	if _, text := u.SyncState(); text != "同步中…（还有 9200 个版本）" {
		t.Fatalf("in 中文: %q", text)
	}
	u.SetLanguage(LangEN)
	n.peers[0].Pending, n.recent = 0, 0
	check(SyncInStep, "In step (1 online)")
	n.peers = append(n.peers, p2p.PeerStatus{ID: "p2", Name: "Eve", Rejected: "protocol error: frame type 99"})
	check(SyncRejected, "A peer was rejected (Eve): protocol error: frame type 99")
	u.SetLanguage(LangZH)
	if _, text := u.SyncState(); !strings.Contains(text, "已拒绝") {
		t.Fatalf("in Chinese: %q", text)
	}
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}

func hasColourNear(img image.Image, x, y int, c color.NRGBA, r int) bool {
	for dy := -r; dy <= r; dy++ {
		for dx := -r; dx <= r; dx++ {
			got := color.NRGBAModel.Convert(img.At(x+dx, y+dy)).(color.NRGBA)
			if absInt(int(got.R)-int(c.R)) < 24 && absInt(int(got.G)-int(c.G)) < 24 && absInt(int(got.B)-int(c.B)) < 24 {
				return true
			}
		}
	}
	return false
}

func absInt(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// newPeerIdentity is a signing identity whose peer ID is a libp2p one,
// as a studio machine's is.
func newPeerIdentity(t *testing.T, name string) *store.Identity {
	t.Helper()
	id, err := store.NewIdentity(name)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := p2p.PeerID(id.Key.Public().(ed25519.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	id.PeerID = pid
	return id
}
