package paint

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"strconv"

	"cordwain/assets/fonts"
	"cordwain/canvas"
)

// SVG is a [canvas.Painter] that writes one SVG page in millimetres: paths
// as <path d>, text as <text> in the embedded font's family (viewers use the
// installed WenQuanYi Micro Hei or a fallback; the SVG does not embed it).
type SVG struct {
	w, h float64
	buf  bytes.Buffer
	stateStack
}

var _ canvas.Painter = (*SVG)(nil)

// NewSVG starts a w×h millimetre page.
func NewSVG(w, h float64) *SVG {
	s := &SVG{w: w, h: h, stateStack: newStateStack()}
	return s
}

// WriteTo writes the complete SVG document.
func (s *SVG) WriteTo(w io.Writer) (int64, error) {
	var out bytes.Buffer
	fmt.Fprintf(&out, `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="%smm" height="%smm" viewBox="0 0 %s %s" font-family="%s" stroke-linecap="round" stroke-linejoin="round">
`, num(s.w), num(s.h), num(s.w), num(s.h), fonts.Family)
	out.Write(s.buf.Bytes())
	out.WriteString("</svg>\n")
	n, err := w.Write(out.Bytes())
	if err != nil {
		return int64(n), fmt.Errorf("writing SVG: %w", err)
	}
	return int64(n), nil
}

func num(v float64) string {
	return strconv.FormatFloat(math.Round(v*1000)/1000, 'f', -1, 64)
}

func hexColour(c color.Color) (string, float64) {
	r, g, b, a := rgba8(c)
	return fmt.Sprintf("#%02x%02x%02x", r, g, b), a
}

// Size implements [canvas.Painter].
func (s *SVG) Size() (w, h float64) { return s.w, s.h }

func (s *SVG) pathData(p *canvas.Path) string {
	if p == nil {
		return ""
	}
	var b bytes.Buffer
	m := s.st.m
	open, any := false, false
	pt := func(x, y float64) bool {
		x, y = m.apply(x, y)
		if !finite(x, y) {
			return false
		}
		b.WriteString(num(x))
		b.WriteByte(' ')
		b.WriteString(num(y))
		b.WriteByte(' ')
		return true
	}
	for _, sg := range p.Segs {
		switch sg.Op {
		case canvas.OpMove, canvas.OpLine:
			if sg.Op == canvas.OpMove || !open {
				b.WriteString("M")
				open = true
			} else {
				b.WriteString("L")
				any = true
			}
			pt(sg.Pts[0].X, sg.Pts[0].Y)
		case canvas.OpCubic:
			if !open {
				b.WriteString("M")
				pt(sg.Pts[2].X, sg.Pts[2].Y)
				open = true
				continue
			}
			b.WriteString("C")
			pt(sg.Pts[0].X, sg.Pts[0].Y)
			pt(sg.Pts[1].X, sg.Pts[1].Y)
			pt(sg.Pts[2].X, sg.Pts[2].Y)
			any = true
		case canvas.OpClose:
			if open {
				b.WriteString("Z")
			}
		}
	}
	if !any {
		return ""
	}
	return b.String()
}

// Stroke implements [canvas.Painter].
func (s *SVG) Stroke(p *canvas.Path) {
	if !(s.st.lineW > 0) {
		return
	}
	d := s.pathData(p)
	if d == "" {
		return
	}
	c, a := hexColour(s.st.stroke)
	fmt.Fprintf(&s.buf, `<path d="%s" fill="none" stroke="%s" stroke-width="%s"`, d, c, num(s.st.lineW))
	if a < 1 {
		fmt.Fprintf(&s.buf, ` stroke-opacity="%s"`, num(a))
	}
	if len(s.st.dash) > 0 {
		s.buf.WriteString(` stroke-dasharray="`)
		for i, v := range s.st.dash {
			if i > 0 {
				s.buf.WriteByte(' ')
			}
			s.buf.WriteString(num(v))
		}
		s.buf.WriteByte('"')
	}
	s.buf.WriteString("/>\n")
}

// Fill implements [canvas.Painter].
func (s *SVG) Fill(p *canvas.Path) {
	d := s.pathData(p)
	if d == "" {
		return
	}
	c, a := hexColour(s.st.fill)
	fmt.Fprintf(&s.buf, `<path d="%s" fill="%s"`, d, c)
	if a < 1 {
		fmt.Fprintf(&s.buf, ` fill-opacity="%s"`, num(a))
	}
	s.buf.WriteString("/>\n")
}

// Text implements [canvas.Painter]; text is drawn in the fill colour. The
// anchor is computed with our own metrics (not text-anchor) so the layout
// matches the PDF and PNG pages.
func (s *SVG) Text(str string, x, y, size float64, align canvas.Align) {
	if str == "" || !(size > 0) || size > 2000 {
		return
	}
	ax, ay := s.st.m.apply(x, y)
	if !finite(ax, ay) {
		return
	}
	ax -= alignOffset(TextWidthMM(str, size), int(align))
	c, _ := hexColour(s.st.fill)
	fmt.Fprintf(&s.buf, `<text x="%s" y="%s" font-size="%s" fill="%s">`, num(ax), num(ay), num(size*MMPerPt), c)
	xml.EscapeText(&s.buf, []byte(str))
	s.buf.WriteString("</text>\n")
}

// TextWidth implements [canvas.Painter].
func (s *SVG) TextWidth(str string, size float64) float64 { return TextWidthMM(str, size) }

// Image implements [canvas.Painter]: a PNG data URI under the full
// transform.
func (s *SVG) Image(img image.Image, x, y, w, h float64) {
	if img == nil || img.Bounds().Empty() || !(w > 0) || !(h > 0) {
		return
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return
	}
	m := s.st.m
	fmt.Fprintf(&s.buf, `<image transform="matrix(%s %s %s %s %s %s)" x="%s" y="%s" width="%s" height="%s" preserveAspectRatio="none" href="data:image/png;base64,%s"/>`+"\n",
		num(m.a), num(m.b), num(m.c), num(m.d), num(m.e), num(m.f), num(x), num(y), num(w), num(h),
		base64.StdEncoding.EncodeToString(buf.Bytes()))
}
