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
	area   float64     // cut area as drawn (half of it for a half pattern), mm²
	// fullArea is the cut area of the whole piece, mm²: what a shoe uses.
	fullArea float64
	// folded marks a half pattern cut on the fold; fold is the mirror
	// line's stretch on the cut outline. unfolded marks a half pattern
	// drawn whole (fold is then its centre line, for reference).
	folded, unfolded bool
	fold             [2]models.Point
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
// order: half patterns on the fold, or whole when unfold is set.
func piecesAt(d *models.Design, size float64, unfold bool) ([]pieceGeom, error) {
	g, err := gradedDesign(d, size)
	if err != nil {
		return nil, err
	}
	// Half patterns are found once, on the base design, so every size
	// cuts the same pieces on the fold.
	folds := designFolds(d)
	var out []pieceGeom
	for _, pc := range sortedPieces(g) {
		pg, err := pieceGeometry(g, pc, size, folds[pc.ID], unfold)
		if err != nil {
			return nil, err
		}
		out = append(out, pg)
	}
	return out, nil
}

// designFolds finds the half patterns of d: the centre-line run of each
// piece that has one.
func designFolds(d *models.Design) map[models.ID]*foldRun {
	top := topLine(d)
	out := map[models.ID]*foldRun{}
	for i := range d.Pieces {
		if f, ok := findFold(top, &d.Pieces[i]); ok {
			out[d.Pieces[i].ID] = &f
		}
	}
	return out
}

// pieceGeometry works out pc of the (already graded) design g; fold (may
// be nil) is its centre-line run, found on the base design.
func pieceGeometry(g *models.Design, pc *models.Piece, size float64, fold *foldRun, unfold bool) (pieceGeom, error) {
	var marks []models.Mark
	for _, m := range g.Marks {
		if m.Piece == pc.ID {
			marks = append(marks, m)
		}
	}
	var f foldRun
	half := fold != nil
	if half {
		// The same run of segments, at this size's positions.
		cs := canvas.Cubics(pc.Outline)
		if fold.first >= len(cs) || fold.last >= len(cs) {
			half = false
		} else {
			f = foldRun{first: fold.first, last: fold.last, a: cs[fold.first][0], b: cs[fold.last][3]}
		}
	}
	work := pc
	var full models.Piece
	if half {
		full = unfoldPiece(pc, f)
		// A piece whose mirror image overlaps it reaches over the centre
		// line: it is cut as drawn.
		half = !canvas.SelfIntersects(canvas.FlattenPath(full.Outline, flatTol), true)
		if _, err := canvas.CutOutline(&full, g.Meta, flatTol); err != nil {
			half = false
		}
	}
	if half {
		work = &full
		n := len(marks)
		for _, m := range marks[:n] {
			if math.Abs(side(m.At, f.a, f.b)) > 1e-6*dist(f.a, f.b) {
				m.At = mirrorAbout(m.At, f.a, f.b)
				marks = append(marks, m)
			}
		}
	}
	net, err := canvas.NetOutline(work, flatTol)
	if err != nil {
		return pieceGeom{}, fmt.Errorf("piece geometry: %w", err)
	}
	cut, err := canvas.CutOutline(work, g.Meta, flatTol)
	if err != nil {
		return pieceGeom{}, fmt.Errorf("piece geometry: %w", err)
	}
	stitch, err := canvas.StitchLines(work, g.Meta, flatTol)
	if err != nil {
		stitch = nil // a piece too narrow for its stitch rows still gets cut
	}
	pg := pieceGeom{piece: *pc, size: size, net: net, cut: cut, stitch: stitch, marks: marks}
	pg.fullArea = math.Abs(canvas.SignedArea(cut))
	if half {
		pg.piece = *work
		pg.unfolded = true
		if !unfold {
			// Cut along the fold, keeping the side the designer drew.
			keep := math.Copysign(1, side(centroid(canvas.FlattenPath(pc.Outline, 0.5)), f.a, f.b))
			pg.piece = *pc
			pg.unfolded, pg.folded = false, true
			pg.net = clipRing(net, f.a, f.b, keep)
			pg.cut = clipRing(cut, f.a, f.b, keep)
			pg.stitch = nil
			for _, st := range stitch {
				pg.stitch = append(pg.stitch, clipPolyline(st, f.a, f.b, keep)...)
			}
			pg.marks = pg.marks[:0]
			for _, m := range marks {
				if side(m.At, f.a, f.b)*keep >= -1e-6 {
					pg.marks = append(pg.marks, m)
				}
			}
		}
		a, b := foldSpan(pg.cut, f.a, f.b)
		if pg.unfolded {
			a, b = foldSpan(clipRing(pg.cut, f.a, f.b, 1), f.a, f.b)
		}
		pg.fold = [2]models.Point{a, b}
	}
	pg.bounds = canvas.PolylineBounds(pg.cut)
	pg.area = math.Abs(canvas.SignedArea(pg.cut))
	return pg, nil
}

// perShoe is how many of a piece one shoe takes; perPair doubles it (the
// other shoe's pieces are the same patterns flipped).
func perShoe(pc models.Piece) int { return max(pc.Quantity, 1) }

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
