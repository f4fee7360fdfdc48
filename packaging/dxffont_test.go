package packaging

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"cordwain/canvas/samples"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// librecadPDF prints dxf with LibreCAD headless (librecad dxf2pdf) under
// a fresh home whose LibreCAD.conf puts fontDir (if any) on LibreCAD's
// Fonts path, and returns the PDF's content with its streams unpacked.
func librecadPDF(t *testing.T, dxf, fontDir string) string {
	t.Helper()
	needTool(t, "librecad")
	needTool(t, "qpdf")
	home := t.TempDir()
	conf := filepath.Join(home, ".config", "LibreCAD")
	if err := os.MkdirAll(conf, 0o755); err != nil {
		t.Fatal(err)
	}
	if fontDir != "" {
		if err := os.WriteFile(filepath.Join(conf, "LibreCAD.conf"), []byte("[Paths]\nFonts="+fontDir+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(home, "out")
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("librecad", "dxf2pdf", "-a", "-t", out, dxf)
	cmd.Env = append(os.Environ(), "QT_QPA_PLATFORM=offscreen", "HOME="+home,
		"XDG_CONFIG_HOME="+filepath.Join(home, ".config"), "XDG_RUNTIME_DIR="+home)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("librecad dxf2pdf: %v\n%s", err, msg)
	}
	pdf := filepath.Join(out, strings.TrimSuffix(filepath.Base(dxf), ".dxf")+".pdf")
	run(t, "qpdf", "--check", pdf)
	qdf := filepath.Join(home, "qdf.pdf")
	run(t, "qpdf", "--qdf", "--object-streams=disable", pdf, qdf)
	b, err := os.ReadFile(qdf)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// lineTos counts the straight segments (PDF "l" operators) a page draws.
func lineTos(pdf string) int {
	n := 0
	for _, l := range strings.Split(pdf, "\n") {
		if strings.HasSuffix(l, " l") {
			n++
		}
	}
	return n
}

// Fault 7 of issue 10: a pattern maker who opens the cut file in
// LibreCAD sees the Chinese labels. LibreCAD prints the workshop
// package's DXF three times: with the package's fonts/ folder on its Fonts
// path, with the same font stripped of everything but ASCII (LibreCAD's
// placeholder, a four-segment diamond, for each Chinese character), and
// with its own fonts only. Only the Chinese glyphs differ between the
// first two, so the extra segments must add up to real glyphs (at least
// 16 segments each) for every Chinese character of the file.
func TestDXFLibreCADChinese(t *testing.T) {
	needTool(t, "librecad")
	files, err := WorkshopFiles(samples.Derby(), Options{Sizes: []float64{255}, DPI: 20})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var dxf []byte
	for _, f := range files {
		if strings.HasSuffix(f.Name, "_cut.dxf") {
			dxf = f.Data
		}
		if strings.HasSuffix(f.Name, ".dxf") || strings.HasPrefix(f.Name, "fonts/") {
			p := filepath.Join(dir, filepath.FromSlash(f.Name))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	if dxf == nil {
		t.Fatal("no cut file in the package")
	}
	if _, err := os.Stat(filepath.Join(dir, "fonts", LibreCADFontFile)); err != nil {
		t.Fatalf("the package has no LibreCAD font: %v", err)
	}
	text, err := simplifiedchinese.GBK.NewDecoder().Bytes(dxf)
	if err != nil {
		t.Fatal(err)
	}
	chinese := 0
	for _, r := range string(text) {
		if r >= 0x4e00 && r <= 0x9fff {
			chinese++
		}
	}
	if chinese < 20 {
		t.Fatalf("only %d Chinese characters in the cut file", chinese)
	}
	asciiOnly, err := LibreCADFont(nil)
	if err != nil {
		t.Fatal(err)
	}
	asciiDir := filepath.Join(dir, "ascii")
	if err := os.MkdirAll(asciiDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(asciiDir, LibreCADFontFile), asciiOnly, 0o644); err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "cut.dxf")
	if err := os.WriteFile(in, dxf, 0o644); err != nil {
		t.Fatal(err)
	}
	withFont := lineTos(librecadPDF(t, in, filepath.Join(dir, "fonts")))
	placeholders := lineTos(librecadPDF(t, in, asciiDir))
	own := lineTos(librecadPDF(t, in, ""))
	t.Logf("%d Chinese characters; segments drawn: %d with the package's font, %d with its ASCII only, %d with LibreCAD's own fonts",
		chinese, withFont, placeholders, own)
	if extra := withFont - placeholders; extra < 16*chinese {
		t.Errorf("the Chinese text adds %d segments to the page, want ≥ 16 for each of %d characters: LibreCAD did not draw the glyphs", extra, chinese)
	}
	if own == withFont {
		t.Errorf("LibreCAD drew the same with and without the package's font: it did not use it")
	}
}

// lffGlyphs reads an LFF font back: each character's polylines.
func lffGlyphs(t *testing.T, lff []byte) (header string, glyphs map[rune][][][2]float64) {
	t.Helper()
	glyphs = map[rune][][][2]float64{}
	var cur rune
	for i, l := range strings.Split(string(lff), "\n") {
		switch {
		case strings.HasPrefix(l, "#"):
			if cur != 0 {
				t.Fatalf("line %d: header line among the glyphs", i+1)
			}
			header += l + "\n"
		case strings.HasPrefix(l, "["):
			var code int
			if _, err := fmt.Sscanf(l, "[%x]", &code); err != nil {
				t.Fatalf("line %d: %q: %v", i+1, l, err)
			}
			cur = rune(code)
			if _, dup := glyphs[cur]; dup {
				t.Fatalf("line %d: %q twice", i+1, l)
			}
			glyphs[cur] = nil
		case l == "":
		default:
			if cur == 0 {
				t.Fatalf("line %d: polyline before any glyph", i+1)
			}
			var pl [][2]float64
			for _, v := range strings.Split(l, ";") {
				var p [2]float64
				if _, err := fmt.Sscanf(v, "%g,%g", &p[0], &p[1]); err != nil {
					t.Fatalf("line %d: vertex %q: %v", i+1, v, err)
				}
				pl = append(pl, p)
			}
			glyphs[cur] = append(glyphs[cur], pl)
		}
	}
	return header, glyphs
}

func TestLibreCADFont(t *testing.T) {
	want := []rune("帮鞋头对折牛皮")
	lff, err := LibreCADFont(append(want, 0x1F45E, 'A')) // 👞 is not in the font; A is anyway
	if err != nil {
		t.Fatal(err)
	}
	header, glyphs := lffGlyphs(t, lff)
	for _, w := range []string{"# Format:            LibreCAD Font 1", "# License:           Apache-2.0", "WenQuanYi Micro Hei", "LICENSE-wqy-microhei.txt", "Modified work"} {
		if !strings.Contains(header, w) {
			t.Errorf("header lacks %q:\n%s", w, header)
		}
	}
	if n := 94 + len(want); len(glyphs) != n {
		t.Errorf("%d glyphs, want printable ASCII and the %d characters asked for: %d", len(glyphs), len(want), n)
	}
	height := func(r rune) (lo, hi float64) {
		lo, hi = 1e9, -1e9
		for _, pl := range glyphs[r] {
			for _, p := range pl {
				lo, hi = min(lo, p[1]), max(hi, p[1])
			}
		}
		return lo, hi
	}
	if lo, hi := height('H'); lo < -0.05 || lo > 0.05 || hi < 8.95 || hi > 9.05 {
		t.Errorf("H spans y %.2f…%.2f, want 0…9 (LibreCAD's cap height)", lo, hi)
	}
	for _, r := range want {
		pls := glyphs[r]
		if len(pls) == 0 {
			t.Errorf("%c missing", r)
			continue
		}
		segs := 0
		for _, pl := range pls {
			if len(pl) < 4 || pl[0] != pl[len(pl)-1] {
				t.Errorf("%c: an outline that is not a closed polyline: %v", r, pl)
			}
			segs += len(pl) - 1
		}
		if lo, hi := height(r); hi-lo < 9 || hi-lo > 14 || lo > 0 {
			t.Errorf("%c spans y %.2f…%.2f: want a full-height character on the baseline", r, lo, hi)
		}
		if segs < 16 {
			t.Errorf("%c: %d segments, no real glyph", r, segs)
		}
	}
	if _, ok := glyphs[0x1F45E]; ok {
		t.Error("a character the font lacks got a glyph")
	}
	if len(lff) > 60000 {
		t.Errorf("font is %d bytes for %d characters: too big", len(lff), len(glyphs))
	}

	// The characters come from the DXFs' GBK text; undecodable bytes
	// stay LibreCAD's placeholder.
	dxf, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte("  1\n前帮 Vamp\n  1\n帮 °\n"))
	if err != nil {
		t.Fatal(err)
	}
	rs, err := dxfRunes(dxf, []byte{0x81, 0x20, 'x'})
	if err != nil {
		t.Fatal(err)
	}
	if string(rs) != "°前帮" {
		t.Errorf("DXF characters %q, want °前帮", string(rs))
	}
}
