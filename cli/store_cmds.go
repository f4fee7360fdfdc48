package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"runtime/debug"
	"strings"
	"time"
	"unicode/utf8"

	"cordwain/canvas"
	"cordwain/models"
	"cordwain/models/store"
	"cordwain/p2p"
)

func init() {
	Register(Command{Name: "log", Summary: "show a design's history", Run: runLog})
	Register(Command{Name: "edit", Summary: "set design properties and commit a version", Run: runEdit})
	Register(Command{Name: "bundle", Summary: "export or import a design with its whole history", Run: runBundle})
}

// multiFlag collects a repeated flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// pickDesign finds the design named by the --design flag (name, ID or
// style number); without it, the store's only design.
func pickDesign(s *store.Store, nameOrID string) (store.DesignInfo, error) {
	if nameOrID != "" {
		info, err := s.FindDesign(nameOrID)
		if errors.Is(err, store.ErrNotFound) {
			// The style number (款号) is what the workshop calls a design:
			// read it off each design's newest meta element, without
			// loading histories.
			var damage error
			for _, d := range designsOf(s) {
				meta, ok, merr := s.LatestElement(d.ID, models.MetaID)
				if merr != nil {
					if damage == nil {
						damage = merr
					}
					continue
				}
				var no string
				if ok && models.DecodeCanonical(meta.Props["style_no"], &no) == nil && strings.EqualFold(no, nameOrID) {
					return d, nil
				}
			}
			if damage != nil {
				// The design asked for may be the one that cannot be read.
				return info, damage
			}
		}
		return info, err
	}
	ds := designsOf(s)
	switch len(ds) {
	case 0:
		return store.DesignInfo{}, fmt.Errorf("no designs in %s", s.Dir())
	case 1:
		return ds[0], nil
	}
	return store.DesignInfo{}, Usagef("%d designs: choose one with --design NAME|ID", len(ds))
}

// designsOf lists the studio's shoe designs (not its own documents, such
// as the member list).
func designsOf(s *store.Store) []store.DesignInfo {
	var out []store.DesignInfo
	for _, d := range s.Designs() {
		if !p2p.IsStudioDoc(d.ID) {
			out = append(out, d)
		}
	}
	return out
}

// shortCommand turns the garbage collector off for a command that runs
// in its own process and ends in milliseconds (log, edit), up to a heap
// of collectLimit, and returns what puts it back. What such a command
// allocates is given back when it exits; collecting it first cost about
// a quarter of `cordwain edit`'s CPU time on the 1,000-element design. A
// command handed to the running Cordwain (env.Studio) leaves its
// collector alone.
func shortCommand(env Env) func() {
	if env.Studio != nil {
		return func() {}
	}
	limit := debug.SetMemoryLimit(-1)
	gc := debug.SetGCPercent(-1)
	debug.SetMemoryLimit(min(limit, collectLimit))
	return func() {
		debug.SetGCPercent(gc)
		debug.SetMemoryLimit(limit)
	}
}

// collectLimit is the heap at which a short command collects after all.
const collectLimit = 256 << 20

func runLog(env Env, args []string) error {
	defer shortCommand(env)()
	fs := NewFlagSet(env, "log")
	design := fs.String("design", "", "design name or ID (default: the only design)")
	branch := fs.String("branch", "", "show only the history of this branch (default: every version)")
	if err := fs.Parse(args); err != nil {
		return Usagef("%v", err)
	}
	st, d, err := openDesign(env, Read, *design)
	if err != nil {
		return err
	}
	defer st.Close()
	s := st.Store
	var vs []*models.Version
	if *branch != "" {
		if vs, err = s.Log(d.ID, *branch); err != nil {
			return err
		}
	} else {
		vs = s.History(d.ID)
	}
	labels := map[models.ID][]string{}
	for _, r := range s.Refs(d.ID) {
		labels[r.Version] = append(labels[r.Version], string(r.Kind)+":"+r.Name)
	}
	members := p2p.CurrentMembers(s)
	rows := [][]string{{"VERSION", "TIME", "AUTHOR", "MESSAGE", "PARENTS", "REFS"}}
	for _, v := range vs {
		author := clip(v.Author.Name, 24)
		switch {
		case store.IsMerge(v):
			author = "(merge)"
		case store.IsRoot(v):
			author = "(sample)"
		case !members.Has(v.Author.PeerID):
			author += " (not a studio member)"
		}
		var parents []string
		for _, p := range v.Parents {
			parents = append(parents, store.Short(p))
		}
		when := time.UnixMilli(v.Time.Wall).Local().Format("2006-01-02 15:04:05")
		rows = append(rows, []string{store.Short(v.ID), when, author, oneLine(v.Message),
			strings.Join(parents, " "), strings.Join(labels[v.ID], " ")})
	}
	_, err = io.WriteString(env.Stdout, table(rows))
	return err
}

// oneLine is a message's first line, cut to 60 columns at a character
// boundary.
func oneLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return clip(s, 60)
}

func runEdit(env Env, args []string) error {
	defer shortCommand(env)()
	fs := NewFlagSet(env, "edit")
	design := fs.String("design", "", "design name or ID")
	branch := fs.String("branch", store.DefaultBranch, "branch to commit on")
	msg := fs.String("m", "", "commit message")
	newIdentity := fs.Bool("new-identity", false, "sign with a new key because this machine's key file was lost (recorded in the studio)")
	var sets multiFlag
	fs.Var(&sets, "set", "meta.NAME=VALUE or last.NAME=VALUE (JSON field names; repeatable)")
	if err := fs.Parse(args); err != nil {
		return Usagef("%v", err)
	}
	if len(sets) == 0 {
		return Usagef("nothing to do: give at least one --set")
	}
	if !utf8.ValidString(*msg) {
		return Usagef("-m: the message is not valid UTF-8 text (%q); nothing was committed", *msg)
	}
	for _, kv := range sets {
		if !utf8.ValidString(kv) {
			return Usagef("--set %q: not valid UTF-8 text; nothing was committed", kv)
		}
	}
	st, info, err := openDesign(env, Write, *design)
	if err != nil {
		return err
	}
	defer st.Close()
	s := st.Store
	id, err := st.Identity(*newIdentity)
	if err != nil {
		return err
	}
	head, err := s.Head(info.ID, *branch)
	if err != nil {
		return err
	}
	d, err := s.Checkout(head.ID)
	if err != nil {
		return err
	}
	oldLast := d.Last
	for _, kv := range sets {
		if err := setProperty(d, kv); err != nil {
			return Usagef("--set %s: %v", kv, err)
		}
	}
	if !reflect.DeepEqual(oldLast, d.Last) {
		// The upper follows its last: style lines, pieces and marks keep
		// their places on the mean form, as in the window.
		newLast := d.Last
		d.Last = oldLast
		if err := canvas.ValidateLast(newLast); err != nil {
			return fmt.Errorf("not committed, the last would be invalid: %w", err)
		}
		if d, err = canvas.RefitDesign(d, newLast); err != nil {
			return fmt.Errorf("not committed: fitting the upper to the new last: %w", err)
		}
	}
	if *msg == "" {
		*msg = "Set " + strings.Join(sets, ", ")
	}
	// The design is validated once, by the commit: the studio's store
	// checks a committed design with models.Validate (Options'
	// ValidateDesign) before anything is written, and refuses it with
	// ErrInvalid.
	v, err := s.CommitDesign(*branch, d, *msg, id)
	if errors.Is(err, store.ErrNoChange) {
		fmt.Fprintf(env.Stdout, "no change; %s is still at %s\n", *branch, store.Short(v.ID))
		return nil
	}
	if errors.Is(err, store.ErrInvalid) {
		return fmt.Errorf("not committed, the design would be invalid: %w", err)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%s %s\n", store.Short(v.ID), *msg)
	return nil
}

// setProperty sets "meta.name=value" or "last.name=value" by JSON field
// name. The value is read as JSON (30, true, [240,245]) and, failing that,
// as a string (SS27).
func setProperty(d *models.Design, kv string) error {
	path, value, ok := strings.Cut(kv, "=")
	if !ok {
		return errors.New("want PART.NAME=VALUE")
	}
	part, name, ok := strings.Cut(path, ".")
	if !ok || name == "" {
		return errors.New("want meta.NAME or last.NAME")
	}
	var target any
	switch part {
	case "meta":
		target = &d.Meta
	case "last":
		target = &d.Last
	default:
		return fmt.Errorf("unknown part %q (meta or last)", part)
	}
	cur, err := json.Marshal(target)
	if err != nil {
		return err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(cur, &fields); err != nil {
		return err
	}
	str, _ := json.Marshal(value)
	candidates := []json.RawMessage{str}
	if json.Valid([]byte(value)) {
		candidates = []json.RawMessage{json.RawMessage(value), str}
	}
	var lastErr error
	for _, c := range candidates {
		fields[name] = c
		b, _ := json.Marshal(fields)
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		// Decode into a copy so a failed attempt leaves d untouched.
		switch t := target.(type) {
		case *models.Meta:
			m := *t
			if lastErr = dec.Decode(&m); lastErr == nil {
				*t = m
				return nil
			}
		case *models.Last:
			l := *t
			if lastErr = dec.Decode(&l); lastErr == nil {
				*t = l
				return nil
			}
		}
	}
	if strings.Contains(lastErr.Error(), "unknown field") {
		return fmt.Errorf("%s has no property %q", part, name)
	}
	return fmt.Errorf("bad value %q: %v", value, lastErr)
}

func runBundle(env Env, args []string) error {
	return Dispatch(env, "bundle", args, map[string]func(Env, []string) error{
		"export": runBundleExport,
		"import": runBundleImport,
	})
}

func runBundleExport(env Env, args []string) error {
	fs := NewFlagSet(env, "bundle export")
	design := fs.String("design", "", "design name or ID")
	out := fs.String("o", "", "output file")
	if err := fs.Parse(args); err != nil {
		return Usagef("%v", err)
	}
	if *out == "" {
		return Usagef("bundle export needs -o FILE")
	}
	st, d, err := openDesign(env, Read, *design)
	if err != nil {
		return err
	}
	defer st.Close()
	s := st.Store
	var buf bytes.Buffer
	if err := s.ExportBundle(&buf, d.ID); err != nil {
		return err
	}
	if err := writeFileAtomic(env.Path(*out), buf.Bytes()); err != nil {
		return fmt.Errorf("writing bundle: %w", err)
	}
	fmt.Fprintf(env.Stdout, "exported %q (%d versions) to %s\n", d.Name, len(s.History(d.ID)), *out)
	return nil
}

// runBundleImport receives a bundle: verified, stored and merged into
// main in one transaction, as sync does.
func runBundleImport(env Env, args []string) error {
	fs := NewFlagSet(env, "bundle import")
	if err := fs.Parse(args); err != nil {
		return Usagef("%v", err)
	}
	if fs.NArg() != 1 {
		return Usagef("bundle import FILE")
	}
	f, err := os.Open(env.Path(fs.Arg(0)))
	if err != nil {
		return fmt.Errorf("importing bundle: %w", err)
	}
	defer f.Close()
	st, err := env.open(Write)
	if err != nil {
		return err
	}
	defer st.Close()
	design, b, err := store.DecodeBundle(f)
	if err != nil {
		return fmt.Errorf("importing bundle: %w", err)
	}
	// In a studio, a branch deletion counts only from a member, in a
	// bundle as in sync.
	if p2p.CurrentMembers(st.Store) != nil {
		if err := p2p.CheckTombstoneAuthors(st.Store, b); err != nil {
			return fmt.Errorf("importing bundle of %s: %w", design, err)
		}
	}
	res, err := st.Store.Receive(b)
	if err != nil {
		return fmt.Errorf("importing bundle of %s: %w", design, err)
	}
	fmt.Fprintf(env.Stdout, "imported %s: %d new versions, %d already known, %d merged into %s\n",
		design, len(res.Added), res.Known, res.Merged, store.DefaultBranch)
	reportConflicts(env, res.Conflicts)
	return nil
}

// reportConflicts lists the properties where a merge kept one side's value
// over the other's, so an override is never silent.
func reportConflicts(env Env, cs []store.ConflictRecord) {
	if len(cs) == 0 {
		return
	}
	fmt.Fprintf(env.Stdout, "%d conflicts: the later change was kept (review them in the Conflicts tab):\n", len(cs))
	rows := [][]string{{"ELEMENT", "PROPERTY", "KEPT", "OVERRIDDEN"}}
	for _, c := range cs {
		prop := c.Prop
		if prop == "" {
			prop = "(exists)"
		}
		rows = append(rows, []string{string(c.Element), prop, clip(valueText(c.Winner), 30), clip(valueText(c.Loser), 30)})
	}
	io.WriteString(env.Stdout, table(rows))
}

// valueText shows a property value (canonical CBOR) readably.
func valueText(b []byte) string {
	if b == nil {
		return "(deleted)"
	}
	var v any
	if err := models.DecodeCanonical(b, &v); err != nil {
		return fmt.Sprintf("%x", b)
	}
	if s, ok := v.(string); ok {
		return s
	}
	j, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(j)
}
