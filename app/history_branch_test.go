package app

import (
	"bytes"
	"image"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"cordwain/canvas"
	"cordwain/models"
	"cordwain/models/store"
)

// newBranchUI is the window on the fixture with autosave on a manual
// clock (no timer fires behind the test's back).
func newBranchUI(t *testing.T, f *storeFixture) (*UI, *manualClock) {
	t.Helper()
	u, _ := newStoreUI(t, f)
	clock := &manualClock{}
	u.editor.session.schedule = clock.schedule
	return u, clock
}

func head(t *testing.T, f *storeFixture, branch string) *models.Version {
	t.Helper()
	h, err := f.st.Head(f.design, branch)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// editLast changes the open design's last in the editor, as the last
// inspector does, and saves it (Ctrl+S).
func editLast(t *testing.T, u *UI, change func(l *models.Last)) *models.Version {
	t.Helper()
	d := u.editor.Session().Design()
	l := d.Last
	change(&l)
	cmd, err := canvas.SetLast(d, l)
	if err != nil {
		t.Fatal(err)
	}
	if err := u.editor.Do(cmd); err != nil {
		t.Fatal(err)
	}
	v, err := u.editor.Session().Save("Last edit")
	if err != nil || v == nil {
		t.Fatalf("saving the edit: %v, %v", v, err)
	}
	return v
}

func TestSwitchBranchThenCommitLandsOnItAndLeavesMainAlone(t *testing.T) {
	f := newStoreFixture(t, t.TempDir())
	base := head(t, f, "main")
	if err := f.st.Branch(f.design, "wider-fit", base.ID); err != nil {
		t.Fatal(err)
	}
	onMain := f.commit(t, "main", "Girth +2 on main", func(d *models.Design) { d.Last.BallGirth += 2 })
	u, clock := newBranchUI(t, f)

	if got := u.history.branchSelect.Selected; got != "main" {
		t.Fatalf("the picker shows %q, want main", got)
	}
	if opts := strings.Join(u.history.branchSelect.Options, ","); opts != "main,wider-fit" {
		t.Fatalf("picker options %q", opts)
	}
	// The designer picks the branch.
	u.history.branchSelect.SetSelected("wider-fit")
	if u.history.Branch() != "wider-fit" || !strings.Contains(u.win.Title(), "wider-fit") {
		t.Fatalf("after the switch: branch %q, title %q", u.history.Branch(), u.win.Title())
	}
	if !strings.Contains(u.history.Message(), "wider-fit") {
		t.Fatalf("switch message %q", u.history.Message())
	}
	baseGirth := mustCheckout(t, f, base.ID).Last.BallGirth
	if got := u.Current().Last.BallGirth; got != baseGirth {
		t.Fatalf("the drawing shows girth %v, want the branch head's %v", got, baseGirth)
	}

	v := editLast(t, u, func(l *models.Last) { l.HeelHeight += 5 })
	if h := head(t, f, "wider-fit"); h.ID != v.ID || len(h.Parents) != 1 || h.Parents[0] != base.ID {
		t.Fatalf("the commit did not land on wider-fit: head %s, saved %s", store.Short(h.ID), store.Short(v.ID))
	}
	if h := head(t, f, "main"); h.ID != onMain.ID {
		t.Fatalf("main moved to %s", store.Short(h.ID))
	}
	// Autosave after the idle time goes to the branch too.
	d0 := u.editor.Session().Design()
	l0 := d0.Last
	l0.BallGirth += 1
	cmd0, err := canvas.SetLast(d0, l0)
	if err != nil {
		t.Fatal(err)
	}
	if err := u.editor.Do(cmd0); err != nil {
		t.Fatal(err)
	}
	clock.fire()
	auto := head(t, f, "wider-fit")
	if auto.ID == v.ID || auto.Parents[0] != v.ID || mustCheckout(t, f, auto.ID).Last.BallGirth != l0.BallGirth {
		t.Fatalf("autosave did not land on wider-fit: head %s", store.Short(auto.ID))
	}
	if h := head(t, f, "main"); h.ID != onMain.ID {
		t.Fatalf("autosave moved main to %s", store.Short(h.ID))
	}
	v = auto

	// Unsaved edits are saved on their branch before switching back.
	d := u.editor.Session().Design()
	l := d.Last
	l.ToeSpring += 2
	cmd, err := canvas.SetLast(d, l)
	if err != nil {
		t.Fatal(err)
	}
	if err := u.editor.Do(cmd); err != nil {
		t.Fatal(err)
	}
	u.history.SwitchBranch("main")
	if h := head(t, f, "wider-fit"); h.ID == v.ID || mustCheckout(t, f, h.ID).Last.ToeSpring != l.ToeSpring {
		t.Fatal("switching lost the edits not yet saved")
	}
	if h := head(t, f, "main"); h.ID != onMain.ID {
		t.Fatalf("main moved to %s", store.Short(h.ID))
	}
	if u.history.Branch() != "main" || u.history.branchSelect.Selected != "main" || strings.Contains(u.win.Title(), "wider-fit") {
		t.Fatalf("back on main: branch %q, picker %q, title %q", u.history.Branch(), u.history.branchSelect.Selected, u.win.Title())
	}
	if u.Current().Last.BallGirth != mustCheckout(t, f, onMain.ID).Last.BallGirth || u.editor.Session().Dirty() {
		t.Fatal("the drawing does not show main's head")
	}
	// An unknown branch is refused and nothing changes.
	u.history.SwitchBranch("no-such-branch")
	if u.history.Branch() != "main" || !strings.Contains(u.history.Message(), "Could not switch") {
		t.Fatalf("unknown branch: on %q, message %q", u.history.Branch(), u.history.Message())
	}
}

func TestNewBranchOffersTheSwitchAndRestoreGoesToIt(t *testing.T) {
	f := newStoreFixture(t, t.TempDir())
	v1 := head(t, f, "main")
	v2 := f.commit(t, "main", "Girth +6", func(d *models.Design) { d.Last.BallGirth += 6 })
	u, w := newStoreUI(t, f)
	u.editor.session.schedule = (&manualClock{}).schedule

	// Branch… at v2, with "Switch to the new branch" ticked (the default).
	u.history.Select(v2.ID)
	test.Tap(button(t, w, "Branch…"))
	test.Type(entry(t, w), "trial")
	test.Tap(button(t, w, "Create"))
	if u.history.Branch() != "trial" {
		t.Fatalf("creating a branch did not switch to it: on %q", u.history.Branch())
	}
	// Restore v1 on the branch.
	u.history.Select(v1.ID)
	test.Tap(button(t, w, "Restore…"))
	test.Tap(button(t, w, "Restore"))
	h := head(t, f, "trial")
	if len(h.Parents) != 1 || h.Parents[0] != v2.ID {
		t.Fatalf("the restore is not on trial: head %s parents %v", store.Short(h.ID), h.Parents)
	}
	old, _ := f.st.Snapshot(v1.ID)
	now, _ := f.st.Snapshot(h.ID)
	if old.Hash() != now.Hash() {
		t.Fatal("the restored content differs from v1")
	}
	if m := head(t, f, "main"); m.ID != v2.ID {
		t.Fatalf("the restore moved main to %s", store.Short(m.ID))
	}
	if !strings.Contains(u.history.Message(), "on trial") {
		t.Fatalf("restore message %q", u.history.Message())
	}
	if u.Current().Last.BallGirth != mustCheckout(t, f, v1.ID).Last.BallGirth {
		t.Fatal("the drawing does not show the restored head of trial")
	}
}

func TestMergeFromHistoryIsTheStoresMerge(t *testing.T) {
	f := newStoreFixture(t, t.TempDir())
	base := head(t, f, "main")
	if err := f.st.Branch(f.design, "ana", base.ID); err != nil {
		t.Fatal(err)
	}
	mainHead := f.commit(t, "main", "Toe spring 14", func(d *models.Design) { d.Last.ToeSpring = 14 })
	ana := f.commit(t, "ana", "Heel 30", func(d *models.Design) { d.Last.HeelHeight = 30 })
	// The same merge made by the store directly, on a copy of main.
	if err := f.st.Branch(f.design, "main-copy", mainHead.ID); err != nil {
		t.Fatal(err)
	}
	u, w := newStoreUI(t, f)
	u.editor.session.schedule = (&manualClock{}).schedule

	// Merge… from the History tab: on main, it proposes ana into main.
	test.Tap(button(t, w, "Merge…"))
	test.Tap(button(t, w, "Merge"))
	got := head(t, f, "main")
	want, err := f.st.MergeHeads(f.design, "main-copy", ana.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != want.ID || !store.IsMerge(got) {
		t.Fatalf("main is at %s, the store's merge is %s", store.Short(got.ID), store.Short(want.ID))
	}
	if !strings.Contains(u.history.Message(), store.Short(got.ID)) || !strings.Contains(u.history.Message(), "without conflicts") {
		t.Fatalf("merge message %q", u.history.Message())
	}
	if u.history.selected != got.ID || u.history.Versions()[0].ID != got.ID {
		t.Fatal("the merge is not the selected top row")
	}
	if c := u.Current().Last; c.ToeSpring != 14 || c.HeelHeight != 30 {
		t.Fatalf("the drawing shows toe spring %v heel %v, want both sides", c.ToeSpring, c.HeelHeight)
	}

	// Merging again changes nothing and says so.
	u.history.Merge("ana", "main")
	if h := head(t, f, "main"); h.ID != got.ID || !strings.Contains(u.history.Message(), "already contains") {
		t.Fatalf("second merge: head %s, message %q", store.Short(h.ID), u.history.Message())
	}
	// Fast-forward: main into ana moves ana to main's head.
	u.history.Merge("main", "ana")
	if h := head(t, f, "ana"); h.ID != got.ID || !strings.Contains(u.history.Message(), "moved forward") {
		t.Fatalf("fast-forward: ana at %s, message %q", store.Short(h.ID), u.history.Message())
	}
	// Errors change nothing and are shown.
	refs := f.st.Refs(f.design)
	u.history.Merge("no-such", "main")
	if !strings.Contains(u.history.Message(), "Could not merge") {
		t.Fatalf("bad merge message %q", u.history.Message())
	}
	u.history.Merge("main", "main")
	if !strings.Contains(u.history.Message(), "two different branches") {
		t.Fatalf("self merge message %q", u.history.Message())
	}
	if after := f.st.Refs(f.design); len(after) != len(refs) || after[0] != refs[0] || head(t, f, "main").ID != got.ID {
		t.Fatal("a failed merge changed the refs")
	}
}

func TestMergeWithAConflictShowsIt(t *testing.T) {
	f := newStoreFixture(t, t.TempDir())
	base := head(t, f, "main")
	if err := f.st.Branch(f.design, "ana", base.ID); err != nil {
		t.Fatal(err)
	}
	f.commit(t, "main", "Girth 240", func(d *models.Design) { d.Last.BallGirth = 240 })
	f.commit(t, "ana", "Girth 250", func(d *models.Design) { d.Last.BallGirth = 250 })
	u, _ := newBranchUI(t, f)
	if len(u.conflicts.Conflicts()) != 0 {
		t.Fatal("conflicts before the merge")
	}
	u.history.Merge("ana", "main")
	merged := head(t, f, "main")
	if !store.IsMerge(merged) {
		t.Fatalf("main's head %s is not a merge", store.Short(merged.ID))
	}
	msg := u.history.Message()
	if !strings.Contains(msg, "1 conflict") || !strings.Contains(msg, "Ball girth") ||
		!strings.Contains(msg, "240 mm") || !strings.Contains(msg, "250 mm") {
		t.Fatalf("merge message does not show the conflict: %q", msg)
	}
	u.reload() // the store's notification
	cs := u.conflicts.Conflicts()
	if len(cs) != 1 || cs[0].Merge != merged.ID || u.conflictsTab.Text != "Conflicts (1)" {
		t.Fatalf("conflicts tab: %+v, title %q", cs, u.conflictsTab.Text)
	}
	if u.history.Message() != msg {
		t.Fatalf("the store's reload cleared the merge message: %q", u.history.Message())
	}
}

// ghostPixels counts the pixels where b differs from a by leaning to the
// ghost's violet (blue over red and green).
func ghostPixels(a, b image.Image) int {
	n := 0
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			r1, g1, b1, _ := a.At(x, y).RGBA()
			r2, g2, b2, _ := b.At(x, y).RGBA()
			if r1 == r2 && g1 == g2 && b1 == b2 {
				continue
			}
			if b2 > r2 && b2 > g2 {
				n++
			}
		}
	}
	return n
}

func TestCompareDrawsTheOldLastAndListsTheHeader(t *testing.T) {
	f := newStoreFixture(t, t.TempDir())
	v1 := head(t, f, "main")
	before := mustCheckout(t, f, v1.ID)
	v2 := f.commit(t, "main", "Heel 10 mm higher, renamed, one size more", func(d *models.Design) {
		d.Last.HeelHeight += 10
		d.Meta.Name = "Runner Mk II"
		d.Meta.SizeRun = append(append([]float64(nil), d.Meta.SizeRun...), d.Meta.SizeRun[len(d.Meta.SizeRun)-1]+5)
	})
	v3 := f.commit(t, "main", "Notes only", func(d *models.Design) { d.Meta.Notes = "check the heel" })
	u, w := newStoreUI(t, f)
	u.editor.session.schedule = (&manualClock{}).schedule

	u.history.Compare(v1.ID, v2.ID)
	g := u.Editor().Options().Ghost
	if g == nil || *g != before.Last || u.history.Ghost() == nil {
		t.Fatalf("the comparison does not ghost the older last: %+v", g)
	}
	if !strings.Contains(u.viewNote.Text, "ghosted") {
		t.Fatalf("the compare bar does not say the last is ghosted: %q", u.viewNote.Text)
	}
	header := u.history.HeaderText()
	for _, want := range []string{"Header", "Name", "“" + before.Meta.Name + "” → “Runner Mk II”", "Size run",
		formatNumber(before.Meta.SizeRun[len(before.Meta.SizeRun)-1]+5) + " mm"} {
		if !strings.Contains(header, want) {
			t.Errorf("header block %q lacks %q", header, want)
		}
	}
	if !u.history.headerBlock.Visible() || u.history.headerBlock.Text != header {
		t.Fatal("the header block is not shown")
	}
	for _, c := range u.history.listed {
		if c.Element == models.MetaID {
			t.Fatalf("a header change is in the list too: %+v", c)
		}
	}
	// The raster: the ghost draws (violet) where the drawing without it
	// does not.
	withGhost := u.Editor().Render(800, 500)
	opt := u.Editor().Options()
	opt.Ghost = nil
	u.Editor().SetOptions(opt)
	without := u.Editor().Render(800, 500)
	if n := ghostPixels(without, withGhost); n < 200 {
		t.Fatalf("the ghosted last covers %d pixels", n)
	}
	opt.Ghost = g
	u.Editor().SetOptions(opt)

	// A comparison that does not touch the last has no ghost; the header
	// block names the notes.
	u.history.Compare(v2.ID, v3.ID)
	if u.Editor().Options().Ghost != nil || u.history.Ghost() != nil {
		t.Fatal("a comparison without a last change ghosts a last")
	}
	if !strings.Contains(u.history.HeaderText(), "check the heel") {
		t.Fatalf("header block %q", u.history.HeaderText())
	}
	// Back to current drops the ghost.
	test.Tap(button(t, w, "Back to current"))
	if u.Editor().Options().Ghost != nil || u.history.headerBlock.Visible() {
		t.Fatal("Back to current left the ghost or the header block")
	}
	plain := encode(t, u.Editor().Render(800, 500))
	u.history.Compare(v1.ID, v2.ID)
	test.Tap(button(t, w, "Back to current"))
	if !bytes.Equal(plain, encode(t, u.Editor().Render(800, 500))) {
		t.Fatal("the head draws differently after a comparison")
	}
}

func TestAMessageClearsOnTheNextAction(t *testing.T) {
	f := newStoreFixture(t, t.TempDir())
	v1 := head(t, f, "main")
	v2 := f.commit(t, "main", "Girth +2", func(d *models.Design) { d.Last.BallGirth += 2 })
	if err := f.st.Tag(f.design, "sent", v1.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.st.Branch(f.design, "ana", v1.ID); err != nil {
		t.Fatal(err)
	}
	u, w := newStoreUI(t, f)
	u.editor.session.schedule = (&manualClock{}).schedule
	tagError := func() {
		t.Helper()
		u.history.Select(v2.ID)
		u.history.CreateTag("sent")
		if !strings.Contains(u.history.Message(), "already exists") {
			t.Fatalf("no tag error: %q", u.history.Message())
		}
	}
	actions := []struct {
		name string
		do   func()
	}{
		{"select", func() { u.history.Select(v1.ID) }},
		{"compare", func() { test.Tap(button(t, w, "Compare")); u.history.Select(v1.ID) }},
		{"view", func() { test.Tap(button(t, w, "View")) }},
		{"back to current", func() { u.history.Open(v1.ID); tagError(); test.Tap(button(t, w, "Back to current")) }},
		{"restore", func() { test.Tap(button(t, w, "Restore…")) }},
		{"branch switch", func() { u.history.SwitchBranch("ana") }},
	}
	for _, a := range actions {
		tagError()
		a.do()
		if m := u.history.Message(); strings.Contains(m, "already exists") {
			t.Errorf("after %s the tag error stays: %q", a.name, m)
		}
		for w.Canvas().Overlays().Top() != nil { // a dialog the action opened
			w.Canvas().Overlays().Remove(w.Canvas().Overlays().Top())
		}
	}
}

func TestFlipGoesToTheCurrentBranch(t *testing.T) {
	f := newStoreFixture(t, t.TempDir())
	base := head(t, f, "main")
	if err := f.st.Branch(f.design, "ana", base.ID); err != nil {
		t.Fatal(err)
	}
	f.commit(t, "main", "Girth 240", func(d *models.Design) { d.Last.BallGirth = 240 })
	ana := f.commit(t, "ana", "Girth 250", func(d *models.Design) { d.Last.BallGirth = 250 })
	merge, err := f.st.MergeHeads(f.design, "main", ana.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.st.Branch(f.design, "review", merge.ID); err != nil {
		t.Fatal(err)
	}
	u, w := newStoreUI(t, f)
	u.editor.session.schedule = (&manualClock{}).schedule
	u.history.SwitchBranch("review")
	kept := u.Current().Last.BallGirth

	u.tabs.Select(u.conflictsTab)
	w.Content().Refresh()
	test.Tap(button(t, w, "Use other"))
	rev := head(t, f, "review")
	if rev.ID == merge.ID || len(rev.Parents) != 1 || rev.Parents[0] != merge.ID {
		t.Fatalf("the flip is not on review: head %s", store.Short(rev.ID))
	}
	if got := mustCheckout(t, f, rev.ID).Last.BallGirth; got == kept {
		t.Fatalf("review's girth is still %v", got)
	}
	if m := head(t, f, "main"); m.ID != merge.ID {
		t.Fatalf("the flip moved main to %s", store.Short(m.ID))
	}
	if !strings.Contains(u.conflicts.Message(), "on review") {
		t.Fatalf("flip message %q", u.conflicts.Message())
	}
	if u.Current().Last.BallGirth == kept {
		t.Fatal("the drawing does not show the flipped value")
	}
}

func TestHeaderBlockFollowsTheLanguage(t *testing.T) {
	f := newStoreFixture(t, t.TempDir())
	v1 := head(t, f, "main")
	v2 := f.commit(t, "main", "Season", func(d *models.Design) { d.Meta.Season = "AW27" })
	u, _ := newBranchUI(t, f)
	u.history.Compare(v1.ID, v2.ID)
	en := u.history.HeaderText()
	u.SetLanguage(LangZH)
	zh := u.history.HeaderText()
	if en == zh || !strings.Contains(zh, "AW27") || !strings.Contains(zh, propLabel(u.tr, "season")) || !strings.HasPrefix(zh, u.tr.L("history.header_changes", map[string]any{"Count": 1})) {
		t.Fatalf("header block: en %q, zh %q", en, zh)
	}
}

func TestMergeDialogProposesTheCurrentBranchIntoMain(t *testing.T) {
	f := newStoreFixture(t, t.TempDir())
	base := head(t, f, "main")
	for _, b := range []string{"ana", "bo"} {
		if err := f.st.Branch(f.design, b, base.ID); err != nil {
			t.Fatal(err)
		}
	}
	bo := f.commit(t, "bo", "Heel 30", func(d *models.Design) { d.Last.HeelHeight = 30 })
	u, w := newStoreUI(t, f)
	u.editor.session.schedule = (&manualClock{}).schedule
	u.history.SwitchBranch("bo")
	before := u.Current().Last

	test.Tap(button(t, w, "Merge…"))
	test.Tap(button(t, w, "Merge"))
	if h := head(t, f, "main"); h.ID != bo.ID {
		t.Fatalf("main is at %s, want bo's head %s (fast-forward)", store.Short(h.ID), store.Short(bo.ID))
	}
	if h := head(t, f, "ana"); h.ID != base.ID {
		t.Fatal("the merge moved another branch")
	}
	if u.history.Branch() != "bo" || u.Current().Last != before || !strings.Contains(u.history.Message(), "“main” moved forward") {
		t.Fatalf("after the merge: on %q, message %q", u.history.Branch(), u.history.Message())
	}
}
