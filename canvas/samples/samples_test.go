package samples

import (
	"errors"
	"reflect"
	"testing"

	"cordwain/canvas"
	"cordwain/models"
)

func TestSamplesValidate(t *testing.T) {
	for _, d := range All() {
		t.Run(d.Meta.Category, func(t *testing.T) {
			if err := models.Validate(d); err != nil {
				t.Fatal(err)
			}
			if err := canvas.ValidateLast(d.Last); err != nil {
				t.Fatal(err)
			}
			if len(d.Pieces) < 6 || len(d.Colourways) < 2 || len(d.StyleLines) == 0 || len(d.Marks) == 0 {
				t.Fatalf("%d pieces, %d colourways, %d lines, %d marks", len(d.Pieces), len(d.Colourways), len(d.StyleLines), len(d.Marks))
			}
			mats := map[models.ID]bool{}
			for _, m := range d.Materials {
				mats[m.ID] = true
				if m.Supplier == "" || m.Unit == "" {
					t.Errorf("material %s lacks supplier or unit", m.Name)
				}
			}
			for _, p := range d.Pieces {
				if !mats[p.Material] {
					t.Errorf("piece %s: material %s missing", p.Name, p.Material)
				}
			}
			for _, c := range d.Colourways {
				for id := range c.Parts {
					found := false
					for _, p := range d.Pieces {
						found = found || p.ID == id
					}
					if !found {
						t.Errorf("colourway %s names unknown piece %s", c.Name, id)
					}
				}
			}
		})
	}
}

func TestSamplesGeometry(t *testing.T) {
	for _, d := range All() {
		t.Run(d.Meta.Category, func(t *testing.T) {
			g, err := canvas.NewLastGeometry(d.Last)
			if err != nil {
				t.Fatal(err)
			}
			mf := canvas.FlattenPath(g.MeanForm, 0.1)
			mfBox := canvas.PathBounds(g.MeanForm).Inset(-12)
			pieces := map[models.ID][]models.Point{}
			for _, p := range d.Pieces {
				net, err := canvas.NetOutline(&p, 0.1)
				if err != nil {
					t.Fatalf("%s: %v", p.Name, err)
				}
				if canvas.SelfIntersects(net, true) {
					t.Errorf("%s outline self-intersects", p.Name)
				}
				if _, err := canvas.CutOutline(&p, d.Meta, 0.1); err != nil {
					t.Errorf("%s: %v", p.Name, err)
				}
				if _, err := canvas.StitchLines(&p, d.Meta, 0.1); err != nil {
					t.Errorf("%s: %v", p.Name, err)
				}
				// On the mean form: inside its box (tongues may stand
				// proud of the top line) and mostly inside the form.
				in := 0
				for _, q := range net {
					if !mfBox.Contains(q) {
						t.Fatalf("%s point %v is off the mean form", p.Name, q)
					}
					if canvas.PointInPolygon(mf, q) || canvas.DistToPolyline(mf, q, true) < 3 {
						in++
					}
				}
				if p.Role != "tongue" && float64(in) < 0.9*float64(len(net)) {
					t.Errorf("%s: only %d of %d outline points on the mean form", p.Name, in, len(net))
				}
				pieces[p.ID] = net
			}
			for _, m := range d.Marks {
				net := pieces[m.Piece]
				switch m.Kind {
				case models.MarkNotch:
					if dd := canvas.DistToPolyline(net, m.At, true); dd > 0.3 {
						t.Errorf("notch %s is %.2f mm off its piece's edge", m.ID, dd)
					}
				default:
					if !canvas.PointInPolygon(net, m.At) {
						t.Errorf("%s mark %s lies outside its piece", m.Kind, m.ID)
					}
				}
			}
			run, err := canvas.GradeRun(d)
			if err != nil {
				t.Fatal(err)
			}
			for _, gd := range run {
				if err := models.Validate(gd); err != nil {
					t.Fatalf("graded to %v: %v", gd.Last.BottomLength, err)
				}
			}
		})
	}
}

func TestSamplesFreshAndDeterministic(t *testing.T) {
	a, b := All(), All()
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two calls differ")
	}
	if a[0].ID != DerbyID || a[1].ID != PumpID || a[2].ID != SneakerID {
		t.Fatal("design IDs changed")
	}
	a[0].Pieces[0].Outline.Points[0].X = -99
	a[0].Meta.SizeRun[0] = 1
	c := All()
	if c[0].Pieces[0].Outline.Points[0].X == -99 || c[0].Meta.SizeRun[0] == 1 {
		t.Fatal("All shares memory between calls")
	}
}

func TestSamplesDraw(t *testing.T) {
	for _, d := range All() {
		for _, v := range canvas.Views {
			for _, cw := range []models.ID{"", d.Colourways[0].ID, d.Colourways[1].ID} {
				r := canvas.NewRecorder(297, 210)
				if _, err := canvas.DrawDesign(r, d, canvas.DrawOptions{View: v, Colourway: cw, Grid: true, ShowAllowances: true}); err != nil {
					t.Fatalf("%s %s: %v", d.Meta.Category, v, err)
				}
				if r.Count(canvas.RecFill) < 2 {
					t.Fatalf("%s %s drew %d fills", d.Meta.Category, v, r.Count(canvas.RecFill))
				}
			}
		}
	}
	var fe canvas.FieldErrors
	d := Derby()
	d.Last.BallGirth = 500
	_, err := canvas.DrawDesign(canvas.NewRecorder(100, 100), d, canvas.DrawOptions{})
	if !errors.As(err, &fe) {
		t.Fatalf("want field errors for a bad last, got %v", err)
	}
}
