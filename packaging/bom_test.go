package packaging

import (
	"bytes"
	"encoding/csv"
	"math"
	"strconv"
	"strings"
	"testing"

	"cordwain/canvas"
	"cordwain/canvas/samples"
	"cordwain/models"
)

// Fault 4 of issue 10: leather and textile consumption is derived from
// the cut areas times the stated cutting allowance, per size and per
// carton, and lines typed in are marked as such; the CSV says the same as
// the page.
func TestBOMDerivedFromCutAreas(t *testing.T) {
	d := samples.Derby()
	o := Options{Sizes: d.Meta.SizeRun}
	lines, err := BOM(d, o)
	if err != nil {
		t.Fatal(err)
	}
	pieces, err := piecesAt(d, 255, false)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]BOMLine{}
	for _, l := range lines {
		byName[l.Material.Name+"/"+l.Material.Colour] = l
	}
	calf := byName["Box calf/Black"]
	want := 0.0
	for _, g := range pieces {
		if g.piece.Material == calf.Material.ID {
			want += g.fullArea * float64(perShoe(g.piece)) * 2
		}
	}
	want = want * 1.15 / 1e4
	if !calf.Derived || math.Abs(calf.PerSize[255]-want) > 1e-9 {
		t.Errorf("box calf at 255: %v dm²/pair (derived %v), want %v from the cut areas + 15%%", calf.PerSize[255], calf.Derived, want)
	}
	if !(calf.PerSize[275] > calf.PerSize[255] && calf.PerSize[255] > calf.PerSize[245]) {
		t.Errorf("derived consumption does not grow with size: %v", calf.PerSize)
	}
	if l := byName["Bonded nylon thread 40/Black"]; l.Derived {
		t.Error("thread (typed in metres) marked derived")
	}
	carton := 0.0
	for _, s := range o.Sizes {
		carton += calf.PerSize[s] * float64(d.Meta.PairsPerCarton[fmtSize(s)])
	}
	var buf bytes.Buffer
	if err := WriteBOMCSV(&buf, d, o); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	head := rows[0]
	col := func(name string) int {
		for i, h := range head {
			if h == name {
				return i
			}
		}
		t.Fatalf("CSV has no column %q: %v", name, head)
		return -1
	}
	for _, r := range rows[1:] {
		switch r[col("Material")] + "/" + r[col("Colour")] {
		case "Box calf/Black":
			if r[col("Derived from pieces")] != "true" || !strings.HasPrefix(r[col("Source")], "derived") || r[col("Cutting allowance %")] != "15" {
				t.Errorf("box calf row: %v", r)
			}
			if got, _ := strconv.ParseFloat(r[col("Per carton")], 64); math.Abs(got-carton) > 0.001 {
				t.Errorf("box calf per carton %v, want %v", got, carton)
			}
		case "Bonded nylon thread 40/Black":
			if r[col("Source")] != "typed" || r[col("Derived from pieces")] != "false" {
				t.Errorf("thread row: %v", r)
			}
		}
	}
	// The page says what the CSV says.
	path := writeDesignPDF(t, d, Options{Lang: LangEN})
	text := run(t, "pdftotext", "-layout", path, "-")
	for _, s := range []string{"cut area +", "15%", "typed", "whole cut-piece area"} {
		if !strings.Contains(text, s) {
			t.Errorf("BOM page lacks %q", s)
		}
	}
	if strings.Contains(text, "cutting loss not included") {
		t.Error("BOM page still claims net areas without loss")
	}
}

// Roll goods counted in metres are the cut area divided by the roll width:
// the page and the CSV say which width, so a buyer can check the figure.
func TestBOMRollGoodsStateTheirWidth(t *testing.T) {
	d := samples.Sneaker()
	o := Options{Sizes: d.Meta.SizeRun}
	lines, err := BOM(d, o)
	if err != nil {
		t.Fatal(err)
	}
	var mesh *BOMLine
	for i := range lines {
		if lines[i].Material.Unit == "m" && lines[i].Derived {
			mesh = &lines[i]
			break
		}
	}
	if mesh == nil {
		t.Fatal("the runner has no derived line in metres")
	}
	width := fmtQty(mesh.Material.RollWidth) + " mm"
	var buf bytes.Buffer
	if err := WriteBOMCSV(&buf, d, o); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "roll width "+width) {
		t.Errorf("CSV does not state the roll width %s of %s", width, mesh.Material.Name)
	}
	for _, lang := range []Lang{LangEN, LangZH} {
		// Reading order keeps a wrapped table cell together.
		text := strings.Join(strings.Fields(run(t, "pdftotext", writeDesignPDF(t, d, Options{Lang: lang}), "-")), " ")
		want := map[Lang]string{LangEN: "÷ roll width ", LangZH: "÷ 幅宽 "}[lang] + width
		if !strings.Contains(text, want) {
			t.Errorf("BOM page (%v) does not state the roll width: no %q", lang, want)
		}
	}
}

// The size table's rows step by the size run (5 mm in CN), not by one size
// of the grading system (6.667 mm in EU): the page says how girth follows
// length between rows, and the table's rows agree with it.
func TestSizeTableStatesGirthPerMillimetre(t *testing.T) {
	for _, d := range []*models.Design{samples.Derby(), samples.Sneaker()} {
		sys := d.Meta.SizeSystem
		if sys == "" {
			sys = models.SizeCN
		}
		r := canvas.RuleFor(sys)
		ratio := r.Girth / r.Length
		text := strings.Join(strings.Fields(run(t, "pdftotext", writeDesignPDF(t, d, Options{Lang: LangEN}), "-")), " ")
		want := "+" + fmtQty(ratio) + " mm ball girth per 1 mm of last length"
		if !strings.Contains(text, want) {
			t.Errorf("%s: size page lacks %q", d.Meta.StyleNo, want)
		}
		sizes := d.Meta.SizeRun
		_, l0, err := canvas.DesignGradeFactors(d, sizes[0])
		if err != nil {
			t.Fatal(err)
		}
		_, l1, err := canvas.DesignGradeFactors(d, sizes[len(sizes)-1])
		if err != nil {
			t.Fatal(err)
		}
		if got := (l1.BallGirth - l0.BallGirth) / (l1.BottomLength - l0.BottomLength); math.Abs(got-ratio) > 0.01 {
			t.Errorf("%s: the graded lasts add %.3f mm girth per mm of length, the page says %.3f", d.Meta.StyleNo, got, ratio)
		}
	}
}
