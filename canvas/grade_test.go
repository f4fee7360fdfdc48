package canvas

import (
	"math"
	"math/rand"
	"reflect"
	"testing"

	"cordwain/models"
)

func gradeTestDesign() *models.Design {
	seg := func(a, b Point) []Point { return []Point{lerp(a, b, 1.0/3), lerp(a, b, 2.0/3), b} }
	c := []Point{models.Pt(150, 0), models.Pt(260, 0), models.Pt(200, 60), models.Pt(160, 70)}
	pts := []Point{c[0]}
	for i := range c {
		pts = append(pts, seg(c[i], c[(i+1)%4])...)
	}
	return &models.Design{
		ID:         "d1",
		Meta:       models.Meta{BaseSize: 255, SizeRun: []float64{245, 250, 255, 260, 265}, SizeSystem: models.SizeEU, Gender: models.Men},
		Last:       menLast(),
		StyleLines: []models.StyleLine{{ID: "s1", Path: models.Path{Points: pts[:4]}}},
		Pieces:     []models.Piece{{ID: "p1", Name: "vamp", Outline: models.Path{Points: pts, Closed: true}, Edges: []models.AllowanceKind{models.AllowLasting}}},
		Marks:      []models.Mark{{ID: "m1", Piece: "p1", Kind: models.MarkPunch, At: models.Pt(200, 30), Size: 3}},
		Colourways: []models.Colourway{{ID: "c1", Parts: map[models.ID]models.ColourwayPart{"p1": {Colour: "black", Hex: "#000000"}}}},
	}
}

func TestGradeIdentityAtBase(t *testing.T) {
	d := gradeTestDesign()
	g, err := GradeDesign(d, d.Meta.BaseSize)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(g, d) {
		t.Fatal("grading to the base size changed the design")
	}
	g.Pieces[0].Outline.Points[0].X = -1
	g.Colourways[0].Parts["p1"] = models.ColourwayPart{Colour: "red"}
	if d.Pieces[0].Outline.Points[0].X == -1 || d.Colourways[0].Parts["p1"].Colour == "red" {
		t.Fatal("graded copy shares memory with the original")
	}
}

func TestGradeProperties(t *testing.T) {
	for _, sys := range []models.SizeSystem{models.SizeEU, models.SizeUK, models.SizeCN} {
		t.Run(string(sys), func(t *testing.T) {
			d := gradeTestDesign()
			d.Meta.SizeSystem = sys
			rng := rand.New(rand.NewSource(5))
			base, err := GradeDesign(d, 255)
			if err != nil {
				t.Fatal(err)
			}
			baseArea := math.Abs(SignedArea(FlattenPath(base.Pieces[0].Outline, 0.1)))
			for i := 0; i < 100; i++ {
				a := 230 + rng.Float64()*50
				b := a + 1 + rng.Float64()*10
				ga, err := GradeDesign(d, a)
				if err != nil {
					t.Fatal(err)
				}
				gb, err := GradeDesign(d, b)
				if err != nil {
					t.Fatal(err)
				}
				la, lb := ga.Last, gb.Last
				grows := []struct {
					name   string
					va, vb float64
				}{
					{"bottom length", la.BottomLength, lb.BottomLength},
					{"stick length", la.StickLength, lb.StickLength},
					{"ball girth", la.BallGirth, lb.BallGirth},
					{"instep girth", la.InstepGirth, lb.InstepGirth},
					{"heel girth", la.HeelGirth, lb.HeelGirth},
					{"ball width", la.BallWidth, lb.BallWidth},
					{"back height", la.BackHeight, lb.BackHeight},
					{"piece area", math.Abs(SignedArea(FlattenPath(ga.Pieces[0].Outline, 0.1))), math.Abs(SignedArea(FlattenPath(gb.Pieces[0].Outline, 0.1)))},
				}
				for _, g := range grows {
					if !(g.vb > g.va) {
						t.Fatalf("%s not monotonic: %v at %v mm, %v at %v mm", g.name, g.va, a, g.vb, b)
					}
				}
				if la.HeelHeight != d.Last.HeelHeight || lb.ToeSpring != d.Last.ToeSpring || la.ToeShape != d.Last.ToeShape {
					t.Fatal("held dimensions changed")
				}
				if ga.Marks[0].Size != 3 {
					t.Fatal("hole size graded")
				}
			}
			if baseArea <= 0 {
				t.Fatal("no area")
			}
		})
	}
	t.Run("check increments", func(t *testing.T) {
		// One EU size is one Paris point of last: grading a foot
		// 6.667 mm longer grows the last 6.667 mm, the ball girth 5 mm
		// and the ball width 2 mm (DOMAIN.md's EU increments).
		d := gradeTestDesign()
		g, err := GradeDesign(d, 255+ParisPoint)
		if err != nil {
			t.Fatal(err)
		}
		if dl := g.Last.BottomLength - d.Last.BottomLength; math.Abs(dl-6.667) > 0.01 {
			t.Fatalf("EU length step %v", dl)
		}
		if dg := g.Last.BallGirth - d.Last.BallGirth; math.Abs(dg-5) > 1e-9 {
			t.Fatalf("EU girth step %v", dg)
		}
		if dw := g.Last.BallWidth - d.Last.BallWidth; math.Abs(dw-2) > 1e-9 {
			t.Fatalf("ball width step %v", dw)
		}
	})
	t.Run("last grows with the foot in every system", func(t *testing.T) {
		for _, sys := range SizeSystems {
			d := gradeTestDesign()
			d.Meta.SizeSystem = sys
			g, err := GradeDesign(d, 285)
			if err != nil {
				t.Fatal(err)
			}
			if dl := g.Last.BottomLength - d.Last.BottomLength; math.Abs(dl-30) > 1e-9 {
				t.Errorf("%s: a foot 30 mm longer grows the last %v mm", sys, dl)
			}
			if l := DesignLastLength(d, 285); math.Abs(l-g.Last.BottomLength) > 1e-9 {
				t.Errorf("%s: DesignLastLength %v, graded last %v", sys, l, g.Last.BottomLength)
			}
		}
	})
	t.Run("bad target", func(t *testing.T) {
		d := gradeTestDesign()
		for _, s := range []float64{0, -5, math.NaN(), 900} {
			if _, err := GradeDesign(d, s); err == nil {
				t.Fatalf("size %v accepted", s)
			}
		}
	})
	t.Run("run", func(t *testing.T) {
		d := gradeTestDesign()
		run, err := GradeRun(d)
		if err != nil || len(run) != len(d.Meta.SizeRun) {
			t.Fatalf("%d designs, %v", len(run), err)
		}
	})
}
