package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"cordwain/models"
)

// The Conflicts tab's message says what the last action did ("… now
// wins"); it clears on the next action — a click on a row, another flip —
// as the History tab's messages do.
func TestConflictsMessageClearsOnNextAction(t *testing.T) {
	f := newStoreFixture(t, t.TempDir())
	base, _ := f.st.Head(f.design, "main")
	if err := f.st.Branch(f.design, "ana", base.ID); err != nil {
		t.Fatal(err)
	}
	f.commit(t, "main", "Girth 240", func(d *models.Design) { d.Last.BallGirth = 240 })
	ana := f.commit(t, "ana", "Girth 250", func(d *models.Design) { d.Last.BallGirth = 250 })
	if _, err := f.st.MergeHeads(f.design, "main", ana.ID); err != nil {
		t.Fatal(err)
	}
	u, w := newStoreUI(t, f)
	u.reload()
	u.tabs.Select(u.conflictsTab)
	w.Content().Refresh()
	test.Tap(button(t, w, "Use other"))
	if !strings.Contains(u.conflicts.Message(), "now wins") {
		t.Fatalf("after the flip the message is %q", u.conflicts.Message())
	}
	// The next action: a click on the conflict's row.
	u.conflicts.list.Select(0)
	if m := u.conflicts.Message(); m != "" {
		t.Fatalf("the flip's message %q stayed after a click on a row", m)
	}
	// A flip that fails says so; the next flip starts without it.
	u.conflicts.Flip("no such conflict")
	if u.conflicts.Message() == "" {
		t.Fatal("a failed flip said nothing")
	}
	u.conflicts.studio = nil // a studio without history: the flip does nothing
	u.conflicts.Flip("no such conflict")
	if m := u.conflicts.Message(); m != "" {
		t.Fatalf("the failed flip's message %q stayed after the next flip", m)
	}
}
