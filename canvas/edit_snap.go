package canvas

import (
	"math"

	"cordwain/models"
)

// SnapKind says what a point snapped to.
type SnapKind int

// Snap kinds, strongest first.
const (
	SnapNone         SnapKind = iota
	SnapPoint                 // a knot of a line or piece, or a key point of the last
	SnapIntersection          // where two curves cross
	SnapCurve                 // the nearest point of a curve (a style line, an edge of the last)
	SnapGrid                  // the millimetre grid
)

// Snap is where a pointer position snapped, with the hint the editor shows.
type Snap struct {
	Point Point
	Kind  SnapKind
	// On names what was snapped to: an element ID, or one of the last's
	// edges "featherline", "topline", "backcurve".
	On string
}

// Snapper snaps mean form positions to what a designer aims at: points,
// intersections, curves (the last's edges and style lines) and the grid.
// Build it once per design (and per drag, leaving out what moves); Snap
// is then cheap enough for every mouse move.
type Snapper struct {
	points []snapTarget
	curves []snapCurve
	inter  []snapTarget
	// Grid, when > 0, is the grid step a position snaps to when nothing
	// else is near.
	Grid float64
}

type snapTarget struct {
	p  Point
	on string
}

type snapCurve struct {
	pts []Point
	box Rect
	on  string
	// cross says the curve's crossings are snap targets: style lines and
	// the last's edges. Piece outlines lie along them and would cross
	// them everywhere.
	cross bool
}

// Last edge names used in [Snap.On].
const (
	EdgeFeatherline = "featherline"
	EdgeTopLine     = "topline"
	EdgeBackCurve   = "backcurve"
)

// NewSnapper collects the snap targets of d on its mean form, leaving out
// the elements in exclude (what is being dragged).
func NewSnapper(d *models.Design, exclude map[models.ID]bool) *Snapper {
	s := &Snapper{}
	if g, err := NewLastGeometry(d.Last); err == nil {
		for _, k := range sortedKeys(g.Points) {
			s.points = append(s.points, snapTarget{g.Points[k], k})
		}
		s.addCurve(g.Featherline, EdgeFeatherline, true)
		s.addCurve(g.TopLine, EdgeTopLine, true)
		s.addCurve(g.BackCurve, EdgeBackCurve, true)
	}
	for _, sl := range d.StyleLines {
		if exclude[sl.ID] || CheckPath(sl.Path) != nil {
			continue
		}
		s.addKnots(sl.Path, string(sl.ID))
		s.addCurve(sl.Path, string(sl.ID), true)
	}
	for _, pc := range d.Pieces {
		if exclude[pc.ID] || CheckPath(pc.Outline) != nil {
			continue
		}
		s.addKnots(pc.Outline, string(pc.ID))
		s.addCurve(pc.Outline, string(pc.ID), false)
	}
	// Intersections between every pair of curves, pruned by their boxes.
	for i := range s.curves {
		for j := i + 1; j < len(s.curves); j++ {
			a, b := s.curves[i], s.curves[j]
			if !a.cross || !b.cross || !overlap(a.box, b.box) {
				continue
			}
			for k := 0; k+1 < len(a.pts); k++ {
				sb := RectOf(a.pts[k], a.pts[k+1])
				if !overlap(sb, b.box) {
					continue
				}
				for m := 0; m+1 < len(b.pts); m++ {
					if t, _, ok := segIntersect(a.pts[k], a.pts[k+1], b.pts[m], b.pts[m+1]); ok {
						s.inter = append(s.inter, snapTarget{lerp(a.pts[k], a.pts[k+1], t), a.on})
					}
				}
			}
		}
	}
	return s
}

func overlap(a, b Rect) bool {
	return a.NonEmpty && b.NonEmpty && a.Min.X <= b.Max.X && b.Min.X <= a.Max.X && a.Min.Y <= b.Max.Y && b.Min.Y <= a.Max.Y
}

func (s *Snapper) addKnots(p models.Path, on string) {
	for i := 0; i < len(p.Points); i += 3 {
		s.points = append(s.points, snapTarget{p.Points[i], on})
	}
}

func (s *Snapper) addCurve(p models.Path, on string, cross bool) {
	pts := FlattenPath(p, 0.05)
	if p.Closed && len(pts) > 0 {
		pts = append(pts, pts[0])
	}
	if len(pts) > 1 {
		s.curves = append(s.curves, snapCurve{pts: pts, box: PolylineBounds(pts), on: on, cross: cross})
	}
}

// Snap moves q to the strongest target within tol mm: a point, an
// intersection, a curve, else the grid. Kind is SnapNone and Point q when
// nothing is near and the grid is off.
func (s *Snapper) Snap(q Point, tol float64) Snap {
	best := Snap{Point: q}
	bd := tol
	for _, t := range s.points {
		if d := dist(t.p, q); d <= bd {
			best, bd = Snap{Point: t.p, Kind: SnapPoint, On: t.on}, d
		}
	}
	if best.Kind != SnapNone {
		return best
	}
	for _, t := range s.inter {
		if d := dist(t.p, q); d <= bd {
			best, bd = Snap{Point: t.p, Kind: SnapIntersection, On: t.on}, d
		}
	}
	if best.Kind != SnapNone {
		return best
	}
	// The last's edges and style lines first (lines end on them); piece
	// outlines, which run close along them, only when neither is near.
	for _, pass := range []bool{true, false} {
		if best.Kind != SnapNone {
			break
		}
		s.snapCurves(q, pass, &best, &bd)
	}
	if best.Kind != SnapNone || !(s.Grid > 0) {
		return best
	}
	g := s.Grid
	return Snap{Point: models.Pt(math.Round(q.X/g)*g, math.Round(q.Y/g)*g), Kind: SnapGrid}
}

func (s *Snapper) snapCurves(q Point, cross bool, best *Snap, bd *float64) {
	for _, c := range s.curves {
		if c.cross != cross || !c.box.Inset(-*bd).Contains(q) {
			continue
		}
		for k := 0; k+1 < len(c.pts); k++ {
			a, b := c.pts[k], c.pts[k+1]
			ab := sub(b, a)
			l2 := dot(ab, ab)
			t := 0.0
			if l2 > 0 {
				t = math.Max(0, math.Min(1, dot(sub(q, a), ab)/l2))
			}
			p := add(a, mul(ab, t))
			if d := dist(p, q); d <= *bd {
				*best, *bd = Snap{Point: p, Kind: SnapCurve, On: c.on}, d
			}
		}
	}
}
