package packaging

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"cordwain/canvas"
	"cordwain/models"
)

// SampleRequest is what a studio asks of the shared sampling workshop
// (共享车间) on the one-page sample request sheet: which sizes and how
// many pairs, by when, and whom to call.
type SampleRequest struct {
	// Pairs maps a size (foot length mm) to the pairs wanted; empty means
	// one pair of the base size.
	Pairs   map[float64]int
	Due     time.Time // zero: "as agreed"
	Contact string    // name and phone or WeChat
	Notes   string
}

// pairs lists the sizes and pairs wanted, ascending.
func (r *SampleRequest) pairs(d *models.Design) ([]float64, map[float64]int) {
	want := map[float64]int{}
	if r != nil {
		for s, n := range r.Pairs {
			if n > 0 {
				want[s] = n
			}
		}
	}
	if len(want) == 0 {
		base := d.Meta.BaseSize
		if !(base > 0) && len(d.Meta.SizeRun) > 0 {
			base = d.Meta.SizeRun[0]
		}
		want[base] = 1
	}
	sizes := make([]float64, 0, len(want))
	for s := range want {
		sizes = append(sizes, s)
	}
	sort.Float64s(sizes)
	return sizes, want
}

// checkRequest refuses sizes outside the run and odd counts.
func checkRequest(d *models.Design, r *SampleRequest) error {
	if r == nil {
		return nil
	}
	for s, n := range r.Pairs {
		if n < 0 || n > 1000 {
			return fmt.Errorf("%w: sample request: %d pairs of size %g", ErrBadOptions, n, s)
		}
		found := false
		for _, v := range d.Meta.SizeRun {
			found = found || v == s
		}
		if !found {
			return fmt.Errorf("%w: sample request: size %g is not in the size run", ErrBadOptions, s)
		}
	}
	return nil
}

// requestPage adds the sample request sheet as a page.
func (tp *techPack) requestPage() {
	r := tp.o.Request
	tp.add(tp.tr("打样通知单", "Sample Request"), func(p canvas.Painter) {
		bx, by, bw, _ := tp.bodyBox()
		m := tp.d.Meta
		p.SetFillColor(ink)
		p.Text(tp.name(m.Name, m.NameZH), bx, by+8, 18, canvas.AlignLeft)
		p.SetFillColor(accent)
		p.Text(m.StyleNo, bx, by+15, 12, canvas.AlignLeft)
		due := tp.tr("按约定", "as agreed")
		contact, notes := "", ""
		if r != nil {
			if !r.Due.IsZero() {
				due = r.Due.Format("2006-01-02")
			}
			contact, notes = r.Contact, r.Notes
		}
		if contact == "" {
			contact = strings.TrimSpace(m.Designer + " · " + m.Studio)
		}
		date := ""
		if !tp.o.Date.IsZero() {
			date = tp.o.Date.UTC().Format("2006-01-02")
		}
		cwName := ""
		if tp.cw != nil {
			cwName = tp.name(tp.cw.Name, tp.cw.NameZH)
		}
		rows := [][2]string{
			{tp.tr("款号", "Style No."), m.StyleNo},
			{tp.tr("版本", "Version"), tp.o.VersionID},
			{tp.tr("日期", "Date"), date},
			{tp.tr("交期", "Due"), due},
			{tp.tr("联系人", "Contact"), contact},
			{tp.tr("配色", "Colourway"), cwName},
			{tp.tr("楦号", "Last"), tp.d.Last.Ref},
			{tp.tr("工艺", "Construction"), tp.enum(string(m.Construction))},
		}
		y := tp.kv(p, bx, by+22, bw, rows)
		// Sizes and pairs wanted.
		sizes, want := r.pairs(tp.d)
		y += 6
		p.SetFillColor(ink)
		p.Text(tp.tr("打样码数与双数", "Sizes and pairs wanted"), bx, y, bodySize+1, canvas.AlignLeft)
		y += 3
		total := 0
		cellW := math.Min(22, bw/float64(len(sizes)+1))
		for i, s := range sizes {
			x := bx + float64(i)*cellW
			p.SetStrokeColor(rule)
			p.SetLineWidth(0.2)
			p.SetDash()
			p.Stroke(rectPath(x, y, cellW, 12))
			p.SetFillColor(grey)
			p.Text(tp.sizeLabel(s), x+cellW/2, y+4.5, smallSize-0.5, canvas.AlignCenter)
			p.SetFillColor(ink)
			p.Text(strconv.Itoa(want[s])+" "+tp.tr("双", "pr"), x+cellW/2, y+10, bodySize, canvas.AlignCenter)
			total += want[s]
		}
		p.SetFillColor(ink)
		p.Text(tp.tr("合计", "Total")+" "+strconv.Itoa(total)+" "+tp.tr("双", "pairs"), bx+float64(len(sizes))*cellW+4, y+8, bodySize, canvas.AlignLeft)
		y += 20
		// Materials to pull for these pairs.
		p.SetFillColor(ink)
		p.Text(tp.tr("备料（按上列双数）", "Materials to pull (for the pairs above)"), bx, y, bodySize+1, canvas.AlignLeft)
		y += 2
		lines, err := BOM(tp.d, Options{Sizes: sizes, Colourway: tp.o.Colourway})
		var mrows [][2]string
		if err == nil {
			for _, l := range lines {
				if l.Unused {
					continue
				}
				q := 0.0
				for _, s := range sizes {
					q += l.PerSize[s] * float64(want[s])
				}
				mt := l.Material
				label := tp.name(mt.Name, mt.NameZH)
				if mt.Colour != "" {
					label += " · " + tp.enum(mt.Colour)
				}
				note := ""
				if l.Derived {
					note = " (" + tp.tr("含裁断损耗", "cutting allowance incl.") + ")"
				}
				mrows = append(mrows, [2]string{label, fmtQty(q) + " " + tp.enum(mt.Unit) + note + "  " + mt.Supplier})
			}
		}
		y = tp.kv(p, bx, y, bw, mrows)
		y += 6
		p.SetFillColor(ink)
		p.Text(tp.tr("随附", "Enclosed"), bx, y, bodySize+1, canvas.AlignLeft)
		y += 1
		enc := tp.tr("工艺单（本文件；各页另有 PNG，在 pages/）、1:1 纸样、DXF 裁断文件（每码每片一块，数量按每只鞋计）、基本码 DXF 与 ASTM D6673 放码规则 .rul（供纸样 CAD 放码）、LibreCAD 中文字体（fonts/）、物料清单 CSV、manifest.json 校验和。",
			"Tech pack (this file; its pages also as PNG in pages/), 1:1 patterns, DXF cut file (one block per piece and size, quantities per shoe), base-size DXF with ASTM D6673 grade rules .rul (for pattern CAD to regrade), LibreCAD's Chinese font (fonts/), BOM CSV, manifest.json checksums.")
		for _, l := range wrap(enc, bw, bodySize) {
			y += lineH(bodySize)
			p.Text(l, bx, y, bodySize, canvas.AlignLeft)
		}
		if notes != "" {
			y += 6
			p.Text(tp.tr("备注", "Notes"), bx, y, bodySize+1, canvas.AlignLeft)
			for _, l := range wrap(notes, bw, bodySize) {
				y += lineH(bodySize)
				p.Text(l, bx, y, bodySize, canvas.AlignLeft)
			}
		}
		// Sign-off boxes for the workshop.
		y += 10
		for i, lab := range []string{tp.tr("车间接收", "Received by workshop"), tp.tr("样鞋完成", "Sample finished"), tp.tr("设计确认", "Approved by designer")} {
			x := bx + float64(i)*bw/3
			p.SetStrokeColor(rule)
			p.SetLineWidth(0.2)
			p.Stroke(rectPath(x, y, bw/3-3, 16))
			p.SetFillColor(grey)
			p.Text(lab+" / "+tp.tr("日期", "date"), x+2, y+4, smallSize, canvas.AlignLeft)
		}
	})
}

// WriteSampleRequestPDF writes the one-page sample request sheet of d.
func WriteSampleRequestPDF(w io.Writer, d *models.Design, opts Options) error {
	o, err := opts.normalise(d)
	if err != nil {
		return err
	}
	tp, err := newTechPack(d, o)
	if err != nil {
		return err
	}
	tp.requestPage()
	return writePagesPDF(w, d, tp.pages)
}

// sampleRequestPDF is the sheet as bytes, for the zip.
func sampleRequestPDF(d *models.Design, o Options) ([]byte, error) {
	var buf bytes.Buffer
	if err := WriteSampleRequestPDF(&buf, d, o); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
