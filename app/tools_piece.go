package app

import (
	"fmt"
	"math"

	"fyne.io/fyne/v2"

	"cordwain/canvas"
	"cordwain/models"
)

// PieceTool makes a piece of the region clicked: the area closed by style
// lines and the last's edges (canvas.PieceFromRegion).
type PieceTool struct{}

// Name implements [Tool].
func (*PieceTool) Name() string { return ToolPiece }

// Press implements [Tool].
func (*PieceTool) Press(*Editor, ToolEvent) {}

// Drag implements [Tool].
func (*PieceTool) Drag(*Editor, ToolEvent) {}

// Release implements [Tool].
func (*PieceTool) Release(e *Editor, ev ToolEvent) {
	if !e.Editable() {
		e.refuseEdit()
		return
	}
	d := e.session.Design()
	c, _, err := canvas.PieceFromRegion(d, ev.At, fmt.Sprintf("Piece %d", len(d.Pieces)+1))
	if err != nil {
		e.status(e.tr().L("status.no_region"))
		return
	}
	if e.Do(c) == nil {
		e.Select(Selection{Elems: []models.ID{c.Edits[0].ID}})
	}
}

// Hover implements [Tool].
func (*PieceTool) Hover(*Editor, ToolEvent) {}

// Key implements [Tool].
func (*PieceTool) Key(*Editor, fyne.KeyName, fyne.KeyModifier) bool { return false }

// Cancel implements [Tool].
func (*PieceTool) Cancel(*Editor) {}

// Defaults of new marks, mm.
const (
	notchDepth   = 3
	notchWidth   = 1.5
	punchSize    = 2
	eyeletSize   = 4.5
	eyeletMinGap = 6
)

// MarkTool places marks on pieces: a notch on the outline nearest the
// click, a punch hole or a text where clicked, an eyelet row from the
// press to the release (Count eyelets, evenly spaced).
type MarkTool struct {
	Kind  models.MarkKind
	Count int    // eyelets in a row
	Text  string // text of a text mark
	from  canvas.Point
	on    models.ID
	down  bool
}

// Name implements [Tool].
func (t *MarkTool) Name() string {
	switch t.Kind {
	case models.MarkNotch:
		return ToolNotch
	case models.MarkPunch:
		return ToolPunch
	case models.MarkEyelet:
		return ToolEyelets
	}
	return ToolText
}

// pieceAt is the topmost piece under q, or whose outline passes within
// tol (notches go on the edge).
func (e *Editor) pieceAt(q canvas.Point, tol float64) (models.Piece, bool) {
	d := e.pickDesign() // on a side view, the pieces it draws
	skip := e.skipLayers().With(canvas.LayerLines, true).With(canvas.LayerMarks, true)
	id := canvas.HitElement(d, q, tol, skip)
	pc, ok := models.FindElem(d, id).(models.Piece)
	return pc, ok
}

// Press implements [Tool].
func (t *MarkTool) Press(e *Editor, ev ToolEvent) {
	t.down = false
	if !e.Editable() {
		e.refuseEdit()
		return
	}
	pc, ok := e.pieceAt(ev.At, e.tol())
	if !ok {
		e.status(e.tr().L("status.click_piece"))
		return
	}
	t.from, t.on, t.down = snappedAt(ev), pc.ID, true
}

// Drag implements [Tool]: the eyelet row follows the pointer.
func (t *MarkTool) Drag(e *Editor, ev ToolEvent) {
	if !t.down || t.Kind != models.MarkEyelet {
		return
	}
	row := t.row(snappedAt(ev))
	e.setOverlay(func(p canvas.Painter, vp canvas.Viewport) {
		for _, q := range row {
			x, y := vp.ToPage(q)
			p.SetStrokeColor(colSelection)
			p.SetLineWidth(0.3)
			p.Stroke(circlePath(x, y, eyeletSize/2*vp.Scale))
		}
	})
}

// row is the eyelets from the press to to.
func (t *MarkTool) row(to canvas.Point) []canvas.Point {
	n := t.Count
	if n < 2 {
		n = 2
	}
	if canvas.Dist(t.from, to) < eyeletMinGap {
		return []canvas.Point{t.from}
	}
	out := make([]canvas.Point, n)
	for i := range out {
		out[i] = canvas.Lerp(t.from, to, float64(i)/float64(n-1))
	}
	return out
}

// Release implements [Tool].
func (t *MarkTool) Release(e *Editor, ev ToolEvent) {
	if !t.down {
		return
	}
	t.down = false
	e.setOverlay(nil)
	d := e.session.Design()
	pc, _ := models.FindElem(d, t.on).(models.Piece)
	var marks []models.Mark
	switch t.Kind {
	case models.MarkNotch:
		n, ok := canvas.NearestOnPath(pc.Outline, t.from)
		if !ok {
			return
		}
		marks = append(marks, models.Mark{Kind: models.MarkNotch, At: n.Point, Size: notchDepth, Width: notchWidth})
	case models.MarkPunch:
		marks = append(marks, models.Mark{Kind: models.MarkPunch, At: t.from, Size: punchSize})
	case models.MarkEyelet:
		for _, q := range t.row(snappedAt(ev)) {
			marks = append(marks, models.Mark{Kind: models.MarkEyelet, At: q, Size: eyeletSize})
		}
	case models.MarkText:
		text := t.Text
		if text == "" {
			text = "Text"
		}
		marks = append(marks, models.Mark{Kind: models.MarkText, At: t.from, Text: text})
	}
	c := models.Command{Name: fmt.Sprintf("Add %s to %s", t.Kind, pc.Name)}
	if len(marks) > 1 {
		c.Name = fmt.Sprintf("Add %d %ss to %s", len(marks), t.Kind, pc.Name)
	}
	var ids []models.ID
	for _, m := range marks {
		m.ID, m.Piece = models.NewID(), pc.ID
		c.Edits = append(c.Edits, models.Edit{ID: m.ID, After: m})
		ids = append(ids, m.ID)
	}
	if e.Do(c) == nil {
		e.Select(Selection{Elems: ids})
	}
}

// Hover implements [Tool].
func (*MarkTool) Hover(*Editor, ToolEvent) {}

// Key implements [Tool].
func (*MarkTool) Key(*Editor, fyne.KeyName, fyne.KeyModifier) bool { return false }

// Cancel implements [Tool].
func (t *MarkTool) Cancel(e *Editor) {
	t.down = false
}

// MeasureTool measures from the press to the release: the straight
// distance, and when both ends lie on one curve (a style line, a piece's
// outline, an edge of the last) the length along it. Enter keeps the last
// measurement on the drawing as a dimension (dimensions layer).
type MeasureTool struct {
	a, b   canvas.Snap
	down   bool
	result *Measurement
}

// Measurement is what the measure tool found.
type Measurement struct {
	A, B     canvas.Point
	Straight float64 // mm
	// Along is the length along the curve named On (0 when the ends are
	// not on one curve).
	Along float64
	On    string
}

// Name implements [Tool].
func (*MeasureTool) Name() string { return ToolMeasure }

// Press implements [Tool].
func (t *MeasureTool) Press(e *Editor, ev ToolEvent) {
	t.a, t.b, t.down = withPoint(ev), withPoint(ev), true
	t.show(e)
}

func withPoint(ev ToolEvent) canvas.Snap {
	if ev.Snap.Kind == canvas.SnapNone {
		return canvas.Snap{Point: ev.At}
	}
	return ev.Snap
}

// Drag implements [Tool].
func (t *MeasureTool) Drag(e *Editor, ev ToolEvent) {
	if t.down {
		t.b = withPoint(ev)
		t.show(e)
	}
}

// Release implements [Tool].
func (t *MeasureTool) Release(e *Editor, ev ToolEvent) {
	if !t.down {
		return
	}
	t.down = false
	t.b = withPoint(ev)
	m := e.measure(t.a, t.b)
	t.result = &m
	tr := e.tr()
	msg := tr.L("status.measure", map[string]any{"Straight": fmt.Sprintf("%.1f", m.Straight)})
	if m.Along > 0 {
		msg += "; " + tr.L("status.measure_along", map[string]any{"Along": fmt.Sprintf("%.1f", m.Along)})
	}
	e.status(msg)
	t.show(e)
}

// measure measures between two snapped points: straight, and along the
// first curve both lie on (the last's edges, then style lines, then piece
// outlines), whatever each snapped to.
func (e *Editor) measure(a, b canvas.Snap) Measurement {
	m := Measurement{A: a.Point, B: b.Point, Straight: canvas.Dist(a.Point, b.Point)}
	d := e.session.Design()
	if !e.Editable() || d == nil {
		return m
	}
	type curve struct {
		on   string
		path models.Path
	}
	var curves []curve
	if g, err := canvas.NewLastGeometry(d.Last); err == nil {
		curves = append(curves, curve{canvas.EdgeFeatherline, g.Featherline}, curve{canvas.EdgeTopLine, g.TopLine},
			curve{canvas.EdgeBackCurve, g.BackCurve})
	}
	for _, sl := range d.StyleLines {
		curves = append(curves, curve{string(sl.ID), sl.Path})
	}
	for _, pc := range d.Pieces {
		curves = append(curves, curve{string(pc.ID), pc.Outline})
	}
	const onCurve = 0.05 // mm
	for _, c := range curves {
		na, okA := canvas.NearestOnPath(c.path, a.Point)
		nb, okB := canvas.NearestOnPath(c.path, b.Point)
		if okA && okB && na.Dist <= onCurve && nb.Dist <= onCurve {
			m.Along, m.On = canvas.LengthBetween(c.path, a.Point, b.Point), c.on
			return m
		}
	}
	return m
}

// Hover implements [Tool].
func (t *MeasureTool) Hover(e *Editor, ev ToolEvent) {
	if !t.down && t.result == nil {
		s := ev.Snap
		e.setOverlay(func(p canvas.Painter, vp canvas.Viewport) { snapHint(p, vp, s) })
	}
}

// Key implements [Tool]: Enter keeps the measurement as a dimension.
func (t *MeasureTool) Key(e *Editor, key fyne.KeyName, _ fyne.KeyModifier) bool {
	switch key {
	case fyne.KeyReturn, fyne.KeyEnter:
		if t.result != nil {
			dm := Dimension{A: t.result.A, B: t.result.B, Label: fmt.Sprintf("%.1f mm", t.result.Straight)}
			if e.Editable() {
				e.keepDimension(dm) // mean form mm, in any view that is edited
			} else {
				e.AddDimension(dm) // view mm: refused, with the reason
			}
			t.result = nil
			e.setOverlay(nil)
			return true
		}
	case fyne.KeyEscape:
		t.Cancel(e)
		return true
	}
	return false
}

// Last is the last measurement (nil before one).
func (t *MeasureTool) Last() *Measurement { return t.result }

// Cancel implements [Tool].
func (t *MeasureTool) Cancel(e *Editor) {
	t.down, t.result = false, nil
	e.setOverlay(nil)
}

func (t *MeasureTool) show(e *Editor) {
	a, b := t.a, t.b
	e.setOverlay(func(p canvas.Painter, vp canvas.Viewport) {
		d := Dimension{A: a.Point, B: b.Point, Label: fmt.Sprintf("%.1f mm", canvas.Dist(a.Point, b.Point))}
		d.draw(p, vp)
		snapHint(p, vp, b)
	})
}

// CalibrateTool picks two points on the underlay; the editor then asks for
// the distance between them (OnCalibrate) and scales the image so tracing
// is to size.
type CalibrateTool struct {
	a    canvas.Point
	down bool
}

// Name implements [Tool].
func (*CalibrateTool) Name() string { return ToolCalibrate }

// Press implements [Tool].
func (t *CalibrateTool) Press(e *Editor, ev ToolEvent) {
	if e.Underlay() == nil {
		e.status(e.tr().L("status.no_underlay"))
		return
	}
	if e.Options().View != canvas.ViewMeanForm {
		// The underlay lies under the mean form only.
		e.status(e.tr().L("status.calibrate_on_meanform"))
		return
	}
	t.a, t.down = ev.At, true
}

// Drag implements [Tool].
func (t *CalibrateTool) Drag(e *Editor, ev ToolEvent) {
	if !t.down {
		return
	}
	a, b := t.a, ev.At
	e.setOverlay(func(p canvas.Painter, vp canvas.Viewport) {
		Dimension{A: a, B: b, Label: fmt.Sprintf("%.1f mm", canvas.Dist(a, b))}.draw(p, vp)
	})
}

// Release implements [Tool].
func (t *CalibrateTool) Release(e *Editor, ev ToolEvent) {
	if !t.down {
		return
	}
	t.down = false
	e.setOverlay(nil)
	if canvas.Dist(t.a, ev.At) < 1e-6*math.Max(1, e.tol()) {
		return
	}
	if e.OnCalibrate != nil {
		e.OnCalibrate(t.a, ev.At)
	}
}

// Hover implements [Tool].
func (*CalibrateTool) Hover(*Editor, ToolEvent) {}

// Key implements [Tool].
func (*CalibrateTool) Key(*Editor, fyne.KeyName, fyne.KeyModifier) bool { return false }

// Cancel implements [Tool].
func (t *CalibrateTool) Cancel(e *Editor) { t.down = false }
