package app

import (
	"bytes"
	"image"
	"runtime"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// A full redraw in bands, one per processor, is the frame one painter
// draws, pixel for pixel; and frames at a new size keep no painter of the
// old buffers.
func TestBandedFrameIsOnePaintersFrame(t *testing.T) {
	e, _ := benchEditor(t)
	w := test.NewTempWindow(t, e) // a smaller window than the benchmarks'

	w.Resize(fyne.NewSize(1000, 700))
	frame := func(procs int) []byte {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		e.invalidate()
		return bytes.Clone(e.Frame(1000, 700).(*image.RGBA).Pix)
	}
	one := frame(1)
	for _, procs := range []int{2, 3, 4} {
		if got := frame(procs); !bytes.Equal(got, one) {
			n := 0
			for i := range got {
				if got[i] != one[i] {
					n++
				}
			}
			t.Fatalf("%d bands: %d bytes differ from one painter's frame", procs, n)
		}
	}
	if inked(e.Frame(1000, 700)) < 10000 {
		t.Fatal("the frame is nearly blank")
	}
	e.invalidate()
	small := e.Frame(600, 400).(*image.RGBA)
	if len(e.painters) == 0 || len(e.painters) > 1+maxBands {
		t.Fatalf("%d painters kept", len(e.painters))
	}
	for _, p := range e.painters {
		if p.img != small {
			t.Fatalf("a painter of a %v buffer is kept after frames of %v", p.img.Rect, small.Rect)
		}
	}
}
