package cli

import (
	"crypto/ed25519"
	"strings"
	"testing"

	"cordwain/models/store"
	"cordwain/p2p"
)

// `log` flags versions whose author is not a current member of the
// studio; members' versions, merges and the samples' roots are not.
func TestLogFlagsVersionsByNonMembers(t *testing.T) {
	t.Setenv(loopbackEnv, "1")
	dir := t.TempDir()
	if out, err := run(t, dir, "studio", "create", "Log studio"); err != nil {
		t.Fatalf("studio create: %v\n%s", err, out)
	}
	if out, err := run(t, dir, "edit", "--design", "CW-D-2601", "--set", "meta.season=SS31", "-m", "by a member"); err != nil {
		t.Fatalf("edit: %v\n%s", err, out)
	}
	outsider, err := store.NewIdentity("Mallory")
	if err != nil {
		t.Fatal(err)
	}
	if outsider.PeerID, err = p2p.PeerID(outsider.Key.Public().(ed25519.PublicKey)); err != nil {
		t.Fatal(err)
	}
	s := openStore(t, dir)
	var derby store.DesignInfo
	for _, d := range designsOf(s) {
		if head, err := s.Head(d.ID, store.DefaultBranch); err == nil {
			if des, err := s.Checkout(head.ID); err == nil && des.Meta.StyleNo == "CW-D-2601" {
				derby = d
				des.Meta.Season = "SS32"
				if _, err := s.CommitDesign(store.DefaultBranch, des, "by an outsider", outsider); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	s.Close()
	if derby.ID == "" {
		t.Fatal("no derby among the samples")
	}
	out, err := run(t, dir, "log", "--design", "CW-D-2601")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(out, "\n") {
		flagged := strings.Contains(line, "(not a studio member)")
		switch {
		case strings.Contains(line, "by an outsider"):
			if !flagged || !strings.Contains(line, "Mallory") {
				t.Errorf("the outsider's version is not flagged: %q", line)
			}
		case flagged:
			t.Errorf("flagged: %q", line)
		}
	}
	if !strings.Contains(out, "by a member") || !strings.Contains(out, "(sample)") {
		t.Fatalf("log:\n%s", out)
	}
}
