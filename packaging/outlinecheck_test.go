package packaging

import (
	"errors"
	"math/rand/v2"
	"testing"

	"cordwain/canvas"
	"cordwain/canvas/samples"
	"cordwain/models"
)

// checkDesignOutlines runs CheckCut and CheckHoles on every piece of d at
// every size of its run, and checks that each piece's cut area and perimeter grow with
// the size.
func checkDesignOutlines(t *testing.T, d *models.Design, label string) {
	t.Helper()
	m := d.Meta
	maxAllow := max(m.LastingAllowance, m.LapAllowance, m.FoldAllowance, m.SeamAllowance)
	prevArea, prevPerim := map[models.ID]float64{}, map[models.ID]float64{}
	for _, s := range m.SizeRun {
		half, err := piecesAt(d, s, false)
		if err != nil {
			t.Fatalf("%s size %g: %v", label, s, err)
		}
		whole, err := piecesAt(d, s, true)
		if err != nil {
			t.Fatalf("%s size %g: %v", label, s, err)
		}
		for _, g := range whole {
			if err := CheckCut(g.net, g.cut, maxAllow); err != nil {
				t.Errorf("%s %s size %g unfolded: %v", label, g.piece.Name, s, err)
			}
			if err := CheckHoles(g.net, g.marks); err != nil {
				t.Errorf("%s %s size %g: %v", label, g.piece.Name, s, err)
			}
		}
		for _, g := range half {
			if err := CheckCut(g.net, g.cut, maxAllow); err != nil {
				t.Errorf("%s %s size %g: %v", label, g.piece.Name, s, err)
			}
			per := canvas.Perimeter(g.cut, true)
			if a, ok := prevArea[g.piece.ID]; ok && !(g.area > a) {
				t.Errorf("%s %s size %g: cut area %.0f mm² is not above the next smaller size's %.0f", label, g.piece.Name, s, g.area, a)
			}
			if p, ok := prevPerim[g.piece.ID]; ok && !(per > p) {
				t.Errorf("%s %s size %g: perimeter %.1f mm is not above the next smaller size's %.1f", label, g.piece.Name, s, per, p)
			}
			prevArea[g.piece.ID], prevPerim[g.piece.ID] = g.area, per
		}
	}
}

// Every piece of every sample in every size cuts cleanly: fault 2 of
// issue 10 (the runner's toe cap at 230 had a 30 mm tail, larger than at
// 240; the derby's toe caps a needle spike at the toe).
func TestSampleOutlinesCut(t *testing.T) {
	for _, d := range samples.All() {
		checkDesignOutlines(t, d, d.Meta.StyleNo)
	}
}

// The samples drawn on random valid lasts (every measurement within ±6%
// of the sample's) cut cleanly too.
func TestRandomLastOutlinesCut(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 2))
	builds := []struct {
		last func() models.Last
		on   func(models.Last) *models.Design
	}{{samples.DerbyLast, samples.DerbyOn}, {samples.PumpLast, samples.PumpOn}, {samples.SneakerLast, samples.SneakerOn}}
	tried := 0
	for tried < 12 {
		b := builds[tried%len(builds)]
		l := b.last()
		f := func(v float64) float64 { return v * (0.94 + 0.12*rng.Float64()) }
		l.BottomLength, l.StickLength = f(l.BottomLength), f(l.StickLength)
		l.BallGirth, l.BallWidth = f(l.BallGirth), f(l.BallWidth)
		l.WaistGirth, l.InstepGirth, l.HeelGirth = f(l.WaistGirth), f(l.InstepGirth), f(l.HeelGirth)
		l.HeelWidth, l.BackHeight = f(l.HeelWidth), f(l.BackHeight)
		if canvas.ValidateLast(l) != nil {
			continue
		}
		tried++
		d := b.on(l)
		checkDesignOutlines(t, d, d.Meta.StyleNo+" on a random last")
	}
}

func TestCheckOutlineFindsFaults(t *testing.T) {
	square := []models.Point{{X: 0, Y: 0}, {X: 50, Y: 0}, {X: 50, Y: 50}, {X: 0, Y: 50}}
	if err := CheckOutline(square); err != nil {
		t.Fatalf("a square: %v", err)
	}
	for name, ring := range map[string][]models.Point{
		"spike":   {{X: 0, Y: 0}, {X: 50, Y: 0}, {X: 58, Y: 0.5}, {X: 50, Y: 1}, {X: 50, Y: 50}, {X: 0, Y: 50}},
		"crossed": {{X: 0, Y: 0}, {X: 50, Y: 50}, {X: 50, Y: 0}, {X: 0, Y: 50}},
		"flat":    {{X: 0, Y: 0}, {X: 50, Y: 0}, {X: 100, Y: 0}},
	} {
		if err := CheckOutline(ring); !errors.Is(err, ErrBadOutline) {
			t.Errorf("%s: got %v, want ErrBadOutline", name, err)
		}
	}
	// An eyelet whose washer reaches the edge, a punch hole on the edge and
	// one outside the piece are faults; holes well inside are not.
	for name, m := range map[string]models.Mark{
		"eyelet near the edge": {Kind: models.MarkEyelet, At: models.Point{X: 25, Y: 4}, Size: 4.5},
		"punch on the edge":    {Kind: models.MarkPunch, At: models.Point{X: 50, Y: 25}, Size: 2},
		"punch outside":        {Kind: models.MarkPunch, At: models.Point{X: 60, Y: 25}, Size: 2},
	} {
		if err := CheckHoles(square, []models.Mark{m}); !errors.Is(err, ErrBadOutline) {
			t.Errorf("%s: got %v, want ErrBadOutline", name, err)
		}
	}
	inside := []models.Mark{{Kind: models.MarkEyelet, At: models.Point{X: 25, Y: 6}, Size: 4.5}, {Kind: models.MarkPunch, At: models.Point{X: 47, Y: 25}, Size: 2}, {Kind: models.MarkNotch, At: models.Point{X: 50, Y: 10}}}
	if err := CheckHoles(square, inside); err != nil {
		t.Errorf("holes inside with room to spare: %v", err)
	}
	// A cut outline drawn out 40 mm past an 18 mm allowance is a tail.
	cut := []models.Point{{X: -40, Y: -18}, {X: 68, Y: -18}, {X: 68, Y: 68}, {X: -18, Y: 68}}
	if err := CheckCut(square, cut, 18); !errors.Is(err, ErrBadOutline) {
		t.Errorf("tail: got %v, want ErrBadOutline", err)
	}
}
