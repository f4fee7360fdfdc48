//go:build smoke

package smoke

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"cordwain/cli"
	"cordwain/internal/xvfb"
	"cordwain/models"
	"cordwain/models/store"
)

// The designer's day in the real window: the window sits idle without
// drawing, also with a text field focused; the line tool is picked by its key (L) and a line drawn with
// two clicks; Ctrl+Z takes it back, Ctrl+Shift+Z does it again, Ctrl+Q
// quits. Each step is saved as one version by autosave, and the studio,
// opened read-only afterwards, has the line in the design's latest
// version. Every wait is on a condition with a deadline.
func TestSmokeDrawUndoRedoQuit(t *testing.T) {
	begin := time.Now()
	disp := xvfb.Start(t)
	dir := t.TempDir()
	data := filepath.Join(dir, "studio")
	home := filepath.Join(dir, "home")
	// Lines are drawn on the mean form: the view the window opens in
	// comes from the preferences (Fyne's file under the config home).
	prefs := filepath.Join(home, "config", "fyne", "studio.cordwain.app")
	if err := os.MkdirAll(prefs, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(prefs, "preferences.json"), []byte(`{"view":"meanform","language":"en"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	// In a studio, so the window runs its node: idle includes the
	// studio network having nothing to say.
	if status, out := cordwainAs(t, []string{"USER=Ana", "CORDWAIN_LOOPBACK=1"}, "--data", data, "studio", "create", "Smoke studio"); status != 0 {
		t.Fatalf("studio create: %d\n%s", status, out)
	}
	r := startIn(t, disp, home, []string{"CORDWAIN_DEBUG_DRAWS=1", "CORDWAIN_LOOPBACK=1"}, "--data", data)
	win := r.windowOf(t)
	waitServing(t, r, data)

	// The open design, from the title "Name — Style no. — Cordwain".
	out, _ := r.xdotool("getwindowname", win)
	parts := strings.Split(strings.TrimSpace(string(out)), " — ")
	if len(parts) != 3 {
		t.Fatalf("the window title %q does not name the open design", out)
	}
	name, style := parts[0], parts[1]
	geom, err := r.xdotool("getwindowgeometry", "--shell", win)
	if err != nil {
		t.Fatal(err)
	}
	w, h := shellInt(t, geom, "WIDTH"), shellInt(t, geom, "HEIGHT")
	t.Logf("window %s on %s: %dx%d, design %q", win, disp, w, h, style)
	// Points of the drawing: the canvas lies between the designs list
	// (left 19 %) and the side panel (right 28 %), under the toolbars.
	at := func(fx, fy float64) (string, string) {
		return strconv.Itoa(int(fx * float64(w))), strconv.Itoa(int(fy * float64(h)))
	}

	// Idle: once the window has settled, nothing draws, even with the
	// pointer resting on the drawing. Counted by the window itself
	// (CORDWAIN_DEBUG_DRAWS): walks of the editor by the driver, which
	// every frame makes, and frames of the drawing.
	x, y := at(0.47, 0.8)
	r.xdotool("mousemove", "--window", win, x, y)
	settled := r.waitDrawsSettle(t, 3*time.Second, 40*time.Second)
	time.Sleep(5 * time.Second) // the idle period observed
	if now := r.lastDraws(); now != settled {
		t.Fatalf("the idle window drew: %s, then %s five seconds later\n%s", settled, now, r.stderr)
	}
	t.Logf("idle: %s, unchanged over 5 s", settled)
	// Nor with the keyboard in a text field (the design search, top
	// right): its cursor does not fade in and out (built with Fyne's
	// no_animations, see the Makefile).
	x, y = at(0.9, 0.063)
	r.xdotool("mousemove", "--window", win, x, y)
	r.xdotool("click", "1")
	x, y = at(0.47, 0.8)
	r.xdotool("mousemove", "--window", win, x, y)
	settled = r.waitDrawsSettle(t, 3*time.Second, 40*time.Second)
	time.Sleep(5 * time.Second)
	if now := r.lastDraws(); now != settled {
		t.Fatalf("the idle window with a text field focused drew: %s, then %s five seconds later\n%s", settled, now, r.stderr)
	}
	t.Logf("idle with the search field focused: %s, unchanged over 5 s", settled)

	versions := func() []string {
		t.Helper()
		status, out := cordwain(t, "--data", data, "log", "--design", style)
		if status != 0 {
			t.Fatalf("log handed to the window: %d\n%s", status, out)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		return lines[1:] // without the header
	}
	waitVersions := func(n int, what string) []string {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for {
			v := versions()
			if len(v) >= n {
				if len(v) > n {
					t.Fatalf("%s: %d versions, want %d (one per change):\n%s", what, len(v), n, strings.Join(v, "\n"))
				}
				return v
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: no version saved in 30 s:\n%s\n%s", what, strings.Join(v, "\n"), r.stderr)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	start := len(versions())

	// A click on the drawing gives it the keyboard; L picks the line tool;
	// two clicks draw a line.
	r.xdotool("click", "1")
	r.xdotool("key", "l")
	x1, y1 := at(0.40, 0.45)
	x2, y2 := at(0.55, 0.45)
	r.xdotool("mousemove", "--window", win, x1, y1)
	r.xdotool("click", "1")
	r.xdotool("mousemove", "--window", win, x2, y2)
	r.xdotool("click", "1")
	v := waitVersions(start+1, "the line drawn")
	if !strings.Contains(v[0], "Add style line") {
		t.Fatalf("the newest version is not the line:\n%s", strings.Join(v, "\n"))
	}
	r.xdotool("key", "ctrl+z")
	v = waitVersions(start+2, "Ctrl+Z")
	if !strings.Contains(v[0], "Undo Add style line") {
		t.Fatalf("the newest version is not the undo:\n%s", strings.Join(v, "\n"))
	}
	r.xdotool("key", "ctrl+shift+z")
	v = waitVersions(start+3, "Ctrl+Shift+Z")
	if !strings.Contains(v[0], "Add style line") || strings.Contains(v[0], "Undo") {
		t.Fatalf("the newest version is not the redo:\n%s", strings.Join(v, "\n"))
	}
	r.xdotool("key", "ctrl+q")
	select {
	case <-r.done:
	case <-time.After(20 * time.Second):
		t.Fatalf("Ctrl+Q did not quit in 20 s\n%s", r.stderr)
	}
	if r.err != nil || strings.Contains(r.stderr.String(), "panic:") {
		t.Fatalf("cordwain exited with %v\n%s", r.err, r.stderr)
	}

	// The studio, read-only: the line is in the latest version and in the
	// line's own version, not in the undo's.
	s, err := cli.Open(data, cli.Read)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	info, err := s.Store.FindDesign(name)
	if err != nil {
		t.Fatal(err)
	}
	log, err := s.Store.Log(info.ID, store.DefaultBranch)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != start+3 {
		t.Fatalf("%d versions on main after quitting, want %d", len(log), start+3)
	}
	lines := func(i int) []models.StyleLine {
		d, err := s.Store.Checkout(log[i].ID)
		if err != nil {
			t.Fatal(err)
		}
		return d.StyleLines
	}
	before, drawn, undone, redone := lines(3), lines(2), lines(1), lines(0)
	added := newLines(before, redone)
	if len(added) != 1 || added[0].Kind != models.LineStyle || len(redone) != len(before)+1 {
		t.Fatalf("the latest version adds %v to %d lines, want one style line", added, len(before))
	}
	line := added[0]
	if !strings.HasPrefix(line.Name, "Line ") || len(line.Path.Points) < 4 {
		t.Fatalf("the new line: %+v", line)
	}
	if got := newLines(before, drawn); len(got) != 1 || got[0].ID != line.ID {
		t.Fatalf("the line's own version adds %v", got)
	}
	if got := newLines(before, undone); len(got) != 0 || len(undone) != len(before) {
		t.Fatalf("the undo's version still has %v", got)
	}
	t.Logf("the studio has %q (%d points) in %s; %v in all", line.Name, len(line.Path.Points), log[0].ID, time.Since(begin).Round(time.Second))
}

// newLines are the lines of after that before has not (by ID).
func newLines(before, after []models.StyleLine) []models.StyleLine {
	had := map[models.ID]bool{}
	for _, l := range before {
		had[l.ID] = true
	}
	var out []models.StyleLine
	for _, l := range after {
		if !had[l.ID] {
			out = append(out, l)
		}
	}
	return out
}

func shellInt(t *testing.T, out []byte, key string) int {
	t.Helper()
	m := regexp.MustCompile(`(?m)^` + key + `=(\d+)$`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("no %s in %q", key, out)
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

var drawsLine = regexp.MustCompile(`cordwain debug: draws (walks=\d+ frames=\d+)`)

// lastDraws is the window's last report of its draw counters.
func (r *running) lastDraws() string {
	all := drawsLine.FindAllStringSubmatch(r.stderr.String(), -1)
	if len(all) == 0 {
		return ""
	}
	return all[len(all)-1][1]
}

// waitDrawsSettle waits until the window's draw counters have not moved
// for quiet (it reports every change within 0.2 s), at most limit.
func (r *running) waitDrawsSettle(t *testing.T, quiet, limit time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(limit)
	last, since := r.lastDraws(), time.Now()
	for {
		time.Sleep(100 * time.Millisecond)
		if now := r.lastDraws(); now != last {
			last, since = now, time.Now()
		}
		if last != "" && time.Since(since) >= quiet {
			return last
		}
		if time.Now().After(deadline) {
			t.Fatalf("the window kept drawing for %v (last %q)\n%s", limit, last, r.stderr)
		}
	}
}
