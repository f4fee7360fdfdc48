package canvas_test

import (
	"math"
	"testing"

	"cordwain/canvas"
	"cordwain/canvas/samples"
	"cordwain/models"
)

// A dimension is anchored on the mean form: when the last changes, its
// ends keep their places on the form (as a mark's position does), so a
// dimension along the featherline stays on the featherline; it can be
// picked, moved and deleted like the other elements, and each command
// undoes to the identical design.
func TestDimensionFollowsLast(t *testing.T) {
	d := samples.Derby()
	g, err := canvas.NewLastGeometry(d.Last)
	if err != nil {
		t.Fatal(err)
	}
	dim := models.Dimension{ID: models.NewID(), A: g.FeatherAt(40), B: g.FeatherAt(180)}
	d = roundTrip(t, d, models.SetElem("Add dimension", d, dim))

	l := d.Last
	l.HeelHeight += 30
	c, err := canvas.SetLast(d, l)
	if err != nil {
		t.Fatal(err)
	}
	next := roundTrip(t, d, c)
	moved, ok := models.FindElem(next, dim.ID).(models.Dimension)
	if !ok {
		t.Fatal("the last change lost the dimension")
	}
	if moved.A == dim.A && moved.B == dim.B {
		t.Fatal("a 30 mm higher heel left the dimension where it was")
	}
	mark, err := canvas.NewRefit(d.Last, l)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct{ before, after models.Point }{{dim.A, moved.A}, {dim.B, moved.B}} {
		if want := mark.Point(p.before); canvas.Dist(want, p.after) > 1e-6 {
			t.Fatalf("dimension end %v went to %v, the form point to %v", p.before, p.after, want)
		}
	}
	ng, err := canvas.NewLastGeometry(l)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []models.Point{moved.A, moved.B} {
		if n, ok := canvas.NearestOnPath(ng.Featherline, p); !ok || n.Dist > 0.5 {
			t.Fatalf("dimension end %v is %.2f mm off the new featherline", p, n.Dist)
		}
	}

	// Picked where its line runs, moved and deleted.
	mid := models.Pt((moved.A.X+moved.B.X)/2, (moved.A.Y+moved.B.Y)/2)
	if id := canvas.HitElement(next, mid, 0.5, 0); id != dim.ID {
		t.Fatalf("hit at the dimension's middle picked %q", id)
	}
	if id := canvas.HitElement(next, mid, 0.5, canvas.Layers(0).With(canvas.LayerDimensions, true)); id == dim.ID {
		t.Fatal("a locked dimensions layer was picked from")
	}
	mv := roundTrip(t, next, canvas.MoveElements(next, []models.ID{dim.ID}, models.Pt(3, 4)))
	if m := models.FindElem(mv, dim.ID).(models.Dimension); canvas.Dist(m.A, models.Pt(moved.A.X+3, moved.A.Y+4)) > 1e-9 {
		t.Fatalf("moved dimension starts at %v", m.A)
	}
	del := roundTrip(t, next, canvas.DeleteElements(next, []models.ID{dim.ID}))
	if models.FindElem(del, dim.ID) != nil {
		t.Fatal("delete left the dimension")
	}

	// Graded with the upper.
	big, err := canvas.GradeDesign(next, next.Meta.SizeRun[len(next.Meta.SizeRun)-1])
	if err != nil {
		t.Fatal(err)
	}
	gd := models.FindElem(big, dim.ID).(models.Dimension)
	if canvas.Dist(gd.A, gd.B) <= canvas.Dist(moved.A, moved.B) || math.IsNaN(gd.A.X) {
		t.Fatalf("graded to the largest size the dimension is %.2f mm, at the base %.2f mm", canvas.Dist(gd.A, gd.B), canvas.Dist(moved.A, moved.B))
	}
}
