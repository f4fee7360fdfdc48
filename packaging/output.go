package packaging

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"cordwain/canvas/paint"
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
	doc := paint.NewPDF(d.Meta.StyleNo + " " + d.Meta.Name)
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
	w, h := int(pg.W*ppm+0.5), int(pg.H*ppm+0.5)
	// The page is drawn in horizontal bands, one per core, each a gg
	// context of its own; the rasterizer's coverage is exact per pixel, so
	// the bands meet without a seam.
	bands := min(runtime.GOMAXPROCS(0), 4, max(1, h/256))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	errs := make([]error, bands)
	var wg sync.WaitGroup
	for i := range bands {
		y0, y1 := h*i/bands, h*(i+1)/bands
		wg.Add(1)
		go func() {
			defer wg.Done()
			g := paint.NewGGBand(w, y1-y0, ppm, float64(y0), pg.W, pg.H)
			g.Clear(color.White)
			if errs[i] = DrawPage(g, pages, n); errs[i] == nil {
				draw.Draw(img, image.Rect(0, y0, w, y1), g.RGBA(), image.Point{}, draw.Src)
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return img, nil
}

// WritePagePNG writes page n of the tech pack as a PNG at dpi.
func WritePagePNG(w io.Writer, pages []*Page, n int, dpi float64) error {
	img, err := RenderPage(pages, n, dpi)
	if err != nil {
		return err
	}
	if err := encodePagePNG(w, img, dpi); err != nil {
		return fmt.Errorf("encoding page %d PNG: %w", n+1, err)
	}
	return nil
}

// WritePageSVG writes page n of the tech pack as SVG.
func WritePageSVG(w io.Writer, pages []*Page, n int) error {
	if n < 0 || n >= len(pages) {
		return fmt.Errorf("drawing page %d: have %d pages", n+1, len(pages))
	}
	s := paint.NewSVG(pages[n].W, pages[n].H)
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
	// CreateTemp makes the file 0600; exports are made to be shared, so
	// they get the mode any new file gets (0666 less the umask).
	if err := os.Chmod(tmp.Name(), 0o666&^umask()); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if st, err := os.Stat(name); err == nil && st.IsDir() {
		os.Remove(tmp.Name())
		return fmt.Errorf("%s is a directory", name)
	}
	if err := os.Rename(tmp.Name(), name); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return nil
}
