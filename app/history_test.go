package app

import (
	"bytes"
	"fmt"
	"image/color"
	"os"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"cordwain/cli"
	"cordwain/models"
	"cordwain/models/store"
)

// quietStudio is a real store studio without the change channel: the
// test driver runs fyne.Do on the calling goroutine, so the watcher would
// reload the window concurrently with the test. Tests call u.reload as
// fyne.Do would.
type quietStudio struct{ *StoreStudio }

func (quietStudio) Changed() <-chan struct{} { return nil }

// storeFixture is a studio in a temp dir seeded by cli.OpenStudio (the
// three samples, one version each) and a second designer.
type storeFixture struct {
	studio *StoreStudio
	st     *store.Store
	mei    *store.Identity // another designer in the studio
	design models.ID       // the first design of the library
}

func newStoreFixture(t *testing.T, dir string) *storeFixture {
	t.Helper()
	st, id, err := cli.OpenStudio(dir)
	if err != nil {
		t.Fatal(err)
	}
	studio := NewStoreStudio(st, id)
	t.Cleanup(func() { studio.Close() })
	mei, err := store.NewIdentity("Mei")
	if err != nil {
		t.Fatal(err)
	}
	designs, err := studio.Designs()
	if err != nil || len(designs) == 0 {
		t.Fatalf("seeded studio: %v, %d designs", err, len(designs))
	}
	return &storeFixture{studio: studio, st: st, mei: mei, design: designs[0].ID}
}

// commit checks out the branch head, edits it and commits it as Mei.
func (f *storeFixture) commit(t *testing.T, branch, msg string, edit func(d *models.Design)) *models.Version {
	t.Helper()
	head, err := f.st.Head(f.design, branch)
	if err != nil {
		t.Fatal(err)
	}
	d, err := f.st.Checkout(head.ID)
	if err != nil {
		t.Fatal(err)
	}
	edit(d)
	v, err := f.st.CommitDesign(branch, d, msg, f.mei)
	if err != nil {
		t.Fatalf("committing %q: %v", msg, err)
	}
	return v
}

// moveOutline shifts the first piece's outline 3 mm towards the toe.
func moveOutline(d *models.Design) {
	pts := append([]models.Point(nil), d.Pieces[0].Outline.Points...)
	for i := range pts {
		pts[i].X += 3
	}
	d.Pieces[0].Outline.Points = pts
}

func newStoreUI(t *testing.T, f *storeFixture) (*UI, fyne.Window) {
	t.Helper()
	a := test.NewTempApp(t)
	a.Preferences().SetString(prefLanguage, LangEN)
	w := a.NewWindow("Cordwain")
	w.Resize(DefaultWindowSize)
	u, err := New(a, w, quietStudio{f.studio}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Close)
	u.SelectDesign(f.design)
	u.tabs.Select(u.historyTab)
	return u, w
}

// objects lists everything drawn in the window, dialogs included.
func objects(w fyne.Window) []fyne.CanvasObject {
	objs := test.LaidOutObjects(w.Content())
	for _, o := range w.Canvas().Overlays().List() {
		objs = append(objs, test.LaidOutObjects(o)...)
	}
	return objs
}

// button finds a visible, enabled button labelled text.
func button(t *testing.T, w fyne.Window, text string) *widget.Button {
	t.Helper()
	for _, o := range objects(w) {
		if b, ok := o.(*widget.Button); ok && b.Text == text && b.Visible() && !b.Disabled() {
			return b
		}
	}
	t.Fatalf("no enabled button %q in the window", text)
	return nil
}

func entry(t *testing.T, w fyne.Window) *widget.Entry {
	t.Helper()
	top := w.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no dialog open")
	}
	for _, o := range test.LaidOutObjects(top) {
		if e, ok := o.(*widget.Entry); ok {
			return e
		}
	}
	t.Fatal("the dialog has no entry")
	return nil
}

func ids(vs []*models.Version) []models.ID {
	out := make([]models.ID, len(vs))
	for i, v := range vs {
		out[i] = v.ID
	}
	return out
}

func TestHistoryListsVersionsNewestFirstAndFollowsTheStore(t *testing.T) {
	f := newStoreFixture(t, t.TempDir())
	v1, err := f.st.Head(f.design, "main")
	if err != nil {
		t.Fatal(err)
	}
	v2 := f.commit(t, "main", "Ball girth +4 mm", func(d *models.Design) { d.Last.BallGirth += 4 })
	v3 := f.commit(t, "main", "Vamp moved towards the toe", moveOutline)
	u, _ := newStoreUI(t, f)

	got := ids(u.history.Versions())
	want := []models.ID{v3.ID, v2.ID, v1.ID}
	if strings.Join(toStrings(got), ",") != strings.Join(toStrings(want), ",") {
		t.Fatalf("history rows = %v, want newest first %v", got, want)
	}
	if h, _ := f.st.Head(f.design, "main"); u.Current().Last.BallGirth != mustCheckout(t, f, h.ID).Last.BallGirth {
		t.Fatal("the editor does not show the head")
	}

	// A commit from elsewhere (sync, another window): the store changes and
	// the window reloads (fyne.Do(u.reload) in production).
	v4 := f.commit(t, "main", "Toe spring 14", func(d *models.Design) { d.Last.ToeSpring = 14 })
	u.reload()
	if got := u.history.Versions(); len(got) != 4 || got[0].ID != v4.ID {
		t.Fatalf("after a commit the history shows %v, want %s on top", ids(got), v4.ID)
	}
	if u.Current().Last.ToeSpring != 14 {
		t.Fatalf("the editor still shows toe spring %v after the head moved", u.Current().Last.ToeSpring)
	}
}

func toStrings(ids []models.ID) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = store.Short(id)
	}
	return out
}

func mustCheckout(t *testing.T, f *storeFixture, id models.ID) *models.Design {
	t.Helper()
	d, err := f.st.Checkout(id)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestCompareShowsAVisualDiffAndBackToCurrent(t *testing.T) {
	f := newStoreFixture(t, t.TempDir())
	v1, _ := f.st.Head(f.design, "main")
	before := mustCheckout(t, f, v1.ID)
	removedMark := before.Marks[0].ID
	var addedLine models.ID
	v2 := f.commit(t, "main", "Vamp moved, girth +4, a mark less, a line more", func(d *models.Design) {
		moveOutline(d)
		d.Last.BallGirth += 4
		d.Marks = d.Marks[1:]
		line := d.StyleLines[0]
		line.ID, line.Name = models.NewID(), "Decorative stitching"
		addedLine = line.ID
		d.StyleLines = append(d.StyleLines, line)
	})
	u, w := newStoreUI(t, f)
	plain := encode(t, u.Editor().Render(800, 500))

	// Click the newer version, Compare, then click the older one.
	u.history.Select(v2.ID)
	test.Tap(button(t, w, "Compare"))
	if !strings.Contains(u.history.Message(), "compare with") {
		t.Fatalf("compare mode not announced: %q", u.history.Message())
	}
	u.history.Select(v1.ID)

	vamp := before.Pieces[0].ID
	hl := u.Editor().Options().Highlight
	wantColours := map[models.ID]color.Color{vamp: colChanged, models.LastID: colChanged, removedMark: colRemoved, addedLine: colAdded}
	for id, c := range wantColours {
		if hl[id] != c {
			t.Errorf("highlight of %s = %v, want %v (map %v)", id, hl[id], c, hl)
		}
	}
	if !u.Viewing() || !u.viewBar.Visible() || !strings.Contains(u.viewNote.Text, "Comparing") {
		t.Fatalf("the editor is not in diff mode: viewing %v, note %q", u.Viewing(), u.viewNote.Text)
	}
	diff := encode(t, u.Editor().Render(800, 500))
	if bytes.Equal(plain, diff) {
		t.Fatal("the visual diff draws the same as the head")
	}

	var girth, outline, mark string
	for _, c := range u.history.Changes() {
		switch {
		case c.Element == models.LastID && c.Prop == "Ball girth":
			girth = c.Describe(u.tr)
		case c.Element == vamp && c.Prop == "Outline":
			outline = c.Describe(u.tr)
		case c.Element == removedMark:
			mark = c.What + ": " + c.Describe(u.tr)
		}
	}
	wantGirth := formatNumber(before.Last.BallGirth) + " mm → " + formatNumber(before.Last.BallGirth+4) + " mm"
	if !strings.Contains(girth, wantGirth) {
		t.Errorf("ball girth change reads %q, want %q", girth, wantGirth)
	}
	if !strings.Contains(outline, "moved up to 3 mm") {
		t.Errorf("outline change reads %q", outline)
	}
	if !strings.Contains(mark, "removed") || !strings.Contains(mark, " on ") {
		t.Errorf("removed mark reads %q", mark)
	}

	test.Tap(button(t, w, "Back to current"))
	if u.Viewing() || u.viewBar.Visible() || u.Editor().Options().Highlight != nil {
		t.Fatal("Back to current left the diff on screen")
	}
	if !bytes.Equal(plain, encode(t, u.Editor().Render(800, 500))) {
		t.Fatal("Back to current does not draw the head as before")
	}
}

func TestViewAnOldVersionReadOnly(t *testing.T) {
	f := newStoreFixture(t, t.TempDir())
	v1, _ := f.st.Head(f.design, "main")
	f.commit(t, "main", "Toe spring 20", func(d *models.Design) { d.Last.ToeSpring = 20 })
	u, w := newStoreUI(t, f)
	u.history.Select(v1.ID)
	test.Tap(button(t, w, "View"))
	if !u.Viewing() || !strings.Contains(u.viewNote.Text, store.Short(v1.ID)) {
		t.Fatalf("viewing %v, note %q", u.Viewing(), u.viewNote.Text)
	}
	want := fmt.Sprintf("%.1f mm", mustCheckout(t, f, v1.ID).Last.ToeSpring)
	found := false
	for _, r := range u.inspector.Rows() {
		found = found || (r[0] == "Toe spring" && r[1] == want)
	}
	if !found {
		t.Fatalf("the inspector shows the head, not %s: %v", store.Short(v1.ID), u.inspector.Rows())
	}
	// A store change while viewing keeps the old version on screen.
	f.commit(t, "main", "Notes", func(d *models.Design) { d.Meta.Notes = "sample 2" })
	u.reload()
	if !u.Viewing() {
		t.Fatal("a reload left the old version")
	}
	test.Tap(button(t, w, "Back to current"))
	if u.Viewing() || u.Current().Meta.Notes != "sample 2" {
		t.Fatalf("back to current shows %q", u.Current().Meta.Notes)
	}
}

func TestRestoreMakesANewVersionWithTheOldContent(t *testing.T) {
	f := newStoreFixture(t, t.TempDir())
	v1, _ := f.st.Head(f.design, "main")
	f.commit(t, "main", "Girth +6", func(d *models.Design) { d.Last.BallGirth += 6 })
	u, w := newStoreUI(t, f)

	u.history.Select(v1.ID)
	test.Tap(button(t, w, "Restore…"))
	if w.Canvas().Overlays().Top() == nil {
		t.Fatal("Restore did not ask first")
	}
	test.Tap(button(t, w, "Restore"))

	head, _ := f.st.Head(f.design, "main")
	if head.ID == v1.ID || len(head.Parents) != 1 {
		t.Fatalf("restore did not add a version: head %s parents %v", store.Short(head.ID), head.Parents)
	}
	old, _ := f.st.Snapshot(v1.ID)
	now, _ := f.st.Snapshot(head.ID)
	if old.Hash() != now.Hash() {
		t.Fatal("the restored version's content differs from the old one")
	}
	if top := u.history.Versions()[0]; top.ID != head.ID {
		t.Fatalf("the history does not show the restore on top: %s", store.Short(top.ID))
	}
	if u.Current().Last.BallGirth != mustCheckout(t, f, v1.ID).Last.BallGirth {
		t.Fatal("the editor does not show the restored content")
	}
	if !strings.Contains(u.history.Message(), "Restored") {
		t.Fatalf("message %q", u.history.Message())
	}
	// Restoring the same content again changes nothing and says so.
	u.history.Restore(v1.ID)
	if h2, _ := f.st.Head(f.design, "main"); h2.ID != head.ID || !strings.Contains(u.history.Message(), "already has") {
		t.Fatalf("second restore: head %s, message %q", store.Short(h2.ID), u.history.Message())
	}
}

func TestBranchAndTagFromTheHistory(t *testing.T) {
	f := newStoreFixture(t, t.TempDir())
	v1, _ := f.st.Head(f.design, "main")
	v2 := f.commit(t, "main", "Girth +2", func(d *models.Design) { d.Last.BallGirth += 2 })
	u, w := newStoreUI(t, f)

	nameVia := func(btn, name string) {
		t.Helper()
		test.Tap(button(t, w, btn))
		test.Type(entry(t, w), name)
		test.Tap(button(t, w, "Create"))
	}
	u.history.Select(v1.ID)
	nameVia("Tag…", "sample 1 sent")
	nameVia("Branch…", "wider-fit")

	refs := map[string]models.ID{}
	for _, r := range f.st.Refs(f.design) {
		refs[string(r.Kind)+":"+r.Name] = r.Version
	}
	if refs["tag:sample 1 sent"] != v1.ID || refs["branch:wider-fit"] != v1.ID {
		t.Fatalf("refs after tag and branch: %v", refs)
	}
	var chips []string
	for _, r := range u.history.refs[v1.ID] {
		chips = append(chips, r.Name)
	}
	if strings.Join(chips, ",") != "wider-fit,sample 1 sent" {
		t.Fatalf("labels on %s: %v", store.Short(v1.ID), chips)
	}

	// The same tag name on another version is refused, and says why.
	u.history.Select(v2.ID)
	nameVia("Tag…", "sample 1 sent")
	msg := u.history.Message()
	if !strings.Contains(msg, "already exists") || !strings.Contains(msg, store.Short(v1.ID)) {
		t.Fatalf("moving a tag: message %q", msg)
	}
	for _, r := range f.st.Refs(f.design) {
		if r.Kind == store.RefTag && r.Name == "sample 1 sent" && r.Version != v1.ID {
			t.Fatal("the tag moved")
		}
	}
	// An existing branch name is refused too.
	nameVia("Branch…", "wider-fit")
	if !strings.Contains(u.history.Message(), "already exists") {
		t.Fatalf("duplicate branch: message %q", u.history.Message())
	}
}

func TestConflictsTabListsAndFlips(t *testing.T) {
	f := newStoreFixture(t, t.TempDir())
	base, _ := f.st.Head(f.design, "main")
	if err := f.st.Branch(f.design, "ana", base.ID); err != nil {
		t.Fatal(err)
	}
	f.commit(t, "main", "Girth 240", func(d *models.Design) { d.Last.BallGirth = 240 })
	ana := f.commit(t, "ana", "Girth 250", func(d *models.Design) { d.Last.BallGirth = 250 })
	merge, err := f.st.MergeHeads(f.design, "main", ana.ID)
	if err != nil {
		t.Fatal(err)
	}
	u, w := newStoreUI(t, f)
	u.reload()

	if !store.IsMerge(u.history.Versions()[0]) || u.history.Versions()[0].ID != merge.ID {
		t.Fatal("the merge is not the top row")
	}
	if u.history.rows[0].Merge != true || u.history.lanes < 2 {
		t.Fatalf("graph: top row %+v, %d lanes", u.history.rows[0], u.history.lanes)
	}
	cs := u.conflicts.Conflicts()
	if len(cs) != 1 || cs[0].Element != models.LastID || cs[0].Prop != "ball_girth" {
		t.Fatalf("conflicts = %+v", cs)
	}
	if u.conflictsTab.Text != "Conflicts (1)" {
		t.Fatalf("tab title %q", u.conflictsTab.Text)
	}
	winner := formatValue(u.tr, "ball_girth", cs[0].Winner)
	loser := formatValue(u.tr, "ball_girth", cs[0].Loser)
	if !strings.HasSuffix(winner, " mm") || winner == loser {
		t.Fatalf("values read %q and %q", winner, loser)
	}
	headGirth := func() float64 {
		h, _ := f.st.Head(f.design, "main")
		return mustCheckout(t, f, h.ID).Last.BallGirth
	}
	before := headGirth()
	if winner != formatNumber(before)+" mm" {
		t.Fatalf("winner %q but the head has %v", winner, before)
	}

	u.tabs.Select(u.conflictsTab)
	w.Content().Refresh()
	test.Tap(button(t, w, "Use other"))
	after := headGirth()
	if after == before || loser != formatNumber(after)+" mm" {
		t.Fatalf("flip: girth %v → %v, loser was %q", before, after, loser)
	}
	if cs := u.conflicts.Conflicts(); len(cs) != 1 || cs[0].FlippedBy == "" {
		t.Fatalf("the conflict is not marked flipped: %+v", cs)
	}
	if u.conflictsTab.Text != "Conflicts" || !strings.Contains(u.conflicts.Message(), "now wins") {
		t.Fatalf("after flip: tab %q, message %q", u.conflictsTab.Text, u.conflicts.Message())
	}
	if u.Current().Last.BallGirth != after {
		t.Fatal("the editor does not show the flipped value")
	}
}

func TestGraphLanesForBranchesAndMerges(t *testing.T) {
	v := func(id string, wall int64, parents ...string) *models.Version {
		var ps []models.ID
		for _, p := range parents {
			ps = append(ps, models.ID(p))
		}
		return &models.Version{ID: models.ID(id), Time: models.HLC{Wall: wall}, Parents: ps}
	}
	// a ← b ← d (merge of b and c), a ← c; the merge has c's time.
	vs := []*models.Version{v("d", 3, "b", "c"), v("c", 3, "a"), v("b", 2, "a"), v("a", 1)}
	ordered := orderForGraph(vs)
	if got := ids(ordered); got[0] != "d" || got[3] != "a" {
		t.Fatalf("order %v: the merge must come first and the root last", got)
	}
	rows := layoutGraph(ordered, func(v *models.Version) bool { return len(v.Parents) > 1 })
	if !rows[0].Merge || rows[0].Lane != 0 || len(rows[0].Segs) != 2 {
		t.Fatalf("merge row %+v", rows[0])
	}
	if rows[1].Lane == rows[2].Lane {
		t.Fatalf("b and c share a lane: %+v %+v", rows[1], rows[2])
	}
	if rows[3].Lane != 0 {
		t.Fatalf("root row %+v: both lines should join it in lane 0", rows[3])
	}
	bent := false
	for _, s := range rows[2].Segs {
		bent = bent || (s.X1 == 1 && s.X2 == 0 && s.Y1 == 0 && s.Y2 == 1)
	}
	if rows[2].Lane != 0 || !bent {
		t.Fatalf("b's row %+v: b stays in lane 0 and c's line bends into it", rows[2])
	}
	// Garbage in (unknown parents, a cycle-free but gappy list) does not panic.
	layoutGraph(orderForGraph([]*models.Version{v("x", 5, "missing", "gone")}), func(*models.Version) bool { return true })
	layoutGraph(nil, func(*models.Version) bool { return false })
}

func TestFormatValueReadable(t *testing.T) {
	tr, _ := NewTranslator(LangEN)
	enc := func(v any) []byte {
		b, err := models.Canonical(v)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	cases := []struct {
		prop string
		in   []byte
		want string
	}{
		{"ball_girth", enc(236.5), "236.5 mm"},
		{"quantity", enc(2), "2"},
		{"name", enc("Vamp"), "“Vamp”"},
		{"outline", enc(models.Path{Points: make([]models.Point, 7), Closed: true}), "outline of 2 segments"},
		{"mirror", enc(true), "yes"},
		{"size_run", enc([]float64{230, 235, 240}), "230, 235, 240"},
		{"at", enc(models.Pt(12.345, 7)), "(12.35, 7)"},
		{"name", nil, "—"},
		{"name", []byte{0xff, 0x00}, "(unreadable)"},
	}
	for _, c := range cases {
		if got := formatValue(tr, c.prop, c.in); got != c.want {
			t.Errorf("formatValue(%s, %x) = %q, want %q", c.prop, c.in, got, c.want)
		}
	}
}

// TestSeedDemoStudio fills $CORDWAIN_DEMO_DIR with a studio whose first
// design has branches, tags, a merge and a conflict, for looking at the
// panel in the real window. Skipped otherwise.
func TestSeedDemoStudio(t *testing.T) {
	dir := os.Getenv("CORDWAIN_DEMO_DIR")
	if dir == "" {
		t.Skip("set CORDWAIN_DEMO_DIR to seed a demo studio")
	}
	f := newStoreFixture(t, dir)
	base, _ := f.st.Head(f.design, "main")
	f.commit(t, "main", "Ball girth +4 mm for the wider fit", func(d *models.Design) { d.Last.BallGirth += 4 })
	tagged := f.commit(t, "main", "Vamp 3 mm longer", moveOutline)
	if err := f.st.Tag(f.design, "sample 1 sent", tagged.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.st.Branch(f.design, "ana", tagged.ID); err != nil {
		t.Fatal(err)
	}
	f.commit(t, "main", "Toe spring 14 mm", func(d *models.Design) { d.Last.ToeSpring = 14 })
	ana := f.commit(t, "ana", "Toe spring 16 mm, one mark less", func(d *models.Design) {
		d.Last.ToeSpring = 16
		d.Marks = d.Marks[1:]
	})
	if _, err := f.st.MergeHeads(f.design, "main", ana.ID); err != nil {
		t.Fatal(err)
	}
	f.commit(t, "main", "Notes for the workshop", func(d *models.Design) { d.Meta.Notes = "Sample 2: check heel fit" })
	_ = base
}
