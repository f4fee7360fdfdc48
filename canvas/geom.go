package canvas

import (
	"errors"
	"fmt"
	"math"

	"cordwain/models"
)

// Point is a position in millimetres; it is [models.Point], re-exported so
// geometry code reads short.
type Point = models.Point

// DefaultTolerance is the flattening tolerance, in mm, used where a caller
// gives none: a tenth of a millimetre is below what a cutting table or a
// printed 1:1 pattern can show.
const DefaultTolerance = 0.1

// ErrDegenerate reports geometry that has no extent to work with: too few
// points, zero area, or non-finite coordinates.
var ErrDegenerate = errors.New("degenerate geometry")

func add(a, b Point) Point         { return Point{X: a.X + b.X, Y: a.Y + b.Y} }
func sub(a, b Point) Point         { return Point{X: a.X - b.X, Y: a.Y - b.Y} }
func mul(a Point, k float64) Point { return Point{X: a.X * k, Y: a.Y * k} }
func dot(a, b Point) float64       { return a.X*b.X + a.Y*b.Y }
func cross(a, b Point) float64     { return a.X*b.Y - a.Y*b.X }
func norm(a Point) float64         { return math.Hypot(a.X, a.Y) }
func dist(a, b Point) float64      { return math.Hypot(a.X-b.X, a.Y-b.Y) }
func lerp(a, b Point, t float64) Point {
	return Point{X: a.X + (b.X-a.X)*t, Y: a.Y + (b.Y-a.Y)*t}
}

// unit returns a scaled to length 1, or the zero vector when a is zero.
func unit(a Point) Point {
	n := norm(a)
	if n == 0 {
		return Point{}
	}
	return Point{X: a.X / n, Y: a.Y / n}
}

func finite(p Point) bool {
	return !math.IsNaN(p.X) && !math.IsNaN(p.Y) && !math.IsInf(p.X, 0) && !math.IsInf(p.Y, 0)
}

// Rect is an axis-aligned box in millimetres. The zero Rect is empty.
type Rect struct {
	Min, Max Point
	// NonEmpty is set once the box holds at least one point.
	NonEmpty bool
}

// Extend grows r to hold p.
func (r Rect) Extend(p Point) Rect {
	if !r.NonEmpty {
		return Rect{Min: p, Max: p, NonEmpty: true}
	}
	r.Min.X = math.Min(r.Min.X, p.X)
	r.Min.Y = math.Min(r.Min.Y, p.Y)
	r.Max.X = math.Max(r.Max.X, p.X)
	r.Max.Y = math.Max(r.Max.Y, p.Y)
	return r
}

// Union is the smallest box holding r and o.
func (r Rect) Union(o Rect) Rect {
	if !o.NonEmpty {
		return r
	}
	return r.Extend(o.Min).Extend(o.Max)
}

// Dx is the width of r.
func (r Rect) Dx() float64 { return r.Max.X - r.Min.X }

// Dy is the height of r.
func (r Rect) Dy() float64 { return r.Max.Y - r.Min.Y }

// Contains reports whether p lies in r (edges included).
func (r Rect) Contains(p Point) bool {
	return r.NonEmpty && p.X >= r.Min.X && p.X <= r.Max.X && p.Y >= r.Min.Y && p.Y <= r.Max.Y
}

// Inset shrinks r by d on every side (grows it for negative d).
func (r Rect) Inset(d float64) Rect {
	r.Min.X += d
	r.Min.Y += d
	r.Max.X -= d
	r.Max.Y -= d
	return r
}

// Cubic is one cubic Bézier segment: start, two controls, end.
type Cubic [4]Point

// At evaluates c at t in [0, 1] (de Casteljau in closed form).
func (c Cubic) At(t float64) Point {
	mt := 1 - t
	a, b, cc, d := mt*mt*mt, 3*mt*mt*t, 3*mt*t*t, t*t*t
	return Point{
		X: a*c[0].X + b*c[1].X + cc*c[2].X + d*c[3].X,
		Y: a*c[0].Y + b*c[1].Y + cc*c[2].Y + d*c[3].Y,
	}
}

// Deriv is the first derivative dc/dt at t.
func (c Cubic) Deriv(t float64) Point {
	mt := 1 - t
	a, b, d := 3*mt*mt, 6*mt*t, 3*t*t
	return Point{
		X: a*(c[1].X-c[0].X) + b*(c[2].X-c[1].X) + d*(c[3].X-c[2].X),
		Y: a*(c[1].Y-c[0].Y) + b*(c[2].Y-c[1].Y) + d*(c[3].Y-c[2].Y),
	}
}

// Split cuts c at t into the part before and the part after.
func (c Cubic) Split(t float64) (Cubic, Cubic) {
	p01 := lerp(c[0], c[1], t)
	p12 := lerp(c[1], c[2], t)
	p23 := lerp(c[2], c[3], t)
	p012 := lerp(p01, p12, t)
	p123 := lerp(p12, p23, t)
	m := lerp(p012, p123, t)
	return Cubic{c[0], p01, p012, m}, Cubic{m, p123, p23, c[3]}
}

// Bounds is the exact bounding box of c, from the roots of its derivative.
func (c Cubic) Bounds() Rect {
	r := Rect{}.Extend(c[0]).Extend(c[3])
	for axis := 0; axis < 2; axis++ {
		get := func(p Point) float64 {
			if axis == 0 {
				return p.X
			}
			return p.Y
		}
		p0, p1, p2, p3 := get(c[0]), get(c[1]), get(c[2]), get(c[3])
		// Derivative / 3 = a t² + b t + k.
		a := -p0 + 3*p1 - 3*p2 + p3
		b := 2 * (p0 - 2*p1 + p2)
		k := p1 - p0
		for _, t := range quadRoots(a, b, k) {
			if t > 0 && t < 1 {
				r = r.Extend(c.At(t))
			}
		}
	}
	return r
}

func quadRoots(a, b, c float64) []float64 {
	const eps = 1e-12
	if math.Abs(a) < eps {
		if math.Abs(b) < eps {
			return nil
		}
		return []float64{-c / b}
	}
	disc := b*b - 4*a*c
	if disc < 0 {
		return nil
	}
	s := math.Sqrt(disc)
	return []float64{(-b + s) / (2 * a), (-b - s) / (2 * a)}
}

// segmentsFor is how many equal parameter steps keep the chord within tol
// of the curve: the deviation of a polyline with n steps is at most
// M/(8n²), M the largest second derivative, 6·max|Pi − 2Pi+1 + Pi+2|.
func (c Cubic) segmentsFor(tol float64) int {
	if !(tol > 0) {
		tol = DefaultTolerance
	}
	d1 := norm(add(sub(c[0], mul(c[1], 2)), c[2]))
	d2 := norm(add(sub(c[1], mul(c[2], 2)), c[3]))
	m := 6 * math.Max(d1, d2)
	n := math.Ceil(math.Sqrt(m / (8 * tol)))
	switch {
	case math.IsNaN(n) || n < 1:
		return 1
	case n > 512:
		return 512
	}
	return int(n)
}

// Flatten appends to dst the points of a polyline that stays within tol of
// c, without c[0] (the caller has it already), ending exactly at c[3].
func (c Cubic) Flatten(tol float64, dst []Point) []Point {
	n := c.segmentsFor(tol)
	for i := 1; i < n; i++ {
		dst = append(dst, c.At(float64(i)/float64(n)))
	}
	return append(dst, c[3])
}

// Length is the arc length of c, to within about tol.
func (c Cubic) Length(tol float64) float64 {
	n := c.segmentsFor(tol / 4)
	l, prev := 0.0, c[0]
	for i := 1; i <= n; i++ {
		p := c.At(float64(i) / float64(n))
		l += dist(prev, p)
		prev = p
	}
	return l
}

// nearest finds the parameter of the point of c closest to q: a coarse scan
// followed by a golden-section refinement around the best sample.
func (c Cubic) nearest(q Point) (t, d float64) {
	const samples = 16
	best, bestD := 0.0, math.Inf(1)
	for i := 0; i <= samples; i++ {
		tt := float64(i) / samples
		if dd := dist(c.At(tt), q); dd < bestD {
			best, bestD = tt, dd
		}
	}
	lo, hi := math.Max(0, best-1.0/samples), math.Min(1, best+1.0/samples)
	const g = 0.6180339887498949
	x1, x2 := hi-g*(hi-lo), lo+g*(hi-lo)
	f1, f2 := dist(c.At(x1), q), dist(c.At(x2), q)
	for i := 0; i < 40 && hi-lo > 1e-9; i++ {
		if f1 < f2 {
			hi, x2, f2 = x2, x1, f1
			x1 = hi - g*(hi-lo)
			f1 = dist(c.At(x1), q)
		} else {
			lo, x1, f1 = x1, x2, f2
			x2 = lo + g*(hi-lo)
			f2 = dist(c.At(x2), q)
		}
	}
	t = (lo + hi) / 2
	if d = dist(c.At(t), q); d < bestD {
		return t, d
	}
	return best, bestD
}

// Cubics returns the segments of a model path. A malformed point list (a
// length that is not 1 + 3·n) contributes only its whole segments.
func Cubics(p models.Path) []Cubic {
	n := p.Segments()
	out := make([]Cubic, n)
	for i := 0; i < n; i++ {
		copy(out[i][:], p.Points[3*i:3*i+4])
	}
	return out
}

// CheckPath reports whether p is a well-formed Bézier chain: 1 + 3·n finite
// points with n ≥ 1, and for a closed path, last point equal to the first.
func CheckPath(p models.Path) error {
	if len(p.Points) < 4 || (len(p.Points)-1)%3 != 0 {
		return fmt.Errorf("path with %d points: want 1 + 3·n, n ≥ 1: %w", len(p.Points), ErrDegenerate)
	}
	for i, pt := range p.Points {
		if !finite(pt) {
			return fmt.Errorf("path point %d is not finite: %w", i, ErrDegenerate)
		}
	}
	if p.Closed && dist(p.Points[0], p.Points[len(p.Points)-1]) > 1e-6 {
		return fmt.Errorf("closed path ends %.3f mm from its start: %w",
			dist(p.Points[0], p.Points[len(p.Points)-1]), ErrDegenerate)
	}
	return nil
}

// FlattenPath turns a model path into a polyline within tol of it. For a
// closed path the result is a polygon ring: the closing point is not
// repeated.
func FlattenPath(p models.Path, tol float64) []Point {
	pts, _ := flattenTagged(p, tol)
	return pts
}

// flattenTagged flattens p and also returns, for every point i, the index of
// the Bézier segment the polyline edge starting at i belongs to.
func flattenTagged(p models.Path, tol float64) ([]Point, []int) {
	cs := Cubics(p)
	if len(cs) == 0 {
		return append([]Point(nil), p.Points...), make([]int, len(p.Points))
	}
	pts := make([]Point, 1, 1+8*len(cs))
	tags := make([]int, 0, 1+8*len(cs))
	pts[0] = cs[0][0]
	for i, c := range cs {
		before := len(pts)
		pts = c.Flatten(tol, pts)
		for j := before; j < len(pts); j++ {
			tags = append(tags, i)
		}
	}
	tags = append(tags, len(cs)-1)
	if p.Closed && len(pts) > 1 && dist(pts[0], pts[len(pts)-1]) < 1e-9 {
		pts = pts[:len(pts)-1]
		tags = tags[:len(tags)-1]
	}
	return pts, tags
}

// PathLength is the arc length of p in mm, to within about tol.
func PathLength(p models.Path, tol float64) float64 {
	l := 0.0
	for _, c := range Cubics(p) {
		l += c.Length(tol)
	}
	return l
}

// PathBounds is the exact bounding box of p.
func PathBounds(p models.Path) Rect {
	var r Rect
	cs := Cubics(p)
	if len(cs) == 0 {
		for _, pt := range p.Points {
			r = r.Extend(pt)
		}
		return r
	}
	for _, c := range cs {
		r = r.Union(c.Bounds())
	}
	return r
}

// PolylineBounds is the bounding box of pts.
func PolylineBounds(pts []Point) Rect {
	var r Rect
	for _, p := range pts {
		r = r.Extend(p)
	}
	return r
}

// Nearest is the point of a path closest to a query point.
type Nearest struct {
	Point Point
	Seg   int     // segment index
	T     float64 // parameter within the segment
	Dist  float64 // distance from the query, mm
}

// NearestOnPath finds the point of p closest to q, for hit tests and for
// snapping. ok is false for a path with no segments.
func NearestOnPath(p models.Path, q Point) (n Nearest, ok bool) {
	n.Dist = math.Inf(1)
	for i, c := range Cubics(p) {
		if t, d := c.nearest(q); d < n.Dist {
			n = Nearest{Point: c.At(t), Seg: i, T: t, Dist: d}
			ok = true
		}
	}
	return n, ok
}

// SplitPath cuts p at parameter t of segment seg into the path before and
// the path after. Splitting a closed path gives two open paths.
func SplitPath(p models.Path, seg int, t float64) (before, after models.Path, err error) {
	cs := Cubics(p)
	if seg < 0 || seg >= len(cs) {
		return before, after, fmt.Errorf("split path at segment %d of %d: out of range", seg, len(cs))
	}
	if math.IsNaN(t) || t < 0 || t > 1 {
		return before, after, fmt.Errorf("split path at t=%g: want 0 ≤ t ≤ 1", t)
	}
	a, b := cs[seg].Split(t)
	before.Points = append(before.Points, p.Points[:3*seg+1]...)
	before.Points = append(before.Points, a[1], a[2], a[3])
	after.Points = append(after.Points, b[0], b[1], b[2], b[3])
	after.Points = append(after.Points, p.Points[3*seg+4:]...)
	return before, after, nil
}

// distToSegment is the distance from q to the segment ab.
func distToSegment(q, a, b Point) float64 {
	ab := sub(b, a)
	l2 := dot(ab, ab)
	if l2 == 0 {
		return dist(q, a)
	}
	t := math.Max(0, math.Min(1, dot(sub(q, a), ab)/l2))
	return dist(q, add(a, mul(ab, t)))
}

// DistToPolyline is the distance from q to the polyline pts (closed when
// closed is set).
func DistToPolyline(pts []Point, q Point, closed bool) float64 {
	if len(pts) == 0 {
		return math.Inf(1)
	}
	d := dist(q, pts[0])
	for i := 0; i+1 < len(pts); i++ {
		d = math.Min(d, distToSegment(q, pts[i], pts[i+1]))
	}
	if closed && len(pts) > 2 {
		d = math.Min(d, distToSegment(q, pts[len(pts)-1], pts[0]))
	}
	return d
}
