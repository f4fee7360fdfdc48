package canvas_test

import (
	"image/color"
	"math"
	"math/rand"
	"reflect"
	"testing"

	"cordwain/canvas"
	"cordwain/canvas/samples"
	"cordwain/models"
)

func TestViewportRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewSource(9))
	for i := 0; i < 200; i++ {
		var b canvas.Rect
		b = b.Extend(models.Pt(rng.Float64()*100-50, rng.Float64()*100-50))
		b = b.Extend(models.Pt(b.Min.X+1+rng.Float64()*300, b.Min.Y+1+rng.Float64()*200))
		w, h, m := 50+rng.Float64()*300, 50+rng.Float64()*300, rng.Float64()*10
		v := canvas.FitViewport(b, w, h, m)
		for _, c := range []models.Point{b.Min, b.Max} {
			x, y := v.ToPage(c)
			if x < m-1e-6 || x > w-m+1e-6 || y < m-1e-6 || y > h-m+1e-6 {
				t.Fatalf("corner %v maps to (%v,%v) outside the %vx%v page with margin %v", c, x, y, w, h, m)
			}
			back := v.ToModel(x, y)
			if math.Hypot(back.X-c.X, back.Y-c.Y) > 1e-9 {
				t.Fatalf("round trip %v → %v", c, back)
			}
		}
		// y up in the model is y down on the page.
		_, y0 := v.ToPage(b.Min)
		_, y1 := v.ToPage(b.Max)
		if !(y1 < y0) {
			t.Fatal("model y does not point up the page")
		}
	}
}

func balanced(t *testing.T, r *canvas.Recorder) {
	t.Helper()
	depth := 0
	for _, op := range r.Ops {
		switch op.Kind {
		case canvas.RecPush:
			depth++
		case canvas.RecPop:
			depth--
		}
		if depth < 0 {
			t.Fatal("Pop without Push")
		}
	}
	if depth != 0 {
		t.Fatalf("%d Push left open", depth)
	}
}

func TestDrawDesign(t *testing.T) {
	d := samples.Derby()
	draw := func(opt canvas.DrawOptions) (*canvas.Recorder, canvas.Viewport) {
		t.Helper()
		r := canvas.NewRecorder(297, 210)
		v, err := canvas.DrawDesign(r, d, opt)
		if err != nil {
			t.Fatal(err)
		}
		balanced(t, r)
		return r, v
	}
	base, _ := draw(canvas.DrawOptions{View: canvas.ViewMeanForm})
	t.Run("every piece filled", func(t *testing.T) {
		if n := base.Count(canvas.RecFill); n < len(d.Pieces) {
			t.Fatalf("%d fills for %d pieces", n, len(d.Pieces))
		}
	})
	t.Run("grid adds strokes", func(t *testing.T) {
		r, _ := draw(canvas.DrawOptions{View: canvas.ViewMeanForm, Grid: true})
		if r.Count(canvas.RecStroke) <= base.Count(canvas.RecStroke) {
			t.Fatal("no grid drawn")
		}
	})
	t.Run("allowances add cut lines", func(t *testing.T) {
		r, _ := draw(canvas.DrawOptions{View: canvas.ViewMeanForm, ShowAllowances: true})
		if r.Count(canvas.RecStroke)-base.Count(canvas.RecStroke) < len(d.Pieces) {
			t.Fatal("no cut lines drawn")
		}
	})
	t.Run("highlight and selection", func(t *testing.T) {
		red := color.NRGBA{255, 0, 0, 255}
		r, _ := draw(canvas.DrawOptions{View: canvas.ViewMeanForm, Selected: d.Pieces[0].ID,
			Highlight: map[models.ID]color.Color{d.Pieces[1].ID: red}})
		found := false
		for _, op := range r.Ops {
			if op.Kind == canvas.RecStrokeColor && op.Color == color.Color(red) {
				found = true
			}
		}
		if !found || r.Count(canvas.RecStroke) <= base.Count(canvas.RecStroke) {
			t.Fatal("highlight not drawn")
		}
	})
	t.Run("colourway fills", func(t *testing.T) {
		cw := d.Colourways[1]
		r, _ := draw(canvas.DrawOptions{View: canvas.ViewLateral, Colourway: cw.ID})
		want, _ := canvas.ParseHex(cw.Parts[d.Pieces[0].ID].Hex)
		found := false
		for _, op := range r.Ops {
			if op.Kind == canvas.RecFillColor && op.Color == color.Color(want) {
				found = true
			}
		}
		if !found {
			t.Fatal("colourway colour not used")
		}
	})
	t.Run("replay is faithful", func(t *testing.T) {
		r := canvas.NewRecorder(297, 210)
		base.Replay(r)
		if !reflect.DeepEqual(r.Ops, base.Ops) {
			t.Fatal("replay differs")
		}
	})
	t.Run("a bigger size draws smaller on the page", func(t *testing.T) {
		_, v0 := draw(canvas.DrawOptions{View: canvas.ViewLateral})
		_, v1 := draw(canvas.DrawOptions{View: canvas.ViewLateral, Size: d.Meta.SizeRun[len(d.Meta.SizeRun)-1]})
		if !(v1.Scale < v0.Scale) || !(v1.Bounds.Dx() > v0.Bounds.Dx()) {
			t.Fatalf("scale %v → %v, width %v → %v", v0.Scale, v1.Scale, v0.Bounds.Dx(), v1.Bounds.Dx())
		}
	})
	t.Run("errors", func(t *testing.T) {
		r := canvas.NewRecorder(100, 100)
		if _, err := canvas.DrawDesign(r, nil, canvas.DrawOptions{}); err == nil {
			t.Fatal("nil design drawn")
		}
		if _, err := canvas.DrawDesign(r, d, canvas.DrawOptions{View: "sideways"}); err == nil {
			t.Fatal("unknown view drawn")
		}
		if _, err := canvas.DrawDesign(r, d, canvas.DrawOptions{Size: -3}); err == nil {
			t.Fatal("negative size drawn")
		}
		if len(r.Ops) != 0 {
			t.Fatal("a failed draw painted")
		}
	})
	t.Run("broken pieces are skipped, not fatal", func(t *testing.T) {
		bad := samples.Derby()
		bad.Pieces[0].Outline.Points = bad.Pieces[0].Outline.Points[:2]
		bad.StyleLines[0].Path.Points = nil
		bad.Marks[0].At = models.Pt(math.NaN(), 0)
		for _, v := range canvas.Views {
			if _, err := canvas.DrawDesign(canvas.NewRecorder(100, 100), bad, canvas.DrawOptions{View: v}); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func TestHitTest(t *testing.T) {
	d := samples.Derby()
	r := canvas.NewRecorder(297, 210)
	v, err := canvas.DrawDesign(r, d, canvas.DrawOptions{View: canvas.ViewMeanForm})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range d.Marks {
		if m.Kind != models.MarkEyelet {
			continue
		}
		x, y := v.ToPage(m.At)
		if got := v.HitTest(d, canvas.ViewMeanForm, x, y); got != m.ID {
			t.Fatalf("eyelet %s: hit %q", m.ID, got)
		}
	}
	if got := v.HitTest(d, canvas.ViewMeanForm, 1, 1); got != "" {
		t.Fatalf("page corner hits %q", got)
	}
	// The toe cap's interior hits the toe cap (it lies over the vamp).
	for _, p := range d.Pieces {
		if p.Role != "toecap" {
			continue
		}
		b := canvas.PathBounds(p.Outline)
		x, y := v.ToPage(models.Pt(b.Min.X+0.6*b.Dx(), b.Min.Y+0.3*b.Dy()))
		if got := v.HitTest(d, canvas.ViewMeanForm, x, y); got != p.ID {
			t.Fatalf("toe cap interior hits %q, want %q", got, p.ID)
		}
	}
	// In the lateral view the lateral quarter is hit, never the medial.
	lv, err := canvas.DrawDesign(canvas.NewRecorder(297, 210), d, canvas.DrawOptions{View: canvas.ViewLateral})
	if err != nil {
		t.Fatal(err)
	}
	g, _ := canvas.NewLastGeometry(d.Last)
	x, y := lv.ToPage(g.ToLateral(models.Pt(0.3*d.Last.BottomLength, 45)))
	got := lv.HitTest(d, canvas.ViewLateral, x, y)
	for _, p := range d.Pieces {
		if p.ID == got && p.Name != "Quarter lateral" {
			t.Fatalf("lateral view quarter area hits %q", p.Name)
		}
	}
	if got == "" {
		t.Fatal("lateral quarter not hit")
	}
}
