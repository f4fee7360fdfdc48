// Package cli holds Cordwain's sub-commands (everything but the window):
// each command is a [Command] registered by the file that implements it, and
// main dispatches to them. Commands never import Fyne.
package cli

import (
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
)

// Env is what a command runs with.
type Env struct {
	// DataDir is the studio's data directory (the --data flag or the
	// user's default).
	DataDir string
	Stdin   io.Reader
	Stdout  io.Writer
	Stderr  io.Writer
	// Studio, when set, is the open studio of the running Cordwain this
	// command was handed to: commands use it instead of opening the file
	// (which that process holds).
	Studio *Studio
	// Net, when set, is the running node of the process this command was
	// handed to.
	Net Net
	// Dir, when set, is the directory that relative file names are
	// resolved against: the caller's working directory when the command
	// was handed over to another process.
	Dir string
}

// open opens the studio for a command, or lends it the running one.
func (env Env) open(mode Mode) (*Studio, error) {
	if env.Studio != nil {
		return &Studio{Dir: env.Studio.Dir, Store: env.Studio.Store, mode: env.Studio.mode, shared: true}, nil
	}
	return Open(env.DataDir, mode)
}

// Path resolves a file name given on the command line.
func (env Env) Path(name string) string {
	if env.Dir == "" || name == "" || name == "-" || filepath.IsAbs(name) {
		return name
	}
	return filepath.Join(env.Dir, name)
}

// Command is one sub-command.
type Command struct {
	Name    string
	Summary string // one line for `cordwain help`
	// Run parses args (after the command name) and runs. A *UsageError
	// makes main print the command's usage and exit 2.
	Run func(env Env, args []string) error
}

// UsageError reports bad arguments.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

// Usagef returns a *UsageError.
func Usagef(format string, a ...any) error { return &UsageError{Msg: fmt.Sprintf(format, a...)} }

var commands = map[string]Command{}

// Register adds a command; it is called from init functions of this package.
func Register(c Command) {
	if _, dup := commands[c.Name]; dup {
		panic("cli: command registered twice: " + c.Name) // programming error, caught by any test
	}
	commands[c.Name] = c
}

// Lookup finds a command by name.
func Lookup(name string) (Command, bool) {
	c, ok := commands[name]
	return c, ok
}

// All lists commands by name.
func All() []Command {
	out := make([]Command, 0, len(commands))
	for _, c := range commands {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// NewFlagSet makes a flag set that reports errors instead of exiting.
func NewFlagSet(env Env, name string) *flag.FlagSet {
	fs := flag.NewFlagSet("cordwain "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	return fs
}

// Dispatch runs the sub-command args[0] of a command such as
// "bundle export": subs maps each name to its function.
func Dispatch(env Env, command string, args []string, subs map[string]func(Env, []string) error) error {
	names := make([]string, 0, len(subs))
	for n := range subs {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(args) == 0 {
		return Usagef("%s: say which: %s", command, strings.Join(names, ", "))
	}
	run, ok := subs[args[0]]
	if !ok {
		return Usagef("%s %s: unknown; use %s", command, args[0], strings.Join(names, " or "))
	}
	return run(env, args[1:])
}
