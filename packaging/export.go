package packaging

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"cordwain/canvas"
	"cordwain/models"
	"cordwain/models/store"
)

// The one export path: `cordwain export` and the app's Export dialog both
// build an [ExportRequest] and call [Export], and both find the version
// and its revision history with [ExportVersion], so file names, the
// version picked and the history on the last page never differ between
// them.

// Format is what an export writes.
type Format string

// Export formats.
const (
	FormatPDF Format = "pdf" // the whole tech pack
	FormatPNG Format = "png" // one PNG per page
	FormatDXF Format = "dxf" // cut files, every piece at every size
	FormatCSV Format = "csv" // bill of materials
	FormatZip Format = "zip" // the workshop package: all of it and a manifest
	// FormatRequest is the one-page sample request sheet for the shared
	// workshop, as a PDF.
	FormatRequest Format = "request"
)

// Formats lists the export formats in menu order.
var Formats = []Format{FormatPDF, FormatPNG, FormatDXF, FormatCSV, FormatZip, FormatRequest}

// ExportRequest is one export: the design, the format, the tech pack
// options and where to write.
type ExportRequest struct {
	Design  *models.Design
	Format  Format
	Options Options
	// Path is the file to write, or an existing directory (a name is made
	// from the style number). PNG pages go next to the path as
	// NAME-01.png, NAME-02.png … (a name with %d gets the page number; a
	// directory gets STYLE_page01.png …).
	Path string
}

// ErrNoDesign and ErrNoPath are what an incomplete request fails with.
var (
	ErrNoDesign = errors.New("export: no design")
	ErrNoPath   = errors.New("export: choose where to save")
)

// suffixes name the file of each format written into a directory.
var suffixes = map[Format]string{
	FormatPDF: "_techpack.pdf", FormatDXF: "_cut.dxf", FormatCSV: "_bom.csv", FormatZip: "_workshop.zip",
	FormatRequest: "_sample_request.pdf",
}

// Export builds req in memory and writes it, returning the files written
// in order. progress (may be nil) is called with 0…1 on the calling
// goroutine. On any error nothing is written; the design is never changed
// (the packaging works on a copy).
func Export(req ExportRequest, progress func(float64)) ([]string, error) {
	if progress == nil {
		progress = func(float64) {}
	}
	if req.Design == nil {
		return nil, ErrNoDesign
	}
	path := strings.TrimSpace(req.Path)
	if path == "" {
		return nil, ErrNoPath
	}
	d := canvas.CloneDesign(req.Design)
	o, err := req.Options.normalise(d)
	if err != nil {
		return nil, fmt.Errorf("export %s: %w", req.Format, err)
	}
	isDir := false
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		isDir = true
	}
	progress(0.05)
	type file struct {
		name string
		data []byte
	}
	var files []file
	write := map[Format]func(io.Writer, *models.Design, Options) error{
		FormatPDF: WritePDF, FormatDXF: WriteDXF, FormatCSV: WriteBOMCSV, FormatZip: WriteWorkshopPackage,
		FormatRequest: WriteSampleRequestPDF,
	}
	switch {
	case write[req.Format] != nil:
		var buf bytes.Buffer
		if err := write[req.Format](&buf, d, o); err != nil {
			return nil, fmt.Errorf("export %s: %w", req.Format, err)
		}
		name := path
		if isDir {
			name = filepath.Join(path, fileBase(d)+suffixes[req.Format])
		}
		files = append(files, file{name, buf.Bytes()})
	case req.Format == FormatPNG:
		pages, err := Pages(d, o)
		if err != nil {
			return nil, fmt.Errorf("export png: %w", err)
		}
		for i := range pages {
			var b bytes.Buffer
			if err := WritePagePNG(&b, pages, i, o.DPI); err != nil {
				return nil, fmt.Errorf("export png: %w", err)
			}
			files = append(files, file{pngName(path, isDir, fileBase(d), i+1, len(pages)), b.Bytes()})
			progress(0.05 + 0.8*float64(i+1)/float64(len(pages)))
		}
	default:
		return nil, fmt.Errorf("export: unknown format %q (want pdf, png, dxf, csv, zip or request)", req.Format)
	}
	progress(0.9)
	var names []string
	for _, f := range files {
		if dir := filepath.Dir(f.name); dir != "" {
			if err := os.MkdirAll(dir, 0o777); err != nil {
				return names, fmt.Errorf("export: %w", err)
			}
		}
		if err := WriteFileAtomic(f.name, f.data); err != nil {
			return names, fmt.Errorf("export: writing %s: %w", filepath.Base(f.name), err)
		}
		names = append(names, f.name)
	}
	progress(1)
	return names, nil
}

// pngName names page n of total: inside a directory STYLE_pageNN.png; a
// name with %d gets the page number; otherwise "-NN" goes before the
// extension (a single page keeps the name).
func pngName(out string, isDir bool, base string, n, total int) string {
	switch {
	case isDir || strings.HasSuffix(out, "/") || strings.HasSuffix(out, string(os.PathSeparator)):
		return filepath.Join(out, fmt.Sprintf("%s_page%02d.png", base, n))
	case strings.Contains(out, "%d"):
		return strings.Replace(out, "%d", fmt.Sprintf("%02d", n), 1)
	case total == 1:
		return out
	}
	return strings.TrimSuffix(out, filepath.Ext(out)) + fmt.Sprintf("-%02d.png", n)
}

// ExportVersion reads a design at a version for export: the version ID
// or unique prefix given, or by default the head of main (the newest
// version when the design has no main), and the revision history that
// leads to it: main's log up to it, or, for a version not on main, every
// version of the design no newer than it.
func ExportVersion(st *store.Store, design models.ID, version string) (*models.Design, *models.Version, []HistoryEntry, error) {
	var v *models.Version
	var err error
	if version == "" {
		if v, err = st.Head(design, store.DefaultBranch); errors.Is(err, store.ErrNotFound) {
			var info store.DesignInfo
			if info, err = st.Design(design); err == nil {
				v, err = st.Version(info.Latest)
			}
		}
	} else {
		v, err = st.ResolveVersion(design, version)
	}
	if err != nil {
		return nil, nil, nil, fmt.Errorf("export: version %q: %w", version, err)
	}
	snap, err := st.Snapshot(v.ID)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("export: reading version %s: %w", v.ID, err)
	}
	d, err := models.DesignFromSnapshot(design, snap)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("export: version %s: %w", v.ID, err)
	}
	log, err := st.Log(design, store.DefaultBranch)
	onMain := false
	for _, h := range log {
		onMain = onMain || h.ID == v.ID
	}
	if err != nil || !onMain {
		log = st.History(design)
	}
	return d, v, HistoryFromVersions(log, v), nil
}
