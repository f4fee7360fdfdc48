package canvas_test

import (
	"math"
	"testing"

	"cordwain/canvas"
	"cordwain/canvas/samples"
	"cordwain/models"
)

// Positions near a knot snap to it, near a crossing to the crossing, near
// the featherline onto it, and elsewhere to the grid when it is on.
func TestSnapper(t *testing.T) {
	d := samples.Derby()
	g, _ := canvas.NewLastGeometry(d.Last)
	s := canvas.NewSnapper(d, nil)
	capLine := lineNamed(d, "Toe cap line")
	knot := capLine.Path.Points[3]
	if got := s.Snap(models.Pt(knot.X+0.4, knot.Y-0.3), 1); got.Kind != canvas.SnapPoint || got.Point != knot {
		t.Errorf("near a knot: %+v, want the knot %v", got, knot)
	}
	f := g.FeatherAt(120)
	got := s.Snap(models.Pt(120, f.Y-0.6), 1)
	if got.Kind != canvas.SnapCurve || got.On != canvas.EdgeFeatherline || canvas.Dist(got.Point, f) > 0.1 {
		t.Errorf("near the featherline: %+v, want on it at %v", got, f)
	}
	// The toe cap line ends on the featherline: its end is a knot; a point
	// on the toe cap line crossing the top line is an intersection.
	end := capLine.Path.Points[len(capLine.Path.Points)-1]
	if got := s.Snap(models.Pt(end.X+0.2, end.Y+0.2), 1); got.Kind != canvas.SnapPoint {
		t.Errorf("at the toe cap line's end: %+v", got)
	}
	far := models.Pt(60.37, 30.62)
	if got := s.Snap(far, 0.5); got.Kind != canvas.SnapNone || got.Point != far {
		t.Errorf("far from everything, grid off: %+v", got)
	}
	s.Grid = 1
	if got := s.Snap(far, 0.5); got.Kind != canvas.SnapGrid || got.Point != models.Pt(60, 31) {
		t.Errorf("grid on: %+v, want (60, 31)", got)
	}
	// Leaving the line out (it is being dragged) leaves its knots out.
	s2 := canvas.NewSnapper(d, map[models.ID]bool{capLine.ID: true})
	for _, k := range capLine.Path.Points {
		if got := s2.Snap(k, 1); got.On == string(capLine.ID) {
			t.Errorf("snapped to the excluded line: %+v", got)
		}
	}
}

// Two lines that cross snap to their crossing.
func TestSnapIntersection(t *testing.T) {
	d := samples.Derby()
	a := models.StyleLine{ID: "00000000000000a1", Kind: models.LineStyle, Path: canvas.StraightPath(models.Pt(100, 10), models.Pt(140, 50))}
	b := models.StyleLine{ID: "00000000000000b2", Kind: models.LineStyle, Path: canvas.StraightPath(models.Pt(100, 50), models.Pt(140, 10))}
	d.StyleLines = append(d.StyleLines, a, b)
	s := canvas.NewSnapper(d, nil)
	got := s.Snap(models.Pt(120.4, 30.3), 1)
	if got.Kind != canvas.SnapIntersection || math.Abs(got.Point.X-120) > 1e-6 || math.Abs(got.Point.Y-30) > 1e-6 {
		t.Fatalf("near the crossing: %+v, want (120, 30)", got)
	}
}

// Hit tests on the mean form: a knot of a selected piece, a handle, a
// style line, a piece; a rubber band takes what lies wholly inside.
func TestHitAndBoxSelect(t *testing.T) {
	d := samples.Derby()
	vamp := pieceNamed(d, "Vamp")
	k := vamp.Outline.Points[6]
	ref, ok := canvas.HitPoint(d, []models.ID{vamp.ID}, models.Pt(k.X+0.3, k.Y), 1)
	if !ok || ref != (canvas.PointRef{Elem: vamp.ID, Index: 6}) {
		t.Errorf("hit knot 6: %+v %v", ref, ok)
	}
	h := vamp.Outline.Points[7]
	if ref, ok := canvas.HitPoint(d, []models.ID{vamp.ID}, h, 0.5); !ok || ref.Index != 7 {
		t.Errorf("hit handle 7: %+v %v", ref, ok)
	}
	capLine := lineNamed(d, "Toe cap line")
	mid := canvas.FlattenPath(capLine.Path, 0.1)[5]
	if got := canvas.HitElement(d, mid, 0.5, 0); got != capLine.ID {
		t.Errorf("hit on the toe cap line: %s", got)
	}
	if got := canvas.HitElement(d, mid, 0.5, canvas.Layers(0).With(canvas.LayerLines, true)); got == capLine.ID {
		t.Error("hit a line on a skipped layer")
	}
	cap := pieceNamed(d, "Toe cap")
	b := canvas.PathBounds(cap.Outline)
	elems, knots := canvas.BoxSelect(d, b.Inset(-0.5), []models.ID{vamp.ID}, 0)
	found := false
	for _, id := range elems {
		found = found || id == cap.ID
		if id == vamp.ID {
			t.Error("the vamp is not wholly inside the toe cap's box")
		}
	}
	if !found {
		t.Errorf("box round the toe cap selected %v", elems)
	}
	if len(knots) == 0 {
		t.Error("no vamp knots inside the toe cap's box")
	}
}
