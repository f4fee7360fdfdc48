// Package canvas is Cordwain's geometry and drawing core, in millimetres:
// Bézier paths, flattening, offsets and hit tests, the parametric last, size
// systems and grading, and drawing a design through a [Painter]. It imports
// no Fyne.
package canvas

import "cordwain/models"

// Op is a path operation.
type Op uint8

// Path operations.
const (
	OpMove Op = iota
	OpLine
	OpCubic
	OpClose
)

// Seg is one path operation with its points: one for move and line, three
// (two controls and the end) for cubic, none for close.
type Seg struct {
	Op  Op
	Pts [3]models.Point
}

// Path is a backend-neutral outline built from moves, lines and cubic
// Béziers, in millimetres.
type Path struct {
	Segs []Seg
}

// MoveTo starts a new subpath at (x, y).
func (p *Path) MoveTo(x, y float64) {
	p.Segs = append(p.Segs, Seg{Op: OpMove, Pts: [3]models.Point{{X: x, Y: y}}})
}

// LineTo adds a straight line to (x, y).
func (p *Path) LineTo(x, y float64) {
	p.Segs = append(p.Segs, Seg{Op: OpLine, Pts: [3]models.Point{{X: x, Y: y}}})
}

// CubicTo adds a cubic Bézier with controls (x1, y1), (x2, y2) ending at (x, y).
func (p *Path) CubicTo(x1, y1, x2, y2, x, y float64) {
	p.Segs = append(p.Segs, Seg{Op: OpCubic, Pts: [3]models.Point{{X: x1, Y: y1}, {X: x2, Y: y2}, {X: x, Y: y}}})
}

// Close closes the current subpath.
func (p *Path) Close() { p.Segs = append(p.Segs, Seg{Op: OpClose}) }

// Empty reports whether p has no segments.
func (p *Path) Empty() bool { return len(p.Segs) == 0 }

// FromModel converts a model Bézier chain to a drawable path.
func FromModel(mp models.Path) *Path {
	var p Path
	if len(mp.Points) == 0 {
		return &p
	}
	p.MoveTo(mp.Points[0].X, mp.Points[0].Y)
	for i := 1; i+2 < len(mp.Points); i += 3 {
		c1, c2, e := mp.Points[i], mp.Points[i+1], mp.Points[i+2]
		p.CubicTo(c1.X, c1.Y, c2.X, c2.Y, e.X, e.Y)
	}
	if mp.Closed {
		p.Close()
	}
	return &p
}
