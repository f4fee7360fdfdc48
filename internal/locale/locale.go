// Package locale gives Fyne a language it can parse before Fyne reads it.
//
// Fyne's lang package reads the POSIX locale in its package initialiser
// and logs an error for "C" or "POSIX" (the default of services, CI and
// minimal systems) on every start, command-line use included. main imports
// this package first; its import path sorts before fyne.io, so Go
// initialises it earlier, and it turns a C or empty locale into en_US.UTF-8
// for this process. Cordwain's own language setting is separate (Settings).
package locale

import (
	"os"
	"strings"
)

func init() {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := os.Getenv(k)
		if v == "" {
			continue
		}
		if !isC(v) {
			return // a real locale decides
		}
		os.Unsetenv(k)
	}
	os.Setenv("LANG", "en_US.UTF-8")
}

func isC(v string) bool {
	v, _, _ = strings.Cut(v, ".")
	return v == "C" || v == "POSIX"
}
