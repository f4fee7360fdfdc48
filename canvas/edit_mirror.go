package canvas

import (
	"fmt"

	"cordwain/models"
)

// mirrorMap reflects mean form points about the last's centre line (the
// mean form's top line, w = 1): a point at (s, w) goes to (s, 2 − w), its
// offset off the form mirrored across the line's tangent there. This is how
// a pattern maker unfolds a half vamp or tongue across the centre front.
type mirrorMap struct {
	g   *LastGeometry
	cur *Cursor
}

func (m *mirrorMap) at(p Point) Point {
	s, w, off := m.cur.params(p)
	q := m.g.mf.at(s, 2-w)
	if off != (Point{}) {
		t := unit(m.g.mf.at(s+1e-4, 1))
		t = unit(sub(t, unit(m.g.mf.at(s-1e-4, 1))))
		if norm(t) == 0 {
			return add(q, off)
		}
		// Reflect the offset across the top line's direction.
		along := mul(t, dot(off, t))
		off = sub(mul(along, 2), off)
	}
	return add(q, off)
}

// path mirrors a Bézier chain: knots through the map, handles through its
// linear part at their knot (as [Refit.Path] does), and the direction
// reversed so the mirrored outline keeps its winding.
func (m *mirrorMap) path(p models.Path) models.Path {
	n := len(p.Points)
	out := models.Path{Closed: p.Closed, Points: make([]Point, n)}
	for k := 0; k < n; k += 3 {
		knot := p.Points[k]
		nk := m.at(knot)
		out.Points[k] = nk
		dx := mul(sub(m.at(Offset(knot, refitEps, 0)), m.at(Offset(knot, -refitEps, 0))), 1/(2*refitEps))
		dy := mul(sub(m.at(Offset(knot, 0, refitEps)), m.at(Offset(knot, 0, -refitEps))), 1/(2*refitEps))
		lin := func(h Point) Point { d := sub(h, knot); return add(nk, add(mul(dx, d.X), mul(dy, d.Y))) }
		if k > 0 {
			out.Points[k-1] = lin(p.Points[k-1])
		}
		if k+1 < n {
			out.Points[k+1] = lin(p.Points[k+1])
		}
	}
	if p.Closed && n > 1 {
		out.Points[n-1] = out.Points[0]
	}
	return reversePath(out)
}

// MirrorLines is the command that adds, for each style line in ids, its
// mirror image about the last's centre line.
func MirrorLines(d *models.Design, ids []models.ID) (models.Command, []models.ID, error) {
	g, err := NewLastGeometry(d.Last)
	if err != nil {
		return models.Command{}, nil, fmt.Errorf("mirror: %w", err)
	}
	m := &mirrorMap{g: g, cur: g.NewCursor()}
	var c models.Command
	var out []models.ID
	for _, id := range ids {
		sl, ok := models.FindElem(d, id).(models.StyleLine)
		if !ok || CheckPath(sl.Path) != nil {
			continue
		}
		cp := sl
		cp.ID = models.NewID()
		cp.Name = sl.Name + " (mirrored)"
		cp.Path = m.path(sl.Path)
		c.Edits = append(c.Edits, models.Edit{ID: cp.ID, After: cp})
		out = append(out, cp.ID)
		c.Name = "Mirror " + ElemName(sl)
	}
	if len(out) > 1 {
		c.Name = fmt.Sprintf("Mirror %d lines", len(out))
	}
	if len(out) == 0 {
		return models.Command{}, nil, fmt.Errorf("mirror: select one or more style lines")
	}
	return c, out, nil
}
