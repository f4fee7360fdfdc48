package app

import (
	"testing"

	"fyne.io/fyne/v2"

	"cordwain/canvas"
	"cordwain/canvas/samples"
	"cordwain/models"
)

// The "done when", driven through the window: a new design from
// the derby sample, its heel raised (the upper follows), a new vamp line
// traced over a calibrated photo, made a piece with a lasting allowance,
// undone and redone, and found saved as a version in the studio.
func TestDesignerFlow(t *testing.T) {
	f := newStoreFixture(t, t.TempDir())
	u, w := newStoreUI(t, f)
	w.Resize(fyne.NewSize(1400, 900))
	clock := &manualClock{}
	u.editor.session.schedule = clock.schedule

	if err := u.CreateDesign(samples.Derby(), "Studio derby", "SD-01", models.Men, 0); err != nil {
		t.Fatal(err)
	}
	d := u.editor.Session().Design()
	if d == nil || d.Meta.Name != "Studio derby" || d.ID == samples.DerbyID {
		t.Fatalf("open design after New: %+v", d)
	}
	id := d.ID
	u.setView(canvas.ViewMeanForm)

	// The fault report's edit: heel 25 → 30, toe spring 14 → 12, toe
	// round → square. The vamp follows the last.
	vamp0 := findPiece(d, "Vamp")
	p := u.edit.panel
	p.LastEntry("heel_height").SetText("30")
	p.LastEntry("toe_spring").SetText("12")
	p.toe.SetSelectedIndex(2) // square: applies the panel
	d = u.editor.Session().Design()
	if d.Last.HeelHeight != 30 || d.Last.ToeSpring != 12 || d.Last.ToeShape != models.ToeSquare {
		t.Fatalf("last after the edit: %+v", d.Last)
	}
	if models.ElemEqual(findPiece(d, "Vamp"), vamp0) {
		t.Fatal("the vamp did not follow the last")
	}

	// A photo under the drawing, calibrated.
	if err := u.loadUnderlay(pngBytes(t, 600, 300)); err != nil {
		t.Fatal(err)
	}
	un := u.editor.Underlay()
	if err := u.editor.CalibrateUnderlay(un.ToDesign(0, 0), un.ToDesign(540, 0), 270); err != nil {
		t.Fatal(err)
	}

	// Trace a vamp line from the featherline to the top line, snapped.
	e := u.editor
	e.SetSnapping(true)
	e.SetTool(ToolPen)
	g, _ := canvas.NewLastGeometry(d.Last)
	B := d.Last.BottomLength
	sn := canvas.NewSnapper(d, nil)
	onEdge := func(at func(float64) canvas.Point, edge string, x float64) canvas.Point {
		for ; x < 0.8*B; x += 1 {
			if s := sn.Snap(at(x), 2*e.tol()); s.Kind == canvas.SnapCurve && s.On == edge {
				return at(x)
			}
		}
		t.Fatalf("no free stretch of %s", edge)
		return canvas.Point{}
	}
	foot := onEdge(g.FeatherAt, canvas.EdgeFeatherline, 0.66*B)
	top := onEdge(g.TopAt, canvas.EdgeTopLine, foot.X+8)
	click(e, e.ToWidget(foot))
	click(e, e.ToWidget(canvas.Point{X: (foot.X + top.X) / 2, Y: (foot.Y+top.Y)/2 + 2}))
	click(e, e.ToWidget(top))
	e.TypeKey(fyne.KeyReturn, 0)
	line := models.FindElem(e.Session().Design(), e.Selection().Elems[0]).(models.StyleLine)
	if n := line.Path.Segments(); n != 2 {
		t.Fatalf("traced line has %d segments", n)
	}

	// Make the region between the new line and the toe cap line a piece.
	capLine := canvas.Point{}
	for _, sl := range d.StyleLines {
		if sl.Name == "Toe cap line" {
			capLine = sl.Path.Points[0]
		}
	}
	e.SetTool(ToolPiece)
	mid := canvas.Point{X: (foot.X + capLine.X) / 2, Y: 0.35 * g.TopAt((foot.X+capLine.X)/2).Y}
	before := len(e.Session().Design().Pieces)
	click(e, e.ToWidget(mid))
	d = e.Session().Design()
	if len(d.Pieces) != before+1 {
		t.Fatalf("no piece made at %v", mid)
	}
	pc := models.FindElem(d, e.Selection().Elems[0]).(models.Piece)
	hasLasting, usesLine := false, false
	for _, k := range pc.Edges {
		hasLasting = hasLasting || k == models.AllowLasting
	}
	for _, l := range pc.Lines {
		usesLine = usesLine || l == line.ID
	}
	if !hasLasting || !usesLine {
		t.Fatalf("new piece: lasting %v, built from the traced line %v (%v)", hasLasting, usesLine, pc.Lines)
	}
	withPiece := designHash(t, d)
	if err := e.Session().Undo(); err != nil {
		t.Fatal(err)
	}
	if models.FindElem(e.Session().Design(), pc.ID) != nil {
		t.Fatal("undo left the piece")
	}
	if err := e.Session().Redo(); err != nil {
		t.Fatal(err)
	}
	if designHash(t, e.Session().Design()) != withPiece {
		t.Fatal("redo did not bring the piece back")
	}

	clock.fire()
	head, err := f.studio.Design(id)
	if err != nil {
		t.Fatal(err)
	}
	if models.FindElem(head, pc.ID) == nil || head.Last.HeelHeight != 30 || head.Last.ToeShape != models.ToeSquare {
		t.Fatal("the studio's head does not have the new piece and the raised heel")
	}
	if n := len(f.st.History(id)); n != 2 {
		t.Fatalf("%d versions of the new design, want 2 (created, then the edits)", n)
	}
}
