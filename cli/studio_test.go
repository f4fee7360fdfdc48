package cli

import (
	"crypto/ed25519"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cordwain/canvas/samples"
	"cordwain/models/store"
	"cordwain/p2p"
)

func TestOpenStudioSeedsSamplesOnceWithLibp2pAuthor(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "studio")
	st, id, err := OpenStudio(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(id.PeerID, "12D3KooW") {
		t.Fatalf("identity peer ID %q is not a libp2p ID", id.PeerID)
	}
	designs := st.Designs()
	if len(designs) != len(samples.All()) {
		t.Fatalf("%d designs after first start, want the %d samples", len(designs), len(samples.All()))
	}
	// Every studio starts its samples from the same root versions, so
	// studios made apart share their history.
	other, _, err := OpenStudio(filepath.Join(t.TempDir(), "other"))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	for _, d := range designs {
		head, err := st.Head(d.ID, "main")
		if err != nil {
			t.Fatal(err)
		}
		if !store.IsRoot(head) || !IsSampleRoot(head.ID) {
			t.Fatalf("sample %s starts at %+v, not a sample root", d.Name, head)
		}
		if oh, err := other.Head(d.ID, "main"); err != nil || oh.ID != head.ID {
			t.Fatalf("sample %s: other studio starts at %v (%v), this one at %s", d.Name, oh, err, head.ID)
		}
	}
	if err := p2p.CheckAuthor(id.PeerID, id.Key.Public().(ed25519.PublicKey)); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	// A second start reopens (verifying every signature) and adds nothing.
	st, id2, err := OpenStudio(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if n := len(st.Designs()); n != len(designs) {
		t.Fatalf("reopening changed the studio: %d designs", n)
	}
	if id2.PeerID != id.PeerID {
		t.Fatal("identity changed between starts")
	}
}

func TestOpenStudioRefusesAFile(t *testing.T) {
	f := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(f, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := OpenStudio(f); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Fatalf("OpenStudio(file) = %v", err)
	}
}
