package app

import (
	"embed"
	"encoding/json"
	"fmt"
)

// The editor's strings live in their own tables, merged into the main
// ones when a Translator loads.
//
//go:embed translations_editor
var editorTranslationFS embed.FS

func addEditorTranslations(lang string, into map[string]string) error {
	data, err := editorTranslationFS.ReadFile("translations_editor/" + lang + ".json")
	if err != nil {
		return fmt.Errorf("loading %s editor translations: %w", lang, err)
	}
	table := map[string]string{}
	if err := json.Unmarshal(data, &table); err != nil {
		return fmt.Errorf("parsing %s editor translations: %w", lang, err)
	}
	for k, v := range table {
		if _, dup := into[k]; !dup {
			into[k] = v
		}
	}
	return nil
}

// Term translates a word of the trade stored in a design (a gender, a
// construction, a category, a toe shape) by its table key "kind.value",
// and shows the stored word itself when the table has none.
func (t *Translator) Term(kind, value string) string {
	if value == "" {
		return ""
	}
	key := kind + "." + value
	if s := t.L(key); s != key {
		return s
	}
	return value
}
