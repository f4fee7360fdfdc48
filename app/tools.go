package app

import (
	"fmt"
	"math"
	"slices"

	"fyne.io/fyne/v2"

	"cordwain/canvas"
	"cordwain/models"
)

// Tool names (also their translation keys after "tool.").
const (
	ToolSelect    = "select"
	ToolPen       = "pen"
	ToolLine      = "line"
	ToolPiece     = "piece"
	ToolNotch     = "notch"
	ToolPunch     = "punch"
	ToolEyelets   = "eyelets"
	ToolText      = "text"
	ToolMeasure   = "measure"
	ToolCalibrate = "calibrate"
)

// ToolEvent is a pointer event in design millimetres.
type ToolEvent struct {
	// At is the point under the pointer in the design's own (mean form)
	// mm in the views that are edited — on the lateral and medial views
	// carried back onto the mean form — and in view mm in the top, back
	// and bottom views, where tools only pick and measure.
	At canvas.Point
	// Snap is At snapped to points, crossings, curves or the grid (Kind
	// SnapNone when snapping is off or nothing is near).
	Snap canvas.Snap
	Mods fyne.KeyModifier
}

// Tool is one way of working on the drawing. The editor turns pointer and
// key input into these calls, on Fyne's thread; a tool edits only through
// the editor (Do, preview, selection), so tests drive tools against a real
// editor in a test window.
type Tool interface {
	Name() string
	// Press, Drag and Release are a button press, the moves while it is
	// held, and its release (a click is a press and a release).
	Press(e *Editor, ev ToolEvent)
	Drag(e *Editor, ev ToolEvent)
	Release(e *Editor, ev ToolEvent)
	// Hover is a move with no button held.
	Hover(e *Editor, ev ToolEvent)
	// Key handles a key; false leaves it to the editor.
	Key(e *Editor, key fyne.KeyName, mods fyne.KeyModifier) bool
	// Cancel drops whatever the tool has under way (Esc, another tool,
	// another design).
	Cancel(e *Editor)
}

// Selection is what the designer picked: whole elements, and points
// (knots and handles) of style lines and pieces.
type Selection struct {
	Elems  []models.ID
	Points []canvas.PointRef
}

// Empty reports whether nothing is selected.
func (s Selection) Empty() bool { return len(s.Elems) == 0 && len(s.Points) == 0 }

// Has reports whether element id is selected.
func (s Selection) Has(id models.ID) bool { return slices.Contains(s.Elems, id) }

// SetTool switches to the named tool.
func (e *Editor) SetTool(name string) error {
	t, ok := e.tools[name]
	if !ok {
		return fmt.Errorf("no tool %q", name)
	}
	e.tool.Cancel(e)
	e.tool = t
	e.setOverlay(nil)
	return nil
}

// Tool is the current tool.
func (e *Editor) Tool() Tool { return e.tool }

// ToolNamed returns a tool by name (nil when there is none).
func (e *Editor) ToolNamed(name string) Tool { return e.tools[name] }

// Selection is what is selected.
func (e *Editor) Selection() Selection { return e.selection() }

func (e *Editor) selection() Selection {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.sel
}

// Select replaces the selection.
func (e *Editor) Select(s Selection) {
	e.mu.Lock()
	e.sel = s
	e.rev++ // the selection is drawn on top of the cached design
	e.mu.Unlock()
	e.fireSelection()
	e.Refresh()
}

func (e *Editor) fireSelection() {
	if e.OnSelection != nil {
		e.OnSelection(e.selection())
	}
}

// dropStaleSelection forgets selected elements and points that the design
// no longer has (after an undo, a delete, a peer's change).
func (e *Editor) dropStaleSelection() {
	d := e.session.Design()
	e.mu.Lock()
	s := e.sel
	var out Selection
	if d != nil {
		for _, id := range s.Elems {
			if models.FindElem(d, id) != nil {
				out.Elems = append(out.Elems, id)
			}
		}
		for _, r := range s.Points {
			if p, ok := canvas.ElemPath(models.FindElem(d, r.Elem)); ok && r.Index < len(p.Points) {
				out.Points = append(out.Points, r)
			}
		}
	}
	changed := len(out.Elems) != len(s.Elems) || len(out.Points) != len(s.Points)
	e.sel = out
	e.mu.Unlock()
	if changed {
		e.fireSelection()
	}
}

// Do applies a command through the session; a refusal goes to the status.
func (e *Editor) Do(c models.Command) error {
	err := e.session.Do(c)
	if err != nil {
		e.status(err.Error())
	}
	return err
}

func (e *Editor) status(s string) {
	if e.OnStatus != nil {
		e.OnStatus(s)
	}
}

// pickTolerance is how near, in page mm, the pointer must come to pick a
// point or a line.
const pickTolerance = 1.6

// tol is the pick tolerance in design mm at the current zoom. On a side
// view it is converted where the pointer is: the view draws the mean form
// shrunk where the last turns away (and a little stretched elsewhere), so
// the same page distance covers more or less of the form (the geometric
// mean of the map's stretches, within 4× either way).
func (e *Editor) tol() float64 {
	t := pickTolerance / math.Max(e.Viewport().Scale, 1e-9)
	if vm := e.viewMap(); vm != nil && !vm.Identity() && e.input.hasAt {
		lo, hi := vm.Stretch(e.input.at)
		k := math.Sqrt(lo * hi)
		if math.IsNaN(k) {
			k = 1
		}
		t /= math.Max(0.25, math.Min(4, k))
	}
	return t
}

// pickDesign is the session's design as the tools pick from it in the
// view: on a side view only what that view draws (not the other side's
// quarter, not the linings), see canvas.ShownIn.
func (e *Editor) pickDesign() *models.Design {
	return canvas.ShownIn(e.session.Design(), e.Options().View)
}

// SetSnapping turns snapping on or off.
func (e *Editor) SetSnapping(on bool) { e.snapOn = on }

// snap snaps q to the design (leaving out the elements in exclude).
func (e *Editor) snap(q canvas.Point, exclude map[models.ID]bool) canvas.Snap {
	if !e.snapOn || !e.Editable() || e.session.Design() == nil {
		return canvas.Snap{Point: q}
	}
	s := e.snapper
	if exclude != nil || s == nil {
		// Snapping is in mean form mm, to what the view draws; the grid
		// shown on a side view is the view's, so only the mean form
		// snaps to it.
		opt := e.Options()
		s = canvas.NewSnapper(e.pickDesign(), exclude)
		if opt.Grid && opt.View == canvas.ViewMeanForm && e.Viewport().Scale >= 2 {
			s.Grid = 1
		}
		if exclude == nil {
			e.snapper = s
		}
	}
	return s.Snap(q, e.tol())
}

// snapHint draws where a point snapped and to what.
func snapHint(p canvas.Painter, vp canvas.Viewport, s canvas.Snap) {
	if s.Kind == canvas.SnapNone {
		return
	}
	x, y := vp.ToPage(s.Point)
	p.SetStrokeColor(colSnap)
	p.SetLineWidth(0.3)
	p.SetDash()
	switch s.Kind {
	case canvas.SnapPoint:
		p.Stroke(squarePath(x, y, 1.3))
	case canvas.SnapIntersection:
		var c canvas.Path
		c.MoveTo(x-1.4, y-1.4)
		c.LineTo(x+1.4, y+1.4)
		c.MoveTo(x-1.4, y+1.4)
		c.LineTo(x+1.4, y-1.4)
		p.Stroke(&c)
	case canvas.SnapCurve:
		p.Stroke(circlePath(x, y, 1.3))
	case canvas.SnapGrid:
		var c canvas.Path
		c.MoveTo(x-1.2, y)
		c.LineTo(x+1.2, y)
		c.MoveTo(x, y-1.2)
		c.LineTo(x, y+1.2)
		p.Stroke(&c)
	}
}

// SelectTool picks and moves: click an element to select it (Shift adds),
// drag it to move it; on a selected line or piece, drag a knot (with its
// handles) or a handle alone; drag on empty space for a rubber band.
// Arrows nudge by 0.1 mm (Shift: 1 mm); Delete removes; Esc clears.
type SelectTool struct {
	mode     selectMode
	start    canvas.Point
	anchor   canvas.Point // the dragged point's place at the start
	base     *models.Design
	cmd      models.Command
	moving   map[models.ID]bool
	band     canvas.Rect
	lastSnap canvas.Snap
}

type selectMode int

const (
	selectIdle selectMode = iota
	selectPoints
	selectElems
	selectBand
)

// Name implements [Tool].
func (*SelectTool) Name() string { return ToolSelect }

// Press implements [Tool].
func (t *SelectTool) Press(e *Editor, ev ToolEvent) {
	d := e.session.Design()
	if d == nil {
		return
	}
	t.mode, t.start, t.base, t.cmd = selectIdle, ev.At, d, models.Command{}
	shift := ev.Mods&fyne.KeyModifierShift != 0
	sel := e.selection()
	if !e.Editable() {
		if id := e.hitInView(ev.At); id != "" {
			e.Select(Selection{Elems: []models.ID{id}})
		} else {
			e.Select(Selection{})
		}
		return
	}
	pd := e.pickDesign() // d, or what a side view draws of it
	skip := e.skipLayers()
	var pickable []models.ID
	for _, id := range sel.Elems {
		if !skip.Has(canvas.LayerOf(models.FindElem(d, id))) {
			pickable = append(pickable, id)
		}
	}
	if ref, ok := canvas.HitPoint(pd, pickable, ev.At, e.tol()); ok {
		pts := sel.Points
		switch {
		case shift && slices.Contains(pts, ref):
			pts = slices.DeleteFunc(slices.Clone(pts), func(r canvas.PointRef) bool { return r == ref })
		case shift:
			pts = append(slices.Clone(pts), ref)
		case !slices.Contains(pts, ref):
			pts = []canvas.PointRef{ref}
		}
		e.Select(Selection{Elems: sel.Elems, Points: pts})
		p, _ := canvas.ElemPath(models.FindElem(d, ref.Elem))
		t.anchor = p.Points[ref.Index]
		t.mode = selectPoints
		return
	}
	if id := canvas.HitElement(pd, ev.At, e.tol(), skip); id != "" {
		switch {
		case shift && sel.Has(id):
			e.Select(Selection{Elems: slices.DeleteFunc(slices.Clone(sel.Elems), func(x models.ID) bool { return x == id })})
			return
		case shift:
			e.Select(Selection{Elems: append(slices.Clone(sel.Elems), id)})
		case !sel.Has(id):
			e.Select(Selection{Elems: []models.ID{id}})
		}
		t.mode = selectElems
		return
	}
	if !shift {
		e.Select(Selection{})
	}
	t.mode = selectBand
	t.band = canvas.RectOf(ev.At, ev.At)
}

// Drag implements [Tool].
func (t *SelectTool) Drag(e *Editor, ev ToolEvent) {
	sel := e.selection()
	switch t.mode {
	case selectPoints:
		e.session.SetBusy(true)
		t.moving = map[models.ID]bool{}
		for _, r := range sel.Points {
			t.moving[r.Elem] = true
		}
		// The grabbed point snaps; the others move with it.
		s := e.snap(canvas.Point{X: t.anchor.X + ev.At.X - t.start.X, Y: t.anchor.Y + ev.At.Y - t.start.Y}, t.moving)
		t.lastSnap = s
		delta := canvas.Point{X: s.Point.X - t.anchor.X, Y: s.Point.Y - t.anchor.Y}
		cmd, err := canvas.MovePoints(t.base, sel.Points, delta)
		if err != nil {
			e.status(err.Error())
			return
		}
		t.show(e, cmd)
		e.setOverlay(func(p canvas.Painter, vp canvas.Viewport) { snapHint(p, vp, s) })
	case selectElems:
		e.session.SetBusy(true)
		t.moving = map[models.ID]bool{}
		for _, id := range sel.Elems {
			t.moving[id] = true
		}
		for _, m := range t.base.Marks {
			if t.moving[m.Piece] {
				t.moving[m.ID] = true
			}
		}
		delta := canvas.Point{X: ev.At.X - t.start.X, Y: ev.At.Y - t.start.Y}
		t.show(e, canvas.MoveElements(t.base, sel.Elems, delta))
	case selectBand:
		t.band = canvas.RectOf(t.start, ev.At)
		band := t.band
		e.setOverlay(func(p canvas.Painter, vp canvas.Viewport) {
			x0, y0 := vp.ToPage(band.Min)
			x1, y1 := vp.ToPage(band.Max)
			var r canvas.Path
			r.MoveTo(x0, y0)
			r.LineTo(x1, y0)
			r.LineTo(x1, y1)
			r.LineTo(x0, y1)
			r.Close()
			p.SetStrokeColor(colSelection)
			p.SetLineWidth(0.2)
			p.SetDash(1, 0.7)
			p.Stroke(&r)
			p.SetDash()
		})
	}
}

// show previews cmd applied to the design the drag started from.
func (t *SelectTool) show(e *Editor, cmd models.Command) {
	next, err := cmd.Apply(t.base)
	if err != nil {
		e.status(err.Error())
		return
	}
	t.cmd = cmd
	e.preview(next, t.moving)
}

// Release implements [Tool].
func (t *SelectTool) Release(e *Editor, ev ToolEvent) {
	switch t.mode {
	case selectPoints, selectElems:
		e.endPreview()
		e.setOverlay(nil)
		if len(t.cmd.Edits) > 0 && !t.cmd.Empty() {
			e.Do(t.cmd)
		}
		e.session.SetBusy(false)
	case selectBand:
		e.setOverlay(nil)
		sel := e.selection()
		elems, knots := canvas.BoxSelect(e.pickDesign(), t.band, sel.Elems, e.skipLayers())
		if ev.Mods&fyne.KeyModifierShift != 0 {
			elems = append(slices.Clone(sel.Elems), elems...)
			slices.Sort(elems)
			elems = slices.Compact(elems)
		}
		e.Select(Selection{Elems: elems, Points: knots})
	}
	t.mode, t.cmd, t.base, t.moving = selectIdle, models.Command{}, nil, nil
}

// Hover implements [Tool].
func (t *SelectTool) Hover(*Editor, ToolEvent) {}

// Nudge steps, mm.
const (
	nudgeSmall = 0.1
	nudgeLarge = 1.0
)

// Key implements [Tool].
func (t *SelectTool) Key(e *Editor, key fyne.KeyName, mods fyne.KeyModifier) bool {
	d := e.session.Design()
	sel := e.selection()
	if d == nil || !e.Editable() {
		return false
	}
	step := nudgeSmall
	if mods&fyne.KeyModifierShift != 0 {
		step = nudgeLarge
	}
	var delta canvas.Point
	switch key {
	case fyne.KeyLeft:
		delta.X = -step
	case fyne.KeyRight:
		delta.X = step
	case fyne.KeyUp:
		delta.Y = step // the design's y is up
	case fyne.KeyDown:
		delta.Y = -step
	case fyne.KeyDelete, fyne.KeyBackspace:
		switch {
		case len(sel.Points) > 0:
			e.Do(canvas.DeletePoints(d, sel.Points))
			e.Select(Selection{Elems: sel.Elems})
		case len(sel.Elems) > 0:
			e.Do(canvas.DeleteElements(d, sel.Elems))
			e.Select(Selection{})
		}
		return true
	case fyne.KeyEscape:
		e.Select(Selection{})
		return true
	default:
		return false
	}
	if e.Options().View == canvas.ViewMedial {
		delta.X = -delta.X // the medial view shows the mean form mirrored: Left moves left on screen
	}
	switch {
	case len(sel.Points) > 0:
		c, err := canvas.MovePoints(d, sel.Points, delta)
		if err == nil {
			c.Name = "Nudge " + c.Name[len("Move "):]
			e.Do(c)
		}
	case len(sel.Elems) > 0:
		c := canvas.MoveElements(d, sel.Elems, delta)
		c.Name = "Nudge " + c.Name[len("Move "):]
		e.Do(c)
	}
	return true
}

// Cancel implements [Tool].
func (t *SelectTool) Cancel(e *Editor) {
	if t.mode == selectPoints || t.mode == selectElems {
		e.endPreview()
		e.session.SetBusy(false)
	}
	t.mode, t.cmd, t.base, t.moving = selectIdle, models.Command{}, nil, nil
}

// hitInView picks the piece under q (view mm) in a view other than the
// mean form.
func (e *Editor) hitInView(q canvas.Point) models.ID {
	d := e.session.Design()
	sh, err := canvas.ViewShapes(d, e.Options())
	if err != nil {
		return ""
	}
	for i := len(sh.Pieces) - 1; i >= 0; i-- {
		for _, r := range sh.Pieces[i].Rings {
			if canvas.PointInPolygon(r, q) {
				return sh.Pieces[i].ID
			}
		}
	}
	return ""
}
