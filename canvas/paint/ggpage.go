package paint

import (
	"image"
	"image/color"
	"math"

	"github.com/fogleman/gg"
	"golang.org/x/image/font"

	"cordwain/canvas"
)

// GG is a [canvas.Painter] over a gg.Context: the PNG pages of the tech
// pack are drawn with it. gg fills, strokes with true round joins and caps
// at any width, and scales images; text is drawn upright with the same
// font.Drawer as [Raster] (gg would resample every glyph for nothing). The editor uses
// [Raster] instead, whose hairline and span fast paths hold a 1920×1080
// frame under 8 ms, which a gg.Context does not; both draw the same scene
// through the same Painter calls.
//
// Transforms are kept by the shared state stack and applied to points
// here; the gg.Context itself stays at identity, so line widths and
// dashes are device pixels as the Painter contract wants them.
type GG struct {
	dc      *gg.Context
	pxPerMM float64
	// offY shifts the drawing up by offY pixels: a band of a page, drawn
	// beside the other bands (the tech pack renders a page in bands, one per core).
	offY         float64
	pageW, pageH float64 // mm, when the image is a band of a larger page
	stateStack
	faces map[float64]font.Face // by pixel size; nil when the face failed
}

var _ canvas.Painter = (*GG)(nil)

// NewGG makes a w×h pixel image painted at pxPerMM pixels per millimetre.
func NewGG(w, h int, pxPerMM float64) *GG {
	if w < 1 {
		w = 1
	}
	if h < 1 {
		h = 1
	}
	if !(pxPerMM > 0) || math.IsInf(pxPerMM, 0) {
		pxPerMM = 1
	}
	return &GG{
		dc:         gg.NewContextForRGBA(image.NewRGBA(image.Rect(0, 0, w, h))),
		pxPerMM:    pxPerMM,
		stateStack: newStateStack(),
		faces:      map[float64]font.Face{},
	}
}

// RGBA is the image painted so far.
func (g *GG) RGBA() *image.RGBA { return g.dc.Image().(*image.RGBA) }

// Clear fills the whole image with c.
func (g *GG) Clear(c color.Color) {
	g.dc.SetColor(c)
	g.dc.Clear()
}

// NewGGBand makes the band of a pageW × pageH mm page from pixel row offY,
// w × h pixels.
func NewGGBand(w, h int, pxPerMM, offY, pageW, pageH float64) *GG {
	g := NewGG(w, h, pxPerMM)
	g.offY, g.pageW, g.pageH = offY, pageW, pageH
	return g
}

// Size implements [canvas.Painter]: the page, also when drawing a band.
func (g *GG) Size() (w, h float64) {
	if g.pageW > 0 {
		return g.pageW, g.pageH
	}
	return float64(g.dc.Width()) / g.pxPerMM, float64(g.dc.Height()) / g.pxPerMM
}

func (g *GG) device() affine {
	return affine{a: g.pxPerMM, d: g.pxPerMM, f: -g.offY}.mul(g.st.m)
}

// path hands p to gg in device pixels; false when nothing is drawable.
func (g *GG) path(p *canvas.Path) bool {
	if p == nil || len(p.Segs) == 0 {
		return false
	}
	m := g.device()
	g.dc.ClearPath()
	drawn := false
	for _, s := range p.Segs {
		switch s.Op {
		case canvas.OpMove:
			x, y := m.apply(s.Pts[0].X, s.Pts[0].Y)
			if !finite(x, y) {
				return false
			}
			g.dc.MoveTo(x, y)
		case canvas.OpLine:
			x, y := m.apply(s.Pts[0].X, s.Pts[0].Y)
			if !finite(x, y) {
				return false
			}
			g.dc.LineTo(x, y)
			drawn = true
		case canvas.OpCubic:
			x1, y1 := m.apply(s.Pts[0].X, s.Pts[0].Y)
			x2, y2 := m.apply(s.Pts[1].X, s.Pts[1].Y)
			x, y := m.apply(s.Pts[2].X, s.Pts[2].Y)
			if !finite(x1, y1) || !finite(x2, y2) || !finite(x, y) {
				return false
			}
			g.dc.CubicTo(x1, y1, x2, y2, x, y)
			drawn = true
		case canvas.OpClose:
			g.dc.ClosePath()
		}
	}
	return drawn
}

// Stroke implements [canvas.Painter] with round caps and joins.
func (g *GG) Stroke(p *canvas.Path) {
	if !(g.st.lineW > 0) || !g.path(p) {
		g.dc.ClearPath()
		return
	}
	g.dc.SetColor(g.st.stroke)
	g.dc.SetLineWidth(g.st.lineW * g.pxPerMM)
	g.dc.SetLineCapRound()
	g.dc.SetLineJoinRound()
	if g.st.dash != nil {
		d := make([]float64, len(g.st.dash))
		for i, v := range g.st.dash {
			d[i] = math.Max(v*g.pxPerMM, 0.05)
		}
		g.dc.SetDash(d...)
	} else {
		g.dc.SetDash()
	}
	g.dc.Stroke()
}

// Fill implements [canvas.Painter] with the non-zero winding rule.
func (g *GG) Fill(p *canvas.Path) {
	if !g.path(p) {
		g.dc.ClearPath()
		return
	}
	g.dc.SetColor(g.st.fill)
	g.dc.SetFillRuleWinding()
	g.dc.Fill()
}

// Text implements [canvas.Painter]: upright, in the fill colour, in the
// embedded font.
func (g *GG) Text(s string, x, y, size float64, align canvas.Align) {
	if s == "" || !(size > 0) || size > 2000 {
		return
	}
	px := math.Round(size*MMPerPt*g.pxPerMM*4) / 4
	if px < 1 {
		return
	}
	face, seen := g.faces[px]
	if !seen {
		face, _ = newFace(px) // nil on error: the text is skipped
		g.faces[px] = face
	}
	if face == nil {
		return
	}
	ax, ay := g.device().apply(x, y)
	if !finite(ax, ay) {
		return
	}
	ax -= alignOffset(TextWidthMM(s, size)*g.pxPerMM, int(align))
	drawText(g.RGBA(), face, g.st.fill, ax, ay, s)
}

// TextWidth implements [canvas.Painter].
func (g *GG) TextWidth(s string, size float64) float64 { return TextWidthMM(s, size) }

// Image implements [canvas.Painter]: img scaled into the transformed
// rectangle by gg.
func (g *GG) Image(img image.Image, x, y, w, h float64) {
	if img == nil {
		return
	}
	b := img.Bounds()
	if b.Empty() || !(w > 0) || !(h > 0) {
		return
	}
	m := g.device()
	x0, y0 := m.apply(x, y)
	sx, sy := m.a*w/float64(b.Dx()), m.d*h/float64(b.Dy())
	if !finite(x0, y0) || !finite(sx, sy) || m.b != 0 || m.c != 0 {
		return // pages place images upright; a rotated image is not drawn
	}
	g.dc.Push()
	g.dc.Translate(x0, y0)
	g.dc.Scale(sx, sy)
	g.dc.DrawImage(img, -b.Min.X, -b.Min.Y)
	g.dc.Pop()
}
