package canvas_test

import (
	"fmt"
	"math"
	"math/rand"
	"testing"

	"cordwain/canvas"
	"cordwain/canvas/samples"
	"cordwain/models"
)

// upperPoints are mean form points over the drawn upper: the knots of
// the style lines and piece outlines, points along their curves, and a
// 7 mm grid inside the mean form.
func upperPoints(t *testing.T, d *models.Design) []canvas.Point {
	t.Helper()
	g, err := canvas.NewLastGeometry(d.Last)
	if err != nil {
		t.Fatal(err)
	}
	var pts []canvas.Point
	for _, sl := range d.StyleLines {
		pts = append(pts, canvas.FlattenPath(sl.Path, 1)...)
	}
	for _, pc := range d.Pieces {
		pts = append(pts, canvas.FlattenPath(pc.Outline, 1)...)
	}
	rim := canvas.FlattenPath(g.MeanForm, 0.25)
	b := canvas.PolylineBounds(rim)
	for x := b.Min.X; x <= b.Max.X; x += 7 {
		for y := b.Min.Y; y <= b.Max.Y; y += 7 {
			if p := models.Pt(x, y); canvas.PointInPolygon(rim, p) {
				pts = append(pts, p)
			}
		}
	}
	return pts
}

// checkRoundTrip checks, for view v of d, that Forward draws with the
// scene's numbers and that Forward(Inverse(q)) is within 0.01 mm of q
// for every q over the drawn upper.
func checkRoundTrip(t *testing.T, d *models.Design, v canvas.View) {
	t.Helper()
	g, err := canvas.NewLastGeometry(d.Last)
	if err != nil {
		t.Fatal(err)
	}
	m, err := canvas.NewViewMap(g, v)
	if err != nil {
		t.Fatal(err)
	}
	worst, fails := 0.0, 0
	for _, p := range upperPoints(t, d) {
		q, ok := m.Forward(p)
		if !ok {
			t.Fatalf("Forward(%v) not ok", p)
		}
		want := g.ToLateral(p)
		if v == canvas.ViewMedial {
			want = g.ToMedial(p)
			want.X = -want.X
		}
		if math.Hypot(q.X-want.X, q.Y-want.Y) > 1e-4 {
			t.Fatalf("Forward(%v) = %v, the scene draws %v", p, q, want)
		}
		p2, ok := m.Inverse(q)
		if !ok {
			fails++
			if fails < 5 {
				t.Errorf("Inverse(%v) (the image of %v) not ok", q, p)
			}
			continue
		}
		q2, _ := m.Forward(p2)
		worst = max(worst, math.Hypot(q2.X-q.X, q2.Y-q.Y))
	}
	if fails > 0 {
		t.Errorf("%d points had no inverse", fails)
	}
	if worst > 0.01 {
		t.Errorf("Forward(Inverse(q)) is up to %.4f mm from q, want ≤ 0.01", worst)
	}
}

// A side view's map goes back: Forward(Inverse(q)) ≈ q over the drawn
// upper, on the three samples and on random valid lasts, in the lateral
// and the medial views.
func TestViewMapRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	n := 6
	if testing.Short() {
		n = 2
	}
	for _, d := range samples.All() {
		designs := []*models.Design{d}
		for i := 0; i < n; i++ {
			rd, err := canvas.RefitDesign(d, randomLast(rng, d.Last))
			if err != nil {
				t.Fatal(err)
			}
			designs = append(designs, rd)
		}
		for i, dd := range designs {
			for _, v := range []canvas.View{canvas.ViewLateral, canvas.ViewMedial} {
				t.Run(fmt.Sprintf("%s/%d/%s", d.Meta.StyleNo, i, v), func(t *testing.T) {
					checkRoundTrip(t, dd, v)
				})
			}
		}
	}
}

// Points outside the map's domain (far from the last, not finite) give
// ok false, not garbage or a panic; the mean form's map is the identity;
// views without a map are refused.
func TestViewMapOutsideDomain(t *testing.T) {
	d := samples.Pump()
	for _, v := range []canvas.View{canvas.ViewLateral, canvas.ViewMedial} {
		m, err := canvas.NewDesignViewMap(d, v)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range []canvas.Point{
			models.Pt(5000, 5000), models.Pt(-3000, 20), models.Pt(100, -900), models.Pt(100, 1200),
			models.Pt(math.NaN(), 3), models.Pt(math.Inf(1), 0), models.Pt(0, math.Inf(-1)),
		} {
			if p, ok := m.Inverse(q); ok {
				t.Errorf("%s: Inverse(%v) = %v, ok; want not ok", v, q, p)
			}
		}
		if _, ok := m.Forward(models.Pt(math.NaN(), 0)); ok {
			t.Errorf("%s: Forward(NaN) ok", v)
		}
	}
	m, err := canvas.NewDesignViewMap(d, canvas.ViewMeanForm)
	if err != nil {
		t.Fatal(err)
	}
	if p, ok := m.Inverse(models.Pt(12, 34)); !ok || p != models.Pt(12, 34) {
		t.Errorf("mean form Inverse = %v, %v", p, ok)
	}
	for _, v := range []canvas.View{canvas.ViewTop, canvas.ViewBack, canvas.ViewBottom} {
		if _, err := canvas.NewDesignViewMap(d, v); err == nil {
			t.Errorf("%s: a view map, want an error", v)
		}
	}
}

// MapSegment flattens a mean form segment through the map: its points lie
// on the images of the segment's points, ends included, and a long
// segment bends.
func TestViewMapSegment(t *testing.T) {
	d := samples.Derby()
	m, err := canvas.NewDesignViewMap(d, canvas.ViewLateral)
	if err != nil {
		t.Fatal(err)
	}
	a, b := models.Pt(40, 20), models.Pt(220, 60)
	pts, ok := m.MapSegment(a, b, 0.05)
	if !ok || len(pts) < 3 {
		t.Fatalf("MapSegment: %d points, ok %v", len(pts), ok)
	}
	fa, _ := m.Forward(a)
	fb, _ := m.Forward(b)
	if pts[0] != fa || pts[len(pts)-1] != fb {
		t.Errorf("ends %v %v, want %v %v", pts[0], pts[len(pts)-1], fa, fb)
	}
	for i := 0; i <= 50; i++ {
		q, _ := m.Forward(models.Pt(a.X+(b.X-a.X)*float64(i)/50, a.Y+(b.Y-a.Y)*float64(i)/50))
		if dd := canvas.DistToPolyline(pts, q, false); dd > 0.1 {
			t.Errorf("the image of point %d is %.3f mm off the polyline", i, dd)
		}
	}
}

// ShownIn keeps what a side view draws: not the other side's quarter,
// not the linings.
func TestShownIn(t *testing.T) {
	for _, d := range samples.All() {
		for _, v := range []canvas.View{canvas.ViewLateral, canvas.ViewMedial} {
			sh, err := canvas.ViewShapes(d, canvas.DrawOptions{View: v})
			if err != nil {
				t.Fatal(err)
			}
			drawn := map[models.ID]bool{}
			for _, p := range sh.Pieces {
				drawn[p.ID] = true
			}
			kept := canvas.ShownIn(d, v)
			for _, p := range kept.Pieces {
				if !drawn[p.ID] {
					t.Errorf("%s %s: %s kept but not drawn", d.Meta.StyleNo, v, p.Name)
				}
			}
			if len(kept.Pieces) != len(drawn) {
				t.Errorf("%s %s: %d kept, %d drawn", d.Meta.StyleNo, v, len(kept.Pieces), len(drawn))
			}
			if len(kept.StyleLines) != len(d.StyleLines) {
				t.Errorf("%s %s: style lines dropped", d.Meta.StyleNo, v)
			}
		}
	}
}
