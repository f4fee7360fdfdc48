package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cordwain/canvas/samples"
	"cordwain/models"
)

func runCmd(t *testing.T, dir string, stdin string, args ...string) (string, error) {
	t.Helper()
	c, ok := Lookup(args[0])
	if !ok {
		t.Fatalf("no command %s", args[0])
	}
	var out, errb bytes.Buffer
	err := c.Run(Env{DataDir: dir, Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb}, args[1:])
	return out.String() + errb.String(), err
}

func TestJSONExportImportRoundTrip(t *testing.T) {
	src := filepath.Join(t.TempDir(), "a")
	derby := samples.Derby()
	file := filepath.Join(t.TempDir(), "derby.json")
	if out, err := runCmd(t, src, "", "json", "export", "--design", derby.Meta.Name, "-o", file); err != nil {
		t.Fatalf("export: %v\n%s", err, out)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	got, err := models.DecodeJSON(data)
	if err != nil {
		t.Fatalf("exported JSON does not read back: %v", err)
	}
	h1, _ := got.Hash()
	h2, _ := derby.Hash()
	if h1 != h2 {
		t.Fatal("exported design differs from the sample")
	}

	// Import into another studio after an edit: a new version there.
	got.Last.HeelHeight = 30
	edited, err := models.EncodeJSON(got)
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "b")
	if out, err := runCmd(t, dst, string(edited), "json", "import", "-"); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	st, _, err := OpenStudio(dst)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	head, err := st.Head(derby.ID, "main")
	if err != nil {
		t.Fatal(err)
	}
	d, err := st.Checkout(head.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.Last.HeelHeight != 30 || len(st.History(derby.ID)) != 2 {
		t.Fatalf("import did not commit the edit: heel %v, %d versions", d.Last.HeelHeight, len(st.History(derby.ID)))
	}
}

func TestJSONImportRefusesBadFilesAndChangesNothing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "s")
	st, _, err := OpenStudio(dir)
	if err != nil {
		t.Fatal(err)
	}
	before := len(st.Designs())
	st.Close()
	good, err := models.EncodeJSON(samples.Pump())
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{
		"not JSON":      "{{{",
		"future schema": strings.Replace(string(good), `"schema": 1`, `"schema": 99`, 1),
		"invalid last":  strings.Replace(string(good), `"heel_height": 75`, `"heel_height": -75`, 1),
		"truncated":     string(good[:len(good)/2]),
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			if in == string(good) {
				t.Fatal("the case did not change the file")
			}
			if out, err := runCmd(t, dir, in, "json", "import", "-"); err == nil {
				t.Fatalf("bad file imported:\n%s", out)
			}
		})
	}
	st, _, err = OpenStudio(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if after := len(st.Designs()); after != before {
		t.Fatalf("designs %d → %d after refused imports", before, after)
	}
	for _, d := range st.Designs() {
		if n := len(st.History(d.ID)); n != 1 {
			t.Fatalf("%s has %d versions after refused imports", d.Name, n)
		}
	}
}
