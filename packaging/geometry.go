package packaging

import (
	"fmt"
	"math"
	"sort"

	"cordwain/canvas"
	"cordwain/models"
)

// flatTol is the flattening tolerance for piece geometry, mm.
const flatTol = 0.05

// Grading and size conversion below are small adapters until canvas offers
// its own (DOMAIN.md "Sizes and grading"); they are deliberately simple and
// documented so the workshop can check them.

// girthPerLength is how much a pattern grows across (girth) per millimetre
// it grows along (length): EU grading is +6.67 mm length / +5 mm girth.
const girthPerLength = 5 / 6.67

// gradeFactors are the length (x) and girth (y) scale factors that take the
// base-size pattern to size (foot length, mm), about the mean form's origin
// (heel point on the featherline), the grade centre.
func gradeFactors(d *models.Design, size float64) (fx, fy float64) {
	base := d.Meta.BaseSize
	if !(base > 0) || size == base {
		return 1, 1
	}
	length := d.Last.BottomLength
	if !(length > 0) {
		length = base + 15
	}
	girth := d.Last.BallGirth
	if !(girth > 0) {
		girth = 0.9 * length
	}
	dl := size - base // CN/Mondopoint: the last grows as the foot does
	return 1 + dl/length, 1 + dl*girthPerLength/girth
}

// gradePiece returns a copy of pc scaled to size, and its marks.
func gradePiece(d *models.Design, pc *models.Piece, size float64) (models.Piece, []models.Mark) {
	fx, fy := gradeFactors(d, size)
	g := *pc
	g.Outline.Points = make([]models.Point, len(pc.Outline.Points))
	for i, p := range pc.Outline.Points {
		g.Outline.Points[i] = models.Pt(p.X*fx, p.Y*fy)
	}
	var marks []models.Mark
	for _, m := range d.Marks {
		if m.Piece == pc.ID {
			m.At = models.Pt(m.At.X*fx, m.At.Y*fy)
			marks = append(marks, m)
		}
	}
	return g, marks
}

// pieceGeom is a piece ready to draw or cut at one size.
type pieceGeom struct {
	piece  models.Piece
	size   float64
	net    []models.Point
	cut    []models.Point
	stitch [][]models.Point
	marks  []models.Mark
	bounds canvas.Rect // of the cut outline
	area   float64     // cut area, mm²
}

func pieceGeometry(d *models.Design, pc *models.Piece, size float64) (pieceGeom, error) {
	g, marks := gradePiece(d, pc, size)
	net, err := canvas.NetOutline(&g, flatTol)
	if err != nil {
		return pieceGeom{}, fmt.Errorf("piece geometry: %w", err)
	}
	cut, err := canvas.CutOutline(&g, d.Meta, flatTol)
	if err != nil {
		return pieceGeom{}, fmt.Errorf("piece geometry: %w", err)
	}
	stitch, err := canvas.StitchLines(&g, d.Meta, flatTol)
	if err != nil {
		stitch = nil // a piece too narrow for its stitch rows still gets cut
	}
	return pieceGeom{
		piece: g, size: size, net: net, cut: cut, stitch: stitch, marks: marks,
		bounds: canvas.PolylineBounds(cut), area: math.Abs(canvas.SignedArea(cut)),
	}, nil
}

// sortedPieces returns the design's pieces in tech-pack order.
func sortedPieces(d *models.Design) []*models.Piece {
	out := make([]*models.Piece, len(d.Pieces))
	for i := range d.Pieces {
		out[i] = &d.Pieces[i]
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Order != out[j].Order {
			return out[i].Order < out[j].Order
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// Size conversions for the size table (DOMAIN.md; none is exact).

// sizeEU uses the legacy Chinese conversion CN_mm = 5·(EU + 10).
func sizeEU(cn float64) float64 { return cn/5 - 10 }

// sizeUK goes through the EU last length (6.6667·EU) and the barleycorn
// formula L = 8.4667·(UK + 25), rounded to half sizes.
func sizeUK(cn float64) float64 {
	l := 6.6667 * sizeEU(cn)
	return math.Round((l/8.4667-25)*2) / 2
}

// sizeUS: US men = UK + 1, US women = UK + 2.5 (same last length).
func sizeUS(cn float64, g models.Gender) float64 {
	if g == models.Women {
		return sizeUK(cn) + 2.5
	}
	return sizeUK(cn) + 1
}

// fmtSize formats a size without trailing zeros ("250", "6.5").
func fmtSize(v float64) string { return fmt.Sprintf("%g", math.Round(v*100)/100) }
