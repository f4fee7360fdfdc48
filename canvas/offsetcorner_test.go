package canvas

import (
	"testing"

	"cordwain/models"
)

// A raw edge (no allowance) meeting a lasting edge at a sharp corner used
// to be mitred out along the raw edge's line into a 30 mm tail; the corner
// is squared off instead, so no point of the cut line lies further from
// the piece than the allowance.
func TestOffsetUnequalCornerNoTail(t *testing.T) {
	// Lasting edge along the bottom (18 mm), the rest raw; the corner at
	// (0, 0) is 32° sharp.
	ring := []Point{models.Pt(0, 0), models.Pt(100, 0), models.Pt(100, 40), models.Pt(64, 40)}
	ds := []float64{18, 0, 0, 0}
	out, err := OffsetPolygonVar(ring, ds, OffsetOptions{Join: JoinMiter, MiterLimit: 2})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range out {
		if d := DistToPolyline(ring, p, true); d > 18+1e-6 {
			t.Errorf("point %v is %.1f mm from the piece: a tail", p, d)
		}
	}
	if SelfIntersects(out, true) {
		t.Error("cut line crosses itself")
	}
}
