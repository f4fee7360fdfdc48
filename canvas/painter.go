package canvas

import (
	"image"
	"image/color"
)

// Painter is the one drawing surface of Cordwain: the editor (gg into a
// Fyne raster), PNG pages (gg), PDF pages (fpdf) and SVG all implement it, so
// the workshop gets exactly what the designer saw.
//
// Units are millimetres on the page, origin top-left, y down. Transforms
// apply to path coordinates and text anchors; line widths, dash lengths and
// text sizes are page millimetres (points for text) and are not scaled, and
// text is always drawn upright.
type Painter interface {
	// Size is the page (or viewport) size in millimetres.
	Size() (w, h float64)

	// Push saves the transform, colours, line width and dash; Pop restores.
	Push()
	Pop()
	// Translate, Scale and Rotate (degrees, counter-clockwise on screen)
	// post-multiply the current transform.
	Translate(dx, dy float64)
	Scale(sx, sy float64)
	Rotate(deg float64)

	SetStrokeColor(c color.Color)
	SetFillColor(c color.Color)
	// SetLineWidth sets the stroke width in page millimetres.
	SetLineWidth(mm float64)
	// SetDash sets a dash pattern in page millimetres; none for solid.
	SetDash(mm ...float64)

	Stroke(p *Path)
	Fill(p *Path)

	// Text draws s with its anchor at (x, y) under the current transform,
	// in the embedded font at size points, aligned by align.
	Text(s string, x, y, size float64, align Align)
	// TextWidth is the advance of s at size points, in millimetres.
	TextWidth(s string, size float64) float64

	// Image draws img into the rectangle (x, y, w, h) under the current
	// transform.
	Image(img image.Image, x, y, w, h float64)
}

// Align positions text relative to its anchor.
type Align int

// Alignments: horizontal in the low bits, vertical baseline by default.
const (
	AlignLeft Align = iota
	AlignCenter
	AlignRight
)
