package app

import (
	"errors"
	"fmt"
	"image/color"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"cordwain/models"
)

// showMaterials adds the materials table to the Edit panel: each material's
// names, supplier and colour editable, and a new material. The BOM and the
// tech pack read them from the design, so they follow.
func (p *EditPanel) showMaterials(d *models.Design) {
	tr := p.u.tr
	p.box.Add(widget.NewLabelWithStyle(tr.L("field.materials"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	for _, m := range d.Materials {
		m := m
		name, zh, sup, col := widget.NewEntry(), widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
		name.SetText(m.Name)
		zh.SetText(m.NameZH)
		sup.SetText(m.Supplier)
		col.SetText(m.Colour)
		name.SetPlaceHolder(tr.L("field.name"))
		zh.SetPlaceHolder(tr.L("field.name_zh"))
		sup.SetPlaceHolder(tr.L("material.supplier"))
		col.SetPlaceHolder(tr.L("field.colour"))
		apply := func() {
			cur, ok := models.FindElem(p.u.editor.session.Design(), m.ID).(models.Material)
			if !ok {
				return
			}
			after := cur
			after.Name, after.NameZH = strings.TrimSpace(name.Text), strings.TrimSpace(zh.Text)
			after.Supplier, after.Colour = strings.TrimSpace(sup.Text), strings.TrimSpace(col.Text)
			if after.Name == "" {
				p.u.status.SetText(tr.L("new.name_needed"))
				return
			}
			p.u.editor.Do(models.SetElem("Edit material "+after.Name, p.u.editor.session.Design(), after))
		}
		for _, en := range []*widget.Entry{name, zh, sup, col} {
			en.OnSubmitted = func(string) { apply() }
		}
		p.box.Add(container.NewBorder(nil, nil, nil, p.materialDelete(m), container.NewGridWithColumns(4, name, zh, sup, col)))
	}
	p.box.Add(widget.NewButton(tr.L("material.add"), func() { p.u.editor.Do(AddMaterial(p.u.editor.session.Design())) }))
	p.showColourways(d)
}

// materialDelete is a material's delete button: refused with the pieces
// that use it, or — when there is another material — an offer to move
// them to it first.
func (p *EditPanel) materialDelete(m models.Material) *widget.Button {
	tr := p.u.tr
	b := widget.NewButtonWithIcon("", theme.DeleteIcon(), func() {
		d := p.u.editor.session.Design()
		c, err := DeleteMaterial(d, m.ID)
		if err == nil {
			p.u.editor.Do(c)
			return
		}
		var others []models.Material
		for _, o := range d.Materials {
			if o.ID != m.ID {
				others = append(others, o)
			}
		}
		if len(others) == 0 {
			p.u.status.SetText(err.Error())
			return
		}
		var names []string
		for _, o := range others {
			names = append(names, p.u.displayName(o.Name, o.NameZH))
		}
		to := widget.NewSelect(names, nil)
		to.SetSelectedIndex(0)
		msg := widget.NewLabel(err.Error())
		msg.Wrapping = fyne.TextWrapWord
		dlg := dialog.NewForm(tr.L("material.delete"), tr.L("material.replace_delete"), tr.L("dialog.cancel"),
			[]*widget.FormItem{widget.NewFormItem("", msg), widget.NewFormItem(tr.L("material.replace_with"), to)},
			func(ok bool) {
				if !ok || to.SelectedIndex() < 0 {
					return
				}
				c, err := ReplaceMaterial(p.u.editor.session.Design(), m.ID, others[to.SelectedIndex()].ID)
				if err != nil {
					p.u.status.SetText(err.Error())
					return
				}
				p.u.editor.Do(c)
			}, p.u.win)
		dlg.Resize(fyne.NewSize(420, 260))
		dlg.Show()
	})
	return b
}

// showColourways lists the colourways: each renamed in place or deleted,
// and a new one added (a copy of the colourway shown, to vary).
func (p *EditPanel) showColourways(d *models.Design) {
	tr := p.u.tr
	p.box.Add(widget.NewLabelWithStyle(tr.L("field.colourways"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	for _, cw := range d.Colourways {
		cw := cw
		name, zh := widget.NewEntry(), widget.NewEntry()
		name.SetText(cw.Name)
		zh.SetText(cw.NameZH)
		name.SetPlaceHolder(tr.L("field.name"))
		zh.SetPlaceHolder(tr.L("field.name_zh"))
		apply := func(string) {
			c, err := RenameColourway(p.u.editor.session.Design(), cw.ID, name.Text, zh.Text)
			if err != nil {
				p.u.status.SetText(err.Error())
				return
			}
			p.u.editor.Do(c)
		}
		name.OnSubmitted, zh.OnSubmitted = apply, apply
		del := widget.NewButtonWithIcon("", theme.DeleteIcon(), func() {
			c, err := DeleteColourway(p.u.editor.session.Design(), cw.ID)
			if err != nil {
				p.u.status.SetText(err.Error())
				return
			}
			p.u.editor.Do(c)
		})
		p.box.Add(container.NewBorder(nil, nil, nil, del, container.NewGridWithColumns(2, name, zh)))
	}
	p.box.Add(widget.NewButton(tr.L("colourway.add"), func() {
		d := p.u.editor.session.Design()
		c, id := AddColourway(d, p.u.editor.Options().Colourway)
		if p.u.editor.Do(c) == nil {
			p.u.showColourway(id)
		}
	}))
}

// usersOf names the pieces and colourways that use material id.
func usersOf(d *models.Design, id models.ID) (pieces, colourways []string) {
	names := map[models.ID]string{}
	for _, pc := range d.Pieces {
		names[pc.ID] = pc.Name
		if pc.Material == id {
			pieces = append(pieces, pc.Name)
		}
	}
	for _, cw := range d.Colourways {
		for _, pid := range slices.Sorted(maps.Keys(cw.Parts)) {
			if cw.Parts[pid].Material == id {
				colourways = append(colourways, cw.Name+": "+names[pid])
			}
		}
	}
	return pieces, colourways
}

// ErrMaterialInUse is what [DeleteMaterial] returns (wrapped) for a
// material a piece or a colourway still uses.
var ErrMaterialInUse = errors.New("the material is in use")

// DeleteMaterial is the command that takes material id off the BOM. A
// material that a piece or a colourway uses is refused, naming them (see
// [ReplaceMaterial]).
func DeleteMaterial(d *models.Design, id models.ID) (models.Command, error) {
	m, ok := models.FindElem(d, id).(models.Material)
	if !ok {
		return models.Command{}, fmt.Errorf("delete material: there is no material %s", id)
	}
	pieces, cws := usersOf(d, id)
	if len(pieces)+len(cws) > 0 {
		return models.Command{}, fmt.Errorf("%w: %s is used by %s; give them another material first",
			ErrMaterialInUse, m.Name, strings.Join(append(pieces, cws...), ", "))
	}
	return models.RemoveElems("Delete material "+m.Name, d, id), nil
}

// ReplaceMaterial is the command that gives every piece and colourway
// part made of material from the material to instead, then deletes from.
func ReplaceMaterial(d *models.Design, from, to models.ID) (models.Command, error) {
	m, ok := models.FindElem(d, from).(models.Material)
	if !ok {
		return models.Command{}, fmt.Errorf("replace material: there is no material %s", from)
	}
	n, ok := models.FindElem(d, to).(models.Material)
	if !ok || from == to {
		return models.Command{}, fmt.Errorf("replace material %s: pick another material", m.Name)
	}
	c := models.Command{Name: fmt.Sprintf("Replace %s with %s", m.Name, n.Name)}
	for _, pc := range d.Pieces {
		if pc.Material == from {
			after := pc
			after.Material = to
			c.Edits = append(c.Edits, models.Edit{ID: pc.ID, Before: pc, After: after})
		}
	}
	for _, cw := range d.Colourways {
		var parts map[models.ID]models.ColourwayPart
		for pid, part := range cw.Parts {
			if part.Material == from {
				if parts == nil {
					parts = maps.Clone(cw.Parts)
				}
				part.Material = to
				parts[pid] = part
			}
		}
		if parts != nil {
			after := cw
			after.Parts = parts
			c.Edits = append(c.Edits, models.Edit{ID: cw.ID, Before: cw, After: after})
		}
	}
	c.Edits = append(c.Edits, models.Edit{ID: from, Before: m})
	return c, nil
}

// AddColourway is the command that adds a colourway, a copy of the
// colourway base to vary (or, without one, each piece in its own
// material, grey), and the new colourway's ID.
func AddColourway(d *models.Design, base models.ID) (models.Command, models.ID) {
	cw := models.Colourway{ID: models.NewID(), Name: fmt.Sprintf("Colourway %d", len(d.Colourways)+1)}
	if b, ok := models.FindElem(d, base).(models.Colourway); ok {
		cw.Parts = maps.Clone(b.Parts)
		if b.NameZH != "" {
			cw.NameZH = fmt.Sprintf("配色 %d", len(d.Colourways)+1)
		}
	} else {
		cw.Parts = map[models.ID]models.ColourwayPart{}
		for _, pc := range d.Pieces {
			cw.Parts[pc.ID] = models.ColourwayPart{Material: pc.Material, Colour: "grey", Hex: "#A0A0A0"}
		}
	}
	if len(cw.Parts) == 0 {
		cw.Parts = nil
	}
	return models.Command{Name: "Add colourway", Edits: []models.Edit{{ID: cw.ID, After: cw}}}, cw.ID
}

// DeleteColourway is the command that deletes colourway id.
func DeleteColourway(d *models.Design, id models.ID) (models.Command, error) {
	cw, ok := models.FindElem(d, id).(models.Colourway)
	if !ok {
		return models.Command{}, fmt.Errorf("delete colourway: there is no colourway %s", id)
	}
	return models.RemoveElems("Delete colourway "+cw.Name, d, id), nil
}

// RenameColourway is the command that renames colourway id; a name is
// required.
func RenameColourway(d *models.Design, id models.ID, name, nameZH string) (models.Command, error) {
	cw, ok := models.FindElem(d, id).(models.Colourway)
	if !ok {
		return models.Command{}, fmt.Errorf("rename colourway: there is no colourway %s", id)
	}
	name, nameZH = strings.TrimSpace(name), strings.TrimSpace(nameZH)
	if name == "" {
		return models.Command{}, errors.New("rename colourway: a name is needed")
	}
	if n := utf8.RuneCountInString(name); n > models.MaxNameLen {
		return models.Command{}, fmt.Errorf("rename colourway: the name is %d characters, at most %d", n, models.MaxNameLen)
	}
	after := cw
	after.Name, after.NameZH = name, nameZH
	return models.SetElem("Rename colourway "+cw.Name, d, after), nil
}

// AddMaterial is the command that adds a new material line to the BOM.
func AddMaterial(d *models.Design) models.Command {
	m := models.Material{ID: models.NewID(), Name: fmt.Sprintf("Material %d", len(d.Materials)+1), Kind: "leather", Unit: "dm2"}
	return models.Command{Name: "Add material", Edits: []models.Edit{{ID: m.ID, After: m}}}
}

// SetPieceColour is the command that gives a piece a colour (and
// material) in a colourway.
func SetPieceColour(d *models.Design, cw models.ID, piece models.ID, colour, hex string, material models.ID) (models.Command, error) {
	c, ok := models.FindElem(d, cw).(models.Colourway)
	if !ok {
		return models.Command{}, fmt.Errorf("no colourway %s", cw)
	}
	if !models.ValidHex(hex) {
		return models.Command{}, fmt.Errorf("colour %q: want #RRGGBB", hex)
	}
	after := c
	after.Parts = maps.Clone(c.Parts)
	if after.Parts == nil {
		after.Parts = map[models.ID]models.ColourwayPart{}
	}
	after.Parts[piece] = models.ColourwayPart{Material: material, Colour: strings.TrimSpace(colour), Hex: strings.ToUpper(hex)}
	pc, _ := models.FindElem(d, piece).(models.Piece)
	return models.SetElem(fmt.Sprintf("Colour %s in %s", pc.Name, c.Name), d, after), nil
}

// showPieceColour adds the selected piece's colour in the colourway shown,
// with a colour picker.
func (p *EditPanel) showPieceColour(d *models.Design, pc models.Piece) {
	tr := p.u.tr
	cwID := p.u.editor.Options().Colourway
	cw, ok := models.FindElem(d, cwID).(models.Colourway)
	if !ok {
		return
	}
	part := cw.Parts[pc.ID]
	name := widget.NewEntry()
	name.SetText(part.Colour)
	hex := widget.NewEntry()
	hex.SetText(part.Hex)
	apply := func() {
		c, err := SetPieceColour(p.u.editor.session.Design(), cwID, pc.ID, name.Text, strings.TrimSpace(hex.Text), pc.Material)
		if err != nil {
			p.u.status.SetText(err.Error())
			return
		}
		p.u.editor.Do(c)
	}
	hex.OnSubmitted = func(string) { apply() }
	name.OnSubmitted = func(string) { apply() }
	pick := widget.NewButton(tr.L("colour.pick"), func() {
		dlg := dialog.NewColorPicker(tr.L("colour.pick"), pc.Name, func(c color.Color) {
			r, g, b, _ := c.RGBA()
			hex.SetText(fmt.Sprintf("#%02X%02X%02X", r>>8, g>>8, b>>8))
			apply()
		}, p.u.win)
		dlg.Advanced = true
		dlg.Show()
	})
	p.box.Add(widget.NewForm(widget.NewFormItem(tr.L("field.colourway")+": "+p.u.displayName(cw.Name, cw.NameZH),
		container.NewBorder(nil, nil, nil, pick, container.NewGridWithColumns(2, name, hex)))))
}

// showColourway draws the design in colourway id (the first when id is
// not one of the open design's) and lists the colourways in the view
// bar.
func (u *UI) showColourway(id models.ID) {
	d := u.editor.session.Design()
	if d == nil {
		return
	}
	if models.FindElem(d, id) == nil {
		id = ""
		if len(d.Colourways) > 0 {
			id = d.Colourways[0].ID
		}
	}
	if opt := u.editor.Options(); opt.Colourway != id {
		opt.Colourway = id
		u.editor.SetOptions(opt)
	}
	if u.current == d {
		u.updateColourways()
	}
}

// followColourways keeps the view bar's colourways in step with an edit
// (one added, renamed or deleted).
func (u *UI) followColourways(d *models.Design) {
	if d == nil || u.cwSelect == nil {
		return
	}
	u.showColourway(u.editor.Options().Colourway)
}
