package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime/pprof"
	"time"

	"cordwain/cli"
	"cordwain/models"
	"cordwain/models/store"
)

// benchPrefix starts the IDs of the fixture's designs (16 hex digits,
// as models.NewID makes them).
const benchPrefix = "b0b0"

// runFixture fills a studio (made by `cordwain studio create`) with
// designs × per versions: each design is a copy of a sample design under
// its own ID and style number, each version one edit of its notes, all
// signed by this machine's identity and validated as the studio does.
// The store is opened without fsync to build quickly, then closed; the
// nodes reopen it normally.
func runFixture(args []string) error {
	fs := flag.NewFlagSet("fixture", flag.ExitOnError)
	data := fs.String("data", "", "data directory of a studio")
	designs := fs.Int("designs", 200, "designs")
	per := fs.Int("per", 50, "versions per design")
	fs.Parse(args)
	opts, err := cli.Options(cli.Write)
	if err != nil {
		return err
	}
	opts.NoSync = true
	st, err := store.Open(*data, opts)
	if err != nil {
		return err
	}
	id, err := cli.Shared(*data, st).Identity(false)
	if err != nil {
		st.Close()
		return err
	}
	base, err := sampleDesign(st)
	if err != nil {
		st.Close()
		return err
	}
	start := time.Now()
	for d := range *designs {
		des := *base
		des.ID = models.ID(fmt.Sprintf("%s%012x", benchPrefix, d))
		des.Meta.Name = fmt.Sprintf("Bench %03d", d)
		des.Meta.StyleNo = fmt.Sprintf("BN-%03d", d)
		for i := range *per {
			des.Meta.Notes = fmt.Sprintf("version %d", i+1)
			if _, err := st.CommitDesign(store.DefaultBranch, &des, fmt.Sprintf("edit %d", i+1), id); err != nil {
				st.Close()
				return err
			}
		}
	}
	fmt.Printf("fixture: %d designs × %d versions in %v\n", *designs, *per, time.Since(start).Round(time.Millisecond))
	return st.Close()
}

// sampleDesign is a sample design of the studio's seed (a whole shoe:
// last, pieces, lines, materials).
func sampleDesign(st *store.Store) (*models.Design, error) {
	var best *models.Design
	for _, d := range st.Designs() {
		des, err := st.Checkout(d.Latest)
		if err != nil {
			continue
		}
		if best == nil || len(des.Pieces) > len(best.Pieces) {
			best = des
		}
	}
	if best == nil {
		return nil, errors.New("no sample design in the studio")
	}
	fmt.Fprintf(os.Stderr, "fixture: base design %q, %d pieces, %d style lines\n", best.Meta.Name, len(best.Pieces), len(best.StyleLines))
	return best, nil
}

// runReceive moves every fixture design from one studio to another
// in-process, without the network: Collect on the source, Receive on the
// destination (fsync on), timing each side. It separates the store's
// receive path from the protocol when a pull is slow.
func runReceive(args []string) error {
	fs := flag.NewFlagSet("receive", flag.ExitOnError)
	src := fs.String("src", "", "source studio (not in use)")
	dst := fs.String("dst", "", "destination directory (created)")
	nosync := fs.Bool("nosync", false, "destination without fsync")
	prof := fs.String("cpuprofile", "", "write a CPU profile of the receiving here")
	fs.Parse(args)
	if *prof != "" {
		f, err := os.Create(*prof)
		if err != nil {
			return err
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	ropts, err := cli.Options(cli.Read)
	if err != nil {
		return err
	}
	from, err := store.Open(*src, ropts)
	if err != nil {
		return err
	}
	defer from.Close()
	wopts, err := cli.Options(cli.Write)
	if err != nil {
		return err
	}
	wopts.NoSync = *nosync
	to, err := store.Open(*dst, wopts)
	if err != nil {
		return err
	}
	defer to.Close()
	var collect, receive time.Duration
	var slowest time.Duration
	n := 0
	start := time.Now()
	for _, d := range from.Designs() {
		t := time.Now()
		b, err := from.Collect(d.ID, nil)
		if err != nil {
			return err
		}
		t1 := time.Now()
		res, err := to.Receive(b)
		if err != nil {
			return err
		}
		t2 := time.Now()
		collect += t1.Sub(t)
		receive += t2.Sub(t1)
		slowest = max(slowest, t2.Sub(t1))
		n += len(res.Added)
	}
	fmt.Printf("receive: %d versions in %v: Collect %v, Receive %v (slowest design %v)\n", n, time.Since(start).Round(time.Millisecond),
		collect.Round(time.Millisecond), receive.Round(time.Millisecond), slowest.Round(time.Millisecond))
	return nil
}
