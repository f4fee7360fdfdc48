package packaging

import (
	"fmt"
	"image/color"

	"cordwain/canvas"

	qrcode "github.com/skip2/go-qrcode"
)

// qrSize is the side of the page's QR code, mm: 0.3 mm modules or more
// for the codes a page carries, which a phone reads off paper.
const qrSize = 12.0

// pageQRText is what a page's QR code says: the style number, the exact
// version and the page, so a printout can be matched to its history
// ("cordwain export --version" takes the ID).
func pageQRText(styleNo, versionID string, n, total int) string {
	return fmt.Sprintf("CORDWAIN %s %s P%d/%d", styleNo, versionID, n, total)
}

// drawQR draws text as a QR code (medium error correction) of side mm
// with its top-left corner at (x, y): the dark modules as one filled path,
// so the PDF keeps it vector. A text too long for a QR code draws nothing.
func drawQR(p canvas.Painter, text string, x, y, side float64) error {
	q, err := qrcode.New(text, qrcode.Medium)
	if err != nil {
		return fmt.Errorf("QR code: %w", err)
	}
	q.DisableBorder = true
	bm := q.Bitmap()
	n := len(bm)
	if n == 0 {
		return nil
	}
	m := side / float64(n)
	var path canvas.Path
	for r, row := range bm {
		for c := 0; c < len(row); {
			if !row[c] {
				c++
				continue
			}
			start := c
			for c < len(row) && row[c] {
				c++
			}
			// One rectangle per run of dark modules in a row.
			x0, y0 := x+float64(start)*m, y+float64(r)*m
			path.MoveTo(x0, y0)
			path.LineTo(x+float64(c)*m, y0)
			path.LineTo(x+float64(c)*m, y0+m)
			path.LineTo(x0, y0+m)
			path.Close()
		}
	}
	p.SetFillColor(color.Black)
	p.Fill(&path)
	return nil
}
