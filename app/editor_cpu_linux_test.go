package app

import (
	"image"
	"image/color"
	"runtime"
	"sync"
	"testing"
	"time"

	"cordwain/canvas"
	"cordwain/canvas/paint"
	"cordwain/internal/threadcpu"
)

// BenchmarkEditorBandsCPU times, in CPU time of the threads that do it,
// the design layer of a full redraw drawn by one painter and by the
// editor's two bands (each on its own thread, at the same time): on a
// machine with two free cores the bands' wall time is their slowest
// band's, which wall-clock benchmarks on a loaded machine cannot show.
// Reported (medians): drawdesign-ms, canvas.DrawDesign alone into a
// cleared 1920×1080 painter (BenchmarkEditorBaselineDrawDesign);
// frame-rest-ms, the CPU of a full redraw on the thread that draws the
// frame, bands excepted (next to nothing: the bands draw the top too);
// single-ms, the design layer (scene kept) by one painter; slowest-band-ms
// and all-bands-ms, the same by two bands, each also copying its rows to
// the kept copy and drawing the top (selection, rulers) over them.
func BenchmarkEditorBandsCPU(b *testing.B) {
	e, _ := benchEditor(b)
	e.bands.force = 2 // the frame's own thread's share of a banded redraw
	d, opt, vp := e.Design(), e.Options(), e.Viewport()
	sc := e.stillScene(d, opt, 0, nil)
	buf := image.NewRGBA(image.Rect(0, 0, 1920, 1080))
	keep := image.NewRGBA(buf.Rect)
	single := paint.NewRasterRGBA(buf, unitsPerMM)
	const n = 2
	var bands [n]*paint.Raster
	for k := range n {
		y0, y1 := 1080*k/n, 1080*(k+1)/n
		bands[k] = paint.NewRasterBand(paint.Band(buf, y0, y1), unitsPerMM, y0, 1080)
	}
	var singles, slowest, all, bare, main []float64
	e.Frame(1920, 1080)
	for b.Loop() {
		// The yardstick: DrawDesign alone, scene built, one painter.
		runtime.LockOSThread()
		c0 := threadcpu.Now()
		single.Clear(color.White)
		canvas.DrawDesign(single, d, opt)
		bare = append(bare, ms(threadcpu.Now()-c0))
		// The window's full redraw, on the thread that asks for it: all
		// but the bands (the kept copy, selection, rulers), which run on
		// other threads meanwhile.
		e.invalidate()
		c0 = threadcpu.Now()
		e.Frame(1920, 1080)
		main = append(main, ms(threadcpu.Now()-c0))
		runtime.UnlockOSThread()

		runtime.LockOSThread()
		c0 = threadcpu.Now()
		single.Reset()
		e.drawStill(single, sc, opt, vp, nil)
		singles = append(singles, ms(threadcpu.Now()-c0))
		runtime.UnlockOSThread()
		var cpu [n]time.Duration
		var wg sync.WaitGroup
		for k := range n {
			wg.Go(func() {
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
				c0 := threadcpu.Now()
				bands[k].Reset()
				e.drawStill(bands[k], sc, opt, vp, nil)
				// and its rows of the kept copy, as drawStillBands does
				i0, i1 := 1080*k/n*buf.Stride, 1080*(k+1)/n*buf.Stride
				copy(keep.Pix[i0:i1], buf.Pix[i0:i1])
				bands[k].Reset()
				e.drawTop(bands[k], d, vp, nil, true)
				cpu[k] = threadcpu.Now() - c0
			})
		}
		wg.Wait()
		slowest = append(slowest, ms(max(cpu[0], cpu[1])))
		all = append(all, ms(cpu[0]+cpu[1]))
	}
	b.ReportMetric(median(bare), "drawdesign-ms")
	b.ReportMetric(median(main), "frame-rest-ms")
	b.ReportMetric(median(singles), "single-ms")
	b.ReportMetric(median(slowest), "slowest-band-ms")
	b.ReportMetric(median(all), "all-bands-ms")
}
