//go:build !windows

package store

import "strconv"

// initialMmap is how much of the store file bbolt maps when it opens it.
// A file that grows past its mapping is mapped again, and every page a
// write transaction holds is first copied out of the old mapping: a new
// peer pulling 10,000 versions grew its file through a dozen mappings.
// Mapping more than the file holds costs address space only (pages are
// read in when touched), so the first gigabyte is mapped at once, on a
// 64-bit machine (0 on a 32-bit one: the file's own size).
const initialMmap = 1 << 30 >> (64 - strconv.IntSize)
