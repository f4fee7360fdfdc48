package app

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"cordwain/cli"
	"cordwain/models"
)

// openWindowOn is a window of app a (its preferences are what a restart
// keeps) on studio, with the History tab shown.
func openWindowOn(t *testing.T, a fyne.App, studio *StoreStudio) *UI {
	t.Helper()
	w := a.NewWindow("Cordwain")
	w.Resize(DefaultWindowSize)
	u, err := New(a, w, quietStudio{studio}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Close)
	u.tabs.Select(u.historyTab)
	return u
}

// restartStudio closes the fixture's studio and opens the data directory
// again, as a new start of the app does: no current branch in memory.
func restartStudio(t *testing.T, f *storeFixture, dir string) *StoreStudio {
	t.Helper()
	f.studio.Close()
	st, id, err := cli.OpenStudio(dir)
	if err != nil {
		t.Fatal(err)
	}
	s := NewStoreStudio(st, id)
	t.Cleanup(func() { s.Close() })
	f.studio, f.st = s, st
	return s
}

// The current branch of a design is remembered in the settings: after a
// restart the design opens on it, its head drawn, and a new version goes to
// it. Switching back and forth is written once, when the settings are idle.
func TestCurrentBranchRememberedAcrossRestart(t *testing.T) {
	dir := t.TempDir()
	f := newStoreFixture(t, dir)
	base := head(t, f, "main")
	if err := f.st.Branch(f.design, "wider-fit", base.ID); err != nil {
		t.Fatal(err)
	}
	onBranch := f.commit(t, "wider-fit", "Girth +4 on the branch", func(d *models.Design) { d.Last.BallGirth += 4 })
	a := test.NewTempApp(t)
	a.Preferences().SetString(prefLanguage, LangEN)
	u := openWindowOn(t, a, f.studio)
	u.SelectDesign(f.design)
	var later []func()
	u.prefs.schedule = func(_ time.Duration, fn func()) func() {
		later = append(later, fn)
		return func() {}
	}
	writes := 0
	a.Preferences().AddChangeListener(func() { writes++ })
	for range 3 {
		u.history.SwitchBranch("wider-fit")
		u.history.SwitchBranch("main")
	}
	u.history.SwitchBranch("wider-fit")
	if writes != 0 || len(later) == 0 {
		t.Fatalf("%d preference writes during the switches (want none until idle), %d scheduled", writes, len(later))
	}
	later[len(later)-1]()
	if writes != 1 {
		t.Fatalf("%d preference writes after the switches, want 1", writes)
	}

	// Restart: a new studio (no branch in memory) and a new window on the
	// same preferences.
	studio := restartStudio(t, f, dir)
	u = openWindowOn(t, a, studio)
	if u.Current() == nil || u.Current().ID != f.design {
		t.Fatalf("after the restart the window opened %v, want the last design", u.Current())
	}
	if u.history.Branch() != "wider-fit" || u.history.branchSelect.Selected != "wider-fit" || !strings.Contains(u.win.Title(), "wider-fit") {
		t.Fatalf("after the restart: branch %q, picker %q, title %q", u.history.Branch(), u.history.branchSelect.Selected, u.win.Title())
	}
	if got, want := u.Current().Last.BallGirth, mustCheckout(t, f, onBranch.ID).Last.BallGirth; got != want {
		t.Fatalf("the drawing shows girth %v, want the branch head's %v", got, want)
	}
	u.editor.session.schedule = (&manualClock{}).schedule
	mainBefore := head(t, f, "main")
	v := editLast(t, u, func(l *models.Last) { l.HeelHeight += 5 })
	if h := head(t, f, "wider-fit"); h.ID != v.ID {
		t.Fatal("after the restart a new version did not go to the remembered branch")
	}
	if h := head(t, f, "main"); h.ID != mainBefore.ID {
		t.Fatal("after the restart main moved")
	}

	// Back on main: main is remembered (no entry kept).
	u.history.SwitchBranch("main")
	u.flushSettings()
	if got := LoadSettings(a.Preferences()); got.branchOf(f.design) != "" || got.Branches != "" {
		t.Fatalf("on main the settings keep %q", got.Branches)
	}
}

// A remembered branch that no longer exists: the design opens on main, the
// History tab says so in a line, and the settings forget the branch.
func TestRememberedBranchGoneOpensOnMain(t *testing.T) {
	dir := t.TempDir()
	f := newStoreFixture(t, dir)
	if err := f.st.Branch(f.design, "wider-fit", head(t, f, "main").ID); err != nil {
		t.Fatal(err)
	}
	f.commit(t, "wider-fit", "Girth +4 on the branch", func(d *models.Design) { d.Last.BallGirth += 4 })
	a := test.NewTempApp(t)
	a.Preferences().SetString(prefLanguage, LangEN)
	u := openWindowOn(t, a, f.studio)
	u.SelectDesign(f.design)
	u.history.SwitchBranch("wider-fit")
	u.flushSettings()

	studio := restartStudio(t, f, dir)
	if err := f.st.DeleteBranch(f.design, "wider-fit"); err != nil { // e.g. by another window
		t.Fatal(err)
	}
	u = openWindowOn(t, a, studio)
	if u.Current() == nil || u.Current().ID != f.design {
		t.Fatalf("opened %v", u.Current())
	}
	if u.history.Branch() != "main" || u.history.branchSelect.Selected != "main" {
		t.Fatalf("branch %q, picker %q, want main", u.history.Branch(), u.history.branchSelect.Selected)
	}
	if got, want := u.Current().Last.BallGirth, mustCheckout(t, f, head(t, f, "main").ID).Last.BallGirth; got != want {
		t.Fatalf("the drawing shows girth %v, want main's %v", got, want)
	}
	if msg := u.history.Message(); !strings.Contains(msg, "wider-fit") || !strings.Contains(msg, "main") {
		t.Fatalf("message %q", msg)
	}
	u.flushSettings()
	if got := LoadSettings(a.Preferences()); got.Branches != "" {
		t.Fatalf("the settings still remember %q", got.Branches)
	}
}
