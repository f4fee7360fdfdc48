package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"unicode/utf8"

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
	st, info, err := openDesign(env, Read, *design)
	if err != nil {
		return err
	}
	defer st.Close()
	s := st.Store
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
	return writeFileAtomic(env.Path(*out), data)
}

// runJSONImport brings in a JSON design as a version signed here: a new
// design, or a new version on the branch of the design with the same ID.
// It enters through the studio's receive path like a bundle; invalid
// files change nothing.
func runJSONImport(env Env, args []string) error {
	fs := NewFlagSet(env, "json import")
	branch := fs.String("branch", store.DefaultBranch, "branch to commit on")
	msg := fs.String("m", "", "commit message (default: Imported from FILE)")
	newIdentity := fs.Bool("new-identity", false, "sign with a new key because this machine's key file was lost")
	if err := fs.Parse(args); err != nil {
		return Usagef("%v", err)
	}
	if fs.NArg() != 1 {
		return Usagef("json import FILE (or - for standard input)")
	}
	if !utf8.ValidString(*msg) {
		return Usagef("-m: the message is not valid UTF-8 text (%q); nothing was imported", *msg)
	}
	name := fs.Arg(0)
	var r io.Reader = env.Stdin
	if name != "-" {
		f, err := os.Open(env.Path(name))
		if err != nil {
			return fmt.Errorf("importing design: %w", err)
		}
		defer f.Close()
		r = f
	}
	// A file name comes from the file system: on Chinese Windows it may
	// be GBK. It is shown and stored as text, converted, never raw.
	shown := ValidText(name)
	data, err := io.ReadAll(io.LimitReader(r, 64<<20))
	if err != nil {
		return fmt.Errorf("importing design: %w", err)
	}
	d, err := models.DecodeJSON(data)
	if err != nil {
		return fmt.Errorf("importing %s: %w", shown, err)
	}
	if d.ID == "" {
		d.ID = models.NewID()
	}
	if err := models.Validate(d); err != nil {
		return fmt.Errorf("importing %s: nothing imported, the design is invalid: %w", shown, err)
	}
	st, id, err := env.openSigned(*newIdentity)
	if err != nil {
		return err
	}
	defer st.Close()
	if *msg == "" {
		*msg = "Imported from " + filepath.Base(shown)
	}
	snap, err := d.Snapshot()
	if err != nil {
		return fmt.Errorf("importing %s: %w", shown, err)
	}
	batch, err := st.Store.Prepare(d.ID, *branch, snap, *msg, id)
	if errors.Is(err, store.ErrNoChange) {
		head, _ := st.Store.Head(d.ID, *branch)
		fmt.Fprintf(env.Stdout, "no change; %s is already at this content (%s)\n", *branch, store.Short(head.ID))
		return nil
	}
	if err != nil {
		return err
	}
	res, err := st.Store.Receive(batch)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%s %s: %s\n", store.Short(batch.Versions[0].ID), d.Meta.Name, *msg)
	if res.Merged > 0 {
		fmt.Fprintf(env.Stdout, "merged into %s\n", store.DefaultBranch)
	}
	reportConflicts(env, res.Conflicts)
	return nil
}
