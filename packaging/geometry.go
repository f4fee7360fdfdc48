package packaging

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"cordwain/canvas"
	"cordwain/models"
)

// flatTol is the flattening tolerance for piece geometry, mm.
const flatTol = 0.05

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

// gradedDesign is d at size (foot length, mm) through [canvas.GradeDesign],
// the grading the editor uses. A design without a base size, or the base
// size itself, is used as it is.
func gradedDesign(d *models.Design, size float64) (*models.Design, error) {
	if !(d.Meta.BaseSize > 0) || size == d.Meta.BaseSize || !(size > 0) {
		return d, nil
	}
	g, err := canvas.GradeDesign(d, size)
	if err != nil {
		return nil, fmt.Errorf("grading %s to %s: %w", d.Meta.StyleNo, fmtSize(size), err)
	}
	return g, nil
}

// piecesAt returns the geometry of every piece of d at size, in tech-pack
// order.
func piecesAt(d *models.Design, size float64) ([]pieceGeom, error) {
	g, err := gradedDesign(d, size)
	if err != nil {
		return nil, err
	}
	var out []pieceGeom
	for _, pc := range sortedPieces(g) {
		pg, err := pieceGeometry(g, pc, size)
		if err != nil {
			return nil, err
		}
		out = append(out, pg)
	}
	return out, nil
}

// pieceGeometry works out pc of the (already graded) design g.
func pieceGeometry(g *models.Design, pc *models.Piece, size float64) (pieceGeom, error) {
	net, err := canvas.NetOutline(pc, flatTol)
	if err != nil {
		return pieceGeom{}, fmt.Errorf("piece geometry: %w", err)
	}
	cut, err := canvas.CutOutline(pc, g.Meta, flatTol)
	if err != nil {
		return pieceGeom{}, fmt.Errorf("piece geometry: %w", err)
	}
	stitch, err := canvas.StitchLines(pc, g.Meta, flatTol)
	if err != nil {
		stitch = nil // a piece too narrow for its stitch rows still gets cut
	}
	var marks []models.Mark
	for _, m := range g.Marks {
		if m.Piece == pc.ID {
			marks = append(marks, m)
		}
	}
	return pieceGeom{
		piece: *pc, size: size, net: net, cut: cut, stitch: stitch, marks: marks,
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

// sizeIn is the size of foot length footMM of d in a system as a bare
// number ("40", "6.5"), from the design's last length at that size
// ([canvas.DesignSize]): the size table's column header names the system.
func sizeIn(d *models.Design, sys models.SizeSystem, footMM float64) string {
	s, err := canvas.DesignSize(d, sys, footMM)
	if err != nil {
		return "—"
	}
	f := strings.Fields(canvas.FormatSize(sys, s))
	if len(f) == 0 {
		return "—"
	}
	// "½" as ".5": not every PDF viewer shows the subset font's fraction.
	v := strings.ReplaceAll(f[len(f)-1], "½", ".5")
	if strings.HasPrefix(v, ".") {
		v = "0" + v
	}
	return v
}

// fmtSize formats a number without trailing zeros ("250", "6.5").
func fmtSize(v float64) string { return fmt.Sprintf("%g", math.Round(v*100)/100) }
