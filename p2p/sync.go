package p2p

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"cordwain/models"
	"cordwain/models/store"
)

// designDigest is the state of one design as peers compare it: a hash of
// its heads and its branches and tags. Two stores holding the same
// versions and refs of a design have the same digest.
func designDigest(s *store.Store, d models.ID) [16]byte {
	h := sha256.New()
	// Sorted; a design not loaded yet is answered from its record.
	for _, id := range s.HeadIDs(d) {
		h.Write([]byte(id))
		h.Write([]byte{0})
	}
	h.Write([]byte{1})
	for _, r := range s.Refs(d) { // sorted by kind, then name
		fmt.Fprintf(h, "%s\x00%s\x00%s\x00", r.Kind, r.Name, r.Version)
	}
	// Deleted branches (a design without any digests as before).
	ts, err := s.Tombstones(d) // sorted by branch, then head
	if err != nil {
		h.Write([]byte{3}) // unreadable here: never equal to a peer's
		h.Write([]byte(err.Error()))
	}
	if len(ts) > 0 {
		h.Write([]byte{2})
		for _, t := range ts {
			fmt.Fprintf(h, "%s\x00%s\x00%s\x00", t.Branch, t.Head, t.ID())
		}
	}
	var out [16]byte
	copy(out[:], h.Sum(nil))
	return out
}

// summary is every design's digest, sorted by design, and the studio-wide
// digest over them.
func summary(s *store.Store) ([]DesignDigest, models.Hash) {
	var out []DesignDigest
	for _, d := range s.Designs() {
		out = append(out, DesignDigest{Design: d.ID, Digest: designDigest(s, d.ID)})
	}
	slices.SortFunc(out, func(a, b DesignDigest) int { return bytes.Compare([]byte(a.Design), []byte(b.Design)) })
	h := sha256.New()
	for _, d := range out {
		h.Write([]byte(d.Design))
		h.Write(d.Digest[:])
	}
	var root models.Hash
	copy(root[:], h.Sum(nil))
	return out, root
}

// haveList is what the asker holds of a design: its heads and, along each
// head's first-parent line, ancestors 1, 2, 4, 8 … back, so the other side
// can find a recent common point even when it lacks our heads.
func haveList(s *store.Store, d models.ID) []models.ID {
	var out []models.ID
	seen := map[models.ID]bool{}
	for _, h := range s.Heads(d) {
		cur, step, next := h, 0, 1
		for cur != nil && len(out) < maxHave {
			if step == 0 || step == next {
				if !seen[cur.ID] {
					seen[cur.ID] = true
					out = append(out, cur.ID)
				}
				if step > 0 {
					next *= 2
				}
			}
			if len(cur.Parents) == 0 {
				break
			}
			p, err := s.Version(cur.Parents[0])
			if err != nil {
				break
			}
			cur = p
			step++
		}
	}
	return out
}

// serveSync answers one sync stream: hello, summary, wants, until end.
func serveSync(rw io.ReadWriter, s *store.Store, name string) error {
	wants := 0
	for {
		typ, payload, err := readFrame(rw)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		switch typ {
		case MsgHello:
			var h Hello
			if err := decodePayload(payload, &h); err != nil {
				return err
			}
			_, root := summary(s)
			if err := writeFrame(rw, MsgHello, Hello{Name: name, Digest: root}); err != nil {
				return err
			}
		case MsgSummary:
			var theirs Summary
			if err := decodePayload(payload, &theirs); err != nil {
				return err
			}
			if len(theirs.Designs) > maxSummaryDesigns {
				return fmt.Errorf("%w: summary of %d designs", ErrProtocol, len(theirs.Designs))
			}
			known := make(map[models.ID][16]byte, len(theirs.Designs))
			for _, d := range theirs.Designs {
				known[d.Design] = d.Digest
			}
			mine, _ := summary(s)
			var diff Summary
			for _, d := range mine {
				if dg, ok := known[d.Design]; !ok || dg != d.Digest {
					diff.Designs = append(diff.Designs, d)
					diff.Versions = append(diff.Versions, uint32(min(uint64(s.VersionCount(d.Design)), math.MaxUint32)))
				}
			}
			if err := writeFrame(rw, MsgSummary, diff); err != nil {
				return err
			}
		case MsgWant:
			var w Want
			if err := decodePayload(payload, &w); err != nil {
				return err
			}
			if len(w.Have) > maxHave {
				return fmt.Errorf("%w: want with %d versions had", ErrProtocol, len(w.Have))
			}
			if wants++; wants == bulkDesigns {
				defer bulkGC()()
			}
			if err := sendDesign(rw, s, w); err != nil {
				return err
			}
		case MsgEnd:
			return nil
		default:
			return fmt.Errorf("%w: unexpected frame type %d", ErrProtocol, typ)
		}
	}
}

// sendDesign streams what the asker lacks of a design in bounded chunks,
// parents first, refs in the last one, then Done. The stream's flow
// control holds the sender back while the asker stores each chunk.
func sendDesign(w io.Writer, s *store.Store, want Want) error {
	b, err := s.Collect(want.Design, want.Have)
	if errors.Is(err, store.ErrNotFound) {
		return writeFrame(w, MsgDone, Done{Design: want.Design})
	}
	if err != nil {
		return err
	}
	n := len(b.Manifests)
	if len(b.ManifestRoots) != n || len(b.FirstUse) != n || len(b.Diffs) != n {
		return fmt.Errorf("collecting %s: the batch lacks what Collect works out", want.Design)
	}
	manifestAt := make(map[models.Hash]int, n)
	for i, root := range b.ManifestRoots {
		manifestAt[root] = i
	}
	sentM := map[models.Hash]bool{}
	// The manifests in the chunk being filled: a version's manifest goes
	// as its delta from its first parent's when that one is among them.
	inChunk := map[models.Hash]bool{}
	chunk := BatchWire{Design: want.Design}
	size := 0
	flush := func(last bool) error {
		if last {
			for _, r := range b.Refs {
				chunk.Refs = append(chunk.Refs, RefWire{Kind: string(r.Kind), Name: r.Name, Version: r.Version})
			}
			for _, t := range b.Tombstones {
				tb, err := store.EncodeTombstone(t)
				if err != nil {
					return err
				}
				chunk.Tombstones = append(chunk.Tombstones, tb)
			}
		}
		if len(chunk.Versions) == 0 && len(chunk.Refs) == 0 && len(chunk.Tombstones) == 0 {
			return nil
		}
		chunk.More = !last
		if err := writeFrame(w, MsgBatch, chunk); err != nil {
			return err
		}
		chunk, size = BatchWire{Design: want.Design}, 0
		clear(inChunk)
		return nil
	}
	for _, v := range b.Versions {
		vb, err := store.EncodeVersion(v)
		if err != nil {
			return err
		}
		chunk.Versions = append(chunk.Versions, vb)
		size += len(vb)
		i, ok := manifestAt[v.Root]
		if ok && !sentM[v.Root] {
			sentM[v.Root] = true
			m := b.Manifests[i]
			if d, ok := manifestDelta(want.Deltas, b.Diffs[i], len(m), inChunk); ok {
				chunk.MDeltas = append(chunk.MDeltas, d)
			} else {
				chunk.Manifests = append(chunk.Manifests, m)
			}
			inChunk[v.Root] = true
			size += len(m) // what the asker holds once it is rebuilt
			lo := 0
			if i > 0 {
				lo = b.FirstUse[i-1]
			}
			for _, e := range b.Elements[lo:b.FirstUse[i]] {
				chunk.Elements = append(chunk.Elements, e)
				size += len(e)
			}
		}
		if size >= chunkBytes || len(chunk.Versions) >= chunkVersions {
			if err := flush(false); err != nil {
				return err
			}
		}
	}
	if err := flush(true); err != nil {
		return err
	}
	return writeFrame(w, MsgDone, Done{Design: want.Design})
}

// manifestDelta is a manifest of size bytes as its delta from its
// version's first parent's (Collect's diff), when deltas were asked for,
// the parent's manifest is in the chunk and the delta is the smaller.
func manifestDelta(deltas bool, diff store.ManifestDiff, size int, inChunk map[models.Hash]bool) (MDeltaWire, bool) {
	if !deltas || diff.Base == (models.Hash{}) || !inChunk[diff.Base] {
		return MDeltaWire{}, false
	}
	n := len(diff.Base)
	d := MDeltaWire{Base: diff.Base, Put: make([]MEntryWire, len(diff.Put)), Del: diff.Del}
	for i, e := range diff.Put {
		d.Put[i] = MEntryWire{ID: e.ID, Hash: e.Hash}
		n += len(e.ID) + len(e.Hash) + 4
	}
	for _, id := range diff.Del {
		n += len(id) + 2
	}
	return d, n < size
}

// PullStats says what a pull brought.
type PullStats struct {
	Designs  int // designs asked for
	Versions int // versions new to this store
	Known    int // versions received that were already here
	Merged   int
	Bytes    int64 // payload bytes received
	Pulled   []models.ID
	// Expected is how many versions the pull should bring, from the
	// summary's version counts (0 when the peer sends none): the
	// versions the peer holds of each design that differs, beyond those
	// held here. A design both sides changed makes it an estimate.
	Expected int
	// Progress, when set, is called as versions are stored, with Versions
	// and Expected.
	Progress func(received, expected int)
}

func (st *PullStats) progress() {
	if st.Progress != nil {
		st.Progress(st.Versions, st.Expected)
	}
}

// pullAll runs the asking side of a full exchange over one stream:
// hello (done if the studio digests match), summary, then a want per
// design that differs.
func pullAll(rw io.ReadWriter, s *store.Store, name string) (PullStats, string, error) {
	return pullAllWith(rw, s, name, nil)
}

// pullAllWith is pullAll telling progress (see [PullStats.Progress]).
func pullAllWith(rw io.ReadWriter, s *store.Store, name string, progress func(received, expected int)) (PullStats, string, error) {
	st := PullStats{Progress: progress}
	_, root := summary(s)
	if err := writeFrame(rw, MsgHello, Hello{Name: name, Digest: root}); err != nil {
		return st, "", err
	}
	var h Hello
	if err := expect(rw, MsgHello, &h); err != nil {
		return st, "", err
	}
	if h.Digest == root {
		return st, h.Name, writeFrame(rw, MsgEnd, struct{}{})
	}
	mine, _ := summary(s)
	if err := writeFrame(rw, MsgSummary, Summary{Designs: mine}); err != nil {
		return st, h.Name, err
	}
	var diff Summary
	if err := expect(rw, MsgSummary, &diff); err != nil {
		return st, h.Name, err
	}
	if len(diff.Designs) > maxSummaryDesigns {
		return st, h.Name, fmt.Errorf("%w: summary of %d designs", ErrProtocol, len(diff.Designs))
	}
	designs := make([]models.ID, 0, len(diff.Designs))
	for _, d := range diff.Designs {
		designs = append(designs, d.Design)
	}
	if len(diff.Versions) == len(diff.Designs) {
		for i, d := range diff.Designs {
			st.Expected += max(0, int(diff.Versions[i])-s.VersionCount(d.Design))
		}
		st.progress()
	}
	if err := pullDesigns(rw, s, designs, &st); err != nil {
		return st, h.Name, err
	}
	return st, h.Name, writeFrame(rw, MsgEnd, struct{}{})
}

// Bounds of a pull's pipeline.
const (
	// wantsAhead is how many wants may wait for their answer: the
	// sender streams one design's batches after another without waiting
	// for the asker to ask.
	wantsAhead = 8
	// pipeDepth is how many received chunks may wait to be checked.
	pipeDepth = 4
	// preparers is how many chunks are checked at once: a chunk's checks
	// have parts on one core (reading its manifests, finding what it
	// uses) between parts on every core (signatures, elements, designs).
	preparers = 2
	// checkedDepth is how many checked chunks (and ends of designs) may
	// wait to be written: what arrives while a transaction is written.
	checkedDepth = 32
	// commitVersions and commitBytes are what one write transaction
	// gathers: checked chunks are written together, with one fsync,
	// until they hold this many versions or bytes, the pull has nothing
	// more to give, or commitWait passed without enough. Each
	// transaction rewrites every B+tree page it touches, and the keys of
	// the store's buckets are hashes, spread over every page: a pull of
	// 10,000 versions in transactions of one to three designs wrote 282
	// MB of pages for a 71 MB file, in ones of 1,000 versions 157 MB.
	commitVersions = 1000
	commitBytes    = 8 << 20
	commitWait     = 50 * time.Millisecond
)

// pullItem is a chunk (or the end of a design, or an error) on its way
// through a pull.
type pullItem struct {
	design models.ID
	batch  *store.Batch
	prep   *store.Prepared
	bytes  int
	done   bool
	err    error
}

// pullDesigns asks for designs and stores what comes back, in a pipeline
// (docs/sync.md): wants go out up to wantsAhead ahead of the answers; one
// goroutine reads and decodes the chunks, preparers check them
// (signatures, content: store.Receiver.Prepare, on every core), one hands
// them on in order, and this one writes the checked chunks, several
// designs in one transaction. The stages hold a bounded number of chunks
// (pipeDepth, checkedDepth), and the stream's flow control holds the
// sender back behind them. A failure anywhere stops the pull;
// what was written before it is complete (every transaction is a whole
// set of checked chunks, parents first) and nothing after it is.
func pullDesigns(rw io.ReadWriter, s *store.Store, designs []models.ID, st *PullStats) error {
	if len(designs) == 0 {
		return nil
	}
	st.Designs += len(designs)
	st.Pulled = append(st.Pulled, designs...)
	if len(designs) >= bulkDesigns {
		defer bulkGC()()
	}
	quit := make(chan struct{})
	var quitOnce, stopOnce sync.Once
	closeQuit := func() { quitOnce.Do(func() { close(quit) }) }
	stop := func() {
		stopOnce.Do(func() {
			closeQuit()
			// Unblock the reader and the writer: the stream is given up.
			switch c := rw.(type) {
			case interface{ Reset() error }:
				c.Reset()
			case io.Closer:
				c.Close()
			}
		})
	}
	var wg sync.WaitGroup
	slots := make(chan struct{}, wantsAhead)
	var wantsOut int
	var wantErr error
	wdone := make(chan struct{})
	wg.Add(1)
	go func() { // wants
		defer wg.Done()
		defer close(wdone)
		for _, d := range designs {
			select {
			case slots <- struct{}{}:
			case <-quit:
				return
			}
			if wantErr = writeFrame(rw, MsgWant, Want{Design: d, Have: haveList(s, d), Deltas: true}); wantErr != nil {
				stop() // the reader would wait for answers to wants never sent
				return
			}
			wantsOut++
		}
	}()
	read := make(chan pullItem, pipeDepth)
	wg.Add(1)
	go func() { // chunks, decoded
		defer wg.Done()
		defer close(read)
		send := func(it pullItem) bool {
			select {
			case read <- it:
				return it.err == nil
			case <-quit:
				return false
			}
		}
		for i := 0; i < len(designs); {
			d := designs[i]
			typ, payload, err := readFrame(rw)
			if err != nil {
				if errors.Is(err, io.EOF) {
					// Closed between two frames: the peer stopped or went
					// away (every chunk is stored whole or not at all), not
					// a fault of the protocol: the pull is tried again.
					err = errStreamEnded
				}
				send(pullItem{err: err})
				return
			}
			it := pullItem{design: d, bytes: len(payload)}
			switch typ {
			case MsgDone:
				var done Done
				if err := decodePayload(payload, &done); err != nil {
					it.err = err
				} else if done.Design != d {
					it.err = fmt.Errorf("%w: done for %s while receiving %s", ErrProtocol, done.Design, d)
				}
				it.done = true
				i++
				select {
				case <-slots:
				default:
				}
			case MsgBatch:
				var bw BatchWire
				if err := decodePayload(payload, &bw); err != nil {
					it.err = err
				} else if bw.Design != d {
					it.err = fmt.Errorf("%w: batch of %s while receiving %s", ErrProtocol, bw.Design, d)
				} else if it.batch, err = bw.toBatch(); err != nil {
					it.err = &RejectError{Err: err}
				} else if err := CheckTombstoneAuthors(s, it.batch); err != nil {
					it.err = &RejectError{Err: err}
				}
			default:
				it.err = fmt.Errorf("%w: frame type %d inside a transfer", ErrProtocol, typ)
			}
			if !send(it) {
				return
			}
		}
	}()
	r := s.NewReceiver()
	checked := make(chan pullItem, checkedDepth)
	// Chunks are checked by preparers goroutines at once (each on every
	// core too), and handed on in the order they came. A chunk waits for
	// the design's chunk before it, whose content it may use.
	type job struct {
		it    pullItem
		after chan struct{} // the design's previous chunk is checked (nil: none)
		ready chan struct{} // this one is
	}
	jobs := make(chan *job, preparers)
	inOrder := make(chan *job, pipeDepth)
	wg.Add(1)
	go func() { // chunks, to the preparers and in order
		defer wg.Done()
		defer close(jobs)
		defer close(inOrder)
		last := map[models.ID]chan struct{}{}
		for it := range read {
			j := &job{it: it, ready: make(chan struct{})}
			switch {
			case it.err != nil:
			case it.done:
				delete(last, it.design)
			default:
				j.after = last[it.design]
				last[it.design] = j.ready
			}
			select {
			case inOrder <- j:
			case <-quit:
				return
			}
			select {
			case jobs <- j:
			case <-quit:
				return
			}
		}
	}()
	for range preparers {
		wg.Add(1)
		go func() { // chunks, checked
			defer wg.Done()
			for j := range jobs {
				if j.it.err == nil && !j.it.done {
					if j.after != nil {
						select {
						case <-j.after:
						case <-quit:
							return
						}
					}
					prep, err := r.Prepare(j.it.batch)
					if err != nil {
						j.it.err = rejected(err)
					}
					j.it.prep, j.it.batch = prep, nil
				}
				close(j.ready)
			}
		}()
	}
	wg.Add(1)
	go func() { // checked chunks, in order
		defer wg.Done()
		defer close(checked)
		for j := range inOrder {
			select {
			case <-j.ready:
			case <-quit:
				return
			}
			if j.it.done && j.it.err == nil {
				r.Forget(j.it.design)
			}
			select {
			case checked <- j.it:
			case <-quit:
				return
			}
			if j.it.err != nil {
				return
			}
		}
	}()
	err := commitChunks(r, checked, st)
	if err != nil {
		stop()
	} else {
		closeQuit()
		// Every design is answered, so every want is out, unless the
		// peer answered what was not asked yet and does not read: then
		// the writer may be stuck in a write.
		select {
		case <-wdone:
		case <-time.After(wantsGrace):
			stop()
		}
	}
	wg.Wait()
	switch {
	case err != nil:
		return err
	case wantsOut < len(designs):
		return fmt.Errorf("%w: answers for designs not asked for", ErrProtocol)
	case wantErr != nil:
		return wantErr
	}
	return nil
}

// errStreamEnded: the serving peer closed the stream between two frames
// of a transfer (it was stopped, or went away). Unlike a truncated or
// malformed frame it is not a reason to refuse the peer.
var errStreamEnded = errors.New("the peer closed the stream inside a transfer")

// wantsGrace is how long a pull whose designs are all answered waits for
// its last wants to be written.
var wantsGrace = 5 * time.Second

// commitChunks writes checked chunks as they come, gathering them into
// transactions of commitVersions or commitBytes: it waits for more up to
// commitWait per transaction, and writes what it has as soon as the pull
// ends (the channel closes), so a pull of one announced edit is written
// at once.
func commitChunks(r *store.Receiver, checked <-chan pullItem, st *PullStats) error {
	wait := time.NewTimer(commitWait)
	defer wait.Stop()
	var batch []*store.Prepared
	var pendingErr error
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		res, err := r.Commit(batch...)
		batch = batch[:0]
		if err != nil {
			return rejected(err)
		}
		st.Versions += len(res.Added)
		st.Known += res.Known
		st.Merged += res.Merged
		st.progress()
		return nil
	}
	for {
		it, ok := <-checked
		if !ok {
			return flush()
		}
		versions, size := 0, 0
		wait.Reset(commitWait)
		for {
			st.Bytes += int64(it.bytes)
			if it.err != nil {
				pendingErr = it.err
				break
			}
			if it.prep != nil {
				batch = append(batch, it.prep)
				versions += it.prep.Versions()
				size += it.bytes
			}
			if versions >= commitVersions || size >= commitBytes {
				break
			}
			var more bool
			select {
			case it, more = <-checked:
			case <-wait.C:
			}
			if !more {
				break
			}
		}
		// What was checked before a failure is written: it is complete.
		if err := flush(); err != nil {
			return err
		}
		if pendingErr != nil {
			return pendingErr
		}
	}
}

// rejected wraps what the store refused as the peer's fault; a closed
// store is not.
func rejected(err error) error {
	if errors.Is(err, store.ErrClosed) {
		return err
	}
	return &RejectError{Err: err}
}

// RejectError: a peer sent versions this store refuses (bad signature,
// forged merge, invalid content …). The peer is dropped.
type RejectError struct{ Err error }

func (e *RejectError) Error() string { return "refused what the peer sent: " + e.Err.Error() }
func (e *RejectError) Unwrap() error { return e.Err }

// ErrNotMember: a record signed by a machine that is not a current member
// of the studio.
var ErrNotMember = errors.New("not a member of the studio")

// CheckTombstoneAuthors refuses a batch carrying a branch deletion by a
// machine that is not a current member of s's studio, or whose peer ID is
// not its key's (the store checks the signature): sync checks every
// peer's batch with it, and `bundle import` a bundle's.
func CheckTombstoneAuthors(s *store.Store, b *store.Batch) error {
	if len(b.Tombstones) == 0 {
		return nil
	}
	members := CurrentMembers(s)
	for _, t := range b.Tombstones {
		if !strings.HasPrefix(t.Author.PeerID, "ed25519:") {
			// A studio author: its peer ID must be its key's.
			if err := CheckAuthor(t.Author.PeerID, t.PubKey); err != nil {
				return fmt.Errorf("deletion of branch %q: %w", t.Branch, err)
			}
		}
		if !members.Has(t.Author.PeerID) {
			return fmt.Errorf("deletion of branch %q by %s: %w", t.Branch, t.Author.PeerID, ErrNotMember)
		}
	}
	return nil
}
