package app

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"testing"
)

// FuzzDecodeUnderlay: any bytes either decode to an underlay of the image's
// size or give ErrBadImage; nothing panics or allocates without bound.
func FuzzDecodeUnderlay(f *testing.F) {
	f.Add(pngBytes(f, 8, 6))
	var jb bytes.Buffer
	jpeg.Encode(&jb, image.NewGray(image.Rect(0, 0, 5, 4)), nil)
	f.Add(jb.Bytes())
	f.Add([]byte("GIF89a"))
	f.Add([]byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'})
	f.Fuzz(func(t *testing.T, data []byte) {
		u, err := DecodeUnderlay(data)
		if err != nil {
			if !errors.Is(err, ErrBadImage) {
				t.Fatalf("error %v is not ErrBadImage", err)
			}
			return
		}
		w, h := u.Size()
		if w <= 0 || h <= 0 || u.shown.Bounds().Dx() != w || u.shown.Bounds().Dy() != h {
			t.Fatalf("decoded %d×%d, shown %v", w, h, u.shown.Bounds())
		}
	})
}
