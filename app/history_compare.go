package app

import (
	"strings"

	"cordwain/models"
)

// A comparison's header block and last: the header's (meta) changes read
// as a block above the change list, and a changed last is drawn ghosted.

// splitChanges puts the header's changes (name, style number, season,
// size run …) in their own block and the rest in the list.
func (h *HistoryPanel) splitChanges(changes []models.Change) {
	h.listed, h.headerChanges = nil, nil
	for _, c := range h.changes {
		if c.Element != models.MetaID {
			h.listed = append(h.listed, c)
		}
	}
	for _, c := range changes {
		if c.Element != models.MetaID || c.Prop == "" {
			continue
		}
		line := changeLine{Element: c.Element, Op: c.Op, What: h.tr.L("kind.meta"), Prop: propLabel(h.tr, c.Prop),
			Old: headerValue(h.tr, c.Prop, c.Old), New: headerValue(h.tr, c.Prop, c.New)}
		h.headerChanges = append(h.headerChanges, line)
	}
}

// headerValue shows a header property in full: a size run lists every
// size, not "9 items".
func headerValue(tr *Translator, prop string, b []byte) string {
	if prop == "size_run" && b != nil {
		var run []float64
		if models.DecodeCanonical(b, &run) == nil {
			parts := make([]string, len(run))
			for i, mm := range run {
				parts[i] = formatNumber(mm)
			}
			return strings.Join(parts, ", ") + " mm"
		}
	}
	return formatValue(tr, prop, b)
}

// HeaderText is the header block of the comparison shown ("" when the
// header did not change).
func (h *HistoryPanel) HeaderText() string {
	if len(h.headerChanges) == 0 {
		return ""
	}
	lines := []string{h.tr.L("history.header_changes", map[string]any{"Count": len(h.headerChanges)})}
	for _, c := range h.headerChanges {
		lines = append(lines, "• "+c.Describe(h.tr))
	}
	return strings.Join(lines, "\n")
}

func (h *HistoryPanel) showHeaderBlock() {
	text := h.HeaderText()
	h.headerBlock.SetText(text)
	h.headerBlock.Hidden = text == ""
	h.headerBlock.Refresh()
}

// Ghost is the older last drawn under a comparison (nil when the last did
// not change or nothing is compared).
func (h *HistoryPanel) Ghost() *models.Last { return h.ghost }

// lastChanged reports whether a diff changes a property of the last.
func lastChanged(changes []models.Change) bool {
	for _, c := range changes {
		if c.Element == models.LastID && c.Prop != "" {
			return true
		}
	}
	return false
}
