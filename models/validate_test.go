package models

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestValidateAcceptsGoodDesigns(t *testing.T) {
	if err := Validate(sampleDesign()); err != nil {
		t.Fatalf("sample: %v", err)
	}
	r := rand.New(rand.NewPCG(5, 6))
	for i := range 200 {
		if err := Validate(randomDesign(r)); err != nil {
			t.Fatalf("random design %d: %v", i, err)
		}
	}
}

func TestDefaults(t *testing.T) {
	for _, tc := range []struct {
		g      Gender
		size   float64
		bottom float64
	}{
		{Men, 260, 275},
		{Women, 235, 247},
		{Men, 250, 265},
		{Unisex, 250, 265},
		{Kids, 180, 191},
	} {
		t.Run(string(tc.g), func(t *testing.T) {
			l := DefaultLast(tc.g, tc.size)
			if l.BottomLength != tc.bottom {
				t.Errorf("bottom length = %g, want %g", l.BottomLength, tc.bottom)
			}
			m := DefaultMeta(tc.g)
			m.Name, m.StyleNo = "x", "x"
			d := &Design{Meta: m, Last: l}
			if err := Validate(d); err != nil {
				t.Errorf("defaults do not validate: %v", err)
			}
		})
	}
	m := DefaultMeta(Men)
	if m.LastingAllowance != 16 || m.LapAllowance != 8 || m.FoldAllowance != 4.5 || m.SeamAllowance != 1.5 ||
		m.StitchMargin != 2 || m.DoubleRowGauge != 2 || m.SPI != 8 {
		t.Errorf("allowances differ from DOMAIN.md: %+v", m)
	}
	if ToeAllowance(Men) != 20 || ToeAllowance(Women) != 16.5 || HeelSetBack(Men) != 5 || HeelSetBack(Women) != 4.5 {
		t.Error("toe allowance / heel set-back differ from DOMAIN.md")
	}
}

// validateProblems are designs with one problem each: the sample
// edited, and the problem Validate must report.
var validateProblems = []struct {
	name  string
	edit  func(d *Design)
	el    ID
	field string
	code  string
}{
	{"no name", func(d *Design) { d.Meta.Name = " " }, MetaID, "name", CodeRequired},
	{"no style no", func(d *Design) { d.Meta.StyleNo = "" }, MetaID, "style_no", CodeRequired},
	{"long name", func(d *Design) { d.Meta.Name = strings.Repeat("鞋", MaxNameLen+1) }, MetaID, "name", CodeTooLong},
	{"long notes", func(d *Design) { d.Meta.Notes = strings.Repeat("n", MaxTextLen+1) }, MetaID, "notes", CodeTooLong},
	{"bad gender", func(d *Design) { d.Meta.Gender = "cats" }, MetaID, "gender", CodeInvalidValue},
	{"bad construction", func(d *Design) { d.Meta.Construction = "" }, MetaID, "construction", CodeRequired},
	{"base outside run", func(d *Design) { d.Meta.BaseSize = 290 }, MetaID, "base_size", CodeInconsistent},
	{"base out of range", func(d *Design) { d.Meta.BaseSize = 26 }, MetaID, "base_size", CodeOutOfRange},
	{"run descending", func(d *Design) { d.Meta.SizeRun = []float64{260, 255} }, MetaID, "size_run", CodeNotAscending},
	{"run repeats", func(d *Design) { d.Meta.SizeRun = []float64{255, 260, 260} }, MetaID, "size_run", CodeNotAscending},
	{"run empty", func(d *Design) { d.Meta.SizeRun = nil }, MetaID, "size_run", CodeRequired},
	{"size too big", func(d *Design) { d.Meta.SizeRun = []float64{260, 330} }, MetaID, "size_run.1", CodeOutOfRange},
	{"size NaN", func(d *Design) { d.Meta.SizeRun = []float64{260, math.NaN()} }, MetaID, "size_run.1", CodeNotFinite},
	{"carton size not in run", func(d *Design) { d.Meta.PairsPerCarton = map[string]int{"300": 1} }, MetaID, "pairs_per_carton.300", CodeUnknownRef},
	{"carton of too many pairs", func(d *Design) { d.Meta.PairsPerCarton = map[string]int{"250": 2, "260": 1001} }, MetaID, "pairs_per_carton.260", CodeOutOfRange},
	{"size -Inf", func(d *Design) { d.Meta.SizeRun = []float64{math.Inf(-1), 260} }, MetaID, "size_run.0", CodeNotFinite},
	{"lasting allowance", func(d *Design) { d.Meta.LastingAllowance = 45 }, MetaID, "lasting_allowance", CodeOutOfRange},
	{"negative seam", func(d *Design) { d.Meta.SeamAllowance = -1 }, MetaID, "seam_allowance", CodeOutOfRange},
	{"spi", func(d *Design) { d.Meta.SPI = 25 }, MetaID, "spi", CodeOutOfRange},
	{"bottom zero", func(d *Design) { d.Last.BottomLength = 0 }, LastID, "bottom_length", CodeOutOfRange},
	{"stick > bottom", func(d *Design) { d.Last.StickLength = d.Last.BottomLength + 1 }, LastID, "stick_length", CodeInconsistent},
	{"girth ratio", func(d *Design) { d.Last.BallGirth = 150; d.Last.WaistGirth = 140; d.Last.BallWidth = 60 }, LastID, "ball_girth", CodeInconsistent},
	{"waist > instep", func(d *Design) { d.Last.WaistGirth = d.Last.InstepGirth + 1 }, LastID, "waist_girth", CodeInconsistent},
	{"instep > heel", func(d *Design) { d.Last.InstepGirth = d.Last.HeelGirth + 1 }, LastID, "instep_girth", CodeInconsistent},
	{"heel height", func(d *Design) { d.Last.HeelHeight = 151 }, LastID, "heel_height", CodeOutOfRange},
	{"toe spring", func(d *Design) { d.Last.ToeSpring = -1 }, LastID, "toe_spring", CodeOutOfRange},
	{"back height", func(d *Design) { d.Last.BackHeight = 30 }, LastID, "back_height", CodeOutOfRange},
	{"toe shape", func(d *Design) { d.Last.ToeShape = "" }, LastID, "toe_shape", CodeRequired},
	{"width fitting", func(d *Design) { d.Last.WidthFitting = 6 }, LastID, "width_fitting", CodeOutOfRange},
	{"inf girth", func(d *Design) { d.Last.HeelGirth = math.Inf(1) }, LastID, "heel_girth", CodeNotFinite},
	{"open outline", func(d *Design) { d.Pieces[0].Outline.Closed = false }, "ccccccccccccccc1", "outline", CodeNotClosed},
	{"outline ends elsewhere", func(d *Design) { d.Pieces[0].Outline.Points[9] = Pt(1, 1) }, "ccccccccccccccc1", "outline", CodeNotClosed},
	{"one segment", func(d *Design) {
		d.Pieces[0].Outline.Points = d.Pieces[0].Outline.Points[:4]
		d.Pieces[0].Outline.Points[3] = d.Pieces[0].Outline.Points[0]
		d.Pieces[0].Edges = nil
	}, "ccccccccccccccc1", "outline", CodeTooFewSegs},
	{"point count", func(d *Design) { d.Pieces[0].Outline.Points = d.Pieces[0].Outline.Points[:8] }, "ccccccccccccccc1", "outline", CodeBadPointCount},
	{"NaN point", func(d *Design) { d.Pieces[0].Outline.Points[2].X = math.NaN() }, "ccccccccccccccc1", "outline.points.2", CodeNotFinite},
	{"quantity", func(d *Design) { d.Pieces[0].Quantity = 0 }, "ccccccccccccccc1", "quantity", CodeOutOfRange},
	{"missing material", func(d *Design) { d.Pieces[0].Material = "9999999999999999" }, "ccccccccccccccc1", "material", CodeUnknownRef},
	{"too many edges", func(d *Design) { d.Pieces[0].Edges = make([]AllowanceKind, 4) }, "ccccccccccccccc1", "edges", CodeTooMany},
	{"bad edge", func(d *Design) { d.Pieces[0].Edges = []AllowanceKind{"glue"} }, "ccccccccccccccc1", "edges.0", CodeInvalidValue},
	{"missing line", func(d *Design) { d.Pieces[0].Lines = []ID{"9999999999999999"} }, "ccccccccccccccc1", "lines.0", CodeUnknownRef},
	{"stitch rows", func(d *Design) { d.Pieces[0].StitchRows = 3 }, "ccccccccccccccc1", "stitch_rows", CodeOutOfRange},
	{"mark on missing piece", func(d *Design) { d.Marks[0].Piece = "9999999999999999" }, "ddddddddddddddd1", "piece", CodeUnknownRef},
	{"mark kind", func(d *Design) { d.Marks[0].Kind = "star" }, "ddddddddddddddd1", "kind", CodeInvalidValue},
	{"text mark without text", func(d *Design) { d.Marks[0].Kind = MarkText }, "ddddddddddddddd1", "text", CodeRequired},
	{"colourway missing piece", func(d *Design) {
		d.Colourways[0].Parts["9999999999999999"] = ColourwayPart{Hex: "#000000"}
	}, "eeeeeeeeeeeeeee1", "parts.9999999999999999", CodeUnknownRef},
	{"colourway missing material", func(d *Design) {
		d.Colourways[0].Parts["ccccccccccccccc1"] = ColourwayPart{Material: "9999999999999999", Hex: "#000000"}
	}, "eeeeeeeeeeeeeee1", "parts.ccccccccccccccc1.material", CodeUnknownRef},
	{"bad hex", func(d *Design) {
		d.Colourways[0].Parts["ccccccccccccccc1"] = ColourwayPart{Hex: "red"}
	}, "eeeeeeeeeeeeeee1", "parts.ccccccccccccccc1.hex", CodeInvalidColour},
	{"duplicate ID", func(d *Design) { d.Materials[1].ID = d.Pieces[0].ID }, "ccccccccccccccc1", "id", CodeDuplicateID},
	{"invalid ID", func(d *Design) { d.StyleLines[0].ID = "L1" }, "L1", "id", CodeInvalidID},
	{"material unit", func(d *Design) { d.Materials[0].Unit = "" }, "aaaaaaaaaaaaaaa1", "unit", CodeRequired},
	{"design ID", func(d *Design) { d.ID = "nope" }, "", "id", CodeInvalidID},
}

func TestValidateFindsProblems(t *testing.T) {
	for _, tc := range validateProblems {
		t.Run(tc.name, func(t *testing.T) {
			d := sampleDesign()
			tc.edit(d)
			err := Validate(d)
			if err == nil {
				t.Fatal("Validate accepted the design")
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("errors.Is(err, ErrInvalid) = false")
			}
			var ve ValidationErrors
			if !errors.As(err, &ve) {
				t.Fatalf("not ValidationErrors: %T", err)
			}
			for _, fe := range ve {
				if fe.Element == tc.el && fe.Field == tc.field && fe.Code == tc.code {
					if fe.Msg == "" {
						t.Error("empty message")
					}
					return
				}
			}
			t.Errorf("want {%s %s %s}, got %v", tc.el, tc.field, tc.code, ve)
		})
	}
}

func TestValidateNil(t *testing.T) {
	if err := Validate(nil); !errors.Is(err, ErrInvalid) {
		t.Errorf("Validate(nil) = %v", err)
	}
}
