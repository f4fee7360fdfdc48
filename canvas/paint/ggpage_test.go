package paint

import (
	"image/color"
	"testing"

	"cordwain/canvas"
	"cordwain/canvas/samples"
)

// The PNG page painter (gg) and the editor's painter (Raster) draw the
// same scene alike: the same pixels inked, give or take anti-aliasing.
func TestGGAndRasterDrawAlike(t *testing.T) {
	d := samples.Derby()
	const w, h, ppm = 600, 400, 2.0
	g := NewGG(w, h, ppm)
	g.Clear(color.White)
	r := NewRaster(w, h, ppm)
	r.Clear(color.White)
	for _, p := range []canvas.Painter{g, r} {
		if _, err := canvas.DrawDesign(p, d, canvas.DrawOptions{View: canvas.ViewLateral, Grid: true, Colourway: d.Colourways[0].ID}); err != nil {
			t.Fatal(err)
		}
		p.SetFillColor(color.Black)
		p.Text("款号 CW-D-2601", 10, 10, 12, canvas.AlignLeft)
	}
	gi, ri := g.RGBA(), r.RGBA()
	differ, inked := 0, 0
	for i := 0; i < len(gi.Pix); i += 4 {
		gd := int(gi.Pix[i]) + int(gi.Pix[i+1]) + int(gi.Pix[i+2])
		rd := int(ri.Pix[i]) + int(ri.Pix[i+1]) + int(ri.Pix[i+2])
		if gd < 600 {
			inked++
		}
		if diff := gd - rd; diff > 120 || diff < -120 {
			differ++
		}
	}
	if inked < w*h/10 {
		t.Fatalf("gg drew almost nothing: %d inked pixels", inked)
	}
	if share := float64(differ) / float64(w*h); share > 0.02 {
		t.Fatalf("gg and Raster differ on %.1f%% of the pixels", share*100)
	}
}
