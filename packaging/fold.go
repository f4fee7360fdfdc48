package packaging

import (
	"math"

	"cordwain/canvas"
	"cordwain/models"
)

// Half patterns. The mean form is half the last's upper: its top line is
// the last's centre line. A piece with an edge on that line (vamp, toe
// cap, toe puff, tongue, vamp lining) is half of a piece symmetric about
// the centre, cut either on the fold of the material or as a full piece.
// The fold is straight (material folds along a straight line), so the
// centre-line run of the outline is replaced by its chord: the full piece
// is the rest of the outline and its mirror image about the chord, and
// the half piece is the full piece cut along the chord. Allowances are
// worked out on the full piece, so the half piece's cut line meets the
// fold square and the two always match.

const (
	// foldTol is how close (mm) an outline segment's ends must be to the
	// top line, and foldBow how far its middle may bow away, for the
	// segment to count as lying on it.
	foldTol = 1.2
	foldBow = 5.0
	// foldMinLen is the shortest centre-line run (mm) that makes a piece
	// a half pattern.
	foldMinLen = 10.0
)

// foldRun is the centre-line run of a piece outline: segments first..last
// (cyclic, in outline order) from A to B.
type foldRun struct {
	first, last int
	a, b        models.Point
}

// findFold finds the run of pc's outline lying on the top line of the
// design's last. ok is false for a piece with no such run.
func findFold(top []models.Point, pc *models.Piece) (foldRun, bool) {
	cs := canvas.Cubics(pc.Outline)
	n := len(cs)
	if n < 2 || len(top) < 2 || !pc.Outline.Closed {
		return foldRun{}, false
	}
	on := make([]bool, n)
	all := true
	for i, c := range cs {
		// Both ends on the centre line, and the segment along it (the
		// fold is the chord anyway, so a segment may bow a little).
		on[i] = canvas.DistToPolyline(top, c[0], false) <= foldTol && canvas.DistToPolyline(top, c[3], false) <= foldTol
		for _, t := range []float64{0.25, 0.5, 0.75} {
			if on[i] && canvas.DistToPolyline(top, c.At(t), false) > foldBow {
				on[i] = false
			}
		}
		all = all && on[i]
	}
	if all {
		return foldRun{}, false
	}
	// Longest cyclic run of segments on the line.
	best := foldRun{}
	bestLen := 0.0
	for i := 0; i < n; i++ {
		if !on[i] || on[(i+n-1)%n] {
			continue
		}
		l, j := 0.0, i
		for on[j%n] && j < i+n {
			l += cs[j%n].Length(flatTol)
			j++
		}
		if l > bestLen {
			bestLen = l
			best = foldRun{first: i, last: (j - 1) % n, a: cs[i][0], b: cs[(j-1)%n][3]}
		}
	}
	if bestLen < foldMinLen || dist(best.a, best.b) < foldMinLen {
		return foldRun{}, false
	}
	// The rest of the outline must stay on one side of the fold chord:
	// a piece that reaches over the centre line (a tongue drawn past it)
	// is not a half of anything and is cut as drawn.
	l := dist(best.a, best.b)
	sign := 0.0
	for k := 1; k < n; k++ {
		i := (best.last + k) % n
		if i == best.first {
			break
		}
		for _, t := range []float64{0.25, 0.5, 0.75, 1} {
			sd := side(cs[i].At(t), best.a, best.b) / l
			if math.Abs(sd) < 0.5 {
				continue
			}
			if sign == 0 {
				sign = math.Copysign(1, sd)
			} else if sd*sign < 0 {
				return foldRun{}, false
			}
		}
	}
	return best, true
}

// topLine is the flattened top line (centre line) of d's last, or nil.
func topLine(d *models.Design) []models.Point {
	g, err := canvas.NewLastGeometry(d.Last)
	if err != nil {
		return nil
	}
	return canvas.FlattenPath(g.TopLine, flatTol)
}

// mirrorAbout reflects p about the line through a and b.
func mirrorAbout(p, a, b models.Point) models.Point {
	dx, dy := b.X-a.X, b.Y-a.Y
	l2 := dx*dx + dy*dy
	if l2 == 0 {
		return p
	}
	t := ((p.X-a.X)*dx + (p.Y-a.Y)*dy) / l2
	fx, fy := a.X+t*dx, a.Y+t*dy
	return models.Pt(2*fx-p.X, 2*fy-p.Y)
}

// unfoldPiece is the full piece of a half pattern: the outline without
// the centre-line run, then the same mirrored about the fold chord, with
// the edges' allowances carried over.
func unfoldPiece(pc *models.Piece, f foldRun) models.Piece {
	cs := canvas.Cubics(pc.Outline)
	n := len(cs)
	kind := func(i int) models.AllowanceKind {
		if i < len(pc.Edges) && pc.Edges[i] != "" {
			return pc.Edges[i]
		}
		return models.AllowNone
	}
	// The rest of the outline runs from B (end of the fold run) to A.
	var rest []canvas.Cubic
	var kinds []models.AllowanceKind
	for k := 1; k < n; k++ {
		i := (f.last + k) % n
		if i == f.first {
			break
		}
		rest = append(rest, cs[i])
		kinds = append(kinds, kind(i))
	}
	full := pc.Outline
	full.Points = []models.Point{rest[0][0]}
	edges := append([]models.AllowanceKind(nil), kinds...)
	for _, c := range rest {
		full.Points = append(full.Points, c[1], c[2], c[3])
	}
	// Back from A to B along the mirror image.
	for k := len(rest) - 1; k >= 0; k-- {
		c := rest[k]
		full.Points = append(full.Points, mirrorAbout(c[2], f.a, f.b), mirrorAbout(c[1], f.a, f.b), mirrorAbout(c[0], f.a, f.b))
		edges = append(edges, kinds[k])
	}
	full.Points[len(full.Points)-1] = full.Points[0] // B mirrored is B
	full.Closed = true
	out := *pc
	out.Outline = full
	out.Edges = edges
	return out
}

// side is > 0 for points left of the directed line a → b.
func side(p, a, b models.Point) float64 {
	return (b.X-a.X)*(p.Y-a.Y) - (b.Y-a.Y)*(p.X-a.X)
}

// clipRing keeps the part of a simple ring on the keep side of the line
// a → b (Sutherland–Hodgman against one half-plane; a piece outline
// crosses its fold line twice, so the result is one ring).
func clipRing(ring []models.Point, a, b models.Point, keep float64) []models.Point {
	var out []models.Point
	n := len(ring)
	for i := 0; i < n; i++ {
		p, q := ring[i], ring[(i+1)%n]
		sp, sq := side(p, a, b)*keep, side(q, a, b)*keep
		if sp >= 0 {
			out = append(out, p)
		}
		if (sp > 0 && sq < 0) || (sp < 0 && sq > 0) {
			t := sp / (sp - sq)
			out = append(out, models.Pt(p.X+(q.X-p.X)*t, p.Y+(q.Y-p.Y)*t))
		}
	}
	return dedupeRing(out)
}

// clipPolyline keeps the runs of an open polyline on the keep side.
func clipPolyline(pts []models.Point, a, b models.Point, keep float64) [][]models.Point {
	var out [][]models.Point
	var cur []models.Point
	for i, p := range pts {
		sp := side(p, a, b) * keep
		if i > 0 {
			q := pts[i-1]
			sq := side(q, a, b) * keep
			if (sp > 0 && sq < 0) || (sp < 0 && sq > 0) {
				t := sq / (sq - sp)
				x := models.Pt(q.X+(p.X-q.X)*t, q.Y+(p.Y-q.Y)*t)
				cur = append(cur, x)
				if sp < 0 {
					if len(cur) > 1 {
						out = append(out, cur)
					}
					cur = nil
				}
			}
		}
		if sp >= 0 {
			cur = append(cur, p)
		}
	}
	if len(cur) > 1 {
		out = append(out, cur)
	}
	return out
}

// foldSpan is the stretch of the fold line a → b inside ring: the two
// extreme points of the ring on the line.
func foldSpan(ring []models.Point, a, b models.Point) (models.Point, models.Point) {
	dx, dy := b.X-a.X, b.Y-a.Y
	l := math.Hypot(dx, dy)
	if l == 0 {
		return a, b
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, p := range ring {
		if math.Abs(side(p, a, b))/l < 1e-6 {
			t := ((p.X-a.X)*dx + (p.Y-a.Y)*dy) / (l * l)
			lo, hi = math.Min(lo, t), math.Max(hi, t)
		}
	}
	if math.IsInf(lo, 0) {
		return a, b
	}
	return models.Pt(a.X+lo*dx, a.Y+lo*dy), models.Pt(a.X+hi*dx, a.Y+hi*dy)
}
