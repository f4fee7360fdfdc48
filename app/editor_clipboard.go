package app

import (
	"cordwain/canvas"
	"cordwain/models"
)

// pasteOffset is how far a paste lands from the original, mm, so the copy
// shows beside it.
var pasteOffset = canvas.Point{X: 5, Y: -5}

// Copy keeps the selected style lines, pieces and marks (with the marks
// of copied pieces) for Paste. The clipboard holds values, not IDs, so a
// paste still works after the originals are changed or deleted.
func (e *Editor) Copy() int {
	d := e.session.Design()
	if d == nil {
		return 0
	}
	sel := e.selection()
	picked := map[models.ID]bool{}
	var out []models.Elem
	add := func(el models.Elem) {
		if el != nil && !picked[el.ElemID()] {
			picked[el.ElemID()] = true
			out = append(out, el)
		}
	}
	for _, id := range sel.Elems {
		switch el := models.FindElem(d, id).(type) {
		case models.StyleLine, models.Piece, models.Mark:
			add(el)
		}
	}
	for _, m := range d.Marks {
		if picked[m.Piece] {
			add(m)
		}
	}
	e.clipboard = out
	return len(out)
}

// Paste adds copies of what was copied, offset, and selects them.
func (e *Editor) Paste() {
	if len(e.clipboard) == 0 || e.session.Design() == nil {
		return
	}
	c, ids := canvas.PasteElements(e.clipboard, pasteOffset)
	if e.Do(c) == nil {
		e.Select(Selection{Elems: ids})
	}
}

// Duplicate copies and pastes the selection in one go.
func (e *Editor) Duplicate() {
	if e.Copy() > 0 {
		e.Paste()
	}
}

// MirrorSelection adds the selected style lines' mirror images about the
// last's centre line, and selects them.
func (e *Editor) MirrorSelection() {
	d := e.session.Design()
	if d == nil {
		return
	}
	c, ids, err := canvas.MirrorLines(d, e.selection().Elems)
	if err != nil {
		e.status(err.Error())
		return
	}
	if e.Do(c) == nil {
		e.Select(Selection{Elems: ids})
	}
}
