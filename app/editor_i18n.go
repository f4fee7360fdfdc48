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
