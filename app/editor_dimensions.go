package app

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"cordwain/canvas"
	"cordwain/models"
)

// Dimensions kept on the drawing are elements of the design
// (models.Dimension): anchored on the mean form, they re-fit when the
// last changes, are saved with every version and undone like any edit.

// AddDimension is the command that keeps a measurement from a to b (mean
// form mm) on the drawing.
func AddDimension(d *models.Design, a, b canvas.Point) (models.Command, error) {
	if d == nil {
		return models.Command{}, errors.New("add dimension: no design open")
	}
	for _, p := range []canvas.Point{a, b} {
		if math.IsNaN(p.X) || math.IsNaN(p.Y) || math.Abs(p.X) > 1e4 || math.Abs(p.Y) > 1e4 {
			return models.Command{}, fmt.Errorf("add dimension: %v is not a point on the drawing", p)
		}
	}
	if canvas.Dist(a, b) < 1e-6 {
		return models.Command{}, errors.New("add dimension: pick two different points")
	}
	dm := models.Dimension{ID: models.NewID(), A: a, B: b}
	return models.Command{Name: "Add dimension", Edits: []models.Edit{{ID: dm.ID, After: dm}}}, nil
}

// AddDimension keeps a measurement given in the view's millimetres on
// the drawing as a dimension of the design. Dimensions live on the mean
// form: in another view the measurement is not kept, and the status line
// says so. (The measure tool, which works in mean form mm in the side
// views too, keeps its measurements with keepDimension.)
func (e *Editor) AddDimension(dm Dimension) {
	if e.Options().View != canvas.ViewMeanForm {
		e.status(e.tr().L("status.dimension_mean_form"))
		return
	}
	e.keepDimension(dm)
}

// keepDimension keeps dm, in mean form mm, as a dimension of the design,
// in any view that is edited.
func (e *Editor) keepDimension(dm Dimension) {
	if !e.Editable() {
		if e.Options().Size != 0 {
			e.refuseEdit()
		} else {
			e.status(e.tr().L("status.dimension_mean_form"))
		}
		return
	}
	c, err := AddDimension(e.session.Design(), dm.A, dm.B)
	if err != nil {
		e.status(err.Error())
		return
	}
	e.Do(c)
}

// Dimensions lists the dimensions of the design being edited, as drawn.
func (e *Editor) Dimensions() []Dimension {
	return dimensionsOf(e.session.Design(), canvas.ViewMeanForm, Selection{})
}

// dimensionsOf is what the editor draws for d's dimensions in view v, in
// mean form mm: on the mean form and on the lateral and medial views,
// which draw them carried onto the view (overlayPainter), a straight
// dimension curving with the last. The label is the mean form length in
// every view: the length of the pattern, which is what is cut. Nothing
// in the top, back and bottom views.
func dimensionsOf(d *models.Design, v canvas.View, sel Selection) []Dimension {
	if d == nil || !canvas.EditableView(v) || len(d.Dimensions) == 0 {
		return nil
	}
	picked := map[models.ID]bool{}
	for _, id := range sel.Elems {
		picked[id] = true
	}
	out := make([]Dimension, 0, len(d.Dimensions))
	for _, dm := range d.Dimensions {
		label := dm.Text
		if label == "" {
			label = fmt.Sprintf("%.1f mm", canvas.Dist(dm.A, dm.B))
		}
		out = append(out, Dimension{A: dm.A, B: dm.B, Label: label, ID: dm.ID, Selected: picked[dm.ID]})
	}
	return out
}

// LabelDimension is the command that names dimension id ("back
// height"); an empty text shows the measured length again.
func LabelDimension(d *models.Design, id models.ID, text string) (models.Command, error) {
	dm, ok := models.FindElem(d, id).(models.Dimension)
	if !ok {
		return models.Command{}, fmt.Errorf("label dimension: there is no dimension %s", id)
	}
	text = strings.TrimSpace(text)
	if n := utf8.RuneCountInString(text); n > models.MaxNameLen {
		return models.Command{}, fmt.Errorf("label dimension: the label is %d characters, at most %d", n, models.MaxNameLen)
	}
	dm.Text = text
	return models.SetElem("Label dimension", d, dm), nil
}

// showDimension adds the selected dimension's length and label to the
// Edit panel.
func (p *EditPanel) showDimension(dm models.Dimension) {
	tr := p.u.tr
	label := widget.NewEntry()
	label.SetText(dm.Text)
	label.SetPlaceHolder(fmt.Sprintf("%.1f mm", canvas.Dist(dm.A, dm.B)))
	apply := func() {
		c, err := LabelDimension(p.u.editor.session.Design(), dm.ID, label.Text)
		if err != nil {
			p.u.status.SetText(err.Error())
			return
		}
		p.u.editor.Do(c)
	}
	label.OnSubmitted = func(string) { apply() }
	p.box.Add(widget.NewLabelWithStyle(tr.L("kind.dimension")+": "+fmt.Sprintf("%.1f mm", canvas.Dist(dm.A, dm.B)),
		fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	p.box.Add(widget.NewForm(widget.NewFormItem(tr.L("dimension.label"), label)))
	p.box.Add(widget.NewButton(tr.L("inspector.apply"), apply))
}
