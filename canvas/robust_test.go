package canvas_test

import (
	"math"
	"math/rand"
	"testing"

	"cordwain/canvas"
	"cordwain/canvas/samples"
	"cordwain/models"
)

// garble damages a design at random: hostile or corrupt input must give an
// error or a drawing, never a panic.
func garble(rng *rand.Rand, d *models.Design) {
	weird := []float64{0, -1, math.NaN(), math.Inf(1), 1e12, -1e12, 1e-300}
	pick := func() float64 {
		if rng.Intn(2) == 0 {
			return weird[rng.Intn(len(weird))]
		}
		return rng.Float64()*600 - 300
	}
	for k := 0; k < 1+rng.Intn(6); k++ {
		switch rng.Intn(9) {
		case 0:
			d.Last.BallGirth = pick()
		case 1:
			d.Last.HeelHeight = pick()
		case 2:
			if len(d.Pieces) > 0 {
				p := &d.Pieces[rng.Intn(len(d.Pieces))]
				if len(p.Outline.Points) > 0 {
					p.Outline.Points[rng.Intn(len(p.Outline.Points))] = models.Pt(pick(), pick())
				}
			}
		case 3:
			if len(d.Pieces) > 0 {
				p := &d.Pieces[rng.Intn(len(d.Pieces))]
				p.Outline.Points = p.Outline.Points[:rng.Intn(len(p.Outline.Points)+1)]
			}
		case 4:
			d.Meta.LastingAllowance = pick()
			d.Meta.StitchMargin = pick()
		case 5:
			if len(d.Marks) > 0 {
				d.Marks[rng.Intn(len(d.Marks))].At = models.Pt(pick(), pick())
				d.Marks[rng.Intn(len(d.Marks))].Size = pick()
			}
		case 6:
			if len(d.StyleLines) > 0 {
				l := &d.StyleLines[rng.Intn(len(d.StyleLines))]
				l.Path.Points = append(l.Path.Points, models.Pt(pick(), pick()))
			}
		case 7:
			d.Meta.BaseSize = pick()
			d.Meta.SizeSystem = models.SizeSystem([]string{"", "EU", "XX", "UK"}[rng.Intn(4)])
		case 8:
			if len(d.Pieces) > 0 {
				p := &d.Pieces[rng.Intn(len(d.Pieces))]
				p.Edges = append(p.Edges, models.AllowanceKind("bogus"))
				p.StitchRows = rng.Intn(7) - 2
			}
		}
	}
}

func TestNoPanicOnGarbage(t *testing.T) {
	rng := rand.New(rand.NewSource(77))
	for i := 0; i < 150; i++ {
		d := samples.All()[i%3]
		garble(rng, d)
		v := canvas.Views[rng.Intn(len(canvas.Views))]
		size := []float64{0, 240, -5, math.NaN(), 1e9}[rng.Intn(5)]
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("case %d (%s, size %v) panicked: %v", i, v, size, r)
				}
			}()
			r := canvas.NewRecorder(200, 150)
			vp, err := canvas.DrawDesign(r, d, canvas.DrawOptions{View: v, Size: size, Grid: true, ShowAllowances: true, Labels: true})
			if err == nil {
				vp.HitTest(d, v, 100, 75)
			}
			_, _ = canvas.GradeDesign(d, 250)
			for j := range d.Pieces {
				_, _ = canvas.CutOutline(&d.Pieces[j], d.Meta, 0.1)
				_, _ = canvas.StitchLines(&d.Pieces[j], d.Meta, 0.1)
			}
		}()
	}
}

func TestOffsetNoPanic(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	for i := 0; i < 500; i++ {
		n := rng.Intn(12)
		ring := make([]models.Point, n)
		for j := range ring {
			ring[j] = models.Pt(rng.Float64()*100, rng.Float64()*100) // often self-crossing
		}
		d := rng.Float64()*40 - 20
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("ring %v d=%v panicked: %v", ring, d, r)
				}
			}()
			_, _ = canvas.OffsetPolygon(ring, d, canvas.OffsetOptions{Join: canvas.JoinStyle(rng.Intn(3))})
			_ = canvas.SelfIntersects(ring, true)
		}()
	}
}
