package canvas

import (
	"fmt"
	"math"

	"cordwain/models"
)

// AllowanceWidth is how far the cut edge lies outside the net edge for an
// allowance kind, from the design's workshop settings.
func AllowanceWidth(k models.AllowanceKind, m models.Meta) float64 {
	switch k {
	case models.AllowLasting:
		return m.LastingAllowance
	case models.AllowLap:
		return m.LapAllowance
	case models.AllowFold:
		return m.FoldAllowance
	case models.AllowSeam:
		return m.SeamAllowance
	}
	return 0
}

// edgeKind is the allowance of segment i of p (AllowNone past the list).
func edgeKind(p *models.Piece, i int) models.AllowanceKind {
	if i < len(p.Edges) && p.Edges[i] != "" {
		return p.Edges[i]
	}
	return models.AllowNone
}

// Stitched reports whether an edge of this kind carries stitch rows: folded
// edges and seams are stitched on the piece itself, and raw edges lie on
// top of a neighbour's lap and are stitched through it. Lasting and lap
// edges end up under the last or under a neighbour.
func Stitched(k models.AllowanceKind) bool {
	switch k {
	case models.AllowLasting, models.AllowLap:
		return false
	}
	return true
}

// NetOutline flattens the piece's net outline (no allowances) to a ring.
func NetOutline(p *models.Piece, tol float64) ([]Point, error) {
	ring, _, err := netTagged(p, tol)
	return ring, err
}

func netTagged(p *models.Piece, tol float64) ([]Point, []int, error) {
	if err := CheckPath(p.Outline); err != nil {
		return nil, nil, fmt.Errorf("piece %q outline: %w", p.Name, err)
	}
	if !p.Outline.Closed {
		return nil, nil, fmt.Errorf("piece %q outline is open: %w", p.Name, ErrDegenerate)
	}
	pts, tags := flattenTagged(p.Outline, tol)
	if len(pts) < 3 || math.Abs(SignedArea(pts)) < 1e-6 {
		return nil, nil, fmt.Errorf("piece %q outline has no area: %w", p.Name, ErrDegenerate)
	}
	return pts, tags, nil
}

// CutOutline is the piece's cutting line: the net outline grown on every
// segment by that segment's allowance (models.Piece.Edges) with widths from
// the design's settings (models.Meta). Corners are mitred (limit 2, then
// bevelled) so the cutter gets the corners a pattern maker draws without
// spikes at the toe.
func CutOutline(p *models.Piece, m models.Meta, tol float64) ([]Point, error) {
	net, tags, err := netTagged(p, tol)
	if err != nil {
		return nil, err
	}
	ds := make([]float64, len(net))
	for i, seg := range tags {
		w := AllowanceWidth(edgeKind(p, seg), m)
		if w < 0 || math.IsNaN(w) || math.IsInf(w, 0) {
			return nil, fmt.Errorf("piece %q: allowance %q is %g mm, want ≥ 0", p.Name, edgeKind(p, seg), w)
		}
		ds[i] = w
	}
	out, _, err := offsetTagged(net, ds, OffsetOptions{Join: JoinMiter, MiterLimit: 2, Tolerance: tol})
	if err != nil {
		return nil, fmt.Errorf("piece %q cut outline: %w", p.Name, err)
	}
	return out, nil
}

// StitchLength is the length of one stitch, mm, at spi stitches per inch.
func StitchLength(spi float64) (float64, error) {
	if !(spi > 0) || math.IsInf(spi, 0) {
		return 0, fmt.Errorf("stitch length: %g stitches per inch, want > 0", spi)
	}
	return 25.4 / spi, nil
}

// SPIFromPerCM converts a Chinese spec's stitches per centimetre to SPI.
func SPIFromPerCM(perCM float64) float64 { return perCM * 2.54 }

// StitchLines returns the stitch rows of a piece as open polylines: row one
// StitchMargin inside the net edge, row two a further DoubleRowGauge in,
// each only along the edges that are stitched (see [Stitched]). A piece
// with StitchRows = 0 has none.
func StitchLines(p *models.Piece, m models.Meta, tol float64) ([][]Point, error) {
	rows := min(p.StitchRows, 2)
	if rows <= 0 {
		return nil, nil
	}
	net, tags, err := netTagged(p, tol)
	if err != nil {
		return nil, err
	}
	margin := m.StitchMargin
	if !(margin > 0) {
		margin = 2
	}
	gauge := m.DoubleRowGauge
	if !(gauge > 0) {
		gauge = 2
	}
	var lines [][]Point
	for r := 0; r < rows; r++ {
		d := margin + float64(r)*gauge
		ds := make([]float64, len(net))
		for i := range ds {
			ds[i] = -d
		}
		ring, src, err := offsetTagged(net, ds, OffsetOptions{Join: JoinMiter, MiterLimit: 3, Tolerance: tol})
		if err != nil {
			return nil, fmt.Errorf("piece %q stitch row %d: %w", p.Name, r+1, err)
		}
		lines = append(lines, stitchedRuns(ring, src, func(e int) bool {
			return Stitched(edgeKind(p, tags[e]))
		})...)
	}
	return lines, nil
}

// stitchedRuns cuts the ring into the open runs whose points come from
// stitched edges.
func stitchedRuns(ring []Point, src []int, stitched func(edge int) bool) [][]Point {
	n := len(ring)
	start := -1
	for i := 0; i < n; i++ {
		if !stitched(src[i]) {
			start = i
			break
		}
	}
	if start < 0 {
		// Every edge stitched: one closed run.
		run := append([]Point(nil), ring...)
		return [][]Point{append(run, ring[0])}
	}
	var runs [][]Point
	var cur []Point
	for k := 1; k <= n; k++ {
		i := (start + k) % n
		if stitched(src[i]) {
			cur = append(cur, ring[i])
			continue
		}
		if len(cur) > 0 {
			// Close the run onto this point: the row runs to the corner.
			cur = append(cur, ring[i])
			if len(cur) >= 2 {
				runs = append(runs, cur)
			}
			cur = nil
		}
	}
	if len(cur) >= 2 {
		runs = append(runs, cur)
	}
	return runs
}
