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

// The refit gives the very same design (same content hash, same float
// bits) as the reference implementation above, on the three samples onto
// their own last changed one measurement at a time and onto random valid
// lasts, and back.
func TestRefitMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewSource(23))
	n := 10
	if testing.Short() {
		n = 3
	}
	for _, d := range samples.All() {
		var lasts []models.Last
		for _, hh := range []float64{d.Last.HeelHeight + 5, d.Last.HeelHeight - 5} {
			l := d.Last
			l.HeelHeight = math.Max(0, hh)
			lasts = append(lasts, l)
		}
		l := d.Last
		l.ToeSpring += 3
		lasts = append(lasts, l)
		lasts = append(lasts, d.Last)
		for i := 0; i < n; i++ {
			lasts = append(lasts, randomLast(rng, d.Last))
		}
		for i, l := range lasts {
			if canvas.ValidateLast(l) != nil {
				continue
			}
			t.Run(fmt.Sprintf("%s/%d", d.Meta.StyleNo, i), func(t *testing.T) {
				got, err := canvas.RefitDesign(d, l)
				if err != nil {
					t.Fatal(err)
				}
				want, err := canvas.RefRefitDesign(d, l)
				if err != nil {
					t.Fatal(err)
				}
				sameDesign(t, got, want)
				// And back onto the original last from the refitted one.
				got2, err := canvas.RefitDesign(got, d.Last)
				if err != nil {
					t.Fatal(err)
				}
				want2, err := canvas.RefRefitDesign(want, d.Last)
				if err != nil {
					t.Fatal(err)
				}
				sameDesign(t, got2, want2)
			})
		}
	}
}

func sameDesign(t *testing.T, got, want *models.Design) {
	t.Helper()
	hg, err := got.Hash()
	if err != nil {
		t.Fatal(err)
	}
	hw, err := want.Hash()
	if err != nil {
		t.Fatal(err)
	}
	if hg != hw {
		t.Errorf("hash %v, reference %v", hg, hw)
	}
	bits := func(ps []canvas.Point) []uint64 {
		var o []uint64
		for _, p := range ps {
			o = append(o, math.Float64bits(p.X), math.Float64bits(p.Y))
		}
		return o
	}
	eq := func(what string, a, b []canvas.Point) {
		ba, bb := bits(a), bits(b)
		if len(ba) != len(bb) {
			t.Errorf("%s: %d points, reference %d", what, len(a), len(b))
			return
		}
		for i := range ba {
			if ba[i] != bb[i] {
				t.Errorf("%s: point %d differs: %v, reference %v", what, i/2, a[i/2], b[i/2])
				return
			}
		}
	}
	for i := range want.StyleLines {
		eq("style line "+want.StyleLines[i].Name, got.StyleLines[i].Path.Points, want.StyleLines[i].Path.Points)
	}
	for i := range want.Pieces {
		eq("piece "+want.Pieces[i].Name, got.Pieces[i].Outline.Points, want.Pieces[i].Outline.Points)
	}
	for i := range want.Marks {
		g, w := got.Marks[i], want.Marks[i]
		if math.Float64bits(g.Angle) != math.Float64bits(w.Angle) {
			t.Errorf("mark %d angle %v, reference %v", i, g.Angle, w.Angle)
		}
		eq("mark", []canvas.Point{g.At}, []canvas.Point{w.At})
	}
	for i := range want.Dimensions {
		eq("dimension", []canvas.Point{got.Dimensions[i].A, got.Dimensions[i].B}, []canvas.Point{want.Dimensions[i].A, want.Dimensions[i].B})
	}
}

// benchRefit re-fits the 20-piece design onto its last with the heel
// height alternately 25 and 30 mm, as BenchmarkEditorLastChange does.
func benchRefit(b *testing.B, refit func(*models.Design, models.Last) (*models.Design, error)) {
	d := twentyPieces()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		l := d.Last
		l.HeelHeight = 25 + float64(i%2)*5
		i++
		rd, err := refit(d, l)
		if err != nil {
			b.Fatal(err)
		}
		d = rd
	}
}

// BenchmarkRefitDesign is canvas.RefitDesign alone on a last measurement
// change of a 20-piece design.
func BenchmarkRefitDesign(b *testing.B) { benchRefit(b, canvas.RefitDesign) }

// BenchmarkRefitDesignReference is the same with the reference refit kept
// in refit_ref_test.go (the code before it was made faster), to compare
// in one run.
func BenchmarkRefitDesignReference(b *testing.B) { benchRefit(b, canvas.RefRefitDesign) }
