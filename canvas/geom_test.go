package canvas

import (
	"math"
	"math/rand"
	"testing"
	"testing/quick"

	"cordwain/models"
)

func near(a, b, eps float64) bool { return math.Abs(a-b) <= eps }

// quarter is a cubic approximating a quarter circle of radius r.
func quarter(r float64) Cubic {
	k := 0.5522847498 * r
	return Cubic{models.Pt(r, 0), models.Pt(r, k), models.Pt(k, r), models.Pt(0, r)}
}

func TestCubicBasics(t *testing.T) {
	c := Cubic{models.Pt(0, 0), models.Pt(10, 20), models.Pt(30, -10), models.Pt(40, 5)}
	t.Run("ends", func(t *testing.T) {
		if c.At(0) != c[0] || c.At(1) != c[3] {
			t.Fatalf("At(0)=%v At(1)=%v", c.At(0), c.At(1))
		}
	})
	t.Run("split matches", func(t *testing.T) {
		f := func(tt, u uint16) bool {
			ts := float64(tt) / 65535
			uu := float64(u) / 65535
			a, b := c.Split(ts)
			want := c.At(ts * uu)
			if dist(a.At(uu), want) > 1e-9 {
				return false
			}
			want = c.At(ts + (1-ts)*uu)
			return dist(b.At(uu), want) < 1e-9
		}
		if err := quick.Check(f, nil); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("bounds hold samples and are tight", func(t *testing.T) {
		r := c.Bounds()
		var s Rect
		for i := 0; i <= 1000; i++ {
			p := c.At(float64(i) / 1000)
			if !r.Inset(-1e-9).Contains(p) {
				t.Fatalf("sample %v outside %v", p, r)
			}
			s = s.Extend(p)
		}
		if !near(r.Min.Y, s.Min.Y, 1e-3) || !near(r.Max.Y, s.Max.Y, 1e-3) {
			t.Fatalf("bounds %v not tight vs %v", r, s)
		}
	})
	t.Run("quarter circle length", func(t *testing.T) {
		l := quarter(50).Length(0.01)
		if !near(l, math.Pi*25, 0.05) {
			t.Fatalf("length %v, want %v", l, math.Pi*25)
		}
	})
}

func TestFlattenWithinTolerance(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 200; i++ {
		var c Cubic
		for k := range c {
			c[k] = models.Pt(rng.Float64()*200-100, rng.Float64()*200-100)
		}
		for _, tol := range []float64{0.5, 0.1, 0.02} {
			pts := c.Flatten(tol, []Point{c[0]})
			if pts[len(pts)-1] != c[3] {
				t.Fatal("flatten does not end at the end point")
			}
			for k := 0; k <= 200; k++ {
				p := c.At(float64(k) / 200)
				if d := DistToPolyline(pts, p, false); d > tol*1.01 {
					t.Fatalf("curve point %v is %.4f from polyline, tol %v", p, d, tol)
				}
			}
		}
	}
}

func circlePath(cx, cy, r float64) models.Path {
	k := 0.5522847498 * r
	return models.Path{Closed: true, Points: []Point{
		models.Pt(cx+r, cy), models.Pt(cx+r, cy+k), models.Pt(cx+k, cy+r), models.Pt(cx, cy+r),
		models.Pt(cx-k, cy+r), models.Pt(cx-r, cy+k), models.Pt(cx-r, cy),
		models.Pt(cx-r, cy-k), models.Pt(cx-k, cy-r), models.Pt(cx, cy-r),
		models.Pt(cx+k, cy-r), models.Pt(cx+r, cy-k), models.Pt(cx+r, cy),
	}}
}

func TestPathMeasures(t *testing.T) {
	c := circlePath(10, 20, 30)
	ring := FlattenPath(c, 0.01)
	tests := []struct {
		name      string
		got, want float64
		eps       float64
	}{
		{"area", SignedArea(ring), math.Pi * 900, 3},
		{"perimeter", Perimeter(ring, true), 2 * math.Pi * 30, 0.1},
		{"length", PathLength(c, 0.01), 2 * math.Pi * 30, 0.1},
		{"bounds minx", PathBounds(c).Min.X, -20, 1e-6},
		{"bounds maxy", PathBounds(c).Max.Y, 50, 1e-6},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !near(tc.got, tc.want, tc.eps) {
				t.Fatalf("got %v, want %v", tc.got, tc.want)
			}
		})
	}
	t.Run("nearest", func(t *testing.T) {
		n, ok := NearestOnPath(c, models.Pt(10, 100))
		if !ok || !near(n.Dist, 50, 0.01) || !near(n.Point.Y, 50, 0.01) {
			t.Fatalf("nearest %+v", n)
		}
	})
	t.Run("split", func(t *testing.T) {
		a, b, err := SplitPath(c, 1, 0.5)
		if err != nil {
			t.Fatal(err)
		}
		if !near(PathLength(a, 0.01)+PathLength(b, 0.01), PathLength(c, 0.01), 0.05) {
			t.Fatal("split changes length")
		}
		if _, _, err := SplitPath(c, 9, 0.5); err == nil {
			t.Fatal("want an error for a bad segment")
		}
	})
	t.Run("check path", func(t *testing.T) {
		bad := []models.Path{
			{Points: []Point{models.Pt(0, 0)}},
			{Points: []Point{models.Pt(0, 0), models.Pt(1, 1), models.Pt(2, 2), models.Pt(math.NaN(), 3)}},
			{Closed: true, Points: []Point{models.Pt(0, 0), models.Pt(1, 1), models.Pt(2, 2), models.Pt(3, 3)}},
		}
		for i, p := range bad {
			if CheckPath(p) == nil {
				t.Errorf("path %d accepted", i)
			}
		}
		if err := CheckPath(c); err != nil {
			t.Fatal(err)
		}
	})
}

func TestPolygonPredicates(t *testing.T) {
	square := []Point{models.Pt(0, 0), models.Pt(10, 0), models.Pt(10, 10), models.Pt(0, 10)}
	bowtie := []Point{models.Pt(0, 0), models.Pt(10, 10), models.Pt(10, 0), models.Pt(0, 10)}
	tests := []struct {
		name   string
		pts    []Point
		closed bool
		want   bool
	}{
		{"square", square, true, false},
		{"bowtie", bowtie, true, true},
		{"open zigzag", []Point{models.Pt(0, 0), models.Pt(5, 5), models.Pt(10, 0), models.Pt(15, 5)}, false, false},
		{"open crossing", []Point{models.Pt(0, 0), models.Pt(10, 0), models.Pt(10, 5), models.Pt(5, -5)}, false, true},
		{"fold back", []Point{models.Pt(0, 0), models.Pt(10, 0), models.Pt(5, 0)}, false, true},
		{"duplicate points", []Point{models.Pt(0, 0), models.Pt(10, 0), models.Pt(10, 0), models.Pt(10, 10), models.Pt(0, 10)}, true, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := SelfIntersects(tc.pts, tc.closed); got != tc.want {
				t.Fatalf("SelfIntersects = %v, want %v", got, tc.want)
			}
		})
	}
	pip := []struct {
		q    Point
		want bool
	}{{models.Pt(5, 5), true}, {models.Pt(-1, 5), false}, {models.Pt(5, 11), false}, {models.Pt(9.9, 0.1), true}}
	for _, tc := range pip {
		if got := PointInPolygon(square, tc.q); got != tc.want {
			t.Errorf("PointInPolygon(%v) = %v", tc.q, got)
		}
	}
	if SignedArea(square) != 100 || SignedArea([]Point{square[3], square[2], square[1], square[0]}) != -100 {
		t.Fatal("signed area of the square")
	}
}

func TestOffsetSquare(t *testing.T) {
	square := []Point{models.Pt(0, 0), models.Pt(20, 0), models.Pt(20, 20), models.Pt(0, 20)}
	cw := []Point{square[3], square[2], square[1], square[0]}
	tests := []struct {
		name string
		ring []Point
		d    float64
		join JoinStyle
		area float64
		eps  float64
	}{
		{"miter out", square, 5, JoinMiter, 900, 1e-6},
		{"miter out cw input", cw, 5, JoinMiter, 900, 1e-6},
		{"bevel out", square, 5, JoinBevel, 900 - 4*12.5, 1e-6},
		{"round out", square, 5, JoinRound, 400 + 4*20*5 + math.Pi*25, 0.3},
		{"inset", square, -5, JoinMiter, 100, 1e-6},
		{"inset round", square, -5, JoinRound, 100, 1e-6},
		{"zero", square, 0, JoinMiter, 400, 1e-9},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := OffsetPolygon(tc.ring, tc.d, OffsetOptions{Join: tc.join, Tolerance: 0.01})
			if err != nil {
				t.Fatal(err)
			}
			if a := SignedArea(out); !near(a, tc.area, tc.eps) {
				t.Fatalf("area %v, want %v", a, tc.area)
			}
		})
	}
	t.Run("collapse is an error", func(t *testing.T) {
		if _, err := OffsetPolygon(square, -11, OffsetOptions{}); err == nil {
			t.Fatal("want an error when the inset collapses")
		}
	})
	t.Run("degenerate", func(t *testing.T) {
		if _, err := OffsetPolygon(square[:2], 1, OffsetOptions{}); err == nil {
			t.Fatal("want an error")
		}
		if _, err := OffsetPolygon([]Point{models.Pt(0, 0), models.Pt(1, 1), models.Pt(2, 2)}, 1, OffsetOptions{}); err == nil {
			t.Fatal("want an error for zero area")
		}
	})
	t.Run("variable per edge", func(t *testing.T) {
		// Edges: bottom 16 (lasting), right 8, top 4, left 1.
		out, err := OffsetPolygonVar(square, []float64{16, 8, 4, 1}, OffsetOptions{Join: JoinMiter, MiterLimit: 10})
		if err != nil {
			t.Fatal(err)
		}
		want := (20.0 + 8 + 1) * (20 + 16 + 4)
		if a := SignedArea(out); !near(a, want, 1e-6) {
			t.Fatalf("area %v, want %v", a, want)
		}
	})
	t.Run("mixed signs refused", func(t *testing.T) {
		if _, err := OffsetPolygonVar(square, []float64{1, -1, 1, 1}, OffsetOptions{}); err == nil {
			t.Fatal("want an error")
		}
	})
}

// blob is a random smooth star-shaped ring, with dents so it has concave
// stretches like a vamp or a quarter.
func blob(rng *rand.Rand) []Point {
	n := 5 + rng.Intn(4)
	var amp, phase [8]float64
	for k := 0; k < n; k++ {
		amp[k] = rng.Float64() * 0.25 / float64(k+1)
		phase[k] = rng.Float64() * 2 * math.Pi
	}
	r0 := 30 + rng.Float64()*60
	ring := make([]Point, 180)
	for i := range ring {
		th := 2 * math.Pi * float64(i) / float64(len(ring))
		r := 1.0
		for k := 0; k < n; k++ {
			r += amp[k] * math.Sin(float64(k+1)*th+phase[k])
		}
		ring[i] = models.Pt(r0*r*math.Cos(th)*1.6, r0*r*math.Sin(th))
	}
	return ring
}

func TestOffsetProperties(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	for i := 0; i < 60; i++ {
		ring := blob(rng)
		for _, d := range []float64{2, 8, 16, -1.5, -4} {
			for _, join := range []JoinStyle{JoinMiter, JoinRound} {
				out, err := OffsetPolygon(ring, d, OffsetOptions{Join: join})
				if err != nil {
					t.Fatalf("blob %d d=%v: %v", i, d, err)
				}
				if SelfIntersects(out, true) {
					t.Fatalf("blob %d d=%v join %v: offset self-intersects", i, d, join)
				}
				for _, p := range out {
					if got := DistToPolyline(ring, p, true); got < math.Abs(d)-1e-6 {
						t.Fatalf("blob %d d=%v: point %v only %.4f from the outline", i, d, p, got)
					}
				}
				grows := SignedArea(out) > SignedArea(ring)
				if grows != (d > 0) {
					t.Fatalf("blob %d d=%v: area %v vs %v", i, d, SignedArea(out), SignedArea(ring))
				}
			}
		}
	}
}

func TestOffsetConcaveL(t *testing.T) {
	l := []Point{models.Pt(0, 0), models.Pt(40, 0), models.Pt(40, 10), models.Pt(10, 10), models.Pt(10, 40), models.Pt(0, 40)}
	for _, d := range []float64{3, -3, 8} {
		out, err := OffsetPolygon(l, d, OffsetOptions{Join: JoinMiter})
		if err != nil {
			t.Fatal(err)
		}
		if SelfIntersects(out, true) {
			t.Fatalf("d=%v: self-intersects: %v", d, out)
		}
		// Exact area of a mitred L offset: (40+2d)(10+2d) + (10+2d)(30) .
		want := (40+2*d)*(10+2*d) + (10+2*d)*30
		if a := SignedArea(out); !near(a, want, 1e-6) {
			t.Fatalf("d=%v area %v, want %v", d, a, want)
		}
	}
}

func TestPieceOutlines(t *testing.T) {
	meta := models.Meta{LastingAllowance: 16, LapAllowance: 8, FoldAllowance: 4, SeamAllowance: 1.5, StitchMargin: 2, DoubleRowGauge: 2}
	// A 60×30 rectangle built of four straight Bézier segments.
	seg := func(a, b Point) []Point { return []Point{lerp(a, b, 1.0/3), lerp(a, b, 2.0/3), b} }
	c := []Point{models.Pt(0, 0), models.Pt(60, 0), models.Pt(60, 30), models.Pt(0, 30)}
	pts := []Point{c[0]}
	for i := range c {
		pts = append(pts, seg(c[i], c[(i+1)%4])...)
	}
	p := models.Piece{Name: "test", Outline: models.Path{Points: pts, Closed: true},
		Edges:      []models.AllowanceKind{models.AllowLasting, models.AllowLap, models.AllowFold},
		StitchRows: 2}
	t.Run("cut", func(t *testing.T) {
		cut, err := CutOutline(&p, meta, 0.1)
		if err != nil {
			t.Fatal(err)
		}
		want := (60.0 + 8) * (30 + 16 + 4)
		if a := SignedArea(cut); !near(a, want, 1e-6) {
			t.Fatalf("cut area %v, want %v", a, want)
		}
	})
	t.Run("stitch rows follow fold and raw edges", func(t *testing.T) {
		rows, err := StitchLines(&p, meta, 0.1)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 2 {
			t.Fatalf("%d rows, want 2 (one run each)", len(rows))
		}
		for r, row := range rows {
			want := 2.0 + 2*float64(r)
			for _, q := range row {
				// Every point is on the inset ring and away from the
				// lasting and lap edges.
				if q.Y < want-1e-6 || q.X > 60-want+1e-6 {
					t.Fatalf("row %d point %v lies along an unstitched edge", r, q)
				}
			}
			if l := Perimeter(row, false); !near(l, (30-2*want)+(60-2*want), 1e-6) {
				t.Fatalf("row %d length %v", r, l)
			}
		}
	})
	t.Run("stitch length", func(t *testing.T) {
		if l, err := StitchLength(8); err != nil || !near(l, 3.175, 1e-9) {
			t.Fatalf("StitchLength(8) = %v, %v", l, err)
		}
		if _, err := StitchLength(0); err == nil {
			t.Fatal("want an error for 0 SPI")
		}
	})
	t.Run("open outline refused", func(t *testing.T) {
		q := p
		q.Outline.Closed = false
		if _, err := CutOutline(&q, meta, 0.1); err == nil {
			t.Fatal("want an error")
		}
	})
}
