package canvas

import (
	"math"

	"cordwain/models"
)

// SmoothPath is an open Bézier path through knots, smooth at every inner
// knot (tangents from the neighbours, chord-length handles: no loops, no
// overshoot to speak of). Fewer than two knots give an empty path.
func SmoothPath(knots ...Point) models.Path {
	return pathOf(false, chain(knots, Point{}, Point{}))
}

// EdgeRun is one edge of a piece outline: a smooth run through Knots,
// from a corner at Knots[0] to the corner that starts the next run, all of
// it finished as Kind.
type EdgeRun struct {
	Kind  models.AllowanceKind
	Knots []Point
}

// OutlineFromRuns builds a closed piece outline from edge runs, corners
// between them, and the per-segment allowance list for models.Piece.Edges.
func OutlineFromRuns(runs ...EdgeRun) (models.Path, []models.AllowanceKind) {
	var chains [][]Cubic
	var kinds []models.AllowanceKind
	for i, r := range runs {
		if len(r.Knots) == 0 {
			continue
		}
		next := runs[(i+1)%len(runs)]
		knots := append(append([]Point(nil), r.Knots...), next.Knots[0])
		c := chain(knots, Point{}, Point{})
		chains = append(chains, c)
		for range c {
			kinds = append(kinds, r.Kind)
		}
	}
	return pathOf(true, chains...), kinds
}

// xOn finds the point of a chain at abscissa x by bisection on the chain
// parameter (the chain must run forward in x over the range searched).
func xOn(c []Cubic, x float64, increasing bool) Point {
	lo, hi := 0.0, 1.0
	for i := 0; i < 50; i++ {
		mid := (lo + hi) / 2
		if (chainAt(c, mid).X < x) == increasing {
			lo = mid
		} else {
			hi = mid
		}
	}
	return chainAt(c, (lo+hi)/2)
}

// FeatherAt is the point of the featherline (mean form) at x.
func (g *LastGeometry) FeatherAt(x float64) Point { return xOn(g.mf.bottom, x, true) }

// TopAt is the point of the mean form's top line at x.
func (g *LastGeometry) TopAt(x float64) Point { return xOn(g.mf.top, x, true) }

// BackAt is the point of the mean form's back curve at height y.
func (g *LastGeometry) BackAt(y float64) Point {
	lo, hi := 0.0, 1.0
	for i := 0; i < 50; i++ {
		mid := (lo + hi) / 2
		if chainAt(g.mf.back, mid).Y < y {
			lo = mid
		} else {
			hi = mid
		}
	}
	return chainAt(g.mf.back, (lo+hi)/2)
}

// Below is p moved down by d mm (towards the featherline).
func Below(p Point, d float64) Point { return models.Pt(p.X, p.Y-d) }

// Offset moves p by (dx, dy).
func Offset(p Point, dx, dy float64) Point { return models.Pt(p.X+dx, p.Y+dy) }

// Lerp is the point a fraction t from a to b.
func Lerp(a, b Point, t float64) Point { return lerp(a, b, t) }

// Dist is the distance between a and b, mm.
func Dist(a, b Point) float64 { return dist(a, b) }

// Rotate turns p about c by deg degrees counter-clockwise.
func Rotate(p, c Point, deg float64) Point {
	s, co := math.Sincos(deg * math.Pi / 180)
	d := sub(p, c)
	return models.Pt(c.X+d.X*co-d.Y*s, c.Y+d.X*s+d.Y*co)
}
