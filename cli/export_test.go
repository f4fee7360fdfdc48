package cli

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestExportErrorsWriteNothing(t *testing.T) {
	c, ok := Lookup("export")
	if !ok {
		t.Fatal("export not registered")
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "x.pdf")
	var stderr bytes.Buffer
	env := Env{DataDir: dir, Stdout: &bytes.Buffer{}, Stderr: &stderr}
	for _, args := range [][]string{
		{"--design", "nope", "-o", out},
		{"--design", "nope", "--format", "gif", "-o", out},
		{"--design", "nope", "--lang", "fr", "-o", out},
		{"--design", "nope", "--sizes", "24x", "-o", out},
		{"-o", out},
	} {
		if err := c.Run(env, args); err == nil {
			t.Errorf("%v: no error", args)
		}
		if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%v: output written despite the error", args)
		}
	}
	var ue *UsageError
	if err := c.Run(env, []string{"-o", out}); !errors.As(err, &ue) {
		t.Errorf("missing --design: %v, want a usage error", err)
	}
}
