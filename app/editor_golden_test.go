package app

import (
	"flag"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"cordwain/canvas"
	"cordwain/canvas/samples"
	"cordwain/models"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden images in testdata")

// goldenTolerance is the share of pixels that may differ (by more than a
// little anti-aliasing) from the golden image: fonts and rasteriser
// rounding move a few edge pixels between machines.
const goldenTolerance = 0.005

// The editor as the window shows it — the derby on its mean form, the vamp
// selected with its knots and handles, a kept dimension, the rulers —
// against testdata/editor-selection.png. Run with -update to rewrite it
// after a deliberate change, and look at the image.
func TestEditorGolden(t *testing.T) {
	test.NewTempApp(t)
	e := NewEditor()
	w := test.NewTempWindow(t, e)
	w.SetPadded(false)
	w.Resize(fyne.NewSize(900, 560))
	o := e.Options()
	o.View, o.Grid, o.ShowAllowances = canvas.ViewMeanForm, true, true
	d := samples.Derby()
	o.Colourway = d.Colourways[0].ID
	e.SetOptions(o)
	e.SetDesign(d)
	vamp := findPiece(d, "Vamp")
	e.Select(Selection{Elems: []models.ID{vamp.ID}, Points: []canvas.PointRef{{Elem: vamp.ID, Index: 6}}})
	g, _ := canvas.NewLastGeometry(d.Last)
	e.AddDimension(Dimension{A: g.Points[canvas.KeyHeel], B: g.Points[canvas.KeyToe],
		Label: "270.0 mm"})
	img := e.Frame(900, 560).(*image.RGBA)
	path := filepath.Join("testdata", "editor-selection.png")
	if *updateGolden {
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := png.Encode(f, img); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	defer f.Close()
	want, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if want.Bounds() != img.Bounds() {
		t.Fatalf("golden is %v, frame %v", want.Bounds(), img.Bounds())
	}
	differ := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r1, g1, b1, _ := img.At(x, y).RGBA()
			r2, g2, b2, _ := want.At(x, y).RGBA()
			if absDiff(r1, r2) > 0x2000 || absDiff(g1, g2) > 0x2000 || absDiff(b1, b2) > 0x2000 {
				differ++
			}
		}
	}
	if share := float64(differ) / float64(b.Dx()*b.Dy()); share > goldenTolerance {
		t.Fatalf("%.2f%% of the pixels differ from %s (tolerance %.1f%%); look at the frame and run -update if intended",
			share*100, path, goldenTolerance*100)
	}
}

func absDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}
