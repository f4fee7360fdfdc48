// Package paint holds the backends of [canvas.Painter]: Raster (the
// editor's screen, with span and hairline fast paths), GG (PNG pages through
// a gg.Context, drawable in bands), PDF (fpdf, vector) and SVG. They share
// one state stack (paintstate.go), one affine transform and one embedded
// font metric ([TextWidthMM]), so every output lays text out alike.
//
// The editor in app and the tech pack in packaging both draw through these
// painters; neither needs the other. paint imports canvas and no Fyne.
package paint
