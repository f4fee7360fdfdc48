package app

import "fyne.io/fyne/v2"

// Preference keys, in one place.
const (
	prefLanguage   = "language"
	prefLastDesign = "last_design"
	prefView       = "view"
	prefGrid       = "grid"
	prefAllowances = "allowances"
)

// Settings are the designer's preferences, read in one pass and written
// through Save; nothing else touches fyne.Preferences.
type Settings struct {
	Language   string // LangSystem, LangEN or LangZH
	LastDesign string
	View       string
	Grid       bool
	Allowances bool
}

// LoadSettings reads the preferences with their defaults.
func LoadSettings(p fyne.Preferences) Settings {
	return Settings{
		Language:   p.StringWithFallback(prefLanguage, LangSystem),
		LastDesign: p.String(prefLastDesign),
		View:       p.StringWithFallback(prefView, "lateral"),
		Grid:       p.BoolWithFallback(prefGrid, true),
		Allowances: p.BoolWithFallback(prefAllowances, true),
	}
}

// Save writes every setting.
func (s Settings) Save(p fyne.Preferences) {
	p.SetString(prefLanguage, s.Language)
	p.SetString(prefLastDesign, s.LastDesign)
	p.SetString(prefView, s.View)
	p.SetBool(prefGrid, s.Grid)
	p.SetBool(prefAllowances, s.Allowances)
}
