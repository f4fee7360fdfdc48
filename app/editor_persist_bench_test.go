package app

import (
	"bytes"
	"image"
	"image/jpeg"
	"testing"

	"cordwain/canvas"
	"cordwain/canvas/samples"
	"cordwain/cli"
	"cordwain/models"
)

// photoJPEG is a w×h JPEG with smooth shading and some texture, like a
// phone photo of a sketch.
func photoJPEG(b testing.TB, w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			i := img.PixOffset(x, y)
			v := uint8(160 + (x*31+y*17)%64 + (x^y)%7)
			img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = v, v-10, v-20, 0xff
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// Importing a 24-megapixel photo: decoded, scaled to 4096 px and encoded
// again for the design.
func BenchmarkDecodeUnderlay24MP(b *testing.B) {
	data := photoJPEG(b, 6000, 4000)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := DecodeUnderlay(data); err != nil {
			b.Fatal(err)
		}
	}
}

// Saving an edit of a design with a 4096×2731 underlay, durable, against
// the same edit without one: the picture's element is unchanged, so the
// version stores (and the store hashes) only what moved.
func BenchmarkSaveWithUnderlay(b *testing.B) {
	for _, withUnderlay := range []bool{false, true} {
		name := "without"
		if withUnderlay {
			name = "with"
		}
		b.Run(name, func(b *testing.B) {
			st, ident, err := cli.OpenStudio(b.TempDir())
			if err != nil {
				b.Fatal(err)
			}
			studio := NewStoreStudio(st, ident)
			b.Cleanup(func() { studio.Close() })
			s := NewSession(studio, nil)
			d, err := studio.Design(samples.DerbyID)
			if err != nil {
				b.Fatal(err)
			}
			s.Load(d)
			if withUnderlay {
				un, err := DecodeUnderlay(photoJPEG(b, 6000, 4000))
				if err != nil {
					b.Fatal(err)
				}
				c, err := ImportUnderlay(s.Design(), un)
				if err != nil {
					b.Fatal(err)
				}
				if err := s.Do(c); err != nil {
					b.Fatal(err)
				}
				data, _ := un.Bytes()
				w, h := un.Size()
				b.Cleanup(func() {
					b.Logf("picture stored: %d×%d px, %d bytes", w, h, len(data))
				})
			}
			c, err := AddDimension(s.Design(), canvas.Point{X: 10, Y: 5}, canvas.Point{X: 120, Y: 5})
			if err != nil {
				b.Fatal(err)
			}
			if err := s.Do(c); err != nil {
				b.Fatal(err)
			}
			if _, err := s.Save("setup"); err != nil {
				b.Fatal(err)
			}
			id := c.Edits[0].ID
			step := 0.0
			for b.Loop() {
				step++
				dm := models.FindElem(s.Design(), id).(models.Dimension)
				dm.B.X = 120 + step/10
				if err := s.Do(models.SetElem("Move dimension", s.Design(), dm)); err != nil {
					b.Fatal(err)
				}
				if _, err := s.Save(""); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// A full redraw of the 20-piece design with a 4096-px underlay under it
// (the picture decoded once; each frame scales it into the raster).
func BenchmarkFrameWithUnderlay(b *testing.B) {
	e, _ := benchEditor(b)
	un, err := DecodeUnderlay(photoJPEG(b, 6000, 4000))
	if err != nil {
		b.Fatal(err)
	}
	if err := e.SetUnderlay(un); err != nil {
		b.Fatal(err)
	}
	e.Frame(1920, 1080)
	for b.Loop() {
		e.invalidate()
		e.Frame(1920, 1080)
	}
}
