package packaging

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"cordwain/canvas"
	"cordwain/models"
)

// BOMLine is one material with its consumption per pair for each size.
type BOMLine struct {
	Material models.Material
	// PerSize maps each size (mm) to consumption per pair in Material.Unit.
	PerSize map[float64]float64
	// Derived is true when consumption comes from piece areas (net cut
	// area, no cutting loss added).
	Derived bool
}

// BOM computes the bill of materials for the sizes. Lines whose
// Consumption is 0 and whose unit is an area (dm2, m2) are derived from the
// cut areas of the pieces in that material × quantity × 2 shoes; other
// size-specific lines grade with the area (area units) or length factor.
func BOM(d *models.Design, sizes []float64) ([]BOMLine, error) {
	type graded struct {
		fx, fy float64
		pieces []pieceGeom
	}
	bySize := make(map[float64]graded, len(sizes))
	for _, s := range sizes {
		g := graded{fx: 1, fy: 1}
		if d.Meta.BaseSize > 0 && s != d.Meta.BaseSize {
			f, _, err := canvas.DesignGradeFactors(d, s)
			if err != nil {
				return nil, fmt.Errorf("bill of materials: %w", err)
			}
			g.fx, g.fy = f.X, f.Y
		}
		if len(d.Materials) > 0 {
			ps, err := piecesAt(d, s, false)
			if err != nil {
				return nil, fmt.Errorf("bill of materials: %w", err)
			}
			g.pieces = ps
		}
		bySize[s] = g
	}
	var out []BOMLine
	for _, m := range d.Materials {
		l := BOMLine{Material: m, PerSize: map[float64]float64{}}
		area := isArea(m.Unit)
		for _, s := range sizes {
			fx, fy := bySize[s].fx, bySize[s].fy
			switch {
			case m.Consumption == 0 && area:
				l.Derived = true
				sum := 0.0
				for _, g := range bySize[s].pieces {
					if g.piece.Material != m.ID {
						continue
					}
					sum += g.area * float64(max(g.piece.Quantity, 1)) * 2
				}
				l.PerSize[s] = sum / unitArea(m.Unit)
			case m.SizeSpecific && area:
				l.PerSize[s] = m.Consumption * fx * fy
			case m.SizeSpecific:
				l.PerSize[s] = m.Consumption * fx
			default:
				l.PerSize[s] = m.Consumption
			}
		}
		out = append(out, l)
	}
	return out, nil
}

func isArea(unit string) bool {
	u := strings.ToLower(unit)
	return u == "dm2" || u == "m2" || u == "dm²" || u == "m²" || u == "sqft" || u == "ft2"
}

// unitArea is the area of one unit in mm².
func unitArea(unit string) float64 {
	switch strings.ToLower(unit) {
	case "m2", "m²":
		return 1e6
	case "sqft", "ft2":
		return 92903.04
	}
	return 1e4 // dm²
}

func fmtQty(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return ""
	}
	return strconv.FormatFloat(math.Round(v*1000)/1000, 'f', -1, 64)
}

// WriteBOMCSV writes the BOM as CSV in UTF-8 with a byte-order mark, so
// Excel opens the Chinese names intact: one row per material, one column
// of consumption per pair per size.
func WriteBOMCSV(w io.Writer, d *models.Design, opts Options) error {
	o, err := opts.normalise(d)
	if err != nil {
		return err
	}
	lines, err := BOM(d, o.Sizes)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return fmt.Errorf("writing BOM CSV: %w", err)
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true // what Excel writes and expects
	head := []string{"No.", "Material", "材料", "Kind", "Supplier", "Colour", "Pantone", "Finish", "Thickness mm", "Unit", "Derived from pieces"}
	for _, s := range o.Sizes {
		head = append(head, "Per pair "+fmtSize(s))
	}
	_ = cw.Write(head)
	for i, l := range lines {
		m := l.Material
		row := []string{strconv.Itoa(i + 1), m.Name, m.NameZH, m.Kind, m.Supplier, m.Colour, m.Pantone, m.Finish, fmtQty(m.Thickness), m.Unit, strconv.FormatBool(l.Derived)}
		for _, s := range o.Sizes {
			row = append(row, fmtQty(l.PerSize[s]))
		}
		_ = cw.Write(row)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("writing BOM CSV: %w", err)
	}
	return nil
}

func (tp *techPack) bomPages() {
	lines, err := BOM(tp.d, tp.o.Sizes)
	if err != nil { // pieces were checked already; keep the page honest
		lines = nil
	}
	base := tp.d.Meta.BaseSize
	cols := []column{
		{head: "#", w: 0.04},
		{head: tp.head("材料", "Material"), w: 0.2},
		{head: tp.head("供应商", "Supplier"), w: 0.15},
		{head: tp.head("颜色 / 潘通", "Colour / Pantone"), w: 0.16},
		{head: tp.head("厚度", "mm"), w: 0.06, align: canvas.AlignRight},
		{head: tp.head("单位", "Unit"), w: 0.06},
		{head: tp.head("用量/双", "Pair") + " " + fmtSize(base), w: 0.09, align: canvas.AlignRight},
		{head: tp.head("分码用量/双", "Per pair by size"), w: 0.24},
	}
	var rows [][]string
	for i, l := range lines {
		m := l.Material
		per := ""
		if m.SizeSpecific || l.Derived {
			var parts []string
			for _, s := range tp.o.Sizes {
				parts = append(parts, fmtSize(s)+": "+fmtQty(l.PerSize[s]))
			}
			// Two sizes a line: short rows, and no number split from its size.
			var ls []string
			for k := 0; k < len(parts); k += 2 {
				ls = append(ls, strings.Join(parts[k:min(k+2, len(parts))], "   "))
			}
			per = strings.Join(ls, "\n")
		} else {
			per = tp.tr("各码相同", "same for all sizes")
		}
		baseQty := l.PerSize[base]
		if _, ok := l.PerSize[base]; !ok {
			baseQty = m.Consumption
			if l.Derived {
				baseQty = math.NaN()
			}
		}
		mat := tp.name(m.Name, m.NameZH)
		if m.Kind != "" {
			mat += " (" + m.Kind + ")"
		}
		col := m.Colour
		if m.Pantone != "" {
			col += " / " + m.Pantone
		}
		if m.Finish != "" {
			col += " / " + m.Finish
		}
		thk := ""
		if m.Thickness > 0 {
			thk = fmtQty(m.Thickness)
		}
		rows = append(rows, []string{strconv.Itoa(i + 1), mat, m.Supplier, col, thk, m.Unit, fmtQty(baseQty), per})
	}
	tp.tablePages(tp.tr("物料清单", "Bill of Materials"), cols, rows, 8, func(p canvas.Painter, x, y, w float64) {
		p.SetFillColor(grey)
		p.Text(tp.tr("面积用量按部件净裁片面积计算，未含损耗。", "Area consumption derived from net cut-piece areas; cutting loss not included."), x, y+4, smallSize, canvas.AlignLeft)
	})
}

func (tp *techPack) colourwayPages() {
	cws := tp.d.Colourways
	const perTable = 4
	if len(cws) == 0 {
		tp.tablePages(tp.tr("配色", "Colourways"), []column{{head: tp.tr("部件", "Piece"), w: 1}}, nil, 0, nil)
		return
	}
	for start := 0; start < len(cws); start += perTable {
		chunk := cws[start:min(start+perTable, len(cws))]
		cols := []column{{head: tp.tr("部件", "Piece"), w: 0.24}}
		for _, cw := range chunk {
			cols = append(cols, column{head: tp.name(cw.Name, cw.NameZH), w: 0.76 / float64(len(chunk)), chip: true})
		}
		var rows [][]string
		for _, pc := range sortedPieces(tp.d) {
			row := []string{tp.name(pc.Name, pc.NameZH)}
			for _, cw := range chunk {
				part, ok := cw.Parts[pc.ID]
				if !ok {
					row = append(row, "—")
					continue
				}
				txt := part.Colour
				mid := part.Material
				if mid == "" {
					mid = pc.Material
				}
				if mn := tp.materialName(mid); mn != "" {
					txt += " · " + mn
				}
				row = append(row, part.Hex+"|"+txt)
			}
			rows = append(rows, row)
		}
		tp.tablePages(tp.tr("配色", "Colourways"), cols, rows, 0, nil)
	}
}

func (tp *techPack) sizePages() {
	d := tp.d
	us := models.SizeUSMen
	if d.Meta.Gender == models.Women {
		us = models.SizeUSWomen
	}
	cols := []column{
		{head: tp.head("中国码 脚长", "CN foot mm"), w: 0.11, align: canvas.AlignRight},
		{head: tp.head("楦底样长", "Last length mm"), w: 0.12, align: canvas.AlignRight},
		{head: "EU", w: 0.07, align: canvas.AlignRight},
		{head: "UK", w: 0.07, align: canvas.AlignRight},
		{head: string(us), w: 0.07, align: canvas.AlignRight},
		{head: tp.head("跖围", "Ball girth mm"), w: 0.12, align: canvas.AlignRight},
		{head: tp.head("长度系数", "Length factor"), w: 0.12, align: canvas.AlignRight},
		{head: tp.head("围度系数", "Girth factor"), w: 0.12, align: canvas.AlignRight},
		{head: tp.head("配码", "Pairs / carton"), w: 0.2, align: canvas.AlignRight},
	}
	var rows [][]string
	total := 0
	for _, s := range tp.o.Sizes {
		f, l := canvas.GradeFactors{X: 1, Y: 1}, d.Last
		if d.Meta.BaseSize > 0 {
			if gf, gl, err := canvas.DesignGradeFactors(d, s); err == nil {
				f, l = gf, gl
			}
		}
		pairs := d.Meta.PairsPerCarton[fmtSize(s)]
		total += pairs
		mark := ""
		if s == d.Meta.BaseSize {
			mark = " *"
		}
		rows = append(rows, []string{fmtSize(s) + mark, fmtQty(math.Round(l.BottomLength*10) / 10),
			sizeIn(d, models.SizeEU, s), sizeIn(d, models.SizeUK, s), sizeIn(d, us, s),
			fmtQty(math.Round(l.BallGirth*10) / 10), fmtQty(f.X), fmtQty(f.Y), strconv.Itoa(pairs)})
	}
	rows = append(rows, []string{tp.tr("合计", "Total"), "", "", "", "", "", "", "", strconv.Itoa(total)})
	sys := d.Meta.SizeSystem
	if sys == "" {
		sys = models.SizeCN
	}
	r := canvas.RuleFor(sys)
	baseLabel := tp.sizeLabel(d.Meta.BaseSize)
	if sys == models.SizeCN {
		baseLabel += " mm"
	}
	tp.tablePages(tp.tr("码段与放码", "Size Run & Grading"), cols, rows, 34, func(p canvas.Painter, x, y, w float64) {
		p.SetFillColor(ink)
		notes := []string{
			tp.tr("* 基本码（放码中心）", "* base size (grade centre)") + ": " + baseLabel + " · " + tp.tr("楦号", "last") + " " + d.Last.Ref,
			tp.tr("中国码 = 脚长 mm (GB/T 43293-2022)。楦底样长 L 为该码放码后的楦长，EU、UK、US 均由 L 换算：EU = L/6.667，UK = L/8.467 − 25，"+string(us)+" = L/8.467 − "+usOffset(us)+"，取最近的半码。",
				"CN = foot length mm (GB/T 43293-2022). Last length L is this size's graded last; EU, UK and US all come from L: EU = L/6.667, UK = L/8.467 − 25, "+string(us)+" = L/8.467 − "+usOffset(us)+", to the nearest half size."),
			tp.tr(fmt.Sprintf("放码（%s 码制）：以后跟点为中心，每码长度 +%s mm、跖围 +%s mm；鞋跟高、翘度不变。", string(sys), fmtQty(r.Length), fmtQty(r.Girth)),
				fmt.Sprintf("Grading (%s system) about the heel point: per size +%s mm length, +%s mm ball girth; heel height and toe spring held constant.", string(sys), fmtQty(r.Length), fmtQty(r.Girth))),
		}
		ly := y + 4
		for _, n := range notes {
			for _, l := range wrap(n, w, smallSize) {
				p.Text(l, x, ly, smallSize, canvas.AlignLeft)
				ly += lineH(smallSize)
			}
			ly += 1
		}
	})
}

func (tp *techPack) constructionPages() {
	m := tp.d.Meta
	stitch := ""
	if sl, err := canvas.StitchLength(m.SPI); err == nil {
		stitch = fmt.Sprintf("%s SPI · %s mm · %s %s", fmtQty(m.SPI), fmtQty(sl), fmtQty(m.SPI/2.54), tp.tr("针/厘米", "st/cm"))
	}
	mmv := func(v float64) string {
		if v == 0 {
			return "—"
		}
		return fmtQty(v) + " mm"
	}
	rows := [][]string{
		{tp.tr("工艺", "Construction"), string(m.Construction)},
		{tp.tr("针距", "Stitch density"), stitch},
		{tp.tr("线", "Thread"), m.Thread},
		{tp.tr("绷帮量", "Lasting allowance"), mmv(m.LastingAllowance)},
		{tp.tr("压茬量", "Lap allowance"), mmv(m.LapAllowance)},
		{tp.tr("折边量", "Fold allowance"), mmv(m.FoldAllowance)},
		{tp.tr("合缝量", "Seam allowance"), mmv(m.SeamAllowance)},
		{tp.tr("边距", "Stitch margin"), mmv(m.StitchMargin)},
		{tp.tr("双线间距", "Double-row gauge"), mmv(m.DoubleRowGauge)},
		{tp.tr("大底硬度", "Outsole hardness"), m.OutsoleHardness},
		{tp.tr("中底厚度", "Insole thickness"), mmv(m.InsoleThickness)},
		{tp.tr("补强", "Reinforcements"), m.Reinforcements},
		{tp.tr("包装", "Packaging & labelling"), m.Packaging},
		{tp.tr("跟高", "Heel height"), mmv(tp.d.Last.HeelHeight)},
		{tp.tr("备注", "Notes"), m.Notes},
	}
	for _, g := range tp.pieces {
		rows = append(rows, []string{tp.name(g.piece.Name, g.piece.NameZH),
			fmt.Sprintf("%s %d · %s", tp.tr("车线行数", "stitch rows"), g.piece.StitchRows, tp.edgeSummary(g.piece))})
	}
	cols := []column{{head: tp.tr("项目", "Item"), w: 0.3}, {head: tp.tr("要求", "Specification"), w: 0.7}}
	tp.tablePages(tp.tr("工艺与车线", "Construction & Stitching"), cols, rows, 0, nil)
}

func (tp *techPack) historyPages() {
	cols := []column{
		{head: tp.tr("版本", "Version"), w: 0.13},
		{head: tp.tr("时间", "Time"), w: 0.2},
		{head: tp.tr("作者", "Author"), w: 0.2},
		{head: tp.tr("说明", "Message"), w: 0.47},
	}
	var rows [][]string
	for _, h := range tp.o.History {
		t := ""
		if !h.Time.IsZero() {
			t = h.Time.UTC().Format("2006-01-02 15:04 UTC")
		}
		rows = append(rows, []string{shortID(h.VersionID), t, h.Author, h.Message})
	}
	tp.tablePages(tp.tr("修订记录", "Revision History"), cols, rows, 0, nil)
}

// edgeSummary counts a piece's edges by allowance: "绷帮 ×3, 折边 ×5".
func (tp *techPack) edgeSummary(pc models.Piece) string {
	names := map[models.AllowanceKind][2]string{
		models.AllowLasting: {"绷帮", "lasting"}, models.AllowLap: {"压茬", "lap"},
		models.AllowFold: {"折边", "fold"}, models.AllowSeam: {"合缝", "seam"},
	}
	count := map[models.AllowanceKind]int{}
	var order []models.AllowanceKind
	for _, e := range pc.Edges {
		if _, ok := names[e]; !ok {
			continue // raw edges carry no allowance
		}
		if count[e] == 0 {
			order = append(order, e)
		}
		count[e]++
	}
	if len(order) == 0 {
		return tp.tr("无加放", "no allowances")
	}
	var parts []string
	for _, e := range order {
		n := names[e]
		parts = append(parts, fmt.Sprintf("%s ×%d", tp.tr(n[0], n[1]), count[e]))
	}
	return tp.tr("边：", "edges: ") + strings.Join(parts, ", ")
}

// usOffset is the barleycorn offset of a US system's formula.
func usOffset(us models.SizeSystem) string {
	if us == models.SizeUSWomen {
		return "22.5"
	}
	return "24"
}
