package packaging

import (
	"errors"
	"fmt"
	"math"

	"cordwain/canvas"
	"cordwain/models"
)

// ErrBadOutline is wrapped by every fault [CheckOutline] finds.
var ErrBadOutline = errors.New("bad cut outline")

// Outline check limits: a spike is a turn sharper than spikeTurn degrees
// on a leg shorter than spikeLeg mm; a tail is a part of the outline
// thinner than tailWidth mm for longer than tailLen mm.
const (
	spikeTurn = 170.0
	spikeLeg  = 10.0
	tailWidth = 1.0
	tailLen   = 8.0
)

// CheckOutline checks a cut outline as a cutting room needs it: closed
// (at least three points, an area), simple (no edge crosses another), no
// spike (a turn of more than 170° on a leg under 10 mm) and no tail (two
// stretches of the outline running back along each other less than 1 mm
// apart for more than 8 mm: a sliver a knife cannot follow).
func CheckOutline(ring []models.Point) error {
	ring = dedupeRing(ring)
	if len(ring) < 3 || math.Abs(canvas.SignedArea(ring)) < 1 {
		return fmt.Errorf("%w: not a closed outline with an area", ErrBadOutline)
	}
	if canvas.SelfIntersects(ring, true) {
		return fmt.Errorf("%w: the outline crosses itself", ErrBadOutline)
	}
	n := len(ring)
	for i := range ring {
		a, b, c := ring[(i+n-1)%n], ring[i], ring[(i+1)%n]
		if turn := turnDeg(a, b, c); turn > spikeTurn {
			l := math.Min(dist(a, b), dist(b, c))
			if l < spikeLeg {
				return fmt.Errorf("%w: a spike at (%.1f, %.1f): the outline turns %.0f° on a %.1f mm leg", ErrBadOutline, b.X, b.Y, turn, l)
			}
		}
	}
	if at, l := longestTail(ring); l > tailLen {
		return fmt.Errorf("%w: a tail %.1f mm long and under %g mm wide at (%.1f, %.1f)", ErrBadOutline, l, tailWidth, at.X, at.Y)
	}
	return nil
}

// CheckCut checks a piece's cut outline against its net outline: the cut
// outline must pass [CheckOutline], hold the net outline inside it, and
// stay within twice the widest allowance of it (the mitre limit): a corner
// drawn out further is a tail.
func CheckCut(net, cut []models.Point, maxAllowance float64) error {
	if err := CheckOutline(cut); err != nil {
		return err
	}
	reach := 2*maxAllowance + 0.5
	for _, p := range cut {
		if d := canvas.DistToPolyline(net, p, true); d > reach {
			return fmt.Errorf("%w: a tail reaching %.1f mm from the net outline at (%.1f, %.1f) (allowances reach %.1f mm)", ErrBadOutline, d, p.X, p.Y, reach)
		}
	}
	for _, p := range net {
		if !canvas.PointInPolygon(cut, p) && canvas.DistToPolyline(cut, p, true) > 0.05 {
			return fmt.Errorf("%w: the net outline leaves the cut outline at (%.1f, %.1f)", ErrBadOutline, p.X, p.Y)
		}
	}
	return nil
}

func dist(a, b models.Point) float64 { return math.Hypot(a.X-b.X, a.Y-b.Y) }

// turnDeg is how far the direction turns at b going a → b → c, 0-180°.
func turnDeg(a, b, c models.Point) float64 {
	ux, uy := b.X-a.X, b.Y-a.Y
	vx, vy := c.X-b.X, c.Y-b.Y
	lu, lv := math.Hypot(ux, uy), math.Hypot(vx, vy)
	if lu == 0 || lv == 0 {
		return 0
	}
	cos := (ux*vx + uy*vy) / (lu * lv)
	return math.Acos(math.Max(-1, math.Min(1, cos))) * 180 / math.Pi
}

func dedupeRing(ring []models.Point) []models.Point {
	var out []models.Point
	for _, p := range ring {
		if len(out) == 0 || dist(out[len(out)-1], p) > 1e-6 {
			out = append(out, p)
		}
	}
	for len(out) > 1 && dist(out[0], out[len(out)-1]) <= 1e-6 {
		out = out[:len(out)-1]
	}
	return out
}

// longestTail measures the longest run of consecutive outline points each
// lying within tailWidth of a part of the outline that is not its
// neighbourhood along the ring: two edges of a sliver.
func longestTail(ring []models.Point) (models.Point, float64) {
	n := len(ring)
	// arc[i] is the distance along the ring from point 0 to point i.
	arc := make([]float64, n+1)
	for i := 0; i < n; i++ {
		arc[i+1] = arc[i] + dist(ring[i], ring[(i+1)%n])
	}
	total := arc[n]
	along := func(i, j int) float64 { // shorter way round between i and j
		d := math.Abs(arc[i] - arc[j])
		return math.Min(d, total-d)
	}
	thin := make([]bool, n)
	for i := 0; i < n; i++ {
		p := ring[i]
		for j := 0; j < n; j++ {
			a, b := ring[j], ring[(j+1)%n]
			// Skip the edges near p along the ring: they are its own.
			if along(i, j) < 3*tailWidth+tailLen/2 || along(i, (j+1)%n) < 3*tailWidth+tailLen/2 {
				continue
			}
			if segDist(p, a, b) < tailWidth {
				thin[i] = true
				break
			}
		}
	}
	best, bestAt := 0.0, models.Point{}
	for i := 0; i < n; i++ {
		if !thin[i] || thin[(i+n-1)%n] {
			continue
		}
		l := 0.0
		for k := i; thin[k%n] && k < i+n; k++ {
			if thin[(k+1)%n] {
				l += dist(ring[k%n], ring[(k+1)%n])
			}
		}
		if l > best {
			best, bestAt = l, ring[i]
		}
	}
	return bestAt, best
}

func segDist(q, a, b models.Point) float64 {
	dx, dy := b.X-a.X, b.Y-a.Y
	t := 0.0
	if l2 := dx*dx + dy*dy; l2 > 0 {
		t = math.Max(0, math.Min(1, ((q.X-a.X)*dx+(q.Y-a.Y)*dy)/l2))
	}
	return math.Hypot(a.X+t*dx-q.X, a.Y+t*dy-q.Y)
}

// Hole clearances, as a closing room needs them: an eyelet's washer
// reaches eyeletRing mm past its hole (as the pages draw it) and needs
// eyeletEdge mm of material beyond the washer; a punch hole needs
// punchEdge mm of material between it and the edge.
const (
	eyeletRing = 1.0
	eyeletEdge = 2.0
	punchEdge  = 1.5
)

// holeRadius is the radius of a punch hole or eyelet as drawn: half its
// size, 1.5 mm when no size is given.
func holeRadius(m models.Mark) float64 {
	if r := m.Size / 2; r > 0 {
		return r
	}
	return 1.5
}

// CheckHoles checks every punch hole and eyelet of a piece against its net
// outline (the finished edge; for a half pattern pass the unfolded piece,
// so that the fold is not an edge): each lies inside it with its washer
// and the material around it to spare.
func CheckHoles(net []models.Point, marks []models.Mark) error {
	for _, m := range marks {
		var need float64
		switch m.Kind {
		case models.MarkEyelet:
			need = holeRadius(m) + eyeletRing + eyeletEdge
		case models.MarkPunch:
			need = holeRadius(m) + punchEdge
		default:
			continue
		}
		if !canvas.PointInPolygon(net, m.At) {
			return fmt.Errorf("%w: a %s at (%.1f, %.1f) lies outside the piece", ErrBadOutline, m.Kind, m.At.X, m.At.Y)
		}
		if d := canvas.DistToPolyline(net, m.At, true); d < need {
			return fmt.Errorf("%w: a %s of %.1f mm at (%.1f, %.1f) is %.1f mm from the edge (needs %.1f mm)", ErrBadOutline, m.Kind, 2*holeRadius(m), m.At.X, m.At.Y, d, need)
		}
	}
	return nil
}
