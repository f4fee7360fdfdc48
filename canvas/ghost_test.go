package canvas_test

import (
	"testing"

	"cordwain/canvas"
	"cordwain/canvas/samples"
	"cordwain/models"
)

// ghostStrokes are the paths stroked in the ghost colour.
func ghostStrokes(rec *canvas.Recorder) []*canvas.Path {
	var out []*canvas.Path
	ghost := false
	for _, op := range rec.Ops {
		switch op.Kind {
		case canvas.RecStrokeColor:
			ghost = op.Color == canvas.ColGhost
		case canvas.RecStroke:
			if ghost {
				out = append(out, op.Path)
			}
		}
	}
	return out
}

func TestGhostLastIsTheOtherLastsOutline(t *testing.T) {
	d := samples.Derby()
	old := d.Last
	old.HeelHeight += 15 // the older version's last
	for _, view := range canvas.Views {
		rec := canvas.NewRecorder(300, 200)
		if _, err := canvas.DrawDesign(rec, d, canvas.DrawOptions{View: view, Ghost: &old}); err != nil {
			t.Fatal(err)
		}
		got := ghostStrokes(rec)
		if len(got) != 1 {
			t.Fatalf("%s: %d ghost strokes, want the older last's outline once", view, len(got))
		}
		// The ghost is the outline the older last draws as itself.
		alone := canvas.NewRecorder(300, 200)
		od := *d
		od.Last = old
		if _, err := canvas.DrawDesign(alone, &od, canvas.DrawOptions{View: view}); err != nil {
			t.Fatal(err)
		}
		var want *canvas.Path
		for _, op := range alone.Ops {
			if op.Kind == canvas.RecFill && want == nil {
				want = op.Path
			}
		}
		if view == canvas.ViewBottom {
			continue // the bottom view fills the outsole first
		}
		if want == nil || len(want.Segs) != len(got[0].Segs) {
			t.Fatalf("%s: ghost has %d segments, the older last's outline %d", view, len(got[0].Segs), len(want.Segs))
		}
		for i := range want.Segs {
			if want.Segs[i].Pts != got[0].Segs[i].Pts {
				t.Fatalf("%s: ghost segment %d = %v, older last %v", view, i, got[0].Segs[i].Pts, want.Segs[i].Pts)
			}
		}
	}
	// No ghost without the option, and an invalid last draws none.
	rec := canvas.NewRecorder(300, 200)
	canvas.DrawDesign(rec, d, canvas.DrawOptions{View: canvas.ViewLateral})
	if n := len(ghostStrokes(rec)); n != 0 {
		t.Fatalf("%d ghost strokes without a ghost", n)
	}
	bad := models.Last{}
	rec = canvas.NewRecorder(300, 200)
	if _, err := canvas.DrawDesign(rec, d, canvas.DrawOptions{View: canvas.ViewLateral, Ghost: &bad}); err != nil {
		t.Fatalf("an invalid ghost last fails the drawing: %v", err)
	}
	if n := len(ghostStrokes(rec)); n != 0 {
		t.Fatalf("an invalid ghost last drew %d strokes", n)
	}
}

// BenchmarkDrawGhost is a comparison's frame scene: the 20-piece design in
// the lateral view with and without the older last ghosted (its geometry
// generated per draw).
func BenchmarkDrawGhost(b *testing.B) {
	d := twentyPieces()
	old := d.Last
	old.HeelHeight += 10
	for _, ghost := range []*models.Last{nil, &old} {
		name := "without"
		if ghost != nil {
			name = "with"
		}
		b.Run(name, func(b *testing.B) {
			r := canvas.NewRecorder(508, 286)
			opt := canvas.DrawOptions{View: canvas.ViewLateral, Grid: true, Ghost: ghost}
			b.ReportAllocs()
			for b.Loop() {
				r.Reset()
				if _, err := canvas.DrawDesign(r, d, opt); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
