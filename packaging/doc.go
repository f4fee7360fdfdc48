// Package packaging builds the technical package a sampling workshop works
// from: tech-pack pages drawn once through [canvas.Painter] and rendered by
// the canvas's painters in cordwain/canvas/paint — GG (PNG pages, in bands),
// PDF (fpdf, vector, embedded subset font) and SVG — plus DXF cut files in the
// AAMA/ASTM D6673 convention, a BOM CSV, a manifest with checksums and the
// zip bundle of all of it.
//
// All geometry is in millimetres; text sizes are points. Text is always set
// in the embedded font (see cordwain/assets/fonts) so every output matches.
package packaging
