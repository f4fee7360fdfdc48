package app

import (
	"fmt"
	"image/color"
	"runtime"
	"sort"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"cordwain/canvas"
	"cordwain/canvas/paint"
	"cordwain/canvas/samples"
	"cordwain/models"
)

// benchDesign is the sneaker with its pieces duplicated (new IDs, shifted
// a little) up to n pieces: a busy design.
func benchDesign(n int) *models.Design {
	d := samples.Sneaker()
	base := len(d.Pieces)
	for i := 0; len(d.Pieces) < n; i++ {
		pc := d.Pieces[i%base]
		pc.ID = models.ID(fmt.Sprintf("d0b1%012x", i))
		pc.Outline.Points = append([]models.Point(nil), pc.Outline.Points...)
		for k := range pc.Outline.Points {
			pc.Outline.Points[k].X += 3
			pc.Outline.Points[k].Y -= 2
		}
		pc.Order += 10
		d.Pieces = append(d.Pieces, pc)
	}
	d.Normalize()
	return d
}

// benchEditor is the editor as the window runs it at 1920×1080 (scale 1):
// the 20-piece design on the mean form with grid, allowances, labels, a
// colourway and a selected piece.
func benchEditor(b testing.TB) (*Editor, models.Piece) {
	test.NewTempApp(b)
	e := NewEditor()
	w := test.NewTempWindow(b, e)
	w.SetPadded(false)
	w.Resize(fyne.NewSize(1920, 1080))
	d := benchDesign(20)
	o := e.Options()
	o.View, o.Grid, o.ShowAllowances, o.Labels, o.Colourway = canvas.ViewMeanForm, true, true, true, d.Colourways[0].ID
	e.SetOptions(o)
	e.SetDesign(d)
	pc := d.Pieces[0]
	e.Select(Selection{Elems: []models.ID{pc.ID}})
	return e, pc
}

// invalidate forces the next frame to be drawn afresh.
func (e *Editor) invalidate() {
	e.mu.Lock()
	e.rev, e.stillRev = e.rev+1, e.stillRev+1
	e.mu.Unlock()
}

// BenchmarkEditorFullRedraw is a whole frame as the window draws it
// after a zoom or a pan: the design (its scene kept, drawn in one band per
// processor at the same time), a copy kept for the frames that follow,
// the selection and the rulers, into the reused 1920×1080 buffer.
// Target ≤ 8 ms.
func BenchmarkEditorFullRedraw(b *testing.B) {
	e, _ := benchEditor(b)
	e.Frame(1920, 1080)
	b.ReportAllocs()
	var ts []float64
	for b.Loop() {
		e.invalidate()
		t0 := time.Now()
		e.Frame(1920, 1080)
		ts = append(ts, ms(time.Since(t0)))
	}
	b.ReportMetric(median(ts), "median-ms")
}

// BenchmarkEditorFullRedrawOneProc is BenchmarkEditorFullRedraw with
// GOMAXPROCS=1: one band, as on a single processor (or a machine whose
// other processors are busy): what the bands gain, in the same run.
func BenchmarkEditorFullRedrawOneProc(b *testing.B) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	BenchmarkEditorFullRedraw(b)
}

// BenchmarkEditorDragFrame is one pointer move of a piece being dragged:
// the select tool's command and preview, then the frame — the still part
// cached at the drag's start, the piece drawn over it. Target ≤ 4 ms.
func BenchmarkEditorDragFrame(b *testing.B) {
	e, pc := benchEditor(b)
	start := e.ToWidget(pc.Outline.Points[0])
	c := canvas.PathBounds(pc.Outline)
	start = e.ToWidget(canvas.Point{X: (c.Min.X + c.Max.X) / 2, Y: (c.Min.Y + c.Max.Y) / 2})
	if id := canvas.HitElement(e.Design(), e.ToModel(start), e.tol(), 0); id == "" {
		b.Fatal("drag start is on nothing")
	}
	press(e, start, 0)
	e.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: start}, Dragged: fyne.NewDelta(1, 0)})
	e.Frame(1920, 1080) // the drag's first frame draws the still part
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		dx := float32(1)
		if i%2 == 1 {
			dx = -1
		}
		i++
		e.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: start}, Dragged: fyne.NewDelta(dx, 0.5)})
		e.Frame(1920, 1080)
	}
	b.StopTimer()
	e.DragEnd()
}

// BenchmarkEditorLastChange is a last measurement changed in the Edit
// panel to the redrawn frame: validate, regenerate, re-fit every line,
// piece and mark, apply the command, draw. Target ≤ 16 ms.
func BenchmarkEditorLastChange(b *testing.B) {
	e, _ := benchEditor(b)
	e.Frame(1920, 1080)
	b.ReportAllocs()
	i := 0
	var ts []float64
	for b.Loop() {
		t0 := time.Now()
		d := e.session.Design()
		l := d.Last
		l.HeelHeight = 25 + float64(i%2)*5
		i++
		c, err := canvas.SetLast(d, l)
		if err != nil {
			b.Fatal(err)
		}
		if err := e.session.Do(c); err != nil {
			b.Fatal(err)
		}
		e.Frame(1920, 1080)
		ts = append(ts, ms(time.Since(t0)))
	}
	b.ReportMetric(median(ts), "median-ms")
}

// BenchmarkEditorHoverFrame is one pointer move with the pen tool: the
// next segment and the snap hint follow the pointer over the cached design
// layer (snapping included).
func BenchmarkEditorHoverFrame(b *testing.B) {
	e, _ := benchEditor(b)
	e.SetTool(ToolPen)
	click(e, fyne.NewPos(700, 600))
	e.Frame(1920, 1080)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		e.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(900+float32(i%50), 500)}})
		e.Frame(1920, 1080)
	}
}

// BenchmarkEditorBaselineDrawDesign is canvas.DrawDesign alone of the same
// design and options into a 1920×1080 Raster (what the editor drew before
// it had tools): the yardstick the editor's frames are compared with in
// the same run, as this machine's timings drift with its load.
func BenchmarkEditorBaselineDrawDesign(b *testing.B) {
	e, _ := benchEditor(b)
	d, opt := e.Design(), e.Options()
	r := paint.NewRaster(1920, 1080, unitsPerMM)
	b.ReportAllocs()
	for b.Loop() {
		r.Clear(color.White)
		if _, err := canvas.DrawDesign(r, d, opt); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEditorRedrawRatios interleaves, in each iteration, the bare
// DrawDesign (BenchmarkEditorBaselineDrawDesign), a full redraw
// (BenchmarkEditorFullRedraw) and a full redraw with GOMAXPROCS=1, so
// that they see the same load; it reports each one's median wall time
// and the full redraws' median ratios to the bare DrawDesign of the same
// iteration (on a shared machine one run's load drifts too much between
// benchmarks run one after the other).
func BenchmarkEditorRedrawRatios(b *testing.B) {
	e, _ := benchEditor(b)
	d, opt := e.Design(), e.Options()
	r := paint.NewRaster(1920, 1080, unitsPerMM)
	e.Frame(1920, 1080)
	var bare, full, one, rFull, rOne []float64
	timed := func(f func()) float64 {
		t0 := time.Now()
		f()
		return float64(time.Since(t0)) / 1e6
	}
	for b.Loop() {
		tb := timed(func() {
			r.Clear(color.White)
			canvas.DrawDesign(r, d, opt)
		})
		tf := timed(func() {
			e.invalidate()
			e.Frame(1920, 1080)
		})
		procs := runtime.GOMAXPROCS(1)
		to := timed(func() {
			e.invalidate()
			e.Frame(1920, 1080)
		})
		runtime.GOMAXPROCS(procs)
		bare, full, one = append(bare, tb), append(full, tf), append(one, to)
		rFull, rOne = append(rFull, tf/tb), append(rOne, to/tb)
	}
	b.ReportMetric(median(bare), "drawdesign-ms")
	b.ReportMetric(median(full), "full-ms")
	b.ReportMetric(median(one), "full-1proc-ms")
	b.ReportMetric(median(rFull), "full/drawdesign")
	b.ReportMetric(median(rOne), "full-1proc/drawdesign")
}

func ms(d time.Duration) float64 { return float64(d) / 1e6 }

func median(v []float64) float64 {
	v = append([]float64(nil), v...)
	sort.Float64s(v)
	return v[len(v)/2]
}
