package packaging

import (
	"fmt"
	"image/color"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"cordwain/canvas"
	"cordwain/canvas/paint"
	"cordwain/canvas/samples"
	"cordwain/models"
)

// No text of any page comes closer than 10 mm to the paper's edge, where
// printers clip (fault 8 of issue 10: the 1:1 pages' "check after
// printing" note ended 4.2 mm from the edge, the pieces pages' legend ran
// off it).
func TestPDFTextInsidePrintableArea(t *testing.T) {
	word := regexp.MustCompile(`<word xMin="([0-9.]+)" yMin="([0-9.]+)" xMax="([0-9.]+)" yMax="([0-9.]+)">([^<]*)</word>`)
	const edge = 10 / 25.4 * 72 // pt
	for _, d := range samples.All() {
		for _, lang := range []Lang{LangBoth} {
			o := testOptions()
			o.Lang = lang
			path := writeDesignPDF(t, d, o)
			out := run(t, "pdftotext", "-bbox", path, "-")
			pages := strings.Split(out, "<page ")
			for pi, pg := range pages[1:] {
				for _, m := range word.FindAllStringSubmatch(pg, -1) {
					x0, _ := strconv.ParseFloat(m[1], 64)
					y0, _ := strconv.ParseFloat(m[2], 64)
					x1, _ := strconv.ParseFloat(m[3], 64)
					y1, _ := strconv.ParseFloat(m[4], 64)
					if x0 < edge || y0 < edge || x1 > 595.28-edge || y1 > 841.89-edge {
						t.Errorf("%s %s page %d: %q at x %.0f-%.0f pt, y %.0f-%.0f pt is within 10 mm of the edge", d.Meta.StyleNo, lang, pi+1, m[5], x0, x1, y0, y1)
					}
				}
			}
		}
	}
}

// Half patterns say so on the page, and every count is per shoe with the
// pair derived (faults 1 and 3).
func TestPDFFoldAndQuantities(t *testing.T) {
	path := writeDesignPDF(t, samples.Derby(), Options{Lang: LangEN})
	text := run(t, "pdftotext", "-layout", path, "-")
	for _, want := range []string{"Half pattern: cut on the fold", "fold", "×2/shoe (4/pair)", "×1/shoe (2/pair)", "Quantities per shoe"} {
		if !strings.Contains(text, want) {
			t.Errorf("tech pack lacks %q", want)
		}
	}
	path = writeDesignPDF(t, samples.Derby(), Options{Lang: LangEN, Unfold: true})
	if text := run(t, "pdftotext", "-layout", path, "-"); !strings.Contains(text, "Whole piece (half pattern unfolded)") || strings.Contains(text, "cut on the fold") {
		t.Error("unfolded tech pack: want whole pieces and no fold")
	}
}

// Fault 9 of issue 10: a zh tech pack translates the enumerations and
// common words (colour, construction, material kind) and says which free
// text it left as typed.
func TestPDFChineseEnumerations(t *testing.T) {
	path := writeDesignPDF(t, samples.Derby(), Options{Lang: LangZH})
	text := run(t, "pdftotext", "-layout", path, "-")
	for _, want := range []string{"黑色", "胶粘", "皮革", "自由文本", "按原文照录"} {
		if !strings.Contains(text, want) {
			t.Errorf("zh tech pack lacks %q", want)
		}
	}
	for _, bad := range []string{" cemented", "(leather)", "Black /", "Natural"} {
		if strings.Contains(text, bad) {
			t.Errorf("zh tech pack still has %q", bad)
		}
	}
}

// The pump's quarter lining carries a style-number stamp: the grain arrow
// keeps clear of it on the pieces page (fault 8 of issue 10: the stamp
// sat on the arrow).
func TestGrainArrowClearOfStamp(t *testing.T) {
	d := samples.Pump()
	ps, err := piecesAt(d, d.Meta.BaseSize, false)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, g := range ps {
		for _, m := range g.marks {
			if m.Kind != models.MarkText {
				continue
			}
			found = true
			for _, s := range []float64{1, 0.5} { // 1:1 page, a pieces-page scale
				at, room := labelSpot(g, s)
				b := canvas.PolylineBounds(g.net)
				gl := math.Min(math.Min(b.Dx(), b.Dy())*0.35, math.Max(room*0.9, 4))
				sn, cs := math.Sincos(g.piece.GrainAngle * math.Pi / 180)
				half := paint.TextWidthMM(m.Text, smallSize) / 2 / s
				// The arrow's nearest approach to the stamp's centre.
				arrow := []models.Point{models.Pt(at.X-cs*gl, at.Y-sn*gl), models.Pt(at.X+cs*gl, at.Y+sn*gl)}
				if d := canvas.DistToPolyline(arrow, m.At, false); d < half {
					t.Errorf("%s at scale %g: grain arrow passes %.1f mm from the stamp %q (%.1f mm half-wide)", g.piece.Name, s, d, m.Text, half)
				}
			}
		}
	}
	if !found {
		t.Fatal("the pump has no stamp to test with")
	}
}

// Small pieces fill the room beside big ones, turned a quarter if that is
// what fits, before a new 1:1 page is started (fault 8 of issue 10: the
// runner's tongue had a page to itself, half empty, while it fit beside
// the vamp turned).
func TestPatternPagesPacked(t *testing.T) {
	for _, tc := range []struct {
		d     *models.Design
		tiles int
	}{{samples.Derby(), 4}, {samples.Pump(), 3}, {samples.Sneaker(), 5}} {
		pages, err := Pages(tc.d, Options{})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, p := range pages {
			if strings.Contains(p.Title, "1:1 Pattern") {
				n++
			}
		}
		if n > tc.tiles {
			t.Errorf("%s: %d 1:1 pages, want at most %d", tc.d.Meta.StyleNo, n, tc.tiles)
		}
	}
}

// Every page carries a QR code naming the style, the exact version and
// the page, read back by an independent decoder (zbarimg).
func TestPageQRCodes(t *testing.T) {
	needTool(t, "zbarimg")
	d := samples.Pump()
	o := testOptions()
	o.VersionID = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90"
	pages, err := Pages(d, o)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, n := range []int{len(pages) - 1} {
		path := filepath.Join(dir, fmt.Sprintf("p%d.png", n))
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := WritePagePNG(f, pages, n, 200); err != nil {
			t.Fatal(err)
		}
		f.Close()
		out, err := exec.Command("zbarimg", "--raw", "-q", path).Output()
		if err != nil {
			t.Fatalf("page %d: zbarimg found no code: %v", n+1, err)
		}
		if got, want := strings.TrimSpace(string(out)), pageQRText(d.Meta.StyleNo, o.VersionID, n+1, len(pages)); got != want {
			t.Errorf("page %d: QR says %q, want %q", n+1, got, want)
		}
	}
}

// On the 1:1 pages every grain arrow lies inside its piece (the runner's
// half vamp had its arrow pushed across the fold, beside the label).
func TestGrainArrowsInsidePieces(t *testing.T) {
	for _, d := range samples.All() {
		pages, err := Pages(d, Options{})
		if err != nil {
			t.Fatal(err)
		}
		for n, pg := range pages {
			if !strings.Contains(pg.Title, "1:1") {
				continue
			}
			rec := canvas.NewRecorder(pg.W, pg.H)
			if err := DrawPage(rec, pages, n); err != nil {
				t.Fatal(err)
			}
			// Cut lines (ink, 0.3 mm) and grain arrows (accent) as drawn.
			var cuts [][]models.Point
			var arrows [][]models.Point
			var stroke color.Color
			width := 0.0
			for _, op := range rec.Ops {
				switch op.Kind {
				case canvas.RecStrokeColor:
					stroke = op.Color
				case canvas.RecLineWidth:
					width = op.Nums[0]
				case canvas.RecStroke:
					pts := pathPoints(op.Path)
					switch {
					case stroke == ink && width == 0.3 && len(pts) > 2:
						cuts = append(cuts, pts)
					case stroke == accent && width == 0.25 && len(pts) == 2:
						arrows = append(arrows, pts)
					}
				}
			}
			for _, a := range arrows {
				inSome := false
				for _, c := range cuts {
					if canvas.PointInPolygon(c, a[0]) && canvas.PointInPolygon(c, a[1]) {
						inSome = true
					}
				}
				if !inSome && len(cuts) > 0 {
					t.Errorf("%s page %d: grain arrow %v leaves its piece", d.Meta.StyleNo, n+1, a)
				}
			}
		}
	}
}
