package app

import (
	"image"
	"math"
	"sync"

	"cordwain/canvas"
	"cordwain/models"
)

// Editing in the side views. Style lines, pieces, marks and dimensions are
// stored in mean form millimetres, and the tools work in them whatever the
// view: on the lateral and medial views the pointer is carried back onto
// the mean form (canvas.ViewMap.Inverse) before a tool sees it, and what
// the tools draw over the drawing — written for the mean form — goes
// through a painter that carries it forward onto the view
// (mappedPainter), where a straight mean form segment is drawn curved, as
// the scene draws the design itself.

type viewMapKey struct {
	last models.Last
	view canvas.View
}

// viewMaps keeps the view maps of the last few lasts and views: making
// one costs a table of the profile, and every pointer event and frame
// needs one.
var viewMaps struct {
	sync.Mutex
	m     map[viewMapKey]*canvas.ViewMap
	order []viewMapKey
}

// viewMapFor is the map between d's mean form and view v, nil when v is
// not edited (top, back, bottom) or d has no valid last.
func viewMapFor(d *models.Design, v canvas.View) *canvas.ViewMap {
	if d == nil || !canvas.EditableView(v) {
		return nil
	}
	k := viewMapKey{d.Last, v}
	viewMaps.Lock()
	defer viewMaps.Unlock()
	if m, ok := viewMaps.m[k]; ok {
		return m
	}
	m, err := canvas.NewDesignViewMap(d, v)
	if err != nil {
		return nil
	}
	if viewMaps.m == nil {
		viewMaps.m = map[viewMapKey]*canvas.ViewMap{}
	}
	if len(viewMaps.order) >= 8 {
		delete(viewMaps.m, viewMaps.order[0])
		viewMaps.order = viewMaps.order[1:]
	}
	viewMaps.m[k] = m
	viewMaps.order = append(viewMaps.order, k)
	return m
}

// meanFormViewport is vp read as the mean form's: the same scale and
// offset, so a mean form point's page position under it is where it
// would be drawn on the mean form view.
func meanFormViewport(vp canvas.Viewport) canvas.Viewport {
	m := vp
	m.View = canvas.ViewMeanForm
	return m
}

// overlayPainter is the painter and viewport what is drawn in mean form
// millimetres over the drawing (the tools' overlays, the selection,
// dimensions) is drawn with: p and vp themselves on the mean form and in
// views without a map, else a mappedPainter.
func overlayPainter(p canvas.Painter, vp canvas.Viewport, vm *canvas.ViewMap) (canvas.Painter, canvas.Viewport) {
	if vm == nil || vm.Identity() {
		return p, vp
	}
	mvp := meanFormViewport(vp)
	return &mappedPainter{Painter: p, vm: vm, vp: vp, mvp: mvp}, mvp
}

// mappedPainter draws what is given in page millimetres of the mean form
// (under mvp) where it lies on the view (under vp): each point goes page →
// mean form → view (vm.Forward) → page. Lines and curves are flattened and
// carried point by point, finely enough that a straight mean form line
// comes out as the curve the view shows; small marks (a knot's square, a
// snap hint, an end tick, a mark's ring) are moved whole, so they keep
// their shape. Transforms (Translate, Scale, Rotate) are not mapped: what
// draws through it does not use them.
type mappedPainter struct {
	canvas.Painter
	vm      *canvas.ViewMap
	vp, mvp canvas.Viewport
}

// mapTol is how far, in page mm, a mapped line may stray from the true
// curve.
const mapTol = 0.05

// rigidMM is the size below which a subpath moves whole, page mm; a
// closed one (a ring) moves whole up to rigidRingMM design mm.
const (
	rigidMM     = 5.0
	rigidRingMM = 15.0
)

// at maps one page point of the mean form to the view's page.
func (m *mappedPainter) at(x, y float64) (float64, float64, bool) {
	q, ok := m.vm.Forward(m.mvp.ToModel(x, y))
	if !ok {
		return 0, 0, false
	}
	px, py := m.vp.ToPage(q)
	return px, py, true
}

// segment appends to out the page points of the mean form page segment
// a–b mapped onto the view, a's image excluded.
func (m *mappedPainter) segment(out []canvas.Point, a, b canvas.Point) []canvas.Point {
	s := math.Max(m.vp.Scale, 1e-9)
	pts, ok := m.vm.MapSegment(m.mvp.ToModel(a.X, a.Y), m.mvp.ToModel(b.X, b.Y), mapTol/s)
	if !ok {
		return out
	}
	for _, q := range pts[1:] {
		x, y := m.vp.ToPage(q)
		out = append(out, canvas.Point{X: x, Y: y})
	}
	return out
}

// subpath is one subpath of a path being mapped.
type subpath struct {
	segs   []canvas.Seg
	closed bool
}

func splitSubpaths(p *canvas.Path) []subpath {
	var out []subpath
	for _, s := range p.Segs {
		if s.Op == canvas.OpMove || len(out) == 0 {
			out = append(out, subpath{})
		}
		cur := &out[len(out)-1]
		if s.Op == canvas.OpClose {
			cur.closed = true
			continue
		}
		cur.segs = append(cur.segs, s)
	}
	return out
}

// mapPath carries p onto the view.
func (m *mappedPainter) mapPath(p *canvas.Path) *canvas.Path {
	var out canvas.Path
	for _, sp := range splitSubpaths(p) {
		if len(sp.segs) == 0 {
			continue
		}
		// Bounds of the subpath (control points included).
		b := canvas.Rect{}
		for _, s := range sp.segs {
			n := 1
			if s.Op == canvas.OpCubic {
				n = 3
			}
			for _, q := range s.Pts[:n] {
				b = b.Extend(q)
			}
		}
		diag := math.Hypot(b.Dx(), b.Dy())
		if diag < rigidMM || (sp.closed && diag < rigidRingMM*m.vp.Scale) {
			cx, cy := (b.Min.X+b.Max.X)/2, (b.Min.Y+b.Max.Y)/2
			tx, ty, ok := m.at(cx, cy)
			if !ok {
				continue
			}
			dx, dy := tx-cx, ty-cy
			for _, s := range sp.segs {
				s2 := s
				for i := range s2.Pts {
					s2.Pts[i].X += dx
					s2.Pts[i].Y += dy
				}
				out.Segs = append(out.Segs, s2)
			}
			if sp.closed {
				out.Close()
			}
			continue
		}
		var pts []canvas.Point
		var cur canvas.Point
		for _, s := range sp.segs {
			switch s.Op {
			case canvas.OpMove:
				cur = s.Pts[0]
				if x, y, ok := m.at(cur.X, cur.Y); ok {
					pts = append(pts, canvas.Point{X: x, Y: y})
				}
			case canvas.OpLine:
				pts = m.segment(pts, cur, s.Pts[0])
				cur = s.Pts[0]
			case canvas.OpCubic:
				c := canvas.Cubic{cur, s.Pts[0], s.Pts[1], s.Pts[2]}
				flat := c.Flatten(0.1, nil)
				prev := cur
				for _, q := range flat {
					if q == prev {
						continue
					}
					pts = m.segment(pts, prev, q)
					prev = q
				}
				cur = s.Pts[2]
			}
		}
		if sp.closed && len(pts) > 0 && len(sp.segs) > 0 {
			pts = m.segment(pts, cur, sp.segs[0].Pts[0])
		}
		for i, q := range pts {
			if i == 0 {
				out.MoveTo(q.X, q.Y)
			} else {
				out.LineTo(q.X, q.Y)
			}
		}
		if sp.closed && len(pts) > 0 {
			out.Close()
		}
	}
	return &out
}

// Stroke implements canvas.Painter.
func (m *mappedPainter) Stroke(p *canvas.Path) { m.Painter.Stroke(m.mapPath(p)) }

// Fill implements canvas.Painter.
func (m *mappedPainter) Fill(p *canvas.Path) { m.Painter.Fill(m.mapPath(p)) }

// Text implements canvas.Painter: the anchor is carried onto the view.
func (m *mappedPainter) Text(s string, x, y, size float64, align canvas.Align) {
	if tx, ty, ok := m.at(x, y); ok {
		m.Painter.Text(s, tx, ty, size, align)
	}
}

// Image implements canvas.Painter: the rectangle moves with its middle.
func (m *mappedPainter) Image(img image.Image, x, y, w, h float64) {
	if tx, ty, ok := m.at(x+w/2, y+h/2); ok {
		m.Painter.Image(img, tx-w/2, ty-h/2, w, h)
	}
}

var _ canvas.Painter = (*mappedPainter)(nil)

// selectionBounds is the box of the selected elements in the view's mm:
// on a side view, of their outlines carried onto it.
func (e *Editor) selectionBounds(d *models.Design) canvas.Rect {
	ids := e.Selection().Elems
	vm := viewMapFor(d, e.Options().View)
	if vm == nil || vm.Identity() {
		return canvas.ElemBounds(d, ids)
	}
	var r canvas.Rect
	for _, id := range ids {
		el := models.FindElem(d, id)
		var pts []canvas.Point
		if path, ok := canvas.ElemPath(el); ok && canvas.CheckPath(path) == nil {
			pts = canvas.FlattenPath(path, 0.5)
		} else {
			b := canvas.ElemBounds(d, []models.ID{id})
			if !b.NonEmpty {
				continue
			}
			pts = []canvas.Point{b.Min, b.Max, {X: b.Min.X, Y: b.Max.Y}, {X: b.Max.X, Y: b.Min.Y}}
		}
		for _, p := range pts {
			if q, ok := vm.Forward(p); ok {
				r = r.Extend(q)
			}
		}
	}
	return r
}
