package models

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
)

// JSONSchema is the newest version of the design JSON format this
// Cordwain reads and writes. Schema 2 added dimensions, images, underlays
// and the archived flag; a design that uses none of them is still written
// as schema 1, so an older Cordwain reads it.
const JSONSchema = 2

// jsonSchemaOf is the oldest schema that can hold d.
func jsonSchemaOf(d *Design) int {
	if len(d.Dimensions) > 0 || len(d.Images) > 0 || len(d.Underlays) > 0 || d.Meta.Archived {
		return 2
	}
	return 1
}

// MaxJSONSize caps the design JSON accepted by [DecodeJSON]: far above any
// real design (a 200-piece sports shoe is well under 1 MiB), far below what
// could exhaust memory.
const MaxJSONSize = 16 << 20

// ErrTooLarge marks input over a size cap.
var ErrTooLarge = errors.New("too large")

// jsonDoc is the file: the schema number, then the design's fields.
type jsonDoc struct {
	Schema int `json:"schema"`
	Design
}

// EncodeJSON writes d as readable, indented JSON with its schema number
// (see [JSONSchema]), element
// lists sorted by ID, so the same design always gives the same text. An
// invalid design is refused (with a [ValidationErrors]): what is exported
// can always be imported again. d is not modified.
func EncodeJSON(d *Design) ([]byte, error) {
	if d == nil {
		return nil, errors.New("encoding design JSON: no design")
	}
	c := *d
	c.StyleLines = slices.Clone(d.StyleLines)
	c.Pieces = slices.Clone(d.Pieces)
	c.Marks = slices.Clone(d.Marks)
	c.Materials = slices.Clone(d.Materials)
	c.Colourways = slices.Clone(d.Colourways)
	c.Dimensions = slices.Clone(d.Dimensions)
	c.Images = slices.Clone(d.Images)
	c.Underlays = slices.Clone(d.Underlays)
	c.Normalize()
	if err := Validate(&c); err != nil {
		return nil, fmt.Errorf("encoding design JSON: %w", err)
	}
	// Empty lists as [] rather than null: friendlier to read and to edit.
	emptyIfNil(&c.StyleLines)
	emptyIfNil(&c.Pieces)
	emptyIfNil(&c.Marks)
	emptyIfNil(&c.Materials)
	emptyIfNil(&c.Colourways)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(jsonDoc{Schema: jsonSchemaOf(&c), Design: c}); err != nil {
		return nil, fmt.Errorf("encoding design JSON: %w", err)
	}
	return buf.Bytes(), nil
}

func emptyIfNil[T any](s *[]T) {
	if *s == nil {
		*s = []T{}
	}
}

// DecodeJSON reads a design written by [EncodeJSON] (or by hand). It
// returns a normalised, valid design or an error and no design: input over
// [MaxJSONSize] ([ErrTooLarge]), malformed JSON, unknown fields or trailing
// data ([ErrMalformed]), a schema newer than [JSONSchema]
// ([ErrNewerVersion], "made by a newer Cordwain (schema N)"), or content
// that fails [Validate] ([ErrInvalid]). A missing design ID is left empty
// for the caller to assign.
func DecodeJSON(b []byte) (*Design, error) {
	if len(b) > MaxJSONSize {
		return nil, fmt.Errorf("reading design JSON: %d bytes, at most %d accepted: %w", len(b), MaxJSONSize, ErrTooLarge)
	}
	// The schema first, leniently: a newer file should say it is newer, not
	// that it has fields we do not know.
	var probe struct {
		Schema *int `json:"schema"`
	}
	if err := json.Unmarshal(b, &probe); err != nil {
		return nil, fmt.Errorf("reading design JSON: %w: %w", ErrMalformed, err)
	}
	switch {
	case probe.Schema == nil:
		return nil, fmt.Errorf("reading design JSON: no \"schema\" number, not a Cordwain design: %w", ErrMalformed)
	case *probe.Schema > JSONSchema:
		return nil, fmt.Errorf("reading design JSON: %w (schema %d); this version reads schema %d, update Cordwain to open it", ErrNewerVersion, *probe.Schema, JSONSchema)
	case *probe.Schema < 1:
		return nil, fmt.Errorf("reading design JSON: schema %d does not exist: %w", *probe.Schema, ErrMalformed)
	}
	var doc jsonDoc
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("reading design JSON: %w: %w", ErrMalformed, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("reading design JSON: data after the design: %w", ErrMalformed)
	}
	d := &doc.Design
	if need := jsonSchemaOf(d); *probe.Schema < need {
		return nil, fmt.Errorf("reading design JSON: schema %d has no dimensions, images, underlays or archived flag (schema %d has): %w", *probe.Schema, need, ErrMalformed)
	}
	d.Normalize()
	if err := Validate(d); err != nil {
		return nil, fmt.Errorf("reading design JSON: %w", err)
	}
	return d, nil
}
