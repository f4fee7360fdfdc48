package store

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/hashicorp/go-memdb"
	bolt "go.etcd.io/bbolt"

	"cordwain/models"
)

// RememberPeer stores or replaces a sync peer, so it is re-dialled at the
// next start.
func (s *Store) RememberPeer(p Peer) error {
	if err := checkName("peer ID", p.ID); err != nil {
		return fmt.Errorf("remembering peer: %w", err)
	}
	p.Addrs = slices.Clone(p.Addrs)
	b, err := models.Canonical(&p)
	if err != nil {
		return fmt.Errorf("remembering peer %s: %w", p.ID, err)
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	err = s.write(func(tx *bolt.Tx) error { return tx.Bucket(bucketPeers).Put([]byte(p.ID), b) },
		func(txn *memdb.Txn) error { return txn.Insert(tablePeers, &p) },
		Event{Kind: EventPeers})
	if err != nil {
		return fmt.Errorf("remembering peer %s: %w", p.ID, err)
	}
	return nil
}

// ForgetPeer removes a remembered peer; forgetting an unknown one is not
// an error.
func (s *Store) ForgetPeer(id string) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	o, err := s.mem.Txn(false).First(tablePeers, indexID, id)
	if err != nil || o == nil {
		return nil
	}
	err = s.write(func(tx *bolt.Tx) error { return tx.Bucket(bucketPeers).Delete([]byte(id)) },
		func(txn *memdb.Txn) error { return txn.Delete(tablePeers, o) },
		Event{Kind: EventPeers})
	if err != nil {
		return fmt.Errorf("forgetting peer %s: %w", id, err)
	}
	return nil
}

// Peers lists the remembered peers by ID.
func (s *Store) Peers() []Peer {
	it, err := s.mem.Txn(false).Get(tablePeers, indexID)
	if err != nil {
		return nil
	}
	var out []Peer
	for o := it.Next(); o != nil; o = it.Next() {
		p := *o.(*Peer)
		p.Addrs = slices.Clone(p.Addrs)
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b Peer) int { return cmp.Compare(a.ID, b.ID) })
	return out
}
