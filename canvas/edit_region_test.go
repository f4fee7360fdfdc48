package canvas_test

import (
	"errors"
	"math"
	"testing"

	"cordwain/canvas"
	"cordwain/canvas/samples"
	"cordwain/models"
)

func lineNamed(d *models.Design, name string) models.StyleLine {
	for _, l := range d.StyleLines {
		if l.Name == name {
			return l
		}
	}
	return models.StyleLine{}
}

// Clicking in front of the derby's toe cap line makes the toe cap: its
// outline runs exactly along the toe cap line, the featherline and the
// top line, lasting along the featherline, and it is the area the sample's
// own toe cap covers.
func TestPieceFromRegionToeCap(t *testing.T) {
	d := samples.Derby()
	g, err := canvas.NewLastGeometry(d.Last)
	if err != nil {
		t.Fatal(err)
	}
	B := d.Last.BottomLength
	click := models.Pt(0.95*B, 0.5*g.TopAt(0.95*B).Y)
	c, r, err := canvas.PieceFromRegion(d, click, "New toe cap")
	if err != nil {
		t.Fatal(err)
	}
	capLine := lineNamed(d, "Toe cap line")
	if len(r.Lines) != 1 || r.Lines[0] != capLine.ID {
		t.Errorf("built from lines %v, want the toe cap line %s", r.Lines, capLine.ID)
	}
	ring := canvas.FlattenPath(r.Outline, 0.05)
	if canvas.SelfIntersects(ring, true) {
		t.Fatal("outline crosses itself")
	}
	// Every point of the outline lies on one of the three curves.
	curves := [][]canvas.Point{
		canvas.FlattenPath(capLine.Path, 0.02), canvas.FlattenPath(g.Featherline, 0.02), canvas.FlattenPath(g.TopLine, 0.02),
	}
	for _, p := range ring {
		dmin := math.Inf(1)
		for _, cv := range curves {
			dmin = min(dmin, canvas.DistToPolyline(cv, p, false))
		}
		if dmin > 0.1 {
			t.Fatalf("outline point %v is %.2f mm off the bounding curves", p, dmin)
		}
	}
	lasting := 0.0
	for i, k := range r.Edges {
		if k == models.AllowLasting {
			cs := canvas.Cubics(r.Outline)[i]
			lasting += cs.Length(0.05)
		}
	}
	if lasting < 20 {
		t.Errorf("only %.1f mm of the outline has a lasting allowance", lasting)
	}
	if len(r.Edges) != r.Outline.Segments() {
		t.Errorf("%d edge kinds for %d segments", len(r.Edges), r.Outline.Segments())
	}
	want := math.Abs(canvas.SignedArea(canvas.FlattenPath(pieceNamed(d, "Toe cap").Outline, 0.05)))
	got := math.Abs(canvas.SignedArea(ring))
	t.Logf("region %.0f mm² (%d segments), sample toe cap %.0f mm², lasting %.1f mm", got, r.Outline.Segments(), want, lasting)
	if math.Abs(got-want)/want > 0.08 {
		t.Errorf("region area %.0f mm², the sample's toe cap %.0f mm²", got, want)
	}
	next := roundTrip(t, d, c)
	if err := models.Validate(next); err != nil {
		t.Fatalf("design with the new piece: %v", err)
	}
}

// A click outside the last, or in an area a line does not close, is
// refused with ErrNoRegion.
func TestPieceFromRegionRefusesOpenAreas(t *testing.T) {
	d := samples.Derby()
	if _, _, err := canvas.PieceFromRegion(d, models.Pt(-50, 300), "x"); !errors.Is(err, canvas.ErrNoRegion) {
		t.Fatalf("outside the last: %v", err)
	}
	if _, _, err := canvas.PieceFromRegion(d, models.Pt(100, -20), "x"); !errors.Is(err, canvas.ErrNoRegion) {
		t.Fatalf("below the featherline: %v", err)
	}
}
