package app

import (
	"fmt"

	"fyne.io/fyne/v2"

	"cordwain/canvas"
	"cordwain/models"
)

// penKnot is a knot of a line being drawn and its handles; a corner has
// none (hasOut false).
type penKnot struct {
	at, in, out canvas.Point
	smooth      bool
}

// PenTool draws style lines of Bézier curves: a click puts a corner point,
// a press and drag puts a smooth point whose handles follow the pointer
// (the incoming one mirrored). Enter or a double click ends the line,
// clicking its first point closes it, Esc drops it, Backspace takes back
// the last point. Points snap, so a line ends exactly on the last's edges
// or on other lines.
type PenTool struct {
	knots []penKnot
	hover canvas.Snap
	// drawing is set between the press and the release of a knot.
	drawing bool
}

// Name implements [Tool].
func (*PenTool) Name() string { return ToolPen }

func (t *PenTool) snapped(e *Editor, ev ToolEvent) canvas.Point {
	if ev.Snap.Kind != canvas.SnapNone {
		return ev.Snap.Point
	}
	return ev.At
}

// Press implements [Tool].
func (t *PenTool) Press(e *Editor, ev ToolEvent) {
	if !e.Editable() {
		e.refuseEdit()
		return
	}
	p := t.snapped(e, ev)
	if len(t.knots) >= 2 && canvas.Dist(p, t.knots[0].at) <= e.tol() {
		t.finish(e, true)
		return
	}
	t.knots = append(t.knots, penKnot{at: p, in: p, out: p})
	t.drawing = true
	t.show(e)
}

// Drag implements [Tool]: pulls the new knot's handles out.
func (t *PenTool) Drag(e *Editor, ev ToolEvent) {
	if !t.drawing || len(t.knots) == 0 {
		return
	}
	k := &t.knots[len(t.knots)-1]
	k.out = ev.At
	k.in = canvas.Point{X: 2*k.at.X - ev.At.X, Y: 2*k.at.Y - ev.At.Y}
	k.smooth = canvas.Dist(k.at, ev.At) > 0.2
	t.show(e)
}

// Release implements [Tool].
func (t *PenTool) Release(e *Editor, ev ToolEvent) {
	t.drawing = false
	t.show(e)
}

// Hover implements [Tool]: the next segment follows the pointer.
func (t *PenTool) Hover(e *Editor, ev ToolEvent) {
	t.hover = ev.Snap
	if ev.Snap.Kind == canvas.SnapNone {
		t.hover = canvas.Snap{Point: ev.At}
	}
	t.show(e)
}

// Key implements [Tool].
func (t *PenTool) Key(e *Editor, key fyne.KeyName, _ fyne.KeyModifier) bool {
	switch key {
	case fyne.KeyReturn, fyne.KeyEnter:
		t.finish(e, false)
		return true
	case fyne.KeyEscape:
		t.Cancel(e)
		return true
	case fyne.KeyBackspace:
		if len(t.knots) > 0 {
			t.knots = t.knots[:len(t.knots)-1]
			t.show(e)
			return true
		}
	}
	return false
}

// Cancel implements [Tool].
func (t *PenTool) Cancel(e *Editor) {
	t.knots, t.drawing = nil, false
	e.setOverlay(nil)
}

// path builds the Bézier chain of the knots so far; a corner's handles
// lie a third of the way along its segments.
func (t *PenTool) path(closed bool) models.Path {
	ks := t.knots
	if closed && len(ks) > 0 {
		ks = append(ks, ks[0])
	}
	var p models.Path
	for i, k := range ks {
		if i == 0 {
			p.Points = append(p.Points, k.at)
			continue
		}
		prev := ks[i-1]
		c1, c2 := prev.out, k.in
		if !prev.smooth {
			c1 = canvas.Lerp(prev.at, k.at, 1.0/3)
		}
		if !k.smooth {
			c2 = canvas.Lerp(prev.at, k.at, 2.0/3)
		}
		p.Points = append(p.Points, c1, c2, k.at)
	}
	p.Closed = closed
	return p
}

func (t *PenTool) show(e *Editor) {
	if len(t.knots) == 0 {
		hover := t.hover
		e.setOverlay(func(p canvas.Painter, vp canvas.Viewport) { snapHint(p, vp, hover) })
		return
	}
	path := t.path(false)
	knots := append([]penKnot(nil), t.knots...)
	hover, drawing := t.hover, t.drawing
	e.setOverlay(func(p canvas.Painter, vp canvas.Viewport) {
		pp := pagePath(path, vp)
		if !drawing && hover.Point != (canvas.Point{}) {
			last := knots[len(knots)-1]
			x, y := vp.ToPage(hover.Point)
			ox, oy := vp.ToPage(last.out)
			if !last.smooth {
				ox, oy = vp.ToPage(last.at)
			}
			pp.CubicTo(ox, oy, x, y, x, y)
		}
		p.SetStrokeColor(colSelection)
		p.SetLineWidth(0.35)
		p.SetDash()
		p.Stroke(pp)
		for _, k := range knots {
			x, y := vp.ToPage(k.at)
			p.SetFillColor(colSelection)
			p.Fill(squarePath(x, y, 0.8))
			if k.smooth {
				ix, iy := vp.ToPage(k.in)
				ox, oy := vp.ToPage(k.out)
				var h canvas.Path
				h.MoveTo(ix, iy)
				h.LineTo(ox, oy)
				p.SetLineWidth(0.15)
				p.Stroke(&h)
				p.Fill(circlePath(ix, iy, 0.5))
				p.Fill(circlePath(ox, oy, 0.5))
			}
		}
		snapHint(p, vp, hover)
	})
}

// finish makes the style line (two knots at least) and starts afresh.
func (t *PenTool) finish(e *Editor, closed bool) {
	if len(t.knots) >= 2 {
		n := len(e.session.Design().StyleLines) + 1
		c := canvas.AddStyleLine(fmt.Sprintf("Line %d", n), models.LineStyle, t.path(closed))
		if e.Do(c) == nil {
			e.Select(Selection{Elems: []models.ID{c.Edits[0].ID}})
		}
	}
	t.Cancel(e)
}

// pagePath maps a design path onto the page.
func pagePath(mp models.Path, vp canvas.Viewport) *canvas.Path {
	var p canvas.Path
	for i, q := range mp.Points {
		x, y := vp.ToPage(q)
		switch {
		case i == 0:
			p.MoveTo(x, y)
		case i%3 == 0:
			ax, ay := vp.ToPage(mp.Points[i-2])
			bx, by := vp.ToPage(mp.Points[i-1])
			p.CubicTo(ax, ay, bx, by, x, y)
		}
	}
	return &p
}

// LineTool draws a straight style line: press and drag from one end to
// the other, or click both ends. Ends snap.
type LineTool struct {
	started bool
	from    canvas.Point
	to      canvas.Snap
	dragged bool
}

// Name implements [Tool].
func (*LineTool) Name() string { return ToolLine }

func snappedAt(ev ToolEvent) canvas.Point {
	if ev.Snap.Kind != canvas.SnapNone {
		return ev.Snap.Point
	}
	return ev.At
}

// Press implements [Tool].
func (t *LineTool) Press(e *Editor, ev ToolEvent) {
	if !e.Editable() {
		e.refuseEdit()
		return
	}
	if !t.started {
		t.started, t.from, t.dragged = true, snappedAt(ev), false
		t.to = canvas.Snap{Point: t.from}
	}
	t.show(e)
}

// Drag implements [Tool].
func (t *LineTool) Drag(e *Editor, ev ToolEvent) {
	if !t.started {
		return
	}
	t.dragged = true
	t.to = ev.Snap
	if t.to.Kind == canvas.SnapNone {
		t.to.Point = ev.At
	}
	t.show(e)
}

// Release implements [Tool]: the end of a drag, or of a second click.
func (t *LineTool) Release(e *Editor, ev ToolEvent) {
	if !t.started {
		return
	}
	end := snappedAt(ev)
	if !t.dragged && canvas.Dist(end, t.from) < 1e-9 {
		return // the first click of two
	}
	if canvas.Dist(end, t.from) < 0.1 {
		t.Cancel(e)
		return
	}
	n := len(e.session.Design().StyleLines) + 1
	c := canvas.AddStyleLine(fmt.Sprintf("Line %d", n), models.LineStyle, canvas.StraightPath(t.from, end))
	if e.Do(c) == nil {
		e.Select(Selection{Elems: []models.ID{c.Edits[0].ID}})
	}
	t.Cancel(e)
}

// Hover implements [Tool].
func (t *LineTool) Hover(e *Editor, ev ToolEvent) {
	t.to = ev.Snap
	if t.to.Kind == canvas.SnapNone {
		t.to.Point = ev.At
	}
	t.show(e)
}

// Key implements [Tool].
func (t *LineTool) Key(e *Editor, key fyne.KeyName, _ fyne.KeyModifier) bool {
	if key == fyne.KeyEscape && t.started {
		t.Cancel(e)
		return true
	}
	return false
}

// Cancel implements [Tool].
func (t *LineTool) Cancel(e *Editor) {
	t.started, t.dragged = false, false
	e.setOverlay(nil)
}

func (t *LineTool) show(e *Editor) {
	from, to, started := t.from, t.to, t.started
	e.setOverlay(func(p canvas.Painter, vp canvas.Viewport) {
		if started {
			ax, ay := vp.ToPage(from)
			bx, by := vp.ToPage(to.Point)
			var l canvas.Path
			l.MoveTo(ax, ay)
			l.LineTo(bx, by)
			p.SetStrokeColor(colSelection)
			p.SetLineWidth(0.35)
			p.SetDash()
			p.Stroke(&l)
		}
		snapHint(p, vp, to)
	})
}
