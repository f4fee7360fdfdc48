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

	"fyne.io/fyne/v2"

	fyneapp "fyne.io/fyne/v2/app"

	"cordwain/app"
	"cordwain/cli"
	_ "cordwain/internal/locale" // before Fyne reads the locale
)

// version is stamped by the build (-ldflags "-X main.version=...").
var version = "0.1.0-dev"

func main() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("cordwain", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "", "studio data `directory` (default: the user's data directory)")
	fs.Usage = func() { usage(stderr, fs) }
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
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
	cmd, ok := cli.Lookup(rest[0])
	if !ok {
		fmt.Fprintf(stderr, "cordwain: unknown command %q\n\n", rest[0])
		usage(stderr, fs)
		return 2
	}
	env := cli.Env{DataDir: dataDir, Stdin: stdin, Stdout: stdout, Stderr: stderr}
	if err := cmd.Run(env, rest[1:]); err != nil {
		var ue *cli.UsageError
		if errors.As(err, &ue) {
			fmt.Fprintf(stderr, "cordwain %s: %s\n", cmd.Name, ue.Msg)
			return 2
		}
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintf(stderr, "cordwain %s: %v\n", cmd.Name, err)
		return 1
	}
	return 0
}

func usage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintln(w, "Usage: cordwain [--data DIR] [command [arguments]]")
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
	a := fyneapp.NewWithID("studio.cordwain.app")
	w := a.NewWindow("Cordwain")
	w.Resize(app.DefaultWindowSize)
	var studio *app.StoreStudio
	st, identity, err := cli.OpenStudio(dataDir)
	if err != nil {
		fmt.Fprintln(stderr, "cordwain:", err)
	} else {
		studio = app.NewStoreStudio(st, identity)
	}
	app.Version = version
	var ui app.Studio
	if studio != nil {
		ui = studio
	}
	if _, uerr := app.New(a, w, ui, err); uerr != nil {
		fmt.Fprintln(stderr, "cordwain:", uerr)
		return 1
	}
	w.SetMaster()
	quitOnSignal(a)
	w.ShowAndRun()
	if studio != nil {
		if cerr := studio.Close(); cerr != nil {
			fmt.Fprintln(stderr, "cordwain: closing the studio:", cerr)
			return 1
		}
	}
	return 0
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
