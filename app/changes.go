package app

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"cordwain/models"
)

// elementNames names a design's elements for people: "Piece Vamp",
// "Notch on Vamp", "Last". Missing names fall back to the kind and a short
// ID.
func elementNames(tr *Translator, ds ...*models.Design) map[models.ID]string {
	zh := tr.Language() == LangZH
	pick := func(en, zhName string) string {
		if zh && zhName != "" {
			return zhName
		}
		return en
	}
	names := map[models.ID]string{
		models.MetaID: tr.L("kind.meta"),
		models.LastID: tr.L("kind.last"),
	}
	label := func(kind, name string) string { return tr.L("kind."+kind) + " " + name }
	for _, d := range ds {
		if d == nil {
			continue
		}
		pieces := map[models.ID]string{}
		for _, p := range d.Pieces {
			pieces[p.ID] = pick(p.Name, p.NameZH)
			names[p.ID] = label("piece", pieces[p.ID])
		}
		for _, l := range d.StyleLines {
			names[l.ID] = label("styleline", l.Name)
		}
		for _, m := range d.Marks {
			on := pieces[m.Piece]
			if on == "" {
				on = shortID(m.Piece)
			}
			names[m.ID] = tr.L("kind.mark_on", map[string]any{"Mark": tr.L("mark." + string(m.Kind)), "Piece": on})
		}
		for _, m := range d.Materials {
			names[m.ID] = label("material", pick(m.Name, m.NameZH))
		}
		for _, c := range d.Colourways {
			names[c.ID] = label("colourway", pick(c.Name, c.NameZH))
		}
	}
	return names
}

func elementName(names map[models.ID]string, tr *Translator, id models.ID, kind models.Kind) string {
	if n, ok := names[id]; ok {
		return n
	}
	return tr.L("kind."+string(kind)) + " " + shortID(id)
}

func shortID(id models.ID) string {
	if len(id) > 7 {
		return string(id[:7])
	}
	return string(id)
}

// propLabel names a property: the inspector's label when it has one,
// otherwise the property name made readable ("stick_length" → "Stick
// length").
func propLabel(tr *Translator, prop string) string {
	if prop == "" {
		return ""
	}
	if s := tr.L("field." + prop); s != "field."+prop {
		return s
	}
	s := strings.ReplaceAll(prop, "_", " ")
	r, n := utf8.DecodeRuneInString(s)
	return strings.ToUpper(string(r)) + s[n:]
}

// mmProps are properties measured in millimetres.
var mmProps = map[string]bool{
	"bottom_length": true, "stick_length": true, "ball_girth": true, "ball_width": true,
	"waist_girth": true, "instep_girth": true, "heel_girth": true, "heel_width": true,
	"heel_height": true, "toe_spring": true, "back_height": true, "base_size": true,
	"lasting_allowance": true, "lap_allowance": true, "fold_allowance": true,
	"seam_allowance": true, "stitch_margin": true, "double_row_gauge": true,
	"insole_thickness": true, "thickness": true, "size": true, "width": true,
}

// formatValue shows a property value (canonical CBOR) for people: numbers
// with their unit, strings quoted, paths by their segments, lists by their
// length. Bytes that do not decode say so rather than fail.
func formatValue(tr *Translator, prop string, b []byte) string {
	if b == nil {
		return "—"
	}
	var v any
	if err := models.DecodeCanonical(b, &v); err != nil {
		return tr.L("value.unreadable")
	}
	s := formatAny(tr, v, 0)
	if mmProps[prop] {
		if _, ok := number(v); ok {
			s += " mm"
		}
	}
	if prop == "grain_angle" || prop == "angle" {
		s += "°"
	}
	return s
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case float32:
		return float64(n), true
	case uint64:
		return float64(n), true
	case int64:
		return float64(n), true
	}
	return 0, false
}

func formatNumber(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return fmt.Sprint(f)
	}
	return strconv.FormatFloat(math.Round(f*100)/100, 'f', -1, 64)
}

func formatAny(tr *Translator, v any, depth int) string {
	if n, ok := number(v); ok {
		return formatNumber(n)
	}
	switch x := v.(type) {
	case nil:
		return "—"
	case bool:
		if x {
			return tr.L("value.yes")
		}
		return tr.L("value.no")
	case []byte: // an image's file: its size, not megabytes of numbers
		return tr.L("value.bytes", map[string]any{"Count": len(x)})
	case string:
		r := []rune(x)
		if len(r) > 40 {
			x = string(r[:39]) + "…"
		}
		return "“" + x + "”"
	case []any:
		if p, ok := asPoint(x); ok {
			return p
		}
		if depth == 0 && len(x) <= 6 {
			parts := make([]string, len(x))
			for i, e := range x {
				parts[i] = formatAny(tr, e, depth+1)
			}
			return strings.Join(parts, ", ")
		}
		return tr.L("value.items", map[string]any{"Count": len(x)})
	case map[any]any:
		if pts, ok := x["p"].([]any); ok { // a Path
			segs := 0
			if len(pts) >= 4 {
				segs = (len(pts) - 1) / 3
			}
			key := "value.path"
			if c, _ := x["c"].(bool); c {
				key = "value.closed_path"
			}
			return tr.L(key, map[string]any{"Count": segs})
		}
		if depth == 0 && len(x) <= 3 {
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, fmt.Sprint(k))
			}
			sort.Strings(keys)
			parts := make([]string, 0, len(keys))
			for _, k := range keys {
				parts = append(parts, k+": "+formatAny(tr, x[k], depth+1))
			}
			return strings.Join(parts, ", ")
		}
		return tr.L("value.entries", map[string]any{"Count": len(x)})
	}
	return fmt.Sprint(v)
}

// asPoint shows a two-number list as a point.
func asPoint(x []any) (string, bool) {
	if len(x) != 2 {
		return "", false
	}
	a, ok1 := number(x[0])
	b, ok2 := number(x[1])
	if !ok1 || !ok2 {
		return "", false
	}
	return "(" + formatNumber(a) + ", " + formatNumber(b) + ")", true
}

// changeLine is one row of the changes list.
type changeLine struct {
	Element models.ID
	Op      models.Op
	What    string // element name
	Prop    string // property label, "" for the whole element
	Old     string
	New     string
	Note    string // replaces "old → new" where that says nothing (a moved outline)
}

// pathMove describes a path whose points moved but kept their number
// ("outline of 13 segments, points moved up to 3 mm"); "" when the values
// are not two such paths.
func pathMove(tr *Translator, old, new []byte) string {
	var a, b models.Path
	if models.DecodeCanonical(old, &a) != nil || models.DecodeCanonical(new, &b) != nil ||
		len(a.Points) == 0 || len(a.Points) != len(b.Points) {
		return ""
	}
	moved := 0.0
	for i := range a.Points {
		moved = max(moved, math.Hypot(b.Points[i].X-a.Points[i].X, b.Points[i].Y-a.Points[i].Y))
	}
	return tr.L("value.path_moved", map[string]any{"Shape": formatValue(tr, "", new), "Dist": formatNumber(moved)})
}

// describeChanges turns a diff into rows for people, in element order.
func describeChanges(tr *Translator, changes []models.Change, names map[models.ID]string) []changeLine {
	out := make([]changeLine, 0, len(changes))
	for _, c := range changes {
		line := changeLine{Element: c.Element, Op: c.Op, What: elementName(names, tr, c.Element, c.Kind)}
		if c.Prop != "" {
			line.Prop = propLabel(tr, c.Prop)
			line.Old = formatValue(tr, c.Prop, c.Old)
			line.New = formatValue(tr, c.Prop, c.New)
			if c.Prop == models.KindProp {
				line.Old, line.New = string(c.Old), string(c.New)
			}
			if c.Op == models.OpChanged {
				line.Note = pathMove(tr, c.Old, c.New)
			}
		}
		out = append(out, line)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].What < out[j].What })
	return out
}
