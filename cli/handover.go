package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"cordwain/internal/control"
	"cordwain/models/store"
)

// Shared is the studio in dir whose store st this process already holds
// open (the window, `cordwain serve`), for commands to write to: Close
// leaves the store open, and Identity reads this machine's key from dir.
func Shared(dir string, st *store.Store) *Studio {
	return &Studio{Dir: dir, Store: st, mode: Write, shared: true}
}

// Execute runs the command args[0] with the rest of args and returns the
// exit status: 0, 1 for a failure or 2 for bad usage, with the error
// printed on env.Stderr.
func Execute(env Env, args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(env.Stderr, "cordwain: no command given")
		return 2
	}
	cmd, ok := Lookup(args[0])
	if !ok {
		fmt.Fprintf(env.Stderr, "cordwain: unknown command %q (see `cordwain help`)\n", args[0])
		return 2
	}
	if err := cmd.Run(env, args[1:]); err != nil {
		var ue *UsageError
		if errors.As(err, &ue) {
			fmt.Fprintf(env.Stderr, "cordwain %s: %s\n", cmd.Name, ue.Msg)
			return 2
		}
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintf(env.Stderr, "cordwain %s: %v\n", cmd.Name, err)
		return 1
	}
	return 0
}

// ErrNoStdin is what a command handed to the running Cordwain reads from
// standard input: the client's input is not passed on.
var ErrNoStdin = errors.New("standard input is not passed to the running Cordwain that holds this studio: give a file name instead of -")

type noStdin struct{}

func (noStdin) Read([]byte) (int, error) { return 0, ErrNoStdin }

// Serve makes this process, which holds the studio in dataDir open as st,
// take the commands started on that directory by other processes: they
// run here, each on its own goroutine, against st (see internal/control).
// show, if not nil, brings the window to the front when a second start
// of the window asks. The caller closes the server before the store.
func Serve(dataDir string, st *store.Store, show func()) (*control.Server, error) {
	return ServeNet(dataDir, st, show, nil)
}

// ServeNet is Serve for a process that also runs the studio's node:
// commands handed over see it (`peers`, `studio invite` use its live
// state and addresses).
func ServeNet(dataDir string, st *store.Store, show func(), node Net) (*control.Server, error) {
	shared := Shared(dataDir, st)
	return control.Listen(dataDir, func(ctx context.Context, req control.Request, stdout, stderr io.Writer) int {
		switch req.Op {
		case control.OpShow:
			if show == nil {
				fmt.Fprintln(stderr, "cordwain: this Cordwain has no window")
				return 1
			}
			show()
			return 0
		case control.OpRun:
			if !filepath.IsAbs(req.Dir) {
				fmt.Fprintf(stderr, "cordwain: the command's working directory %q is not absolute\n", req.Dir)
				return 2
			}
			env := Env{DataDir: dataDir, Stdin: noStdin{}, Stdout: stdout, Stderr: stderr, Studio: shared, Dir: req.Dir, Net: node}
			return Execute(env, req.Args)
		}
		fmt.Fprintf(stderr, "cordwain: unknown request %q (is the running Cordwain another version?)\n", req.Op)
		return 2
	})
}

// HandOver runs the command args on the Cordwain that holds the studio in
// dataDir, if one runs: its output is copied to stdout and stderr and its
// exit status returned. handed is false when no Cordwain serves the
// directory; the caller then runs the command itself.
func HandOver(dataDir string, args []string, stdout, stderr io.Writer) (status int, handed bool) {
	wd, err := os.Getwd()
	if err != nil {
		return 0, false // relative names could not be resolved there
	}
	status, err = control.Run(dataDir, control.Request{Op: control.OpRun, Args: args, Dir: wd}, stdout, stderr)
	if errors.Is(err, control.ErrNoServer) {
		return 0, false
	}
	if err != nil {
		name := "cordwain"
		if len(args) > 0 {
			name += " " + args[0]
		}
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		if status == 0 {
			status = 1
		}
	}
	return status, true
}
