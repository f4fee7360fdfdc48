package packaging

import (
	"math"
	"slices"
	"testing"

	"cordwain/canvas"
	"cordwain/canvas/samples"
)

// Fault 1 of issue 10: the pieces drawn against the last's centre line
// are half patterns in every size, cut on the fold; unfolded, each is the
// half and its mirror image, twice the area.
func TestHalfPatterns(t *testing.T) {
	want := map[string][]string{
		"CW-D-2601": {"Toe cap", "Toe puff", "Vamp"},
		"CW-P-2602": {"Vamp", "Vamp lining"},
		"CW-S-2603": {"Toe cap", "Vamp"},
	}
	for _, d := range samples.All() {
		for _, s := range d.Meta.SizeRun {
			half, err := piecesAt(d, s, false)
			if err != nil {
				t.Fatal(err)
			}
			whole, err := piecesAt(d, s, true)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for i, g := range half {
				if !g.folded {
					continue
				}
				got = append(got, g.piece.Name)
				w := whole[i]
				if !w.unfolded || w.folded {
					t.Errorf("%s %s %g: unfolded piece not marked whole", d.Meta.StyleNo, g.piece.Name, s)
				}
				if r := w.area / g.area; math.Abs(r-2) > 0.02 {
					t.Errorf("%s %s %g: whole piece %.0f mm², half %.0f mm² (ratio %.3f, want 2)", d.Meta.StyleNo, g.piece.Name, s, w.area, g.area, r)
				}
				// The fold line lies on the half's cut line, end to end.
				for _, p := range g.fold {
					if dd := canvas.DistToPolyline(g.cut, p, true); dd > 0.01 {
						t.Errorf("%s %s %g: fold end %v is %.2f mm off the cut line", d.Meta.StyleNo, g.piece.Name, s, p, dd)
					}
				}
				if l := dist(g.fold[0], g.fold[1]); l < 20 {
					t.Errorf("%s %s %g: fold only %.1f mm long", d.Meta.StyleNo, g.piece.Name, s, l)
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, want[d.Meta.StyleNo]) {
				t.Errorf("%s size %g: half patterns %v, want %v", d.Meta.StyleNo, s, got, want[d.Meta.StyleNo])
			}
		}
	}
}

// A piece away from the centre line is not a half pattern.
func TestNoFoldAwayFromCentre(t *testing.T) {
	d := samples.Derby()
	folds := designFolds(d)
	for _, pc := range d.Pieces {
		if pc.Role == "quarter" || pc.Role == "counter" || pc.Role == "lining" {
			if folds[pc.ID] != nil {
				t.Errorf("%s taken for a half pattern", pc.Name)
			}
		}
	}
}
