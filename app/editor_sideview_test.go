package app

import (
	"fmt"
	"image"
	"math"
	"testing"

	"fyne.io/fyne/v2"

	"cordwain/canvas"
	"cordwain/models"
)

// inView switches the test editor to view v.
func inView(e *Editor, v canvas.View) {
	o := e.Options()
	o.View = v
	e.SetOptions(o)
}

// widgetAt is where the view draws the mean form point p.
func widgetAt(t *testing.T, e *Editor, p canvas.Point) fyne.Position {
	t.Helper()
	pos, ok := e.WidgetAt(p)
	if !ok {
		t.Fatalf("%v is not drawn in the %s view", p, e.Options().View)
	}
	return pos
}

func pxDist(a, b fyne.Position) float64 {
	return math.Hypot(float64(a.X-b.X), float64(a.Y-b.Y))
}

// centreOf is a point inside piece pc (mean form mm): the middle of its
// outline's knots, nudged inside when that is not.
func centreOf(t *testing.T, pc models.Piece) canvas.Point {
	t.Helper()
	ring := canvas.FlattenPath(pc.Outline, 0.2)
	var c canvas.Point
	for _, q := range ring {
		c.X += q.X / float64(len(ring))
		c.Y += q.Y / float64(len(ring))
	}
	if canvas.PointInPolygon(ring, c) {
		return c
	}
	for _, q := range ring {
		if m := canvas.Lerp(q, c, 0.2); canvas.PointInPolygon(ring, m) {
			return m
		}
	}
	t.Fatalf("no point inside %s", pc.Name)
	return c
}

// In the lateral view the line tool draws by two taps: the style line's
// mean form ends map forward to within half a pixel of the taps; undo and
// redo return the identical designs.
func TestLineToolInLateralView(t *testing.T) {
	e, _, _, _ := newTestEditor(t)
	inView(e, canvas.ViewLateral)
	if !e.Editable() {
		t.Fatal("the lateral view is not editable")
	}
	d0 := e.Design()
	h0 := designHash(t, d0)
	// Two places over the lateral quarter and the vamp, as the view draws
	// them.
	a := widgetAt(t, e, centreOf(t, findPiece(d0, "Quarter lateral")))
	b := widgetAt(t, e, centreOf(t, findPiece(d0, "Vamp")))
	b = fyne.NewPos(b.X+7.3, b.Y-11.1) // somewhere in between pixels
	e.SetTool(ToolLine)
	e.Tapped(&fyne.PointEvent{Position: a})
	e.Tapped(&fyne.PointEvent{Position: b})
	d1 := e.Design()
	if len(d1.StyleLines) != len(d0.StyleLines)+1 {
		t.Fatalf("%d style lines after two taps, want %d", len(d1.StyleLines), len(d0.StyleLines)+1)
	}
	sel := e.Selection()
	if len(sel.Elems) != 1 {
		t.Fatalf("selection after drawing: %+v", sel)
	}
	line, ok := models.FindElem(d1, sel.Elems[0]).(models.StyleLine)
	if !ok {
		t.Fatalf("selected %v, not the new line", sel.Elems[0])
	}
	pts := line.Path.Points
	if got := widgetAt(t, e, pts[0]); pxDist(got, a) > 0.5 {
		t.Errorf("start drawn at %v, tapped at %v", got, a)
	}
	if got := widgetAt(t, e, pts[len(pts)-1]); pxDist(got, b) > 0.5 {
		t.Errorf("end drawn at %v, tapped at %v", got, b)
	}
	// The points are the design's own: mean form, not view, millimetres.
	if p, _ := e.DesignAt(a); canvas.Dist(p, pts[0]) > 1e-6 {
		t.Errorf("start %v, the tap is at %v on the mean form", pts[0], p)
	}
	h1 := designHash(t, d1)
	if err := e.session.Undo(); err != nil {
		t.Fatal(err)
	}
	if designHash(t, e.Design()) != h0 {
		t.Fatal("undo did not return the identical design")
	}
	if err := e.session.Redo(); err != nil {
		t.Fatal(err)
	}
	if designHash(t, e.Design()) != h1 {
		t.Fatal("redo did not return the design with the line")
	}
}

// In the medial view dragging a knot of the selected vamp moves that
// knot of the model (and its handles with it) to where the pointer was
// let go; nothing else changes; undo and redo round-trip.
func TestMovePointInMedialView(t *testing.T) {
	e, _, _, _ := newTestEditor(t)
	inView(e, canvas.ViewMedial)
	d0 := e.Design()
	h0 := designHash(t, d0)
	vamp := findPiece(d0, "Vamp")
	e.Select(Selection{Elems: []models.ID{vamp.ID}})
	// A knot whose neighbourhood the medial view draws.
	k := -1
	for i := 3; i < len(vamp.Outline.Points)-1; i += 3 {
		if _, ok := e.WidgetAt(vamp.Outline.Points[i]); ok {
			p := vamp.Outline.Points[i]
			if p.Y > 15 && p.X > 60 && p.X < 200 {
				k = i
				break
			}
		}
	}
	if k < 0 {
		t.Fatal("no knot of the vamp to drag")
	}
	from := widgetAt(t, e, vamp.Outline.Points[k])
	to := fyne.NewPos(from.X+25, from.Y-12)
	drag(e, from, to, 5)
	d1 := e.Design()
	got := findPiece(d1, "Vamp").Outline.Points
	if pos := widgetAt(t, e, got[k]); pxDist(pos, to) > 0.5 {
		t.Errorf("knot %d drawn at %v after the drag, let go at %v", k, pos, to)
	}
	delta := canvas.Point{X: got[k].X - vamp.Outline.Points[k].X, Y: got[k].Y - vamp.Outline.Points[k].Y}
	if canvas.Dist(delta, canvas.Point{}) < 1 {
		t.Fatalf("knot %d moved by %v", k, delta)
	}
	for i, p := range got {
		want := vamp.Outline.Points[i]
		if i >= k-1 && i <= k+1 {
			want = canvas.Point{X: want.X + delta.X, Y: want.Y + delta.Y}
		}
		if canvas.Dist(p, want) > 1e-6 {
			t.Errorf("point %d: %v, want %v", i, p, want)
		}
	}
	for _, p := range d1.Pieces {
		if p.ID != vamp.ID && !models.ElemEqual(p, findPiece(d0, p.Name)) {
			t.Errorf("piece %s changed", p.Name)
		}
	}
	h1 := designHash(t, d1)
	if err := e.session.Undo(); err != nil {
		t.Fatal(err)
	}
	if designHash(t, e.Design()) != h0 {
		t.Fatal("undo did not return the identical design")
	}
	if err := e.session.Redo(); err != nil {
		t.Fatal(err)
	}
	if designHash(t, e.Design()) != h1 {
		t.Fatal("redo did not return the moved design")
	}
}

// A click in a side view selects what that view draws there: the
// lateral quarter in the lateral view and the medial one in the medial
// view (on the mean form they lie on each other); a click beside the last
// selects nothing and does not panic.
func TestSelectInSideViews(t *testing.T) {
	e, _, _, _ := newTestEditor(t)
	d := e.Design()
	for _, c := range []struct {
		view canvas.View
		name string
	}{{canvas.ViewLateral, "Quarter lateral"}, {canvas.ViewMedial, "Quarter medial"}} {
		inView(e, c.view)
		pc := findPiece(d, c.name)
		e.Select(Selection{})
		click(e, widgetAt(t, e, centreOf(t, pc)))
		sel := e.Selection()
		if len(sel.Elems) != 1 || sel.Elems[0] != pc.ID {
			var names []string
			for _, id := range sel.Elems {
				names = append(names, canvas.ElemName(models.FindElem(d, id)))
			}
			t.Errorf("%s view: a click on %s selected %v", c.view, c.name, names)
		}
		click(e, fyne.NewPos(990, 10))
		if !e.Selection().Empty() {
			t.Errorf("%s view: a click beside the last selected %+v", c.view, e.Selection())
		}
	}
}

// The measure tool in the lateral view keeps (Enter) a dimension in mean
// form mm whose ends are drawn where the drag began and ended; the
// lateral and medial views draw the design's dimensions along the
// mapped, curved line, with the mean form length as label.
func TestDimensionsInSideViews(t *testing.T) {
	e, _, _, _ := newTestEditor(t)
	inView(e, canvas.ViewLateral)
	d0 := e.Design()
	a := widgetAt(t, e, centreOf(t, findPiece(d0, "Quarter lateral")))
	b := widgetAt(t, e, centreOf(t, findPiece(d0, "Vamp")))
	e.SetTool(ToolMeasure)
	drag(e, a, b, 4)
	e.TypeKey(fyne.KeyReturn, 0)
	d1 := e.Design()
	if len(d1.Dimensions) != len(d0.Dimensions)+1 {
		t.Fatalf("%d dimensions after Enter, want %d", len(d1.Dimensions), len(d0.Dimensions)+1)
	}
	dm := d1.Dimensions[len(d1.Dimensions)-1]
	if pa, pb := widgetAt(t, e, dm.A), widgetAt(t, e, dm.B); pxDist(pa, a) > 0.5 || pxDist(pb, b) > 0.5 {
		t.Errorf("dimension drawn from %v to %v, measured from %v to %v", pa, pb, a, b)
	}
	e.SetTool(ToolSelect)
	e.Select(Selection{})
	for _, v := range []canvas.View{canvas.ViewLateral, canvas.ViewMedial} {
		inView(e, v)
		dims := dimensionsOf(e.Design(), v, Selection{})
		if len(dims) != 1 {
			t.Fatalf("%s view: %d dimensions to draw, want 1", v, len(dims))
		}
		want := fmt.Sprintf("%.1f", canvas.Dist(dm.A, dm.B))
		if dims[0].Label != want+" mm" {
			t.Errorf("%s view: label %q, want the mean form length %q", v, dims[0].Label, want+" mm")
		}
		with := cloneRGBA(e.Frame(1000, 700).(*image.RGBA)) // the editor reuses its buffer
		e.SetLayer(canvas.LayerDimensions, false, false)
		without := e.Frame(1000, 700).(*image.RGBA)
		e.SetLayer(canvas.LayerDimensions, true, false)
		// Along the mapped line (a quarter and three quarters of the way)
		// the frame changes; a straight line between the drawn ends would
		// pass elsewhere where the view bends it.
		for _, f := range []float64{0.25, 0.5, 0.75} {
			pos := widgetAt(t, e, canvas.Lerp(dm.A, dm.B, f))
			if !changedNear(with, without, pos, 2) {
				t.Errorf("%s view: no dimension drawn at %.2f of its length (%v)", v, f, pos)
			}
		}
	}
}

// changedNear reports whether a and b differ within r pixels of pos.
func changedNear(a, b *image.RGBA, pos fyne.Position, r int) bool {
	x0, y0 := int(math.Round(float64(pos.X))), int(math.Round(float64(pos.Y)))
	for y := y0 - r; y <= y0+r; y++ {
		for x := x0 - r; x <= x0+r; x++ {
			if !(image.Point{X: x, Y: y}.In(a.Rect)) {
				continue
			}
			if a.RGBAAt(x, y) != b.RGBAAt(x, y) {
				return true
			}
		}
	}
	return false
}

func cloneRGBA(m *image.RGBA) *image.RGBA {
	c := *m
	c.Pix = append([]uint8(nil), m.Pix...)
	return &c
}
