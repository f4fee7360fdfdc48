package canvas_test

import (
	"fmt"
	"testing"

	"cordwain/canvas"
	"cordwain/canvas/samples"
	"cordwain/models"
)

// twentyPieces is the derby with its pieces repeated (new IDs) up to 20 and
// a 10-size run: the size of a real sports shoe's upper.
func twentyPieces() *models.Design {
	d := samples.Derby()
	base := append([]models.Piece(nil), d.Pieces...)
	for i := 0; len(d.Pieces) < 20; i++ {
		p := base[i%len(base)]
		p.ID = models.ID(fmt.Sprintf("b0000000000000%02x", i))
		p.Outline.Points = append([]models.Point(nil), p.Outline.Points...)
		d.Pieces = append(d.Pieces, p)
	}
	d.Meta.SizeSystem = models.SizeCN
	d.Meta.SizeRun = []float64{230, 235, 240, 245, 250, 255, 260, 265, 270, 275}
	return d
}

// BenchmarkRegenerateAndGrade regenerates the last and the cut outlines and
// stitch rows of 20 pieces for each of 10 graded sizes.
func BenchmarkRegenerateAndGrade(b *testing.B) {
	d := twentyPieces()
	b.ReportAllocs()
	for b.Loop() {
		run, err := canvas.GradeRun(d)
		if err != nil {
			b.Fatal(err)
		}
		for _, g := range run {
			if _, err := canvas.NewLastGeometry(g.Last); err != nil {
				b.Fatal(err)
			}
			for i := range g.Pieces {
				p := &g.Pieces[i]
				if _, err := canvas.CutOutline(p, g.Meta, canvas.DefaultTolerance); err != nil {
					b.Fatal(err)
				}
				if _, err := canvas.StitchLines(p, g.Meta, canvas.DefaultTolerance); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
}

func BenchmarkFlatten(b *testing.B) {
	d := samples.Derby()
	p := d.Pieces[0].Outline
	b.ReportAllocs()
	for b.Loop() {
		canvas.FlattenPath(p, canvas.DefaultTolerance)
	}
}

func BenchmarkCutOutline(b *testing.B) {
	d := samples.Derby()
	var p *models.Piece
	for i := range d.Pieces {
		if d.Pieces[i].Name == "Quarter lateral" {
			p = &d.Pieces[i]
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := canvas.CutOutline(p, d.Meta, canvas.DefaultTolerance); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDrawDesign(b *testing.B) {
	d := twentyPieces()
	for _, v := range []canvas.View{canvas.ViewMeanForm, canvas.ViewLateral, canvas.ViewTop} {
		b.Run(string(v), func(b *testing.B) {
			r := canvas.NewRecorder(508, 286) // 1920×1080 px at 96 dpi, in mm
			opt := canvas.DrawOptions{View: v, Grid: true, ShowAllowances: v == canvas.ViewMeanForm, Colourway: d.Colourways[0].ID}
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
