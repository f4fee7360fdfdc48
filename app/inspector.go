package app

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"cordwain/canvas"
	"cordwain/models"
)

// Inspector shows the open design's header, last and parts on the right.
type Inspector struct {
	tr    *Translator
	title *widget.Label
	form  *widget.Form
	box   *fyne.Container
}

// NewInspector builds an empty inspector.
func NewInspector(tr *Translator) *Inspector {
	in := &Inspector{tr: tr}
	in.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	in.form = widget.NewForm()
	in.box = container.NewVBox(in.title, in.form)
	return in
}

// Object is the inspector's canvas object.
func (in *Inspector) Object() fyne.CanvasObject { return in.box }

// SetTranslator changes the language of the labels (Show redraws them).
func (in *Inspector) SetTranslator(tr *Translator) { in.tr = tr }

// Rows returns the label/value pairs shown (for tests).
func (in *Inspector) Rows() [][2]string {
	var rows [][2]string
	for _, it := range in.form.Items {
		v := ""
		if l, ok := it.Widget.(*widget.Label); ok {
			v = l.Text
		}
		rows = append(rows, [2]string{it.Text, v})
	}
	return rows
}

// Show fills the inspector for d (nil empties it).
func (in *Inspector) Show(d *models.Design) {
	tr := in.tr
	in.title.SetText(tr.L("inspector.title"))
	// A new form each time: a Form keeps the row widgets it drew first
	// when its Items are replaced, so the previous design's name stayed.
	in.form = widget.NewForm()
	in.box.Objects = []fyne.CanvasObject{in.title, in.form}
	defer in.box.Refresh()
	if d == nil {
		return
	}
	zh := tr.Language() == LangZH
	name := d.Meta.Name
	if zh && d.Meta.NameZH != "" {
		name = d.Meta.NameZH
	}
	var run []string
	for _, mm := range d.Meta.SizeRun {
		run = append(run, canvas.FormatDesignSizeDecimal(d, mm))
	}
	mm := func(v float64) string { return fmt.Sprintf("%.1f mm", v) }
	add := func(key, value string) {
		l := widget.NewLabel(value)
		l.Wrapping = fyne.TextWrapWord
		in.form.Append(tr.L(key), l)
	}
	add("field.name", name)
	add("field.style_no", d.Meta.StyleNo)
	add("field.season", d.Meta.Season)
	add("field.category", tr.Term("category", d.Meta.Category))
	add("field.gender", tr.Term("gender", string(d.Meta.Gender)))
	add("field.construction", tr.Term("construction", string(d.Meta.Construction)))
	add("field.base_size", canvas.FormatDesignSizeDecimal(d, d.Meta.BaseSize)+fmt.Sprintf(" (%g mm)", d.Meta.BaseSize))
	add("field.size_run", strings.Join(run, ", "))
	add("field.last", d.Last.Ref)
	add("field.bottom_length", mm(d.Last.BottomLength))
	add("field.ball_girth", mm(d.Last.BallGirth))
	add("field.heel_height", mm(d.Last.HeelHeight))
	add("field.toe_spring", mm(d.Last.ToeSpring))
	var pieces []string
	for _, p := range d.Pieces {
		n := p.Name
		if zh && p.NameZH != "" {
			n = p.NameZH
		}
		pieces = append(pieces, fmt.Sprintf("%s ×%d", n, p.Quantity))
	}
	add("field.pieces", strings.Join(pieces, "\n"))
	var mats []string
	for _, m := range d.Materials {
		n := m.Name
		if zh && m.NameZH != "" {
			n = m.NameZH
		}
		mats = append(mats, n)
	}
	add("field.materials", strings.Join(mats, "\n"))
}
