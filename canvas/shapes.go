package canvas

import "cordwain/models"

// PieceShape is one piece as drawn in a view: a closed ring in view
// millimetres per side shown (the top and back views show a piece on both
// halves).
type PieceShape struct {
	ID    models.ID
	Role  string
	Rings [][]Point
}

// Shapes is a design as one view draws it, flattened to polygons in view
// millimetres (model y up): the last's outlines and every visible piece.
// It is what hit testing in a view and checks of the drawing (does the upper
// follow its last?) need, without painting.
type Shapes struct {
	Last   [][]Point
	Pieces []PieceShape
}

// ViewShapes lays out d as [DrawDesign] would for opt.View and opt.Size,
// and returns the flattened outlines.
func ViewShapes(d *models.Design, opt DrawOptions) (*Shapes, error) {
	sc, err := buildScene(d, opt)
	if err != nil {
		return nil, err
	}
	out := &Shapes{}
	for _, p := range sc.last {
		out.Last = append(out.Last, flattenDrawPath(p, 0.1)...)
	}
	for _, sp := range sc.pieces {
		out.Pieces = append(out.Pieces, PieceShape{ID: sp.piece.ID, Role: sp.piece.Role, Rings: sp.polys})
	}
	return out, nil
}

// flattenDrawPath flattens each subpath of p to a polyline.
func flattenDrawPath(p *Path, tol float64) [][]Point {
	var out [][]Point
	var cur []Point
	for _, s := range p.Segs {
		switch s.Op {
		case OpMove:
			if len(cur) > 1 {
				out = append(out, cur)
			}
			cur = []Point{s.Pts[0]}
		case OpLine:
			cur = append(cur, s.Pts[0])
		case OpCubic:
			if len(cur) == 0 {
				continue
			}
			cur = Cubic{cur[len(cur)-1], s.Pts[0], s.Pts[1], s.Pts[2]}.Flatten(tol, cur)
		}
	}
	if len(cur) > 1 {
		out = append(out, cur)
	}
	return out
}

// SceneBounds is the area d covers in opt.View (view mm): what fitting the
// drawing to a window frames.
func SceneBounds(d *models.Design, opt DrawOptions) (Rect, error) {
	sc, err := buildScene(d, opt)
	if err != nil {
		return Rect{}, err
	}
	return sc.bounds, nil
}
