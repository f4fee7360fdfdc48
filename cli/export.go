package cli

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"cordwain/models"
	"cordwain/models/store"
	"cordwain/packaging"
)

func init() {
	Register(Command{
		Name:    "export",
		Summary: "export a design's tech pack (pdf, png), cut files (dxf), BOM (csv) or the workshop zip",
		Run:     runExport,
	})
}

// exportArgs are the parsed flags of `cordwain export`.
type exportArgs struct {
	design, version, sizes, lang, format, out, pageSize string
	dpi                                                 float64
}

func runExport(env Env, args []string) error {
	var a exportArgs
	fs := NewFlagSet(env, "export")
	fs.StringVar(&a.design, "design", "", "design name or ID (required)")
	fs.StringVar(&a.version, "version", "", "version ID or unique prefix (default: the newest)")
	fs.StringVar(&a.sizes, "sizes", "", "sizes in mm, comma-separated (default: the design's size run)")
	fs.StringVar(&a.lang, "lang", "both", "label language: zh, en or both")
	fs.StringVar(&a.format, "format", "pdf", "pdf, png, dxf, csv or zip")
	fs.StringVar(&a.out, "o", "", "output file (png: a directory or a name with %d for the page)")
	fs.StringVar(&a.pageSize, "page", "A4", "paper: A4, A3 or Letter")
	fs.Float64Var(&a.dpi, "dpi", 150, "PNG resolution")
	if err := fs.Parse(args); err != nil {
		return &UsageError{Msg: err.Error()}
	}
	if a.design == "" {
		return Usagef("export: --design is required")
	}
	if a.out == "" {
		return Usagef("export: -o PATH is required")
	}
	opts := packaging.Options{Lang: packaging.Lang(a.lang), PageSize: packaging.PageSize(a.pageSize)}
	switch opts.Lang {
	case packaging.LangZH, packaging.LangEN, packaging.LangBoth:
	default:
		return Usagef("export: --lang %q: want zh, en or both", a.lang)
	}
	sizes, err := parseSizes(a.sizes)
	if err != nil {
		return Usagef("export: %v", err)
	}
	d, vid, hist, err := loadForExport(env, a.design, a.version)
	if err != nil {
		return err
	}
	for _, s := range sizes {
		if !containsSize(d.Meta.SizeRun, s) {
			return fmt.Errorf("export: size %g is not in the size run of %q (%s)", s, d.Meta.Name, joinFloats(d.Meta.SizeRun))
		}
	}
	opts.Sizes, opts.VersionID, opts.History = sizes, vid, hist

	// Build everything in memory first: on any error nothing is written.
	files := map[string][]byte{}
	var buf bytes.Buffer
	switch a.format {
	case "pdf":
		err = packaging.WritePDF(&buf, d, opts)
		files[a.out] = buf.Bytes()
	case "dxf":
		err = packaging.WriteDXF(&buf, d, opts)
		files[a.out] = buf.Bytes()
	case "csv":
		err = packaging.WriteBOMCSV(&buf, d, opts)
		files[a.out] = buf.Bytes()
	case "zip":
		err = packaging.WriteWorkshopPackage(&buf, d, opts)
		files[a.out] = buf.Bytes()
	case "png":
		var pages []*packaging.Page
		pages, err = packaging.Pages(d, opts)
		for i := 0; err == nil && i < len(pages); i++ {
			var b bytes.Buffer
			err = packaging.WritePagePNG(&b, pages, i, a.dpi)
			files[pngName(a.out, i+1, len(pages))] = b.Bytes()
		}
	default:
		return Usagef("export: --format %q: want pdf, png, dxf, csv or zip", a.format)
	}
	if err != nil {
		return fmt.Errorf("export %s: %w", a.format, err)
	}
	for name, data := range files {
		if dir := filepath.Dir(name); dir != "" {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return fmt.Errorf("export: %w", err)
			}
		}
		if err := writeFileAtomic(name, data); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		fmt.Fprintf(env.Stdout, "wrote %s (%d bytes)\n", name, len(data))
	}
	return nil
}

// pngName: "-o dir/" or an existing directory gets page-NN.png inside; a
// name with %d gets the page number; otherwise "-NN" goes before ".png".
func pngName(out string, n, total int) string {
	if strings.Contains(out, "%d") {
		return fmt.Sprintf(out, n)
	}
	if st, err := os.Stat(out); (err == nil && st.IsDir()) || strings.HasSuffix(out, string(os.PathSeparator)) || strings.HasSuffix(out, "/") {
		return filepath.Join(out, fmt.Sprintf("page-%02d.png", n))
	}
	if total == 1 {
		return out
	}
	return strings.TrimSuffix(out, ".png") + fmt.Sprintf("-%02d.png", n)
}

func parseSizes(s string) ([]float64, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var out []float64
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil {
			return nil, fmt.Errorf("--sizes: %q is not a size in mm", f)
		}
		out = append(out, v)
	}
	return out, nil
}

func containsSize(run []float64, s float64) bool {
	for _, v := range run {
		if v == s {
			return true
		}
	}
	return false
}

func joinFloats(v []float64) string {
	parts := make([]string, len(v))
	for i, f := range v {
		parts[i] = strconv.FormatFloat(f, 'g', -1, 64)
	}
	return strings.Join(parts, ",")
}

// errNoDesign reports an unknown design.
var errNoDesign = errors.New("no such design")

// loadForExport opens the studio (a fresh data directory gets the sample
// designs, as the app does) and finds the design and version, with its
// revision history for the tech pack.
func loadForExport(env Env, design, version string) (*models.Design, string, []packaging.HistoryEntry, error) {
	st, err := env.open(Read)
	if err != nil {
		return nil, "", nil, fmt.Errorf("export: %w", err)
	}
	defer st.Close()
	return designForExport(st.Store, design, version)
}

// designForExport reads a design (name, ID or style number) at a version
// (default the head of main, or the newest version when it has no main)
// from the store, and the history that leads to it.
func designForExport(st *store.Store, design, version string) (*models.Design, string, []packaging.HistoryEntry, error) {
	info, err := pickDesign(st, design)
	if err != nil {
		return nil, "", nil, fmt.Errorf("export: %w: %q: %w", errNoDesign, design, err)
	}
	var v *models.Version
	if version == "" {
		if v, err = st.Head(info.ID, store.DefaultBranch); errors.Is(err, store.ErrNotFound) {
			v, err = st.Version(info.Latest)
		}
	} else {
		v, err = st.ResolveVersion(info.ID, version)
	}
	if err != nil {
		return nil, "", nil, fmt.Errorf("export: version %q of %q: %w", version, design, err)
	}
	snap, err := st.Snapshot(v.ID)
	if err != nil {
		return nil, "", nil, fmt.Errorf("export: reading version %s: %w", v.ID, err)
	}
	d, err := models.DesignFromSnapshot(info.ID, snap)
	if err != nil {
		return nil, "", nil, fmt.Errorf("export: version %s: %w", v.ID, err)
	}
	return d, string(v.ID), HistoryFor(st, info.ID, v), nil
}

// HistoryFor is the revision history of a tech pack for version v of a
// design: the main branch's log (store.Log) up to v, oldest first; when v
// is not on main, every version of the design no newer than v.
func HistoryFor(st *store.Store, design models.ID, v *models.Version) []packaging.HistoryEntry {
	log, err := st.Log(design, "main")
	onMain := false
	for _, h := range log {
		onMain = onMain || h.ID == v.ID
	}
	if err != nil || !onMain {
		log = st.History(design)
	}
	return packaging.HistoryFromVersions(log, v)
}

// writeFileAtomic is packaging.WriteFileAtomic, which the other commands
// here use as well.
func writeFileAtomic(name string, data []byte) error { return packaging.WriteFileAtomic(name, data) }
