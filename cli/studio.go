package cli

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"cordwain/models"
	"cordwain/models/store"
	"cordwain/p2p"
)

// ErrIdentityLost: the studio holds versions signed on this machine, but
// the key file that signed them is gone. A write would sign with a new key
// under the same name, so it is refused until the designer restores the
// key or says to start a new identity.
var ErrIdentityLost = errors.New("this machine's signing key is missing")

// Mode says what a command does with the studio.
type Mode int

const (
	// Read commands never write: not the store file, not a key.
	Read Mode = iota
	// Write commands commit; they need this machine's identity.
	Write
)

// Studio is an open studio: its data directory and store. The window,
// the command line and (next) `cordwain serve` all open it here.
type Studio struct {
	Dir   string
	Store *store.Store
	mode  Mode
	// shared: the store belongs to a running Cordwain that handed a
	// command to us; Close leaves it open.
	shared bool
}

// Options opens the store of a studio: authors bound to their keys,
// content validated like a design, the built-in samples as the only
// unsigned roots, and a new studio seeded with them in the transaction
// that creates it.
func Options(mode Mode) (store.Options, error) {
	seed, err := SampleSeed()
	if err != nil {
		return store.Options{}, err
	}
	return store.Options{
		CheckAuthor: checkAuthor,
		Roots:       IsSampleRoot,
		Validate:    validateSnapshot,
		// Received histories: each element checked once, by hash.
		ValidateHashed: validateReceived,
		ValidateChange: validChange,
		// A commit from the editor's typed design checks it as it is
		// (the same content as its snapshot, without decoding it back).
		ValidateDesign: models.Validate,
		ReadOnly:       mode == Read,
		Seed:           seed,
		// Open without reading the history; each design is read and
		// checked against its seals when first used, so a command costs
		// the same in a studio of 100 versions and one of 100,000.
		Lazy: true,
	}, nil
}

// validateSnapshot checks content as a design, as a local commit and a
// received version must be.
func validateSnapshot(design models.ID, snap models.Snapshot) error {
	if p2p.IsStudioDoc(design) {
		return p2p.ValidateMembers(snap)
	}
	d, err := models.DesignFromSnapshot(design, snap)
	if err != nil {
		return err
	}
	return models.Validate(d)
}

// checked keeps what the checks of each received element found, across
// batches and transfers: a history's versions share most of their
// elements.
var checked = models.NewValidationMemo(50000)

// validateReceived is validateSnapshot for received content, with the
// elements' hashes as keys into checked: it accepts what
// validateSnapshot accepts, and returns the same errors.
func validateReceived(design models.ID, snap models.Snapshot, hashes map[models.ID]models.Hash) error {
	if p2p.IsStudioDoc(design) {
		return p2p.ValidateMembers(snap)
	}
	return checked.Validate(design, snap, hashes)
}

// validChange says whether a received version is valid given that its
// parent is, by what it changes (store.Options.ValidateChange); the
// studio's member list is always checked whole.
func validChange(design models.ID, changes []models.ElementChange, kindOf func(models.ID) (models.Kind, bool)) bool {
	if p2p.IsStudioDoc(design) {
		return false
	}
	return checked.ValidChange(design, changes, kindOf)
}

// Open opens the studio in dataDir. A directory without a studio gets one
// (with the samples) whatever the mode: creating is not changing. Read
// mode then opens the file read-only, so a read never writes to it.
func Open(dataDir string, mode Mode) (*Studio, error) {
	if info, err := os.Stat(dataDir); err == nil && !info.IsDir() {
		return nil, fmt.Errorf("opening the studio: %s is a file, not a directory", dataDir)
	}
	opts, err := Options(mode)
	if err != nil {
		return nil, err
	}
	if mode == Read {
		if _, err := os.Stat(filepath.Join(dataDir, store.FileName)); errors.Is(err, fs.ErrNotExist) {
			wopts := opts
			wopts.ReadOnly = false
			st, err := store.Open(dataDir, wopts)
			if err != nil {
				return nil, studioError(dataDir, err)
			}
			st.Close()
		}
	}
	st, err := store.Open(dataDir, opts)
	if err != nil {
		return nil, studioError(dataDir, err)
	}
	return &Studio{Dir: dataDir, Store: st, mode: mode}, nil
}

// studioError says what went wrong opening a studio and, for a damaged
// file, what to do: nothing was written, so a copy keeps the evidence.
func studioError(dir string, err error) error {
	switch {
	case errors.Is(err, store.ErrCorrupt), errors.Is(err, store.ErrBadSignature),
		errors.Is(err, store.ErrBadID), errors.Is(err, store.ErrUnknownParent), errors.Is(err, store.ErrUnknownRoot):
		file := filepath.Join(dir, store.FileName)
		return fmt.Errorf("opening the studio in %s: %w\n\n"+
			"The file was not changed. Keep a copy of %s before anything else.\n"+
			"`cordwain --data %s salvage -o NEWDIR` copies every version that is still intact\n"+
			"into a new studio; designs exported earlier (bundles, JSON) can be imported there too", dir, err, file, dir)
	case errors.Is(err, store.ErrInUse):
		return fmt.Errorf("opening the studio in %s: %w: is Cordwain already running on it? Close it, or run the command while it runs (it is handed over)", dir, err)
	}
	return fmt.Errorf("opening the studio in %s: %w", dir, err)
}

// Close closes the store (not one that a running Cordwain lent us).
func (s *Studio) Close() error {
	if s == nil || s.shared {
		return nil
	}
	return s.Store.Close()
}

// Identity returns this machine's signing identity for a write. It is
// read from identity.pem; a studio that never had one gets a new one. If
// the key file is gone but the studio holds versions this machine signed
// (a recorded identity, or versions under this user's name), it refuses
// with ErrIdentityLost unless fresh says to start a new identity, which
// the studio then records as replacing the lost one.
func (s *Studio) Identity(fresh bool) (*store.Identity, error) {
	if s.mode != Write {
		return nil, errors.New("a read-only studio has no identity (a programming error)")
	}
	path := filepath.Join(s.Dir, store.IdentityFile)
	_, statErr := os.Stat(path)
	missing := errors.Is(statErr, fs.ErrNotExist)
	note := ""
	if missing {
		prev := s.Store.Identities()
		name := loginName()
		if (len(prev) > 0 || s.Store.SignedBy(name)) && !fresh {
			who := fmt.Sprintf("by %q", name)
			if len(prev) > 0 {
				last := prev[len(prev)-1]
				who = fmt.Sprintf("by %q (%s)", last.Name, last.PeerID)
			}
			return nil, fmt.Errorf("%w: %s is gone, and this studio holds versions signed on this machine %s.\n"+
				"Restore %s from a backup to keep signing as before, or start a new identity "+
				"(`cordwain edit --new-identity …`, or File → New identity in the window): "+
				"later versions will show a new key, recorded as replacing the lost one", ErrIdentityLost, path, who, store.IdentityFile)
		}
		if len(prev) > 0 {
			note = "new identity: the key of " + prev[len(prev)-1].PeerID + " was lost"
		}
	} else if fresh {
		return nil, fmt.Errorf("a new identity was asked for, but %s exists: keep it (or move it away first)", path)
	}
	id, err := loadIdentity(s.Dir)
	if err != nil {
		return nil, err
	}
	if err := s.Store.RecordIdentity(store.IdentityRecord{PeerID: id.PeerID, Name: id.Name, Since: time.Now().UnixMilli(), Note: note}); err != nil {
		return nil, err
	}
	return id, nil
}

// OpenSigned opens the studio in dataDir for writing, with this machine's
// identity (see [Studio.Identity]); on error nothing is left open.
func OpenSigned(dataDir string, fresh bool) (*Studio, *store.Identity, error) {
	s, err := Open(dataDir, Write)
	if err != nil {
		return nil, nil, err
	}
	return signed(s, fresh)
}

// openSigned is OpenSigned for a command, or the running Cordwain's
// studio when the command was handed to it.
func (env Env) openSigned(fresh bool) (*Studio, *store.Identity, error) {
	s, err := env.open(Write)
	if err != nil {
		return nil, nil, err
	}
	return signed(s, fresh)
}

func signed(s *Studio, fresh bool) (*Studio, *store.Identity, error) {
	id, err := s.Identity(fresh)
	if err != nil {
		s.Close()
		return nil, nil, err
	}
	return s, id, nil
}

// OpenStudio opens dataDir for writing with this machine's identity, as
// the window does. On ErrIdentityLost the studio is open (and returned)
// with a nil identity.
func OpenStudio(dataDir string) (*store.Store, *store.Identity, error) {
	s, err := Open(dataDir, Write)
	if err != nil {
		return nil, nil, err
	}
	// The window lists the whole studio: read every design's entry now,
	// so a damaged one is reported (with what to do) as the studio opens,
	// as a command reports the design it touches.
	if err := s.Store.LoadDirectory(); err != nil {
		s.Close()
		return nil, nil, studioError(dataDir, err)
	}
	id, err := s.Identity(false)
	if err != nil {
		if errors.Is(err, ErrIdentityLost) {
			return s.Store, nil, err
		}
		s.Close()
		return nil, nil, err
	}
	return s.Store, id, nil
}

// checkAuthor binds a version's author to its signing key: libp2p peer IDs
// must derive from the key; the store itself checks the older
// "ed25519:<hex>" form.
func checkAuthor(peerID string, pubKey []byte) error {
	if strings.HasPrefix(peerID, "ed25519:") {
		return nil
	}
	return p2p.CheckAuthor(peerID, pubKey)
}

// loginName is the user's name from the environment, as valid text.
func loginName() string {
	name := os.Getenv("USER")
	if name == "" {
		name = os.Getenv("USERNAME")
	}
	name = strings.TrimSpace(ValidText(name))
	if name == "" {
		if host, err := os.Hostname(); err == nil {
			name = ValidText(host)
		}
	}
	return name
}

// ValidText returns s if it is valid UTF-8, else s read as GBK (the
// encoding of file names and environment on Chinese Windows) when that
// decodes cleanly, else s with each invalid byte replaced by U+FFFD.
// Names that come from the system are converted this way, never stored raw.
func ValidText(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	if g, ok := fromGBK(s); ok {
		return g
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

// loadIdentity reads (or creates) this machine's identity and gives it the
// libp2p peer ID of its key, which is how other studio machines will know
// it on the network.
func loadIdentity(dataDir string) (*store.Identity, error) {
	id, err := store.LoadOrCreateIdentity(dataDir)
	if err != nil {
		return nil, err
	}
	pid, err := p2p.PeerID(id.Key.Public().(ed25519.PublicKey))
	if err != nil {
		return nil, err
	}
	changed := id.PeerID != pid
	id.PeerID = pid
	if fixed := strings.TrimSpace(ValidText(id.Name)); fixed != id.Name || fixed == "" {
		// No login name in the environment (a service, some Windows
		// set-ups): the machine's name tells the studio who it was.
		id.Name, changed = loginName(), true
	}
	if changed {
		if err := store.SaveIdentity(dataDir, id); err != nil {
			return nil, err
		}
	}
	return id, nil
}

// openDesign opens the studio and finds the design a command names (see
// pickDesign). The caller closes the studio; on error it is already closed.
func openDesign(env Env, mode Mode, nameOrID string) (*Studio, store.DesignInfo, error) {
	s, err := env.open(mode)
	if err != nil {
		return nil, store.DesignInfo{}, err
	}
	info, err := pickDesign(s.Store, nameOrID)
	if err == nil {
		// Read and check the design's history now, so damage is reported
		// with what to do (a lazy store reads it on first use).
		err = s.Store.LoadDesign(info.ID)
	}
	if err != nil {
		s.Close()
		if errors.Is(err, store.ErrCorrupt) {
			return nil, store.DesignInfo{}, studioError(s.Dir, err)
		}
		return nil, store.DesignInfo{}, err
	}
	return s, info, nil
}
