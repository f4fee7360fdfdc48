package app

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"cordwain/canvas"
	"cordwain/models"
)

// EditPanel is the Edit tab: the design's names, every measurement of the
// last (toe shape included) and the selected piece's properties, each
// applied as a command. An invalid measurement is shown at its field and
// not applied.
type EditPanel struct {
	u   *UI
	box *fyne.Container
	// lastEntries and their field names, for tests and error display.
	lastEntries map[string]*widget.Entry
	lastErrors  map[string]*widget.Label
	toe         *widget.Select
	name        *widget.Entry
	nameZH      *widget.Entry
	shown       *models.Design
}

// NewEditPanel builds the panel for the window.
func NewEditPanel(u *UI) *EditPanel {
	p := &EditPanel{u: u, box: container.NewVBox()}
	return p
}

// Object is the panel's canvas object.
func (p *EditPanel) Object() fyne.CanvasObject { return p.box }

// lastField is one editable measurement of the last.
type lastField struct {
	key  string // models.Last JSON name, also field.<key>
	get  func(l *models.Last) *float64
	unit string
}

var lastFields = []lastField{
	{"bottom_length", func(l *models.Last) *float64 { return &l.BottomLength }, "mm"},
	{"stick_length", func(l *models.Last) *float64 { return &l.StickLength }, "mm"},
	{"ball_girth", func(l *models.Last) *float64 { return &l.BallGirth }, "mm"},
	{"ball_width", func(l *models.Last) *float64 { return &l.BallWidth }, "mm"},
	{"waist_girth", func(l *models.Last) *float64 { return &l.WaistGirth }, "mm"},
	{"instep_girth", func(l *models.Last) *float64 { return &l.InstepGirth }, "mm"},
	{"heel_girth", func(l *models.Last) *float64 { return &l.HeelGirth }, "mm"},
	{"heel_width", func(l *models.Last) *float64 { return &l.HeelWidth }, "mm"},
	{"heel_height", func(l *models.Last) *float64 { return &l.HeelHeight }, "mm"},
	{"toe_spring", func(l *models.Last) *float64 { return &l.ToeSpring }, "mm"},
	{"back_height", func(l *models.Last) *float64 { return &l.BackHeight }, "mm"},
}

var toeShapes = []models.ToeShape{models.ToeRound, models.ToeAlmond, models.ToeSquare, models.ToePointed}

// Show fills the panel for d and the selection (nil d empties it). The
// widgets are made afresh, so nothing of a previous design lingers.
func (p *EditPanel) Show(d *models.Design, sel Selection) {
	tr := p.u.tr
	p.box.RemoveAll()
	p.shown = d
	if d == nil {
		p.box.Refresh()
		return
	}
	// Design names.
	p.name = widget.NewEntry()
	p.name.SetText(d.Meta.Name)
	p.nameZH = widget.NewEntry()
	p.nameZH.SetText(d.Meta.NameZH)
	rename := func(string) { p.applyNames() }
	p.name.OnSubmitted, p.nameZH.OnSubmitted = rename, rename
	p.box.Add(widget.NewLabelWithStyle(tr.L("inspector.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	p.box.Add(widget.NewForm(
		widget.NewFormItem(tr.L("field.name"), p.name),
		widget.NewFormItem(tr.L("field.name_zh"), p.nameZH),
	))
	p.box.Add(widget.NewButton(tr.L("inspector.apply"), p.applyNames))

	// The last.
	p.box.Add(widget.NewLabelWithStyle(tr.L("field.last"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	p.lastEntries = map[string]*widget.Entry{}
	p.lastErrors = map[string]*widget.Label{}
	form := widget.NewForm()
	l := d.Last
	for _, f := range lastFields {
		en := widget.NewEntry()
		en.SetText(strconv.FormatFloat(*f.get(&l), 'f', -1, 64))
		en.OnSubmitted = func(string) { p.applyLast() }
		msg := widget.NewLabel("")
		msg.Importance = widget.DangerImportance
		msg.Wrapping = fyne.TextWrapWord
		msg.Hide()
		p.lastEntries[f.key], p.lastErrors[f.key] = en, msg
		form.Append(tr.L("field."+f.key)+" ("+f.unit+")", container.NewVBox(en, msg))
	}
	var toeNames []string
	for _, s := range toeShapes {
		toeNames = append(toeNames, tr.L("toe."+string(s)))
	}
	p.toe = widget.NewSelect(toeNames, nil)
	for i, s := range toeShapes {
		if s == l.ToeShape || (l.ToeShape == "" && s == models.ToeRound) {
			p.toe.SetSelectedIndex(i)
		}
	}
	p.toe.OnChanged = func(string) { p.applyLast() }
	toeErr := widget.NewLabel("")
	toeErr.Importance = widget.DangerImportance
	toeErr.Hide()
	p.lastErrors["toe_shape"] = toeErr
	form.Append(tr.L("field.toe_shape"), container.NewVBox(p.toe, toeErr))
	p.box.Add(form)
	p.box.Add(widget.NewButton(tr.L("inspector.apply"), p.applyLast))

	// The selected piece, or text mark.
	if len(sel.Elems) == 1 {
		switch el := models.FindElem(d, sel.Elems[0]).(type) {
		case models.Piece:
			p.showPiece(d, el)
			p.showPieceColour(d, el)
		case models.Mark:
			if el.Kind == models.MarkText {
				p.showTextMark(el)
			}
		case models.Dimension:
			p.showDimension(el)
		}
	}
	p.showMaterials(d)
	p.box.Refresh()
}

// LastEntry is the entry of a last measurement (tests type into it).
func (p *EditPanel) LastEntry(key string) *widget.Entry { return p.lastEntries[key] }

// LastError is the message shown at a last measurement ("" when valid).
func (p *EditPanel) LastError(key string) string {
	if l := p.lastErrors[key]; l != nil && l.Visible() {
		return l.Text
	}
	return ""
}

// NameEntry is the design name entry.
func (p *EditPanel) NameEntry() *widget.Entry { return p.name }

func (p *EditPanel) applyNames() {
	d := p.u.editor.session.Design()
	if d == nil || p.name == nil {
		return
	}
	c := canvas.Rename(d, p.name.Text, p.nameZH.Text)
	if strings.TrimSpace(p.name.Text) == "" {
		p.u.status.SetText(p.u.tr.L("new.name_needed"))
		return
	}
	p.u.editor.Do(c)
}

// applyLast reads every measurement; when all are numbers and the last is
// valid it becomes one command (the upper re-fitted), else the errors are
// shown at their fields and nothing changes.
func (p *EditPanel) applyLast() {
	d := p.u.editor.session.Design()
	if d == nil {
		return
	}
	l := d.Last
	var fes canvas.FieldErrors
	for _, f := range lastFields {
		v, err := strconv.ParseFloat(strings.TrimSpace(p.lastEntries[f.key].Text), 64)
		if err != nil {
			fes = append(fes, canvas.FieldError{Field: f.key, Msg: "must be a number"})
			continue
		}
		*f.get(&l) = v
	}
	if i := p.toe.SelectedIndex(); i >= 0 {
		l.ToeShape = toeShapes[i]
	}
	if len(fes) == 0 {
		c, err := canvas.SetLast(d, l)
		if err == nil {
			if !c.Empty() {
				p.u.editor.Do(c)
			}
			p.showLastErrors(nil)
			return
		}
		if !errors.As(err, &fes) {
			p.u.status.SetText(p.u.tr.L("inspector.invalid", map[string]any{"Error": err.Error()}))
			return
		}
	}
	p.showLastErrors(fes)
	p.u.status.SetText(p.u.tr.L("inspector.invalid", map[string]any{"Error": fes.Error()}))
}

func (p *EditPanel) showLastErrors(fes canvas.FieldErrors) {
	for key, lbl := range p.lastErrors {
		if msg := fes.Field(key); msg != "" {
			lbl.SetText(msg)
			lbl.Show()
		} else {
			lbl.Hide()
		}
	}
}

// showPiece adds the selected piece's properties.
func (p *EditPanel) showPiece(d *models.Design, pc models.Piece) {
	tr := p.u.tr
	name := widget.NewEntry()
	name.SetText(pc.Name)
	nameZH := widget.NewEntry()
	nameZH.SetText(pc.NameZH)
	qty := widget.NewEntry()
	qty.SetText(strconv.Itoa(pc.Quantity))
	mirror := widget.NewCheck("", nil)
	mirror.SetChecked(pc.Mirror)
	var matNames []string
	matIdx := -1
	for i, m := range d.Materials {
		matNames = append(matNames, p.u.displayName(m.Name, m.NameZH))
		if m.ID == pc.Material {
			matIdx = i
		}
	}
	mat := widget.NewSelect(matNames, nil)
	if matIdx >= 0 {
		mat.SetSelectedIndex(matIdx)
	}
	kinds := []models.AllowanceKind{models.AllowNone, models.AllowLasting, models.AllowLap, models.AllowFold, models.AllowSeam}
	var kindNames []string
	for _, k := range kinds {
		kindNames = append(kindNames, string(k))
	}
	edges := container.NewVBox()
	edgeSel := make([]*widget.Select, pc.Outline.Segments())
	for i := range edgeSel {
		s := widget.NewSelect(kindNames, nil)
		k := models.AllowNone
		if i < len(pc.Edges) && pc.Edges[i] != "" {
			k = pc.Edges[i]
		}
		for j, kk := range kinds {
			if kk == k {
				s.SetSelectedIndex(j)
			}
		}
		edgeSel[i] = s
		edges.Add(container.NewBorder(nil, nil, widget.NewLabel(fmt.Sprintf("%d", i+1)), nil, s))
	}
	apply := func() {
		cur, ok := models.FindElem(p.u.editor.session.Design(), pc.ID).(models.Piece)
		if !ok {
			return
		}
		after := cur
		after.Name, after.NameZH = strings.TrimSpace(name.Text), strings.TrimSpace(nameZH.Text)
		if q, err := strconv.Atoi(strings.TrimSpace(qty.Text)); err == nil && q >= 1 {
			after.Quantity = q
		}
		after.Mirror = mirror.Checked
		if i := mat.SelectedIndex(); i >= 0 {
			after.Material = d.Materials[i].ID
		}
		after.Edges = make([]models.AllowanceKind, len(edgeSel))
		for i, s := range edgeSel {
			after.Edges[i] = kinds[max(s.SelectedIndex(), 0)]
		}
		p.u.editor.Do(models.SetElem("Edit "+cur.Name, p.u.editor.session.Design(), after))
	}
	p.box.Add(widget.NewLabelWithStyle(tr.L("kind.piece")+": "+pc.Name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	p.box.Add(widget.NewForm(
		widget.NewFormItem(tr.L("field.name"), name),
		widget.NewFormItem(tr.L("field.name_zh"), nameZH),
		widget.NewFormItem(tr.L("field.material"), mat),
		widget.NewFormItem(tr.L("field.quantity"), qty),
		widget.NewFormItem("Mirror", mirror),
		widget.NewFormItem(tr.L("field.edges"), edges),
	))
	p.box.Add(widget.NewButton(tr.L("inspector.apply"), apply))
}

// showTextMark edits a text note's text.
func (p *EditPanel) showTextMark(m models.Mark) {
	tr := p.u.tr
	text := widget.NewEntry()
	text.SetText(m.Text)
	apply := func() {
		cur, ok := models.FindElem(p.u.editor.session.Design(), m.ID).(models.Mark)
		if !ok || strings.TrimSpace(text.Text) == "" {
			return
		}
		after := cur
		after.Text = strings.TrimSpace(text.Text)
		p.u.editor.Do(models.SetElem("Edit text", p.u.editor.session.Design(), after))
	}
	text.OnSubmitted = func(string) { apply() }
	p.box.Add(widget.NewLabelWithStyle(tr.L("mark.text"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	p.box.Add(text)
	p.box.Add(widget.NewButton(tr.L("inspector.apply"), apply))
}
