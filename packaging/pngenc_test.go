package packaging

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/png"
	"math"
	"strings"
	"testing"

	"cordwain/canvas/samples"
)

func TestEncodePagePNGRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name  string
		alpha uint8
	}{{"opaque page", 0xff}, {"transparent pixel: image/png fallback", 0x80}} {
		t.Run(tc.name, func(t *testing.T) {
			img := image.NewRGBA(image.Rect(0, 0, 37, 23))
			for y := 0; y < 23; y++ {
				for x := 0; x < 37; x++ {
					img.SetRGBA(x, y, color.RGBA{uint8(x * 7), uint8(y * 11), uint8(x*y + 3), 0xff})
				}
			}
			img.SetRGBA(5, 5, color.RGBA{tc.alpha, 0, 0, tc.alpha})
			var buf bytes.Buffer
			if err := encodePagePNG(&buf, img, 150); err != nil {
				t.Fatal(err)
			}
			got, err := png.Decode(&buf)
			if err != nil {
				t.Fatalf("our PNG does not decode: %v", err)
			}
			if got.Bounds() != img.Bounds() {
				t.Fatalf("bounds %v, want %v", got.Bounds(), img.Bounds())
			}
			for y := 0; y < 23; y++ {
				for x := 0; x < 37; x++ {
					r1, g1, b1, a1 := got.At(x, y).RGBA()
					r2, g2, b2, a2 := img.At(x, y).RGBA()
					if r1 != r2 || g1 != g2 || b1 != b2 || a1 != a2 {
						t.Fatalf("pixel (%d, %d) = %v, want %v", x, y, got.At(x, y), img.At(x, y))
					}
				}
			}
		})
	}
}

// PNG pages say their resolution (a pHYs chunk), so a viewer prints them
// 1:1, and the workshop zip's pages follow Options.DPI (fault 6 of issue
// 10: no pHYs, and the zip ignored --dpi).
func TestPagePNGCarriesDPI(t *testing.T) {
	pages, err := Pages(samples.Derby(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, dpi := range []float64{30, 72} {
		var buf bytes.Buffer
		if err := WritePagePNG(&buf, pages, 0, dpi); err != nil {
			t.Fatal(err)
		}
		if got := pngDPI(t, buf.Bytes()); math.Abs(got-dpi) > 0.1 {
			t.Errorf("page at %g dpi says %g dpi", dpi, got)
		}
	}
	files, err := WorkshopFiles(samples.Derby(), Options{DPI: 20})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f.Name, ".png") {
			n++
			if got := pngDPI(t, f.Data); math.Abs(got-20) > 0.1 {
				t.Errorf("%s: %g dpi, want the 20 asked for", f.Name, got)
			}
			if cfg, err := png.DecodeConfig(bytes.NewReader(f.Data)); err != nil || cfg.Width != 165 {
				t.Errorf("%s: %d px wide (%v), want A4 at 20 dpi", f.Name, cfg.Width, err)
			}
		}
	}
	if n == 0 {
		t.Fatal("no PNG pages in the package")
	}
}

// pngDPI reads the pHYs chunk of a PNG (0 when it has none).
func pngDPI(t *testing.T, data []byte) float64 {
	t.Helper()
	for i := 8; i+8 <= len(data); {
		n := int(binary.BigEndian.Uint32(data[i:]))
		kind := string(data[i+4 : i+8])
		if kind == "pHYs" && n == 9 && data[i+16] == 1 {
			return float64(binary.BigEndian.Uint32(data[i+8:])) * 0.0254
		}
		i += 12 + n
	}
	return 0
}
