package packaging

import (
	"image/color"
	"testing"

	"cordwain/canvas/paint"
	"cordwain/canvas/samples"
)

// A page drawn in bands (as RenderPage does on several cores) equals the
// page drawn in one piece.
func TestBandsMatchWholePage(t *testing.T) {
	pages, err := Pages(samples.Pump(), Options{Lang: "both"})
	if err != nil {
		t.Fatal(err)
	}
	banded, err := RenderPage(pages, 1, 50)
	if err != nil {
		t.Fatal(err)
	}
	ppm := 50 / 25.4
	whole := paint.NewGG(banded.Bounds().Dx(), banded.Bounds().Dy(), ppm)
	whole.Clear(color.White)
	if err := DrawPage(whole, pages, 1); err != nil {
		t.Fatal(err)
	}
	differ := 0
	for i := range banded.Pix {
		if d := int(banded.Pix[i]) - int(whole.RGBA().Pix[i]); d > 8 || d < -8 {
			differ++
		}
	}
	if differ > len(banded.Pix)/1000 {
		t.Fatalf("banded page differs from the whole page in %d of %d bytes", differ, len(banded.Pix))
	}
}
