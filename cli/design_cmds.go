package cli

import (
	"errors"
	"fmt"
	"io"
	"os"

	"cordwain/models"
	"cordwain/models/store"
)

func init() {
	Register(Command{Name: "json", Summary: "export or import one design as readable JSON", Run: runJSON})
}

func runJSON(env Env, args []string) error {
	return Dispatch(env, "json", args, map[string]func(Env, []string) error{
		"export": runJSONExport,
		"import": runJSONImport,
	})
}

// runJSONExport writes the head of a branch (or a given version) as JSON.
func runJSONExport(env Env, args []string) error {
	fs := NewFlagSet(env, "json export")
	design := fs.String("design", "", "design name or ID (default: the only design)")
	version := fs.String("version", "", "version ID or prefix (default: the branch head)")
	branch := fs.String("branch", store.DefaultBranch, "branch whose head to export")
	out := fs.String("o", "", "output `file` (default: standard output)")
	if err := fs.Parse(args); err != nil {
		return Usagef("%v", err)
	}
	s, _, info, err := openDesign(env.DataDir, *design)
	if err != nil {
		return err
	}
	defer s.Close()
	var v *models.Version
	if *version != "" {
		v, err = s.ResolveVersion(info.ID, *version)
	} else {
		v, err = s.Head(info.ID, *branch)
	}
	if err != nil {
		return err
	}
	d, err := s.Checkout(v.ID)
	if err != nil {
		return err
	}
	data, err := models.EncodeJSON(d)
	if err != nil {
		return fmt.Errorf("exporting %s: %w", info.Name, err)
	}
	if *out == "" {
		_, err = env.Stdout.Write(data)
		return err
	}
	return writeFileAtomic(*out, data)
}

// runJSONImport commits a JSON design: a new design, or a new version on
// the branch of the design with the same ID. Invalid files change nothing.
func runJSONImport(env Env, args []string) error {
	fs := NewFlagSet(env, "json import")
	branch := fs.String("branch", store.DefaultBranch, "branch to commit on")
	msg := fs.String("m", "", "commit message (default: Imported from FILE)")
	if err := fs.Parse(args); err != nil {
		return Usagef("%v", err)
	}
	if fs.NArg() != 1 {
		return Usagef("json import FILE (or - for standard input)")
	}
	name := fs.Arg(0)
	var r io.Reader = env.Stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return fmt.Errorf("importing design: %w", err)
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, 64<<20))
	if err != nil {
		return fmt.Errorf("importing design: %w", err)
	}
	d, err := models.DecodeJSON(data)
	if err != nil {
		return fmt.Errorf("importing %s: %w", name, err)
	}
	if d.ID == "" {
		d.ID = models.NewID()
	}
	s, id, err := OpenStudio(env.DataDir)
	if err != nil {
		return err
	}
	defer s.Close()
	if *msg == "" {
		*msg = "Imported from " + name
	}
	v, err := s.CommitDesign(*branch, d, *msg, id)
	if errors.Is(err, store.ErrNoChange) {
		fmt.Fprintf(env.Stdout, "no change; %s is already at this content (%s)\n", *branch, store.Short(v.ID))
		return nil
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%s %s: %s\n", store.Short(v.ID), d.Meta.Name, *msg)
	return nil
}
