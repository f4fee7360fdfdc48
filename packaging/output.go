package packaging

import (
	"fmt"
	"image"
	"image/color"
	"io"
	"os"
	"path/filepath"

	"cordwain/models"
)

// WritePDF writes the whole tech pack of d as one PDF.
func WritePDF(w io.Writer, d *models.Design, opts Options) error {
	pages, err := Pages(d, opts)
	if err != nil {
		return err
	}
	return writePagesPDF(w, d, pages)
}

func writePagesPDF(w io.Writer, d *models.Design, pages []*Page) error {
	doc := NewPDF(d.Meta.StyleNo + " " + d.Meta.Name)
	for i, pg := range pages {
		doc.AddPage(pg.W, pg.H)
		if err := DrawPage(doc, pages, i); err != nil {
			return err
		}
	}
	return doc.Write(w)
}

// RenderPage rasterises page n (0-based) at dpi dots per inch.
func RenderPage(pages []*Page, n int, dpi float64) (*image.RGBA, error) {
	if n < 0 || n >= len(pages) {
		return nil, fmt.Errorf("rendering page %d: have %d pages", n+1, len(pages))
	}
	if !(dpi >= 10 && dpi <= 1200) {
		return nil, fmt.Errorf("rendering page %d: %g dpi is outside 10-1200", n+1, dpi)
	}
	ppm := dpi / 25.4
	pg := pages[n]
	r := NewRaster(int(pg.W*ppm+0.5), int(pg.H*ppm+0.5), ppm)
	r.Clear(color.White)
	if err := DrawPage(r, pages, n); err != nil {
		return nil, err
	}
	return r.RGBA(), nil
}

// WritePagePNG writes page n of the tech pack as a PNG at dpi.
func WritePagePNG(w io.Writer, pages []*Page, n int, dpi float64) error {
	img, err := RenderPage(pages, n, dpi)
	if err != nil {
		return err
	}
	if err := encodePagePNG(w, img); err != nil {
		return fmt.Errorf("encoding page %d PNG: %w", n+1, err)
	}
	return nil
}

// WritePageSVG writes page n of the tech pack as SVG.
func WritePageSVG(w io.Writer, pages []*Page, n int) error {
	if n < 0 || n >= len(pages) {
		return fmt.Errorf("drawing page %d: have %d pages", n+1, len(pages))
	}
	s := NewSVG(pages[n].W, pages[n].H)
	if err := DrawPage(s, pages, n); err != nil {
		return err
	}
	_, err := s.WriteTo(w)
	return err
}

// WriteFileAtomic writes data to name through a temporary file in the same
// directory and a rename, so a reader never sees half a file and a failed
// write leaves any old file as it was.
func WriteFileAtomic(name string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), ".export-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), name); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return nil
}
