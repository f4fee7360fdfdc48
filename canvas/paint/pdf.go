package paint

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"time"

	"cordwain/assets/fonts"
	"cordwain/canvas"

	"github.com/go-pdf/fpdf"
)

// pdfFont is the family name the embedded font is registered under. fpdf
// names a subset font "utf8" + family, without the six-letter tag PDF
// readers expect of a subset (ISO 32000-1, 9.6.4); Write puts the tag and
// the font's PostScript name in its place. The family is as long as that
// so the swap keeps every byte offset.
const pdfFont = "cordwainsubsetfont20"

// pdfFontPS is the PostScript name of the embedded font.
const pdfFontPS = "WenQuanYiMicroHei"

// PDF is a [canvas.Painter] that writes vector pages with fpdf, in
// millimetres. Text uses the embedded font, added as a UTF-8 font so fpdf
// subsets it to the glyphs used. Transforms are applied to coordinates here
// (not as PDF matrices) so line widths stay page millimetres and text stays
// upright, as the Painter contract asks.
type PDF struct {
	f    *fpdf.Fpdf
	w, h float64
	stateStack
	images int
}

var _ canvas.Painter = (*PDF)(nil)

// NewPDF starts an empty document; call AddPage before drawing.
func NewPDF(title string) *PDF {
	f := fpdf.NewCustom(&fpdf.InitType{UnitStr: "mm", Size: fpdf.SizeType{Wd: 210, Ht: 297}})
	f.SetAutoPageBreak(false, 0)
	f.SetMargins(0, 0, 0)
	f.SetCompression(true)
	f.SetTitle(title, true)
	f.SetProducer("Cordwain", true)
	f.SetCreator("Cordwain", true)
	// Fixed dates keep the output reproducible for checksums in the manifest.
	t := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	f.SetCreationDate(t)
	f.SetModificationDate(t)
	f.SetCatalogSort(true)
	f.AddUTF8FontFromBytes(pdfFont, "", fonts.TTF())
	f.SetLineCapStyle("round")
	f.SetLineJoinStyle("round")
	return &PDF{f: f, stateStack: newStateStack()}
}

// AddPage starts a page of w×h millimetres and resets the painter state.
func (p *PDF) AddPage(w, h float64) {
	orient := "P"
	if w > h {
		orient = "L"
	}
	p.f.AddPageFormat(orient, fpdf.SizeType{Wd: w, Ht: h})
	p.w, p.h = w, h
	p.stateStack = newStateStack()
}

// Write finishes the document onto w.
func (p *PDF) Write(w io.Writer) error {
	if err := p.f.Error(); err != nil {
		return fmt.Errorf("building PDF: %w", err)
	}
	var buf bytes.Buffer
	if err := p.f.Output(&buf); err != nil {
		return fmt.Errorf("writing PDF: %w", err)
	}
	if _, err := w.Write(tagSubsetFont(buf.Bytes())); err != nil {
		return fmt.Errorf("writing PDF: %w", err)
	}
	return nil
}

// tagSubsetFont renames fpdf's "/utf8<family>" to "/ABCDEF+<PostScript
// name>", the tag six capital letters drawn from a hash of the document
// (the same document always gets the same tag). Both names are 25 bytes,
// so the cross-reference table stays right.
func tagSubsetFont(pdf []byte) []byte {
	from := []byte("/utf8" + pdfFont)
	sum := sha256.Sum256(pdf)
	tag := make([]byte, 6)
	for i := range tag {
		tag[i] = 'A' + sum[i]%26
	}
	to := []byte("/" + string(tag) + "+" + pdfFontPS)
	if len(from) != len(to) {
		return pdf // a different font: leave fpdf's name
	}
	return bytes.ReplaceAll(pdf, from, to)
}

// Size implements [canvas.Painter].
func (p *PDF) Size() (w, h float64) { return p.w, p.h }

// rgba8 splits c into 8-bit non-premultiplied components and an opacity.
func rgba8(c color.Color) (r, g, b int, alpha float64) {
	if c == nil {
		return 0, 0, 0, 1
	}
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	return int(n.R), int(n.G), int(n.B), float64(n.A) / 255
}

func (p *PDF) emitPath(path *canvas.Path) bool {
	if path == nil {
		return false
	}
	m, f := p.st.m, p.f
	any, open := false, false
	for _, s := range path.Segs {
		switch s.Op {
		case canvas.OpMove, canvas.OpLine:
			x, y := m.apply(s.Pts[0].X, s.Pts[0].Y)
			if !finite(x, y) {
				continue
			}
			if s.Op == canvas.OpMove || !open {
				f.MoveTo(x, y)
				open = true
			} else {
				f.LineTo(x, y)
				any = true
			}
		case canvas.OpCubic:
			x1, y1 := m.apply(s.Pts[0].X, s.Pts[0].Y)
			x2, y2 := m.apply(s.Pts[1].X, s.Pts[1].Y)
			x, y := m.apply(s.Pts[2].X, s.Pts[2].Y)
			if !finite(x1, y1) || !finite(x2, y2) || !finite(x, y) {
				continue
			}
			if !open {
				f.MoveTo(x, y)
				open = true
				continue
			}
			f.CurveBezierCubicTo(x1, y1, x2, y2, x, y)
			any = true
		case canvas.OpClose:
			if open {
				f.ClosePath()
			}
		}
	}
	return any
}

// Stroke implements [canvas.Painter].
func (p *PDF) Stroke(path *canvas.Path) {
	if !(p.st.lineW > 0) {
		return
	}
	r, g, b, a := rgba8(p.st.stroke)
	if a == 0 {
		return
	}
	if !p.emitPath(path) {
		return
	}
	f := p.f
	f.SetDrawColor(r, g, b)
	f.SetLineWidth(p.st.lineW)
	f.SetDashPattern(p.st.dash, 0)
	if a < 1 {
		f.SetAlpha(a, "Normal")
	}
	f.DrawPath("D")
	if a < 1 {
		f.SetAlpha(1, "Normal")
	}
}

// Fill implements [canvas.Painter] (non-zero winding).
func (p *PDF) Fill(path *canvas.Path) {
	r, g, b, a := rgba8(p.st.fill)
	if a == 0 {
		return
	}
	if !p.emitPath(path) {
		return
	}
	f := p.f
	f.SetFillColor(r, g, b)
	if a < 1 {
		f.SetAlpha(a, "Normal")
	}
	f.DrawPath("F")
	if a < 1 {
		f.SetAlpha(1, "Normal")
	}
}

// Text implements [canvas.Painter]; text is drawn in the fill colour.
func (p *PDF) Text(s string, x, y, size float64, align canvas.Align) {
	if s == "" || !(size > 0) || size > 2000 {
		return
	}
	ax, ay := p.st.m.apply(x, y)
	if !finite(ax, ay) {
		return
	}
	ax -= alignOffset(TextWidthMM(s, size), int(align))
	r, g, b, _ := rgba8(p.st.fill)
	p.f.SetTextColor(r, g, b)
	p.f.SetFont(pdfFont, "", size)
	p.f.Text(ax, ay, s)
}

// TextWidth implements [canvas.Painter].
func (p *PDF) TextWidth(s string, size float64) float64 { return TextWidthMM(s, size) }

// Image implements [canvas.Painter]. The image is placed in the bounding box
// of its transformed rectangle (rotation is not carried into the PDF).
func (p *PDF) Image(img image.Image, x, y, w, h float64) {
	if img == nil || img.Bounds().Empty() || !(w > 0) || !(h > 0) {
		return
	}
	m := p.st.m
	x0, y0 := m.apply(x, y)
	x1, y1 := m.apply(x+w, y+h)
	if !finite(x0, y0) || !finite(x1, y1) {
		return
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return
	}
	p.images++
	name := fmt.Sprintf("img%d", p.images)
	opt := fpdf.ImageOptions{ImageType: "PNG"}
	p.f.RegisterImageOptionsReader(name, opt, &buf)
	p.f.ImageOptions(name, math.Min(x0, x1), math.Min(y0, y1), math.Abs(x1-x0), math.Abs(y1-y0), false, opt, 0, "")
}
