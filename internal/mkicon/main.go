// Command mkicon draws Cordwain's application icon (a shoe last in side
// view on a leather-brown tile) and writes it as a PNG. Run it with
// `go run ./internal/mkicon -o Icon.png` after changing the drawing.
package main

import (
	"flag"
	"fmt"
	"image/color"
	"os"

	"github.com/fogleman/gg"
)

func main() {
	out := flag.String("o", "Icon.png", "output `file`")
	size := flag.Int("size", 512, "icon size in pixels")
	flag.Parse()
	if err := draw(*size).SavePNG(*out); err != nil {
		fmt.Fprintln(os.Stderr, "mkicon:", err)
		os.Exit(1)
	}
}

func draw(n int) *gg.Context {
	s := float64(n)
	dc := gg.NewContext(n, n)
	// Rounded tile.
	dc.DrawRoundedRectangle(s*0.04, s*0.04, s*0.92, s*0.92, s*0.18)
	grad := gg.NewLinearGradient(0, 0, 0, s)
	grad.AddColorStop(0, rgb(0xb8, 0x72, 0x32))
	grad.AddColorStop(1, rgb(0x7a, 0x43, 0x16))
	dc.SetFillStyle(grad)
	dc.Fill()

	// A last in lateral view: heel at the left, toe at the right, toe spring
	// lifting the toe and the heel seat raised.
	u := s / 100
	dc.MoveTo(18*u, 63*u)                          // heel seat
	dc.CubicTo(15*u, 52*u, 15*u, 38*u, 20*u, 30*u) // back curve
	dc.CubicTo(23*u, 26*u, 30*u, 27*u, 34*u, 29*u) // top of the back
	dc.CubicTo(44*u, 31*u, 50*u, 36*u, 58*u, 43*u) // instep down to the vamp
	dc.CubicTo(66*u, 49*u, 78*u, 52*u, 85*u, 56*u) // forepart
	dc.CubicTo(90*u, 59*u, 89*u, 66*u, 83*u, 67*u) // toe, lifted
	dc.CubicTo(70*u, 70*u, 55*u, 71*u, 45*u, 70*u) // tread
	dc.CubicTo(34*u, 69*u, 26*u, 65*u, 18*u, 63*u) // waist up to the heel
	dc.ClosePath()
	dc.SetRGB255(0xf6, 0xe9, 0xd7)
	dc.FillPreserve()
	dc.SetLineWidth(2.2 * u)
	dc.SetRGB255(0x3b, 0x22, 0x0c)
	dc.Stroke()

	// A style line (the vamp line) and a row of stitches.
	dc.MoveTo(40*u, 31*u)
	dc.CubicTo(44*u, 45*u, 46*u, 58*u, 44*u, 69*u)
	dc.SetLineWidth(1.6 * u)
	dc.SetRGB255(0x9a, 0x5b, 0x24)
	dc.Stroke()
	dc.SetDash(2*u, 1.6*u)
	dc.MoveTo(37*u, 32*u)
	dc.CubicTo(41*u, 45*u, 43*u, 58*u, 41*u, 68.5*u)
	dc.SetLineWidth(0.9 * u)
	dc.Stroke()
	return dc
}

func rgb(r, g, b uint8) color.Color { return color.NRGBA{R: r, G: g, B: b, A: 0xff} }
