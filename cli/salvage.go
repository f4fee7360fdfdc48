package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"cordwain/models/store"
)

func init() {
	Register(Command{Name: "salvage", Summary: "copy every intact version of a damaged studio into a new one", Run: runSalvage})
}

// runSalvage reads the studio in --data read-only (it may be damaged) and
// receives every version that is still intact into a new studio.
func runSalvage(env Env, args []string) error {
	fs := NewFlagSet(env, "salvage")
	out := fs.String("o", "", "new studio `directory` (must not hold a studio yet)")
	if err := fs.Parse(args); err != nil {
		return Usagef("%v", err)
	}
	if *out == "" {
		return Usagef("salvage needs -o NEWDIR")
	}
	if env.Studio != nil {
		return errors.New("salvage reads a studio that does not open; this one is open in Cordwain")
	}
	dst := env.Path(*out)
	if _, err := os.Stat(filepath.Join(dst, store.FileName)); err == nil {
		return fmt.Errorf("salvage: %s already holds a studio; choose a new directory", dst)
	}
	opts, err := Options(Write)
	if err != nil {
		return err
	}
	batch, rep, err := store.Salvage(env.DataDir, opts)
	if err != nil {
		return err
	}
	st, err := Open(dst, Write)
	if err != nil {
		return err
	}
	defer st.Close()
	res, err := st.Store.Receive(batch)
	if err != nil {
		return fmt.Errorf("salvage: writing the intact versions to %s: %w", dst, err)
	}
	// The signing key belongs with the studio: copy it if the new one has
	// none, so later versions keep the same author.
	key := filepath.Join(env.DataDir, store.IdentityFile)
	if b, err := os.ReadFile(key); err == nil {
		if _, err := os.Stat(filepath.Join(dst, store.IdentityFile)); errors.Is(err, os.ErrNotExist) {
			if err := os.WriteFile(filepath.Join(dst, store.IdentityFile), b, 0o600); err != nil {
				return fmt.Errorf("salvage: copying the signing key: %w", err)
			}
		}
	}
	fmt.Fprintf(env.Stdout, "salvaged %d versions (%d new to the new studio) of %d designs into %s; %d versions lost\n",
		rep.Versions, len(res.Added), len(res.Designs), dst, rep.Lost)
	for _, p := range rep.Problems {
		fmt.Fprintln(env.Stdout, "  ", p)
	}
	fmt.Fprintf(env.Stdout, "The damaged studio in %s was not changed.\n", env.DataDir)
	return nil
}
