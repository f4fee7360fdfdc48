package canvas

import (
	"fmt"
	"math"
	"sort"
)

// SignedArea is the shoelace area of the polygon ring poly, in mm²:
// positive when the ring runs counter-clockwise with y up.
func SignedArea(poly []Point) float64 {
	if len(poly) < 3 {
		return 0
	}
	a := 0.0
	prev := poly[len(poly)-1]
	for _, p := range poly {
		a += prev.X*p.Y - p.X*prev.Y
		prev = p
	}
	return a / 2
}

// Perimeter is the length of the polyline pts, including the closing edge
// when closed is set.
func Perimeter(pts []Point, closed bool) float64 {
	l := 0.0
	for i := 0; i+1 < len(pts); i++ {
		l += dist(pts[i], pts[i+1])
	}
	if closed && len(pts) > 2 {
		l += dist(pts[len(pts)-1], pts[0])
	}
	return l
}

// PointInPolygon reports whether q lies inside the ring poly by the
// even-odd rule. Points exactly on an edge may go either way.
func PointInPolygon(poly []Point, q Point) bool {
	in := false
	j := len(poly) - 1
	for i := range poly {
		a, b := poly[i], poly[j]
		if (a.Y > q.Y) != (b.Y > q.Y) {
			x := a.X + (q.Y-a.Y)*(b.X-a.X)/(b.Y-a.Y)
			if q.X < x {
				in = !in
			}
		}
		j = i
	}
	return in
}

// segIntersect intersects segments ab and cd. It returns the parameters
// along each (0..1) and whether they meet; collinear overlaps count as
// meeting at the start of the overlap.
func segIntersect(a, b, c, d Point) (s, t float64, ok bool) {
	r, q := sub(b, a), sub(d, c)
	den := cross(r, q)
	ac := sub(c, a)
	const eps = 1e-12
	if math.Abs(den) < eps*(norm(r)*norm(q)+eps) {
		// Parallel: overlapping only if collinear.
		if math.Abs(cross(ac, r)) > 1e-9*(norm(r)+1) {
			return 0, 0, false
		}
		rr := dot(r, r)
		if rr == 0 {
			return 0, 0, false
		}
		t0 := dot(ac, r) / rr
		t1 := dot(sub(d, a), r) / rr
		lo, hi := math.Min(t0, t1), math.Max(t0, t1)
		if hi < 0 || lo > 1 {
			return 0, 0, false
		}
		s = math.Max(0, lo)
		return s, 0, true
	}
	s = cross(ac, q) / den
	t = cross(ac, r) / den
	if s < 0 || s > 1 || t < 0 || t > 1 {
		return s, t, false
	}
	return s, t, true
}

type edgeBox struct {
	i          int
	minX, maxX float64
	minY, maxY float64
}

// SelfIntersects reports whether the polyline pts crosses or touches itself
// anywhere other than at the shared ends of neighbouring edges. A closed
// polyline also has the edge from the last point to the first.
func SelfIntersects(pts []Point, closed bool) bool {
	pts = dedupe(pts, closed)
	n := len(pts)
	ne := n - 1
	if closed {
		ne = n
	}
	if ne < 3 && !(ne == 2 && !closed) {
		return false
	}
	edge := func(i int) (Point, Point) { return pts[i], pts[(i+1)%n] }
	boxes := make([]edgeBox, ne)
	for i := 0; i < ne; i++ {
		a, b := edge(i)
		boxes[i] = edgeBox{i, math.Min(a.X, b.X), math.Max(a.X, b.X), math.Min(a.Y, b.Y), math.Max(a.Y, b.Y)}
	}
	sort.Slice(boxes, func(x, y int) bool { return boxes[x].minX < boxes[y].minX })
	adjacent := func(i, j int) bool {
		if i > j {
			i, j = j, i
		}
		return j == i+1 || (closed && i == 0 && j == ne-1)
	}
	for x := range boxes {
		bi := boxes[x]
		for y := x + 1; y < len(boxes) && boxes[y].minX <= bi.maxX; y++ {
			bj := boxes[y]
			if bj.minY > bi.maxY || bj.maxY < bi.minY {
				continue
			}
			a, b := edge(bi.i)
			c, d := edge(bj.i)
			if adjacent(bi.i, bj.i) {
				// Neighbours share one end; they intersect only if they
				// fold back onto each other.
				var u, v Point
				if bi.i+1 == bj.i || (bj.i == 0 && bi.i == ne-1) {
					u, v = sub(a, b), sub(d, c)
				} else {
					u, v = sub(b, a), sub(c, d)
				}
				if math.Abs(cross(u, v)) < 1e-12*norm(u)*norm(v) && dot(u, v) > 0 {
					return true
				}
				continue
			}
			if _, _, ok := segIntersect(a, b, c, d); ok {
				return true
			}
		}
	}
	return false
}

// dedupe drops consecutive (and, for a ring, closing) duplicate points.
func dedupe(pts []Point, closed bool) []Point {
	const eps = 1e-9
	out := make([]Point, 0, len(pts))
	for _, p := range pts {
		if len(out) > 0 && dist(out[len(out)-1], p) < eps {
			continue
		}
		out = append(out, p)
	}
	if closed {
		for len(out) > 1 && dist(out[0], out[len(out)-1]) < eps {
			out = out[:len(out)-1]
		}
	}
	return out
}

// JoinStyle is how offset edges meet at a convex corner.
type JoinStyle int

// Join styles.
const (
	JoinMiter JoinStyle = iota // sharp corner, cut to a bevel past MiterLimit
	JoinRound                  // circular arc
	JoinBevel                  // straight cut
)

// OffsetOptions tunes [OffsetPolygon].
type OffsetOptions struct {
	Join JoinStyle
	// MiterLimit is the longest miter, as a multiple of the offset
	// distance, before it is bevelled; 0 means 4.
	MiterLimit float64
	// Tolerance is the largest chord error of round joins, mm; 0 means
	// [DefaultTolerance].
	Tolerance float64
}

// OffsetPolygon offsets the ring poly by d mm: outwards for d > 0,
// inwards for d < 0. The result is a counter-clockwise ring.
//
// Cordwain offsets its own flattened polygons instead of using a library:
// the module list we may draw from has no maintained pure-Go polygon
// offsetter (go-geos needs cgo and libgeos, which breaks the Windows and
// macOS builds; tdewolff/canvas is an unreleased pseudo-version with a large
// dependency tree and offsets only with one distance), and pattern cutting
// needs a different distance on every edge (lasting, lap, fold, seam), which
// none of them offers. Our outlines are smooth and small (hundreds of
// points), so per-edge offset lines, joins, and removal of the local loops
// that concave corners and tight curves create are robust and fast enough.
func OffsetPolygon(poly []Point, d float64, opt OffsetOptions) ([]Point, error) {
	ring := dedupe(poly, true)
	dists := make([]float64, len(ring))
	for i := range dists {
		dists[i] = d
	}
	out, _, err := offsetTagged(ring, dists, opt)
	return out, err
}

// OffsetPolygonVar offsets the ring poly by a distance per edge: dist[i]
// applies to the edge from poly[i] to poly[i+1] (the last to the closing
// edge). Distances must all have the same sign (or be zero); positive grows
// the ring. The result is a counter-clockwise ring.
func OffsetPolygonVar(poly []Point, dist []float64, opt OffsetOptions) ([]Point, error) {
	if len(dist) != len(poly) {
		return nil, fmt.Errorf("offset: %d distances for %d edges", len(dist), len(poly))
	}
	out, _, err := offsetTagged(poly, dist, opt)
	return out, err
}

// offsetTagged is the offsetter. It returns, for every output point, the
// input edge it came from, so callers can tell which stretch of the result
// belongs to which edge of the original (stitch rows follow only some
// edges).
func offsetTagged(poly []Point, dists []float64, opt OffsetOptions) ([]Point, []int, error) {
	n := len(poly)
	if n < 3 {
		return nil, nil, fmt.Errorf("offset a ring of %d points: %w", n, ErrDegenerate)
	}
	sign := 0.0
	for i, p := range poly {
		if !finite(p) {
			return nil, nil, fmt.Errorf("offset: point %d not finite: %w", i, ErrDegenerate)
		}
		d := dists[i]
		if math.IsNaN(d) || math.IsInf(d, 0) {
			return nil, nil, fmt.Errorf("offset: distance %d is %g", i, d)
		}
		if d != 0 {
			s := math.Copysign(1, d)
			if sign != 0 && s != sign {
				return nil, nil, fmt.Errorf("offset: distances change sign at edge %d", i)
			}
			sign = s
		}
	}
	area := SignedArea(poly)
	if math.Abs(area) < 1e-9 {
		return nil, nil, fmt.Errorf("offset a ring of zero area: %w", ErrDegenerate)
	}
	// Work counter-clockwise; index map back to the caller's edges.
	ring := make([]Point, n)
	ds := make([]float64, n)
	src := make([]int, n)
	copy(ring, poly)
	copy(ds, dists)
	for i := range src {
		src[i] = i
	}
	if area < 0 {
		for i := 0; i < n; i++ {
			ring[i] = poly[n-1-i]
			// Reversed edge i runs from poly[n-1-i] to poly[n-2-i], which
			// is the caller's edge n-2-i (mod n).
			e := ((n-2-i)%n + n) % n
			ds[i] = dists[e]
			src[i] = e
		}
	}
	if sign == 0 {
		out := append([]Point(nil), ring...)
		return out, src, nil
	}
	limit := opt.MiterLimit
	if !(limit > 1) {
		limit = 4
	}
	tol := opt.Tolerance
	if !(tol > 0) {
		tol = DefaultTolerance
	}

	type oedge struct{ a, b, n Point }
	edges := make([]oedge, n)
	for i := 0; i < n; i++ {
		a, b := ring[i], ring[(i+1)%n]
		dir := unit(sub(b, a))
		nrm := Point{X: dir.Y, Y: -dir.X} // outward for a CCW ring
		edges[i] = oedge{add(a, mul(nrm, ds[i])), add(b, mul(nrm, ds[i])), nrm}
	}
	raw := make([]Point, 0, 3*n)
	tags := make([]int, 0, 3*n)
	push := func(p Point, tag int) {
		raw = append(raw, p)
		tags = append(tags, tag)
	}
	for i := 0; i < n; i++ {
		prev := edges[(i-1+n)%n]
		cur := edges[i]
		v := ring[i]
		dPrev, dCur := ds[(i-1+n)%n], ds[i]
		in := sub(ring[i], ring[(i-1+n)%n])
		out := sub(ring[(i+1)%n], ring[i])
		turn := cross(in, out) // > 0: left turn, convex for a CCW ring
		outward := (turn > 0) == (sign > 0)
		tagPrev, tagCur := src[(i-1+n)%n], src[i]
		if math.Abs(turn) <= 1e-12*norm(in)*norm(out) && dot(in, out) > 0 {
			// Straight on: a step only if the distances differ.
			push(prev.b, tagPrev)
			if dist(prev.b, cur.a) > 1e-9 {
				push(cur.a, tagCur)
			}
			continue
		}
		if !outward {
			// The offset edges overlap here: meet at their crossing when
			// they have one, else go through the vertex and let loop
			// removal cut the bow-tie.
			if s, _, ok := segIntersect(prev.a, prev.b, cur.a, cur.b); ok {
				push(lerp(prev.a, prev.b, s), tagPrev)
				continue
			}
			push(prev.b, tagPrev)
			push(v, tagPrev)
			push(cur.a, tagCur)
			continue
		}
		switch opt.Join {
		case JoinRound:
			a0 := math.Atan2(prev.n.Y, prev.n.X)
			a1 := math.Atan2(cur.n.Y, cur.n.X)
			sweep := a1 - a0
			for sweep > math.Pi {
				sweep -= 2 * math.Pi
			}
			for sweep < -math.Pi {
				sweep += 2 * math.Pi
			}
			r := math.Max(math.Abs(dPrev), math.Abs(dCur))
			steps := 1
			if r > tol {
				step := 2 * math.Acos(1-tol/r)
				steps = int(math.Ceil(math.Abs(sweep) / step))
			}
			steps = max(1, min(steps, 256))
			for k := 0; k <= steps; k++ {
				f := float64(k) / float64(steps)
				ang := a0 + sweep*f
				rad := dPrev + (dCur-dPrev)*f
				tag := tagPrev
				if k > steps/2 {
					tag = tagCur
				}
				push(add(v, Point{X: math.Cos(ang) * rad, Y: math.Sin(ang) * rad}), tag)
			}
		default:
			// Miter: where the two offset lines cross.
			r, q := sub(prev.b, prev.a), sub(cur.b, cur.a)
			den := cross(r, q)
			if opt.Join == JoinMiter && math.Abs(den) > 1e-12 {
				s := cross(sub(cur.a, prev.a), q) / den
				m := add(prev.a, mul(r, s))
				// Where the distances differ, each offset line may run on
				// past the corner only as far as the other edge's own
				// allowance (times the limit): else the edge with the
				// smaller allowance is drawn out into a tail (a raw edge
				// meeting a lasting edge at a sharp corner ran on for
				// 30 mm) and the corner is squared off instead.
				dirPrev, dirCur := unit(r), unit(q)
				extPrev := dot(sub(m, prev.b), dirPrev)
				extCur := dot(sub(cur.a, m), dirCur)
				if dist(m, v) <= limit*math.Max(math.Abs(dPrev), math.Abs(dCur)) &&
					extPrev <= limit*math.Abs(dCur)+1e-9 && extCur <= limit*math.Abs(dPrev)+1e-9 {
					push(m, tagPrev)
					continue
				}
			}
			push(prev.b, tagPrev)
			push(cur.a, tagCur)
		}
	}
	for _, d := range ds {
		if d != ds[0] {
			// Only where distances differ can offset lines cross behind
			// points already placed (see dropBacktracks); with one
			// distance, loop removal cuts every overlap exactly.
			raw, tags = dropBacktracks(raw, tags)
			break
		}
	}
	res, rtags := removeLoops(raw, tags, ring, ds, src)
	if len(res) < 3 {
		return nil, nil, fmt.Errorf("offset by %g mm: the outline collapses: %w", ds[0], ErrDegenerate)
	}
	if a := SignedArea(res); a <= 0 {
		return nil, nil, fmt.Errorf("offset by %g mm: the outline collapses (area %.2f mm²): %w", ds[0], a, ErrDegenerate)
	}
	return res, rtags, nil
}

// removeLoops walks the raw offset ring and cuts out every loop it makes
// with itself, starting from a point that surely belongs to the result:
// one at least its offset distance from every edge of the original.
func removeLoops(raw []Point, tags []int, ring []Point, ds []float64, src []int) ([]Point, []int) {
	n := len(raw)
	if n < 3 {
		return raw, tags
	}
	start := -1
	for i := 0; i < n && start < 0; i++ {
		ok := true
		for j := range ring {
			need := math.Abs(ds[j]) * (1 - 1e-6)
			if distToSegment(raw[i], ring[j], ring[(j+1)%len(ring)]) < need-1e-9 {
				ok = false
				break
			}
		}
		if ok {
			start = i
		}
	}
	if start < 0 {
		return nil, nil
	}
	out := make([]Point, 0, n)
	otags := make([]int, 0, n)
	out = append(out, raw[start])
	otags = append(otags, tags[start])
	for k := 1; k <= n; k++ {
		idx := (start + k) % n
		p := raw[idx]
		cur := out[len(out)-1]
		for guard := 0; guard < n; guard++ {
			// Earliest crossing along cur→p with an earlier, non-adjacent
			// edge of the output so far.
			bestS, bestJ := 2.0, -1
			first := 0
			if k == n {
				first = 1 // the closing edge meets edge 0 at the start point
			}
			minX, maxX := math.Min(cur.X, p.X), math.Max(cur.X, p.X)
			minY, maxY := math.Min(cur.Y, p.Y), math.Max(cur.Y, p.Y)
			for j := first; j+2 < len(out); j++ {
				a, b := out[j], out[j+1]
				if (a.X < minX && b.X < minX) || (a.X > maxX && b.X > maxX) ||
					(a.Y < minY && b.Y < minY) || (a.Y > maxY && b.Y > maxY) {
					continue
				}
				s, _, ok := segIntersect(cur, p, a, b)
				if ok && s > 1e-9 && s < 1-1e-9 && s < bestS {
					bestS, bestJ = s, j
				}
			}
			if bestJ < 0 {
				break
			}
			x := lerp(cur, p, bestS)
			out = append(out[:bestJ+1], x)
			otags = append(otags[:bestJ+1], tags[idx])
			cur = x
		}
		if k == n {
			break // back at the start point
		}
		if dist(out[len(out)-1], p) > 1e-9 {
			out = append(out, p)
			otags = append(otags, tags[idx])
		}
	}
	return out, otags
}

// dropBacktracks removes the points where the raw offset ring doubles back
// on itself (a turn within 10° of a full reversal). Where edges with
// different distances meet, the crossing of their offset lines can lie
// behind points already placed on one of them; the ring then runs out and
// straight back along the same line, a needle that loop removal cannot see
// because the two stretches overlap instead of crossing.
func dropBacktracks(raw []Point, tags []int) ([]Point, []int) {
	const sinTol = 0.1736 // sin 10°
	out := make([]Point, 0, len(raw))
	otags := make([]int, 0, len(raw))
	for i, p := range raw {
		for len(out) >= 2 {
			a, b := out[len(out)-2], out[len(out)-1]
			u, v := sub(b, a), sub(p, b)
			lu, lv := norm(u), norm(v)
			if lu == 0 || lv == 0 || dot(u, v) >= 0 || math.Abs(cross(u, v)) > sinTol*lu*lv {
				break
			}
			out, otags = out[:len(out)-1], otags[:len(otags)-1]
		}
		out = append(out, p)
		otags = append(otags, tags[i])
	}
	return out, otags
}
