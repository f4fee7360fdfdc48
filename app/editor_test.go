package app

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"math"
	"math/rand"
	"os"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"cordwain/canvas"
	"cordwain/canvas/samples"
	"cordwain/models"
)

// memStudio records commits in memory.
type memStudio struct {
	commits []string
	last    *models.Design
}

func (m *memStudio) Commit(d *models.Design, msg string) (*models.Version, error) {
	m.commits = append(m.commits, msg)
	m.last = d
	return &models.Version{ID: models.ID("v" + string(rune('0'+len(m.commits)))), Message: msg}, nil
}

// TestMain holds every idle timer (autosave, settings) of the UIs the
// tests make: the test driver would run them in place on a timer's
// goroutine, racing the test's own. A test that wants one to fire
// installs a manualClock.
func TestMain(m *testing.M) {
	afterIdle = func(time.Duration, func()) func() { return func() {} }
	os.Exit(m.Run())
}

// manualClock collects autosave timers so a test fires them by hand.
type manualClock struct{ pending []func() }

func (c *manualClock) schedule(_ time.Duration, f func()) func() {
	i := len(c.pending)
	c.pending = append(c.pending, f)
	return func() { c.pending[i] = nil }
}

// fire runs the timers that are still armed, as the idle time passing.
func (c *manualClock) fire() {
	p := c.pending
	c.pending = nil
	for _, f := range p {
		if f != nil {
			f()
		}
	}
}

// newTestEditor is an editor filling a 1000×700 test window, showing the
// derby on its mean form, snapping off unless a test turns it on.
func newTestEditor(t *testing.T) (*Editor, fyne.Window, *memStudio, *manualClock) {
	t.Helper()
	test.NewTempApp(t)
	e := NewEditor()
	w := test.NewTempWindow(t, e)
	w.SetPadded(false)
	w.Resize(fyne.NewSize(1000, 700))
	ms, clock := &memStudio{}, &manualClock{}
	e.session.studio, e.session.schedule = ms, clock.schedule
	o := e.Options()
	o.View, o.Grid = canvas.ViewMeanForm, false
	e.SetOptions(o)
	e.SetDesign(samples.Derby())
	e.SetSnapping(false)
	return e, w, ms, clock
}

func press(e *Editor, at fyne.Position, mods fyne.KeyModifier) {
	e.MouseDown(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: at}, Button: desktop.MouseButtonPrimary, Modifier: mods})
}

// drag moves from a press at from to to in steps, then releases, as the
// GLFW driver reports it (press, moves with deltas, drag end, release).
func drag(e *Editor, from, to fyne.Position, steps int) {
	press(e, from, 0)
	prev := from
	for i := 1; i <= steps; i++ {
		f := float32(i) / float32(steps)
		cur := fyne.NewPos(from.X+(to.X-from.X)*f, from.Y+(to.Y-from.Y)*f)
		e.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: cur}, Dragged: fyne.NewDelta(cur.X-prev.X, cur.Y-prev.Y)})
		prev = cur
	}
	e.DragEnd()
	e.MouseUp(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: to}, Button: desktop.MouseButtonPrimary})
}

func click(e *Editor, at fyne.Position) {
	press(e, at, 0)
	e.MouseUp(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: at}, Button: desktop.MouseButtonPrimary})
}

func designHash(t *testing.T, d *models.Design) models.Hash {
	t.Helper()
	h, err := d.Hash()
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func findPiece(d *models.Design, name string) models.Piece {
	for _, p := range d.Pieces {
		if p.Name == name {
			return p
		}
	}
	return models.Piece{}
}

// Positions map to millimetres and back exactly (to float32 precision of
// the event), zooming about the pointer keeps the point under it, and
// panning moves the drawing by exactly the distance dragged.
func TestZoomPanMappingExact(t *testing.T) {
	e, _, _, _ := newTestEditor(t)
	rng := rand.New(rand.NewSource(3))
	for i := 0; i < 200; i++ {
		p := canvas.Point{X: rng.Float64()*300 - 20, Y: rng.Float64()*150 - 20}
		back := e.ToModel(e.ToWidget(p))
		if canvas.Dist(p, back) > 1e-3 {
			t.Fatalf("%v → widget → %v", p, back)
		}
	}
	for i := 0; i < 50; i++ {
		pos := fyne.NewPos(float32(rng.Intn(1000)), float32(rng.Intn(700)))
		before := e.ToModel(pos)
		f := 0.5 + rng.Float64()*1.5
		e.ZoomAt(float64(pos.X)/unitsPerMM, float64(pos.Y)/unitsPerMM, f)
		if after := e.ToModel(pos); canvas.Dist(before, after) > 1e-9 {
			t.Fatalf("zoom ×%.2f at %v moved the point under the pointer: %v → %v", f, pos, before, after)
		}
	}
	pos := fyne.NewPos(400, 300)
	before := e.ToModel(pos)
	scale := e.Viewport().Scale
	// Middle-button drag pans.
	e.MouseDown(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: pos}, Button: desktop.MouseButtonTertiary})
	e.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(440, 280)}, Dragged: fyne.NewDelta(40, -20)})
	e.DragEnd()
	after := e.ToModel(pos)
	wantDX, wantDY := -40/unitsPerMM/scale, -20/unitsPerMM/scale // y up in the design
	if math.Abs(after.X-before.X-wantDX) > 1e-9 || math.Abs(after.Y-before.Y-wantDY) > 1e-9 {
		t.Fatalf("pan by (40, −20) units: model moved by (%.6f, %.6f), want (%.6f, %.6f)",
			after.X-before.X, after.Y-before.Y, wantDX, wantDY)
	}
	// The wheel (two fingers on a trackpad) pans: the drawing follows
	// the scroll, at the same zoom.
	before = e.ToModel(pos)
	e.Scrolled(&fyne.ScrollEvent{PointEvent: fyne.PointEvent{Position: pos}, Scrolled: fyne.NewDelta(0, 50)})
	after = e.ToModel(pos)
	if e.Viewport().Scale != scale {
		t.Fatal("the plain wheel zoomed")
	}
	if want := 50 / unitsPerMM / scale; math.Abs(after.X-before.X) > 1e-9 || math.Abs(after.Y-before.Y-want) > 1e-9 {
		t.Fatalf("wheel by 50 units: model moved by (%.6f, %.6f), want (0, %.6f)", after.X-before.X, after.Y-before.Y, want)
	}
	// Shift+wheel, and a sideways scroll, pan sideways.
	for _, shift := range []bool{true, false} {
		before = e.ToModel(pos)
		delta := fyne.NewDelta(30, 0)
		if shift {
			e.KeyDown(&fyne.KeyEvent{Name: desktop.KeyShiftLeft})
			delta = fyne.NewDelta(0, 30)
		}
		e.Scrolled(&fyne.ScrollEvent{PointEvent: fyne.PointEvent{Position: pos}, Scrolled: delta})
		e.KeyUp(&fyne.KeyEvent{Name: desktop.KeyShiftLeft})
		after = e.ToModel(pos)
		if want := -30 / unitsPerMM / scale; math.Abs(after.X-before.X-want) > 1e-9 || math.Abs(after.Y-before.Y) > 1e-9 {
			t.Fatalf("sideways (shift %v) by 30 units: model moved by (%.6f, %.6f), want (%.6f, 0)", shift, after.X-before.X, after.Y-before.Y, want)
		}
	}
	// Ctrl+wheel (a pinch on a Windows touchpad) zooms about the pointer,
	// in proportion to the scroll: a wheel notch, then a trackpad's small
	// step, then back out.
	e.SetScale(2) // well inside the zoom's bounds
	e.KeyDown(&fyne.KeyEvent{Name: desktop.KeyControlLeft})
	for _, dy := range []float32{25, 2.5, -27.5} {
		before, scale = e.ToModel(pos), e.Viewport().Scale
		e.Scrolled(&fyne.ScrollEvent{PointEvent: fyne.PointEvent{Position: pos}, Scrolled: fyne.NewDelta(0, dy)})
		if got, want := e.Viewport().Scale/scale, math.Pow(zoomPerUnit, float64(dy)); math.Abs(got-want) > 1e-9 {
			t.Fatalf("Ctrl+wheel by %v: zoom ×%.6f, want ×%.6f", dy, got, want)
		}
		if after := e.ToModel(pos); canvas.Dist(before, after) > 1e-9 {
			t.Fatalf("Ctrl+wheel by %v moved the point under the pointer: %v → %v", dy, before, after)
		}
	}
	e.KeyUp(&fyne.KeyEvent{Name: desktop.KeyControlLeft})
	// Fit frames the whole last again.
	e.Fit()
	b, _ := canvas.SceneBounds(e.Design(), e.Options())
	for _, c := range []canvas.Point{b.Min, b.Max} {
		p := e.ToWidget(c)
		if p.X < 0 || p.Y < 0 || p.X > 1000 || p.Y > 700 {
			t.Fatalf("after fit, corner %v is at %v, outside the widget", c, p)
		}
	}
}

// What the window shows is where the input lands: the knots of the
// selected piece are drawn at the positions that pick them.
func TestDrawnWhereInputLands(t *testing.T) {
	e, _, _, _ := newTestEditor(t)
	vamp := findPiece(e.Design(), "Vamp")
	e.Select(Selection{Elems: []models.ID{vamp.ID}})
	e.ZoomAt(500/unitsPerMM, 350/unitsPerMM, 2.5)
	img := e.Frame(1000, 700).(*image.RGBA)
	hits := 0
	for i := 0; i < len(vamp.Outline.Points)-1; i += 3 {
		pos := e.ToWidget(vamp.Outline.Points[i])
		x, y := int(math.Round(float64(pos.X))), int(math.Round(float64(pos.Y)))
		if x < 2 || y < 2 || x >= 998 || y >= 698 {
			continue
		}
		// A knot is a white square with a blue edge: blue within 4 px.
		found := false
		for dy := -4; dy <= 4 && !found; dy++ {
			for dx := -4; dx <= 4 && !found; dx++ {
				c := img.RGBAAt(x+dx, y+dy)
				found = c.B > 0xc0 && c.R < 0x80
			}
		}
		if !found {
			t.Errorf("knot %d at %v: no selection mark drawn there", i, pos)
		}
		hits++
	}
	if hits < 3 {
		t.Fatalf("only %d knots in view", hits)
	}
}

// Pen: a click puts a corner, a press and drag a smooth point whose
// handles follow the pointer; Enter makes the style line. The model gets
// exactly that curve.
func TestPenDrawsCurve(t *testing.T) {
	e, _, _, _ := newTestEditor(t)
	e.SetTool(ToolPen)
	a, b, pull := fyne.NewPos(300, 400), fyne.NewPos(500, 300), fyne.NewPos(560, 300)
	click(e, a)
	drag(e, b, pull, 4)
	e.TypeKey(fyne.KeyReturn, 0)
	d := e.Design()
	if len(d.StyleLines) != len(samples.Derby().StyleLines)+1 {
		t.Fatalf("%d style lines, want one more than the sample's", len(d.StyleLines))
	}
	sel := e.Selection()
	line, ok := models.FindElem(d, sel.Elems[0]).(models.StyleLine)
	if !ok {
		t.Fatalf("selection after drawing: %+v", sel)
	}
	pa, pb, pp := e.ToModel(a), e.ToModel(b), e.ToModel(pull)
	want := []canvas.Point{pa, canvas.Lerp(pa, pb, 1.0/3), {X: 2*pb.X - pp.X, Y: 2*pb.Y - pp.Y}, pb}
	if len(line.Path.Points) != len(want) {
		t.Fatalf("path %v, want %v", line.Path.Points, want)
	}
	for i := range want {
		if canvas.Dist(line.Path.Points[i], want[i]) > 1e-6 {
			t.Errorf("point %d: %v, want %v", i, line.Path.Points[i], want[i])
		}
	}
	if e.session.UndoName() != "Add style line" {
		t.Errorf("undo names %q", e.session.UndoName())
	}
}

// A straight line snaps its ends onto the last's featherline and top line.
func TestLineSnapsToTheLastsEdges(t *testing.T) {
	e, _, _, _ := newTestEditor(t)
	e.SetSnapping(true)
	e.SetTool(ToolLine)
	g, _ := canvas.NewLastGeometry(e.Design().Last)
	near := func(p canvas.Point, dy float64) fyne.Position {
		return e.ToWidget(canvas.Point{X: p.X, Y: p.Y + dy})
	}
	// Ends where the nearest thing is the edge itself, not a knot on it.
	sn := canvas.NewSnapper(e.Design(), nil)
	free := func(at func(float64) canvas.Point, edge string, from float64) canvas.Point {
		for x := from; x < from+100; x += 1.5 {
			if s := sn.Snap(at(x), 2*e.tol()); s.Kind == canvas.SnapCurve && s.On == edge {
				return at(x)
			}
		}
		t.Fatalf("no free stretch of %s", edge)
		return canvas.Point{}
	}
	f := free(g.FeatherAt, canvas.EdgeFeatherline, 100)
	top := free(g.TopAt, canvas.EdgeTopLine, f.X+5)
	tol := e.tol()
	drag(e, near(f, -tol/3), near(top, tol/3), 3)
	sel := e.Selection()
	if len(sel.Elems) != 1 {
		t.Fatalf("no line made: %+v", sel)
	}
	line := models.FindElem(e.Design(), sel.Elems[0]).(models.StyleLine)
	p0, p1 := line.Path.Points[0], line.Path.Points[3]
	fl := canvas.FlattenPath(g.Featherline, 0.01)
	tl := canvas.FlattenPath(g.TopLine, 0.01)
	if d := canvas.DistToPolyline(fl, p0, false); d > 0.05 {
		t.Errorf("start %v is %.3f mm off the featherline", p0, d)
	}
	if d := canvas.DistToPolyline(tl, p1, false); d > 0.05 {
		t.Errorf("end %v is %.3f mm off the top line", p1, d)
	}
}

// Selecting the vamp and dragging one of its handles changes only that
// handle; the drag is one command, named in the Edit menu; undo returns the
// identical design and redo the moved one.
func TestDragHandleUndoRedo(t *testing.T) {
	e, _, ms, clock := newTestEditor(t)
	d0 := e.Design()
	h0 := designHash(t, d0)
	vamp := findPiece(d0, "Vamp")
	e.Select(Selection{Elems: []models.ID{vamp.ID}})
	e.ZoomAt(0, 0, 1) // keep the fitted view
	hIdx := 4
	from := e.ToWidget(vamp.Outline.Points[hIdx])
	to := fyne.NewPos(from.X+30, from.Y-15)
	drag(e, from, to, 6)
	d1 := e.Design()
	got := findPiece(d1, "Vamp").Outline.Points
	moved := e.ToModel(to)
	wantDelta := canvas.Point{X: moved.X - e.ToModel(from).X, Y: moved.Y - e.ToModel(from).Y}
	for i, p := range got {
		want := vamp.Outline.Points[i]
		if i == hIdx {
			want = canvas.Point{X: want.X + wantDelta.X, Y: want.Y + wantDelta.Y}
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
	if n := e.session.UndoName(); n != "Move Vamp handle" {
		t.Fatalf("undo names %q", n)
	}
	h1 := designHash(t, d1)
	if err := e.session.Undo(); err != nil {
		t.Fatal(err)
	}
	if designHash(t, e.Design()) != h0 {
		t.Fatal("undo did not return the identical design")
	}
	if e.session.RedoName() != "Move Vamp handle" {
		t.Fatalf("redo names %q", e.session.RedoName())
	}
	if err := e.session.Redo(); err != nil {
		t.Fatal(err)
	}
	if designHash(t, e.Design()) != h1 {
		t.Fatal("redo did not return the moved design")
	}
	clock.fire()
	if len(ms.commits) != 1 {
		t.Fatalf("%d versions saved after the drag, undo and redo: want 1", len(ms.commits))
	}
}

// A drag of a hundred moves is one version: autosave waits for the drag
// to end and for the idle time.
func TestAutosaveOneVersionPerDrag(t *testing.T) {
	e, _, ms, clock := newTestEditor(t)
	cap := findPiece(e.Design(), "Toe cap")
	e.Select(Selection{Elems: []models.ID{cap.ID}})
	from, ok := pointOn(e, cap.ID)
	if !ok {
		t.Fatal("no point of the toe cap to grab")
	}
	press(e, from, 0)
	prev := from
	for i := 1; i <= 100; i++ {
		cur := fyne.NewPos(from.X+float32(i)*0.5, from.Y)
		e.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: cur}, Dragged: fyne.NewDelta(cur.X-prev.X, 0)})
		prev = cur
		clock.fire() // idle timers that fire mid-drag save nothing
	}
	if len(ms.commits) != 0 {
		t.Fatalf("%d versions saved during the drag", len(ms.commits))
	}
	e.DragEnd()
	clock.fire()
	if len(ms.commits) != 1 || !strings.Contains(ms.commits[0], "Move Toe cap") {
		t.Fatalf("versions after one drag: %q", ms.commits)
	}
	moved := findPiece(ms.last, "Toe cap").Outline.Points[0].X - cap.Outline.Points[0].X
	if want := 50 / unitsPerMM / e.Viewport().Scale; math.Abs(moved-want) > 1e-3 {
		t.Fatalf("saved toe cap moved %.4f mm, want %.4f", moved, want)
	}
	clock.fire()
	if len(ms.commits) != 1 {
		t.Fatal("a second version without a change")
	}
}

// Arrows nudge the selection by 0.1 mm, Shift+arrows by 1 mm; Delete
// removes it.
func TestNudgeAndDelete(t *testing.T) {
	e, _, _, _ := newTestEditor(t)
	cap := findPiece(e.Design(), "Toe cap")
	e.Select(Selection{Elems: []models.ID{cap.ID}})
	e.TypeKey(fyne.KeyRight, 0)
	e.TypeKey(fyne.KeyUp, fyne.KeyModifierShift)
	got := findPiece(e.Design(), "Toe cap").Outline.Points[0]
	want := canvas.Point{X: cap.Outline.Points[0].X + 0.1, Y: cap.Outline.Points[0].Y + 1}
	if canvas.Dist(got, want) > 1e-9 {
		t.Fatalf("nudged to %v, want %v", got, want)
	}
	if n := e.session.UndoName(); !strings.HasPrefix(n, "Nudge") {
		t.Fatalf("undo names %q", n)
	}
	e.TypeKey(fyne.KeyDelete, 0)
	if models.FindElem(e.Design(), cap.ID) != nil {
		t.Fatal("Delete left the toe cap")
	}
	for _, m := range e.Design().Marks {
		if m.Piece == cap.ID {
			t.Fatal("Delete left a mark of the toe cap")
		}
	}
}

// Tapping in front of the toe cap line with the piece tool makes a piece
// of that region; undo removes it again.
func TestPieceToolMakesPieceFromRegion(t *testing.T) {
	e, w, _, _ := newTestEditor(t)
	e.SetTool(ToolPiece)
	d0 := e.Design()
	g, _ := canvas.NewLastGeometry(d0.Last)
	B := d0.Last.BottomLength
	pos := e.ToWidget(canvas.Point{X: 0.95 * B, Y: 0.5 * g.TopAt(0.95*B).Y})
	test.TapCanvas(w.Canvas(), pos)
	d1 := e.Design()
	if len(d1.Pieces) != len(d0.Pieces)+1 {
		t.Fatalf("%d pieces, want %d", len(d1.Pieces), len(d0.Pieces)+1)
	}
	sel := e.Selection()
	pc := models.FindElem(d1, sel.Elems[0]).(models.Piece)
	lasting := 0
	for _, k := range pc.Edges {
		if k == models.AllowLasting {
			lasting++
		}
	}
	if lasting == 0 {
		t.Error("the new piece has no lasting allowance along the featherline")
	}
	e.session.Undo()
	if designHash(t, e.Design()) != designHash(t, d0) {
		t.Fatal("undo did not remove the piece")
	}
	// Outside any closed region: refused, nothing changes.
	var status string
	e.OnStatus = func(s string) { status = s }
	test.TapCanvas(w.Canvas(), fyne.NewPos(5, 5))
	if len(e.Design().Pieces) != len(d0.Pieces) || !strings.Contains(status, "closed") {
		t.Fatalf("tap outside the last: %d pieces, status %q", len(e.Design().Pieces), status)
	}
}

// Marks: a notch lands on the outline nearest the click, a punch where
// clicked, an eyelet row of Count evenly spaced eyelets along a drag.
func TestMarkTools(t *testing.T) {
	e, _, _, _ := newTestEditor(t)
	d := e.Design()
	vamp := findPiece(d, "Vamp")
	inside := canvas.Point{X: 160, Y: 25}
	if id := canvas.HitElement(d, inside, 0.1, 0); id != vamp.ID {
		t.Fatalf("(160, 25) is on %s, not the vamp: pick another point", id)
	}
	e.SetTool(ToolPunch)
	click(e, e.ToWidget(inside))
	e.SetTool(ToolEyelets)
	drag(e, e.ToWidget(inside), e.ToWidget(canvas.Point{X: 200, Y: 25}), 3)
	after := e.Design()
	var punches, eyelets int
	for _, m := range after.Marks {
		if models.FindElem(d, m.ID) != nil || m.Piece != vamp.ID {
			continue
		}
		switch m.Kind {
		case models.MarkPunch:
			punches++
			if canvas.Dist(m.At, inside) > 0.01 {
				t.Errorf("punch at %v, clicked %v", m.At, inside)
			}
		case models.MarkEyelet:
			eyelets++
		}
	}
	if punches != 1 || eyelets != 5 {
		t.Fatalf("%d punches and %d eyelets added, want 1 and 5", punches, eyelets)
	}
	e.SetTool(ToolNotch)
	edge := vamp.Outline.Points[9]
	click(e, e.ToWidget(canvas.Point{X: edge.X + 0.2, Y: edge.Y + 0.2}))
	var notch *models.Mark
	for _, m := range e.Design().Marks {
		if m.Kind == models.MarkNotch && models.FindElem(after, m.ID) == nil {
			m := m
			notch = &m
		}
	}
	if notch == nil {
		t.Fatal("no notch added")
	}
	on := models.FindElem(e.Design(), notch.Piece).(models.Piece)
	if n, _ := canvas.NearestOnPath(on.Outline, notch.At); n.Dist > 1e-6 {
		t.Fatalf("notch %.4f mm off the outline of %s", n.Dist, on.Name)
	}
}

// Measure: a drag reports the distance; along a curve, the length along
// it; Enter keeps it on the drawing.
func TestMeasureTool(t *testing.T) {
	e, _, _, _ := newTestEditor(t)
	e.SetSnapping(true)
	e.SetTool(ToolMeasure)
	var status string
	e.OnStatus = func(s string) { status = s }
	g, _ := canvas.NewLastGeometry(e.Design().Last)
	a, b := g.FeatherAt(60), g.FeatherAt(140)
	drag(e, e.ToWidget(a), e.ToWidget(b), 5)
	m := e.ToolNamed(ToolMeasure).(*MeasureTool).Last()
	if m == nil || math.Abs(m.Straight-canvas.Dist(m.A, m.B)) > 1e-9 {
		t.Fatalf("measurement %+v", m)
	}
	if m.On != canvas.EdgeFeatherline || m.Along < m.Straight || m.Along > m.Straight*1.01 {
		t.Fatalf("along the featherline: %+v", m)
	}
	if !strings.Contains(status, "Distance") || !strings.Contains(status, "along") {
		t.Fatalf("status %q", status)
	}
	e.TypeKey(fyne.KeyReturn, 0)
	if len(e.Dimensions()) != 1 {
		t.Fatal("Enter did not keep the dimension")
	}
}

// pngBytes is a w×h PNG.
func pngBytes(t testing.TB, w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 0x80
	}
	img.Set(10, 10, color.Black)
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// An underlay calibrated by two points and a known distance puts those
// image points that distance apart; a file that does not decode is refused
// with a clear error.
func TestUnderlayCalibration(t *testing.T) {
	e, _, _, _ := newTestEditor(t)
	un, err := DecodeUnderlay(pngBytes(t, 400, 300))
	if err != nil {
		t.Fatal(err)
	}
	e.SetUnderlay(un)
	u := e.Underlay()
	// Two image pixels 200 px apart, which should be 120 mm.
	a, b := u.ToDesign(50, 100), u.ToDesign(250, 100)
	if err := e.CalibrateUnderlay(a, b, 120); err != nil {
		t.Fatal(err)
	}
	u = e.Underlay()
	pa, pb := u.ToDesign(50, 100), u.ToDesign(250, 100)
	if math.Abs(canvas.Dist(pa, pb)-120) > 1e-9 || canvas.Dist(pa, a) > 1e-9 {
		t.Fatalf("after calibration the points are %.6f mm apart, first moved %.6f mm", canvas.Dist(pa, pb), canvas.Dist(pa, a))
	}
	if math.Abs(u.MMPerPx-0.6) > 1e-12 {
		t.Fatalf("%.6f mm per pixel, want 0.6", u.MMPerPx)
	}
	// The calibrate tool hands the two points to the window's question.
	e.SetTool(ToolCalibrate)
	var got []canvas.Point
	e.OnCalibrate = func(a, b canvas.Point) { got = []canvas.Point{a, b} }
	drag(e, fyne.NewPos(300, 300), fyne.NewPos(500, 300), 2)
	if len(got) != 2 || math.Abs(got[1].X-got[0].X-200/unitsPerMM/e.Viewport().Scale) > 1e-6 {
		t.Fatalf("calibrate tool picked %v", got)
	}
	for _, bad := range [][]byte{nil, []byte("not an image"), pngBytes(t, 10, 10)[:40], []byte("GIF89a\x01\x00\x01\x00")} {
		_, err := DecodeUnderlay(bad)
		if !errors.Is(err, ErrBadImage) || !strings.Contains(err.Error(), "PNG or JPEG") {
			t.Errorf("decoding %q: %v", bad, err)
		}
	}
	if e.Underlay() == nil || e.Underlay().MMPerPx != u.MMPerPx {
		t.Fatal("a bad file changed the underlay")
	}
}

// Hidden layers are not drawn; locked ones are drawn but not picked.
func TestLayersHideAndLock(t *testing.T) {
	e, w, _, _ := newTestEditor(t)
	frame := func() []byte { return bytes.Clone(e.Frame(1000, 700).(*image.RGBA).Pix) }
	full := frame()
	e.SetLayer(canvas.LayerPieces, false, false)
	bare := frame()
	if bytes.Equal(full, bare) {
		t.Fatal("hiding the pieces changed nothing")
	}
	e.SetLayer(canvas.LayerPieces, true, true)
	again := frame()
	if !bytes.Equal(full, again) {
		t.Fatal("a locked layer is not drawn as before")
	}
	cap := findPiece(e.Design(), "Toe cap")
	c := canvas.PathBounds(cap.Outline)
	pos := e.ToWidget(canvas.Point{X: (c.Min.X + c.Max.X) / 2, Y: (c.Min.Y + c.Max.Y) / 2})
	test.TapCanvas(w.Canvas(), pos)
	for _, id := range e.Selection().Elems {
		if _, ok := models.FindElem(e.Design(), id).(models.Piece); ok {
			t.Fatal("picked a piece on a locked layer")
		}
	}
	e.SetLayer(canvas.LayerPieces, true, false)
	test.TapCanvas(w.Canvas(), pos)
	if !e.Selection().Has(cap.ID) {
		t.Fatalf("unlocked, a tap on the toe cap selects %v", e.Selection().Elems)
	}
}

// Box select: a rubber band round the toe cap selects it.
func TestBoxSelect(t *testing.T) {
	e, _, _, _ := newTestEditor(t)
	cap := findPiece(e.Design(), "Toe cap")
	b := canvas.PathBounds(cap.Outline).Inset(-1)
	from := e.ToWidget(canvas.Point{X: b.Min.X, Y: b.Max.Y + 25})
	to := e.ToWidget(canvas.Point{X: b.Max.X, Y: b.Min.Y})
	if canvas.HitElement(e.Design(), e.ToModel(from), e.tol(), 0) != "" {
		t.Fatal("band start is on an element: pick another corner")
	}
	drag(e, from, to, 4)
	if !e.Selection().Has(cap.ID) {
		t.Fatalf("band selected %v", e.Selection().Elems)
	}
}

// Editing the last in the Edit panel re-fits the upper; an invalid value
// is shown at its field and nothing changes.
func TestEditPanelLast(t *testing.T) {
	f := newStoreFixture(t, t.TempDir())
	u, _ := newStoreUI(t, f)
	p := u.edit.panel
	d0 := u.editor.Session().Design()
	p.LastEntry("heel_height").SetText("-5")
	p.applyLast()
	if p.LastError("heel_height") == "" {
		t.Fatal("no message at the heel height field")
	}
	if designHash(t, u.editor.Session().Design()) != designHash(t, d0) {
		t.Fatal("an invalid last changed the design")
	}
	p = u.edit.panel
	p.LastEntry("heel_height").SetText("30")
	p.LastEntry("toe_spring").SetText("12")
	p.applyLast()
	d1 := u.editor.Session().Design()
	if d1.Last.HeelHeight != 30 || d1.Last.ToeSpring != 12 {
		t.Fatalf("last after apply: %+v", d1.Last)
	}
	if p.LastError("heel_height") != "" {
		t.Fatal("the error stayed after a valid apply")
	}
	if u.editor.Session().UndoName() != "Change heel height and toe spring" {
		t.Fatalf("undo names %q", u.editor.Session().UndoName())
	}
	if !strings.Contains(mainMenuLabels(u), "Undo Change heel height and toe spring") {
		t.Fatalf("Edit menu: %s", mainMenuLabels(u))
	}
}

func mainMenuLabels(u *UI) string {
	var out []string
	for _, m := range u.win.MainMenu().Items {
		for _, it := range m.Items {
			out = append(out, it.Label)
		}
	}
	return strings.Join(out, " | ")
}

// Ctrl+S saves a version now with the message typed; autosave saves
// after the idle time with the edits' names; the studio has the versions.
func TestSaveAndAutosaveToStore(t *testing.T) {
	f := newStoreFixture(t, t.TempDir())
	u, w := newStoreUI(t, f)
	clock := &manualClock{}
	u.editor.session.schedule = clock.schedule
	before := len(f.st.History(f.design))
	d := u.editor.Session().Design()
	if err := u.editor.Do(canvas.Rename(d, "Renamed in the editor", "")); err != nil {
		t.Fatal(err)
	}
	u.askSave()
	entry := findEntry(t, w)
	test.Type(entry, "first fitting")
	entry.(fyne.Focusable).TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	hist := f.st.History(f.design)
	if len(hist) != before+1 || hist[0].Message != "first fitting" {
		t.Fatalf("after Ctrl+S: %d versions, newest %q", len(hist), hist[0].Message)
	}
	u.reload() // the store's change notice, as fyne.Do would deliver it
	if u.editor.Session().Dirty() {
		t.Fatal("dirty after the save came back from the store")
	}
	d = u.editor.Session().Design()
	if err := u.editor.Do(canvas.Rename(d, "Renamed again", "")); err != nil {
		t.Fatal(err)
	}
	clock.fire()
	hist = f.st.History(f.design)
	if len(hist) != before+2 || hist[0].Message != "Rename design" {
		t.Fatalf("after autosave: %d versions, newest %q", len(hist), hist[0].Message)
	}
	head, _ := f.studio.Design(f.design)
	if head.Meta.Name != "Renamed again" {
		t.Fatalf("head is named %q", head.Meta.Name)
	}
}

// findEntry is the focused entry of the dialog shown.
func findEntry(t *testing.T, w fyne.Window) fyne.Focusable {
	t.Helper()
	if f := w.Canvas().Focused(); f != nil {
		return f
	}
	t.Fatal("no entry focused in the save dialog")
	return nil
}

// Copy and paste: Ctrl+C / Ctrl+V put a copy of the selected piece (with
// its marks) beside it, selected; undo takes it away.
func TestCopyPaste(t *testing.T) {
	e, _, _, _ := newTestEditor(t)
	d0 := e.Design()
	cap := findPiece(d0, "Toe cap")
	e.Select(Selection{Elems: []models.ID{cap.ID}})
	if n := e.Copy(); n < 2 {
		t.Fatalf("copied %d elements, want the toe cap and its marks", n)
	}
	e.Paste()
	d1 := e.Design()
	if len(d1.Pieces) != len(d0.Pieces)+1 {
		t.Fatalf("%d pieces after paste", len(d1.Pieces))
	}
	sel := e.Selection().Elems
	pc, ok := models.FindElem(d1, sel[0]).(models.Piece)
	if !ok || pc.Name != "Toe cap" || pc.ID == cap.ID {
		t.Fatalf("selection after paste: %v", sel)
	}
	if n := e.session.UndoName(); !strings.HasPrefix(n, "Paste ") {
		t.Fatalf("undo names %q", n)
	}
	e.session.Undo()
	if designHash(t, e.Design()) != designHash(t, d0) {
		t.Fatal("undo did not remove the pasted copy")
	}
}

// Mirror: the selected style line gets its mirror image about the centre
// line, selected, as one command.
func TestMirrorSelection(t *testing.T) {
	e, _, _, _ := newTestEditor(t)
	d0 := e.Design()
	var line models.StyleLine
	for _, l := range d0.StyleLines {
		if l.Name == "Toe cap line" {
			line = l
		}
	}
	e.Select(Selection{Elems: []models.ID{line.ID}})
	e.MirrorSelection()
	if got := len(e.Design().StyleLines); got != len(d0.StyleLines)+1 {
		t.Fatalf("%d style lines after mirroring one", got)
	}
	if n := e.session.UndoName(); n != "Mirror Toe cap line" {
		t.Fatalf("undo names %q", n)
	}
}

// On a HiDPI screen the raster has more pixels per unit: the drawing is
// painted at that resolution, in the same place under the pointer.
func TestHiDPIFrameIsSharpAndAligned(t *testing.T) {
	e, _, _, _ := newTestEditor(t)
	vamp := findPiece(e.Design(), "Vamp")
	e.Select(Selection{Elems: []models.ID{vamp.ID}})
	lo := e.Frame(1000, 700).(*image.RGBA)
	loPix := bytes.Clone(lo.Pix)
	hi := e.Frame(2000, 1400).(*image.RGBA)
	if hi.Bounds().Dx() != 2000 {
		t.Fatalf("frame %v", hi.Bounds())
	}
	// The same knot, at twice the pixel position.
	k := e.ToWidget(vamp.Outline.Points[6])
	x, y := int(math.Round(float64(k.X))), int(math.Round(float64(k.Y)))
	blueNear := func(img *image.RGBA, pix []byte, x, y, r int) bool {
		for dy := -r; dy <= r; dy++ {
			for dx := -r; dx <= r; dx++ {
				i := img.PixOffset(x+dx, y+dy)
				if pix[i+2] > 0xc0 && pix[i] < 0x80 {
					return true
				}
			}
		}
		return false
	}
	if !blueNear(lo, loPix, x, y, 4) || !blueNear(hi, hi.Pix, 2*x, 2*y, 8) {
		t.Fatal("the knot is not drawn at the same place at both resolutions")
	}
}

// Materials and colourways: a new material line, renamed; a piece given a
// colour in the colourway shown; each one undoable command. A colour that
// is not #RRGGBB is refused.
func TestMaterialsAndColours(t *testing.T) {
	e, _, _, _ := newTestEditor(t)
	d0 := e.Design()
	if err := e.Do(AddMaterial(d0)); err != nil {
		t.Fatal(err)
	}
	d1 := e.Design()
	if len(d1.Materials) != len(d0.Materials)+1 {
		t.Fatal("no material added")
	}
	cap := findPiece(d1, "Toe cap")
	cw := d1.Colourways[0]
	c, err := SetPieceColour(d1, cw.ID, cap.ID, "Oxblood", "#4a0f14", cap.Material)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Do(c); err != nil {
		t.Fatal(err)
	}
	got := models.FindElem(e.Design(), cw.ID).(models.Colourway).Parts[cap.ID]
	if got.Hex != "#4A0F14" || got.Colour != "Oxblood" {
		t.Fatalf("toe cap in %s: %+v", cw.Name, got)
	}
	if err := models.Validate(e.Design()); err != nil {
		t.Fatalf("design after colouring: %v", err)
	}
	if _, err := SetPieceColour(d1, cw.ID, cap.ID, "x", "red", cap.Material); err == nil {
		t.Fatal("a colour that is not #RRGGBB was taken")
	}
	e.session.Undo()
	e.session.Undo()
	if designHash(t, e.Design()) != designHash(t, d0) {
		t.Fatal("undo did not return the design")
	}
}

// Duplicate design: a copy of the open design, edits included, saved under
// a new ID and name and opened; the original is left as it was.
func TestDuplicateDesign(t *testing.T) {
	f := newStoreFixture(t, t.TempDir())
	u, _ := newStoreUI(t, f)
	d := u.editor.Session().Design()
	if err := u.editor.Do(canvas.Rename(d, "Edited before copying", "")); err != nil {
		t.Fatal(err)
	}
	cur := u.editor.Session().Design()
	if err := u.CreateDesign(cur, "The copy", "COPY-1", cur.Meta.Gender, cur.Meta.BaseSize); err != nil {
		t.Fatal(err)
	}
	cp := u.editor.Session().Design()
	if cp.ID == d.ID || cp.Meta.Name != "The copy" || cp.Meta.StyleNo != "COPY-1" || len(cp.Pieces) != len(d.Pieces) {
		t.Fatalf("open after duplicating: %s %q %q, %d pieces", cp.ID, cp.Meta.Name, cp.Meta.StyleNo, len(cp.Pieces))
	}
	orig, err := f.studio.Design(d.ID)
	if err != nil {
		t.Fatal(err)
	}
	// Leaving the original saved its edit first.
	if orig.Meta.Name != "Edited before copying" {
		t.Fatalf("original is named %q", orig.Meta.Name)
	}
}

// The window opens its studio in the background, after the editor is
// built: edits made once it is there are saved to it.
func TestSavesToAStudioAttachedLater(t *testing.T) {
	f := newStoreFixture(t, t.TempDir())
	a := test.NewTempApp(t)
	a.Preferences().SetString(prefLanguage, LangEN)
	w := a.NewWindow("Cordwain")
	t.Cleanup(w.Close)
	u, err := New(a, w, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := u.editor.Session().Save(""); err != nil {
		t.Fatalf("saving with nothing open: %v", err)
	}
	u.studio = quietStudio{f.studio} // as attach does
	u.reload()
	u.SelectDesign(f.design)
	d := u.editor.Session().Design()
	if err := u.editor.Do(canvas.Rename(d, "Saved after attach", "")); err != nil {
		t.Fatal(err)
	}
	if _, err := u.editor.Session().Save("after attach"); err != nil {
		t.Fatal(err)
	}
	head, _ := f.studio.Design(f.design)
	if head.Meta.Name != "Saved after attach" {
		t.Fatalf("head is named %q", head.Meta.Name)
	}
}

// pointOn finds a widget position where a click picks element id.
func pointOn(e *Editor, id models.ID) (fyne.Position, bool) {
	b := canvas.ElemBounds(e.Design(), []models.ID{id})
	for fy := 0.2; fy < 0.9; fy += 0.1 {
		for fx := 0.2; fx < 0.9; fx += 0.05 {
			q := canvas.Point{X: b.Min.X + fx*b.Dx(), Y: b.Min.Y + fy*b.Dy()}
			if canvas.HitElement(e.Design(), q, e.tol(), 0) == id {
				return e.ToWidget(q), true
			}
		}
	}
	return fyne.Position{}, false
}

// The library search finds designs by name, Chinese name or style number,
// whatever the case, and Enter opens the first found.
func TestDesignSearch(t *testing.T) {
	studio := newFakeStudio()
	u, done := newTestUI(t, studio, nil)
	defer done()
	s := u.edit.search
	for q, want := range map[string]string{"runner": "Oujiang Runner", "CW-P": "Lucheng Pump 75", "d-2601": "Wenzhou Derby"} {
		found := s.Find(q)
		if len(found) != 1 || found[0].Name != want {
			t.Errorf("find %q: %+v, want %s", q, found, want)
		}
	}
	if zh := studio.designs[samples.PumpID].Meta.NameZH; zh != "" {
		if found := s.Find(zh); len(found) != 1 || found[0].ID != samples.PumpID {
			t.Errorf("find %q: %+v", zh, found)
		}
	}
	if found := s.Find("no such shoe"); len(found) != 0 {
		t.Errorf("found %+v for nonsense", found)
	}
	test.Type(s.entry, "runner")
	s.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if d := u.Current(); d == nil || d.ID != samples.SneakerID {
		t.Fatalf("Enter opened %v", d)
	}
}

// A blank design on the default last of the chosen gender and size, sized
// in the chosen system, is valid and opens.
func TestNewBlankDesign(t *testing.T) {
	f := newStoreFixture(t, t.TempDir())
	u, _ := newStoreUI(t, f)
	if err := u.createDesign(nil, "Blank court", "", models.Women, 235, models.SizeEU); err != nil {
		t.Fatal(err)
	}
	d := u.editor.Session().Design()
	if b := u.Banner(); b != "" {
		t.Fatalf("banner: %s", b)
	}
	if d.Meta.Name != "Blank court" || d.Meta.SizeSystem != models.SizeEU || d.Meta.Gender != models.Women {
		t.Fatalf("new design: %+v", d.Meta)
	}
	if err := canvas.ValidateLast(d.Last); err != nil {
		t.Fatalf("blank last: %v", err)
	}
	if err := u.CreateDesign(nil, "  ", "", models.Men, 250); err == nil {
		t.Fatal("a design without a name was created")
	}
}
