package canvas

import (
	"fmt"

	"cordwain/models"
)

// PasteElements is the command that adds copies of elems (style lines,
// pieces, marks, as copied from a design) with new IDs, moved by offset.
// Marks whose piece is copied too go onto the copy; others stay on their
// piece. It returns the new IDs in the order of elems.
func PasteElements(elems []models.Elem, offset Point) (models.Command, []models.ID) {
	newID := map[models.ID]models.ID{}
	for _, e := range elems {
		newID[e.ElemID()] = models.NewID()
	}
	var c models.Command
	var ids []models.ID
	for _, e := range elems {
		id := newID[e.ElemID()]
		var after models.Elem
		switch x := e.(type) {
		case models.StyleLine:
			x.ID = id
			x.Path = models.Path{Points: shifted(x.Path.Points, offset), Closed: x.Path.Closed}
			after = x
		case models.Piece:
			x.ID = id
			x.Outline = models.Path{Points: shifted(x.Outline.Points, offset), Closed: x.Outline.Closed}
			x.Order++
			after = x
		case models.Mark:
			x.ID = id
			x.At = add(x.At, offset)
			if np, ok := newID[x.Piece]; ok {
				x.Piece = np
			}
			after = x
		default:
			continue
		}
		c.Edits = append(c.Edits, models.Edit{ID: id, After: after})
		ids = append(ids, id)
	}
	c.Name = "Paste"
	if len(ids) == 1 {
		c.Name = "Paste " + ElemName(c.Edits[0].After)
	} else if len(ids) > 1 {
		c.Name = fmt.Sprintf("Paste %d elements", len(ids))
	}
	return c, ids
}
