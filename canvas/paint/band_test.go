package paint

import (
	"image"
	"image/color"
	"math"
	"testing"

	"cordwain/canvas"
	"cordwain/canvas/samples"
)

// A frame painted in bands, each by its own painter and at the same time,
// is the frame painted whole, pixel for pixel: fills, hairlines, dashed and
// wide strokes, text and an image across the bands' edges.
func TestBandsPaintTheWholeFrame(t *testing.T) {
	const w, h, px = 640, 470, 3.2
	scene := func(p canvas.Painter) {
		d := samples.Sneaker()
		if _, err := canvas.DrawDesign(p, d, canvas.DrawOptions{View: canvas.ViewMeanForm, Grid: true, ShowAllowances: true, Labels: true}); err != nil {
			t.Fatal(err)
		}
		var path canvas.Path
		path.MoveTo(5, 5)
		path.CubicTo(80, 200, 120, -40, 190, 140)
		p.SetStrokeColor(color.NRGBA{0x20, 0x40, 0xc0, 0xc0})
		p.SetLineWidth(1.5) // wider than a hairline: the outline path
		p.Stroke(&path)
		p.SetLineWidth(0.1)
		p.SetDash(1, 0.7)
		p.Stroke(&path)
		p.SetDash()
		p.SetFillColor(color.NRGBA{0xc0, 0x20, 0x20, 0xff})
		p.Text("band edge ÅØ 鞋", 20, 49.2, 14, canvas.AlignLeft)
		img := image.NewRGBA(image.Rect(0, 0, 7, 5))
		for i := range img.Pix {
			img.Pix[i] = uint8(i * 37)
		}
		p.Image(img, 100, 40, 50, 45)
	}
	whole := NewRaster(w, h, px)
	whole.Clear(color.White)
	scene(whole)

	for _, n := range []int{2, 3, 7} {
		frame := image.NewRGBA(image.Rect(0, 0, w, h))
		done := make(chan struct{})
		for k := 0; k < n; k++ {
			y0, y1 := h*k/n, h*(k+1)/n
			go func() {
				defer func() { done <- struct{}{} }()
				r := NewRasterBand(Band(frame, y0, y1), px, y0, h)
				if bw, bh := r.Size(); bw != float64(w)/px || bh != float64(h)/px {
					t.Errorf("band %d of %d: size %v × %v mm, want the frame's", k, n, bw, bh)
				}
				r.Clear(color.White)
				scene(r)
			}()
		}
		for k := 0; k < n; k++ {
			<-done
		}
		diff := 0
		for i := range frame.Pix {
			if frame.Pix[i] != whole.RGBA().Pix[i] {
				diff++
			}
		}
		if diff != 0 {
			t.Errorf("%d bands: %d bytes differ from the whole frame", n, diff)
		}
	}
}

// Horizontal and vertical hairlines (the grid, the rulers) drawn by the
// flat fast path are the general walk's pixels: at fractional positions
// and widths, ends inside pixels, off the edges, solid and translucent.
func TestFlatHairlinesAreTheWalksPixels(t *testing.T) {
	draw := func() *image.RGBA {
		r := NewRaster(300, 200, 3.7)
		r.Clear(color.White)
		for k, wmm := range []float64{0.05, 0.1, 0.18, 0.35, 0.6} {
			var path canvas.Path
			y := 3.13 + float64(k)*9.71
			path.MoveTo(-2.2, y)
			path.LineTo(40.37+float64(k)*7.1, y)
			x := 2.91 + float64(k)*13.3
			path.MoveTo(x, 50.9)
			path.LineTo(x, 0.77+float64(k)*3.3)
			path.MoveTo(60.25, y+1.1)
			path.LineTo(93.3, y+1.1)
			r.SetStrokeColor(color.NRGBA{0x20, 0x50, 0x90, uint8(0x50 + 0x30*k)})
			r.SetLineWidth(wmm)
			if k%2 == 1 {
				r.SetDash(1.3, 0.7)
			} else {
				r.SetDash()
			}
			r.Stroke(&path)
		}
		return r.RGBA()
	}
	fast := draw()
	hairFlatOn = false
	walk := draw()
	hairFlatOn = true
	diff := 0
	for i := range fast.Pix {
		if fast.Pix[i] != walk.Pix[i] {
			diff++
		}
	}
	if diff != 0 {
		t.Fatalf("%d bytes differ from the general walk", diff)
	}
	if inkedPix(fast) < 500 {
		t.Fatal("nearly nothing was drawn")
	}
}

func inkedPix(img *image.RGBA) int {
	n := 0
	for i := 0; i < len(img.Pix); i += 4 {
		if img.Pix[i] < 0xf0 {
			n++
		}
	}
	return n
}

// What lies wholly off the image (a zoomed view's pieces, a band's other
// rows) is skipped, and the pixels are those of drawing it all.
func TestSkippedOffImageIsTheSamePixels(t *testing.T) {
	const w, h, px = 640, 470, 3.2
	d := samples.Sneaker()
	for _, o := range []canvas.DrawOptions{
		{View: canvas.ViewMeanForm, Grid: true, ShowAllowances: true, Labels: true, Zoom: 3, PanX: 40, PanY: -25},
		{View: canvas.ViewMeanForm, Grid: true, ShowAllowances: true, Zoom: 6, PanX: -70, PanY: 30},
		{View: canvas.ViewLateral, Grid: true, Zoom: 2.5, PanX: 20},
	} {
		draw := func() []byte {
			r := NewRaster(w, h, px)
			r.Clear(color.White)
			if _, err := canvas.DrawDesign(r, d, o); err != nil {
				t.Fatal(err)
			}
			return r.RGBA().Pix
		}
		skipped := draw()
		skipOutsideOn = false
		all := draw()
		skipOutsideOn = true
		diff := 0
		for i := range all {
			if all[i] != skipped[i] {
				diff++
			}
		}
		if diff != 0 {
			t.Errorf("%s zoom %g: %d bytes differ from drawing everything", o.View, o.Zoom, diff)
		}
	}
}

// TestHairWholeMatchesWalk: the columns a hairline crosses whole are
// drawn in fixed point (hairWhole); the floating-point walk of every
// column gives the same pixels within a level or two of rounding, for
// every slope, width and sub-pixel position.
func TestHairWholeMatchesWalk(t *testing.T) {
	draw := func() *image.RGBA {
		r := NewRaster(240, 200, 4)
		r.Clear(color.White)
		sp := &r.rz.sp
		for k := range 400 {
			a := float64(k) * 2.39996
			l := 3 + float64(k%11)*9.7
			x, y := 20+float64(k*37%200)+0.13*float64(k%7), 20+float64(k*53%160)+0.29*float64(k%5)
			sp.setColor(color.NRGBA{uint8(k * 7), 0x30, 0x90, uint8(0x40 + k%4*0x3f)})
			sp.hairSegment(x, y, x+l*math.Cos(a), y+l*math.Sin(a), 0.3+float64(k%6)*0.4)
		}
		return r.RGBA()
	}
	fast := draw()
	hairWholeOn = false
	walk := draw()
	hairWholeOn = true
	worst, differ := 0, 0
	for i := range fast.Pix {
		d := abs(int(fast.Pix[i]) - int(walk.Pix[i]))
		worst = max(worst, d)
		if d > 0 {
			differ++
		}
	}
	if worst > 3 {
		t.Fatalf("a byte differs by %d levels from the general walk (%d bytes differ)", worst, differ)
	}
	if inkedPix(fast) < 2000 {
		t.Fatal("nearly nothing was drawn")
	}
	t.Logf("%d of %d bytes differ, by at most %d", differ, len(fast.Pix), worst)
}

// TestHairlineBlendNeverWraps: translucent hairlines over opaque white
// leave the pixels opaque and about as light as their own colour at the
// darkest. The blend once overflowed a byte for some coverages of some
// alphas (127 at 129/256, for one): a black speck on the line.
func TestHairlineBlendNeverWraps(t *testing.T) {
	for _, walk := range []bool{false, true} {
		hairWholeOn = !walk
		for alpha := 1; alpha < 256; alpha += 3 {
			r := NewRaster(64, 48, 4)
			r.Clear(color.White)
			sp := &r.rz.sp
			c := color.NRGBA{0x90, 0xa0, 0xb0, uint8(alpha)}
			sp.setColor(c)
			for k := range 40 {
				o := float64(k) * 0.0371
				sp.hairSegment(2+o, 3+o*2, 60-o, 9+o*5, 0.2+o*2)             // shallow
				sp.hairSegment(5+o*3, 2+o, 9+o*7, 45-o, 0.3+o*1.5)           // steep
				sp.hairSegment(3, 20.1+o*7, 61, 20.1+o*7, 0.15+o*1.7)        // flat
				sp.hairSegment(30.2+o*9, 1, 30.2+o*9, 47, 0.1+float64(k)/17) // vertical
			}
			img := r.RGBA()
			for i := 0; i < len(img.Pix); i += 4 {
				px := img.Pix[i : i+4]
				if px[3] != 0xff || px[0] < 0x60 || px[1] < 0x70 || px[2] < 0x80 {
					hairWholeOn = true
					t.Fatalf("walk=%v alpha %d: pixel %d,%d is %v over white", walk, alpha, i/4%64, i/4/64, px)
				}
			}
		}
	}
	hairWholeOn = true
}

// TestRowClipIsTheSamePixels: fills whose outlines run far above and
// below the image (a zoomed view, a band of a frame) give the same pixels
// with the vertices beyond the rows left out as with the whole outline,
// in a painter of the whole image and in bands.
func TestRowClipIsTheSamePixels(t *testing.T) {
	draw := func(r *Raster) {
		r.Clear(color.White)
		for k := range 60 {
			var p canvas.Path
			cx, cy := 10+float64(k*7%90), 5+float64(k*13%60)
			p.MoveTo(cx, cy)
			for i := 1; i < 40; i++ {
				a := float64(i) * 0.16 * (1 + float64(k%3))
				rr := 8 + 70*math.Abs(math.Sin(float64(i*k)*0.37))
				p.LineTo(cx+rr*math.Cos(a)*0.4, cy+rr*math.Sin(a))
			}
			p.CubicTo(cx-90, cy+200, cx+40, cy-150, cx+1.3, cy-0.7)
			p.Close()
			r.SetFillColor(color.NRGBA{uint8(k * 40), 0x60, uint8(200 - k), uint8(0x60 + k%3*0x4f)})
			r.Fill(&p)
		}
	}
	const w, h, px = 400, 260, 3.7
	shot := func(bands int) []byte {
		frame := image.NewRGBA(image.Rect(0, 0, w, h))
		for k := range bands {
			y0, y1 := h*k/bands, h*(k+1)/bands
			draw(NewRasterBand(Band(frame, y0, y1), px, y0, h))
		}
		return frame.Pix
	}
	for _, bands := range []int{1, 3} {
		clipped := shot(bands)
		rowClipOn = false
		whole := shot(bands)
		rowClipOn = true
		diff := 0
		for i := range whole {
			if whole[i] != clipped[i] {
				diff++
			}
		}
		if diff != 0 {
			t.Errorf("%d bands: %d bytes differ with the rows clipped", bands, diff)
		}
		if inkedPix(&image.RGBA{Pix: clipped}) < w*h/3 {
			t.Fatalf("%d bands: nearly nothing was drawn", bands)
		}
	}
}
