package packaging

import (
	"fmt"
	"math"

	"cordwain/models"
)

// polyPath makes a closed Bézier chain through pts, each edge a cubic whose
// controls bulge by bulge·edge length (0 = straight).
func polyPath(bulge float64, pts ...models.Point) models.Path {
	var out []models.Point
	n := len(pts)
	out = append(out, pts[0])
	for i := 0; i < n; i++ {
		a, b := pts[i], pts[(i+1)%n]
		dx, dy := b.X-a.X, b.Y-a.Y
		nx, ny := -dy*bulge, dx*bulge
		out = append(out,
			models.Pt(a.X+dx/3+nx, a.Y+dy/3+ny),
			models.Pt(a.X+2*dx/3+nx, a.Y+2*dy/3+ny),
			b)
	}
	return models.Path{Points: out, Closed: true}
}

// testDesign is a small derby used until canvas/samples lands.
func testDesign() *models.Design {
	d := &models.Design{
		ID: "0123456789abcdef",
		Meta: models.Meta{
			Name: "City Derby", NameZH: "城市德比鞋", StyleNo: "CW-24-017", Season: "AW24",
			Category: "derby", Gender: models.Men, Construction: models.Cemented,
			Studio: "鹿城设计工作室 Lucheng Studio", Designer: "陈晓 Chen Xiao",
			BaseSize: 250, SizeRun: []float64{240, 245, 250, 255, 260, 265, 270},
			SizeSystem: models.SizeCN, PairsPerCarton: map[string]int{"240": 1, "245": 2, "250": 3, "255": 3, "260": 2, "265": 1, "270": 1},
			Notes:            "鞋口内侧加海绵 5 mm。Padded collar, 5 mm foam on the inside. Toe puff thermoplastic 0.8 mm.",
			LastingAllowance: 16, LapAllowance: 8, FoldAllowance: 4.5, SeamAllowance: 1.5, StitchMargin: 2,
			DoubleRowGauge: 2, SPI: 8, Thread: "Nylon 40# 尼龙线", OutsoleHardness: "65 Shore A",
			InsoleThickness: 2.5, Reinforcements: "后跟加强带 Backstay tape", Packaging: "鞋盒 + 拷贝纸 Box with tissue",
		},
		Last: models.Last{Ref: "L-2501", BottomLength: 265, StickLength: 262, BallGirth: 238, BallWidth: 92,
			WaistGirth: 232, InstepGirth: 245, HeelGirth: 335, HeelWidth: 62, HeelHeight: 25, ToeSpring: 14,
			BackHeight: 62, ToeShape: models.ToeAlmond},
	}
	d.Materials = []models.Material{
		{ID: "m01", Name: "Calf leather", NameZH: "头层牛皮", Kind: "leather", Supplier: "温州皮革 Wenzhou Leather", Colour: "Black 黑", Pantone: "19-0303 TCX", Finish: "Semi-aniline", Thickness: 1.4, Unit: "dm2", SizeSpecific: true},
		{ID: "m02", Name: "Pig lining", NameZH: "猪皮里", Kind: "leather", Supplier: "瑞安 Rui'an", Colour: "Natural 本色", Thickness: 0.8, Unit: "dm2", SizeSpecific: true},
		{ID: "m03", Name: "Rubber outsole", NameZH: "橡胶大底", Kind: "rubber", Supplier: "鹿城鞋底厂", Colour: "Black", Unit: "pair", Consumption: 1},
		{ID: "m04", Name: "Nylon thread 40#", NameZH: "尼龙线", Kind: "thread", Colour: "Black", Unit: "m", Consumption: 12.5},
		{ID: "m05", Name: "Laces 90 cm", NameZH: "鞋带", Kind: "component", Colour: "Black", Unit: "pair", Consumption: 1},
	}
	d.Pieces = []models.Piece{
		{ID: "p01", Name: "Vamp", NameZH: "前帮", Role: "vamp", Order: 1, Quantity: 1, Material: "m01", StitchRows: 2,
			Outline: polyPath(0.04, models.Pt(120, 0), models.Pt(265, 0), models.Pt(262, 45), models.Pt(200, 75), models.Pt(150, 70), models.Pt(125, 30)),
			Edges:   []models.AllowanceKind{models.AllowLasting, models.AllowLasting, models.AllowFold, models.AllowFold, models.AllowLap, models.AllowLap}},
		{ID: "p02", Name: "Quarter", NameZH: "后帮", Role: "quarter", Order: 2, Quantity: 2, Mirror: true, Material: "m01", StitchRows: 1,
			Outline: polyPath(-0.03, models.Pt(0, 0), models.Pt(125, 0), models.Pt(130, 35), models.Pt(155, 72), models.Pt(60, 70), models.Pt(0, 60)),
			Edges:   []models.AllowanceKind{models.AllowLasting, models.AllowNone, models.AllowFold, models.AllowFold, models.AllowFold, models.AllowSeam}},
		{ID: "p03", Name: "Tongue", NameZH: "鞋舌", Role: "tongue", Order: 3, Quantity: 1, Material: "m01", GrainAngle: 90,
			Outline: polyPath(0.02, models.Pt(150, 60), models.Pt(200, 70), models.Pt(190, 120), models.Pt(150, 110))},
		{ID: "p04", Name: "Backstay", NameZH: "保险皮", Role: "backstay", Order: 4, Quantity: 1, Material: "m01", StitchRows: 2,
			Outline: polyPath(0, models.Pt(0, 0), models.Pt(18, 0), models.Pt(14, 62), models.Pt(0, 62)),
			Edges:   []models.AllowanceKind{models.AllowLasting, models.AllowFold, models.AllowFold, models.AllowSeam}},
		{ID: "p05", Name: "Quarter lining", NameZH: "后帮里", Role: "lining", Order: 5, Quantity: 2, Mirror: true, Material: "m02",
			Outline: polyPath(-0.02, models.Pt(0, 0), models.Pt(130, 0), models.Pt(150, 70), models.Pt(0, 60)),
			Edges:   []models.AllowanceKind{models.AllowLasting, models.AllowLap, models.AllowFold, models.AllowSeam}},
	}
	d.Marks = []models.Mark{
		{ID: "k01", Piece: "p01", Kind: models.MarkNotch, At: models.Pt(125, 30), Size: 2, Width: 1},
		{ID: "k02", Piece: "p01", Kind: models.MarkNotch, At: models.Pt(200, 75), Size: 2, Width: 1, Angle: 90},
		{ID: "k03", Piece: "p02", Kind: models.MarkPunch, At: models.Pt(140, 55), Size: 4},
		{ID: "k04", Piece: "p02", Kind: models.MarkEyelet, At: models.Pt(135, 45), Size: 4},
		{ID: "k05", Piece: "p02", Kind: models.MarkNotch, At: models.Pt(60, 70), Size: 2, Width: 1},
		{ID: "k06", Piece: "p03", Kind: models.MarkText, At: models.Pt(170, 100), Text: "LOGO 压印"},
	}
	d.StyleLines = []models.StyleLine{
		{ID: "s01", Name: "Vamp line", Kind: models.LineStyle, Path: models.Path{Points: []models.Point{models.Pt(120, 0), models.Pt(122, 15), models.Pt(124, 25), models.Pt(125, 30)}}},
		{ID: "s02", Name: "Topline", Kind: models.LineStyle, Path: models.Path{Points: []models.Point{models.Pt(0, 60), models.Pt(50, 72), models.Pt(120, 74), models.Pt(155, 72)}}},
	}
	d.Colourways = []models.Colourway{
		{ID: "c01", Name: "Black", NameZH: "黑色", Parts: map[models.ID]models.ColourwayPart{
			"p01": {Material: "m01", Colour: "Black 黑", Hex: "#1a1a1a"}, "p02": {Material: "m01", Colour: "Black 黑", Hex: "#1a1a1a"},
			"p03": {Material: "m01", Colour: "Black 黑", Hex: "#222222"}, "p04": {Material: "m01", Colour: "Black", Hex: "#111111"},
			"p05": {Material: "m02", Colour: "Natural 本色", Hex: "#d8c3a5"}}},
		{ID: "c02", Name: "Cognac", NameZH: "干邑棕", Parts: map[models.ID]models.ColourwayPart{
			"p01": {Material: "m01", Colour: "Cognac 棕", Hex: "#9a4e1c"}, "p02": {Material: "m01", Colour: "Cognac 棕", Hex: "#9a4e1c"},
			"p03": {Material: "m01", Colour: "Tan", Hex: "#b8733a"}, "p04": {Material: "m01", Colour: "Dark brown", Hex: "#4a2a12"},
			"p05": {Material: "m02", Colour: "Natural 本色", Hex: "#d8c3a5"}}},
	}
	return d
}

// manyPieces returns a design with n extra small pieces (odd-input tests).
func manyPieces(n int, nameLen int) *models.Design {
	d := testDesign()
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("P%03d", i)
		for len(name) < nameLen {
			name += "x"
		}
		a := float64(i) * 2 * math.Pi / float64(n)
		cx, cy := 100+40*math.Cos(a), 40+20*math.Sin(a)
		d.Pieces = append(d.Pieces, models.Piece{
			ID: models.ID(fmt.Sprintf("x%03d", i)), Name: name, Role: "overlay", Order: 10 + i, Quantity: 1, Material: "m01",
			Outline: polyPath(0.05, models.Pt(cx, cy), models.Pt(cx+20, cy), models.Pt(cx+20, cy+12), models.Pt(cx, cy+12)),
		})
	}
	return d
}
