package app

import (
	"fmt"
	"image/color"
	"maps"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
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
		p.box.Add(container.NewGridWithColumns(4, name, zh, sup, col))
	}
	p.box.Add(widget.NewButton(tr.L("material.add"), func() { p.u.editor.Do(AddMaterial(p.u.editor.session.Design())) }))
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
