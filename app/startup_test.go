package app

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"cordwain/cli"
	"cordwain/models/store"
)

// shot is the window as an attempt to open the studio left it, taken on
// the goroutine that showed it (the test driver runs fyne.Do there).
type shot struct {
	notice, status string
	open, retry    bool
	labels         string // every label in the window, one a line
	designs        int
}

// startUI starts the window on dir; every attempt to open the studio
// sends a shot.
func startUI(t *testing.T, dir string, every time.Duration) (*UI, fyne.Window, chan shot) {
	t.Helper()
	a := test.NewTempApp(t)
	a.Preferences().SetString(prefLanguage, LangEN)
	w := a.NewWindow("Cordwain")
	w.Resize(DefaultWindowSize)
	shots := make(chan shot, 64)
	var u *UI
	ready := make(chan struct{})
	opts := StartOptions{DataDir: dir, RetryEvery: every, quiet: true}
	opts.afterAttempt = func() {
		<-ready
		s := shot{notice: u.Notice(), status: u.status.Text, open: u.StoreStudio() != nil,
			retry: u.start.retry.Visible() && !u.start.retry.Disabled(), designs: len(u.designs)}
		var labels []string
		for _, o := range objects(w) {
			if l, ok := o.(*widget.Label); ok && l.Visible() {
				labels = append(labels, l.Text)
			}
		}
		s.labels = strings.Join(labels, "\n")
		shots <- s
	}
	u, err := Start(a, w, opts)
	if err != nil {
		t.Fatal(err)
	}
	close(ready)
	t.Cleanup(func() {
		u.CloseStudio()
		w.Close()
	})
	return u, w, shots
}

func next(t *testing.T, shots chan shot) shot {
	t.Helper()
	select {
	case s := <-shots:
		return s
	case <-time.After(20 * time.Second):
		t.Fatal("no attempt to open the studio")
	}
	return shot{}
}

// holdStudio opens the studio in dir in this process, as another
// Cordwain would: the window then finds it in use.
func holdStudio(t *testing.T, dir string) *cli.Studio {
	t.Helper()
	s, err := cli.Open(dir, cli.Write)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func checkOnlyTheError(t *testing.T, s shot, want string) {
	t.Helper()
	if s.open || !strings.Contains(s.notice, want) {
		t.Fatalf("open %v, notice %q", s.open, s.notice)
	}
	if s.status != "" || strings.Contains(s.labels, "No designs") {
		t.Fatalf("the window says more than the error: status %q, labels:\n%s", s.status, s.labels)
	}
}

func TestStudioInUseIsRetriedAndOpensInTheSameWindow(t *testing.T) {
	dir := t.TempDir()
	held := holdStudio(t, dir)
	u, _, shots := startUI(t, dir, 50*time.Millisecond)
	s := next(t, shots)
	checkOnlyTheError(t, s, "Another program is using this studio")
	if !s.retry {
		t.Fatal("no Retry button while the studio is in use")
	}
	if s = next(t, shots); s.open {
		t.Fatal("opened while held")
	}
	held.Close()
	for !s.open {
		s = next(t, shots)
	}
	if s.notice != "" || s.designs != 3 || !strings.Contains(s.status, "3") {
		t.Fatalf("after the lock was freed: notice %q, %d designs, status %q", s.notice, s.designs, s.status)
	}
	if u.StoreStudio().Identity() == nil {
		t.Fatal("opened without this machine's identity")
	}
	select {
	case s := <-shots:
		t.Fatalf("tried again after opening: %+v", s)
	case <-time.After(200 * time.Millisecond):
	}
}

func TestRetryButtonOpensTheStudio(t *testing.T) {
	dir := t.TempDir()
	held := holdStudio(t, dir)
	u, w, shots := startUI(t, dir, time.Hour)
	checkOnlyTheError(t, next(t, shots), "Another program is using this studio")
	held.Close()
	test.Tap(button(t, w, "Retry"))
	if s := next(t, shots); !s.open || s.designs != 3 {
		t.Fatalf("Retry: %+v", s)
	}
	if u.Current() == nil {
		t.Fatal("no design open after Retry")
	}
}

func TestWindowStartedBesideARunningCordwainCloses(t *testing.T) {
	dir := t.TempDir()
	held := holdStudio(t, dir)
	defer held.Close()
	a := test.NewTempApp(t)
	w := a.NewWindow("Cordwain")
	closed := make(chan struct{})
	w.SetOnClosed(func() { close(closed) })
	asked := make(chan struct{}, 8)
	u, err := Start(a, w, StartOptions{DataDir: dir, RetryEvery: time.Hour, quiet: true,
		Elsewhere: func() bool { asked <- struct{}{}; return true }})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-closed:
	case <-time.After(20 * time.Second):
		t.Fatal("the window stayed although a running Cordwain holds the studio")
	}
	if len(asked) != 1 || u.StoreStudio() != nil {
		t.Fatalf("asked %d times, studio %v", len(asked), u.StoreStudio())
	}
}

func TestDamagedStudioShowsOnlyTheError(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, store.FileName), []byte(strings.Repeat("not a store ", 500)), 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, shots := startUI(t, dir, 50*time.Millisecond)
	s := next(t, shots)
	checkOnlyTheError(t, s, "cannot use its data directory")
	if !strings.Contains(s.notice, "salvage") {
		t.Fatalf("no way forward in %q", s.notice)
	}
	select {
	case s := <-shots:
		t.Fatalf("a damaged studio was retried on its own: %+v", s)
	case <-time.After(300 * time.Millisecond):
	}
}

// loseKey makes a studio with versions signed on this machine and then
// removes its key file; it returns the key file's content.
func loseKey(t *testing.T, dir string) []byte {
	t.Helper()
	st, _, err := cli.OpenStudio(dir)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	key := filepath.Join(dir, store.IdentityFile)
	b, err := os.ReadFile(key)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(key); err != nil {
		t.Fatal(err)
	}
	return b
}

func TestLostKeyOpensWithSigningOffUntilANewIdentity(t *testing.T) {
	dir := t.TempDir()
	loseKey(t, dir)
	u, w, shots := startUI(t, dir, time.Hour)
	s := next(t, shots)
	if !s.open || s.designs != 3 || !strings.Contains(s.notice, "Signing is off") || !strings.Contains(s.notice, "missing") {
		t.Fatalf("lost key: %+v", s)
	}
	studio := u.StoreStudio()
	if studio.Identity() != nil {
		t.Fatal("an identity although the key is lost")
	}
	// The notice stays while designs are opened.
	u.SelectDesign(u.designs[1].ID)
	if !strings.Contains(u.Notice(), "Signing is off") {
		t.Fatalf("notice gone after selecting a design: %q", u.Notice())
	}
	// A commit says why it cannot be made.
	head, _ := studio.Store().Head(u.designs[0].ID, store.DefaultBranch)
	if _, err := studio.Restore(u.designs[0].ID, head.ID); !errors.Is(err, ErrNoIdentity) || !strings.Contains(err.Error(), "New identity") {
		t.Fatalf("restore without a key: %v", err)
	}
	u.history.Restore(head.ID) // through the panel: a message, no panic
	d0, err := studio.Design(u.designs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	d0.Meta.Season = "SS39"
	if _, err := studio.Commit(d0, "edited"); !errors.Is(err, ErrNoIdentity) { // the editor's save
		t.Fatalf("editor commit without a key: %v", err)
	}
	if !hasMenuItem(w, "File", "New identity…") {
		t.Fatal("no File → New identity…")
	}

	test.Tap(button(t, w, "New identity…"))
	test.Tap(button(t, w, "Start a new identity"))
	if studio.Identity() == nil || u.Notice() != "" {
		t.Fatalf("after New identity: identity %v, notice %q", studio.Identity(), u.Notice())
	}
	if _, err := os.Stat(filepath.Join(dir, store.IdentityFile)); err != nil {
		t.Fatal(err)
	}
	recs := studio.Store().Identities()
	if len(recs) != 2 || !strings.Contains(recs[1].Note, "lost") {
		t.Fatalf("new identity not recorded as replacing the lost one: %+v", recs)
	}
	if hasMenuItem(w, "File", "New identity…") {
		t.Fatal("New identity… still offered")
	}
	d, _ := studio.Design(u.designs[0].ID)
	d.Meta.Season = "SS40"
	if _, err := studio.Store().CommitDesign(store.DefaultBranch, d, "signed again", studio.Identity()); err != nil {
		t.Fatal(err)
	}
}

func TestKeyPutBackIsUsed(t *testing.T) {
	dir := t.TempDir()
	key := loseKey(t, dir)
	u, _, shots := startUI(t, dir, time.Hour)
	if s := next(t, shots); !s.open || s.notice == "" {
		t.Fatalf("lost key: %+v", s)
	}
	if err := os.WriteFile(filepath.Join(dir, store.IdentityFile), key, 0o600); err != nil {
		t.Fatal(err)
	}
	u.recheckIdentity() // as on the next store event
	id := u.StoreStudio().Identity()
	if id == nil || u.Notice() != "" {
		t.Fatalf("key put back: identity %v, notice %q", id, u.Notice())
	}
	if recs := u.StoreStudio().Store().Identities(); recs[len(recs)-1].PeerID != id.PeerID || len(recs) != 1 {
		t.Fatalf("the old key is not the one in use: %+v", recs)
	}
}

func hasMenuItem(w fyne.Window, menu, item string) bool {
	mm := w.MainMenu()
	if mm == nil {
		return false
	}
	for _, m := range mm.Items {
		if m.Label != menu {
			continue
		}
		for _, it := range m.Items {
			if it.Label == item {
				return true
			}
		}
	}
	return false
}
