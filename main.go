// Command cordwain is a desktop studio for shoe designers. Without a
// sub-command it opens the window; `cordwain help` lists the rest.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	"github.com/go-gl/glfw/v3.3/glfw"

	fyneapp "fyne.io/fyne/v2/app"

	"cordwain/app"
	"cordwain/cli"
	"cordwain/internal/control"
	_ "cordwain/internal/locale" // before Fyne reads the locale
	"cordwain/p2p"
)

// version is stamped by the build (-ldflags "-X main.version=...").
var version = "0.1.0-dev"

func main() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("cordwain", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "", "studio data `directory` (default: the user's data directory)")
	loopback := fs.Bool("loopback", false, "keep the studio network on 127.0.0.1: listen and discover there only (two windows on one machine, tests); the same as CORDWAIN_LOOPBACK=1")
	fs.Usage = func() { usage(stderr, fs) }
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *loopback {
		os.Setenv("CORDWAIN_LOOPBACK", "1") // read by the node's configuration (cli.NodeConfig)
	}
	dataDir := *data
	if dataDir == "" {
		d, err := cli.DefaultDataDir()
		if err != nil {
			fmt.Fprintln(stderr, "cordwain:", err)
			return 1
		}
		dataDir = d
	}
	rest := fs.Args()
	if len(rest) == 0 {
		return runGUI(dataDir, stderr)
	}
	switch rest[0] {
	case "version":
		fmt.Fprintln(stdout, "cordwain", version)
		return 0
	case "help":
		fs.SetOutput(stdout)
		usage(stdout, fs)
		return 0
	}
	if _, ok := cli.Lookup(rest[0]); !ok {
		fmt.Fprintf(stderr, "cordwain: unknown command %q\n\n", rest[0])
		usage(stderr, fs)
		return 2
	}
	// A running Cordwain holds the studio: the command runs there, on
	// the store it has open, and its output comes back here.
	if status, handed := cli.HandOver(dataDir, rest, stdout, stderr); handed {
		return status
	}
	return cli.Execute(cli.Env{DataDir: dataDir, Stdin: stdin, Stdout: stdout, Stderr: stderr}, rest)
}

func usage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintln(w, "Usage: cordwain [--data DIR] [--loopback] [command [arguments]]")
	fmt.Fprintln(w, "\nWithout a command, Cordwain opens its window.")
	fmt.Fprintln(w, "\nCommands:")
	fmt.Fprintf(w, "  %-10s %s\n", "help", "show this help")
	fmt.Fprintf(w, "  %-10s %s\n", "version", "print the version")
	for _, c := range cli.All() {
		fmt.Fprintf(w, "  %-10s %s\n", c.Name, c.Summary)
	}
	fmt.Fprintln(w, "\nFlags:")
	fs.PrintDefaults()
}

func runGUI(dataDir string, stderr io.Writer) int {
	// A Cordwain already runs on this studio: bring its window forward.
	switch err := control.Show(dataDir); {
	case err == nil:
		return 0
	case !errors.Is(err, control.ErrNoServer):
		// It did not answer as it should: open a window anyway, which
		// says the studio is in use and tries again.
		fmt.Fprintln(stderr, "cordwain: asking the running Cordwain to show its window:", err)
	}
	if err := noDisplay(); err != nil {
		fmt.Fprintln(stderr, "cordwain:", err)
		return 1
	}
	a := fyneapp.NewWithID("studio.cordwain.app")
	w := a.NewWindow("Cordwain")
	w.Resize(app.DefaultWindowSize)
	app.Version = version
	var lastErr string
	onFail := func(err error) { // shown in the window; logged once
		if err.Error() != lastErr {
			lastErr = err.Error()
			fmt.Fprintln(stderr, "cordwain:", err)
		}
	}
	// Another Cordwain got the studio first (two windows started at
	// once): raise it and close this one.
	elsewhere := func() bool { return control.Show(dataDir) == nil }
	var srv *control.Server
	var u *app.UI
	u, err := app.Start(a, w, app.StartOptions{DataDir: dataDir, OnFail: onFail, Elsewhere: elsewhere, OnOpen: func(s *app.StoreStudio) {
		// The studio's node, when this data directory belongs to a
		// studio (or as soon as it joins one); commands handed to the
		// window see it.
		if err := u.StartNetwork(dataDir); err != nil && !errors.Is(err, p2p.ErrNoStudio) {
			fmt.Fprintln(stderr, "cordwain: the studio network is off:", err)
		}
		var err error
		srv, err = cli.ServeNet(dataDir, s.Store(), func() {
			fyne.Do(func() {
				w.Show()
				w.RequestFocus()
			})
		}, u.CommandNet())
		if err != nil {
			fmt.Fprintln(stderr, "cordwain: commands on this studio cannot be handed to this window:", err)
		}
	}})
	if err != nil {
		fmt.Fprintln(stderr, "cordwain:", err)
		return 1
	}
	w.SetMaster()
	fitToScreen(a, w)
	quitOnSignal(a)
	if os.Getenv("CORDWAIN_DEBUG_DRAWS") == "1" {
		go reportDraws(stderr)
	}
	closing := newCloseWatch(stderr, closeReportAfter, closeGiveUpAfter, os.Exit)
	w.SetOnClosed(func() { closing.start("the window's event loop") })
	fyneStopped := takeStopHooks(a)
	w.ShowAndRun()
	closing.start("the window's event loop") // Quit without a close (signal, Ctrl+Q)
	defer closing.stop()
	closing.stage("saving the last edits and settings")
	u.Stop()
	if fyneStopped != nil {
		fyneStopped() // Fyne's own: its preferences written now
	}
	if srv != nil {
		closing.stage("the command socket")
		srv.Close() // before the store: commands still running finish first
	}
	closing.stage("the studio network")
	if err := u.CloseNetwork(); err != nil { // before the store too
		fmt.Fprintln(stderr, "cordwain: closing the studio network:", err)
	}
	closing.stage("the studio's store")
	if err := u.CloseStudio(); err != nil {
		fmt.Fprintln(stderr, "cordwain: closing the studio:", err)
		return 1
	}
	if os.Getenv("CORDWAIN_DEBUG_EXIT") == "1" {
		fmt.Fprintln(stderr, "cordwain debug: studio closed, exiting")
	}
	return 0
}

// stopHooks is the part of Fyne 2.7's lifecycle (internal/app.Lifecycle)
// that holds the functions run when the app stops.
type stopHooks interface {
	OnStopped() func()
	SetOnStopped(func())
	SetOnStoppedHookExecuted(func())
}

// takeStopHooks removes the functions Fyne would run when the app stops
// (its own: writing its preferences; and any set with SetOnStopped) and
// returns them for the caller to run after ShowAndRun returns. Fyne 2.7.1
// queues them on the lifecycle goroutine, which hands them to the main
// loop while that loop drains its queue for the last time: when the
// hand-off lands between the last look at the queue and its closing, the
// function never runs and Run waits for it for ever (seen as Cordwain.exe
// not exiting after WM_CLOSE under Wine). With no stop function Fyne
// queues nothing, and Run returns. nil when there is nothing to run or
// the lifecycle is not Fyne 2.7's.
func takeStopHooks(a fyne.App) func() {
	h, ok := a.Lifecycle().(stopHooks)
	if !ok {
		return nil
	}
	f := h.OnStopped()
	h.SetOnStopped(nil)
	h.SetOnStoppedHookExecuted(nil)
	return f
}

// fitToScreen sizes the window to the primary screen once the driver runs
// (GLFW is initialised then, and OnStarted runs on the main thread): 80 %
// of it, at least DefaultWindowSize.
func fitToScreen(a fyne.App, w fyne.Window) {
	a.Lifecycle().SetOnStarted(func() { fyne.Do(func() { fit(w) }) })
}

func fit(w fyne.Window) {
	m := glfw.GetPrimaryMonitor()
	if m == nil {
		return
	}
	mode := m.GetVideoMode()
	scale := w.Canvas().Scale()
	if mode == nil || scale <= 0 {
		return
	}
	screen := fyne.NewSize(float32(mode.Width)/scale, float32(mode.Height)/scale)
	w.Resize(app.WindowSize(screen))
	w.CenterOnScreen()
}

// reportDraws writes a line to stderr whenever the window has drawn since
// the last look (CORDWAIN_DEBUG_DRAWS=1; the smoke test checks that an
// idle window draws nothing). It only reads counters: it draws nothing.
func reportDraws(stderr io.Writer) {
	var last [2]uint64
	for range time.Tick(200 * time.Millisecond) {
		walks, frames := app.DrawCounts()
		if now := [2]uint64{walks, frames}; now != last {
			last = now
			fmt.Fprintf(stderr, "cordwain debug: draws walks=%d frames=%d\n", walks, frames)
		}
	}
}

// quitOnSignal closes the app cleanly (the store is closed on the way out)
// when the session ends or the process is told to stop.
func quitOnSignal(a fyne.App) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ch
		fyne.Do(a.Quit)
	}()
}
