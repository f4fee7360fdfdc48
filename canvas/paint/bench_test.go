package paint

import (
	"fmt"
	"image/color"
	"math"
	"testing"

	"cordwain/canvas"
	"cordwain/canvas/samples"
	"cordwain/models"
)

// editorDesign is the sample sneaker with its pieces duplicated (new IDs,
// shifted a little) up to n pieces: the load of a busy design.
func editorDesign(n int) *models.Design {
	d := samples.Sneaker()
	base := len(d.Pieces)
	for i := 0; len(d.Pieces) < n; i++ {
		pc := d.Pieces[i%base]
		pc.ID = models.ID(fmt.Sprintf("%s-dup%02d", pc.ID, i))
		pc.Outline.Points = append([]models.Point(nil), pc.Outline.Points...)
		for k := range pc.Outline.Points {
			pc.Outline.Points[k].X += 3
			pc.Outline.Points[k].Y -= 2
		}
		pc.Order += 10
		d.Pieces = append(d.Pieces, pc)
	}
	return d
}

// editorOptions are what the editor draws while a piece is dragged: the
// mean form with grid, allowances, labels, a colourway and a selection.
func editorOptions(d *models.Design) canvas.DrawOptions {
	return canvas.DrawOptions{View: canvas.ViewMeanForm, Colourway: d.Colourways[0].ID, Grid: true,
		ShowAllowances: true, Labels: true, Selected: d.Pieces[0].ID}
}

// BenchmarkEditorFrame is one editor frame: canvas.DrawDesign of a
// 20-piece sample through the Raster at 1920×1080 (96 dpi), as app/editor
// draws it. Target ≤ 8 ms.
func BenchmarkEditorFrame(b *testing.B) {
	d := editorDesign(20)
	opt := editorOptions(d)
	r := NewRaster(1920, 1080, 96/25.4)
	b.ReportAllocs()
	for b.Loop() {
		r.Clear(color.White)
		if _, err := canvas.DrawDesign(r, d, opt); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHairSegments is the hairline walk alone: 2,000 segments of
// every slope, 10–90 px long, 0.8 and 1.6 px wide, onto a 1920×1080
// image (the stitches, cut lines and outlines of an editor frame).
func BenchmarkHairSegments(b *testing.B) {
	r := NewRaster(1920, 1080, 96/25.4)
	sp := &r.rz.sp
	sp.setColor(color.NRGBA{0x20, 0x30, 0x40, 0xff})
	type seg struct{ x0, y0, x1, y1, w float64 }
	var segs []seg
	px := 0
	for k := range 2000 {
		a := float64(k) * 2.39996 // golden angle: every slope
		l := 10 + float64(k%9)*10
		x, y := 40+float64(k*37%1840), 40+float64(k*53%1000)
		w := 0.8
		if k%3 == 0 {
			w = 1.6
		}
		segs = append(segs, seg{x, y, x + l*math.Cos(a), y + l*math.Sin(a), w})
		px += int(l)
	}
	b.ReportMetric(float64(px), "px/op")
	for b.Loop() {
		for _, s := range segs {
			sp.hairSegment(s.x0, s.y0, s.x1, s.y1, s.w)
		}
	}
}
