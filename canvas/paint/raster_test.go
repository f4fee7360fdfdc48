package paint

import (
	"image"
	"image/color"
	"math"
	"testing"

	"cordwain/canvas"
)

func dark(c color.Color) bool {
	r, g, b, a := c.RGBA()
	return a > 0x8000 && r < 0x8000 && g < 0x8000 && b < 0x8000
}

func countDark(img *image.RGBA, rect image.Rectangle) int {
	n := 0
	rect = rect.Intersect(img.Bounds())
	for y := rect.Min.Y; y < rect.Max.Y; y++ {
		for x := rect.Min.X; x < rect.Max.X; x++ {
			if dark(img.At(x, y)) {
				n++
			}
		}
	}
	return n
}

func whiteRaster(w, h int, ppm float64) *Raster {
	r := NewRaster(w, h, ppm)
	r.Clear(color.White)
	return r
}

func line(x0, y0, x1, y1 float64) *canvas.Path {
	var p canvas.Path
	p.MoveTo(x0, y0)
	p.LineTo(x1, y1)
	return &p
}

func rect(x, y, w, h float64) *canvas.Path {
	var p canvas.Path
	p.MoveTo(x, y)
	p.LineTo(x+w, y)
	p.LineTo(x+w, y+h)
	p.LineTo(x, y+h)
	p.Close()
	return &p
}

func TestRasterSizeAndStroke(t *testing.T) {
	r := whiteRaster(200, 100, 4) // 50 × 25 mm
	if w, h := r.Size(); w != 50 || h != 25 {
		t.Fatalf("Size = %v×%v mm, want 50×25", w, h)
	}
	r.SetLineWidth(0.5)
	r.Stroke(line(5, 10, 45, 10)) // y = 40 px
	img := r.RGBA()
	if !dark(img.At(100, 40)) {
		t.Errorf("pixel on the stroked line is %v, want dark", img.At(100, 40))
	}
	if dark(img.At(100, 50)) || dark(img.At(100, 30)) {
		t.Error("stroke is wider than 0.5 mm")
	}
	if dark(img.At(10, 40)) {
		t.Error("stroke extends before its start")
	}
}

func TestRasterTransformsPushPop(t *testing.T) {
	r := whiteRaster(400, 400, 4) // 100 × 100 mm
	r.SetLineWidth(1)
	r.Push()
	r.Translate(50, 50)
	r.Rotate(90) // counter-clockwise on screen: +x turns to -y (up)
	r.Stroke(line(0, 0, 20, 0))
	r.Pop()
	img := r.RGBA()
	if !dark(img.At(200, 200-40)) {
		t.Error("rotated line should go up from the centre")
	}
	if dark(img.At(200+40, 200)) {
		t.Error("rotation not applied")
	}
	// After Pop the transform is identity again.
	r.Stroke(line(0, 90, 20, 90))
	if !dark(img.At(40, 360)) {
		t.Error("Pop did not restore the transform")
	}
	r.Pop() // unmatched: must not panic
	r.Push()
	r.Scale(2, 2)
	r.SetLineWidth(0.5) // widths are page mm, not scaled
	r.Stroke(line(5, 30, 10, 30))
	r.Pop()
	if !dark(img.At(60, 240)) || dark(img.At(60, 240+3)) {
		t.Error("scaled stroke misplaced or its width scaled")
	}
}

func TestRasterFillColourAndDash(t *testing.T) {
	r := whiteRaster(400, 100, 4)
	r.SetFillColor(color.RGBA{R: 200, A: 255})
	r.Fill(rect(10, 5, 10, 10))
	c := color.RGBAModel.Convert(r.RGBA().At(60, 40)).(color.RGBA)
	if c.R != 200 || c.G != 0 {
		t.Errorf("fill colour = %v, want red", c)
	}
	r.SetDash(2, 2)
	r.SetLineWidth(0.5)
	r.Stroke(line(0, 20, 100, 20))
	on, off := 0, 0
	for x := 0; x < 400; x++ {
		if dark(r.RGBA().At(x, 80)) {
			on++
		} else {
			off++
		}
	}
	if on < 120 || off < 120 {
		t.Errorf("dashed line: %d px on, %d off; want about half each", on, off)
	}
	r.SetDash(0, 0) // nonsense pattern → solid, not a hang
	r.SetDash(-1)
	r.Stroke(line(0, 22, 100, 22))
}

func TestRasterText(t *testing.T) {
	r := whiteRaster(600, 200, 6)
	for _, tc := range []struct {
		s     string
		y     float64
		align canvas.Align
	}{
		{"Style No.", 10, canvas.AlignLeft},
		{"款号 中文", 20, canvas.AlignCenter},
		{"Size 250", 30, canvas.AlignRight},
	} {
		w := r.TextWidth(tc.s, 12)
		if w < 10 || w > 60 {
			t.Fatalf("TextWidth(%q, 12pt) = %.1f mm, implausible", tc.s, w)
		}
		r.Text(tc.s, 50, tc.y, 12, tc.align)
		x0 := 50 - alignOffset(w, int(tc.align))
		in := image.Rect(int(x0*6)-2, int((tc.y-4.5)*6), int((x0+w)*6)+2, int((tc.y+1.5)*6))
		if n := countDark(r.RGBA(), in); n < 150 {
			t.Errorf("%q: %d dark px inside its box, want glyphs", tc.s, n)
		}
		outL := image.Rect(0, int((tc.y-4.5)*6), int(x0*6)-6, int(tc.y*6))
		if n := countDark(r.RGBA(), outL); n > 0 {
			t.Errorf("%q: %d dark px left of its box (alignment)", tc.s, n)
		}
	}
	// Width in mm scales with size and is the same for every painter.
	if a, b := r.TextWidth("ABC", 10), r.TextWidth("ABC", 20); b < 1.99*a || b > 2.01*a {
		t.Errorf("TextWidth not proportional to size: %v vs %v", a, b)
	}
	r.Text("x", 0, 0, -3, canvas.AlignLeft) // bad size: ignored
	r.Text("x", 0, 0, 1e9, canvas.AlignLeft)
}

func TestRasterImage(t *testing.T) {
	src := image.NewRGBA(image.Rect(0, 0, 2, 2))
	for i := range src.Pix {
		src.Pix[i] = 0
		if i%4 == 2 || i%4 == 3 {
			src.Pix[i] = 255 // opaque blue
		}
	}
	r := whiteRaster(200, 200, 2)
	r.Image(src, 10, 10, 20, 20) // → px 20..60
	c := color.RGBAModel.Convert(r.RGBA().At(40, 40)).(color.RGBA)
	if c.B != 255 || c.R != 0 {
		t.Errorf("image centre = %v, want blue", c)
	}
	if c := color.RGBAModel.Convert(r.RGBA().At(70, 40)).(color.RGBA); c.R != 255 {
		t.Errorf("outside image = %v, want white", c)
	}
	r.Image(nil, 0, 0, 10, 10)
	r.Image(src, 0, 0, 0, 10)
}

func TestRasterBadPaths(t *testing.T) {
	r := whiteRaster(50, 50, 1)
	r.Stroke(nil)
	r.Fill(&canvas.Path{})
	var p canvas.Path
	p.LineTo(1e300, 5) // no MoveTo, absurd coordinates
	p.CubicTo(0, 0, 1, 1, 2, 2)
	r.Stroke(&p)
	r.Fill(&p)
	NewRaster(0, -1, -5).Stroke(line(0, 0, 1, 1))
}

// TestHairlineMatchesOutline draws lines, curves and dashes with the
// hairline fast path and with the general stroker (the slow reference) and
// compares ink: in total within 6%, and all but 3% of pixels within 64
// levels (joins and dash ends are drawn a little differently).
func TestHairlineMatchesOutline(t *testing.T) {
	var p canvas.Path
	p.MoveTo(3, 4)
	p.LineTo(40, 9)  // shallow
	p.LineTo(44, 38) // steep
	p.CubicTo(30, 45, 12, 20, 5, 36)
	p.Close()
	p.MoveTo(10, 2)
	p.LineTo(10, 30) // vertical, on a pixel edge
	for _, tc := range []struct {
		name  string
		width float64 // px
		dash  []float64
	}{{"0.5 px", 0.5, nil}, {"1 px", 1, nil}, {"1.8 px", 1.8, nil}, {"1 px dashed", 1, []float64{6, 3}}, {"2.4 px dashed", 2.4, []float64{9, 4}}} {
		t.Run(tc.name, func(t *testing.T) {
			ink := func(fast bool) *image.RGBA {
				r := NewRaster(200, 200, 4)
				r.Clear(color.White)
				r.rz.sp.setColor(color.Black)
				if fast {
					r.flatten(&p, r.device(), func(poly []fpt, closed bool) { r.rz.sp.hairline(poly, closed, tc.dash, tc.width) })
				} else {
					r.strokeOutline(&p, tc.dash, tc.width)
				}
				return r.RGBA()
			}
			a, b := ink(true), ink(false)
			var sa, sb float64
			inked, off := 0, 0
			for i := 0; i < len(a.Pix); i += 4 {
				da, db := 255-int(a.Pix[i]), 255-int(b.Pix[i])
				sa += float64(da)
				sb += float64(db)
				if da > 0 || db > 0 {
					inked++
				}
				if abs(da-db) > 64 {
					off++
				}
			}
			if sb == 0 || math.Abs(sa-sb)/sb > 0.06 {
				t.Errorf("total ink %.0f, reference %.0f", sa, sb)
			}
			// Joins and dash ends differ a little; the lines must not.
			if float64(off) > 0.03*float64(inked) {
				t.Errorf("%d of %d inked pixels differ by more than 64 levels", off, inked)
			}
		})
	}
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
