package canvas

import (
	"math"

	"cordwain/models"
)

// This file keeps the refit as it was before it was made faster (each
// patch evaluation, inversion and edge search done from scratch), so that
// TestRefitMatchesReference can check the fast one gives the very same
// numbers.

func refChainAt(c []Cubic, s float64) Point {
	n := len(c)
	switch {
	case n == 0:
		return Point{}
	case s < 0:
		d := unit(c[0].Deriv(0))
		if norm(d) == 0 {
			d = unit(sub(c[0][3], c[0][0]))
		}
		l := c[0].Length(1) * float64(n)
		return add(c[0][0], mul(d, s*l))
	case s > 1:
		d := unit(c[n-1].Deriv(1))
		if norm(d) == 0 {
			d = unit(sub(c[n-1][3], c[n-1][0]))
		}
		l := c[n-1].Length(1) * float64(n)
		return add(c[n-1][3], mul(d, (s-1)*l))
	}
	f := s * float64(n)
	i := int(f)
	if i >= n {
		i = n - 1
	}
	return c[i].At(f - float64(i))
}

func refPatchAt(p *patch, s, w float64) Point {
	b := refChainAt(p.bottom, s)
	t := refChainAt(p.top, s)
	k := refChainAt(p.back, w)
	b0, t0 := refChainAt(p.bottom, 0), refChainAt(p.top, 0)
	ruled := lerp(b, t, w)
	backDev := sub(k, lerp(b0, t0, w))
	return add(ruled, mul(backDev, (1-s)*(1-s)))
}

func refInvert(p *patch, q Point, s, w float64) (float64, float64) {
	const h = 1e-4
	for it := 0; it < 30; it++ {
		f := sub(refPatchAt(p, s, w), q)
		if norm(f) < 1e-6 {
			break
		}
		ds := mul(sub(refPatchAt(p, s+h, w), refPatchAt(p, s-h, w)), 1/(2*h))
		dw := mul(sub(refPatchAt(p, s, w+h), refPatchAt(p, s, w-h)), 1/(2*h))
		det := cross(ds, dw)
		if math.Abs(det) < 1e-12 {
			break
		}
		a := cross(f, dw) / det
		b := cross(ds, f) / det
		if m := math.Max(math.Abs(a), math.Abs(b)); m > 0.2 {
			a, b = a*0.2/m, b*0.2/m
		}
		s, w = s-a, w-b
	}
	return s, w
}

func refGuess(g *LastGeometry, p Point) (s, w float64) {
	s = clamp01(p.X / g.Last.BottomLength)
	top := refChainAt(g.mf.top, s)
	w = 0.5
	if top.Y > 1 {
		w = clamp01(p.Y / top.Y)
	}
	return s, w
}

func refSettle(g *LastGeometry, p Point, s0, w0 float64, warm bool) (s, w float64, off Point) {
	inside := func(s, w float64) bool {
		return s >= 0 && s <= 1 && w >= -1 && w <= 2 && dist(refPatchAt(&g.mf, s, w), p) < 1e-3
	}
	if s, w = refInvert(&g.mf, p, s0, w0); inside(s, w) {
		return s, w, Point{}
	}
	if warm {
		gs, gw := refGuess(g, p)
		if s, w = refInvert(&g.mf, p, gs, gw); inside(s, w) {
			return s, w, Point{}
		}
	}
	s, w = refNearestEdge(g, p)
	return s, w, sub(p, refPatchAt(&g.mf, s, w))
}

func refNearestEdge(g *LastGeometry, p Point) (s, w float64) {
	edges := []func(t float64) (float64, float64){
		func(t float64) (float64, float64) { return t, 0 },
		func(t float64) (float64, float64) { return t, 1 },
		func(t float64) (float64, float64) { return 0, t },
	}
	const n = 96
	best := math.Inf(1)
	for _, e := range edges {
		d := func(t float64) float64 { s, w := e(clamp01(t)); return dist(refPatchAt(&g.mf, s, w), p) }
		bt, bd := 0.0, math.Inf(1)
		for i := 0; i <= n; i++ {
			if v := d(float64(i) / n); v < bd {
				bt, bd = float64(i)/n, v
			}
		}
		lo, hi := bt-1.0/n, bt+1.0/n
		for i := 0; i < 30; i++ {
			m1, m2 := hi-(hi-lo)*0.618, lo+(hi-lo)*0.618
			if d(m1) < d(m2) {
				hi = m2
			} else {
				lo = m1
			}
		}
		if t := clamp01((lo + hi) / 2); d(t) < best {
			best = d(t)
			s, w = e(t)
		}
	}
	return s, w
}

func refMeanFormParams(g *LastGeometry, p Point) (s, w float64, off Point) {
	s0, w0 := refGuess(g, p)
	return refSettle(g, p, s0, w0, false)
}

type refRefit struct {
	from, to *LastGeometry
	cs, cw   float64
	valid    bool
	same     bool
}

func (r *refRefit) point(p Point) Point {
	if r.same || !finite(p) {
		return p
	}
	var s, w float64
	var off Point
	if r.valid {
		s, w, off = refSettle(r.from, p, r.cs, r.cw, true)
	} else {
		s, w, off = refMeanFormParams(r.from, p)
	}
	r.cs, r.cw, r.valid = s, w, true
	return add(refPatchAt(&r.to.mf, s, w), off)
}

func (r *refRefit) jacobian(p Point) (dx, dy Point) {
	g := r.from
	m := func(q Point) Point { s, w, off := refMeanFormParams(g, q); return add(refPatchAt(&r.to.mf, s, w), off) }
	dx = mul(sub(m(Offset(p, refitEps, 0)), m(Offset(p, -refitEps, 0))), 1/(2*refitEps))
	dy = mul(sub(m(Offset(p, 0, refitEps)), m(Offset(p, 0, -refitEps))), 1/(2*refitEps))
	return dx, dy
}

func (r *refRefit) path(p models.Path) models.Path {
	if r.same || len(p.Points) == 0 {
		return p
	}
	out := models.Path{Closed: p.Closed, Points: make([]Point, len(p.Points))}
	n := len(p.Points)
	for k := 0; k < n; k += 3 {
		knot := p.Points[k]
		nk := r.point(knot)
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

func (r *refRefit) mark(m models.Mark) models.Mark {
	if r.same {
		return m
	}
	jx, jy := r.jacobian(m.At)
	m.At = r.point(m.At)
	if m.Angle != 0 {
		s, c := math.Sincos(m.Angle * math.Pi / 180)
		d := add(mul(jx, c), mul(jy, s))
		m.Angle = math.Atan2(d.Y, d.X) * 180 / math.Pi
	}
	return m
}

// refRefitDesign is RefitDesign as it was.
func refRefitDesign(d *models.Design, l models.Last) (*models.Design, error) {
	gf, err := NewLastGeometry(d.Last)
	if err != nil {
		return nil, err
	}
	gt, err := NewLastGeometry(l)
	if err != nil {
		return nil, err
	}
	r := &refRefit{from: gf, to: gt, same: d.Last == l}
	out := *d
	out.Last = l
	if r.same {
		return &out, nil
	}
	out.StyleLines = make([]models.StyleLine, len(d.StyleLines))
	for i, sl := range d.StyleLines {
		sl.Path = r.path(sl.Path)
		out.StyleLines[i] = sl
	}
	out.Pieces = make([]models.Piece, len(d.Pieces))
	for i, pc := range d.Pieces {
		pc.Outline = r.path(pc.Outline)
		out.Pieces[i] = pc
	}
	out.Marks = make([]models.Mark, len(d.Marks))
	for i, m := range d.Marks {
		out.Marks[i] = r.mark(m)
	}
	if d.Dimensions != nil {
		out.Dimensions = make([]models.Dimension, len(d.Dimensions))
		for i, dm := range d.Dimensions {
			dm.A, dm.B = r.point(dm.A), r.point(dm.B)
			out.Dimensions[i] = dm
		}
	}
	return &out, nil
}

// RefRefitDesign exports the reference refit to the external tests.
var RefRefitDesign = refRefitDesign
