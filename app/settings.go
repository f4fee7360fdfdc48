package app

import (
	"encoding/json"
	"sync"
	"time"

	"fyne.io/fyne/v2"

	"cordwain/models"
	"cordwain/models/store"
)

// Preference keys, in one place.
const (
	prefLanguage   = "language"
	prefLastDesign = "last_design"
	prefView       = "view"
	prefGrid       = "grid"
	prefAllowances = "allowances"
	prefBranches   = "branches"
)

// Settings are the designer's preferences, read in one pass on start and
// written through a settingsWriter; nothing else touches fyne.Preferences.
type Settings struct {
	Language   string // LangSystem, LangEN or LangZH
	LastDesign string
	View       string
	Grid       bool
	Allowances bool
	// Branches is the current branch of each design not on main, as a
	// JSON object from design ID to branch name ("" when all are on main);
	// a string so that Settings stay comparable. See branchOf, withBranch.
	Branches string
}

// LoadSettings reads the preferences with their defaults.
func LoadSettings(p fyne.Preferences) Settings {
	return Settings{
		Language:   p.StringWithFallback(prefLanguage, LangSystem),
		LastDesign: p.String(prefLastDesign),
		View:       p.StringWithFallback(prefView, "lateral"),
		Grid:       p.BoolWithFallback(prefGrid, true),
		Allowances: p.BoolWithFallback(prefAllowances, true),
		Branches:   p.String(prefBranches),
	}
}

// branchOf is the branch remembered for design ("" for main or none).
func (s Settings) branchOf(design models.ID) string {
	return s.branchMap()[string(design)]
}

// withBranch is s remembering branch as design's current branch (main is
// not kept: it is the default).
func (s Settings) withBranch(design models.ID, branch string) Settings {
	m := s.branchMap()
	if branch == "" || branch == store.DefaultBranch {
		delete(m, string(design))
	} else {
		m[string(design)] = branch
	}
	s.Branches = ""
	if len(m) > 0 {
		b, _ := json.Marshal(m) // keys sorted: the same map, the same text
		s.Branches = string(b)
	}
	return s
}

func (s Settings) branchMap() map[string]string {
	m := map[string]string{}
	if s.Branches != "" {
		_ = json.Unmarshal([]byte(s.Branches), &m) // unreadable: none remembered
	}
	return m
}

// settingsIdle is how long the settings must stay unchanged before they are
// written: a burst of view and language changes is one write.
const settingsIdle = 500 * time.Millisecond

// settingsWriter coalesces writes of Settings. Fyne saves the preferences
// file on every Set and reloads it when it changes on disk, so a burst of
// Sets had it read the file while it was being written ("Preferences load
// error: EOF"). Here a change only marks the settings dirty; after
// settingsIdle (or on Flush, when the app stops) the keys that differ from
// what was last written go out in one WriteValues: one change, one save.
// What was written is never read back.
type settingsWriter struct {
	mu       sync.Mutex // the timer's fyne.Do runs in place under the test driver
	prefs    fyne.Preferences
	written  Settings
	pending  *Settings
	cancel   func()
	schedule func(time.Duration, func()) func() // runs f later on the UI goroutine
}

func newSettingsWriter(p fyne.Preferences, loaded Settings) *settingsWriter {
	return &settingsWriter{prefs: p, written: loaded, schedule: afterIdle}
}

// afterIdle runs f on the UI goroutine once d has passed and returns a
// cancel. It is the clock of autosave and of the settings writer. The
// test driver runs fyne.Do in place, on the timer's goroutine, so the
// package's tests replace it with timers they fire by hand.
var afterIdle = func(d time.Duration, f func()) func() {
	t := time.AfterFunc(d, func() { fyne.Do(f) })
	return func() { t.Stop() }
}

// Set records s to be written once the settings have been idle.
func (w *settingsWriter) Set(s Settings) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.pending = &s
	if w.cancel != nil {
		w.cancel()
	}
	w.cancel = w.schedule(settingsIdle, w.Flush)
}

// Flush writes what is pending now, if it differs from what was written.
func (w *settingsWriter) Flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.cancel != nil {
		w.cancel()
		w.cancel = nil
	}
	if w.pending == nil {
		return
	}
	s, old := *w.pending, w.written
	w.pending = nil
	if s == old {
		return
	}
	w.written = s
	changes := map[string]any{}
	if s.Language != old.Language {
		changes[prefLanguage] = s.Language
	}
	if s.LastDesign != old.LastDesign {
		changes[prefLastDesign] = s.LastDesign
	}
	if s.View != old.View {
		changes[prefView] = s.View
	}
	if s.Grid != old.Grid {
		changes[prefGrid] = s.Grid
	}
	if s.Allowances != old.Allowances {
		changes[prefAllowances] = s.Allowances
	}
	if s.Branches != old.Branches {
		changes[prefBranches] = s.Branches
	}
	if bw, ok := w.prefs.(interface{ WriteValues(func(map[string]any)) }); ok {
		bw.WriteValues(func(values map[string]any) {
			for k, v := range changes {
				values[k] = v
			}
		})
		return
	}
	for k, v := range changes {
		switch v := v.(type) {
		case string:
			w.prefs.SetString(k, v)
		case bool:
			w.prefs.SetBool(k, v)
		}
	}
}
