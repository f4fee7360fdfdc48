package models

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"math/rand/v2"
)

// Test generators: random but valid designs, built from a seeded source so
// failures reproduce.

func randID(r *rand.Rand) ID { return ID(fmt.Sprintf("%016x", r.Uint64())) }

// randPath returns a path of n cubic segments, closed or open.
func randPath(r *rand.Rand, n int, closed bool) Path {
	pts := make([]Point, 1+3*n)
	for i := range pts {
		pts[i] = Pt(float64(r.IntN(3000))/10, float64(r.IntN(1500))/10)
	}
	if closed {
		pts[len(pts)-1] = pts[0]
	}
	return Path{Points: pts, Closed: closed}
}

// sampleDesign is a small, realistic, valid men's derby.
func sampleDesign() *Design {
	d := &Design{ID: "0123456789abcdef", Meta: DefaultMeta(Men), Last: DefaultLast(Men, 260)}
	d.Meta.Name = "Oxford Derby"
	d.Meta.NameZH = "德比鞋"
	d.Meta.StyleNo = "CW-24A-001"
	d.Meta.Season = "AW24"
	d.Meta.Category = "derby"
	d.Meta.PairsPerCarton = map[string]int{"250": 2, "260": 4}
	leather := Material{ID: "aaaaaaaaaaaaaaa1", Name: "Calf leather", NameZH: "小牛皮", Kind: "leather", Unit: "dm2", Thickness: 1.4, Colour: "black"}
	lining := Material{ID: "aaaaaaaaaaaaaaa2", Name: "Pig lining", Kind: "leather", Unit: "dm2", Thickness: 0.8}
	vampLine := StyleLine{ID: "bbbbbbbbbbbbbbb1", Name: "vamp line", Kind: LineStyle, Path: Path{Points: []Point{Pt(120, 0), Pt(125, 20), Pt(130, 40), Pt(140, 60)}}}
	vamp := Piece{ID: "ccccccccccccccc1", Name: "vamp", NameZH: "前帮", Role: "vamp", Quantity: 1, Material: leather.ID, Order: 1,
		Outline: Path{Closed: true, Points: []Point{Pt(120, 0), Pt(180, 0), Pt(240, 0), Pt(270, 20), Pt(250, 60), Pt(200, 80), Pt(140, 60), Pt(130, 40), Pt(125, 20), Pt(120, 0)}},
		Edges:   []AllowanceKind{AllowLasting, AllowFold, AllowLap}, Lines: []ID{vampLine.ID}, StitchRows: 2}
	quarter := Piece{ID: "ccccccccccccccc2", Name: "quarter", Role: "quarter", Quantity: 2, Mirror: true, Material: leather.ID,
		Outline: Path{Closed: true, Points: []Point{Pt(0, 0), Pt(50, 0), Pt(100, 0), Pt(125, 0), Pt(130, 40), Pt(100, 70), Pt(0, 65), Pt(0, 40), Pt(0, 20), Pt(0, 0)}}}
	d.StyleLines = []StyleLine{vampLine}
	d.Pieces = []Piece{vamp, quarter}
	d.Materials = []Material{leather, lining}
	d.Marks = []Mark{{ID: "ddddddddddddddd1", Piece: vamp.ID, Kind: MarkNotch, At: Pt(140, 60), Size: 2, Width: 1}}
	d.Colourways = []Colourway{{ID: "eeeeeeeeeeeeeee1", Name: "Black", Parts: map[ID]ColourwayPart{vamp.ID: {Material: leather.ID, Colour: "black", Hex: "#101010"}}}}
	return d
}

// randomDesign returns a valid design with a few of every element kind.
func randomDesign(r *rand.Rand) *Design {
	g := []Gender{Men, Women, Unisex, Kids}[r.IntN(4)]
	base := 200 + 5*float64(r.IntN(14))
	d := &Design{ID: randID(r), Meta: DefaultMeta(g), Last: DefaultLast(g, base)}
	d.Meta.BaseSize = base
	d.Meta.SizeRun = []float64{base - 10, base - 5, base, base + 5}
	d.Meta.Name = fmt.Sprintf("Design %d", r.IntN(1000))
	d.Meta.StyleNo = fmt.Sprintf("CW-%03d", r.IntN(1000))
	if r.IntN(2) == 0 {
		d.Meta.Notes = "notes 备注"
	}
	for range 1 + r.IntN(3) {
		d.Materials = append(d.Materials, Material{ID: randID(r), Name: "mat", Unit: "dm2", Thickness: float64(r.IntN(30)) / 10, SizeSpecific: r.IntN(2) == 0})
	}
	for range r.IntN(4) {
		d.StyleLines = append(d.StyleLines, StyleLine{ID: randID(r), Name: "line", Kind: LineStyle, Path: randPath(r, 1+r.IntN(4), false)})
	}
	for range 1 + r.IntN(3) {
		p := Piece{ID: randID(r), Name: "piece", Role: "vamp", Quantity: 1 + r.IntN(2), Outline: randPath(r, 2+r.IntN(4), true),
			Material: d.Materials[r.IntN(len(d.Materials))].ID, GrainAngle: float64(r.IntN(90)), Order: r.IntN(10)}
		if r.IntN(2) == 0 {
			p.Edges = []AllowanceKind{AllowLasting, AllowSeam}
		}
		if len(d.StyleLines) > 0 && r.IntN(2) == 0 {
			p.Lines = []ID{d.StyleLines[0].ID}
		}
		d.Pieces = append(d.Pieces, p)
	}
	for range r.IntN(3) {
		d.Marks = append(d.Marks, Mark{ID: randID(r), Piece: d.Pieces[r.IntN(len(d.Pieces))].ID, Kind: MarkPunch, At: Pt(10, 10), Size: 3})
	}
	for range r.IntN(2) {
		cw := Colourway{ID: randID(r), Name: "cw", Parts: map[ID]ColourwayPart{}}
		for _, p := range d.Pieces {
			cw.Parts[p.ID] = ColourwayPart{Colour: "red", Hex: "#aa0000"}
		}
		d.Colourways = append(d.Colourways, cw)
	}
	for range r.IntN(3) {
		d.Dimensions = append(d.Dimensions, Dimension{ID: randID(r), A: randPt(r), B: randPt(r)})
	}
	if r.IntN(4) == 0 {
		img := tinyImage(1+r.IntN(6), 1+r.IntN(6))
		img.ID = randID(r)
		d.Images = []Image{img}
		d.Underlays = []Underlay{{ID: randID(r), Image: img.ID, Origin: randPt(r), MMPerPx: 0.25, Opacity: 0.5}}
	}
	d.Normalize()
	return d
}

func randPt(r *rand.Rand) Point { return Pt(float64(r.IntN(3000))/10, float64(r.IntN(1500))/10) }

// tinyImage is a w×h grey PNG as an Image element without an ID.
func tinyImage(w, h int) Image {
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 37)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err) // in-memory encode of a valid image
	}
	return Image{Format: ImagePNG, Width: w, Height: h, Data: b.Bytes()}
}
