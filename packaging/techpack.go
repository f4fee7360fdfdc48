package packaging

import (
	"errors"
	"fmt"
	"image/color"
	"sort"
	"strconv"
	"strings"
	"time"

	"cordwain/canvas"
	"cordwain/canvas/paint"
	"cordwain/models"
)

// Lang selects the language of the tech pack's labels.
type Lang string

// Languages.
const (
	LangZH   Lang = "zh"
	LangEN   Lang = "en"
	LangBoth Lang = "both" // bilingual labels: "款号 Style No."
)

// PageSize names a paper size.
type PageSize string

// Paper sizes.
const (
	A4     PageSize = "A4"
	A3     PageSize = "A3"
	Letter PageSize = "Letter"
)

// dims returns the portrait width and height in mm.
func (s PageSize) dims() (w, h float64, err error) {
	switch s {
	case "", A4:
		return 210, 297, nil
	case A3:
		return 297, 420, nil
	case Letter:
		return 215.9, 279.4, nil
	}
	return 0, 0, fmt.Errorf("page size %q: want A4, A3 or Letter", string(s))
}

// HistoryEntry is one line of the revision history, supplied by the caller
// (from the store).
type HistoryEntry struct {
	VersionID string // short or full version ID
	Time      time.Time
	Author    string
	Message   string
}

// Options configure the tech pack and workshop package.
type Options struct {
	Lang     Lang     // default LangBoth
	PageSize PageSize // default A4
	// Sizes to grade and cut (foot length mm); default the design's size run.
	Sizes     []float64
	VersionID string // shown in the footer and on the cover (short form)
	History   []HistoryEntry
	// Colourway to show on the views; default the first.
	Colourway models.ID
	// Date on the cover; default the newest history entry, else none.
	Date time.Time
	// Request, when set, puts the sample request sheet for the shared
	// workshop first (the zip always has it, as its own PDF too).
	Request *SampleRequest
	// DPI is the resolution of PNG pages, 10-1200; default [PNGDPI].
	DPI float64
	// Unfold draws and cuts half patterns (pieces on the last's centre
	// line) as whole pieces, for cutting machines; by default they are
	// half pieces with a fold line, cut on the fold.
	Unfold bool
}

// ErrBadOptions is wrapped by errors about unusable options.
var ErrBadOptions = errors.New("bad tech pack options")

// shortID is the first 8 characters of a version ID.
func shortID(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
}

// normalise checks o against d and fills defaults.
func (o Options) normalise(d *models.Design) (Options, error) {
	if d == nil {
		return o, fmt.Errorf("%w: no design", ErrBadOptions)
	}
	switch o.Lang {
	case "":
		o.Lang = LangBoth
	case LangZH, LangEN, LangBoth:
	default:
		return o, fmt.Errorf("%w: language %q (want zh, en or both)", ErrBadOptions, string(o.Lang))
	}
	if err := checkRequest(d, o.Request); err != nil {
		return o, err
	}
	if o.DPI == 0 {
		o.DPI = PNGDPI
	}
	if !(o.DPI >= 10 && o.DPI <= 1200) {
		return o, fmt.Errorf("%w: %g dpi is outside 10-1200", ErrBadOptions, o.DPI)
	}
	for _, m := range d.Materials {
		// models.Validate does not know these two fields yet.
		if !(m.Waste >= 0 && m.Waste < 1) || !(m.RollWidth >= 0 && m.RollWidth < 1e5) {
			return o, fmt.Errorf("%w: material %q: cutting allowance %g (want 0 to under 1) or roll width %g mm", ErrBadOptions, m.Name, m.Waste, m.RollWidth)
		}
	}
	seen := map[float64]bool{}
	for _, s := range o.Sizes {
		if seen[s] {
			return o, fmt.Errorf("%w: size %g is listed twice", ErrBadOptions, s)
		}
		seen[s] = true
	}
	if _, _, err := o.PageSize.dims(); err != nil {
		return o, fmt.Errorf("%w: %w", ErrBadOptions, err)
	}
	if len(o.Sizes) == 0 {
		o.Sizes = append([]float64(nil), d.Meta.SizeRun...)
		if len(o.Sizes) == 0 && d.Meta.BaseSize > 0 {
			o.Sizes = []float64{d.Meta.BaseSize}
		}
	} else {
		o.Sizes = append([]float64(nil), o.Sizes...)
	}
	for _, s := range o.Sizes {
		if !(s >= 100 && s <= 400) {
			return o, fmt.Errorf("%w: size %g mm is outside 100-400", ErrBadOptions, s)
		}
	}
	sort.Float64s(o.Sizes)
	if o.Colourway != "" {
		found := false
		for _, c := range d.Colourways {
			found = found || c.ID == o.Colourway
		}
		if !found {
			return o, fmt.Errorf("%w: design has no colourway %q", ErrBadOptions, string(o.Colourway))
		}
	}
	if o.Date.IsZero() {
		for _, h := range o.History {
			if h.Time.After(o.Date) {
				o.Date = h.Time
			}
		}
	}
	return o, nil
}

// Page is one tech-pack page: its size and how to draw its body. The same
// Page draws onto any painter, so PDF, PNG and SVG pages match.
type Page struct {
	Title string
	W, H  float64 // mm
	body  func(p canvas.Painter)
	doc   *techPack
}

// techPack holds what every page needs.
type techPack struct {
	d      *models.Design
	o      Options
	pieces []pieceGeom // base size, in tech-pack order
	cw     *models.Colourway
	pages  []*Page
	// callouts are the piece numbers on the lateral and medial views.
	callouts map[canvas.View][]callout
	// aspect is height / width of the lateral and medial drawings.
	aspect map[canvas.View]float64
}

// Layout constants, mm and points.
const (
	marginL   = 14.0
	marginR   = 12.0
	marginT   = 12.0
	footerH   = 17.0 // the footer text sits 11 mm above the paper edge
	headerH   = 14.0
	bodySize  = 8.5 // pt
	smallSize = 7.0
	titleSize = 14.0
)

var (
	ink      = color.RGBA{20, 20, 24, 255}
	grey     = color.RGBA{110, 110, 118, 255}
	rule     = color.RGBA{170, 170, 178, 255}
	shade    = color.RGBA{236, 238, 242, 255}
	accent   = color.RGBA{176, 38, 38, 255}
	stitchCl = color.RGBA{30, 90, 200, 255}
)

// Pages lays out the tech pack of d. Drawing a page happens later, through
// [DrawPage], so the page count (for "n/N") is known first.
func Pages(d *models.Design, opts Options) ([]*Page, error) {
	o, err := opts.normalise(d)
	if err != nil {
		return nil, err
	}
	tp, err := newTechPack(d, o)
	if err != nil {
		return nil, err
	}
	if o.Request != nil {
		tp.requestPage()
	}
	tp.cover()
	tp.views()
	tp.piecePages()
	tp.patternPages()
	tp.bomPages()
	tp.colourwayPages()
	tp.sizePages()
	tp.constructionPages()
	tp.historyPages()
	return tp.pages, nil
}

// newTechPack works out what every page needs: the base-size pieces, the
// colourway, the call-outs.
func newTechPack(d *models.Design, o Options) (*techPack, error) {
	var err error
	tp := &techPack{d: d, o: o}
	base := d.Meta.BaseSize
	if !(base > 0) {
		base = 250
	}
	tp.pieces, err = piecesAt(d, base, o.Unfold)
	if err != nil {
		return nil, fmt.Errorf("tech pack: %w", err)
	}
	for i := range d.Colourways {
		if o.Colourway == "" || d.Colourways[i].ID == o.Colourway {
			tp.cw = &d.Colourways[i]
			break
		}
	}
	tp.callouts = map[canvas.View][]callout{}
	tp.aspect = map[canvas.View]float64{}
	for _, v := range []canvas.View{canvas.ViewLateral, canvas.ViewMedial} {
		tp.callouts[v] = tp.findCallouts(v)
	}
	return tp, nil
}

// tr picks the label for the language.
func (tp *techPack) tr(zh, en string) string {
	switch tp.o.Lang {
	case LangZH:
		return zh
	case LangEN:
		return en
	}
	return zh + " " + en
}

// sizeLabel names a size (foot length mm) in the design's size system, with
// the mm when that system is not CN: "EU 41 (255)".
func (tp *techPack) sizeLabel(foot float64) string {
	sys := tp.d.Meta.SizeSystem
	if sys == "" || sys == models.SizeCN {
		return fmtSize(foot)
	}
	return canvas.FormatDesignSizeDecimal(tp.d, foot) + " (" + fmtSize(foot) + ")"
}

// head is a table column header: bilingual headers put the English on its
// own line so narrow columns never break a word.
func (tp *techPack) head(zh, en string) string {
	if tp.o.Lang == LangBoth {
		return zh + "\n" + en
	}
	return tp.tr(zh, en)
}

// name gives a bilingual element name.
func (tp *techPack) name(en, zh string) string {
	switch {
	case zh == "":
		return en
	case en == "":
		return zh
	case tp.o.Lang == LangZH:
		return zh
	case tp.o.Lang == LangEN:
		return en
	}
	return zh + " " + en
}

func (tp *techPack) pageDims() (w, h float64) {
	w, h, _ = tp.o.PageSize.dims()
	return w, h
}

func (tp *techPack) add(title string, body func(p canvas.Painter)) {
	w, h := tp.pageDims()
	tp.pages = append(tp.pages, &Page{Title: title, W: w, H: h, body: body, doc: tp})
}

// bodyBox is the drawable area below the header and above the footer.
func (tp *techPack) bodyBox() (x, y, w, h float64) {
	pw, ph := tp.pageDims()
	return marginL, marginT + headerH, pw - marginL - marginR, ph - marginT - headerH - footerH
}

// DrawPage draws page n (0-based) of pages onto p: frame, header, body and
// footer "style no. · version · n/N".
func DrawPage(p canvas.Painter, pages []*Page, n int) error {
	if n < 0 || n >= len(pages) {
		return fmt.Errorf("drawing page %d: have %d pages", n+1, len(pages))
	}
	pg := pages[n]
	tp := pg.doc
	p.Push()
	defer p.Pop()
	p.SetFillColor(color.White)
	p.Fill(rectPath(0, 0, pg.W, pg.H))
	// Header.
	p.SetFillColor(ink)
	p.Text(pg.Title, marginL, marginT+6, titleSize, canvas.AlignLeft)
	m := tp.d.Meta
	// A QR code in the top right corner names the style, the exact
	// version and the page, so a printout can be matched to history.
	right := pg.W - marginR
	if tp.o.VersionID != "" {
		if err := drawQR(p, pageQRText(m.StyleNo, tp.o.VersionID, n+1, len(pages)), right-qrSize, marginT-1.5, qrSize); err == nil {
			right -= qrSize + 3
		}
	}
	p.SetFillColor(grey)
	p.Text(m.StyleNo+"  "+tp.name(m.Name, m.NameZH), right, marginT+6, bodySize, canvas.AlignRight)
	p.SetStrokeColor(ink)
	p.SetLineWidth(0.4)
	p.SetDash()
	p.Stroke(linePath(marginL, marginT+9, right, marginT+9))
	// Body.
	p.Push()
	pg.body(p)
	p.Pop()
	// Footer.
	fy := pg.H - footerH + 4
	p.SetStrokeColor(rule)
	p.SetLineWidth(0.25)
	p.SetDash()
	p.Stroke(linePath(marginL, fy-3, pg.W-marginR, fy-3))
	p.SetFillColor(ink)
	left := tp.tr("款号", "Style No.") + ": " + m.StyleNo
	if tp.o.VersionID != "" {
		left += "    " + tp.tr("版本", "Version") + ": " + shortID(tp.o.VersionID)
	}
	p.Text(left, marginL, fy+1.5, smallSize, canvas.AlignLeft)
	p.Text(tp.tr("页", "Page")+" "+strconv.Itoa(n+1)+"/"+strconv.Itoa(len(pages)), pg.W-marginR, fy+1.5, smallSize, canvas.AlignRight)
	p.SetFillColor(grey)
	p.Text("Cordwain", pg.W/2, fy+1.5, smallSize, canvas.AlignCenter)
	return nil
}

// --- small drawing helpers ---

func rectPath(x, y, w, h float64) *canvas.Path {
	var p canvas.Path
	p.MoveTo(x, y)
	p.LineTo(x+w, y)
	p.LineTo(x+w, y+h)
	p.LineTo(x, y+h)
	p.Close()
	return &p
}

func linePath(x0, y0, x1, y1 float64) *canvas.Path {
	var p canvas.Path
	p.MoveTo(x0, y0)
	p.LineTo(x1, y1)
	return &p
}

func polyline(pts []models.Point, closed bool) *canvas.Path {
	var p canvas.Path
	for i, q := range pts {
		if i == 0 {
			p.MoveTo(q.X, q.Y)
		} else {
			p.LineTo(q.X, q.Y)
		}
	}
	if closed && len(pts) > 0 {
		p.Close()
	}
	return &p
}

// circlePath approximates a circle with four cubics.
func circlePath(cx, cy, r float64) *canvas.Path {
	const k = 0.5522847498
	var p canvas.Path
	p.MoveTo(cx+r, cy)
	p.CubicTo(cx+r, cy+k*r, cx+k*r, cy+r, cx, cy+r)
	p.CubicTo(cx-k*r, cy+r, cx-r, cy+k*r, cx-r, cy)
	p.CubicTo(cx-r, cy-k*r, cx-k*r, cy-r, cx, cy-r)
	p.CubicTo(cx+k*r, cy-r, cx+r, cy-k*r, cx+r, cy)
	p.Close()
	return &p
}

// parseHex reads "#RRGGBB" through canvas; bad input gives a neutral grey
// and false.
func parseHex(s string) (color.Color, bool) {
	if c, ok := canvas.ParseHex(s); ok {
		return c, true
	}
	return color.RGBA{200, 200, 200, 255}, false
}

// wrap breaks s into lines no wider than w mm at size pt: at spaces for
// Latin text, between any two CJK characters, and mid-word only when a word
// alone is too wide. Explicit newlines are kept.
func wrap(s string, w, size float64) []string {
	var out []string
	for _, para := range strings.Split(s, "\n") {
		out = append(out, wrapPara(para, w, size)...)
	}
	if len(out) == 0 {
		out = []string{""}
	}
	return out
}

func wrapPara(s string, w, size float64) []string {
	rs := []rune(s)
	var out []string
	for len(rs) > 0 {
		if paint.TextWidthMM(string(rs), size) <= w {
			out = append(out, string(rs))
			break
		}
		// Longest prefix that fits (binary search on width).
		lo, hi := 1, len(rs)
		for lo < hi {
			mid := (lo + hi + 1) / 2
			if paint.TextWidthMM(string(rs[:mid]), size) <= w {
				lo = mid
			} else {
				hi = mid - 1
			}
		}
		cut := lo
		// Prefer a break at a space or after a CJK character.
		for i := lo; i > 0; i-- {
			if rs[i] == ' ' || rs[i-1] >= 0x2E80 || rs[i] >= 0x2E80 {
				cut = i
				break
			}
		}
		out = append(out, strings.TrimRight(string(rs[:cut]), " "))
		rs = []rune(strings.TrimLeft(string(rs[cut:]), " "))
	}
	return out
}

// lineH is the line pitch for text of size pt, mm.
func lineH(size float64) float64 { return size * paint.MMPerPt * 1.35 }

// kv draws label/value rows from (x, y) in a column w wide and returns the
// y below them.
func (tp *techPack) kv(p canvas.Painter, x, y, w float64, rows [][2]string) float64 {
	lw := w * 0.38
	for _, r := range rows {
		lines := wrap(r[1], w-lw-2, bodySize)
		h := float64(len(lines))*lineH(bodySize) + 1.6
		p.SetStrokeColor(rule)
		p.SetLineWidth(0.15)
		p.SetDash()
		p.Stroke(linePath(x, y+h, x+w, y+h))
		p.SetFillColor(grey)
		p.Text(r[0], x, y+lineH(bodySize), smallSize, canvas.AlignLeft)
		p.SetFillColor(ink)
		for i, l := range lines {
			p.Text(l, x+lw, y+lineH(bodySize)*float64(i+1), bodySize, canvas.AlignLeft)
		}
		y += h
	}
	return y
}

// column of a table.
type column struct {
	head  string
	w     float64 // fraction of the table width
	align canvas.Align
	chip  bool // cell is "#RRGGBB|text": draw a colour chip
}

// tablePages lays rows out over as many pages as they need, repeating the
// header row; intro (if any) is drawn on the first page above the table and
// takes introH mm.
func (tp *techPack) tablePages(title string, cols []column, rows [][]string, introH float64, intro func(p canvas.Painter, x, y, w float64)) {
	bx, by, bw, bh := tp.bodyBox()
	const size = bodySize
	pad := 1.2
	cellW := func(i int) float64 { return cols[i].w * bw }
	rowLines := func(r []string) [][]string {
		ls := make([][]string, len(cols))
		for i := range cols {
			v := ""
			if i < len(r) {
				v = r[i]
			}
			if cols[i].chip {
				if _, t, ok := strings.Cut(v, "|"); ok {
					v = t
				}
				ls[i] = wrap(v, cellW(i)-2*pad-7, size)
			} else {
				ls[i] = wrap(v, cellW(i)-2*pad, size)
			}
		}
		return ls
	}
	heightOf := func(ls [][]string) float64 {
		n := 1
		for _, l := range ls {
			n = max(n, len(l))
		}
		return float64(n)*lineH(size) + 2*pad
	}
	headLines := make([]string, len(cols))
	for i, c := range cols {
		headLines[i] = c.head
	}
	headH := heightOf(rowLines(headLines))

	type placed struct {
		lines [][]string
		raw   []string
		h     float64
	}
	var pagesRows [][]placed
	var cur []placed
	avail := bh - introH - headH
	used := 0.0
	for _, r := range rows {
		ls := rowLines(r)
		h := heightOf(ls)
		if h > bh-headH { // a single huge row: clip its lines to one page
			maxLines := int((bh - headH - 2*pad) / lineH(size))
			for i := range ls {
				if len(ls[i]) > maxLines {
					ls[i] = append(ls[i][:maxLines-1], "…")
				}
			}
			h = heightOf(ls)
		}
		if used+h > avail && len(cur) > 0 {
			pagesRows = append(pagesRows, cur)
			cur, used, avail = nil, 0, bh-headH
		}
		cur = append(cur, placed{ls, r, h})
		used += h
	}
	pagesRows = append(pagesRows, cur)

	for pi, pr := range pagesRows {
		pi, pr := pi, pr
		t := title
		if pi > 0 {
			t += " " + tp.tr("(续)", "(cont.)")
		}
		tp.add(t, func(p canvas.Painter) {
			y := by
			if pi == 0 && intro != nil {
				intro(p, bx, y, bw)
				y += introH
			}
			drawRow := func(ls [][]string, raw []string, h float64, head bool, odd bool) {
				if head {
					p.SetFillColor(shade)
					p.Fill(rectPath(bx, y, bw, h))
				}
				x := bx
				for i, c := range cols {
					cw := cellW(i)
					tx := x + pad
					if c.chip && !head && i < len(raw) {
						if hex, _, ok := strings.Cut(raw[i], "|"); ok {
							col, _ := parseHex(hex)
							p.SetFillColor(col)
							p.Fill(rectPath(x+pad, y+pad, 5, lineH(size)-0.6))
							p.SetStrokeColor(grey)
							p.SetLineWidth(0.15)
							p.Stroke(rectPath(x+pad, y+pad, 5, lineH(size)-0.6))
							tx += 7
						}
					}
					p.SetFillColor(ink)
					for li, l := range ls[i] {
						ly := y + pad + lineH(size)*float64(li+1) - 0.9
						switch c.align {
						case canvas.AlignRight:
							p.Text(l, x+cw-pad, ly, size, canvas.AlignRight)
						case canvas.AlignCenter:
							p.Text(l, x+cw/2, ly, size, canvas.AlignCenter)
						default:
							p.Text(l, tx, ly, size, canvas.AlignLeft)
						}
					}
					x += cw
				}
				y += h
				p.SetStrokeColor(rule)
				p.SetLineWidth(0.15)
				p.SetDash()
				p.Stroke(linePath(bx, y, bx+bw, y))
			}
			drawRow(rowLines(headLines), headLines, headH, true, false)
			for i, r := range pr {
				drawRow(r.lines, r.raw, r.h, false, i%2 == 1)
			}
			if len(pr) == 0 {
				p.SetFillColor(grey)
				p.Text(tp.tr("（无）", "(none)"), bx+pad, y+lineH(size)+pad, size, canvas.AlignLeft)
			}
		})
	}
}
