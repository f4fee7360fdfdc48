package packaging

import (
	"bytes"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"cordwain/assets/fonts"

	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// LibreCAD and the cut files' Chinese text.
//
// LibreCAD (2.2 and master alike) ignores a DXF's STYLE table: it takes
// the text's style name as the name of one of its own LFF stroke fonts,
// looked up by file name (lower-cased, without ".lff") in ~/.librecad/fonts
// (Documents/LibreCAD/fonts on Windows and macOS), its system fonts
// directory and the directories of its Fonts path setting, and falls back
// to "standard" when there is none. The fonts Debian ships lack most GB
// 2312 characters, so the cut files' text style is named GBCBIG (its
// STYLE entry still gives AutoCAD gbenor.shx with the big font gbcbig.shx)
// and the export ships fonts/gbcbig.lff: the outlines of the embedded
// WenQuanYi Micro Hei for ASCII and every other character the cut files
// use, flattened into closed polylines (hollow letters). Without it
// LibreCAD draws the text in its standard font, the Chinese as
// placeholders, as before.

const (
	// dxfTextStyle is the cut files' text style and so the name LibreCAD
	// looks its font up by.
	dxfTextStyle = "GBCBIG"
	// LibreCADFontFile is the LFF font LibreCAD finds for dxfTextStyle.
	LibreCADFontFile = "gbcbig.lff"
	// lffCap is the height of a capital letter in LFF units: LibreCAD
	// scales a glyph by text height / 9.
	lffCap = 9.0
	// lffTol is how far (LFF units) a flattened curve may stray from the
	// outline: 0.03 mm at 2.5 mm text.
	lffTol = 0.08
)

var wqy struct {
	once sync.Once
	f    *sfnt.Font
	err  error
}

func wqyFont() (*sfnt.Font, error) {
	wqy.once.Do(func() {
		wqy.f, wqy.err = sfnt.Parse(fonts.TTF())
		if wqy.err != nil {
			wqy.err = fmt.Errorf("reading the embedded font: %w", wqy.err)
		}
	})
	return wqy.f, wqy.err
}

// dxfRunes is the set of characters text in the DXF files uses beyond
// printable ASCII (which the font always holds), decoded from GBK.
func dxfRunes(dxfs ...[]byte) ([]rune, error) {
	seen := map[rune]bool{}
	for _, b := range dxfs {
		s, err := simplifiedchinese.GBK.NewDecoder().Bytes(b)
		if err != nil {
			return nil, fmt.Errorf("decoding DXF text: %w", err)
		}
		for _, r := range string(s) {
			// U+FFFD (bytes GBK cannot decode) stays LibreCAD's own
			// placeholder.
			if r > 0x7e && r != utf8.RuneError && unicode.IsGraphic(r) && !unicode.IsSpace(r) {
				seen[r] = true
			}
		}
	}
	rs := make([]rune, 0, len(seen))
	for r := range seen {
		rs = append(rs, r)
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i] < rs[j] })
	return rs, nil
}

// LibreCADFont is an LFF font (LibreCAD's stroke-font format) with the
// printable ASCII characters and extra, drawn as the hollow outlines of
// WenQuanYi Micro Hei. Characters the font lacks are left out (LibreCAD
// draws its placeholder for them).
func LibreCADFont(extra []rune) ([]byte, error) {
	f, err := wqyFont()
	if err != nil {
		return nil, err
	}
	var sb sfnt.Buffer
	upem := fixed.Int26_6(f.UnitsPerEm()) << 6 // glyph coordinates come in 26.6 font units
	units := func(v fixed.Int26_6) float64 { return float64(v) / 64 }
	gi := func(r rune) (sfnt.GlyphIndex, bool) {
		x, err := f.GlyphIndex(&sb, r)
		return x, err == nil && x != 0
	}
	// Scale: a capital H is lffCap high.
	h, ok := gi('H')
	if !ok {
		return nil, fmt.Errorf("embedded font has no H")
	}
	segs, err := f.LoadGlyph(&sb, h, upem, nil)
	if err != nil {
		return nil, fmt.Errorf("embedded font: %w", err)
	}
	capH := 0.0
	for _, s := range segs {
		capH = math.Max(capH, -units(s.Args[0].Y))
	}
	if capH <= 0 {
		return nil, fmt.Errorf("embedded font: H has no height")
	}
	scale := lffCap / capH
	advance := func(r rune) float64 {
		x, ok := gi(r)
		if !ok {
			return 0
		}
		a, err := f.GlyphAdvance(&sb, x, upem, 0)
		if err != nil {
			return 0
		}
		return units(a) * scale
	}
	// LibreCAD places a letter's ink at the pen, so the left side bearing
	// stays in the coordinates and the right one becomes the letter
	// spacing, that of n.
	nx, _ := gi('n')
	nb, _, err := f.GlyphBounds(&sb, nx, upem, 0)
	if err != nil {
		return nil, fmt.Errorf("embedded font: %w", err)
	}
	letterSpacing := advance('n') - units(nb.Max.X)*scale

	var out bytes.Buffer
	out.WriteString(lffHeader(letterSpacing, advance(' ')))
	var runes []rune
	for r := rune(0x21); r <= 0x7e; r++ {
		runes = append(runes, r)
	}
	for _, r := range extra {
		if r > 0x7e {
			runes = append(runes, r)
		}
	}
	for _, r := range runes {
		x, ok := gi(r)
		if !ok || r > 0xffff { // LibreCAD's LFF reader holds one UTF-16 unit
			continue
		}
		segs, err := f.LoadGlyph(&sb, x, upem, nil)
		if err != nil {
			return nil, fmt.Errorf("embedded font, %q: %w", r, err)
		}
		contours := flattenGlyph(segs, scale)
		if len(contours) == 0 {
			continue
		}
		fmt.Fprintf(&out, "[%04x] %c\n", r, r)
		for _, c := range contours {
			for i, p := range c {
				if i > 0 {
					out.WriteByte(';')
				}
				out.WriteString(lffNum(p[0]))
				out.WriteByte(',')
				out.WriteString(lffNum(p[1]))
			}
			out.WriteByte('\n')
		}
		out.WriteByte('\n')
	}
	return out.Bytes(), nil
}

func lffHeader(letterSpacing, wordSpacing float64) string {
	return "# Format:            LibreCAD Font 1\n" +
		"# Creator:           Cordwain\n" +
		"# Name:              Cordwain GB (WenQuanYi Micro Hei outlines)\n" +
		"# Encoding:          UTF-8\n" +
		"# LetterSpacing:     " + lffNum(letterSpacing) + "\n" +
		"# WordSpacing:       " + lffNum(wordSpacing) + "\n" +
		"# LineSpacingFactor: 1\n" +
		"# Author:            The WenQuanYi Project Board of Trustees; Qianqian Fang; mozbug; Google Corporation; Steve Matteson, Ascender Corp.\n" +
		"# License:           Apache-2.0\n" +
		"#\n" +
		"# Notes: LibreCAD's stand-in for gbenor.shx with the big font gbcbig.shx,\n" +
		"#  the text style GBCBIG of Cordwain's DXF cut files. Put it in\n" +
		"#  ~/.librecad/fonts (Windows, macOS: Documents/LibreCAD/fonts) or add its\n" +
		"#  folder to LibreCAD's Fonts path (Application Preferences, Paths).\n" +
		"#  Modified work: the glyph outlines of WenQuanYi Micro Hei 0.2.0-beta\n" +
		"#  (Copyright 2008-2009 The WenQuanYi Project Board of Trustees,\n" +
		"#  Qianqian Fang, mozbug; based on Droid Sans Fallback, Droid Sans and\n" +
		"#  Droid Sans Mono, Copyright 2006-2008 Google Corporation, Steve\n" +
		"#  Matteson, Ascender Corp.; some CJK punctuation from Ume-Font,\n" +
		"#  Copyright 2003-2004 /efont/, 1990-2003 Wada Laboratory, the\n" +
		"#  University of Tokyo), used under the Apache License 2.0, subset to\n" +
		"#  the characters of the cut files and their curves flattened into\n" +
		"#  polylines by Cordwain. The licence text is LICENSE-wqy-microhei.txt\n" +
		"#  beside this file (http://www.apache.org/licenses/LICENSE-2.0).\n\n"
}

// lffNum formats v with at most two decimals.
func lffNum(v float64) string {
	s := strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
	if s == "-0" {
		return "0"
	}
	return s
}

// flattenGlyph turns a glyph's outline (26.6 font units, y down) into
// closed polylines in LFF units (y up), curves flattened within lffTol.
func flattenGlyph(segs sfnt.Segments, scale float64) [][][2]float64 {
	pt := func(p fixed.Point26_6) [2]float64 {
		return [2]float64{float64(p.X) / 64 * scale, -float64(p.Y) / 64 * scale}
	}
	var out [][][2]float64
	var cur [][2]float64
	flush := func() {
		if len(cur) >= 3 {
			if cur[0] != cur[len(cur)-1] {
				cur = append(cur, cur[0])
			}
			out = append(out, cur)
		}
		cur = nil
	}
	add := func(p [2]float64) {
		q := [2]float64{math.Round(p[0]*100) / 100, math.Round(p[1]*100) / 100}
		if len(cur) > 0 && cur[len(cur)-1] == q {
			return
		}
		cur = append(cur, q)
	}
	last := [2]float64{}
	for _, s := range segs {
		switch s.Op {
		case sfnt.SegmentOpMoveTo:
			flush()
			last = pt(s.Args[0])
			add(last)
		case sfnt.SegmentOpLineTo:
			last = pt(s.Args[0])
			add(last)
		case sfnt.SegmentOpQuadTo:
			c, e := pt(s.Args[0]), pt(s.Args[1])
			n := curveSteps(math.Hypot(last[0]-2*c[0]+e[0], last[1]-2*c[1]+e[1]))
			for i := 1; i <= n; i++ {
				t := float64(i) / float64(n)
				u := 1 - t
				add([2]float64{u*u*last[0] + 2*u*t*c[0] + t*t*e[0], u*u*last[1] + 2*u*t*c[1] + t*t*e[1]})
			}
			last = e
		case sfnt.SegmentOpCubeTo:
			c1, c2, e := pt(s.Args[0]), pt(s.Args[1]), pt(s.Args[2])
			d := math.Max(math.Hypot(last[0]-2*c1[0]+c2[0], last[1]-2*c1[1]+c2[1]), math.Hypot(c1[0]-2*c2[0]+e[0], c1[1]-2*c2[1]+e[1]))
			n := curveSteps(1.5 * d)
			for i := 1; i <= n; i++ {
				t := float64(i) / float64(n)
				u := 1 - t
				add([2]float64{
					u*u*u*last[0] + 3*u*u*t*c1[0] + 3*u*t*t*c2[0] + t*t*t*e[0],
					u*u*u*last[1] + 3*u*u*t*c1[1] + 3*u*t*t*c2[1] + t*t*t*e[1],
				})
			}
			last = e
		}
	}
	flush()
	return out
}

// curveSteps is how many chords keep a curve whose second difference is
// dd within lffTol (a quadratic strays at most dd/4 from its chord, and
// by dd/(4n²) with n chords).
func curveSteps(dd float64) int {
	n := int(math.Ceil(math.Sqrt(dd / (4 * lffTol))))
	return min(max(n, 1), 16)
}

// librecadFontFiles are the files beside the cut files that let LibreCAD
// draw their text: fonts/gbcbig.lff with the characters the DXFs use, the
// font's licence and a note on where the font goes.
func librecadFontFiles(dxfs ...[]byte) ([]File, error) {
	rs, err := dxfRunes(dxfs...)
	if err != nil {
		return nil, err
	}
	lff, err := LibreCADFont(rs)
	if err != nil {
		return nil, err
	}
	return []File{
		{Name: "fonts/" + LibreCADFontFile, Data: lff},
		{Name: "fonts/LICENSE-wqy-microhei.txt", Data: []byte(fonts.License())},
		{Name: "fonts/README.txt", Data: []byte(strings.ReplaceAll(librecadFontReadme, "\n", "\r\n"))},
	}, nil
}

const librecadFontReadme = `Chinese text in the DXF cut files / DXF 切割文件里的中文

AutoCAD: the text style GBCBIG uses gbenor.shx with the big font gbcbig.shx,
which Chinese AutoCAD installs. Nothing to do.
AutoCAD：文字样式 GBCBIG 用 gbenor.shx 和大字体 gbcbig.shx，中文版 AutoCAD 自带。

LibreCAD: it draws the style with its own font gbcbig.lff. Copy gbcbig.lff
from this folder into ~/.librecad/fonts (Linux) or Documents/LibreCAD/fonts
(Windows, macOS), replacing an older copy, or add this folder to
Application Preferences > Paths > Fonts, then restart LibreCAD and open the DXF.
The font holds the characters of these cut files; a later export brings its own.
LibreCAD：把本文件夹里的 gbcbig.lff 复制到 ~/.librecad/fonts（Linux）或
"文档/LibreCAD/fonts"（Windows、macOS），或在 应用程序首选项 > 路径 > 字体
加上本文件夹，重启 LibreCAD 后打开 DXF。

gbcbig.lff is derived from WenQuanYi Micro Hei (Apache License 2.0, see
LICENSE-wqy-microhei.txt).
`
