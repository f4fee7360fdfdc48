package app

import (
	"testing"

	"cordwain/canvas"
)

// Quitting within the idle time (the autosave has not run) saves the last
// edit as a version instead of dropping it: main runs Stop once the
// window's loop has ended, before closing the studio.
func TestStopSavesTheEditsOfTheIdleTime(t *testing.T) {
	f := newStoreFixture(t, t.TempDir())
	u, _ := newStoreUI(t, f)
	clock := &manualClock{}
	u.editor.session.schedule = clock.schedule // the idle save never comes
	u.setView(canvas.ViewMeanForm)
	d := u.editor.Session().Design()
	before := len(f.st.History(d.ID))
	p := u.edit.panel
	p.LastEntry("heel_height").SetText(trimFloat(d.Last.HeelHeight + 5))
	p.applyLast()
	if !u.editor.Session().Dirty() {
		t.Fatal("the edit left the session clean")
	}
	u.Stop()
	if n := len(f.st.History(d.ID)); n != before+1 {
		t.Fatalf("Stop made %d versions, want 1", n-before)
	}
	head, err := f.st.Checkout(f.st.History(d.ID)[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if head.Last.HeelHeight != d.Last.HeelHeight+5 {
		t.Fatalf("the saved version has heel %g, want %g", head.Last.HeelHeight, d.Last.HeelHeight+5)
	}
	if u.editor.Session().Dirty() {
		t.Fatal("the session is still dirty after Stop")
	}
}
