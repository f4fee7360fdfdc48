package store

import (
	"os"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"
)

func filePageSize(t *testing.T, dir string) int {
	t.Helper()
	db, err := bolt.Open(filepath.Join(dir, FileName), 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	return db.Info().PageSize
}

// A new store file has pages of pageSize; a file made with other pages
// (every store before pageSize was set had 4 KB ones) opens, reads and
// takes commits as before, and keeps its page size.
func TestStorePageSize(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, dir)
	a := testIdentity(1, "A")
	v1, err := s.Commit("d", DefaultBranch, snap(t, "Derby", 20, "0000000000000a01"), "one", a)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if got := filePageSize(t, dir); got != pageSize {
		t.Fatalf("a new file has pages of %d bytes, want %d", got, pageSize)
	}

	// The same store rewritten with 4 KB pages, as earlier versions made
	// it.
	path := filepath.Join(dir, FileName)
	src, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	old := filepath.Join(t.TempDir(), FileName)
	dst, err := bolt.Open(old, 0o600, &bolt.Options{PageSize: 4096})
	if err != nil {
		t.Fatal(err)
	}
	if err := bolt.Compact(dst, src, 1<<20); err != nil {
		t.Fatal(err)
	}
	src.Close()
	dst.Close()
	if err := os.Rename(old, path); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		s, err := Open(dir, Options{Wall: newFakeWall().now}) // eager: every version checked
		if err != nil {
			t.Fatalf("opening a file of 4 KB pages: %v", err)
		}
		if h, err := s.Head("d", DefaultBranch); err != nil || h.ID == "" {
			t.Fatalf("head: %v", err)
		}
		if _, err := s.Commit("d", DefaultBranch, snap(t, "Derby", 21+float64(len(s.History("d"))), "0000000000000a01"), "more", a); err != nil {
			t.Fatal(err)
		}
		s.Close()
	}
	if got := filePageSize(t, dir); got != 4096 {
		t.Fatalf("the old file now has pages of %d bytes", got)
	}
	s = openTest(t, dir)
	if n := len(s.History("d")); n != 3 || s.History("d")[2].ID != v1.ID {
		t.Fatalf("history of %d versions after commits on the old file", n)
	}
}
