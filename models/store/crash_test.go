package store

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"cordwain/models"
)

const crashDirEnv = "CORDWAIN_CRASH_CHILD_DIR"

var longKill = flag.Bool("long", false, "TestKill9: 500 rounds instead of 20 (or CORDWAIN_LONG_KILL=1)")

// TestCrashChild is the child of TestKill9: it commits continuously and
// prints each version ID once Commit has returned (acknowledged).
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashDirEnv)
	if dir == "" {
		t.Skip("run by TestKill9")
	}
	s, err := Open(dir, Options{LockTimeout: 10 * time.Second})
	if err != nil {
		fmt.Println("OPEN-ERROR", err)
		os.Exit(3)
	}
	a := testIdentity(byte(os.Getpid()), "crash")
	out := bufio.NewWriter(os.Stdout)
	for i := 0; ; i++ {
		d := models.ID(fmt.Sprintf("d%d", i%3))
		v, err := s.Commit(d, DefaultBranch, snap(t, "Crash", float64(os.Getpid())*1e6+float64(i)), "tick", a)
		if err != nil {
			fmt.Println("COMMIT-ERROR", err)
			os.Exit(4)
		}
		fmt.Fprintln(out, v.ID)
		out.Flush()
	}
}

// TestKill9 kills a committing child with SIGKILL at random moments and
// checks that every acknowledged version survives and the store opens.
// -long or CORDWAIN_LONG_KILL=1 runs 500 rounds instead of 20.
func TestKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	rounds := 20
	if *longKill || os.Getenv("CORDWAIN_LONG_KILL") == "1" {
		rounds = 500
	}
	dir := t.TempDir()
	acked := map[models.ID]bool{}
	var order []models.ID // acknowledgements in the order they came
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 9))
	for round := range rounds {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), crashDirEnv+"="+dir)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := make(chan string, 1024)
		go func() {
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		// Wait for the first acknowledgement, then kill at a random moment.
		var got []string
		first, ok := <-lines
		if !ok {
			cmd.Wait()
			t.Fatalf("round %d: child exited early: %s", round, stderr.String())
		}
		got = append(got, first)
		time.Sleep(time.Duration(rng.IntN(40_000)) * time.Microsecond)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		for l := range lines {
			got = append(got, l)
		}
		cmd.Wait()
		for _, l := range got {
			if strings.Contains(l, "ERROR") || !validVersionID(models.ID(l)) {
				t.Fatalf("round %d: child said %q", round, l)
			}
			acked[models.ID(l)] = true
			order = append(order, models.ID(l))
		}

		s, err := Open(dir, Options{})
		if err != nil {
			t.Fatalf("round %d: reopen after kill -9: %v", round, err)
		}
		for id := range acked {
			if !s.HasVersion(id) {
				t.Fatalf("round %d: acknowledged version %s lost", round, short(id))
			}
		}
		// The branch moved with each acknowledged commit: the last one of
		// each design is on its main branch.
		last := map[models.ID]models.ID{}
		for _, id := range order {
			v, _ := s.Version(id)
			last[v.Design] = id
		}
		for d, id := range last {
			log, err := s.Log(d, DefaultBranch)
			if err != nil {
				t.Fatalf("round %d: log of %s: %v", round, d, err)
			}
			if !slices.ContainsFunc(log, func(v *models.Version) bool { return v.ID == id }) {
				t.Fatalf("round %d: %s/main does not contain acknowledged %s", round, d, short(id))
			}
		}
		s.Close()
	}
	t.Logf("%d rounds, %d acknowledged versions, all present", rounds, len(acked))
}

// corruptStore makes a store with a few versions and returns its dir and
// versions.
func corruptStore(t *testing.T) (string, []*models.Version) {
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	a := testIdentity(1, "A")
	var vs []*models.Version
	for i := range 5 {
		v, err := s.Commit("d", DefaultBranch, snap(t, "Loafer", float64(i)), fmt.Sprintf("UNIQUE-MESSAGE-%d", i), a)
		if err != nil {
			t.Fatal(err)
		}
		vs = append(vs, v)
	}
	s.Close()
	return dir, vs
}

func TestOpenDetectsDamage(t *testing.T) {
	t.Run("truncated file", func(t *testing.T) {
		dir, _ := corruptStore(t)
		path := filepath.Join(dir, FileName)
		var hwm int64 // the end of the last page in use
		db, err := bolt.Open(path, 0o600, nil)
		if err != nil {
			t.Fatal(err)
		}
		db.View(func(tx *bolt.Tx) error { hwm = tx.Size(); return nil })
		db.Close()
		for _, size := range []int64{hwm - 1, hwm / 2, 4096 * 2, 100} {
			if err := os.Truncate(path, size); err != nil {
				t.Fatal(err)
			}
			_, err := Open(dir, Options{})
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("open truncated to %d: %v", size, err)
			}
		}
	})
	t.Run("flipped bytes in a version", func(t *testing.T) {
		dir, vs := corruptStore(t)
		path := filepath.Join(dir, FileName)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		// Copy-on-write leaves stale copies in free pages: flip them all.
		msg := []byte("UNIQUE-MESSAGE-2")
		n := 0
		for i := bytes.Index(data, msg); i >= 0; i = bytes.Index(data, msg) {
			data[i] ^= 0x20 // 'U' → 'u': still valid CBOR, different content
			n++
		}
		if n == 0 {
			t.Fatal("message not found in file")
		}
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		_, err = Open(dir, Options{})
		if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), short(vs[2].ID)) {
			t.Fatalf("open: %v (want ErrCorrupt naming %s)", err, short(vs[2].ID))
		}
	})
	t.Run("tampered signature", func(t *testing.T) {
		dir, vs := corruptStore(t)
		rewrite(t, dir, func(tx *bolt.Tx) error {
			b := tx.Bucket(bucketVersions)
			v := cloneVersion(vs[3])
			v.Signature[0] ^= 1
			enc, _ := EncodeVersion(v)
			return b.Put([]byte(v.ID), enc)
		})
		_, err := Open(dir, Options{})
		if !errors.Is(err, ErrCorrupt) || !errors.Is(err, ErrBadSignature) {
			t.Fatalf("open: %v", err)
		}
	})
	t.Run("re-signed by another key under the old ID", func(t *testing.T) {
		dir, vs := corruptStore(t)
		rewrite(t, dir, func(tx *bolt.Tx) error {
			v := cloneVersion(vs[1])
			v.Message = "forged"
			Sign(v, testIdentity(9, "M").Key)
			enc, _ := EncodeVersion(v)
			return tx.Bucket(bucketVersions).Put([]byte(vs[1].ID), enc)
		})
		if _, err := Open(dir, Options{}); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("open: %v", err)
		}
	})
	t.Run("missing element", func(t *testing.T) {
		dir, _ := corruptStore(t)
		rewrite(t, dir, func(tx *bolt.Tx) error {
			k, _ := tx.Bucket(bucketElements).Cursor().First()
			return tx.Bucket(bucketElements).Delete(k)
		})
		if _, err := Open(dir, Options{}); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("open: %v", err)
		}
	})
	t.Run("missing parent", func(t *testing.T) {
		dir, vs := corruptStore(t)
		rewrite(t, dir, func(tx *bolt.Tx) error { return tx.Bucket(bucketVersions).Delete([]byte(vs[0].ID)) })
		if _, err := Open(dir, Options{}); !errors.Is(err, ErrCorrupt) || !errors.Is(err, ErrUnknownParent) {
			t.Fatalf("open: %v", err)
		}
	})
	t.Run("newer schema", func(t *testing.T) {
		dir, _ := corruptStore(t)
		rewrite(t, dir, func(tx *bolt.Tx) error {
			return tx.Bucket(bucketMeta).Put(keySchema, []byte{0, 0, 0, 0, 0, 0, 0, 99})
		})
		if _, err := Open(dir, Options{}); !errors.Is(err, ErrSchemaTooNew) {
			t.Fatalf("open: %v", err)
		}
	})
}

func rewrite(t *testing.T, dir string, fn func(tx *bolt.Tx) error) {
	t.Helper()
	db, err := bolt.Open(filepath.Join(dir, FileName), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(fn); err != nil {
		t.Fatal(err)
	}
}
