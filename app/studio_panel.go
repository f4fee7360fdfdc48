package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	fynecanvas "fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	qrcode "github.com/skip2/go-qrcode"

	"cordwain/cli"
	"cordwain/p2p"
)

func studioIcon() fyne.Resource { return theme.AccountIcon() }

// StudioPanel is the Studio tab: the studio's name, its members (online,
// what they have open, last sync; removed ones marked), and invite, join,
// create and add-peer.
type StudioPanel struct {
	u       *UI
	name    *widget.Label
	me      *widget.Label
	members *fyne.Container
	message *widget.Label

	inviteBtn, joinBtn, createBtn, addBtn *widget.Button
	box                                   fyne.CanvasObject

	// afterDialog, when set (tests), runs when what a dialog started is
	// done.
	afterDialog func(error)
	// shown is what refresh last put on screen: a refresh that would show
	// the same leaves the widgets alone (and the window undrawn).
	shown string
}

// MemberRow is one line of the members list, as shown.
type MemberRow struct {
	PeerID   string
	Name     string
	Online   bool
	Removed  bool
	Member   bool // in the member list (else a peer met that is not)
	Open     string
	LastSync time.Time
	Me       bool
}

func newStudioPanel(u *UI) *StudioPanel {
	p := &StudioPanel{u: u}
	p.name = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.name.Wrapping = fyne.TextWrapWord
	p.me = widget.NewLabel("")
	p.me.Wrapping = fyne.TextWrapBreak
	p.me.SizeName = theme.SizeNameCaptionText
	p.me.Selectable = true
	p.members = container.NewVBox()
	p.message = widget.NewLabel("")
	p.message.Wrapping = fyne.TextWrapWord
	p.message.Hide()
	p.inviteBtn = widget.NewButtonWithIcon("", theme.MailSendIcon(), p.showInvite)
	p.joinBtn = widget.NewButtonWithIcon("", theme.LoginIcon(), p.showJoin)
	p.createBtn = widget.NewButtonWithIcon("", theme.ContentAddIcon(), p.showCreate)
	p.addBtn = widget.NewButtonWithIcon("", theme.ComputerIcon(), p.showAddPeer)
	buttons := container.NewGridWithColumns(2, p.inviteBtn, p.joinBtn, p.createBtn, p.addBtn)
	p.box = container.NewBorder(container.NewVBox(p.name, buttons, p.message, widget.NewSeparator()), p.me, nil, nil,
		container.NewVScroll(p.members))
	return p
}

// Object is the panel's canvas object.
func (p *StudioPanel) Object() fyne.CanvasObject { return p.box }

// StudioPanel is the Studio tab.
func (u *UI) StudioPanel() *StudioPanel { return u.net.panel }

func (p *StudioPanel) applyLanguage() {
	tr := p.u.tr
	p.inviteBtn.SetText(tr.L("studio.invite"))
	p.joinBtn.SetText(tr.L("studio.join"))
	p.createBtn.SetText(tr.L("studio.create"))
	p.addBtn.SetText(tr.L("studio.add_peer"))
	p.refresh()
}

// Rows are the members list as shown: members by name (this machine
// first), then peers met that are not members.
func (p *StudioPanel) Rows() []MemberRow {
	n := p.u.net
	me := ""
	if s := p.u.StoreStudio(); s != nil && s.Identity() != nil {
		me = s.Identity().PeerID
	}
	peers := map[string]int{}
	for i, ps := range n.peers {
		peers[ps.ID] = i
	}
	var rows []MemberRow
	seen := map[string]bool{}
	for _, m := range n.members {
		r := MemberRow{PeerID: m.PeerID, Name: m.Name, Removed: m.Removed, Member: true, Me: m.PeerID == me}
		if i, ok := peers[m.PeerID]; ok {
			p.fill(&r, n.peers[i])
		}
		if r.Me {
			r.Online = n.node != nil
			rows = append([]MemberRow{r}, rows...)
		} else {
			rows = append(rows, r)
		}
		seen[m.PeerID] = true
	}
	for _, ps := range n.peers {
		if seen[ps.ID] || !ps.Online {
			continue
		}
		r := MemberRow{PeerID: ps.ID, Name: n.nameOf(ps.ID, ps.Name)}
		p.fill(&r, ps)
		rows = append(rows, r)
	}
	return rows
}

func (p *StudioPanel) fill(r *MemberRow, ps p2p.PeerStatus) {
	r.Online, r.LastSync = ps.Online, ps.LastSync
	if ps.Presence != nil && ps.Presence.Design != "" && ps.Online {
		name := string(ps.Presence.Design)
		for _, d := range p.u.designs {
			if d.ID == ps.Presence.Design {
				name = p.u.displayName(d.Name, d.NameZH)
			}
		}
		r.Open = name
		for _, v := range views {
			if strings.TrimPrefix(v.key, "view.") == ps.Presence.View {
				r.Open += " · " + p.u.tr.L(v.key)
			}
		}
	}
}

// refresh shows the studio as the window knows it now. It changes
// nothing when what it would show is what is shown: the node reports
// often, and every change redraws the window.
func (p *StudioPanel) refresh() {
	tr := p.u.tr
	n := p.u.net
	name := tr.L("studio.none")
	if n.studio != nil {
		name = tr.L("studio.name", map[string]any{"Name": n.studio.Name})
	}
	me := ""
	if node := p.u.Node(); node != nil {
		me = tr.L("studio.this_machine", map[string]any{"Peer": node.ID()})
	}
	open := p.u.StoreStudio() != nil
	rows := p.Rows()
	// The language is part of it: the rows' texts are translated.
	shown := fmt.Sprintf("%s\x00%s\x00%s\x00%v\x00%v\x00%v", tr.Language(), name, me, n.studio != nil, open, rows)
	if shown == p.shown {
		return
	}
	p.shown = shown
	p.name.SetText(name)
	p.me.SetText(me)
	if n.studio == nil {
		p.inviteBtn.Disable()
		p.addBtn.Disable()
	} else {
		p.inviteBtn.Enable()
		p.addBtn.Enable()
	}
	if !open {
		p.joinBtn.Disable()
		p.createBtn.Disable()
	} else {
		p.joinBtn.Enable()
		p.createBtn.Enable()
	}
	var objs []fyne.CanvasObject
	for _, r := range rows {
		objs = append(objs, p.row(r))
	}
	p.members.Objects = objs
	p.members.Refresh()
}

func (p *StudioPanel) row(r MemberRow) fyne.CanvasObject {
	tr := p.u.tr
	c := colOffline
	if r.Online {
		c = colOnline
	}
	dot := fynecanvas.NewCircle(c)
	name := r.Name
	if r.Me {
		name = tr.L("studio.you", map[string]any{"Name": name})
	}
	title := widget.NewLabelWithStyle(name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.Truncation = fyne.TextTruncateEllipsis
	var lines []string
	switch {
	case r.Removed:
		lines = append(lines, tr.L("studio.removed"))
		title.Importance = widget.LowImportance
	case !r.Member:
		lines = append(lines, tr.L("history.not_member"))
		title.Importance = widget.WarningImportance
	}
	if r.Open != "" {
		lines = append(lines, tr.L("studio.has_open", map[string]any{"Design": r.Open}))
	}
	if !r.Me {
		if !r.LastSync.IsZero() && r.LastSync.Unix() > 0 {
			lines = append(lines, tr.L("studio.last_sync", map[string]any{"Time": r.LastSync.Local().Format("2006-01-02 15:04:05")}))
		} else {
			lines = append(lines, tr.L("studio.never_synced"))
		}
	}
	detail := widget.NewLabel(strings.Join(lines, "\n"))
	detail.SizeName = theme.SizeNameCaptionText
	detail.Wrapping = fyne.TextWrapWord
	return container.NewBorder(nil, nil, container.NewCenter(container.NewGridWrap(fyne.NewSize(10, 10), dot)), nil,
		container.NewVBox(title, detail))
}

func (p *StudioPanel) showMessage(text string, bad bool) {
	p.message.SetText(text)
	p.message.Importance = widget.MediumImportance
	if bad {
		p.message.Importance = widget.DangerImportance
	}
	p.message.Show()
	p.message.Refresh()
}

// Message is the panel's last message ("" when none).
func (p *StudioPanel) Message() string {
	if !p.message.Visible() {
		return ""
	}
	return p.message.Text
}

// InviteCode is a fresh invite code with this machine's current
// addresses.
func (p *StudioPanel) InviteCode() (string, error) {
	n := p.u.net
	if n.studio == nil {
		return "", p2p.ErrNoStudio
	}
	inv := p2p.Invite{Studio: *n.studio, Addrs: p.u.CommandNet().Addrs()}
	if len(inv.Addrs) > 16 {
		inv.Addrs = inv.Addrs[:16]
	}
	return inv.Encode()
}

// showInvite shows an invite code as text, with Copy, and as a QR code.
func (p *StudioPanel) showInvite() {
	tr := p.u.tr
	code, err := p.InviteCode()
	if err != nil {
		p.showMessage(err.Error(), true)
		return
	}
	text := widget.NewLabel(code)
	text.Wrapping = fyne.TextWrapBreak
	text.Selectable = true
	text.TextStyle.Monospace = true
	copyBtn := widget.NewButtonWithIcon(tr.L("studio.copy"), theme.ContentCopyIcon(), nil)
	copyBtn.OnTapped = func() {
		p.u.app.Clipboard().SetContent(code)
		copyBtn.SetText(tr.L("studio.copied"))
	}
	content := container.NewVBox(widget.NewLabel(tr.L("studio.invite_help", map[string]any{"Name": p.u.net.studio.Name})), text, copyBtn)
	if img, err := inviteQR(code); err == nil {
		qr := fynecanvas.NewImageFromImage(img)
		qr.FillMode = fynecanvas.ImageFillContain
		qr.ScaleMode = fynecanvas.ImageScalePixels
		qr.SetMinSize(fyne.NewSize(240, 240))
		content.Add(container.NewCenter(qr))
	}
	d := dialog.NewCustom(tr.L("studio.invite_title"), tr.L("studio.close"), container.NewVScroll(content), p.u.win)
	d.Resize(fyne.NewSize(520, 560))
	d.Show()
}

// inviteQR is the code as a QR image.
func inviteQR(code string) (image.Image, error) {
	q, err := qrcode.New(code, qrcode.Medium)
	if err != nil {
		return nil, err
	}
	q.DisableBorder = false
	return q.Image(480), nil
}

// run runs a studio command as the command line would, handed to this
// window (its store and node), off the UI goroutine; done gets its
// output, or the error.
func (p *StudioPanel) run(args []string, done func(out string, err error)) {
	studio := p.u.StoreStudio()
	if studio == nil {
		done("", errors.New("the studio is not open"))
		return
	}
	n := p.u.net
	if n.dir == "" && p.u.start != nil {
		n.dir = p.u.start.opts.DataDir // StartNetwork was not called
	}
	if n.dir == "" {
		done("", errors.New("the studio is not open"))
		return
	}
	env := cli.Env{DataDir: n.dir, Studio: cli.Shared(n.dir, studio.Store()), Net: p.u.CommandNet()}
	go func() {
		var out, errOut bytes.Buffer
		env.Stdout, env.Stderr, env.Stdin = &out, &errOut, strings.NewReader("")
		status := cli.Execute(env, args)
		var err error
		if status != 0 {
			msg := strings.TrimSpace(errOut.String())
			msg = strings.TrimPrefix(msg, "cordwain "+args[0]+": ")
			err = errors.New(msg)
		}
		n.do(func() { done(out.String(), err) })
	}()
}

// Join joins the studio of an invite code (as `cordwain studio join`;
// force leaves the studio this machine is in) and starts the node; done,
// if set, runs after.
func (p *StudioPanel) Join(code string, force bool, done func(error)) {
	args := []string{"studio", "join"}
	if force {
		args = append(args, "--force")
	}
	inv, err := p2p.DecodeInvite(code)
	if err != nil {
		p.finish(err, done)
		return
	}
	if cur := p.u.net.studio; cur != nil && cur.Key != inv.Studio.Key {
		if !force {
			p.finish(fmt.Errorf("%s", p.u.tr.L("studio.join_other", map[string]any{"Current": cur.Name, "Name": inv.Studio.Name})), done)
			return
		}
		p.u.net.stopNode() // its key is the old studio's
	}
	p.run(append(args, strings.Join(strings.Fields(code), "")), func(_ string, err error) {
		if err == nil {
			p.u.net.on = true
			p.u.net.loadMembers()
			if err = p.u.net.ensureNode(); err == nil {
				p.connectInvite(inv)
				p.showMessage(p.u.tr.L("studio.joined", map[string]any{"Name": inv.Studio.Name}), false)
			}
		}
		p.finish(err, done)
	})
}

// connectInvite dials the inviter's addresses in the background (the
// node also redials remembered peers).
func (p *StudioPanel) connectInvite(inv *p2p.Invite) {
	node := p.u.Node()
	if node == nil {
		return
	}
	for _, a := range inv.Addrs {
		a := a.String()
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := node.Connect(ctx, a); err != nil {
				p.u.net.logf("joining: %v", err)
			}
		}()
	}
}

func (p *StudioPanel) finish(err error, done func(error)) {
	if err != nil {
		p.showMessage(err.Error(), true)
	}
	p.refresh()
	if done != nil {
		done(err)
	}
}

// Create makes a new studio named name (as `cordwain studio create`) and
// starts its node.
func (p *StudioPanel) Create(name string, force bool, done func(error)) {
	args := []string{"studio", "create"}
	if force {
		args = append(args, "--force")
	}
	if p.u.net.studio != nil && force {
		p.u.net.stopNode()
	}
	p.run(append(args, name), func(_ string, err error) {
		if err == nil {
			p.u.net.on = true
			p.u.net.loadMembers()
			if err = p.u.net.ensureNode(); err == nil {
				p.showMessage(p.u.tr.L("studio.created", map[string]any{"Name": name}), false)
			}
		}
		p.finish(err, done)
	})
}

// AddPeer remembers a studio machine by its address and connects to it
// (as `cordwain peers add`).
func (p *StudioPanel) AddPeer(addr string, done func(error)) {
	p.run([]string{"peers", "add", strings.TrimSpace(addr)}, func(_ string, err error) {
		if err == nil {
			p.showMessage(p.u.tr.L("studio.peer_added"), false)
			p.u.net.refresh()
		}
		p.finish(err, done)
	})
}

func (p *StudioPanel) showJoin() {
	tr := p.u.tr
	code := widget.NewMultiLineEntry()
	code.SetPlaceHolder("CW1-…")
	code.Wrapping = fyne.TextWrapBreak
	code.SetMinRowsVisible(5)
	leave := widget.NewCheck(tr.L("studio.leave_current"), nil)
	items := []*widget.FormItem{widget.NewFormItem(tr.L("studio.code"), code)}
	if p.u.net.studio != nil {
		items = append(items, widget.NewFormItem("", leave))
	}
	d := dialog.NewForm(tr.L("studio.join_title"), tr.L("studio.join"), tr.L("studio.cancel"), items, func(ok bool) {
		if ok {
			p.Join(code.Text, leave.Checked, p.afterDialog)
		}
	}, p.u.win)
	d.Resize(fyne.NewSize(520, 320))
	d.Show()
}

func (p *StudioPanel) showCreate() {
	tr := p.u.tr
	name := widget.NewEntry()
	leave := widget.NewCheck(tr.L("studio.leave_current"), nil)
	items := []*widget.FormItem{widget.NewFormItem(tr.L("studio.studio_name"), name)}
	if p.u.net.studio != nil {
		items = append(items, widget.NewFormItem("", leave))
	}
	d := dialog.NewForm(tr.L("studio.create_title"), tr.L("studio.create"), tr.L("studio.cancel"), items, func(ok bool) {
		if ok && strings.TrimSpace(name.Text) != "" {
			p.Create(strings.TrimSpace(name.Text), leave.Checked, p.afterDialog)
		}
	}, p.u.win)
	submitOnEnter(d, name)
	d.Resize(fyne.NewSize(420, 200))
	d.Show()
}

func (p *StudioPanel) showAddPeer() {
	tr := p.u.tr
	addr := widget.NewEntry()
	addr.SetPlaceHolder("/ip4/192.168.1.20/tcp/4717/p2p/12D3KooW…")
	d := dialog.NewForm(tr.L("studio.add_peer_title"), tr.L("studio.add_peer"), tr.L("studio.cancel"),
		[]*widget.FormItem{widget.NewFormItem(tr.L("studio.address"), addr)}, func(ok bool) {
			if ok && strings.TrimSpace(addr.Text) != "" {
				p.AddPeer(addr.Text, p.afterDialog)
			}
		}, p.u.win)
	submitOnEnter(d, addr)
	d.Resize(fyne.NewSize(560, 180))
	d.Show()
}
