package gen

import (
	"bytes"
	"cmp"
	"fmt"
	"net/netip"
	"slices"
)

// virtualService is one IPVS virtual service kube-proxy programs.
type virtualService struct {
	proto      string // TCP or UDP
	addr       netip.AddrPort
	persistent bool
	dests      []netip.AddrPort
}

// virtualServices returns the IPVS table kube-proxy programs on node n
// (B1, B5–B7, B12), in the order ipvsadm lists it.
func (c *cluster) virtualServices(n *node) []virtualService {
	var table []virtualService
	add := func(s *service, p svcPort, vip netip.Addr, port int32, eps []*pod) {
		vs := virtualService{proto: p.proto, addr: netip.AddrPortFrom(vip, uint16(port)), persistent: s.affinity}
		for _, ep := range eps {
			vs.dests = append(vs.dests, netip.AddrPortFrom(ep.ip, uint16(p.target)))
		}
		slices.SortFunc(vs.dests, cmpDest)
		table = append(table, vs)
	}
	for _, s := range c.services {
		ext := c.realServers(s, n)
		for _, p := range s.ports {
			add(s, p, s.clusterIP, p.port, s.eps)
			if !s.external() {
				continue
			}
			for _, a := range n.addrs() {
				add(s, p, a, p.nodePort, ext)
			}
			if s.lbIP.IsValid() {
				add(s, p, s.lbIP, p.port, ext)
			}
		}
	}
	slices.SortFunc(table, cmpService)
	return table
}

// cmpService orders virtual services as libipvs's ipvs_cmp_services does:
// by protocol, then address, then port, where the address difference is
// computed in 32 bits and read as a signed int, so that addresses 2³¹ or
// more above another sort before it (192.168.x.x before 10.96.x.x). For the
// address ranges of this package that order is total.
func cmpService(a, b virtualService) int {
	if r := cmp.Compare(protoNum(a.proto), protoNum(b.proto)); r != 0 {
		return r
	}
	return cmpDest(a.addr, b.addr)
}

// cmpDest orders addresses and ports as libipvs's ipvs_cmp_dests does.
func cmpDest(a, b netip.AddrPort) int {
	if r := int32(addrUint(a.Addr()) - addrUint(b.Addr())); r != 0 {
		return cmp.Compare(r, 0)
	}
	return cmp.Compare(a.Port(), b.Port())
}

func addrUint(a netip.Addr) uint32 {
	b := a.As4()
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

func protoNum(p string) int {
	if p == "UDP" {
		return 17
	}
	return 6
}

// ipvsadm prints `ipvsadm -Ln` (ipvsadm 1.31) of node n. The connection
// counters are made up.
func (c *cluster) ipvsadm(n *node) []byte {
	r := rng(c.cfg.Seed, "ipvsadm/"+n.name)
	var b bytes.Buffer
	b.WriteString("IP Virtual Server version 1.2.1 (size=4096)\n")
	b.WriteString("Prot LocalAddress:Port Scheduler Flags\n")
	b.WriteString("  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n")
	for _, vs := range c.virtualServices(n) {
		fmt.Fprintf(&b, "%-4s %s rr", vs.proto, vs.addr)
		if vs.persistent {
			b.WriteString(" persistent 10800")
		}
		b.WriteByte('\n')
		for _, d := range vs.dests {
			active, inactive := r.IntN(8), r.IntN(4)
			if vs.proto == "UDP" {
				active = 0
			}
			fmt.Fprintf(&b, "  -> %-28s %-7s %-6d %-10d %-10d\n", d, "Masq", 1, active, inactive)
		}
	}
	return b.Bytes()
}
