package canvas_test

import (
	"reflect"
	"testing"

	"cordwain/canvas"
	"cordwain/canvas/samples"
)

// A prepared scene draws what canvas.DrawDesign draws, with the options it was
// prepared with and the viewport given, however often it is drawn.
func TestSceneDrawsAsDrawDesign(t *testing.T) {
	d := samples.Sneaker()
	opt := canvas.DrawOptions{View: canvas.ViewMeanForm, Grid: true, ShowAllowances: true, Labels: true, Colourway: d.Colourways[0].ID}
	want := canvas.NewRecorder(300, 200)
	vp, err := canvas.DrawDesign(want, d, opt)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := canvas.PrepareScene(d, opt)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		got := canvas.NewRecorder(300, 200)
		if gv := sc.Draw(got, nil); gv.Scale != vp.Scale || gv.OffX != vp.OffX || gv.OffY != vp.OffY {
			t.Fatalf("draw %d: viewport %+v, want %+v", i, gv, vp)
		}
		if !reflect.DeepEqual(got.Ops, want.Ops) {
			t.Fatalf("draw %d: %d operations differ from canvas.DrawDesign's %d", i, len(got.Ops), len(want.Ops))
		}
	}
	// With a viewport, as canvas.DrawDesign with opt.Viewport.
	zoomed := vp
	zoomed.Scale *= 2
	o := opt
	o.Viewport = &zoomed
	want = canvas.NewRecorder(300, 200)
	if _, err := canvas.DrawDesign(want, d, o); err != nil {
		t.Fatal(err)
	}
	got := canvas.NewRecorder(300, 200)
	sc.Draw(got, &zoomed)
	if !reflect.DeepEqual(got.Ops, want.Ops) {
		t.Fatal("with a viewport, the scene draws otherwise than canvas.DrawDesign")
	}
	if _, err := canvas.PrepareScene(d, canvas.DrawOptions{Size: -3}); err == nil {
		t.Fatal("a negative size was accepted")
	}
}
