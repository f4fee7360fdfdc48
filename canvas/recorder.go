package canvas

import (
	"image"
	"image/color"
	"unicode/utf8"
)

// RecKind names a recorded painter call.
type RecKind uint8

// Recorded painter calls.
const (
	RecPush RecKind = iota
	RecPop
	RecTranslate
	RecScale
	RecRotate
	RecStrokeColor
	RecFillColor
	RecLineWidth
	RecDash
	RecStroke
	RecFill
	RecText
	RecImage
)

// RecOp is one recorded painter call with its arguments.
type RecOp struct {
	Kind  RecKind
	Nums  []float64   // translate/scale/rotate/line width/dash/text anchor/image rectangle
	Color color.Color // stroke or fill colour
	Path  *Path       // stroke and fill (a copy)
	Text  string
	Size  float64 // text size, points
	Align Align
	Image image.Image
}

// Recorder is a [Painter] that records every call, for tests and for
// replaying a scene onto another painter (draw once, output many).
type Recorder struct {
	W, H float64
	Ops  []RecOp
}

var _ Painter = (*Recorder)(nil)

// NewRecorder makes a recorder with a page of w × h mm.
func NewRecorder(w, h float64) *Recorder { return &Recorder{W: w, H: h} }

func (r *Recorder) add(op RecOp) { r.Ops = append(r.Ops, op) }

// Size implements [Painter].
func (r *Recorder) Size() (float64, float64) { return r.W, r.H }

// Push implements [Painter].
func (r *Recorder) Push() { r.add(RecOp{Kind: RecPush}) }

// Pop implements [Painter].
func (r *Recorder) Pop() { r.add(RecOp{Kind: RecPop}) }

// Translate implements [Painter].
func (r *Recorder) Translate(dx, dy float64) {
	r.add(RecOp{Kind: RecTranslate, Nums: []float64{dx, dy}})
}

// Scale implements [Painter].
func (r *Recorder) Scale(sx, sy float64) { r.add(RecOp{Kind: RecScale, Nums: []float64{sx, sy}}) }

// Rotate implements [Painter].
func (r *Recorder) Rotate(deg float64) { r.add(RecOp{Kind: RecRotate, Nums: []float64{deg}}) }

// SetStrokeColor implements [Painter].
func (r *Recorder) SetStrokeColor(c color.Color) { r.add(RecOp{Kind: RecStrokeColor, Color: c}) }

// SetFillColor implements [Painter].
func (r *Recorder) SetFillColor(c color.Color) { r.add(RecOp{Kind: RecFillColor, Color: c}) }

// SetLineWidth implements [Painter].
func (r *Recorder) SetLineWidth(mm float64) { r.add(RecOp{Kind: RecLineWidth, Nums: []float64{mm}}) }

// SetDash implements [Painter].
func (r *Recorder) SetDash(mm ...float64) {
	r.add(RecOp{Kind: RecDash, Nums: append([]float64(nil), mm...)})
}

func copyPath(p *Path) *Path {
	if p == nil {
		return &Path{}
	}
	return &Path{Segs: append([]Seg(nil), p.Segs...)}
}

// Stroke implements [Painter].
func (r *Recorder) Stroke(p *Path) { r.add(RecOp{Kind: RecStroke, Path: copyPath(p)}) }

// Fill implements [Painter].
func (r *Recorder) Fill(p *Path) { r.add(RecOp{Kind: RecFill, Path: copyPath(p)}) }

// Text implements [Painter].
func (r *Recorder) Text(s string, x, y, size float64, align Align) {
	r.add(RecOp{Kind: RecText, Text: s, Nums: []float64{x, y}, Size: size, Align: align})
}

// TextWidth implements [Painter] with an estimate: half an em for Latin
// runes, a full em for wide (CJK) ones. Real painters measure the font.
func (r *Recorder) TextWidth(s string, size float64) float64 {
	const ptToMM = 25.4 / 72
	w := 0.0
	for _, c := range s {
		if utf8.RuneLen(c) >= 3 {
			w += size
		} else {
			w += 0.55 * size
		}
	}
	return w * ptToMM
}

// Image implements [Painter].
func (r *Recorder) Image(img image.Image, x, y, w, h float64) {
	r.add(RecOp{Kind: RecImage, Image: img, Nums: []float64{x, y, w, h}})
}

// Count is the number of recorded calls of a kind.
func (r *Recorder) Count(k RecKind) int {
	n := 0
	for _, op := range r.Ops {
		if op.Kind == k {
			n++
		}
	}
	return n
}

// Reset forgets the recorded calls, keeping their storage.
func (r *Recorder) Reset() { r.Ops = r.Ops[:0] }

// Replay sends the recorded calls to p in order.
func (r *Recorder) Replay(p Painter) {
	for _, op := range r.Ops {
		n := op.Nums
		switch op.Kind {
		case RecPush:
			p.Push()
		case RecPop:
			p.Pop()
		case RecTranslate:
			p.Translate(n[0], n[1])
		case RecScale:
			p.Scale(n[0], n[1])
		case RecRotate:
			p.Rotate(n[0])
		case RecStrokeColor:
			p.SetStrokeColor(op.Color)
		case RecFillColor:
			p.SetFillColor(op.Color)
		case RecLineWidth:
			p.SetLineWidth(n[0])
		case RecDash:
			p.SetDash(n...)
		case RecStroke:
			p.Stroke(op.Path)
		case RecFill:
			p.Fill(op.Path)
		case RecText:
			p.Text(op.Text, n[0], n[1], op.Size, op.Align)
		case RecImage:
			p.Image(op.Image, n[0], n[1], n[2], n[3])
		}
	}
}
