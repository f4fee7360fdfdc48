package app

import (
	"errors"
	"os"
	"path/filepath"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"cordwain/cli"
	"cordwain/models/store"
)

// StartOptions say how the window opens its studio.
type StartOptions struct {
	// DataDir is the studio's data directory.
	DataDir string
	// RetryEvery is how often the window tries again while another
	// process holds the studio; zero means every 2 s.
	RetryEvery time.Duration
	// OnOpen, if set, runs on the UI goroutine once the studio is open
	// (main starts the control channel there).
	OnOpen func(*StoreStudio)
	// OnFail, if set, runs on the UI goroutine after each attempt that
	// could not open the studio (main logs the error).
	OnFail func(error)
	// Elsewhere, if set, is asked off the UI goroutine after each attempt
	// that found the studio in use: true means a running Cordwain holds it
	// and has raised its window (main asks over the control channel), and
	// this window closes.
	Elsewhere func() bool
	// Open opens the studio; nil means cli.OpenStudio. It returns the
	// open store with a nil identity and an error wrapping
	// cli.ErrIdentityLost when this machine's key is gone.
	Open func(dataDir string) (*store.Store, *store.Identity, error)

	// Tests: afterAttempt runs on the UI goroutine after each attempt has
	// been shown; quiet skips watching the store (the test driver runs
	// fyne.Do on the calling goroutine, so tests reload themselves).
	afterAttempt func()
	quiet        bool
}

// startup is the window's side of opening the studio: the notice over the
// editor (why the studio is not open, or why signing is off) with its
// buttons, and the retries.
type startup struct {
	opts  StartOptions
	every time.Duration

	kick chan struct{} // Retry
	quit chan struct{} // closed by CloseStudio

	mu     sync.Mutex // guards closed and studio
	closed bool
	studio *StoreStudio

	// lost explains why commits are off (ErrIdentityLost); UI goroutine.
	lost error

	box   *fyne.Container
	msg   *widget.Label
	retry *widget.Button
	newID *widget.Button
}

// Start builds the main window and opens the studio in opts.DataDir in the
// background. Until the studio is open the window shows only why not; while
// another process holds it, the window tries again every few seconds and
// offers Retry, and opens it in place once it is free. A studio whose
// signing key is lost opens with commits off, the explanation shown and
// File → New identity… offered.
func Start(a fyne.App, w fyne.Window, opts StartOptions) (*UI, error) {
	u, err := New(a, w, nil, nil)
	if err != nil {
		return nil, err
	}
	s := u.notice()
	s.opts = opts
	s.every = opts.RetryEvery
	if s.every <= 0 {
		s.every = 2 * time.Second
	}
	if s.opts.Open == nil {
		s.opts.Open = cli.OpenStudio
	}
	u.showNotice(u.tr.L("start.opening", map[string]any{"Dir": opts.DataDir}), widget.MediumImportance, false)
	go u.openLoop()
	return u, nil
}

// notice returns the startup notice, creating its widgets on first use
// (build places them over the editor).
func (u *UI) notice() *startup {
	if u.start != nil {
		return u.start
	}
	s := &startup{kick: make(chan struct{}, 1), quit: make(chan struct{})}
	s.msg = widget.NewLabel("")
	s.msg.Wrapping = fyne.TextWrapWord
	s.retry = widget.NewButton("", func() { u.tryOpen() })
	s.newID = widget.NewButton("", func() { u.askNewIdentity() })
	s.box = container.NewVBox(s.msg, container.NewHBox(s.retry, s.newID))
	s.box.Hide()
	u.start = s
	return s
}

// noticeObject is what build puts over the editor.
func (u *UI) noticeObject() fyne.CanvasObject { return u.notice().box }

// Notice is the text of the startup notice ("" when hidden).
func (u *UI) Notice() string {
	if u.start == nil || !u.start.box.Visible() {
		return ""
	}
	return u.start.msg.Text
}

// StoreStudio is the open studio, nil until it opened.
func (u *UI) StoreStudio() *StoreStudio {
	if u.start == nil {
		return nil
	}
	u.start.mu.Lock()
	defer u.start.mu.Unlock()
	return u.start.studio
}

// showNotice shows text over the editor; retry says whether Retry is
// offered. New identity… is offered while signing is off.
func (u *UI) showNotice(text string, imp widget.Importance, retry bool) {
	s := u.notice()
	s.msg.SetText(text)
	s.msg.Importance = imp
	s.msg.Refresh()
	s.retry.SetText(u.tr.L("start.retry"))
	s.newID.SetText(u.tr.L("identity.new"))
	if retry {
		s.retry.Show()
	} else {
		s.retry.Hide()
	}
	if s.lost != nil {
		s.newID.Show()
	} else {
		s.newID.Hide()
	}
	s.box.Show()
}

func (u *UI) hideNotice() { u.notice().box.Hide() }

// tryOpen asks for another attempt now (Retry). UI goroutine.
func (u *UI) tryOpen() {
	s := u.notice()
	s.retry.Disable() // before the attempt can start
	select {
	case s.kick <- struct{}{}:
	default: // an attempt is already asked for
	}
}

// openLoop opens the studio, on its own goroutine (an open waits up to a
// second for a lock, and verifies every version), shows each outcome on
// the UI goroutine, and tries again every few seconds while another
// process holds the studio, or when Retry asks, until it is open or the
// window is gone.
func (u *UI) openLoop() {
	s := u.start
	for {
		st, id, err := s.opts.Open(s.opts.DataDir)
		res := make(chan bool, 1)
		fyne.Do(func() { res <- u.opened(st, id, err) })
		select {
		case done := <-res:
			if done {
				return
			}
		case <-s.quit:
			return
		}
		if errors.Is(err, store.ErrInUse) && s.opts.Elsewhere != nil && s.opts.Elsewhere() {
			fyne.Do(u.win.Close)
			return
		}
		var tick <-chan time.Time
		var t *time.Timer
		if errors.Is(err, store.ErrInUse) {
			t = time.NewTimer(s.every)
			tick = t.C
		}
		select {
		case <-s.kick:
		case <-tick:
		case <-s.quit:
		}
		if t != nil {
			t.Stop()
		}
		select {
		case <-s.quit:
			return
		default:
		}
	}
}

// opened shows the outcome of an attempt to open the studio and says
// whether the attempts are over. UI goroutine.
func (u *UI) opened(st *store.Store, id *store.Identity, err error) (done bool) {
	s := u.notice()
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		if st != nil {
			st.Close()
		}
		return true
	}
	if st == nil {
		s.mu.Unlock()
		s.retry.Enable()
		text := u.tr.L("error.data_dir") + ": " + err.Error()
		if errors.Is(err, store.ErrInUse) {
			text = u.tr.L("start.in_use", map[string]any{"Dir": s.opts.DataDir, "Seconds": int(s.every.Round(time.Second) / time.Second)})
		}
		u.showNotice(text, widget.DangerImportance, true)
		u.updateStatus()
		if s.opts.OnFail != nil {
			s.opts.OnFail(err)
		}
		u.after()
		return false
	}
	studio := NewStoreStudio(st, id)
	s.studio = studio
	s.mu.Unlock()
	if id == nil {
		s.lost = err
		if s.lost == nil {
			s.lost = ErrNoIdentity
		}
	}
	u.attach(studio)
	if s.opts.OnOpen != nil {
		s.opts.OnOpen(studio)
	}
	u.after()
	return true
}

func (u *UI) after() {
	if f := u.notice().opts.afterAttempt; f != nil {
		f()
	}
}

// attach puts the open studio in the window.
func (u *UI) attach(studio *StoreStudio) {
	u.studio = studio
	u.history.studio = studio
	u.conflicts.studio = studio
	u.showIdentityState()
	u.reload()
	if u.start.opts.quiet {
		return
	}
	ch := studio.Changed()
	go func() {
		for range ch {
			fyne.Do(func() {
				u.recheckIdentity()
				u.reload()
			})
		}
	}()
}

// showIdentityState shows why signing is off, or hides the notice.
func (u *UI) showIdentityState() {
	s := u.notice()
	if s.lost != nil {
		u.showNotice(u.tr.L("identity.lost")+": "+s.lost.Error(), widget.WarningImportance, false)
	} else {
		u.hideNotice()
	}
	u.win.SetMainMenu(u.mainMenu())
}

// fileItems are the File menu: export, and New identity… while signing
// is off.
func (u *UI) fileItems(export *fyne.MenuItem) []*fyne.MenuItem {
	items := []*fyne.MenuItem{export}
	if u.start != nil && u.start.lost != nil {
		items = append(items, fyne.NewMenuItemSeparator(), fyne.NewMenuItem(u.tr.L("identity.new"), u.askNewIdentity))
	}
	return items
}

// askNewIdentity asks before starting a new identity.
func (u *UI) askNewIdentity() {
	s := u.notice()
	d := dialog.NewConfirm(u.tr.L("identity.new_title"),
		u.tr.L("identity.new_confirm", map[string]any{"Dir": s.opts.DataDir}),
		func(ok bool) {
			if ok {
				u.NewIdentity()
			}
		}, u.win)
	d.SetConfirmText(u.tr.L("identity.new_do"))
	d.SetDismissText(u.tr.L("identity.cancel"))
	d.Show()
}

// NewIdentity starts a new identity for this machine, recorded in the
// studio as replacing the lost key, and turns commits back on. A key file
// that has come back (restored from a backup) is used instead.
func (u *UI) NewIdentity() {
	s := u.notice()
	studio := u.StoreStudio()
	if studio == nil || s.lost == nil {
		return
	}
	shared := cli.Shared(s.opts.DataDir, studio.Store())
	fresh := !keyFileExists(s.opts.DataDir)
	id, err := shared.Identity(fresh)
	if err != nil {
		dialog.ShowInformation(u.tr.L("identity.new_title"), u.tr.L("identity.failed", map[string]any{"Error": err.Error()}), u.win)
		return
	}
	studio.SetIdentity(id)
	s.lost = nil
	u.showIdentityState()
	if fresh {
		dialog.ShowInformation(u.tr.L("identity.new_title"), u.tr.L("identity.started", map[string]any{"PeerID": id.PeerID}), u.win)
	}
}

// recheckIdentity takes this machine's key once its file is back (put
// back from a backup, or a new identity started by a command handed to
// this window) while signing is off.
func (u *UI) recheckIdentity() {
	s := u.notice()
	studio := u.StoreStudio()
	if s.lost == nil || studio == nil || !keyFileExists(s.opts.DataDir) {
		return
	}
	id, err := cli.Shared(s.opts.DataDir, studio.Store()).Identity(false)
	if err != nil {
		return // still lost, or unreadable: the notice stays
	}
	studio.SetIdentity(id)
	s.lost = nil
	u.showIdentityState()
}

func keyFileExists(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, store.IdentityFile))
	return err == nil
}

// CloseStudio stops retrying and closes the studio if it is open. main
// calls it after the window closed.
func (u *UI) CloseStudio() error {
	s := u.notice()
	s.mu.Lock()
	if !s.closed {
		s.closed = true
		close(s.quit)
	}
	studio := s.studio
	s.studio = nil
	s.mu.Unlock()
	if studio == nil {
		return nil
	}
	return studio.Close()
}
