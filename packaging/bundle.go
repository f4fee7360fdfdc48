package packaging

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"cordwain/models"
)

// Manifest describes a workshop package: what design and version it is and
// the checksum of every file in it.
type Manifest struct {
	Design    ManifestDesign `json:"design"`
	VersionID string         `json:"version_id,omitempty"`
	Sizes     []float64      `json:"sizes"`
	PNGDPI    float64        `json:"png_dpi"`
	Lang      Lang           `json:"lang"`
	Files     []ManifestFile `json:"files"`
}

// ManifestDesign identifies the design.
type ManifestDesign struct {
	ID      models.ID `json:"id"`
	Name    string    `json:"name"`
	NameZH  string    `json:"name_zh,omitempty"`
	StyleNo string    `json:"style_no"`
}

// ManifestFile is one file of the package.
type ManifestFile struct {
	Name   string `json:"name"`
	Bytes  int    `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// PNGDPI is the default resolution of PNG pages ([Options.DPI]).
const PNGDPI = 150

// File is one file of the workshop package.
type File struct {
	Name string // slash-separated path inside the zip
	Data []byte
}

// WorkshopFiles builds every file of the workshop package in memory: the
// tech pack PDF (the sample request sheet first), the sheet as its own
// PDF, one PNG per page, the DXF cut files with LibreCAD's font for them
// (fonts/), the BOM CSV and manifest.json (last) with the SHA-256 of the
// others.
func WorkshopFiles(d *models.Design, opts Options) ([]File, error) {
	o, err := opts.normalise(d)
	if err != nil {
		return nil, err
	}
	if o.Request == nil {
		o.Request = &SampleRequest{} // one pair of the base size, due as agreed
	}
	pages, err := Pages(d, o)
	if err != nil {
		return nil, err
	}
	base := fileBase(d)
	var files []File
	var buf bytes.Buffer
	if err := writePagesPDF(&buf, d, pages); err != nil {
		return nil, err
	}
	files = append(files, File{Name: base + "_techpack.pdf", Data: bytes.Clone(buf.Bytes())})
	req, err := sampleRequestPDF(d, o)
	if err != nil {
		return nil, err
	}
	files = append(files, File{Name: base + "_sample_request.pdf", Data: req})
	for i := range pages {
		buf.Reset()
		if err := WritePagePNG(&buf, pages, i, o.DPI); err != nil {
			return nil, err
		}
		files = append(files, File{Name: fmt.Sprintf("pages/%s_page%02d.png", base, i+1), Data: bytes.Clone(buf.Bytes())})
	}
	buf.Reset()
	if err := WriteDXF(&buf, d, o); err != nil {
		return nil, err
	}
	cut := bytes.Clone(buf.Bytes())
	files = append(files, File{Name: base + "_cut.dxf", Data: cut})
	dxfs := [][]byte{cut}
	if d.Meta.BaseSize > 0 {
		bdxf, rul, err := baseDXFAndRules(d, o)
		if err != nil {
			return nil, err
		}
		files = append(files, File{Name: base + "_base.dxf", Data: bdxf}, File{Name: base + ".rul", Data: rul})
		dxfs = append(dxfs, bdxf)
	}
	// LibreCAD's font for the DXFs' text style (see dxffont.go).
	ff, err := librecadFontFiles(dxfs...)
	if err != nil {
		return nil, err
	}
	files = append(files, ff...)
	buf.Reset()
	if err := WriteBOMCSV(&buf, d, o); err != nil {
		return nil, err
	}
	files = append(files, File{Name: base + "_bom.csv", Data: bytes.Clone(buf.Bytes())})
	m := Manifest{
		Design:    ManifestDesign{ID: d.ID, Name: d.Meta.Name, NameZH: d.Meta.NameZH, StyleNo: d.Meta.StyleNo},
		VersionID: o.VersionID, Sizes: o.Sizes, Lang: o.Lang, PNGDPI: o.DPI,
	}
	for _, f := range files {
		sum := sha256.Sum256(f.Data)
		m.Files = append(m.Files, ManifestFile{Name: f.Name, Bytes: len(f.Data), SHA256: hex.EncodeToString(sum[:])})
	}
	js, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encoding manifest: %w", err)
	}
	files = append(files, File{Name: "manifest.json", Data: append(js, '\n')})
	return files, nil
}

// fileBase is a file-name-safe stem from the style number.
func fileBase(d *models.Design) string {
	s := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			return r
		}
		return '_'
	}, d.Meta.StyleNo)
	if strings.Trim(s, "_") == "" {
		return "design"
	}
	return s
}

// WriteWorkshopPackage writes the zip bundle for the sampling workshop:
// tech pack PDF, PNG pages, DXF cut file, BOM CSV and manifest.json. Nothing
// is written to w if building any part fails.
func WriteWorkshopPackage(w io.Writer, d *models.Design, opts Options) error {
	files, err := WorkshopFiles(d, opts)
	if err != nil {
		return err
	}
	o, err := opts.normalise(d)
	if err != nil {
		return err
	}
	// Entries are dated with the version (the newest history entry, see
	// Options.Date): the same version always zips to the same bytes.
	mod := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	if !o.Date.IsZero() {
		mod = o.Date.UTC().Truncate(2 * time.Second)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		method := zip.Deflate
		if strings.HasSuffix(f.Name, ".png") {
			method = zip.Store // already compressed
		}
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: method, Modified: mod})
		if err != nil {
			return fmt.Errorf("zipping %s: %w", f.Name, err)
		}
		if _, err := fw.Write(f.Data); err != nil {
			return fmt.Errorf("zipping %s: %w", f.Name, err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("closing zip: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("writing workshop package: %w", err)
	}
	return nil
}
