package fonts

import (
	"strings"
	"testing"

	"github.com/golang/freetype/truetype"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

func TestTTFParsesWithOpenType(t *testing.T) {
	f, err := opentype.Parse(TTF())
	if err != nil {
		t.Fatalf("opentype.Parse: %v", err)
	}
	if f.NumGlyphs() < 20000 {
		t.Errorf("NumGlyphs = %d, want a CJK-sized font (> 20000)", f.NumGlyphs())
	}
	for _, r := range "AZaz09 款号鞋楦跖围中文" {
		if r == ' ' {
			continue
		}
		gi, err := f.GlyphIndex(nil, r)
		if err != nil || gi == 0 {
			t.Errorf("no glyph for %q (index %d, err %v)", r, gi, err)
		}
	}
}

func TestTTFLoadsInFreetype(t *testing.T) {
	// gg draws with golang/freetype's truetype package.
	f, err := truetype.Parse(TTF())
	if err != nil {
		t.Fatalf("truetype.Parse: %v", err)
	}
	face := truetype.NewFace(f, &truetype.Options{Size: 12, DPI: 72})
	defer face.Close()
	for _, s := range []string{"Style No.", "款号 中文"} {
		if w := font.MeasureString(face, s); w <= fixed.I(10) {
			t.Errorf("MeasureString(%q) = %v, want a real width", s, w)
		}
	}
	for _, r := range "A中" {
		if f.Index(r) == 0 {
			t.Errorf("freetype: no glyph for %q", r)
		}
	}
}

func TestLicense(t *testing.T) {
	l := License()
	if !strings.Contains(l, "Apache License") || !strings.Contains(l, "WenQuanYi") {
		t.Errorf("licence text incomplete (%d bytes)", len(l))
	}
}
