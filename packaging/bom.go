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
	// Derived is true when consumption comes from the cut areas of the
	// pieces in this material (times 1 + Waste); otherwise the figure was
	// typed in (Material.Consumption) and the tech pack says so.
	Derived bool
	// Waste is the cutting allowance a derived line adds, a fraction of
	// the net cut area; WasteDefault when it is the kind's default.
	Waste        float64
	WasteDefault bool
	// Unused marks a line to be derived that no piece is cut from in the
	// colourway.
	Unused bool
}

// defaultWaste is the cutting allowance of a material kind when the
// material states none (Material.Waste): hides lose more to flaws and
// nesting than roll goods. Stated on the BOM page and in the CSV.
func defaultWaste(kind string) float64 {
	switch strings.ToLower(kind) {
	case "leather":
		return 0.15
	case "textile", "synthetic":
		return 0.10
	}
	return 0.10
}

// isCountable reports whether a unit counts things (pairs, pieces): such
// lines are never graded into fractions.
func isCountable(unit string) bool {
	switch strings.ToLower(strings.TrimSpace(unit)) {
	case "pair", "pairs", "pr", "pcs", "pc", "piece", "pieces", "set", "sets", "双", "只", "个", "件":
		return true
	}
	return false
}

// isLength reports whether a unit is a length of roll goods.
func isLength(unit string) bool {
	switch strings.ToLower(strings.TrimSpace(unit)) {
	case "m", "metre", "meter", "yd", "yard":
		return true
	}
	return false
}

// unitLength is one length unit in mm.
func unitLength(unit string) float64 {
	switch strings.ToLower(strings.TrimSpace(unit)) {
	case "yd", "yard":
		return 914.4
	}
	return 1000
}

// BOM computes the bill of materials for the sizes and colourway of opts.
// A line whose Consumption is 0 is derived: the whole cut area (half
// patterns unfolded) of every piece cut from it in the colourway × pieces
// per shoe × 2 shoes × (1 + cutting allowance), in its area unit, or in
// metres of a roll of known width. A typed line (Consumption > 0) keeps its
// figure; size-specific area and length lines grade with the last, and
// counted lines (pair, pcs) stay whole.
func BOM(d *models.Design, opts Options) ([]BOMLine, error) {
	o, err := opts.normalise(d)
	if err != nil {
		return nil, err
	}
	var cw *models.Colourway
	for i := range d.Colourways {
		if o.Colourway == "" || d.Colourways[i].ID == o.Colourway {
			cw = &d.Colourways[i]
			break
		}
	}
	materialOf := func(pc models.Piece) models.ID {
		if cw != nil {
			if part, ok := cw.Parts[pc.ID]; ok && part.Material != "" {
				return part.Material
			}
		}
		return pc.Material
	}
	type graded struct {
		fx, fy float64
		pieces []pieceGeom
	}
	bySize := make(map[float64]graded, len(o.Sizes))
	for _, s := range o.Sizes {
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
		area, length := isArea(m.Unit), isLength(m.Unit) && m.RollWidth > 0
		l.Derived = m.Consumption == 0 && (area || length)
		l.Waste, l.WasteDefault = m.Waste, m.Waste == 0
		if l.WasteDefault {
			l.Waste = defaultWaste(m.Kind)
		}
		used := false
		for _, s := range o.Sizes {
			fx, fy := bySize[s].fx, bySize[s].fy
			switch {
			case l.Derived:
				sum := 0.0
				for _, g := range bySize[s].pieces {
					if materialOf(g.piece) != m.ID {
						continue
					}
					used = true
					sum += g.fullArea * float64(perShoe(g.piece)) * 2
				}
				sum *= 1 + l.Waste
				if area {
					l.PerSize[s] = sum / unitArea(m.Unit)
				} else {
					l.PerSize[s] = sum / m.RollWidth / unitLength(m.Unit)
				}
			case m.SizeSpecific && area:
				l.PerSize[s] = m.Consumption * fx * fy
			case m.SizeSpecific && !isCountable(m.Unit):
				l.PerSize[s] = m.Consumption * fx
			default:
				l.PerSize[s] = m.Consumption
			}
		}
		l.Unused = l.Derived && !used
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

// perCarton is a line's consumption for one carton: per pair at each size
// times the pairs of that size in the carton assortment.
func perCarton(d *models.Design, l BOMLine, sizes []float64) float64 {
	sum := 0.0
	for _, s := range sizes {
		sum += l.PerSize[s] * float64(d.Meta.PairsPerCarton[fmtSize(s)])
	}
	return sum
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
	lines, err := BOM(d, o)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return fmt.Errorf("writing BOM CSV: %w", err)
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true // what Excel writes and expects
	head := []string{"No.", "Material", "材料", "Kind", "Supplier", "Colour", "Pantone", "Finish", "Thickness mm", "Unit",
		"Source", "Derived from pieces", "Cutting allowance %"}
	for _, s := range o.Sizes {
		head = append(head, "Per pair "+fmtSize(s))
	}
	head = append(head, "Per carton")
	_ = cw.Write(head)
	for i, l := range lines {
		m := l.Material
		source, waste := "typed", ""
		switch {
		case l.Unused:
			source = "derived: no piece cut from it in this colourway"
		case l.Derived:
			source = "derived: cut area × (1 + allowance)"
			if isLength(m.Unit) {
				source += " ÷ roll width " + fmtQty(m.RollWidth) + " mm"
			}
		}
		if l.Derived {
			waste = fmtQty(l.Waste * 100)
			if l.WasteDefault {
				waste += " (default for " + m.Kind + ")"
			}
		}
		row := []string{strconv.Itoa(i + 1), m.Name, m.NameZH, m.Kind, m.Supplier, m.Colour, m.Pantone, m.Finish, fmtQty(m.Thickness), m.Unit,
			source, strconv.FormatBool(l.Derived), waste}
		for _, s := range o.Sizes {
			row = append(row, fmtQty(l.PerSize[s]))
		}
		row = append(row, fmtQty(perCarton(d, l, o.Sizes)))
		_ = cw.Write(row)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("writing BOM CSV: %w", err)
	}
	return nil
}

func (tp *techPack) bomPages() {
	lines, err := BOM(tp.d, tp.o)
	if err != nil { // pieces were checked already; keep the page honest
		lines = nil
	}
	base := tp.d.Meta.BaseSize
	cols := []column{
		{head: "#", w: 0.03},
		{head: tp.head("材料", "Material"), w: 0.19},
		{head: tp.head("供应商", "Supplier"), w: 0.13},
		{head: tp.head("颜色 / 潘通", "Colour / Pantone"), w: 0.14},
		{head: tp.head("厚度", "mm"), w: 0.05, align: canvas.AlignRight},
		{head: tp.head("单位", "Unit"), w: 0.05},
		{head: tp.head("来源", "Source"), w: 0.11},
		{head: tp.head("用量/双", "Pair") + " " + fmtSize(base), w: 0.08, align: canvas.AlignRight},
		{head: tp.head("分码用量/双", "Per pair by size"), w: 0.14},
		{head: tp.head("每箱", "Carton"), w: 0.08, align: canvas.AlignRight},
	}
	var rows [][]string
	for i, l := range lines {
		m := l.Material
		per := ""
		if l.Derived || (m.SizeSpecific && !isCountable(m.Unit)) {
			var ls []string
			for _, s := range tp.o.Sizes {
				ls = append(ls, fmtSize(s)+": "+fmtQty(l.PerSize[s]))
			}
			per = strings.Join(ls, "\n")
		} else {
			per = tp.tr("各码相同", "same for all sizes")
			if m.SizeSpecific {
				per = tp.tr("各码相同（分码配件）", "same count; sized part")
			}
		}
		baseQty := l.PerSize[base]
		if _, ok := l.PerSize[base]; !ok {
			baseQty = m.Consumption
			if l.Derived {
				baseQty = math.NaN()
			}
		}
		carton := fmtQty(perCarton(tp.d, l, tp.o.Sizes))
		if l.Unused {
			per, baseQty, carton = tp.tr("此配色不用", "not in this colourway"), math.NaN(), ""
		}
		mat := tp.name(m.Name, m.NameZH)
		if m.Kind != "" {
			mat += " (" + tp.enum(m.Kind) + ")"
		}
		col := tp.enum(m.Colour)
		if m.Pantone != "" {
			col += " / " + m.Pantone
		}
		if m.Finish != "" {
			col += " / " + tp.enum(m.Finish)
		}
		thk := ""
		if m.Thickness > 0 {
			thk = fmtQty(m.Thickness)
		}
		source := tp.tr("手填", "typed")
		switch {
		case l.Unused:
			source = tp.tr("裁片面积", "cut area")
		case l.Derived:
			pct := fmtQty(l.Waste*100) + "%"
			if l.WasteDefault {
				pct += tp.tr("（默认）", " (default)")
			}
			source = tp.tr("裁片面积 + ", "cut area + ") + pct
			if isLength(m.Unit) {
				source += tp.tr(" ÷ 幅宽 ", " ÷ roll width ") + fmtQty(m.RollWidth) + " mm"
			}
		}
		rows = append(rows, []string{strconv.Itoa(i + 1), mat, m.Supplier, col, thk, tp.enum(m.Unit), source, fmtQty(baseQty), per, carton})
	}
	_, _, bw, _ := tp.bodyBox()
	notes := []string{
		tp.tr("派生用量 = 整片裁片面积（对折样展开）× 每只片数 × 2 × (1 + 裁断损耗)，按该配色的材料计；以米计的卷料再除以幅宽；手填用量照录。",
			"Derived lines: whole cut-piece area (half patterns unfolded) × pieces per shoe × 2 × (1 + cutting allowance), by the colourway's materials; roll goods in metres divided by the roll width; typed lines as entered."),
		tp.tr("每箱 = 各码每双用量 × 配码双数之和。默认裁断损耗：皮革 15%，纺织、合成 10%。",
			"Carton = per-pair figure × pairs of each size in the carton, summed. Default cutting allowance: leather 15%, textile and synthetic 10%."),
	}
	var noteLines []string
	for _, n := range notes {
		noteLines = append(noteLines, wrap(n, bw, smallSize)...)
	}
	introH := float64(len(noteLines))*lineH(smallSize) + 4
	tp.tablePages(tp.tr("物料清单", "Bill of Materials"), cols, rows, introH, func(p canvas.Painter, x, y, w float64) {
		p.SetFillColor(grey)
		for i, l := range noteLines {
			p.Text(l, x, y+3+float64(i)*lineH(smallSize), smallSize, canvas.AlignLeft)
		}
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
				txt := tp.enum(part.Colour)
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
			// The rows step by the size run, not by one size of the grading
			// system: say how girth follows length between any two rows.
			tp.tr(fmt.Sprintf("表中各行按码段间距放码：楦长每 +1 mm，跖围 +%s mm。", fmtQty(r.Girth/r.Length)),
				fmt.Sprintf("Rows follow the size run's steps, in proportion: +%s mm ball girth per 1 mm of last length.", fmtQty(r.Girth/r.Length))),
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
		{tp.tr("工艺", "Construction"), tp.enum(string(m.Construction))},
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
