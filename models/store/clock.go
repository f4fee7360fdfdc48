package store

import (
	"sync"
	"time"

	"cordwain/models"
)

// maxDrift bounds how far ahead of our wall clock a remote reading may pull
// the clock: a peer with a clock years ahead (or a hostile one) must not
// drag every later version of the studio into the future.
const maxDrift = 24 * time.Hour

// Clock is a hybrid logical clock: readings follow wall time when it moves
// forward and a logical counter otherwise, and they never go backwards,
// even when the wall clock does or a peer's clock is ahead. Safe for
// concurrent use.
type Clock struct {
	mu   sync.Mutex
	wall func() int64 // Unix milliseconds
	last models.HLC
}

// NewClock returns a clock reading wall (Unix milliseconds); nil means the
// system clock.
func NewClock(wall func() int64) *Clock {
	if wall == nil {
		wall = func() int64 { return time.Now().UnixMilli() }
	}
	return &Clock{wall: wall}
}

// Now returns a reading later than every earlier reading and every
// observed one.
func (c *Clock) Now() models.HLC {
	c.mu.Lock()
	defer c.mu.Unlock()
	pt := c.wall()
	if pt > c.last.Wall {
		c.last = models.HLC{Wall: pt}
	} else {
		c.last = next(c.last)
	}
	return c.last
}

// Observe merges a remote reading so later readings come after it. A
// reading more than a day ahead of the wall clock is ignored.
func (c *Clock) Observe(remote models.HLC) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if remote.Wall > c.wall()+maxDrift.Milliseconds() {
		return
	}
	if c.last.Less(remote) {
		c.last = remote
	}
}

// After is the time of a new version on top of one of time parent: a
// reading (Now) after parent. A parent from a clock ahead of this one is
// observed first; one too far ahead to observe gets the reading just
// after it.
func (c *Clock) After(parent models.HLC) models.HLC {
	t := c.Now()
	if !parent.Less(t) {
		c.Observe(parent)
		if t = c.Now(); !parent.Less(t) {
			t = next(parent)
		}
	}
	return t
}

// next is the smallest reading after h.
func next(h models.HLC) models.HLC {
	if h.Logical == ^uint32(0) {
		return models.HLC{Wall: h.Wall + 1}
	}
	return models.HLC{Wall: h.Wall, Logical: h.Logical + 1}
}
