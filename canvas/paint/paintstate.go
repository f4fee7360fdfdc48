package paint

import (
	"image/color"
	"math"
)

// paintState is what Push saves and Pop restores, for every painter.
type paintState struct {
	m      affine // page mm → mm (user transform)
	stroke color.Color
	fill   color.Color
	lineW  float64 // mm
	dash   []float64
}

// stateStack implements the state half of [canvas.Painter] (Push, Pop,
// transforms, colours, line width, dash) once for the Raster, PDF and SVG
// painters, which embed it.
type stateStack struct {
	st    paintState
	stack []paintState
}

func newStateStack() stateStack {
	return stateStack{st: paintState{m: identity, stroke: color.Black, fill: color.Black, lineW: 0.25}}
}

// reset drops saved states and the transform.
func (s *stateStack) reset() {
	s.stack = s.stack[:0]
	s.st.m = identity
}

// Push implements [canvas.Painter].
func (s *stateStack) Push() { s.stack = append(s.stack, s.st) }

// Pop implements [canvas.Painter]; an unmatched Pop is ignored.
func (s *stateStack) Pop() {
	if n := len(s.stack); n > 0 {
		s.st = s.stack[n-1]
		s.stack = s.stack[:n-1]
	}
}

// Translate implements [canvas.Painter].
func (s *stateStack) Translate(dx, dy float64) { s.st.m = s.st.m.translate(dx, dy) }

// Scale implements [canvas.Painter].
func (s *stateStack) Scale(sx, sy float64) { s.st.m = s.st.m.scale(sx, sy) }

// Rotate implements [canvas.Painter].
func (s *stateStack) Rotate(deg float64) { s.st.m = s.st.m.rotate(deg) }

// SetStrokeColor implements [canvas.Painter].
func (s *stateStack) SetStrokeColor(c color.Color) { s.st.stroke = c }

// SetFillColor implements [canvas.Painter].
func (s *stateStack) SetFillColor(c color.Color) { s.st.fill = c }

// SetLineWidth implements [canvas.Painter].
func (s *stateStack) SetLineWidth(mm float64) {
	if mm >= 0 && !math.IsInf(mm, 0) {
		s.st.lineW = mm
	}
}

// SetDash implements [canvas.Painter].
func (s *stateStack) SetDash(mm ...float64) { s.st.dash = validDash(mm) }
