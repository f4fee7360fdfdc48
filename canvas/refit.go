package canvas

import (
	"fmt"
	"math"

	"cordwain/models"
)

// Refit carries drawing made on one last's mean form onto another's: the
// upper follows its last. Style lines, piece outlines and marks are stored
// in mean form millimetres; a point keeps its place on the form — its
// patch parameters (s along heel → toe, w featherline → top line), plus its
// offset where it lies off the form — so a vamp line that ended on the top
// line at the toe still ends there when the toe turns square, and a toe cap
// keeps covering the toe when the heel rises.
//
// Bézier handles move with their knot through the map's local linear part
// (its Jacobian at the knot), so a smooth point stays smooth and a corner
// stays a corner. A Refit is not safe for concurrent use.
type Refit struct {
	from, to *LastGeometry
	cur      *Cursor
	same     bool
}

// NewRefit prepares a refit from last from to last to; both must be valid.
func NewRefit(from, to models.Last) (*Refit, error) {
	gf, err := NewLastGeometry(from)
	if err != nil {
		return nil, fmt.Errorf("refit from the old last: %w", err)
	}
	gt, err := NewLastGeometry(to)
	if err != nil {
		return nil, fmt.Errorf("refit onto the new last: %w", err)
	}
	return &Refit{from: gf, to: gt, cur: gf.NewCursor(), same: from == to}, nil
}

// Point maps one mean form point.
func (r *Refit) Point(p Point) Point {
	if r.same || !finite(p) {
		return p
	}
	s, w, off := r.cur.params(p)
	return add(r.to.mf.at(s, w), off)
}

// refitEps is the step of the finite differences that give the map's
// Jacobian, mm.
const refitEps = 0.25

// jacobian is the map's linear part at p: columns d/dx and d/dy.
func (r *Refit) jacobian(p Point) (dx, dy Point) {
	m := func(q Point) Point { s, w, off := r.cur.coldParams(q); return add(r.to.mf.at(s, w), off) }
	dx = mul(sub(m(Offset(p, refitEps, 0)), m(Offset(p, -refitEps, 0))), 1/(2*refitEps))
	dy = mul(sub(m(Offset(p, 0, refitEps)), m(Offset(p, 0, -refitEps))), 1/(2*refitEps))
	return dx, dy
}

// Path maps a Bézier chain: knots through the map, handles through its
// Jacobian at their knot.
func (r *Refit) Path(p models.Path) models.Path {
	if r.same || len(p.Points) == 0 {
		return p
	}
	out := models.Path{Closed: p.Closed, Points: make([]Point, len(p.Points))}
	n := len(p.Points)
	for k := 0; k < n; k += 3 {
		knot := p.Points[k]
		nk := r.Point(knot)
		out.Points[k] = nk
		if k+1 >= n && k-1 < 0 {
			continue
		}
		jx, jy := r.jacobian(knot)
		lin := func(h Point) Point {
			d := sub(h, knot)
			return add(nk, add(mul(jx, d.X), mul(jy, d.Y)))
		}
		if k-1 >= 0 {
			out.Points[k-1] = lin(p.Points[k-1])
		}
		if k+1 < n {
			out.Points[k+1] = lin(p.Points[k+1])
		}
	}
	if p.Closed && n > 1 && p.Points[n-1] == p.Points[0] {
		out.Points[n-1] = out.Points[0]
	}
	return out
}

// Mark maps a mark's position and turns its angle with the form.
func (r *Refit) Mark(m models.Mark) models.Mark {
	if r.same {
		return m
	}
	jx, jy := r.jacobian(m.At)
	m.At = r.Point(m.At)
	if m.Angle != 0 {
		s, c := math.Sincos(m.Angle * math.Pi / 180)
		d := add(mul(jx, c), mul(jy, s))
		m.Angle = math.Atan2(d.Y, d.X) * 180 / math.Pi
	}
	return m
}

// RefitDesign returns a copy of d on last l with its style lines, pieces,
// marks and dimensions carried onto the new mean form (see [Refit]); d is not
// changed. The same last returns a copy equal to d.
func RefitDesign(d *models.Design, l models.Last) (*models.Design, error) {
	r, err := NewRefit(d.Last, l)
	if err != nil {
		return nil, err
	}
	out := *d
	out.Last = l
	if r.same {
		return &out, nil
	}
	out.StyleLines = make([]models.StyleLine, len(d.StyleLines))
	for i, sl := range d.StyleLines {
		sl.Path = r.Path(sl.Path)
		out.StyleLines[i] = sl
	}
	out.Pieces = make([]models.Piece, len(d.Pieces))
	for i, pc := range d.Pieces {
		pc.Outline = r.Path(pc.Outline)
		out.Pieces[i] = pc
	}
	out.Marks = make([]models.Mark, len(d.Marks))
	for i, m := range d.Marks {
		out.Marks[i] = r.Mark(m)
	}
	if d.Dimensions != nil {
		out.Dimensions = make([]models.Dimension, len(d.Dimensions))
		for i, dm := range d.Dimensions {
			dm.A, dm.B = r.Point(dm.A), r.Point(dm.B)
			out.Dimensions[i] = dm
		}
	}
	return &out, nil
}
