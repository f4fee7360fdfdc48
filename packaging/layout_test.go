package packaging

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"cordwain/canvas/samples"
)

// No text of any page comes closer than 10 mm to the paper's edge, where
// printers clip (fault 8 of issue 10: the 1:1 pages' "check after
// printing" note ended 4.2 mm from the edge, the pieces pages' legend ran
// off it).
func TestPDFTextInsidePrintableArea(t *testing.T) {
	word := regexp.MustCompile(`<word xMin="([0-9.]+)" yMin="([0-9.]+)" xMax="([0-9.]+)" yMax="([0-9.]+)">([^<]*)</word>`)
	const edge = 10 / 25.4 * 72 // pt
	for _, d := range samples.All() {
		for _, lang := range []Lang{LangBoth, LangEN} {
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
	for _, want := range []string{"Half pattern: cut on the fold", "fold", "×2 per shoe (4 per pair)", "×1 per shoe (2 per pair)", "Quantities per shoe"} {
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
