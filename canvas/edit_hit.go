package canvas

import (
	"math"
	"slices"
	"sort"

	"cordwain/models"
)

// Editing happens on the mean form, where view coordinates are model
// coordinates: the functions here take mean form millimetres.

// HitPoint finds the point of the elements in within nearest q and no
// farther than tol: their knots and handles. ok is false when none is.
func HitPoint(d *models.Design, in []models.ID, q Point, tol float64) (ref PointRef, ok bool) {
	best := tol
	for _, id := range in {
		p, has := ElemPath(models.FindElem(d, id))
		if !has {
			continue
		}
		n := len(p.Points)
		for i, pt := range p.Points {
			if p.Closed && i == n-1 {
				continue // the seam knot is point 0
			}
			if dd := dist(pt, q); dd <= best {
				// A knot under its own handle wins: handles start on it.
				if ok && dd == best && i%3 != 0 {
					continue
				}
				best, ref, ok = dd, PointRef{Elem: id, Index: i}, true
			}
		}
	}
	return ref, ok
}

// HitElement names the element under q on the mean form: a dimension
// within tol of its line, a mark within its radius plus tol, then a style line within tol, then the topmost
// piece containing q (or within tol of its edge). hidden and locked
// layers are skipped. "" when nothing is hit.
func HitElement(d *models.Design, q Point, tol float64, skip Layers) models.ID {
	if !skip.Has(LayerDimensions) {
		for i := len(d.Dimensions) - 1; i >= 0; i-- {
			dm := d.Dimensions[i]
			if DistToPolyline([]Point{dm.A, dm.B}, q, false) <= tol {
				return dm.ID
			}
		}
	}
	if !skip.Has(LayerMarks) {
		for i := len(d.Marks) - 1; i >= 0; i-- {
			m := d.Marks[i]
			if dist(m.At, q) <= math.Max(m.Size/2, 1)+tol {
				return m.ID
			}
		}
	}
	if !skip.Has(LayerLines) {
		for i := len(d.StyleLines) - 1; i >= 0; i-- {
			sl := d.StyleLines[i]
			if CheckPath(sl.Path) != nil {
				continue
			}
			if DistToPolyline(FlattenPath(sl.Path, 0.1), q, sl.Path.Closed) <= tol {
				return sl.ID
			}
		}
	}
	if !skip.Has(LayerPieces) {
		for _, i := range piecesTopDown(d) {
			pc := d.Pieces[i]
			if CheckPath(pc.Outline) != nil {
				continue
			}
			ring := FlattenPath(pc.Outline, 0.1)
			if PointInPolygon(ring, q) || DistToPolyline(ring, q, true) <= tol {
				return pc.ID
			}
		}
	}
	return ""
}

// piecesTopDown lists piece indexes from the top of the drawing down.
func piecesTopDown(d *models.Design) []int {
	order := make([]int, len(d.Pieces))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return d.Pieces[order[a]].Order > d.Pieces[order[b]].Order })
	return order
}

// BoxSelect returns the elements lying wholly inside r (style lines,
// pieces, marks) and the knots inside r of the elements in, as a
// rubber-band selection in a vector editor does; skip leaves layers out.
func BoxSelect(d *models.Design, r Rect, in []models.ID, skip Layers) (elems []models.ID, knots []PointRef) {
	inside := func(p models.Path) bool {
		b := PathBounds(p)
		return b.NonEmpty && r.Contains(b.Min) && r.Contains(b.Max)
	}
	if !skip.Has(LayerLines) {
		for _, sl := range d.StyleLines {
			if inside(sl.Path) {
				elems = append(elems, sl.ID)
			}
		}
	}
	if !skip.Has(LayerPieces) {
		for _, pc := range d.Pieces {
			if inside(pc.Outline) {
				elems = append(elems, pc.ID)
			}
		}
	}
	if !skip.Has(LayerMarks) {
		for _, m := range d.Marks {
			if r.Contains(m.At) {
				elems = append(elems, m.ID)
			}
		}
	}
	if !skip.Has(LayerDimensions) {
		for _, dm := range d.Dimensions {
			if r.Contains(dm.A) && r.Contains(dm.B) {
				elems = append(elems, dm.ID)
			}
		}
	}
	for _, id := range in {
		p, ok := ElemPath(models.FindElem(d, id))
		if !ok {
			continue
		}
		for i := 0; i < len(p.Points); i += 3 {
			if p.Closed && i == len(p.Points)-1 {
				break
			}
			if r.Contains(p.Points[i]) {
				knots = append(knots, PointRef{Elem: id, Index: i})
			}
		}
	}
	slices.Sort(elems)
	return elems, knots
}

// RectOf is the rectangle spanned by two corners.
func RectOf(a, b Point) Rect {
	var r Rect
	return r.Extend(a).Extend(b)
}

// ElemBounds is the bounding box of elements on the mean form.
func ElemBounds(d *models.Design, ids []models.ID) Rect {
	var r Rect
	for _, id := range ids {
		e := models.FindElem(d, id)
		if p, ok := ElemPath(e); ok {
			r = r.Union(PathBounds(p))
		} else if m, ok := e.(models.Mark); ok {
			r = r.Extend(m.At)
		} else if dm, ok := e.(models.Dimension); ok {
			r = r.Extend(dm.A).Extend(dm.B)
		}
	}
	return r
}
