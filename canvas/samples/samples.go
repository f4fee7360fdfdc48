// Package samples builds Cordwain's three sample designs — a men's derby, a
// women's pump and a sneaker — with real lasts, style lines, pieces on the
// mean form, marks, BOM, colourways and size runs. IDs are fixed, so tests,
// goldens and demos are stable. Every call returns fresh copies.
package samples

import (
	"fmt"
	"sort"
	"strconv"

	"cordwain/canvas"
	"cordwain/models"
)

// Design IDs of the samples.
const (
	DerbyID   models.ID = "de7b000000000000"
	PumpID    models.ID = "9a3b000000000000"
	SneakerID models.ID = "5eac000000000000"
)

// All returns fresh copies of the three samples: derby, pump, sneaker.
func All() []*models.Design {
	return []*models.Design{Derby(), Pump(), Sneaker()}
}

// builder adds elements with deterministic IDs: a 4-hex design prefix and
// a running number.
type builder struct {
	d      *models.Design
	g      *canvas.LastGeometry
	prefix string
	n      int
	B      float64
}

func newBuilder(id models.ID, meta models.Meta, last models.Last) *builder {
	g, err := canvas.NewLastGeometry(last)
	if err != nil {
		// The sample lasts are constants checked by the tests; a failure
		// here is a programming error, so the sample is returned empty
		// rather than panicking.
		g = nil
	}
	d := &models.Design{ID: id, Meta: meta, Last: last}
	return &builder{d: d, g: g, prefix: string(id[:4]), B: last.BottomLength}
}

func (b *builder) id() models.ID {
	b.n++
	return models.ID(fmt.Sprintf("%s%012x", b.prefix, b.n))
}

// Shorthand for points on the last: featherline, top line (x as a fraction
// of the bottom length) and back curve (height in mm).
func (b *builder) F(f float64) models.Point { return b.g.FeatherAt(f * b.B) }
func (b *builder) T(f float64) models.Point { return b.g.TopAt(f * b.B) }
func (b *builder) K(y float64) models.Point { return b.g.BackAt(y) }
func (b *builder) P(f, y float64) models.Point {
	return models.Pt(f*b.B, y)
}
func (b *builder) toe() models.Point { return b.g.Points[canvas.KeyToe] }

func run(kind models.AllowanceKind, pts ...models.Point) canvas.EdgeRun {
	return canvas.EdgeRun{Kind: kind, Knots: pts}
}

type pieceSpec struct {
	name, zh, role string
	order, qty     int
	mirror         bool
	material       models.ID
	rows           int
	grain          float64
}

func (b *builder) piece(s pieceSpec, runs ...canvas.EdgeRun) models.ID {
	if b.g == nil {
		return ""
	}
	outline, edges := canvas.OutlineFromRuns(runs...)
	id := b.id()
	qty := s.qty
	if qty == 0 {
		qty = 1
	}
	b.d.Pieces = append(b.d.Pieces, models.Piece{
		ID: id, Name: s.name, NameZH: s.zh, Role: s.role, Outline: outline, Edges: edges,
		Material: s.material, Quantity: qty, Mirror: s.mirror, GrainAngle: s.grain,
		StitchRows: s.rows, Order: s.order,
	})
	return id
}

func (b *builder) line(name string, kind models.LineKind, pts ...models.Point) models.ID {
	if b.g == nil {
		return ""
	}
	id := b.id()
	b.d.StyleLines = append(b.d.StyleLines, models.StyleLine{ID: id, Name: name, Kind: kind, Path: canvas.SmoothPath(pts...)})
	return id
}

func (b *builder) mark(piece models.ID, kind models.MarkKind, at models.Point, size float64) {
	if b.g == nil {
		return
	}
	m := models.Mark{ID: b.id(), Piece: piece, Kind: kind, At: at, Size: size}
	if kind == models.MarkNotch {
		m.Width = 1.5
	}
	b.d.Marks = append(b.d.Marks, m)
}

// notches puts a notch on a piece's outline nearest to each point.
func (b *builder) notches(piece models.ID, pts ...models.Point) {
	for _, p := range b.d.Pieces {
		if p.ID != piece {
			continue
		}
		for _, q := range pts {
			if n, ok := canvas.NearestOnPath(p.Outline, q); ok {
				b.mark(piece, models.MarkNotch, n.Point, 3)
			}
		}
	}
}

func (b *builder) material(m models.Material) models.ID {
	m.ID = b.id()
	b.d.Materials = append(b.d.Materials, m)
	return m.ID
}

// colourway adds a colourway: part colours by piece.
func (b *builder) colourway(name, zh string, parts map[models.ID]models.ColourwayPart) {
	if b.g == nil {
		return
	}
	b.d.Colourways = append(b.d.Colourways, models.Colourway{ID: b.id(), Name: name, NameZH: zh, Parts: parts})
}

// finish sorts element slices by ID, as the model keeps them.
func (b *builder) finish() *models.Design {
	d := b.d
	sort.Slice(d.StyleLines, func(i, j int) bool { return d.StyleLines[i].ID < d.StyleLines[j].ID })
	sort.Slice(d.Pieces, func(i, j int) bool { return d.Pieces[i].ID < d.Pieces[j].ID })
	sort.Slice(d.Marks, func(i, j int) bool { return d.Marks[i].ID < d.Marks[j].ID })
	sort.Slice(d.Materials, func(i, j int) bool { return d.Materials[i].ID < d.Materials[j].ID })
	sort.Slice(d.Colourways, func(i, j int) bool { return d.Colourways[i].ID < d.Colourways[j].ID })
	return d
}

func workshop(m *models.Meta, spi float64) {
	m.LastingAllowance = 16
	m.LapAllowance = 8
	m.FoldAllowance = 4
	m.SeamAllowance = 1.5
	m.StitchMargin = 1.8
	m.DoubleRowGauge = 2
	m.SPI = spi
	m.InsoleThickness = 2
}

// run of CN sizes (foot mm) and a carton assortment peaking at the middle.
func sizeRun(sizes []float64, pairs []int) (run []float64, carton map[string]int) {
	carton = map[string]int{}
	for i, s := range sizes {
		carton[strconv.FormatFloat(s, 'g', -1, 64)] = pairs[i]
	}
	return sizes, carton
}

func part(m models.ID, colour, hex string) models.ColourwayPart {
	return models.ColourwayPart{Material: m, Colour: colour, Hex: hex}
}

// Derby is a men's plain-toe-cap derby (blucher) on a round-toe last, CN
// 255 base (EU 40½), EU 39-43½, cemented.
func Derby() *models.Design { return DerbyOn(DerbyLast()) }

// DerbyLast is the derby's last, WZ-M-2601.
func DerbyLast() models.Last {
	return models.Last{Ref: "WZ-M-2601", BottomLength: 270, StickLength: 262, BallGirth: 240, BallWidth: 92,
		WaistGirth: 232, InstepGirth: 246, HeelGirth: 335, HeelWidth: 62, HeelHeight: 25, ToeSpring: 14,
		BackHeight: 62, ToeShape: models.ToeRound, WidthFitting: 3}
}

// DerbyOn is the derby drawn on another last: the same style lines and
// pieces placed by the same fractions of that last's mean form. Tests
// use it to check the pattern code on many lasts.
func DerbyOn(last models.Last) *models.Design {
	meta := models.Meta{
		Name: "Wenzhou Derby", NameZH: "温州德比鞋", StyleNo: "CW-D-2601", Season: "AW26",
		Category: "derby", Gender: models.Men, Construction: models.Cemented,
		Studio: "Lucheng Design Studio", Designer: "Chen Wei", BaseSize: 255,
		SizeSystem: models.SizeEU, Thread: "Bonded nylon 40, 3-ply",
		OutsoleHardness: "70 Shore A", Reinforcements: "Backstay tape; toe puff 0.8 mm thermoplastic; counter 1.6 mm",
		Packaging: "Shoe box 320×200×115 mm, tissue, two shoe bags", Notes: "Edges painted and burnished.",
	}
	workshop(&meta, 8)
	// CN 245-275 foot lengths: EU 39-43½ on this last (L = 260-290 mm).
	meta.SizeRun, meta.PairsPerCarton = sizeRun([]float64{245, 250, 255, 260, 265, 270, 275}, []int{1, 1, 2, 3, 2, 2, 1})
	b := newBuilder(DerbyID, meta, last)
	if b.g == nil {
		return b.d
	}
	calfBlack := b.material(models.Material{Name: "Box calf", NameZH: "牛皮", Kind: "leather", Supplier: "Xingye Leather, Jinjiang",
		Colour: "Black", Pantone: "Black 6 C", Finish: "aniline, semi-gloss", Thickness: 1.4, Unit: "dm2", SizeSpecific: true, Waste: 0.15})
	calfTan := b.material(models.Material{Name: "Box calf", NameZH: "牛皮", Kind: "leather", Supplier: "Xingye Leather, Jinjiang",
		Colour: "Cognac", Pantone: "7516 C", Finish: "burnished", Thickness: 1.4, Unit: "dm2", SizeSpecific: true, Waste: 0.15})
	lining := b.material(models.Material{Name: "Pig lining", NameZH: "猪皮里", Kind: "leather", Supplier: "Wenzhou Hongda",
		Colour: "Natural", Thickness: 0.8, Unit: "dm2", SizeSpecific: true, Waste: 0.12})
	thread := b.material(models.Material{Name: "Bonded nylon thread 40", NameZH: "尼龙线", Kind: "thread", Supplier: "Coats China",
		Colour: "Black", Unit: "m", Consumption: 24})
	b.material(models.Material{Name: "Waxed cotton laces 70 cm", NameZH: "鞋带", Kind: "component", Supplier: "Yiwu Laceworks",
		Colour: "Black", Unit: "pair", Consumption: 1})
	b.material(models.Material{Name: "Leather outsole with rubber top lift", NameZH: "大底", Kind: "leather", Supplier: "Rui'an Sole Co.",
		Colour: "Natural", Thickness: 5, Unit: "pair", Consumption: 1, SizeSpecific: true})
	puff := b.material(models.Material{Name: "Thermoplastic toe puff", NameZH: "包头", Kind: "synthetic", Supplier: "Wenzhou Hongda",
		Thickness: 0.8, Unit: "pair", Consumption: 1, SizeSpecific: true})
	b.material(models.Material{Name: "Cellulose insole board", NameZH: "中底板", Kind: "synthetic", Supplier: "Texon Dongguan",
		Thickness: 2, Unit: "pair", Consumption: 1, SizeSpecific: true})
	_ = thread

	// Lines on the mean form.
	throat := canvas.Below(b.T(0.565), 12)
	laceEnd := canvas.Below(b.T(0.415), 5)
	collarFront := canvas.Below(b.T(0.40), 6)
	quarterFront := []models.Point{b.F(0.40), b.P(0.45, 24), b.P(0.51, 48)}
	collar := []models.Point{collarFront, b.P(0.27, b.T(0.27).Y-16), b.P(0.11, last.BackHeight+3)}
	capLine := []models.Point{b.T(0.80), b.P(0.79, 30), b.F(0.805)}

	vamp := b.piece(pieceSpec{name: "Vamp", zh: "前帮", role: "vamp", order: 1, material: calfBlack},
		run(models.AllowLasting, b.F(0.36), b.F(0.5), b.F(0.65), b.F(0.8), b.F(0.93)),
		run(models.AllowNone, b.toe(), b.T(0.975), b.T(0.9), b.T(0.78), b.T(0.67)),
		run(models.AllowSeam, b.T(0.60), canvas.Below(b.T(0.585), 8)),
		run(models.AllowLap, canvas.Below(b.T(0.565), 16), b.P(0.47, 40), b.P(0.40, 12)),
	)
	quarterRuns := func(drop float64) []canvas.EdgeRun {
		return []canvas.EdgeRun{
			run(models.AllowLasting, b.F(0), b.F(0.12), b.F(0.26)),
			run(models.AllowNone, quarterFront...),
			run(models.AllowFold, throat, canvas.Below(b.T(0.49), 7)),
			run(models.AllowFold, laceEnd),
			run(models.AllowFold, canvas.Below(collar[0], drop), canvas.Below(collar[1], drop), canvas.Below(collar[2], drop)),
			run(models.AllowSeam, b.K(last.BackHeight), b.K(last.BackHeight*0.45)),
		}
	}
	qLat := b.piece(pieceSpec{name: "Quarter lateral", zh: "后帮外怀", role: "quarter", order: 3, material: calfBlack, rows: 2}, quarterRuns(0)...)
	qMed := b.piece(pieceSpec{name: "Quarter medial", zh: "后帮内怀", role: "quarter", order: 3, material: calfBlack, rows: 2}, quarterRuns(2)...)
	cap := b.piece(pieceSpec{name: "Toe cap", zh: "鞋头", role: "toecap", order: 4, material: calfBlack, rows: 2},
		run(models.AllowLasting, b.F(0.805), b.F(0.9), b.F(0.97)),
		run(models.AllowNone, b.toe(), b.T(0.975), b.T(0.9)),
		run(models.AllowNone, capLine[0], capLine[1]),
	)
	counter := b.piece(pieceSpec{name: "Heel counter", zh: "后套", role: "counter", order: 5, material: calfBlack, rows: 2},
		run(models.AllowLasting, b.F(0), b.F(0.1), b.F(0.22)),
		run(models.AllowNone, b.F(0.245), b.P(0.17, 20), b.P(0.07, 33)),
		run(models.AllowSeam, b.K(36), b.K(16)),
	)
	eyestay := b.piece(pieceSpec{name: "Eyestay", zh: "眼盖", role: "eyestay", order: 6, material: calfBlack, rows: 1},
		run(models.AllowFold, throat, canvas.Below(b.T(0.49), 7)),
		run(models.AllowNone, laceEnd, canvas.Below(b.T(0.415), 22)),
		run(models.AllowNone, canvas.Below(b.T(0.49), 25), canvas.Below(b.T(0.545), 24)),
	)
	tongue := b.piece(pieceSpec{name: "Tongue", zh: "鞋舌", role: "tongue", order: 0, material: calfBlack, grain: 90},
		run(models.AllowNone, b.T(0.61), b.T(0.5), b.T(0.40), canvas.Offset(b.T(0.375), 0, 4)),
		run(models.AllowFold, canvas.Offset(b.T(0.36), -1, 6), b.P(0.345, b.T(0.345).Y-6), b.P(0.35, b.T(0.35).Y-20)),
		run(models.AllowFold, canvas.Below(b.T(0.37), 25), canvas.Below(b.T(0.5), 25)),
		run(models.AllowLap, canvas.Below(b.T(0.6), 22)),
	)
	backstay := b.piece(pieceSpec{name: "Backstay", zh: "保险皮", role: "backstay", order: 7, material: calfBlack, rows: 2},
		run(models.AllowFold, b.K(last.BackHeight)),
		run(models.AllowNone, canvas.Offset(b.K(last.BackHeight), 9, -0.5), canvas.Offset(b.K(34), 10, 0)),
		run(models.AllowSeam, b.K(33), b.K(48)),
	)
	lin := b.piece(pieceSpec{name: "Quarter lining", zh: "后帮里", role: "lining", order: -1, material: lining, mirror: true, qty: 2},
		run(models.AllowLasting, b.F(0), b.F(0.2), b.F(0.45)),
		run(models.AllowNone, b.F(0.5), b.P(0.55, 40), canvas.Below(b.T(0.56), 14)),
		run(models.AllowNone, canvas.Below(b.T(0.49), 9), laceEnd),
		run(models.AllowNone, canvas.Offset(collar[0], 0, 2), canvas.Offset(collar[1], 0, 2), canvas.Offset(collar[2], 0, 2)),
		run(models.AllowSeam, canvas.Offset(b.K(last.BackHeight), 0, 2), b.K(last.BackHeight*0.45)),
	)
	toePuff := b.piece(pieceSpec{name: "Toe puff", zh: "包头", role: "toepuff", order: -2, material: puff},
		run(models.AllowNone, b.F(0.82), b.F(0.95)),
		run(models.AllowNone, b.toe(), b.T(0.92)),
		run(models.AllowNone, b.T(0.84), b.P(0.82, 25)),
	)
	_ = toePuff

	b.line("Toe cap line", models.LineStyle, capLine...)
	b.line("Quarter front", models.LineStyle, quarterFront...)
	b.line("Collar", models.LineStyle, collar...)
	b.line("Counter line", models.LineStyle, b.F(0.245), b.P(0.17, 20), b.P(0.07, 33))
	b.line("Lace edge", models.LineFold, throat, canvas.Below(b.T(0.49), 7), laceEnd)
	b.line("Centre line", models.LineCentre, b.T(0.25), b.T(0.5), b.T(0.75), b.T(0.95))
	b.line("Cap stitch", models.LineStitch, canvas.Offset(capLine[0], -2.5, 0), canvas.Offset(capLine[1], -2.5, 0), canvas.Offset(capLine[2], -2.5, 0))

	// Eyelets: five along the lace edge.
	var eyelets []models.Point
	for i := 0; i < 5; i++ {
		f := 0.435 + float64(i)*0.024
		p := canvas.Below(b.T(f), 13+6*float64(i)/4)
		eyelets = append(eyelets, p)
		b.mark(eyestay, models.MarkEyelet, p, 4.5)
	}
	// A brogue-free cap: a punched medallion-less row of seven holes behind
	// the cap line, as on Wenzhou's classic derby.
	for i := 0; i < 7; i++ {
		t := (float64(i) + 0.5) / 7
		p := canvas.Lerp(canvas.Offset(capLine[0], 4, -4), canvas.Offset(capLine[2], 4, 6), t)
		b.mark(cap, models.MarkPunch, canvas.Offset(p, 1.5*(1-4*(t-0.5)*(t-0.5)), 0), 1.8)
	}
	b.notches(vamp, b.F(0.40), canvas.Below(b.T(0.565), 16), b.F(0.805))
	b.notches(qLat, b.F(0.26), quarterFront[1])
	b.notches(qMed, b.F(0.26), quarterFront[1])
	b.notches(counter, b.F(0.22))
	b.notches(tongue, canvas.Below(b.T(0.6), 22))
	_ = lin
	_ = backstay

	black := map[models.ID]models.ColourwayPart{}
	tan := map[models.ID]models.ColourwayPart{}
	for _, p := range b.d.Pieces {
		switch p.Role {
		case "lining", "toepuff":
			black[p.ID] = part(p.Material, "Natural", "#D9C2A0")
			tan[p.ID] = part(p.Material, "Natural", "#D9C2A0")
		default:
			black[p.ID] = part(calfBlack, "Black", "#1E1C1B")
			tan[p.ID] = part(calfTan, "Cognac", "#8A4B24")
		}
	}
	tan[cap] = part(calfTan, "Dark cognac", "#6B3518")
	tan[counter] = part(calfTan, "Dark cognac", "#6B3518")
	b.colourway("Black calf", "黑色牛皮", black)
	b.colourway("Cognac", "干邑棕", tan)
	_ = eyelets
	return b.finish()
}

// Pump is a women's court shoe on a pointed 75 mm heel last, CN 235 base.
func Pump() *models.Design { return PumpOn(PumpLast()) }

// PumpLast is the pump's last, WZ-W-75P.
func PumpLast() models.Last {
	return models.Last{Ref: "WZ-W-75P", BottomLength: 247, StickLength: 222, BallGirth: 216, BallWidth: 80,
		WaistGirth: 210, InstepGirth: 220, HeelGirth: 300, HeelWidth: 54, HeelHeight: 75, ToeSpring: 9,
		BackHeight: 50, ToeShape: models.ToePointed, WidthFitting: 2}
}

// PumpOn is the pump drawn on another last (see [DerbyOn]).
func PumpOn(last models.Last) *models.Design {
	meta := models.Meta{
		Name: "Lucheng Pump 75", NameZH: "鹿城高跟单鞋", StyleNo: "CW-P-2602", Season: "SS27",
		Category: "pump", Gender: models.Women, Construction: models.Cemented,
		Studio: "Lucheng Design Studio", Designer: "Lin Yue", BaseSize: 235,
		SizeSystem: models.SizeEU, Thread: "Polyester 60, 3-ply", OutsoleHardness: "Leather sole, 80 Shore A top lift",
		Reinforcements: "Steel shank 115 mm; counter 1.2 mm", Packaging: "Shoe box 300×180×100 mm, dust bag",
	}
	workshop(&meta, 10)
	meta.LastingAllowance = 15
	meta.SizeRun, meta.PairsPerCarton = sizeRun([]float64{220, 225, 230, 235, 240, 245, 250}, []int{1, 2, 2, 3, 2, 1, 1})
	b := newBuilder(PumpID, meta, last)
	if b.g == nil {
		return b.d
	}
	patent := b.material(models.Material{Name: "Patent leather", NameZH: "漆皮", Kind: "leather", Supplier: "Haining Leather City",
		Colour: "Black", Pantone: "Black 6 C", Finish: "patent", Thickness: 1.1, Unit: "dm2", SizeSpecific: true, Waste: 0.18})
	suede := b.material(models.Material{Name: "Kid suede", NameZH: "羊反绒", Kind: "leather", Supplier: "Haining Leather City",
		Colour: "Nude", Pantone: "4685 C", Finish: "suede", Thickness: 1.0, Unit: "dm2", SizeSpecific: true, Waste: 0.15})
	lining := b.material(models.Material{Name: "Goat lining", NameZH: "羊皮里", Kind: "leather", Supplier: "Wenzhou Hongda",
		Colour: "Beige", Thickness: 0.6, Unit: "dm2", SizeSpecific: true, Waste: 0.12})
	b.material(models.Material{Name: "Leather sole 4.5 mm", NameZH: "真皮大底", Kind: "leather", Supplier: "Rui'an Sole Co.",
		Thickness: 4.5, Unit: "pair", Consumption: 1, SizeSpecific: true})
	b.material(models.Material{Name: "ABS heel 75 mm, covered", NameZH: "鞋跟", Kind: "component", Supplier: "Wenzhou Heelworks",
		Colour: "Black", Unit: "pair", Consumption: 1, SizeSpecific: true})
	b.material(models.Material{Name: "Polyester thread 60", NameZH: "涤纶线", Kind: "thread", Supplier: "Coats China",
		Colour: "Black", Unit: "m", Consumption: 9})
	stiff := b.material(models.Material{Name: "Counter stiffener 1.2 mm", NameZH: "主跟", Kind: "synthetic", Supplier: "Texon Dongguan",
		Thickness: 1.2, Unit: "pair", Consumption: 1, SizeSpecific: true})

	throatC := b.T(0.69)
	topline := []models.Point{throatC, b.P(0.62, b.T(0.62).Y-22), b.P(0.52, 33)}
	qTop := []models.Point{b.P(0.49, 32), b.P(0.32, 33), b.P(0.14, 40)}
	vamp := b.piece(pieceSpec{name: "Vamp", zh: "前帮", role: "vamp", order: 2, material: patent, rows: 1},
		run(models.AllowLasting, b.F(0.43), b.F(0.6), b.F(0.8), b.F(0.93)),
		run(models.AllowNone, b.toe(), b.T(0.975), b.T(0.9), b.T(0.78)),
		run(models.AllowFold, topline...),
		run(models.AllowNone, b.P(0.50, 32.5), b.P(0.47, 16)),
	)
	quarter := func(name, zh string) models.ID {
		return b.piece(pieceSpec{name: name, zh: zh, role: "quarter", order: 1, material: patent},
			run(models.AllowLasting, b.F(0), b.F(0.2), b.F(0.38)),
			run(models.AllowLap, b.F(0.47), b.P(0.48, 15)),
			run(models.AllowFold, qTop[0], qTop[1], qTop[2]),
			run(models.AllowFold, canvas.Offset(b.K(last.BackHeight), 2, 0)),
			run(models.AllowSeam, b.K(last.BackHeight-1), b.K(last.BackHeight*0.45)),
		)
	}
	qLat := quarter("Quarter lateral", "后帮外怀")
	qMed := quarter("Quarter medial", "后帮内怀")
	heelCover := b.piece(pieceSpec{name: "Heel cover", zh: "后套", role: "counter", order: 3, material: patent, rows: 1},
		run(models.AllowLasting, b.F(0), b.F(0.1), b.F(0.17)),
		run(models.AllowNone, b.F(0.19), b.P(0.12, 18), b.P(0.04, 34)),
		run(models.AllowSeam, b.K(37), b.K(15)),
	)
	vampLining := b.piece(pieceSpec{name: "Vamp lining", zh: "前帮里", role: "lining", order: -1, material: lining},
		run(models.AllowLasting, b.F(0.40), b.F(0.7), b.F(0.93)),
		run(models.AllowNone, b.toe(), b.T(0.85)),
		run(models.AllowNone, canvas.Offset(throatC, 0, 1), canvas.Offset(topline[1], 0, 1.5), canvas.Offset(topline[2], 0, 1.5)),
		run(models.AllowNone, b.P(0.46, 30), b.P(0.44, 12)),
	)
	quarterLining := b.piece(pieceSpec{name: "Quarter lining", zh: "后帮里", role: "lining", order: -1, material: lining, qty: 2, mirror: true},
		run(models.AllowLasting, b.F(0), b.F(0.25), b.F(0.48)),
		run(models.AllowNone, b.F(0.53), b.P(0.52, 30)),
		run(models.AllowNone, canvas.Offset(qTop[0], 0, 1.5), canvas.Offset(qTop[1], 0, 1.5), canvas.Offset(qTop[2], 0, 1.5)),
		run(models.AllowSeam, canvas.Offset(b.K(last.BackHeight), 0, 1.5), b.K(last.BackHeight*0.45)),
	)
	stiffener := b.piece(pieceSpec{name: "Counter stiffener", zh: "主跟", role: "stiffener", order: -2, material: stiff},
		run(models.AllowLasting, b.F(0), b.F(0.15), b.F(0.3)),
		run(models.AllowNone, b.F(0.31), b.P(0.2, 28), b.P(0.06, 42)),
		run(models.AllowNone, b.K(44), b.K(20)),
	)
	_ = vampLining
	_ = quarterLining
	_ = stiffener

	b.line("Topline", models.LineStyle, append(append([]models.Point{}, topline...), qTop[1:]...)...)
	b.line("Vamp/quarter joint", models.LineStyle, b.P(0.50, 32.5), b.P(0.47, 16), b.F(0.43))
	b.line("Heel cover", models.LineStyle, b.F(0.19), b.P(0.12, 18), b.P(0.04, 34))
	b.line("Centre line", models.LineCentre, b.T(0.7), b.T(0.85), b.T(0.97))
	// Seven decorative perforations down the vamp's side.
	for i := 0; i < 7; i++ {
		t := float64(i) / 6
		p := canvas.Lerp(b.P(0.60, b.T(0.60).Y-34), b.P(0.52, 24), t)
		b.mark(vamp, models.MarkPunch, p, 1.5)
	}
	b.notches(vamp, b.P(0.50, 32.5), b.F(0.47))
	b.notches(qLat, b.P(0.49, 32), b.F(0.47))
	b.notches(qMed, b.P(0.49, 32), b.F(0.47))
	b.notches(heelCover, b.F(0.19))
	b.mark(quarterLining, models.MarkText, b.P(0.2, 20), 0)
	for i := range b.d.Marks {
		if b.d.Marks[i].Kind == models.MarkText {
			b.d.Marks[i].Text = "CW-P-2602"
		}
	}

	black := map[models.ID]models.ColourwayPart{}
	nude := map[models.ID]models.ColourwayPart{}
	for _, p := range b.d.Pieces {
		switch p.Role {
		case "lining", "stiffener":
			black[p.ID] = part(p.Material, "Beige", "#E3D3B8")
			nude[p.ID] = part(p.Material, "Beige", "#E3D3B8")
		default:
			black[p.ID] = part(patent, "Black patent", "#111114")
			nude[p.ID] = part(suede, "Nude suede", "#D7A98C")
		}
	}
	nude[heelCover] = part(patent, "Black patent", "#111114")
	b.colourway("Black patent", "黑漆皮", black)
	b.colourway("Nude suede", "裸色绒面", nude)
	return b.finish()
}

// Sneaker is a unisex low-top lace-up sneaker, CN 260 base, cup-sole.
func Sneaker() *models.Design { return SneakerOn(SneakerLast()) }

// SneakerLast is the sneaker's last, WZ-U-RUN.
func SneakerLast() models.Last {
	return models.Last{Ref: "WZ-U-RUN", BottomLength: 275, StickLength: 268, BallGirth: 246, BallWidth: 96,
		WaistGirth: 238, InstepGirth: 252, HeelGirth: 342, HeelWidth: 66, HeelHeight: 18, ToeSpring: 16,
		BackHeight: 68, ToeShape: models.ToeRound, WidthFitting: 4}
}

// SneakerOn is the sneaker drawn on another last (see [DerbyOn]).
func SneakerOn(last models.Last) *models.Design {
	meta := models.Meta{
		Name: "Oujiang Runner", NameZH: "瓯江运动鞋", StyleNo: "CW-S-2603", Season: "SS27",
		Category: "sneaker", Gender: models.Unisex, Construction: models.Cemented,
		Studio: "Lucheng Design Studio", Designer: "Zhou Ming", BaseSize: 260,
		SizeSystem: models.SizeCN, Thread: "Polyester 40, 3-ply", OutsoleHardness: "60 Shore A rubber cup sole",
		Reinforcements: "Heel counter TPU 1.5 mm; collar foam 8 mm", Packaging: "Shoe box 330×210×120 mm, paper stuffing",
	}
	workshop(&meta, 7)
	meta.LastingAllowance = 18
	meta.SizeRun, meta.PairsPerCarton = sizeRun([]float64{230, 240, 250, 260, 270, 280, 290}, []int{1, 2, 2, 3, 2, 1, 1})
	b := newBuilder(SneakerID, meta, last)
	if b.g == nil {
		return b.d
	}
	mesh := b.material(models.Material{Name: "Engineered mesh", NameZH: "网布", Kind: "textile", Supplier: "Jinjiang Knit Co.",
		Colour: "White", Thickness: 1.6, Unit: "m", SizeSpecific: true, Waste: 0.08, RollWidth: 1400})
	suede := b.material(models.Material{Name: "Split suede", NameZH: "二层反绒", Kind: "leather", Supplier: "Xingye Leather, Jinjiang",
		Colour: "Grey", Pantone: "Cool Gray 7 C", Finish: "suede", Thickness: 1.3, Unit: "dm2", SizeSpecific: true, Waste: 0.15})
	pu := b.material(models.Material{Name: "PU synthetic", NameZH: "PU 超纤", Kind: "synthetic", Supplier: "Huafon Microfibre",
		Colour: "White", Thickness: 1.2, Unit: "m", SizeSpecific: true, Waste: 0.08, RollWidth: 1370})
	lin := b.material(models.Material{Name: "Tricot lining", NameZH: "里布", Kind: "textile", Supplier: "Jinjiang Knit Co.",
		Colour: "Grey", Thickness: 0.9, Unit: "m", SizeSpecific: true, Waste: 0.08, RollWidth: 1500})
	b.material(models.Material{Name: "Rubber cup sole", NameZH: "橡胶大底", Kind: "rubber", Supplier: "Jinjiang Sole Factory",
		Colour: "Off-white", Unit: "pair", Consumption: 1, SizeSpecific: true})
	b.material(models.Material{Name: "Flat laces 120 cm", NameZH: "鞋带", Kind: "component", Supplier: "Yiwu Laceworks",
		Colour: "White", Unit: "pair", Consumption: 1})
	b.material(models.Material{Name: "Polyester thread 40", NameZH: "涤纶线", Kind: "thread", Supplier: "Coats China",
		Colour: "White", Unit: "m", Consumption: 30})

	throat := canvas.Below(b.T(0.58), 11)
	laceEnd := canvas.Below(b.T(0.39), 5)
	collarFront := canvas.Below(b.T(0.37), 7)
	collar := []models.Point{collarFront, b.P(0.24, b.T(0.24).Y-14), b.P(0.1, last.BackHeight+4)}
	quarterFront := []models.Point{b.F(0.46), b.P(0.5, 30), b.P(0.54, 50)}

	vamp := b.piece(pieceSpec{name: "Vamp", zh: "前帮", role: "vamp", order: 1, material: mesh},
		run(models.AllowLasting, b.F(0.40), b.F(0.55), b.F(0.75), b.F(0.93)),
		run(models.AllowNone, b.toe(), b.T(0.975), b.T(0.88), b.T(0.72)),
		run(models.AllowSeam, b.T(0.62), canvas.Below(b.T(0.6), 8)),
		run(models.AllowLap, canvas.Below(b.T(0.58), 15), b.P(0.5, 42), b.P(0.44, 14)),
	)
	toeCap := b.piece(pieceSpec{name: "Toe cap", zh: "鞋头", role: "toecap", order: 4, material: suede, rows: 1},
		run(models.AllowLasting, b.F(0.62), b.F(0.8), b.F(0.95)),
		run(models.AllowNone, b.toe(), b.T(0.95)),
		run(models.AllowNone, b.T(0.90), b.P(0.83, 24), b.P(0.72, 14)),
	)
	quarterRuns := func(drop float64) []canvas.EdgeRun {
		return []canvas.EdgeRun{
			run(models.AllowLasting, b.F(0), b.F(0.15), b.F(0.3)),
			run(models.AllowNone, quarterFront...),
			run(models.AllowFold, throat, canvas.Below(b.T(0.48), 7)),
			run(models.AllowFold, laceEnd),
			run(models.AllowFold, canvas.Below(collar[0], drop), canvas.Below(collar[1], drop), canvas.Below(collar[2], drop)),
			run(models.AllowSeam, b.K(last.BackHeight), b.K(last.BackHeight*0.45)),
		}
	}
	qLat := b.piece(pieceSpec{name: "Quarter lateral", zh: "后帮外怀", role: "quarter", order: 3, material: suede, rows: 2}, quarterRuns(0)...)
	qMed := b.piece(pieceSpec{name: "Quarter medial", zh: "后帮内怀", role: "quarter", order: 3, material: suede, rows: 2}, quarterRuns(2)...)
	eyestay := b.piece(pieceSpec{name: "Eyestay", zh: "眼盖", role: "eyestay", order: 6, material: pu, rows: 1},
		run(models.AllowFold, throat, canvas.Below(b.T(0.48), 7)),
		run(models.AllowNone, laceEnd, canvas.Below(b.T(0.39), 23)),
		run(models.AllowNone, canvas.Below(b.T(0.48), 26), canvas.Below(b.T(0.56), 25)),
	)
	stripe := b.piece(pieceSpec{name: "Side stripe lateral", zh: "侧饰条外怀", role: "overlay", order: 5, material: pu, rows: 1},
		run(models.AllowNone, b.P(0.30, 6), b.P(0.42, 22), b.P(0.52, 40)),
		run(models.AllowNone, b.P(0.555, 46), b.P(0.52, 30)),
		run(models.AllowNone, b.P(0.44, 10), b.P(0.36, 3)),
	)
	counter := b.piece(pieceSpec{name: "Heel counter", zh: "后套", role: "counter", order: 6, material: pu, rows: 2},
		run(models.AllowLasting, b.F(0), b.F(0.14), b.F(0.27)),
		run(models.AllowNone, b.F(0.3), b.P(0.2, 26), b.P(0.08, 44)),
		run(models.AllowSeam, b.K(48), b.K(22)),
	)
	collarPad := b.piece(pieceSpec{name: "Collar", zh: "鞋口", role: "collar", order: 7, material: suede, rows: 1},
		run(models.AllowFold, collar[0], collar[1], collar[2]),
		run(models.AllowSeam, b.K(last.BackHeight)),
		run(models.AllowNone, b.K(last.BackHeight-14), b.P(0.12, last.BackHeight-12), b.P(0.25, b.T(0.25).Y-30)),
		run(models.AllowNone, canvas.Below(b.T(0.36), 22)),
	)
	tongue := b.piece(pieceSpec{name: "Tongue", zh: "鞋舌", role: "tongue", order: 0, material: mesh, grain: 90},
		run(models.AllowNone, b.T(0.63), b.T(0.5), b.T(0.36), canvas.Offset(b.T(0.34), 0, 6)),
		run(models.AllowFold, canvas.Offset(b.T(0.325), -1, 9), b.P(0.31, b.T(0.31).Y-6), b.P(0.315, b.T(0.315).Y-22)),
		run(models.AllowFold, canvas.Below(b.T(0.34), 27), canvas.Below(b.T(0.5), 27)),
		run(models.AllowLap, canvas.Below(b.T(0.62), 22)),
	)
	lining := b.piece(pieceSpec{name: "Quarter lining", zh: "后帮里", role: "lining", order: -1, material: lin, qty: 2, mirror: true},
		run(models.AllowLasting, b.F(0), b.F(0.25), b.F(0.5)),
		run(models.AllowNone, b.F(0.55), b.P(0.58, 42), canvas.Below(b.T(0.58), 12)),
		run(models.AllowNone, canvas.Below(b.T(0.48), 9), laceEnd),
		run(models.AllowNone, canvas.Offset(collar[0], 0, 2), canvas.Offset(collar[1], 0, 2), canvas.Offset(collar[2], 0, 2)),
		run(models.AllowSeam, canvas.Offset(b.K(last.BackHeight), 0, 2), b.K(last.BackHeight*0.45)),
	)
	_ = lining

	b.line("Toe cap line", models.LineStyle, b.T(0.90), b.P(0.83, 24), b.P(0.72, 14), b.F(0.62))
	b.line("Quarter front", models.LineStyle, quarterFront...)
	b.line("Collar", models.LineStyle, collar...)
	b.line("Counter line", models.LineStyle, b.F(0.3), b.P(0.2, 26), b.P(0.08, 44))
	b.line("Lace edge", models.LineFold, throat, canvas.Below(b.T(0.48), 7), laceEnd)
	b.line("Centre line", models.LineCentre, b.T(0.25), b.T(0.5), b.T(0.75), b.T(0.95))

	for i := 0; i < 6; i++ {
		f := 0.412 + float64(i)*0.027
		b.mark(eyestay, models.MarkEyelet, canvas.Below(b.T(f), 14+4*float64(i)/5), 5)
	}
	// Ventilation holes in the toe cap.
	for r := 0; r < 2; r++ {
		for i := 0; i < 5; i++ {
			b.mark(toeCap, models.MarkPunch, b.P(0.80+0.025*float64(i), 8+6*float64(r)+float64(i)), 2)
		}
	}
	b.notches(vamp, b.F(0.46), b.F(0.62))
	b.notches(qLat, b.F(0.3), quarterFront[1])
	b.notches(qMed, b.F(0.3), quarterFront[1])
	b.notches(counter, b.F(0.27))
	b.notches(tongue, canvas.Below(b.T(0.62), 22))

	white := map[models.ID]models.ColourwayPart{}
	night := map[models.ID]models.ColourwayPart{}
	for _, p := range b.d.Pieces {
		white[p.ID] = part(p.Material, "White", "#F4F4F1")
		night[p.ID] = part(p.Material, "Navy", "#1F2A44")
	}
	white[qLat] = part(suede, "Cool grey", "#9EA2A2")
	white[qMed] = part(suede, "Cool grey", "#9EA2A2")
	white[toeCap] = part(suede, "Cool grey", "#9EA2A2")
	white[stripe] = part(pu, "Signal red", "#D22630")
	white[lining] = part(lin, "Grey", "#C8C9C7")
	night[stripe] = part(pu, "Volt", "#CEDC00")
	night[collarPad] = part(suede, "Charcoal", "#3C3C3C")
	night[qLat] = part(suede, "Charcoal", "#3C3C3C")
	night[qMed] = part(suede, "Charcoal", "#3C3C3C")
	night[lining] = part(lin, "Grey", "#C8C9C7")
	b.colourway("Cloud white", "云白", white)
	b.colourway("Night navy", "藏青", night)
	return b.finish()
}
