package cli

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"cordwain/models"
	"cordwain/models/store"
)

// seedDesign commits a valid design into a fresh data dir.
func seedDesign(t *testing.T, dir, name string) models.ID {
	t.Helper()
	s := openStore(t, dir)
	defer s.Close()
	d := &models.Design{ID: models.NewID(), Meta: models.DefaultMeta(models.Women), Last: models.DefaultLast(models.Women, 235)}
	d.Meta.Name = name
	d.Meta.StyleNo = "CW-001"
	if err := models.Validate(d); err != nil {
		t.Fatalf("seed design invalid: %v", err)
	}
	id, err := store.LoadOrCreateIdentity(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CommitDesign(store.DefaultBranch, d, "new design", id); err != nil {
		t.Fatal(err)
	}
	return d.ID
}

// openStore opens a data directory's store as the studio does (sample
// roots known, content validated), creating it with the samples if new.
func openStore(t *testing.T, dir string) *store.Store {
	t.Helper()
	opts, err := Options(Write)
	if err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func run(t *testing.T, dir string, args ...string) (string, error) {
	t.Helper()
	cmd, ok := Lookup(args[0])
	if !ok {
		t.Fatalf("no command %q", args[0])
	}
	var out, errOut bytes.Buffer
	err := cmd.Run(Env{DataDir: dir, Stdout: &out, Stderr: &errOut}, args[1:])
	return out.String() + errOut.String(), err
}

func TestEditAndLog(t *testing.T) {
	dir := t.TempDir()
	id := seedDesign(t, dir, "Court pump")
	if out, err := run(t, dir, "edit", "--design", "court pump", "--set", "last.heel_height=30", "--set", "meta.season=SS27", "-m", "lower heel"); err != nil {
		t.Fatalf("edit: %v\n%s", err, out)
	}
	s := openStore(t, dir)
	head, _ := s.Head(id, store.DefaultBranch)
	d, err := s.Checkout(head.ID)
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	if d.Last.HeelHeight != 30 || d.Meta.Season != "SS27" || head.Message != "lower heel" {
		t.Fatalf("after edit: heel %v season %q message %q", d.Last.HeelHeight, d.Meta.Season, head.Message)
	}

	out, err := run(t, dir, "log", "--design", string(id))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "lower heel") || !strings.Contains(out, "new design") || !strings.Contains(out, "branch:main") {
		t.Fatalf("log:\n%s", out)
	}
	if strings.Index(out, "lower heel") > strings.Index(out, "new design") {
		t.Fatalf("log not newest first:\n%s", out)
	}
}

func TestEditRefusesBadInput(t *testing.T) {
	dir := t.TempDir()
	id := seedDesign(t, dir, "Mule")
	for name, args := range map[string][]string{
		"unknown property": {"--set", "last.wingspan=3"},
		"unknown part":     {"--set", "sole.x=3"},
		"bad value":        {"--set", "last.heel_height=high"},
		"invalid design":   {"--set", "last.heel_height=-50"},
		"invalid meta":     {"--set", "meta.gender=aliens"},
		"empty name":       {"--set", "meta.name="},
		"no set":           {},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := run(t, dir, append([]string{"edit", "--design", "Mule"}, args...)...)
			if err == nil {
				t.Fatal("accepted")
			}
			if strings.HasPrefix(name, "invalid meta") || name == "empty name" {
				// Refused by the commit's validation (the only one).
				if !strings.Contains(err.Error(), "not committed, the design would be invalid") {
					t.Fatalf("refused with: %v", err)
				}
			}
		})
	}
	s := openStore(t, dir)
	defer s.Close()
	if n := len(s.History(id)); n != 1 {
		t.Fatalf("%d versions after refused edits", n)
	}
}

func TestBundleExportImport(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	id := seedDesign(t, src, "Sandal")
	if _, err := run(t, src, "edit", "--design", "Sandal", "--set", "meta.notes=first sample"); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "sandal.cwb")
	if out, err := run(t, src, "bundle", "export", "--design", "Sandal", "-o", file); err != nil {
		t.Fatalf("export: %v %s", err, out)
	}
	out, err := run(t, dst, "bundle", "import", file)
	if err != nil {
		t.Fatalf("import: %v %s", err, out)
	}
	if !strings.Contains(out, "2 new versions") {
		t.Fatalf("import said: %s", out)
	}
	s := openStore(t, dst)
	defer s.Close()
	if d, err := s.Design(id); err != nil || d.Name != "Sandal" {
		t.Fatalf("imported design: %+v %v", d, err)
	}
	var ue *UsageError
	if _, err := run(t, dst, "bundle", "frobnicate"); !errors.As(err, &ue) {
		t.Fatalf("bad sub-command: %v", err)
	}
}

func TestBundleImportMergesDivergedHistory(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	id := seedDesign(t, a, "Boot")
	file := filepath.Join(t.TempDir(), "boot.cwb")
	if _, err := run(t, a, "bundle", "export", "--design", "Boot", "-o", file); err != nil {
		t.Fatal(err)
	}
	if _, err := run(t, b, "bundle", "import", file); err != nil {
		t.Fatal(err)
	}
	// Both sides edit different properties, then b imports a's bundle.
	// b's studio was created by the import, so it also holds the samples:
	// name the design.
	if _, err := run(t, a, "edit", "--design", "Boot", "--set", "meta.season=AW27"); err != nil {
		t.Fatal(err)
	}
	if _, err := run(t, b, "edit", "--design", "Boot", "--set", "last.heel_height=45"); err != nil {
		t.Fatal(err)
	}
	if _, err := run(t, a, "bundle", "export", "--design", "Boot", "-o", file); err != nil {
		t.Fatal(err)
	}
	out, err := run(t, b, "bundle", "import", file)
	if err != nil || !strings.Contains(out, "1 merged") {
		t.Fatalf("import: %v %s", err, out)
	}
	s := openStore(t, b)
	defer s.Close()
	head, _ := s.Head(id, store.DefaultBranch)
	d, err := s.Checkout(head.ID)
	if err != nil || d.Meta.Season != "AW27" || d.Last.HeelHeight != 45 || !store.IsMerge(head) {
		t.Fatalf("merged design: season %q heel %v merge %v err %v", d.Meta.Season, d.Last.HeelHeight, store.IsMerge(head), err)
	}
}
