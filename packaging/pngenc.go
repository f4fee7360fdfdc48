package packaging

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/png"
	"io"
	"math"
)

// encodePagePNG writes an opaque RGBA image as an 8-bit RGB PNG, every row
// with the "Up" filter, compressed at zlib's best speed. Pages are mostly
// white, so Up makes long zero runs that deflate's fast mode eats; it is
// several times faster than image/png, which tries all five filters on
// every row and writes the (always 255) alpha. An image with any
// transparency goes to image/png instead. Either way the file carries a
// pHYs chunk with dpi, so viewers print the page to scale.
func encodePagePNG(w io.Writer, img *image.RGBA, dpi float64) error {
	b := img.Bounds()
	wd, ht := b.Dx(), b.Dy()
	if wd <= 0 || ht <= 0 || !opaque(img) {
		var buf bytes.Buffer
		if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, img); err != nil {
			return err
		}
		// pHYs goes right after IHDR: signature 8 bytes, IHDR 25.
		data := buf.Bytes()
		var phys bytes.Buffer
		if err := writeChunk(&phys, "pHYs", physData(dpi)); err != nil {
			return err
		}
		for _, part := range [][]byte{data[:33], phys.Bytes(), data[33:]} {
			if _, err := w.Write(part); err != nil {
				return err
			}
		}
		return nil
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	if _, err := bw.WriteString("\x89PNG\r\n\x1a\n"); err != nil {
		return err
	}
	var hdr [13]byte
	binary.BigEndian.PutUint32(hdr[0:], uint32(wd))
	binary.BigEndian.PutUint32(hdr[4:], uint32(ht))
	hdr[8], hdr[9] = 8, 2 // 8 bits, truecolour; compression, filter, interlace 0
	if err := writeChunk(bw, "IHDR", hdr[:]); err != nil {
		return err
	}
	if err := writeChunk(bw, "pHYs", physData(dpi)); err != nil {
		return err
	}
	cw := &chunkWriter{w: bw, buf: make([]byte, 0, 256<<10)}
	zw, err := zlib.NewWriterLevel(cw, zlib.BestSpeed)
	if err != nil {
		return err
	}
	prev := make([]byte, 3*wd)
	cur := make([]byte, 1+3*wd)
	for y := 0; y < ht; y++ {
		row := img.Pix[(y)*img.Stride : (y)*img.Stride+4*wd]
		cur[0] = 2 // Up
		out := cur[1:]
		for x, i := 0, 0; x < wd; x, i = x+1, i+4 {
			r, g, bl := row[i], row[i+1], row[i+2]
			j := 3 * x
			out[j], out[j+1], out[j+2] = r-prev[j], g-prev[j+1], bl-prev[j+2]
			prev[j], prev[j+1], prev[j+2] = r, g, bl
		}
		if _, err := zw.Write(cur); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if err := cw.flush(); err != nil {
		return err
	}
	if err := writeChunk(bw, "IEND", nil); err != nil {
		return err
	}
	return bw.Flush()
}

// opaque reports whether every pixel of img has alpha 255.
func opaque(img *image.RGBA) bool {
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		i := img.PixOffset(b.Min.X, y)
		row := img.Pix[i : i+4*b.Dx()]
		acc := byte(0xff)
		for k := 3; k < len(row); k += 4 {
			acc &= row[k]
		}
		if acc != 0xff {
			return false
		}
	}
	return true
}

func writeChunk(w io.Writer, kind string, data []byte) error {
	var head [8]byte
	binary.BigEndian.PutUint32(head[:4], uint32(len(data)))
	copy(head[4:], kind)
	crc := crc32.NewIEEE()
	crc.Write(head[4:])
	crc.Write(data)
	var tail [4]byte
	binary.BigEndian.PutUint32(tail[:], crc.Sum32())
	for _, p := range [][]byte{head[:], data, tail[:]} {
		if _, err := w.Write(p); err != nil {
			return err
		}
	}
	return nil
}

// chunkWriter cuts the zlib stream into IDAT chunks.
type chunkWriter struct {
	w   io.Writer
	buf []byte
}

func (c *chunkWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		k := min(cap(c.buf)-len(c.buf), len(p))
		c.buf = append(c.buf, p[:k]...)
		p = p[k:]
		if len(c.buf) == cap(c.buf) {
			if err := c.flush(); err != nil {
				return 0, err
			}
		}
	}
	return n, nil
}

func (c *chunkWriter) flush() error {
	if len(c.buf) == 0 {
		return nil
	}
	err := writeChunk(c.w, "IDAT", c.buf)
	c.buf = c.buf[:0]
	return err
}

// physData is a pHYs chunk's body: dpi as pixels per metre on both axes.
func physData(dpi float64) []byte {
	ppm := uint32(math.Round(dpi / 0.0254))
	var b [9]byte
	binary.BigEndian.PutUint32(b[0:], ppm)
	binary.BigEndian.PutUint32(b[4:], ppm)
	b[8] = 1 // unit: metre
	return b[:]
}
