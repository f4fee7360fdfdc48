package cli

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"cordwain/canvas/samples"
	"cordwain/models/store"
)

const killChildEnv = "CORDWAIN_KILL_CHILD"

// TestMain runs the child of the kill tests when asked: one cordwain
// command on a data directory, in its own process, to be killed.
func TestMain(m *testing.M) {
	if spec := os.Getenv(killChildEnv); spec != "" {
		args := strings.Split(spec, "\x1f")
		cmd, _ := Lookup(args[1])
		if err := cmd.Run(Env{DataDir: args[0], Stdout: os.Stdout, Stderr: os.Stderr}, args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "CHILD-ERROR", err)
			os.Exit(3)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// killAfter runs `cordwain --data dir args…` in a child process and kills
// it with SIGKILL after d (or lets it finish if it is quicker).
func killAfter(t *testing.T, d time.Duration, dir string, args ...string) (finished bool) {
	t.Helper()
	spec := dir
	for _, a := range args {
		spec += "\x1f" + a
	}
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), killChildEnv+"="+spec)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("child failed: %v\n%s", err, stderr.String())
		}
		return true
	case <-time.After(d):
		cmd.Process.Signal(syscall.SIGKILL)
		<-done
		return false
	}
}

func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	if err := os.MkdirAll(dst, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{store.FileName, store.IdentityFile} {
		b, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// Fault 4: a bundle import killed at any moment leaves either nothing of
// the bundle or all of it merged into main; and an import that finishes
// later settles the design.
func TestKilledImportIsAllOrNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	src, base := t.TempDir(), t.TempDir()
	for _, dir := range []string{src, base} {
		if _, err := run(t, dir, "edit", "--design", derby, "--set", "meta.season=SS27"); err != nil {
			t.Fatal(err)
		}
	}
	// A long history on src, so the import takes a while.
	s := openStore(t, src)
	st := &Studio{Dir: src, Store: s, mode: Write}
	id, err := st.Identity(false)
	if err != nil {
		t.Fatal(err)
	}
	head, _ := s.Head(samples.DerbyID, store.DefaultBranch)
	d, _ := s.Checkout(head.ID)
	for i := range 200 {
		d.Meta.Notes = fmt.Sprintf("revision %d", i)
		if _, err := s.CommitDesign(store.DefaultBranch, d, "rev", id); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	file := filepath.Join(t.TempDir(), "big.cwb")
	if _, err := run(t, src, "bundle", "export", "--design", derby, "-o", file); err != nil {
		t.Fatal(err)
	}
	// Time a whole import in a child, then kill at moments spread over it.
	probe := filepath.Join(t.TempDir(), "probe")
	copyDir(t, base, probe)
	start := time.Now()
	if !killAfter(t, time.Minute, probe, "bundle", "import", file) {
		t.Fatal("probe import did not finish")
	}
	full := time.Since(start)
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 4))
	whole, partial := 0, 0
	const rounds = 8
	for round := range rounds {
		dir := filepath.Join(t.TempDir(), fmt.Sprint(round))
		copyDir(t, base, dir)
		before := len(openStoreHistory(t, dir))
		killAfter(t, time.Duration(rng.Float64()*1.2*float64(full)), dir, "bundle", "import", file)
		s := openStore(t, dir)
		n := len(s.History(samples.DerbyID))
		heads := s.Heads(samples.DerbyID)
		main, _ := s.Head(samples.DerbyID, store.DefaultBranch)
		s.Close()
		switch {
		case n == before && len(heads) == 1:
		case n > before && len(heads) == 1 && heads[0].ID == main.ID:
			whole++
		default:
			partial++
			t.Errorf("round %d: %d versions (was %d), %d heads, main %s", round, n, before, len(heads), store.Short(main.ID))
		}
		// Importing again always ends merged.
		if _, err := run(t, dir, "bundle", "import", file); err != nil {
			t.Fatal(err)
		}
		s = openStore(t, dir)
		if h := s.Heads(samples.DerbyID); len(h) != 1 {
			t.Errorf("round %d: %d heads after a second import", round, len(h))
		}
		s.Close()
	}
	t.Logf("an import takes %v in a child; %d kills landed after it committed, %d before", full.Round(time.Millisecond), whole, rounds-whole-partial)
}

func openStoreHistory(t *testing.T, dir string) []string {
	s := openStore(t, dir)
	defer s.Close()
	var out []string
	for _, v := range s.History(samples.DerbyID) {
		out = append(out, string(v.ID))
	}
	return out
}

// Fault 8: killing the first start at any moment leaves no studio (the
// next start makes it) or the whole sample studio, never an empty one.
func TestKilledFirstStartIsNeverEmpty(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	start := time.Now()
	if !killAfter(t, time.Minute, filepath.Join(t.TempDir(), "probe"), "log", "--design", derby) {
		t.Fatal("probe did not finish")
	}
	full := time.Since(start)
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 8))
	created := 0
	defer func() {
		t.Logf("a first start takes %v; %d of 12 kills came after the studio existed", full.Round(time.Millisecond), created)
	}()
	for round := range 12 {
		dir := filepath.Join(t.TempDir(), fmt.Sprint(round))
		killAfter(t, time.Duration(rng.Float64()*1.2*float64(full)), dir, "log", "--design", derby)
		if _, err := os.Stat(filepath.Join(dir, store.FileName)); err == nil {
			created++
		}
		s := openStore(t, dir) // creates it if the kill came first
		n := len(s.Designs())
		s.Close()
		if n != len(samples.All()) {
			t.Fatalf("round %d: %d designs after a killed first start", round, n)
		}
	}
}
