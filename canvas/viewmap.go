package canvas

import (
	"fmt"
	"math"

	"cordwain/models"
)

// ViewMap maps mean form millimetres (where style lines, pieces, marks and
// dimensions are stored) to a view's millimetres and back, for the views
// in which the editor edits: the mean form itself (the identity), the
// lateral and the medial side views.
//
// Forward gives the numbers the scene draws with (the same patch
// parameters as [Cursor.Lateral] and [Cursor.Medial], the medial view
// mirrored in x). Inverse solves Forward(p) = q: it inverts the view's
// side profile patch from the nearest tabulated place, maps those patch
// parameters onto the mean form, and polishes the result with Newton steps
// on Forward itself (a finite-difference Jacobian), so that it also holds
// off the form, where Forward moves a point like the nearest point of the
// form's edge. A ViewMap is safe for concurrent use.
type ViewMap struct {
	g      *LastGeometry
	view   View
	prof   *patch // the side profile's patch; nil on the mean form
	mirror bool   // the medial view: x mirrored
	cur    *Cursor
	rim    []Point // the mean form's outline, flattened
	reach  float64
	table  []viewSample
}

// viewSample is one tabulated place: patch parameters and where they lie
// on the side profile (before mirroring).
type viewSample struct {
	s, w float64
	at   Point
}

// ViewMapReach is how far off the mean form, as a fraction of the last's
// bottom length, Inverse still answers (a lasting allowance, a tongue
// above the top line, a click beside the last); further out it reports
// ok false.
const ViewMapReach = 0.15

// EditableView reports whether a view has a [ViewMap]: the mean form, the
// lateral and the medial views.
func EditableView(v View) bool {
	return v == ViewMeanForm || v == ViewLateral || v == ViewMedial
}

// NewViewMap prepares the map of view v on g; views other than the mean
// form, lateral and medial are refused.
func NewViewMap(g *LastGeometry, v View) (*ViewMap, error) {
	if g == nil {
		return nil, fmt.Errorf("view map: no last")
	}
	m := &ViewMap{g: g, view: v, cur: g.NewCursor()}
	switch v {
	case ViewMeanForm:
		return m, nil
	case ViewLateral:
		m.prof = &g.lat
	case ViewMedial:
		m.prof, m.mirror = &g.med, true
	default:
		return nil, fmt.Errorf("view map: the %s view cannot be edited (only the mean form, lateral and medial)", v)
	}
	// The cursor's edge table is made now: from here on it is only read,
	// so Forward may run on several goroutines at once.
	m.cur.edgeTable()
	m.rim = FlattenPath(g.MeanForm, 0.25)
	m.reach = ViewMapReach * g.Last.BottomLength
	const ns, nw = 64, 24
	for i := 0; i <= ns; i++ {
		s := float64(i) / ns
		for j := 0; j <= nw; j++ {
			w := -0.5 + 2*float64(j)/nw // w from −0.5 to 1.5
			m.table = append(m.table, viewSample{s: s, w: w, at: m.prof.at(s, w)})
		}
	}
	return m, nil
}

// NewDesignViewMap is NewViewMap on d's last.
func NewDesignViewMap(d *models.Design, v View) (*ViewMap, error) {
	if d == nil {
		return nil, fmt.Errorf("view map: no design")
	}
	g, err := NewLastGeometry(d.Last)
	if err != nil {
		return nil, fmt.Errorf("view map: %w", err)
	}
	return NewViewMap(g, v)
}

// View is the view m maps to.
func (m *ViewMap) View() View { return m.view }

// Identity reports whether m is the mean form's own map.
func (m *ViewMap) Identity() bool { return m.prof == nil }

// Forward maps a mean form point to the view; ok is false for a point
// that is not finite.
func (m *ViewMap) Forward(p Point) (q Point, ok bool) {
	if !finite(p) {
		return Point{}, false
	}
	if m.prof == nil {
		return p, true
	}
	s, w, off := m.cur.coldParams(p)
	q = add(m.prof.at(s, w), off)
	if m.mirror {
		q.X = -q.X
	}
	return q, finite(q)
}

// fwd is Forward for a finite point.
func (m *ViewMap) fwd(p Point) Point { q, _ := m.Forward(p); return q }

// viewMapEps is the step of the finite differences of Inverse and
// Jacobian, mm.
const viewMapEps = 1e-3

// Jacobian is Forward's linear part at p: its columns d/dx and d/dy.
func (m *ViewMap) Jacobian(p Point) (dx, dy Point) {
	if m.prof == nil || !finite(p) {
		return Point{X: 1}, Point{Y: 1}
	}
	h := viewMapEps
	dx = mul(sub(m.fwd(Offset(p, h, 0)), m.fwd(Offset(p, -h, 0))), 1/(2*h))
	dy = mul(sub(m.fwd(Offset(p, 0, h)), m.fwd(Offset(p, 0, -h))), 1/(2*h))
	return dx, dy
}

// Stretch is how much Forward lengthens a short distance at p, at least
// and at most over all directions (the Jacobian's singular values).
func (m *ViewMap) Stretch(p Point) (lo, hi float64) {
	dx, dy := m.Jacobian(p)
	a, b, c, d := dx.X, dy.X, dx.Y, dy.Y
	// Singular values of [a b; c d].
	s1 := math.Hypot(a+d, c-b) / 2
	s2 := math.Hypot(a-d, c+b) / 2
	return math.Abs(s1 - s2), s1 + s2
}

// Inverse maps a view point back to the mean form: Forward(p) is within
// 1e-4 mm of q. ok is false when q is not finite, or lies outside the
// map's domain: no mean form point within ViewMapReach of the form maps
// onto it (a click far beside the last).
func (m *ViewMap) Inverse(q Point) (p Point, ok bool) {
	if !finite(q) {
		return Point{}, false
	}
	if m.prof == nil {
		return q, true
	}
	qq := q
	if m.mirror {
		qq.X = -qq.X
	}
	// Start from the nearest tabulated place of the profile, refined on
	// the profile's own patch.
	best, bd := m.table[0], math.Inf(1)
	for _, t := range m.table {
		if d := dist(t.at, qq); d < bd {
			best, bd = t, d
		}
	}
	s, w := best.s, best.w
	if ss, ww, _, ok := m.prof.invert(qq, s, w); ok && ss >= -0.05 && ss <= 1.05 && ww >= -1 && ww <= 2 {
		s, w = ss, ww
	}
	p = m.g.mf.at(clamp01(s), w)
	if s < 0 || s > 1 {
		// Beyond the toe or the heel: the form's edge, moved as the
		// pointer is from the profile's edge.
		p = add(p, sub(qq, m.prof.at(clamp01(s), w)))
	}
	if p, ok = m.polish(p, q); !ok {
		return Point{}, false
	}
	if m.outside(p) > m.reach {
		return Point{}, false
	}
	return p, true
}

// polish runs damped Newton steps on Forward(p) = q from p.
func (m *ViewMap) polish(p, q Point) (Point, bool) {
	const tol = 1e-5
	maxStep := 0.05 * m.g.Last.BottomLength
	for it := 0; it < 40; it++ {
		f := sub(m.fwd(p), q)
		if norm(f) < tol {
			return p, true
		}
		dx, dy := m.Jacobian(p)
		det := cross(dx, dy)
		if math.Abs(det) < 1e-9 || !finite(dx) || !finite(dy) {
			break // where the form's edges meet (the toe point): as near as it gets
		}
		step := Point{X: cross(f, dy) / det, Y: cross(dx, f) / det}
		if l := norm(step); l > maxStep {
			step = mul(step, maxStep/l)
		}
		// Backtrack while the step makes things worse.
		e0 := norm(f)
		for k := 0; k < 8; k++ {
			np := sub(p, step)
			if norm(sub(m.fwd(np), q)) < e0 || k == 7 {
				p = np
				break
			}
			step = mul(step, 0.5)
		}
		if !finite(p) {
			return p, false
		}
	}
	return p, norm(sub(m.fwd(p), q)) < 1e-4
}

// outside is how far p lies outside the mean form's outline (0 inside).
func (m *ViewMap) outside(p Point) float64 {
	if len(m.rim) < 3 || PointInPolygon(m.rim, p) {
		return 0
	}
	return DistToPolyline(m.rim, p, true)
}

// MapSegment maps the mean form segment a–b forward as a polyline in the
// view whose points lie within tol mm of the mapped curve: a straight
// line on the mean form is curved on a side view. Its first and last
// points are a's and b's images; ok is false when either is not finite.
func (m *ViewMap) MapSegment(a, b Point, tol float64) ([]Point, bool) {
	fa, oka := m.Forward(a)
	fb, okb := m.Forward(b)
	if !oka || !okb {
		return nil, false
	}
	out := []Point{fa}
	if m.prof != nil {
		out = m.subdivide(out, a, b, fa, fb, math.Max(tol, 1e-4), 0)
	}
	return append(out, fb), true
}

func (m *ViewMap) subdivide(out []Point, a, b, fa, fb Point, tol float64, depth int) []Point {
	mid := lerp(a, b, 0.5)
	fm := m.fwd(mid)
	if depth >= 10 || (distToSegment(fm, fa, fb) <= tol && dist(fa, fb) < 200*tol) {
		return out
	}
	out = m.subdivide(out, a, mid, fa, fm, tol, depth+1)
	out = append(out, fm)
	return m.subdivide(out, mid, b, fm, fb, tol, depth+1)
}

// ShownIn returns a copy of d holding only the elements drawn in view v
// (on a side view, not the parts inside the shoe nor the other side's
// pieces, nor their marks): what a click in that view may pick or snap
// to. The slices are new.
func ShownIn(d *models.Design, v View) *models.Design {
	if d == nil || v == ViewMeanForm {
		return d
	}
	var want side
	switch v {
	case ViewLateral:
		want = sideLateral
	case ViewMedial:
		want = sideMedial
	default:
		want = sideBoth
	}
	out := *d
	out.Pieces = nil
	gone := map[models.ID]bool{}
	for _, pc := range d.Pieces {
		ps := pieceSide(&pc)
		if hiddenRoles[pc.Role] || (want != sideBoth && ps != sideBoth && ps != want) {
			gone[pc.ID] = true
			continue
		}
		out.Pieces = append(out.Pieces, pc)
	}
	out.Marks = nil
	for _, mk := range d.Marks {
		if !gone[mk.Piece] {
			out.Marks = append(out.Marks, mk)
		}
	}
	return &out
}
