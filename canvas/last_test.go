package canvas

import (
	"errors"
	"math"
	"math/rand"
	"testing"

	"cordwain/models"
)

// menLast is a men's CN 255 last (EU 40-41 area).
func menLast() models.Last {
	return models.Last{BottomLength: 270, StickLength: 262, BallGirth: 240, BallWidth: 92,
		WaistGirth: 232, InstepGirth: 246, HeelGirth: 335, HeelWidth: 62, HeelHeight: 25,
		ToeSpring: 14, BackHeight: 62, ToeShape: models.ToeRound}
}

func TestValidateLast(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*models.Last)
		field string // "" = valid
	}{
		{"valid", func(*models.Last) {}, ""},
		{"negative heel height", func(l *models.Last) { l.HeelHeight = -5 }, "heel_height"},
		{"NaN girth", func(l *models.Last) { l.BallGirth = math.NaN() }, "ball_girth"},
		{"stick longer than bottom", func(l *models.Last) { l.StickLength = 280 }, "stick_length"},
		{"stick far too short", func(l *models.Last) { l.StickLength = 200 }, "stick_length"},
		{"ball girth out of ratio", func(l *models.Last) { l.BallGirth = 320; l.WaistGirth = 320; l.InstepGirth = 330; l.HeelGirth = 400 }, "ball_girth"},
		{"ball too wide", func(l *models.Last) { l.BallWidth = 120 }, "ball_width"},
		{"waist above ball", func(l *models.Last) { l.WaistGirth = 260 }, "waist_girth"},
		{"heel girth too small", func(l *models.Last) { l.HeelGirth = 260 }, "heel_girth"},
		{"heel wider than ball", func(l *models.Last) { l.HeelWidth = 90 }, "heel_width"},
		{"unknown toe", func(l *models.Last) { l.ToeShape = "duck" }, "toe_shape"},
		{"fitting 7", func(l *models.Last) { l.WidthFitting = 7 }, "width_fitting"},
		{"zero last", func(l *models.Last) { *l = models.Last{} }, "bottom_length"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := menLast()
			tc.edit(&l)
			err := ValidateLast(l)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("valid last refused: %v", err)
				}
				return
			}
			var fe FieldErrors
			if !errors.As(err, &fe) || !errors.Is(err, ErrInvalidLast) {
				t.Fatalf("want FieldErrors, got %v", err)
			}
			if fe.Field(tc.field) == "" {
				t.Fatalf("no message for %s in %v", tc.field, err)
			}
			if _, gerr := NewLastGeometry(l); gerr == nil {
				t.Fatal("NewLastGeometry accepted an invalid last")
			}
		})
	}
}

// randomLast draws measurements across the valid range: lengths from kids'
// to big men's, heels from flat to high, every toe shape.
func randomLast(rng *rand.Rand) models.Last {
	B := 200 + rng.Float64()*110
	H := rng.Float64() * 95
	k := B / 270
	bg := B * (0.82 + rng.Float64()*0.12)
	bw := bg * (0.34 + rng.Float64()*0.06)
	wg := bg - 12 + rng.Float64()*14
	ig := wg + rng.Float64()*20
	toes := []models.ToeShape{models.ToeRound, models.ToeAlmond, models.ToeSquare, models.ToePointed}
	return models.Last{
		BottomLength: B,
		StickLength:  B - (2 + rng.Float64()*(8+0.5*H)),
		BallGirth:    bg, BallWidth: bw, WaistGirth: wg, InstepGirth: ig,
		HeelGirth:  ig + 60 + rng.Float64()*40,
		HeelWidth:  bw * (0.6 + rng.Float64()*0.15),
		HeelHeight: H, ToeSpring: 4 + rng.Float64()*18, BackHeight: (45 + rng.Float64()*25) * k,
		ToeShape: toes[rng.Intn(len(toes))],
	}
}

// corners counts joints where the tangent turns by more than maxDeg.
func corners(p models.Path, maxDeg float64) int {
	cs := Cubics(p)
	n := 0
	for i := range cs {
		if i == 0 && !p.Closed {
			continue
		}
		prev := cs[(i-1+len(cs))%len(cs)]
		a, b := unit(sub(prev[3], prev[2])), unit(sub(cs[i][1], cs[i][0]))
		if ang := math.Acos(math.Max(-1, math.Min(1, dot(a, b)))) * 180 / math.Pi; ang > maxDeg {
			n++
		}
	}
	return n
}

func TestLastGeometryProperties(t *testing.T) {
	rng := rand.New(rand.NewSource(42))
	for i := 0; i < 300; i++ {
		l := randomLast(rng)
		if err := ValidateLast(l); err != nil {
			t.Fatalf("generator made an invalid last %+v: %v", l, err)
		}
		g, err := NewLastGeometry(l)
		if err != nil {
			t.Fatal(err)
		}
		tip := 0
		if l.ToeShape == models.ToePointed {
			tip = 1 // a pointed toe has its point
		}
		outlines := []struct {
			name    string
			p       models.Path
			corners int // designed corners: heel point, back top …
		}{
			{"lateral", g.Lateral, 2},
			{"medial", g.Medial, 2},
			{"meanform", g.MeanForm, 2},
			{"bottom", g.Bottom, tip},
			{"top", g.Top, tip},
			{"back", g.Back, 0},
		}
		for _, o := range outlines {
			if err := CheckPath(o.p); err != nil || !o.p.Closed {
				t.Fatalf("last %d %s: not a closed path: %v", i, o.name, err)
			}
			ring := FlattenPath(o.p, 0.05)
			if SelfIntersects(ring, true) {
				t.Fatalf("last %d (%+v) %s self-intersects", i, l, o.name)
			}
			if c := corners(o.p, 1); c > o.corners {
				t.Fatalf("last %d %s: %d corners, want ≤ %d", i, o.name, c, o.corners)
			}
		}
		if got := PathBounds(g.MeanForm); math.Abs(got.Max.X-l.BottomLength) > 0.5 {
			t.Fatalf("mean form reaches x=%v, want the bottom length %v", got.Max.X, l.BottomLength)
		}
		bw := PathBounds(g.Bottom)
		if math.Abs(bw.Dx()-l.BottomLength) > 0.01*l.BottomLength || math.Abs(bw.Dy()-l.BallWidth) > 0.15*l.BallWidth {
			t.Fatalf("bottom outline %vx%v for length %v width %v", bw.Dx(), bw.Dy(), l.BottomLength, l.BallWidth)
		}
		// Every key point lies on (or very near) the mean form outline.
		for name, p := range g.Points {
			if n, _ := NearestOnPath(g.MeanForm, p); n.Dist > 0.5 {
				t.Fatalf("last %d key point %s is %.2f mm off the mean form", i, name, n.Dist)
			}
		}
		// The mapping keeps landmarks: heel and toe land on the profile's.
		if d := dist(g.ToLateral(g.Points[KeyHeel]), g.lat.at(0, 0)); d > 0.5 {
			t.Fatalf("heel maps %.2f mm off", d)
		}
	}
}

func TestMeanFormMappingRoundTrip(t *testing.T) {
	g, err := NewLastGeometry(menLast())
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(3))
	for i := 0; i < 500; i++ {
		s, w := 0.02+rng.Float64()*0.9, rng.Float64()
		p := g.mf.at(s, w)
		s2, w2, _ := g.meanFormParams(p)
		if math.Abs(s-s2) > 1e-4 || math.Abs(w-w2) > 1e-4 {
			t.Fatalf("(%v,%v) → %v → (%v,%v)", s, w, p, s2, w2)
		}
	}
}

func TestCursorMatchesMappings(t *testing.T) {
	g, err := NewLastGeometry(menLast())
	if err != nil {
		t.Fatal(err)
	}
	c := g.NewCursor()
	rng := rand.New(rand.NewSource(11))
	p := models.Pt(50, 30)
	for i := 0; i < 400; i++ {
		// A random walk, like the points of an outline, with jumps.
		p = models.Pt(p.X+rng.Float64()*6-3, p.Y+rng.Float64()*6-3)
		if i%50 == 0 {
			p = models.Pt(rng.Float64()*260, rng.Float64()*90)
		}
		if d := dist(c.Lateral(p), g.ToLateral(p)); d > 1e-3 {
			t.Fatalf("lateral differs by %v at %v", d, p)
		}
		if d := dist(c.Top(p, true), g.ToTop(p, true)); d > 1e-3 {
			t.Fatalf("top differs by %v at %v", d, p)
		}
		q1, ok1 := c.Back(p, false)
		q2, ok2 := g.ToBack(p, false)
		if ok1 != ok2 || dist(q1, q2) > 1e-3 {
			t.Fatalf("back differs at %v", p)
		}
	}
}

func BenchmarkNewLastGeometry(b *testing.B) {
	l := menLast()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := NewLastGeometry(l); err != nil {
			b.Fatal(err)
		}
	}
}
