package cli

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"cordwain/models"
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
	unfold, request                                     bool
	due, contact, pairs, notes                          string
}

func runExport(env Env, args []string) error {
	var a exportArgs
	fs := NewFlagSet(env, "export")
	fs.StringVar(&a.design, "design", "", "design name, ID or style number (required)")
	fs.StringVar(&a.version, "version", "", "version ID or unique prefix (default: the head of main)")
	fs.StringVar(&a.sizes, "sizes", "", "sizes in mm, comma-separated (default: the design's size run)")
	fs.StringVar(&a.lang, "lang", "both", "label language: zh, en or both")
	fs.StringVar(&a.format, "format", "pdf", "pdf, png, dxf, csv, zip or request (the sample request sheet)")
	fs.StringVar(&a.out, "o", "", "output file or existing directory (png: NAME-01.png …, or a name with %d for the page)")
	fs.StringVar(&a.pageSize, "page", "A4", "paper: A4, A3 or Letter")
	fs.Float64Var(&a.dpi, "dpi", packaging.PNGDPI, "PNG resolution (png, and the pages in the zip)")
	fs.BoolVar(&a.unfold, "unfold", false, "cut half patterns as whole pieces (for cutting machines) instead of on the fold")
	fs.BoolVar(&a.request, "request", false, "put the sample request sheet first in the tech pack (the zip always has it)")
	fs.StringVar(&a.pairs, "pairs", "", "sample request: SIZE:PAIRS,… (default one pair of the base size)")
	fs.StringVar(&a.due, "due", "", "sample request: due date, YYYY-MM-DD")
	fs.StringVar(&a.contact, "contact", "", "sample request: contact name and phone (default the designer)")
	fs.StringVar(&a.notes, "notes", "", "sample request: notes for the workshop")
	if err := fs.Parse(args); err != nil {
		return &UsageError{Msg: err.Error()}
	}
	if a.design == "" {
		return Usagef("export: --design is required")
	}
	if a.out == "" {
		return Usagef("export: -o PATH is required")
	}
	a.out = env.Path(a.out) // relative to the caller's directory when handed over
	opts := packaging.Options{Lang: packaging.Lang(a.lang), PageSize: packaging.PageSize(a.pageSize), DPI: a.dpi, Unfold: a.unfold}
	switch opts.Lang {
	case packaging.LangZH, packaging.LangEN, packaging.LangBoth:
	default:
		return Usagef("export: --lang %q: want zh, en or both", a.lang)
	}
	format := packaging.Format(a.format)
	if !slices.Contains(packaging.Formats, format) {
		return Usagef("export: --format %q: want pdf, png, dxf, csv, zip or request", a.format)
	}
	req, err := parseRequest(a)
	if err != nil {
		return Usagef("export: %v", err)
	}
	if req != nil || a.request || format == packaging.FormatRequest || format == packaging.FormatZip {
		if req == nil {
			req = &packaging.SampleRequest{}
		}
		opts.Request = req
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
		if !slices.Contains(d.Meta.SizeRun, s) {
			return fmt.Errorf("export: size %g is not in the size run of %q (%s)", s, d.Meta.Name, joinFloats(d.Meta.SizeRun))
		}
	}
	opts.Sizes, opts.VersionID, opts.History = sizes, vid, hist
	files, err := packaging.Export(packaging.ExportRequest{Design: d, Format: format, Options: opts, Path: a.out}, nil)
	if err != nil {
		return err
	}
	for _, name := range files {
		st, err := os.Stat(name)
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
		fmt.Fprintf(env.Stdout, "wrote %s (%d bytes)\n", name, st.Size())
	}
	return nil
}

// parseRequest reads the sample request flags; nil when none is given.
func parseRequest(a exportArgs) (*packaging.SampleRequest, error) {
	if a.pairs == "" && a.due == "" && a.contact == "" && a.notes == "" {
		return nil, nil
	}
	r := &packaging.SampleRequest{Contact: strings.TrimSpace(a.contact), Notes: strings.TrimSpace(a.notes)}
	if a.due != "" {
		t, err := time.Parse("2006-01-02", strings.TrimSpace(a.due))
		if err != nil {
			return nil, fmt.Errorf("--due %q: want YYYY-MM-DD", a.due)
		}
		r.Due = t
	}
	if a.pairs != "" {
		r.Pairs = map[float64]int{}
		for _, f := range strings.Split(a.pairs, ",") {
			size, n, ok := strings.Cut(strings.TrimSpace(f), ":")
			s, err1 := strconv.ParseFloat(size, 64)
			p, err2 := strconv.Atoi(n)
			if !ok || err1 != nil || err2 != nil || p < 1 {
				return nil, fmt.Errorf("--pairs: %q is not SIZE:PAIRS", f)
			}
			if _, dup := r.Pairs[s]; dup {
				return nil, fmt.Errorf("--pairs: size %g is listed twice", s)
			}
			r.Pairs[s] = p
		}
	}
	return r, nil
}

// parseSizes reads --sizes: mm, comma-separated, each once.
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
		if slices.Contains(out, v) {
			return nil, fmt.Errorf("--sizes: %g is listed twice", v)
		}
		out = append(out, v)
	}
	return out, nil
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

// loadForExport opens the studio and finds the design (name, ID or style
// number) and the version with its revision history, as the app's Export
// dialog does ([packaging.ExportVersion]).
func loadForExport(env Env, design, version string) (*models.Design, string, []packaging.HistoryEntry, error) {
	st, err := env.open(Read)
	if err != nil {
		return nil, "", nil, fmt.Errorf("export: %w", err)
	}
	defer st.Close()
	info, err := pickDesign(st.Store, design)
	if err != nil {
		return nil, "", nil, fmt.Errorf("export: %w: %q: %w", errNoDesign, design, err)
	}
	d, v, hist, err := packaging.ExportVersion(st.Store, info.ID, version)
	if err != nil {
		return nil, "", nil, fmt.Errorf("%w (design %q)", err, design)
	}
	return d, string(v.ID), hist, nil
}

// writeFileAtomic is packaging.WriteFileAtomic, which the other commands
// here use as well.
func writeFileAtomic(name string, data []byte) error { return packaging.WriteFileAtomic(name, data) }
