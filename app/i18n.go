package app

import (
	"embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"fyne.io/fyne/v2/lang"
)

//go:embed translations
var translationFS embed.FS

// Languages the UI is translated into.
const (
	LangSystem = ""
	LangEN     = "en"
	LangZH     = "zh"
)

// Translator looks strings up in the embedded tables for one language.
// Fyne's lang package picks its language from the system only, so the
// designer's choice in Settings is applied here; the same tables are also
// registered with lang so Fyne's own widgets follow the system locale.
type Translator struct {
	lang   string
	tables map[string]map[string]string
}

// NewTranslator loads the embedded tables. code is LangEN, LangZH or
// LangSystem (follow the system locale).
func NewTranslator(code string) (*Translator, error) {
	t := &Translator{tables: map[string]map[string]string{}}
	for _, l := range []string{LangEN, LangZH} {
		data, err := translationFS.ReadFile("translations/" + l + ".json")
		if err != nil {
			return nil, fmt.Errorf("loading %s translations: %w", l, err)
		}
		table := map[string]string{}
		if err := json.Unmarshal(data, &table); err != nil {
			return nil, fmt.Errorf("parsing %s translations: %w", l, err)
		}
		if err := addEditorTranslations(l, table); err != nil {
			return nil, err
		}
		t.tables[l] = table
	}
	t.SetLanguage(code)
	return t, nil
}

// RegisterWithFyne adds the tables to fyne's lang package.
func RegisterWithFyne() error { return lang.AddTranslationsFS(translationFS, "translations") }

// SetLanguage switches language; LangSystem follows the system locale.
func (t *Translator) SetLanguage(code string) {
	if code == LangSystem {
		code = systemLanguage()
	}
	if _, ok := t.tables[code]; !ok {
		code = LangEN
	}
	t.lang = code
}

// Language is the language in use (never LangSystem).
func (t *Translator) Language() string { return t.lang }

// L translates key; data fills {{.Name}} placeholders.
func (t *Translator) L(key string, data ...map[string]any) string {
	s, ok := t.tables[t.lang][key]
	if !ok {
		if s, ok = t.tables[LangEN][key]; !ok {
			s = key
		}
	}
	if len(data) > 0 {
		for k, v := range data[0] {
			s = strings.ReplaceAll(s, "{{."+k+"}}", fmt.Sprint(v))
		}
	}
	return s
}

// Keys lists the keys of a language's table (for tests).
func (t *Translator) Keys(code string) []string {
	keys := make([]string, 0, len(t.tables[code]))
	for k := range t.tables[code] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func systemLanguage() string {
	loc := string(lang.SystemLocale())
	if strings.HasPrefix(strings.ToLower(loc), "zh") {
		return LangZH
	}
	return LangEN
}
