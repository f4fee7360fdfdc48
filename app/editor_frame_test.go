package app

import (
	"bytes"
	"image"
	"runtime"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// A full redraw in bands, one per processor, is the frame one painter
// draws, pixel for pixel; and frames at a new size keep no painter of the
// old buffers.
func TestBandedFrameIsOnePaintersFrame(t *testing.T) {
	e, _ := benchEditor(t)
	w := test.NewTempWindow(t, e) // a smaller window than the benchmarks'

	w.Resize(fyne.NewSize(1000, 700))
	frame := func(procs int) []byte {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		e.bands = bandChooser{} // a fresh chooser tries bands first
		e.invalidate()
		return bytes.Clone(e.Frame(1000, 700).(*image.RGBA).Pix)
	}
	one := frame(1)
	for _, procs := range []int{2, 3, 4} {
		if got := frame(procs); !bytes.Equal(got, one) {
			n := 0
			for i := range got {
				if got[i] != one[i] {
					n++
				}
			}
			t.Fatalf("%d bands: %d bytes differ from one painter's frame", procs, n)
		}
	}
	if inked(e.Frame(1000, 700)) < 10000 {
		t.Fatal("the frame is nearly blank")
	}
	e.invalidate()
	small := e.Frame(600, 400).(*image.RGBA)
	if len(e.painters) == 0 || len(e.painters) > 1+maxBands {
		t.Fatalf("%d painters kept", len(e.painters))
	}
	for _, p := range e.painters {
		if p.img != small {
			t.Fatalf("a painter of a %v buffer is kept after frames of %v", p.img.Rect, small.Rect)
		}
	}
}

// The editor draws in bands or with one painter by which was faster
// lately, and tries the other way again now and then.
func TestBandChooserPicksTheFasterWay(t *testing.T) {
	var c bandChooser
	if !c.pick() {
		t.Fatal("bands not tried first")
	}
	c.record(true, 8*time.Millisecond)
	if c.pick() {
		t.Fatal("one painter not tried second")
	}
	c.record(false, 6*time.Millisecond) // bands slower: a busy machine
	frames := func(n int, bands, one time.Duration) map[bool]int {
		ways := map[bool]int{}
		for range n {
			b := c.pick()
			ways[b]++
			if b {
				c.record(true, bands)
			} else {
				c.record(false, one)
			}
		}
		return ways
	}
	for range 3 {
		if ways := frames(bandTry, 8*time.Millisecond, 6*time.Millisecond); ways[false] != bandTry-1 || ways[true] != 1 {
			t.Fatalf("bands slower: %d frames by one painter, %d in bands; want %d and 1", ways[false], ways[true], bandTry-1)
		}
	}
	// The other cores come free: bands get faster and take over, and one
	// painter, now twice as slow, is tried only every 4·bandTry frames.
	frames(4*bandTry, 3*time.Millisecond, 6*time.Millisecond)
	if ways := frames(4*bandTry, 3*time.Millisecond, 6*time.Millisecond); ways[true] != 4*bandTry-1 {
		t.Fatalf("bands twice as fast: %d of %d frames in bands, want all but one", ways[true], 4*bandTry)
	}
}

// One slow frame (a collection, a burst of another program) does not turn
// the choice, and a frame that made its painters (cold caches) is not
// counted at all: the first banded frame once was, and one painter drew
// for some fifty frames after it.
func TestBandChooserShrugsOffOneSlowFrame(t *testing.T) {
	var c bandChooser
	for range bandKeep {
		c.record(true, 6*time.Millisecond)
		c.record(false, 10*time.Millisecond)
	}
	c.record(true, 40*time.Millisecond)
	c.frames = 1
	if !c.pick() {
		t.Fatal("one slow banded frame turned the choice to one painter")
	}

	e, _ := benchEditor(t)
	e.bands = bandChooser{}
	if runtime.GOMAXPROCS(0) < 2 {
		t.Skip("one processor: no bands to choose")
	}
	e.invalidate()
	e.Frame(1920, 1080) // the first banded frame: its band painters are new
	if e.bands.n[1] != 0 {
		t.Fatalf("the frame that made the band painters was counted (%d frames in bands)", e.bands.n[1])
	}
	e.invalidate()
	e.Frame(1920, 1080)
	e.invalidate()
	e.Frame(1920, 1080)
	if e.bands.n[0]+e.bands.n[1] == 0 {
		t.Fatal("warm frames were not counted")
	}
}
