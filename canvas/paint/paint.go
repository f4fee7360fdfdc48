package paint

import (
	"fmt"
	"math"
	"sync"

	"cordwain/assets/fonts"

	"github.com/golang/freetype/truetype"
	"golang.org/x/image/math/fixed"
)

// MMPerPt converts typographic points to millimetres.
const MMPerPt = 25.4 / 72

// affine is a 2D affine transform [a c e; b d f]: x' = a·x + c·y + e,
// y' = b·x + d·y + f.
type affine struct{ a, b, c, d, e, f float64 }

var identity = affine{a: 1, d: 1}

// mul returns m·n: n applies first, then m.
func (m affine) mul(n affine) affine {
	return affine{
		a: m.a*n.a + m.c*n.b,
		b: m.b*n.a + m.d*n.b,
		c: m.a*n.c + m.c*n.d,
		d: m.b*n.c + m.d*n.d,
		e: m.a*n.e + m.c*n.f + m.e,
		f: m.b*n.e + m.d*n.f + m.f,
	}
}

func (m affine) apply(x, y float64) (float64, float64) {
	return m.a*x + m.c*y + m.e, m.b*x + m.d*y + m.f
}

func (m affine) translate(dx, dy float64) affine {
	return m.mul(affine{a: 1, d: 1, e: dx, f: dy})
}

func (m affine) scale(sx, sy float64) affine { return m.mul(affine{a: sx, d: sy}) }

// rotate turns by deg counter-clockwise as seen on a y-down page.
func (m affine) rotate(deg float64) affine {
	s, c := math.Sincos(deg * math.Pi / 180)
	return m.mul(affine{a: c, b: -s, c: s, d: c})
}

// font is the parsed embedded font, shared read-only by all painters.
var (
	fontOnce   sync.Once
	parsedFont *truetype.Font
	fontErr    error
)

func embeddedFont() (*truetype.Font, error) {
	fontOnce.Do(func() {
		parsedFont, fontErr = truetype.Parse(fonts.TTF())
		if fontErr != nil {
			fontErr = fmt.Errorf("parsing embedded font: %w", fontErr)
		}
	})
	return parsedFont, fontErr
}

// TextWidthMM is the unhinted advance of s at size points, in millimetres.
// Every painter measures with it so layout is identical across outputs.
func TextWidthMM(s string, size float64) float64 {
	f, err := embeddedFont()
	if err != nil || s == "" {
		return 0
	}
	upem := fixed.Int26_6(f.FUnitsPerEm())
	var units int64
	prev := truetype.Index(0)
	for i, r := range s {
		idx := f.Index(r)
		if i > 0 {
			units += int64(f.Kern(upem, prev, idx))
		}
		units += int64(f.HMetric(upem, idx).AdvanceWidth)
		prev = idx
	}
	return float64(units) / float64(upem) * size * MMPerPt
}

// alignOffset is how far left of the anchor text of width w starts.
func alignOffset(w float64, align int) float64 {
	switch align {
	case 1:
		return w / 2
	case 2:
		return w
	}
	return 0
}
