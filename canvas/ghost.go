package canvas

import (
	"image/color"

	"cordwain/models"
)

// Colours of a ghosted last: a faint wash under the drawing and a dashed
// outline over it.
var (
	colGhostFill = color.NRGBA{R: 0x7a, G: 0x5c, B: 0xc0, A: 0x30}
	colGhostLine = color.NRGBA{R: 0x6a, G: 0x3c, B: 0xc0, A: 0xc0}
)

// ColGhost is the colour of a ghosted last's outline (for legends).
var ColGhost color.Color = colGhostLine

// lastOutline is the outline of g in a view, in that view's coordinates
// (the path the scene fills as the last).
func lastOutline(g *LastGeometry, view View) *Path {
	switch view {
	case ViewMeanForm:
		return FromModel(g.MeanForm)
	case ViewLateral:
		return FromModel(g.Lateral)
	case ViewMedial:
		return FromModel(mirrorX(g.Medial))
	case ViewTop:
		return FromModel(g.Top)
	case ViewBack:
		return FromModel(g.Back)
	case ViewBottom:
		return FromModel(g.Bottom)
	}
	return nil
}

// ghostOutline is the outline of the last opt.Ghost (another version's
// last, in a comparison) in the scene's view and at the drawn size, or nil
// when there is none or it does not generate.
func ghostOutline(d *models.Design, opt DrawOptions, view View) *Path {
	if opt.Ghost == nil || opt.Only != nil || opt.Hide.Has(LayerLast) {
		return nil
	}
	l := *opt.Ghost
	if opt.Size > 0 && opt.Size != d.Meta.BaseSize {
		// Graded like the drawn design: the ghost's own last at that size.
		gd := *d
		gd.Last = l
		_, graded, err := DesignGradeFactors(&gd, opt.Size)
		if err != nil {
			return nil
		}
		l = graded
	}
	g, err := NewLastGeometry(l)
	if err != nil {
		return nil
	}
	return lastOutline(g, view)
}

// drawGhostUnder washes the ghost's area under the drawing.
func (sc *scene) drawGhostUnder(p Painter) {
	if sc.ghost == nil {
		return
	}
	p.SetFillColor(colGhostFill)
	p.Fill(sc.ghost)
}

// drawGhostOver dashes the ghost's outline over the drawing, so it shows
// where the pieces cover the last, and outlines the drawn last in its
// highlight colour when the comparison highlights it.
func (sc *scene) drawGhostOver(p Painter, opt DrawOptions) {
	if c, ok := opt.Highlight[models.LastID]; ok && c != nil {
		p.SetDash()
		p.SetStrokeColor(c)
		p.SetLineWidth(0.6)
		for _, l := range sc.last {
			p.Stroke(l)
		}
	}
	if sc.ghost == nil {
		return
	}
	p.SetStrokeColor(colGhostLine)
	p.SetLineWidth(0.45)
	p.SetDash(2, 1.2)
	p.Stroke(sc.ghost)
	p.SetDash()
}
