package p2p

import (
	"fmt"
	"net"

	ma "github.com/multiformats/go-multiaddr"
	manet "github.com/multiformats/go-multiaddr/net"
)

// portsFree checks that no other program listens on the fixed TCP ports
// of the listen addresses. libp2p listens with SO_REUSEPORT (so that TCP
// hole punching can dial from the listening port), which would let a
// second Cordwain on this machine share the studio port and take half
// of the first one's connections; a plain listen refuses a port in use.
func portsFree(listen []string) error {
	for _, s := range listen {
		m, err := ma.NewMultiaddr(s)
		if err != nil {
			continue // libp2p says what is wrong with it
		}
		if port, err := m.ValueForProtocol(ma.P_TCP); err != nil || port == "0" {
			continue
		}
		network, addr, err := manet.DialArgs(m)
		if err != nil {
			continue
		}
		l, err := net.Listen(network, addr)
		if err != nil {
			return fmt.Errorf("p2p: %s is taken: %w", s, err)
		}
		l.Close()
	}
	return nil
}
