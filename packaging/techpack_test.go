package packaging

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"image/png"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"crypto/sha256"
	"encoding/hex"

	"cordwain/canvas/samples"
	"cordwain/models"
)

var update = flag.Bool("update", false, "rewrite golden PNG pages under testdata")

func testOptions() Options {
	return Options{
		VersionID: "a1b2c3d4e5f60718293a",
		History: []HistoryEntry{
			{VersionID: "9f8e7d6c5b4a", Time: time.Date(2024, 8, 30, 9, 0, 0, 0, time.UTC), Author: "陈晓 Chen Xiao", Message: "初版 First draft"},
			{VersionID: "a1b2c3d4e5f6", Time: time.Date(2024, 9, 3, 10, 0, 0, 0, time.UTC), Author: "Li Na", Message: "鞋舌加长 3 mm; tongue 3 mm longer"},
		},
	}
}

func writePDF(t testing.TB, opts Options) string {
	t.Helper()
	return writeDesignPDF(t, testDesign(), opts)
}

func writeDesignPDF(t testing.TB, d *models.Design, opts Options) string {
	t.Helper()
	var buf bytes.Buffer
	if err := WritePDF(&buf, d, opts); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "techpack.pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	needTool(t, name)
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}

func TestPDFValidFontsAndText(t *testing.T) {
	for _, d := range samples.All() {
		t.Run(d.Meta.StyleNo, func(t *testing.T) {
			path := writeDesignPDF(t, d, testOptions())
			run(t, "qpdf", "--check", path)
			fonts := run(t, "pdffonts", path)
			// The subset font carries a six-letter subset tag (fault 10
			// of issue 10: fpdf named it "utf8<family>"), so pdffonts
			// says sub=yes.
			if !regexp.MustCompile(`(?m)^[A-Z]{6}\+WenQuanYiMicroHei\s+CID TrueType\s+Identity-H\s+yes\s+yes\s`).MatchString(fonts) {
				t.Errorf("embedded CID TrueType font missing:\n%s", fonts)
			}
			if st, err := os.Stat(path); err != nil || st.Size() > 1<<20 {
				t.Errorf("PDF is %d bytes: font not subset", st.Size())
			}
			text := run(t, "pdftotext", "-layout", path, "-")
			want := []string{"款号 Style No.", d.Meta.StyleNo, d.Meta.NameZH, d.Meta.Name, "Bill of Materials", "物料清单",
				"鞋舌加长", "a1b2c3d4", "1:1", "100 mm", "外侧 Lateral", "内侧 Medial", "俯视 Top", "后视 Back", "底视 Bottom"}
			for _, m := range d.Materials {
				want = append(want, m.NameZH)
			}
			for _, pc := range d.Pieces {
				want = append(want, pc.NameZH)
			}
			for _, w := range want {
				if !strings.Contains(text, w) {
					t.Errorf("pdftotext lacks %q", w)
				}
			}
			if strings.Contains(text, "%!") {
				t.Error("a format verb leaked into the text (%!…)")
			}
			// Footer on every page: "n/N".
			n := strings.Count(text, "\f")
			for i := 1; i <= n; i++ {
				if !strings.Contains(text, fmt.Sprintf("%d/%d", i, n)) {
					t.Errorf("footer page %d/%d missing", i, n)
				}
			}
		})
	}
}

func TestPDFLanguages(t *testing.T) {
	for _, tc := range []struct {
		lang      Lang
		want, not string
	}{{LangZH, "款号", "Style No."}, {LangEN, "Style No.", "款号"}, {LangBoth, "款号 Style No.", ""}} {
		t.Run(string(tc.lang), func(t *testing.T) {
			o := testOptions()
			o.Lang = tc.lang
			text := run(t, "pdftotext", writePDF(t, o), "-")
			if !strings.Contains(text, tc.want) {
				t.Errorf("lacks %q", tc.want)
			}
			if tc.not != "" && strings.Contains(text, tc.not) {
				t.Errorf("has %q in %s", tc.not, tc.lang)
			}
		})
	}
}

// TestPDFScaleBar1to1 finds the 100 mm scale bar in the uncompressed page
// content and checks its length: 100 mm ± 0.1.
func TestPDFScaleBar1to1(t *testing.T) {
	for _, ps := range []PageSize{A4, A3, Letter} {
		t.Run(string(ps), func(t *testing.T) {
			o := testOptions()
			o.PageSize = ps
			path := writePDF(t, o)
			qdf := filepath.Join(t.TempDir(), "q.pdf")
			run(t, "qpdf", "--qdf", "--object-streams=disable", path, qdf)
			data, err := os.ReadFile(qdf)
			if err != nil {
				t.Fatal(err)
			}
			widths := filledPathWidths(string(data))
			found := 0
			for _, w := range widths {
				if mm := w[0] * 25.4 / 72; math.Abs(mm-100) <= 0.1 && math.Abs(w[1]*25.4/72-1.5) < 0.1 {
					found++
				}
			}
			if found == 0 {
				t.Fatalf("no 100 × 1.5 mm scale bar among %d filled paths", len(widths))
			}
		})
	}
}

// filledPathWidths returns the bounding-box width and height (points) of
// every filled path in PDF content streams.
func filledPathWidths(content string) [][2]float64 {
	var out [][2]float64
	var nums []float64
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	reset := func() { minX, minY, maxX, maxY = math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1) }
	for _, tok := range strings.Fields(content) {
		if v, err := strconv.ParseFloat(tok, 64); err == nil {
			nums = append(nums, v)
			continue
		}
		switch tok {
		case "m", "l":
			if len(nums) >= 2 {
				x, y := nums[len(nums)-2], nums[len(nums)-1]
				minX, maxX = math.Min(minX, x), math.Max(maxX, x)
				minY, maxY = math.Min(minY, y), math.Max(maxY, y)
			}
		case "f", "f*":
			if maxX > minX {
				out = append(out, [2]float64{maxX - minX, maxY - minY})
			}
			reset()
		case "S", "n", "B", "b":
			reset()
		}
		nums = nums[:0]
	}
	return out
}

// TestGoldenPages compares the cover, views, first pieces page, first 1:1
// pattern page and size table of each sample with PNGs under testdata,
// with a tolerance (run with -update after looking at the pages).
func TestGoldenPages(t *testing.T) {
	for _, d := range samples.All() {
		t.Run(d.Meta.StyleNo, func(t *testing.T) {
			pages, err := Pages(d, testOptions())
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]int{}
			for i, pg := range pages {
				for _, key := range []string{"Tech Pack", "Views", "Pieces", "Pattern A1", "Size Run"} {
					if _, ok := want[key]; !ok && strings.Contains(pg.Title, key) {
						want[key] = i
					}
				}
			}
			if len(want) != 5 {
				t.Fatalf("pages found: %v", want)
			}
			for key, n := range want {
				name := fmt.Sprintf("testdata/%s-%s.png", d.Meta.StyleNo, strings.ReplaceAll(strings.ToLower(key), " ", "-"))
				img, err := RenderPage(pages, n, 40)
				if err != nil {
					t.Fatal(err)
				}
				if *update {
					var buf bytes.Buffer
					if err := png.Encode(&buf, img); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(name, buf.Bytes(), 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				f, err := os.Open(name)
				if err != nil {
					t.Fatalf("%v (run go test -update to create it)", err)
				}
				want, err := png.Decode(f)
				f.Close()
				if err != nil {
					t.Fatal(err)
				}
				if diff := imageDiff(img, want); diff > 0.005 {
					t.Errorf("%s: %.2f%% of pixels differ (tolerance 0.5%%); look at the page and run -update if intended", name, diff*100)
				}
			}
		})
	}
}

// imageDiff is the fraction of pixels whose channels differ by more than 40.
func imageDiff(a, b image.Image) float64 {
	if a.Bounds() != b.Bounds() {
		return 1
	}
	bad, total := 0, 0
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			r1, g1, b1, _ := a.At(x, y).RGBA()
			r2, g2, b2, _ := b.At(x, y).RGBA()
			d := max(absDiff(r1, r2), absDiff(g1, g2), absDiff(b1, b2)) >> 8
			if d > 40 {
				bad++
			}
			total++
		}
	}
	return float64(bad) / float64(total)
}

func absDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}

func TestTechPackOddInputs(t *testing.T) {
	long := strings.Repeat("很长的备注 long notes that must wrap across lines ", 40)
	for _, tc := range []struct {
		name string
		mod  func() *models.Design
	}{
		{"empty BOM", func() *models.Design { d := testDesign(); d.Materials = nil; return d }},
		{"no colourways or history", func() *models.Design { d := testDesign(); d.Colourways = nil; return d }},
		{"40-character names", func() *models.Design { return manyPieces(4, 40) }},
		{"200 pieces", func() *models.Design { return manyPieces(195, 0) }},
		{"long notes", func() *models.Design { d := testDesign(); d.Meta.Notes = long; return d }},
		{"no pieces", func() *models.Design { d := testDesign(); d.Pieces = nil; d.Marks = nil; return d }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := tc.mod()
			pages, err := Pages(d, Options{})
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := WritePDF(&buf, d, Options{}); err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
				t.Fatal("not a PDF")
			}
			if len(d.Pieces) > 100 && len(pages) < 30 {
				t.Errorf("%d pages for %d pieces: piece pages not continued", len(pages), len(d.Pieces))
			}
		})
	}
	if _, err := Pages(testDesign(), Options{Lang: "fr"}); err == nil {
		t.Error("language fr accepted")
	}
	if _, err := Pages(testDesign(), Options{PageSize: "B5"}); err == nil {
		t.Error("page size B5 accepted")
	}
	if _, err := Pages(testDesign(), Options{Colourway: "nope"}); err == nil {
		t.Error("unknown colourway accepted")
	}
	bad := testDesign()
	bad.Pieces[0].Outline.Points = bad.Pieces[0].Outline.Points[:2]
	if _, err := Pages(bad, Options{}); err == nil || !strings.Contains(err.Error(), bad.Pieces[0].Name) {
		t.Errorf("broken piece: err = %v, want one naming the piece", err)
	}
}

func TestBOMCSV(t *testing.T) {
	d := testDesign()
	var buf bytes.Buffer
	if err := WriteBOMCSV(&buf, d, Options{Sizes: []float64{245, 275}}); err != nil {
		t.Fatal(err)
	}
	s := buf.String()
	if !strings.HasPrefix(s, "\ufeff") {
		t.Error("no UTF-8 byte-order mark")
	}
	if !strings.Contains(s, d.Materials[0].NameZH) || !strings.Contains(s, "Per pair 245") {
		t.Errorf("CSV content:\n%s", s)
	}
	lines, err := BOM(d, Options{Sizes: []float64{245, 275}})
	if err != nil {
		t.Fatal(err)
	}
	graded, fixed := 0, 0
	for _, l := range lines {
		switch {
		case l.Unused: // not cut in the first colourway
		case isCountable(l.Material.Unit):
			// Counted lines (an outsole pair, a set of laces) never grade
			// into fractions (fault 3 of issue 10: 0.951-1.099 pair).
			if l.PerSize[245] != l.Material.Consumption || l.PerSize[275] != l.Material.Consumption {
				t.Errorf("counted line %s graded: %+v", l.Material.Name, l.PerSize)
			}
		case l.Derived || l.Material.SizeSpecific:
			graded++
			if !(l.PerSize[275] > l.PerSize[245]) || l.PerSize[245] <= 0 {
				t.Errorf("size-specific %s consumption does not grade: %+v", l.Material.Name, l.PerSize)
			}
		case !l.Material.SizeSpecific:
			fixed++
			if l.PerSize[245] != l.Material.Consumption || l.PerSize[275] != l.Material.Consumption {
				t.Errorf("fixed line %s changed with size: %+v", l.Material.Name, l.PerSize)
			}
		}
	}
	if graded == 0 || fixed == 0 {
		t.Errorf("%d graded and %d fixed lines: the sample should have both", graded, fixed)
	}
	// A line with no consumption given is derived from the piece areas.
	d.Materials[0].Consumption = 0
	d.Materials[0].Unit = "dm2"
	lines, err = BOM(d, Options{Sizes: []float64{245, 275}})
	if err != nil {
		t.Fatal(err)
	}
	if l := lines[0]; !l.Derived || !(l.PerSize[275] > l.PerSize[245]) || l.PerSize[245] <= 0 {
		t.Errorf("derived consumption does not grade: %+v", l)
	}
}

func TestWorkshopPackage(t *testing.T) {
	var buf bytes.Buffer
	o := testOptions()
	o.Sizes = []float64{245, 255}
	d := testDesign()
	if err := WriteWorkshopPackage(&buf, d, o); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		files[f.Name], _ = io.ReadAll(rc)
		rc.Close()
	}
	var m Manifest
	if err := json.Unmarshal(files["manifest.json"], &m); err != nil {
		t.Fatalf("manifest: %v", err)
	}
	if m.VersionID != o.VersionID || len(m.Sizes) != 2 || m.Design.StyleNo != d.Meta.StyleNo {
		t.Errorf("manifest header: %+v", m)
	}
	kinds := map[string]bool{}
	for _, f := range m.Files {
		data, ok := files[f.Name]
		if !ok {
			t.Errorf("manifest lists %s, not in zip", f.Name)
			continue
		}
		sum := sha256.Sum256(data)
		if hex.EncodeToString(sum[:]) != f.SHA256 || len(data) != f.Bytes {
			t.Errorf("%s: checksum or size mismatch", f.Name)
		}
		kinds[filepath.Ext(f.Name)] = true
	}
	for _, ext := range []string{".pdf", ".png", ".dxf", ".csv"} {
		if !kinds[ext] {
			t.Errorf("no %s file in the package", ext)
		}
	}
	if len(m.Files)+1 != len(files) {
		t.Errorf("zip has %d files, manifest lists %d + itself", len(files), len(m.Files))
	}
	var out bytes.Buffer
	if err := WriteWorkshopPackage(&out, testDesign(), Options{Sizes: []float64{50}}); err == nil || out.Len() != 0 {
		t.Errorf("bad size: err %v, %d bytes written", err, out.Len())
	}
}

func TestSVGPage(t *testing.T) {
	pages, err := Pages(testDesign(), testOptions())
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WritePageSVG(&buf, pages, 0); err != nil {
		t.Fatal(err)
	}
	s := buf.String()
	for _, want := range []string{`<svg`, `viewBox="0 0 210 297"`, `font-family="WenQuanYi Micro Hei"`, `<path d="M`, `>温州德比鞋 Wenzhou Derby</text>`} {
		if !strings.Contains(s, want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	path := filepath.Join(t.TempDir(), "p.svg")
	os.WriteFile(path, buf.Bytes(), 0o644)
	run(t, "rsvg-convert", "-o", filepath.Join(t.TempDir(), "p.png"), path)
}
