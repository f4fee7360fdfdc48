package cli

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"cordwain/canvas"
	"cordwain/canvas/samples"
	"cordwain/models"
	"cordwain/models/store"
)

const derby = "CW-D-2601"

func sampleHead(t *testing.T, dir string) *models.Design {
	t.Helper()
	s := openStore(t, dir)
	defer s.Close()
	head, err := s.Head(samples.DerbyID, store.DefaultBranch)
	if err != nil {
		t.Fatal(err)
	}
	d, err := s.Checkout(head.ID)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// Faults 1 and 11: text that is not UTF-8 is refused with a message, and
// the studio keeps opening.
func TestInvalidUTF8IsRefusedAndNeverBricks(t *testing.T) {
	dir := t.TempDir()
	for name, args := range map[string][]string{
		"message":        {"--set", "meta.season=SS31", "-m", "bad\xff"},
		"notes":          {"--set", "meta.notes=a\xffb"},
		"truncated name": {"--set", "meta.name=Derby\xc3"},
	} {
		out, err := run(t, dir, append([]string{"edit", "--design", derby}, args...)...)
		if err == nil || !strings.Contains(err.Error()+out, "UTF-8") {
			t.Fatalf("%s: accepted or unclear: %v %s", name, err, out)
		}
	}
	out, err := run(t, dir, "log", "--design", derby)
	if err != nil {
		t.Fatalf("studio no longer opens: %v", err)
	}
	if strings.Count(out, "\n") != 2 { // header and the sample root
		t.Fatalf("refused edits left versions:\n%s", out)
	}
	if d := sampleHead(t, dir); strings.ContainsRune(d.Meta.Name, '\uFFFD') || !utf8.ValidString(d.Meta.Notes) {
		t.Fatalf("name altered: %q", d.Meta.Name)
	}
}

// Fault 1: a JSON file whose name is GBK (Chinese Windows) imports with the
// name converted in the message; nothing raw is stored.
func TestJSONImportGBKFileName(t *testing.T) {
	dir := t.TempDir()
	out, err := run(t, dir, "json", "export", "--design", derby)
	if err != nil {
		t.Fatal(err)
	}
	d, err := models.DecodeJSON([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	d.ID = models.NewID() // a second design from the same file
	data, _ := models.EncodeJSON(d)
	gbkName := "\xc9\xe8\xbc\xc6.json" // 设计.json in GBK
	file := filepath.Join(t.TempDir(), gbkName)
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := run(t, dir, "json", "import", file); err != nil {
		t.Fatalf("import: %v %s", err, out)
	}
	s := openStore(t, dir)
	head, err := s.Head(d.ID, store.DefaultBranch)
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	if head.Message != "Imported from 设计.json" {
		t.Fatalf("message %q", head.Message)
	}
	if _, err := run(t, dir, "log", "--design", string(d.ID)); err != nil {
		t.Fatal(err)
	}
}

// Fault 3: a studio created later imports an edit of a sample and keeps it
// (the samples share their roots), and importing back reverts nothing.
func TestSampleEditsTravelBetweenStudios(t *testing.T) {
	f, g := t.TempDir(), t.TempDir()
	if out, err := run(t, f, "edit", "--design", derby, "--set", "last.heel_height=30"); err != nil {
		t.Fatalf("edit: %v %s", err, out)
	}
	file := filepath.Join(t.TempDir(), "f.cwb")
	if _, err := run(t, f, "bundle", "export", "--design", derby, "-o", file); err != nil {
		t.Fatal(err)
	}
	out, err := run(t, g, "bundle", "import", file)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "1 new versions, 1 already known") || strings.Contains(out, "conflicts") {
		t.Fatalf("import into a fresh studio: %s", out)
	}
	if h := sampleHead(t, g).Last.HeelHeight; h != 30 {
		t.Fatalf("fresh studio G has heel %v after importing F's edit", h)
	}
	back := filepath.Join(t.TempDir(), "g.cwb")
	if _, err := run(t, g, "bundle", "export", "--design", derby, "-o", back); err != nil {
		t.Fatal(err)
	}
	if _, err := run(t, f, "bundle", "import", back); err != nil {
		t.Fatal(err)
	}
	if h := sampleHead(t, f).Last.HeelHeight; h != 30 {
		t.Fatalf("F's edit reverted: heel %v", h)
	}
}

// Fault 3, second half: unrelated histories (the same JSON imported into
// two studios) still merge, and the overrides are listed, not silent.
func TestUnrelatedHistoriesListConflicts(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	out, _ := run(t, a, "json", "export", "--design", derby)
	d, _ := models.DecodeJSON([]byte(out))
	d.ID = "0123456789abcdef"
	file := filepath.Join(t.TempDir(), "d.json")
	for i, dir := range []string{a, b} {
		d.Last.HeelHeight = float64(26 + i)
		data, _ := models.EncodeJSON(d)
		os.WriteFile(file, data, 0o600)
		if out, err := run(t, dir, "json", "import", file); err != nil {
			t.Fatalf("import: %v %s", err, out)
		}
	}
	cwb := filepath.Join(t.TempDir(), "a.cwb")
	if _, err := run(t, a, "bundle", "export", "--design", string(d.ID), "-o", cwb); err != nil {
		t.Fatal(err)
	}
	out, err := run(t, b, "bundle", "import", cwb)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "1 conflicts") || !strings.Contains(out, "heel_height") {
		t.Fatalf("unrelated merge did not list its override:\n%s", out)
	}
}

func sum(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// Faults 5 and 6: reads write nothing and never make a key; a write in a
// studio whose key is lost refuses until a new identity is asked for,
// which is recorded.
func TestLostKeyIsNeverReplacedSilently(t *testing.T) {
	dir := t.TempDir()
	if _, err := run(t, dir, "edit", "--design", derby, "--set", "meta.season=SS27"); err != nil {
		t.Fatal(err)
	}
	key := filepath.Join(dir, store.IdentityFile)
	if err := os.Remove(key); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, store.FileName)
	before := sum(t, db)
	for _, args := range [][]string{
		{"log", "--design", derby},
		{"json", "export", "--design", derby},
		{"bundle", "export", "--design", derby, "-o", filepath.Join(t.TempDir(), "x.cwb")},
	} {
		if out, err := run(t, dir, args...); err != nil {
			t.Fatalf("%v: %v %s", args, err, out)
		}
	}
	if sum(t, db) != before {
		t.Fatal("a read command wrote to the studio file")
	}
	if _, err := os.Stat(key); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("a read command created a key")
	}
	_, err := run(t, dir, "edit", "--design", derby, "--set", "meta.season=AW27")
	if !errors.Is(err, ErrIdentityLost) || !strings.Contains(err.Error(), "--new-identity") {
		t.Fatalf("edit with a lost key: %v", err)
	}
	if _, err := os.Stat(key); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("a refused write created a key")
	}
	if out, err := run(t, dir, "edit", "--new-identity", "--design", derby, "--set", "meta.season=AW27"); err != nil {
		t.Fatalf("edit --new-identity: %v %s", err, out)
	}
	s := openStore(t, dir)
	ids := s.Identities()
	s.Close()
	if len(ids) != 2 || !strings.Contains(ids[1].Note, ids[0].PeerID) {
		t.Fatalf("identity change not recorded: %+v", ids)
	}
	// A fresh studio makes its key on the first write, not on a read.
	fresh := t.TempDir()
	if _, err := run(t, fresh, "log", "--design", derby); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(fresh, store.IdentityFile)); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("log on a fresh studio created a key")
	}
	if _, err := run(t, fresh, "edit", "--design", derby, "--set", "meta.season=AW27"); err != nil {
		t.Fatal(err)
	}
}

// Fault 10: log cuts long messages at a character, by display width.
func TestLogCutsAtCharacters(t *testing.T) {
	dir := t.TempDir()
	msg := strings.Repeat("鞋楦后跟高度调整", 10)
	if _, err := run(t, dir, "edit", "--design", derby, "--set", "last.heel_height=30", "-m", msg); err != nil {
		t.Fatal(err)
	}
	out, err := run(t, dir, "log", "--design", derby)
	if err != nil {
		t.Fatal(err)
	}
	if !utf8.ValidString(out) {
		t.Fatalf("log output is not valid UTF-8:\n%q", out)
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "鞋楦") {
			m := line[strings.Index(line, "鞋楦"):]
			m = strings.TrimRight(m[:strings.Index(m, "…")+len("…")], " ")
			if w := displayWidth(m); w > 60 {
				t.Fatalf("message %d columns wide: %q", w, m)
			}
		}
	}
	if !bytes.Contains([]byte(out), []byte("…")) {
		t.Fatalf("long message not marked as cut:\n%s", out)
	}
}

// Fault 5, what to do: a damaged studio is reported with advice and
// unchanged, and salvage copies every intact version into a new studio.
func TestDamagedStudioSalvage(t *testing.T) {
	dir := t.TempDir()
	for _, season := range []string{"SS27", "AW27", "SS28"} {
		if _, err := run(t, dir, "edit", "--design", derby, "--set", "meta.season="+season, "-m", "season "+season); err != nil {
			t.Fatal(err)
		}
	}
	db := filepath.Join(dir, store.FileName)
	data, _ := os.ReadFile(db)
	// Every copy (bbolt leaves old ones in free pages): the live one too.
	if !bytes.Contains(data, []byte("season AW27")) {
		t.Fatal("message not found in the file")
	}
	data = bytes.ReplaceAll(data, []byte("season AW27"), []byte("Season AW27"))
	os.WriteFile(db, data, 0o600)
	damaged := sum(t, db)
	_, err := run(t, dir, "log", "--design", derby)
	if err == nil || !strings.Contains(err.Error(), "was not changed") || !strings.Contains(err.Error(), "salvage") {
		t.Fatalf("damaged studio: %v", err)
	}
	if sum(t, db) != damaged {
		t.Fatal("a failed open changed the damaged file")
	}
	dst := filepath.Join(t.TempDir(), "new")
	out, err := run(t, dir, "salvage", "-o", dst)
	if err != nil {
		t.Fatalf("salvage: %v %s", err, out)
	}
	if !strings.Contains(out, "2 versions lost") {
		t.Fatalf("salvage said:\n%s", out)
	}
	if sum(t, db) != damaged {
		t.Fatal("salvage changed the damaged file")
	}
	// The version before the damage is there, and work continues.
	if d := sampleHead(t, dst); d.Meta.Season != "SS27" {
		t.Fatalf("salvaged head has season %q", d.Meta.Season)
	}
	if _, err := run(t, dst, "edit", "--design", derby, "--set", "meta.season=AW28"); err != nil {
		t.Fatal(err)
	}
}

// The upper follows its last from the command line too: a last edit
// refits the style lines, pieces and marks as the window does.
func TestEditLastRefitsTheUpper(t *testing.T) {
	dir := t.TempDir()
	if out, err := run(t, dir, "edit", "--design", derby, "--set", "last.heel_height=30",
		"--set", "last.toe_spring=12", "--set", "last.toe_shape=square"); err != nil {
		t.Fatalf("edit: %v %s", err, out)
	}
	got := sampleHead(t, dir)
	d := samples.Derby()
	l := d.Last
	l.HeelHeight, l.ToeSpring, l.ToeShape = 30, 12, models.ToeSquare
	want, err := canvas.RefitDesign(d, l)
	if err != nil {
		t.Fatal(err)
	}
	hg, _ := got.Hash()
	hw, _ := want.Hash()
	if hg != hw {
		t.Fatal("the edited design is not the sample refitted to the new last")
	}
	stale := *d
	stale.Last = l
	if hs, _ := stale.Hash(); hs == hg {
		t.Fatal("the pieces did not move with the last")
	}
}
