package app

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"cordwain/canvas"
	"cordwain/models"
	"cordwain/packaging"
)

// roundTripSession undoes and redoes the session's last command and checks
// that each lands on the identical design hash: before, then after again.
func roundTripSession(t *testing.T, s *Session, before *models.Design) {
	t.Helper()
	after := s.Design()
	ha, hb := designHash(t, after), designHash(t, before)
	if ha == hb {
		t.Fatalf("%s changed nothing", s.UndoName())
	}
	name := s.UndoName()
	if err := s.Undo(); err != nil {
		t.Fatalf("undo %s: %v", name, err)
	}
	if designHash(t, s.Design()) != hb {
		t.Fatalf("undo %s: not the design before", name)
	}
	if err := s.Redo(); err != nil {
		t.Fatalf("redo %s: %v", name, err)
	}
	if designHash(t, s.Design()) != ha {
		t.Fatalf("redo %s: not the design after", name)
	}
}

// reopen opens another design and then id again, from the studio.
func reopen(t *testing.T, u *UI, id models.ID) *models.Design {
	t.Helper()
	for _, d := range u.designs {
		if d.ID != id {
			u.SelectDesign(d.ID)
			break
		}
	}
	if cur := u.editor.Session().Design(); cur == nil || cur.ID == id {
		t.Fatal("could not open another design")
	}
	u.SelectDesign(id)
	d := u.editor.Session().Design()
	if d == nil || d.ID != id || u.editor.Session().Dirty() {
		t.Fatalf("reopened %v", d)
	}
	return d
}

// A dimension made with the measure tool is part of the design: one
// undoable command, saved as a version, there when the design is opened
// again, and re-fitted when the heel rises (its ends keep their place on
// the mean form, its label the new length).
func TestDimensionSurvivesReopenAndRefits(t *testing.T) {
	f := newStoreFixture(t, t.TempDir())
	u, w := newStoreUI(t, f)
	w.Resize(fyne.NewSize(1400, 900))
	clock := &manualClock{}
	u.editor.session.schedule = clock.schedule
	u.setView(canvas.ViewMeanForm)
	e := u.editor
	e.SetSnapping(false)
	d0 := e.Session().Design()
	id := d0.ID
	g, err := canvas.NewLastGeometry(d0.Last)
	if err != nil {
		t.Fatal(err)
	}
	e.SetTool(ToolMeasure)
	drag(e, e.ToWidget(g.FeatherAt(60)), e.ToWidget(g.TopAt(150)), 4)
	e.TypeKey(fyne.KeyReturn, 0)
	d1 := e.Session().Design()
	if len(d1.Dimensions) != len(d0.Dimensions)+1 || e.Session().UndoName() != "Add dimension" {
		t.Fatalf("Enter kept %d dimensions (had %d), undo says %q", len(d1.Dimensions), len(d0.Dimensions), e.Session().UndoName())
	}
	dim := d1.Dimensions[len(d1.Dimensions)-1]
	if got := e.Dimensions(); len(got) != len(d1.Dimensions) || !strings.HasSuffix(got[len(got)-1].Label, " mm") {
		t.Fatalf("drawn dimensions %+v", got)
	}
	roundTripSession(t, e.Session(), d0)
	before := len(f.st.History(id))
	clock.fire()
	if n := len(f.st.History(id)); n != before+1 {
		t.Fatalf("autosave made %d versions, want 1", n-before)
	}

	d := reopen(t, u, id)
	back, ok := models.FindElem(d, dim.ID).(models.Dimension)
	if !ok || back != dim {
		t.Fatalf("reopened, the dimension is %+v, was %+v", back, dim)
	}

	// The heel rises 20 mm: the dimension follows the form.
	p := u.edit.panel
	p.LastEntry("heel_height").SetText(trimFloat(d.Last.HeelHeight + 20))
	p.applyLast()
	d2 := e.Session().Design()
	if d2.Last.HeelHeight != d.Last.HeelHeight+20 {
		t.Fatalf("heel height %g after the edit", d2.Last.HeelHeight)
	}
	moved := models.FindElem(d2, dim.ID).(models.Dimension)
	r, err := canvas.NewRefit(d.Last, d2.Last)
	if err != nil {
		t.Fatal(err)
	}
	if moved == dim || canvas.Dist(moved.A, r.Point(dim.A)) > 1e-6 || canvas.Dist(moved.B, r.Point(dim.B)) > 1e-6 {
		t.Fatalf("after the heel change the dimension is %v–%v, the form points %v–%v", moved.A, moved.B, r.Point(dim.A), r.Point(dim.B))
	}
	ng, _ := canvas.NewLastGeometry(d2.Last)
	if n, _ := canvas.NearestOnPath(ng.Featherline, moved.A); n.Dist > 0.5 {
		t.Fatalf("the dimension's foot is %.2f mm off the new featherline", n.Dist)
	}
	if err := models.Validate(d2); err != nil {
		t.Fatal(err)
	}

	// Selected and deleted like any element; undo brings it back.
	e.SetTool(ToolSelect)
	at := e.ToWidget(canvas.Point{X: (moved.A.X + moved.B.X) / 2, Y: (moved.A.Y + moved.B.Y) / 2})
	click(e, at)
	if sel := e.Selection().Elems; len(sel) != 1 || sel[0] != dim.ID {
		t.Fatalf("a click on the dimension selected %v", sel)
	}
	// Named in the Edit panel: the label replaces the length on the
	// drawing; undoable.
	c, err := LabelDimension(d2, dim.ID, "  back height ")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Do(c); err != nil {
		t.Fatal(err)
	}
	roundTripSession(t, e.Session(), d2)
	labelled := false
	for _, dm := range e.Dimensions() {
		labelled = labelled || (dm.ID == dim.ID && dm.Label == "back height")
	}
	if !labelled {
		t.Fatalf("labels drawn: %+v", e.Dimensions())
	}
	d2 = e.Session().Design()
	e.TypeKey(fyne.KeyDelete, 0)
	if models.FindElem(e.Session().Design(), dim.ID) != nil {
		t.Fatal("Delete left the selected dimension")
	}
	roundTripSession(t, e.Session(), d2)

	// In another view nothing is kept: its points are not mean form points.
	u.setView(canvas.ViewLateral)
	n := len(e.Session().Design().Dimensions)
	e.AddDimension(Dimension{A: canvas.Point{X: 1, Y: 1}, B: canvas.Point{X: 50, Y: 1}})
	if len(e.Session().Design().Dimensions) != n {
		t.Fatal("a dimension was kept from the lateral view")
	}
}

// pngSized is a w×h PNG with a pattern, so it does not compress to nothing.
func pngSized(t testing.TB, w, h int) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = uint8(i*7 + i/w)
		if i%4 == 3 {
			img.Pix[i] = 0xff
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// The underlay belongs to the design: imported, calibrated and faded as
// undoable commands, saved as versions (its picture stored once: the
// image element is the same in every version), there with its calibration
// when the design is opened again; a file that does not decode is refused
// and changes nothing.
func TestUnderlaySurvivesReopen(t *testing.T) {
	f := newStoreFixture(t, t.TempDir())
	u, _ := newStoreUI(t, f)
	clock := &manualClock{}
	u.editor.session.schedule = clock.schedule
	e := u.editor
	s := e.Session()
	d0 := s.Design()
	id := d0.ID

	pic := pngBytes(t, 400, 300)
	if err := u.loadUnderlay(pic); err != nil {
		t.Fatal(err)
	}
	if s.UndoName() != "Import underlay" {
		t.Fatalf("undo says %q", s.UndoName())
	}
	roundTripSession(t, s, d0)
	d1 := s.Design()
	if len(d1.Images) != 1 || !bytes.Equal(d1.Images[0].Data, pic) || d1.Images[0].Width != 400 {
		t.Fatal("the design does not hold the picture as imported")
	}
	// Placed over the mean form, as wide as it, until calibrated.
	g, _ := canvas.NewLastGeometry(d1.Last)
	mf := canvas.PathBounds(g.MeanForm)
	if pl := e.Underlay(); math.Abs(float64(400)*pl.MMPerPx-mf.Dx()) > 1e-9 || pl.Origin != (canvas.Point{X: mf.Min.X, Y: mf.Max.Y}) {
		t.Fatalf("placed at %v, %g mm/px; the mean form is %v", pl.Origin, pl.MMPerPx, mf)
	}
	un := e.Underlay()
	a, b := un.ToDesign(50, 100), un.ToDesign(250, 100)
	if err := e.CalibrateUnderlay(a, b, 120); err != nil {
		t.Fatal(err)
	}
	roundTripSession(t, s, d1)
	d2 := s.Design()
	e.SetUnderlayOpacity(0.8)
	roundTripSession(t, s, d2)
	want := e.Underlay()
	if math.Abs(want.MMPerPx-0.6) > 1e-12 || want.Opacity != 0.8 {
		t.Fatalf("calibrated underlay: %g mm/px, opacity %g", want.MMPerPx, want.Opacity)
	}
	if u.edit.opacity.Value != 0.8 {
		t.Fatalf("the layers tab's slider says %g", u.edit.opacity.Value)
	}
	s.Undo()
	if u.edit.opacity.Value != 0.5 {
		t.Fatalf("after undo the slider says %g", u.edit.opacity.Value)
	}
	s.Redo()

	// A broken file: refused, with the reason; nothing changes.
	h := designHash(t, s.Design())
	undoName := s.UndoName()
	for _, bad := range [][]byte{[]byte("not an image"), pic[:len(pic)/2], []byte("GIF89a\x01\x00\x01\x00")} {
		err := u.loadUnderlay(bad)
		if !errors.Is(err, ErrBadImage) || !strings.Contains(err.Error(), "PNG or JPEG") {
			t.Errorf("loading %.12q: %v", bad, err)
		}
	}
	if designHash(t, s.Design()) != h || s.UndoName() != undoName {
		t.Fatal("a broken file changed the design or the undo stack")
	}

	clock.fire()
	hist := f.st.History(id)
	if len(hist) < 2 || hist[0].Message == "" {
		t.Fatal("no version saved")
	}
	d := reopen(t, u, id)
	got := UnderlayOf(d)
	if got == nil || got.MMPerPx != want.MMPerPx || got.Origin != want.Origin || got.Opacity != 0.8 {
		t.Fatalf("reopened underlay %+v, want %+v", got, want)
	}
	if w, hh := got.Size(); w != 400 || hh != 300 {
		t.Fatalf("reopened picture %d×%d", w, hh)
	}
	// Calibrating again stores a new underlay element, not the picture.
	if err := e.CalibrateUnderlay(got.ToDesign(0, 0), got.ToDesign(100, 0), 50); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Save("recalibrate"); err != nil {
		t.Fatal(err)
	}
	v1, v2 := f.st.History(id)[1], f.st.History(id)[0]
	s1, err := f.st.Snapshot(v1.ID)
	if err != nil {
		t.Fatal(err)
	}
	s2, err := f.st.Snapshot(v2.ID)
	if err != nil {
		t.Fatal(err)
	}
	m1, m2 := s1.Manifest(), s2.Manifest()
	if m1[got.Image] != m2[got.Image] || m1[got.ID] == m2[got.ID] {
		t.Fatal("recalibrating changed the image element, or not the underlay")
	}

	// A duplicate of the design has the underlay too (the same image
	// element: stored once).
	cur := s.Design()
	if err := u.CreateDesign(cur, "Traced copy", "TC-1", cur.Meta.Gender, cur.Meta.BaseSize); err != nil {
		t.Fatal(err)
	}
	cp := s.Design()
	if cp.ID == id || UnderlayOf(cp) == nil || UnderlayOf(cp).MMPerPx != UnderlayOf(cur).MMPerPx {
		t.Fatal("the copy has no underlay, or another calibration")
	}
	cs, _ := cp.Snapshot()
	if cs.Manifest()[got.Image] != m2[got.Image] {
		t.Fatal("the copy's picture is not the same element")
	}
	reopen(t, u, id)

	// Removed as a command; undo puts it back.
	d3 := s.Design()
	if err := e.SetUnderlay(nil); err != nil {
		t.Fatal(err)
	}
	if e.Underlay() != nil || len(s.Design().Images) != 0 {
		t.Fatal("remove left the underlay or its picture")
	}
	roundTripSession(t, s, d3)
}

// A picture larger than the design may hold is scaled down to at most
// models.MaxImageSide pixels a side before it is stored.
func TestUnderlayDownscaled(t *testing.T) {
	un, err := DecodeUnderlay(pngSized(t, 5000, 60))
	if err != nil {
		t.Fatal(err)
	}
	w, h := un.Size()
	data, format := un.Bytes()
	if w > models.MaxImageSide || w < models.MaxImageSide-1 || h != 49 || len(data) > models.MaxImageBytes || format != models.ImagePNG {
		t.Fatalf("stored %d×%d, %d bytes of %s", w, h, len(data), format)
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width != w || cfg.Height != h {
		t.Fatalf("stored bytes: %v, %d×%d", err, cfg.Width, cfg.Height)
	}
}

// Archiving is a versioned change of the header, not a deletion: one
// version; the library hides the design unless archived designs are
// shown; unarchiving lists it again.
func TestArchiveHidesAndUnhides(t *testing.T) {
	f := newStoreFixture(t, t.TempDir())
	u, _ := newStoreUI(t, f)
	id := u.editor.Session().Design().ID
	listed := func() bool {
		for _, d := range u.designs {
			if d.ID == id {
				return true
			}
		}
		return false
	}
	if !listed() {
		t.Fatal("the open design is not listed")
	}
	n := len(f.st.History(id))
	all := len(u.designs)
	before := u.editor.Session().Design()
	if err := u.SetArchived(true); err != nil {
		t.Fatal(err)
	}
	roundTripSession(t, u.editor.Session(), before) // undo and redo, before it is saved again
	hist := f.st.History(id)
	if len(hist) != n+1 || hist[0].Message != "Archive design" {
		t.Fatalf("archiving made %d versions, the newest %q", len(hist)-n, hist[0].Message)
	}
	if head, _ := f.studio.Design(id); !head.Meta.Archived {
		t.Fatal("the head is not archived")
	}
	if listed() || len(u.designs) != all-1 {
		t.Fatal("the library still lists the archived design")
	}
	if cur := u.editor.Session().Design(); cur == nil || cur.ID != id {
		t.Fatal("archiving closed the design")
	}
	u.ShowArchived(true)
	if !listed() || len(u.designs) != all || !u.archivedCheck.Checked {
		t.Fatal("show archived does not list it")
	}
	u.ShowArchived(false)
	if listed() {
		t.Fatal("hiding archived designs again still lists it")
	}
	if err := u.SetArchived(false); err != nil {
		t.Fatal(err)
	}
	if len(f.st.History(id)) != n+2 || !listed() {
		t.Fatal("unarchiving did not make a version and list the design")
	}
	// A copy of an archived design is live.
	if err := u.SetArchived(true); err != nil {
		t.Fatal(err)
	}
	if err := u.CreateDesign(u.editor.Session().Design(), "Live copy", "LC-1", models.Men, 0); err != nil {
		t.Fatal(err)
	}
	if cp := u.editor.Session().Design(); cp.Meta.Archived || cp.Meta.Name != "Live copy" {
		t.Fatalf("copy of an archived design: %+v", cp.Meta)
	}
}

// A material in use cannot be deleted (the message names the pieces);
// moving its pieces to another material and deleting it is one command;
// an unused material is deleted.
func TestDeleteMaterial(t *testing.T) {
	e, _, _, _ := newTestEditor(t)
	s := e.Session()
	d := s.Design()
	vamp := findPiece(d, "Vamp")
	used := models.FindElem(d, vamp.Material).(models.Material)
	_, err := DeleteMaterial(d, used.ID)
	if !errors.Is(err, ErrMaterialInUse) || !strings.Contains(err.Error(), "Vamp") || !strings.Contains(err.Error(), used.Name) {
		t.Fatalf("deleting a used material: %v", err)
	}
	if err := e.Do(AddMaterial(d)); err != nil {
		t.Fatal(err)
	}
	d1 := s.Design()
	spare := d1.Materials[slicesIndex(d1, d)]
	c, err := ReplaceMaterial(d1, used.ID, spare.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Do(c); err != nil {
		t.Fatal(err)
	}
	d2 := s.Design()
	if models.FindElem(d2, used.ID) != nil || findPiece(d2, "Vamp").Material != spare.ID {
		t.Fatal("replace did not move the vamp and delete the material")
	}
	if err := models.Validate(d2); err != nil {
		t.Fatalf("after replacing: %v", err)
	}
	roundTripSession(t, s, d1)
	if _, err := ReplaceMaterial(d2, spare.ID, spare.ID); err == nil {
		t.Fatal("replaced a material with itself")
	}
	// Now unused elsewhere: another new material deletes at once.
	if err := e.Do(AddMaterial(d2)); err != nil {
		t.Fatal(err)
	}
	d3 := s.Design()
	extra := d3.Materials[slicesIndex(d3, d2)]
	c, err = DeleteMaterial(d3, extra.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Do(c); err != nil {
		t.Fatal(err)
	}
	roundTripSession(t, s, d3)
}

// slicesIndex is the index in d.Materials of the one material of d that
// prev does not have.
func slicesIndex(d, prev *models.Design) int {
	for i, m := range d.Materials {
		if models.FindElem(prev, m.ID) == nil {
			return i
		}
	}
	return -1
}

// A new colourway, a copy of the one shown, gets its own colours and
// materials; the BOM of that colourway follows (a material only it uses
// is counted there and not in the others); deleting it takes it out of
// the BOM's choices. Each is an undoable command.
func TestColourwaysAndBOM(t *testing.T) {
	e, _, _, _ := newTestEditor(t)
	s := e.Session()
	d0 := s.Design()
	first := d0.Colourways[0]
	c, cwID := AddColourway(d0, first.ID)
	if err := e.Do(c); err != nil {
		t.Fatal(err)
	}
	roundTripSession(t, s, d0)
	d1 := s.Design()
	cw := models.FindElem(d1, cwID).(models.Colourway)
	if len(cw.Parts) != len(first.Parts) || cw.Name == first.Name {
		t.Fatalf("new colourway %+v", cw)
	}
	c, err := RenameColourway(d1, cwID, "Oxblood", "牛血红")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Do(c); err != nil {
		t.Fatal(err)
	}
	roundTripSession(t, s, d1)
	if _, err := RenameColourway(s.Design(), cwID, "  ", ""); err == nil {
		t.Fatal("a colourway without a name was taken")
	}

	// A material only the new colourway uses, on the vamp.
	d2 := s.Design()
	if err := e.Do(AddMaterial(d2)); err != nil {
		t.Fatal(err)
	}
	d3 := s.Design()
	suede := d3.Materials[slicesIndex(d3, d2)]
	vamp := findPiece(d3, "Vamp")
	c, err = SetPieceColour(d3, cwID, vamp.ID, "oxblood", "#4A0F14", suede.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Do(c); err != nil {
		t.Fatal(err)
	}
	roundTripSession(t, s, d3)
	d4 := s.Design()
	if err := models.Validate(d4); err != nil {
		t.Fatal(err)
	}
	bomLine := func(cw models.ID) packaging.BOMLine {
		t.Helper()
		lines, err := packaging.BOM(d4, packaging.Options{Colourway: cw})
		if err != nil {
			t.Fatalf("BOM of %s: %v", cw, err)
		}
		for _, l := range lines {
			if l.Material.ID == suede.ID {
				return l
			}
		}
		t.Fatalf("the BOM of %s has no line for the new material", cw)
		return packaging.BOMLine{}
	}
	if l := bomLine(cwID); l.Unused || l.PerSize[d4.Meta.BaseSize] <= 0 {
		t.Fatalf("new colourway's BOM: %+v", l)
	}
	if l := bomLine(first.ID); !l.Unused {
		t.Fatalf("first colourway's BOM counts the new colourway's material: %+v", l)
	}
	// A material a colourway uses is refused too.
	if _, err := DeleteMaterial(d4, suede.ID); !errors.Is(err, ErrMaterialInUse) || !strings.Contains(err.Error(), "Oxblood") {
		t.Fatalf("deleting a material a colourway uses: %v", err)
	}

	c, err = DeleteColourway(d4, cwID)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Do(c); err != nil {
		t.Fatal(err)
	}
	if _, err := packaging.BOM(s.Design(), packaging.Options{Colourway: cwID}); !errors.Is(err, packaging.ErrBadOptions) {
		t.Fatalf("BOM of a deleted colourway: %v", err)
	}
	roundTripSession(t, s, d4)
}

// A design with an underlay and a dimension still makes its tech pack
// (which draws neither), and the history shows an image's file as its
// size, not as megabytes of numbers.
func TestTechPackAndHistoryWithUnderlay(t *testing.T) {
	e, _, _, _ := newTestEditor(t)
	un, err := DecodeUnderlay(pngBytes(t, 64, 48))
	if err != nil {
		t.Fatal(err)
	}
	if err := e.SetUnderlay(un); err != nil {
		t.Fatal(err)
	}
	c, err := AddDimension(e.Design(), canvas.Point{X: 10, Y: 10}, canvas.Point{X: 90, Y: 10})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Do(c); err != nil {
		t.Fatal(err)
	}
	d := e.Design()
	if err := models.Validate(d); err != nil {
		t.Fatal(err)
	}
	pages, err := packaging.Pages(d, packaging.Options{})
	if err != nil || len(pages) == 0 {
		t.Fatalf("tech pack of a design with an underlay: %d pages, %v", len(pages), err)
	}
	tr, _ := NewTranslator(LangEN)
	b, err := models.Canonical(d.Images[0].Data)
	if err != nil {
		t.Fatal(err)
	}
	want := trimFloat(float64(len(d.Images[0].Data))) + " bytes"
	if got := formatValue(tr, "data", b); got != want {
		t.Fatalf("an image's data shows as %.60q, want %q", got, want)
	}
}

// A photo too wide for the design is scaled down and stays a JPEG.
func TestUnderlayDownscaledJPEG(t *testing.T) {
	img := image.NewGray(image.Rect(0, 0, models.MaxImageSide+300, 30))
	for i := range img.Pix {
		img.Pix[i] = uint8(i)
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	un, err := DecodeUnderlay(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	w, _ := un.Size()
	data, format := un.Bytes()
	cfg, f, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || w > models.MaxImageSide || format != models.ImageJPEG || f != "jpeg" || cfg.Width != w {
		t.Fatalf("stored %d px wide as %s (%s, %d px): %v", w, format, f, cfg.Width, err)
	}
}

// The panel's delete button on a material in use offers to move its
// pieces to another material; confirming does it as one command.
func TestMaterialDeleteButtonOffersReplace(t *testing.T) {
	f := newStoreFixture(t, t.TempDir())
	u, w := newStoreUI(t, f)
	s := u.editor.Session()
	d := s.Design()
	var used models.Material
	for _, m := range d.Materials {
		if p, _ := usersOf(d, m.ID); len(p) > 0 {
			used = m
			break
		}
	}
	if used.ID == "" || len(d.Materials) < 2 {
		t.Fatal("the sample has no material in use, or only one")
	}
	test.Tap(u.edit.panel.materialDelete(used))
	if models.FindElem(s.Design(), used.ID) == nil {
		t.Fatal("a material in use was deleted without asking")
	}
	test.Tap(button(t, w, u.tr.L("material.replace_delete")))
	after := s.Design()
	if models.FindElem(after, used.ID) != nil || !strings.HasPrefix(s.UndoName(), "Replace "+used.Name) {
		t.Fatalf("after confirming: material still there or undo says %q", s.UndoName())
	}
	if p, c := usersOf(after, used.ID); len(p)+len(c) > 0 {
		t.Fatalf("still used by %v %v", p, c)
	}
	if err := models.Validate(after); err != nil {
		t.Fatal(err)
	}
	roundTripSession(t, s, d)
}

// The search finds archived designs too, and opening one lists archived
// designs so it can be open and selected.
func TestSearchFindsArchived(t *testing.T) {
	f := newStoreFixture(t, t.TempDir())
	u, _ := newStoreUI(t, f)
	d := u.editor.Session().Design()
	if err := u.SetArchived(true); err != nil {
		t.Fatal(err)
	}
	for _, x := range u.designs {
		if x.ID != d.ID {
			u.SelectDesign(x.ID)
			break
		}
	}
	found := u.edit.search.Find(d.Meta.StyleNo)
	if len(found) != 1 || found[0].ID != d.ID || !found[0].Archived {
		t.Fatalf("search for %q: %+v", d.Meta.StyleNo, found)
	}
	test.Type(u.edit.search.entry, d.Meta.StyleNo)
	u.edit.search.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if cur := u.editor.Session().Design(); cur == nil || cur.ID != d.ID || !u.showArchived {
		t.Fatalf("Enter opened %s, archived shown %v", cur.Meta.Name, u.showArchived)
	}
}

// The editor draws the underlay where its pixels are on the design: a
// screen pixel over an image pixel shows that pixel's colour, at every
// zoom (the picture is drawn from the mipmap level nearest the screen).
func TestUnderlayDrawnInPlace(t *testing.T) {
	e, _, _, _ := newTestEditor(t)
	img := image.NewNRGBA(image.Rect(0, 0, 400, 200))
	for y := range 200 {
		for x := range 400 {
			c := color.NRGBA{0xff, 0, 0, 0xff}
			if x >= 200 {
				c = color.NRGBA{0, 0, 0xff, 0xff}
			}
			img.SetNRGBA(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	un, err := DecodeUnderlay(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if err := e.SetUnderlay(un); err != nil {
		t.Fatal(err)
	}
	e.SetUnderlayOpacity(1)
	// Big enough to cross the frame's middle, where a frame drawn in
	// bands changes painter.
	un0 := e.Underlay()
	if err := e.CalibrateUnderlay(un0.ToDesign(0, 0), un0.ToDesign(0, 200), 180); err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, zoom := range []float64{1, 0.3, 4} {
		e.Zoom(zoom)
		u := e.Underlay()
		frame := e.Frame(1000, 700).(*image.RGBA)
		for _, c := range []struct {
			px, py float64
			want   color.RGBA
		}{{100, 100, color.RGBA{0xff, 0, 0, 0xff}}, {300, 100, color.RGBA{0, 0, 0xff, 0xff}}, {195, 20, color.RGBA{0xff, 0, 0, 0xff}}, {205, 180, color.RGBA{0, 0, 0xff, 0xff}},
			{10, 3, color.RGBA{0xff, 0, 0, 0xff}}, {390, 197, color.RGBA{0, 0, 0xff, 0xff}}} {
			at := e.ToWidget(u.ToDesign(c.px, c.py))
			x, y := int(at.X), int(at.Y)
			if !image.Pt(x, y).In(frame.Rect.Inset(30)) {
				continue // off the screen at this zoom, or under a ruler
			}
			if got := frame.RGBAAt(x, y); got != c.want {
				t.Fatalf("zoom %g: image pixel (%g, %g) drawn at (%d, %d) is %v, want %v", zoom, c.px, c.py, x, y, got, c.want)
			}
			checked++
		}
	}
	if checked < 8 {
		t.Fatalf("only %d pixels were on the screen to check", checked)
	}
	// Nothing of the picture is drawn where it is not: a pixel just
	// left of it and one just below it show no red or blue of it.
	e.Fit()
	u := e.Underlay()
	frame := e.Frame(1000, 700).(*image.RGBA)
	for _, q := range []canvas.Point{u.ToDesign(-4, 100), u.ToDesign(100, 204)} {
		at := e.ToWidget(q)
		if c := frame.RGBAAt(int(at.X), int(at.Y)); image.Pt(int(at.X), int(at.Y)).In(frame.Rect) && (c == color.RGBA{0xff, 0, 0, 0xff} || c == color.RGBA{0, 0, 0xff, 0xff}) {
			t.Fatalf("picture colour %v drawn outside it at %v", c, at)
		}
	}
}

// File ▸ Import underlay reads the picture off the window's thread and
// puts it under the design that was open; a broken file says why and
// changes nothing; a picture that arrives after another design was
// opened is not put under it.
func TestImportUnderlayInBackground(t *testing.T) {
	f := newStoreFixture(t, t.TempDir())
	u, w := newStoreUI(t, f)
	var queued []func()
	inBackground = func(f func()) { queued = append(queued, f) }
	t.Cleanup(func() { inBackground = func(f func()) { go f() } })
	run := func() {
		for len(queued) > 0 {
			f := queued[0]
			queued = queued[1:]
			f()
		}
	}
	s := u.editor.Session()
	h := designHash(t, s.Design())
	u.importUnderlay([]byte("not a picture"))
	if s.Design() == nil || len(queued) != 1 {
		t.Fatal("the picture was not read in the background")
	}
	run()
	if w.Canvas().Overlays().Top() == nil || designHash(t, s.Design()) != h {
		t.Fatal("a broken picture changed the design or said nothing")
	}
	w.Canvas().Overlays().Top().Hide()

	u.importUnderlay(pngBytes(t, 80, 60))
	run()
	if u.editor.Underlay() == nil || s.UndoName() != "Import underlay" {
		t.Fatalf("no underlay after the import; undo says %q", s.UndoName())
	}

	// Started on one design, finished on another: refused.
	id := s.Design().ID
	u.importUnderlay(pngBytes(t, 80, 60))
	for _, d := range u.designs {
		if d.ID != id {
			u.SelectDesign(d.ID)
			break
		}
	}
	other := designHash(t, s.Design())
	run()
	if designHash(t, s.Design()) != other || u.editor.Underlay() != nil {
		t.Fatal("the picture went under the design opened meanwhile")
	}
}
