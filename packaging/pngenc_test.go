package packaging

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"testing"
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
			if err := encodePagePNG(&buf, img); err != nil {
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
