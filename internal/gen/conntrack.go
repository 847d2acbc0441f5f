package gen

import (
	"bufio"
	"io"
	"math/rand/v2"
	"net/netip"
	"strconv"
)

// The addresses outside the cluster that flows come from or go to.
var (
	externalClients = netip.MustParseAddr("192.0.2.1")   // first of 254 clients of NodePorts
	monitoring      = netip.MustParseAddr("192.0.2.250") // scrapes node-1's kubelet
	internet        = netip.MustParseAddr("198.18.0.1")  // first of 65536 hosts pods reach
)

// target is a Service port flows are opened to, with the real servers
// IPVS picks from.
type target struct {
	s   *service
	p   svcPort
	eps []*pod
}

// flowPlan is what the flows of one node's conntrack table are drawn from.
type flowPlan struct {
	n         *node
	clients   []*pod     // pods on the node's pod network
	clusterIP []target   // TCP ClusterIP ports
	dns       []*pod     // kube-dns endpoints
	nodePorts []target   // TCP NodePorts with real servers on this node (eTP=Local) or anywhere
	lbs       []target   // TCP LoadBalancer ports with real servers
	pods      []*pod     // every pod-network pod, for direct pod-to-pod flows
	peer      netip.Addr // the node whose kubelet clients (the API server) connect from
}

func (c *cluster) flowPlan(n *node) *flowPlan {
	fp := &flowPlan{n: n, clients: n.clients, peer: c.nodes[0].ip}
	if n.idx == 0 {
		fp.peer = monitoring
	}
	for _, s := range c.services {
		if s.name == "kube-dns" && s.ns == "kube-system" {
			fp.dns = s.eps
		}
		ext := c.realServers(s, n)
		for _, p := range s.ports {
			if p.proto != "TCP" {
				continue
			}
			fp.clusterIP = append(fp.clusterIP, target{s, p, s.eps})
			if len(ext) == 0 || !s.external() {
				continue
			}
			if !s.local || ext[0].node == n { // no flows through the B7 fallback
				fp.nodePorts = append(fp.nodePorts, target{s, p, ext})
			}
			if s.lbIP.IsValid() {
				fp.lbs = append(fp.lbs, target{s, p, ext})
			}
		}
	}
	for _, p := range c.pods {
		if !p.hostNetwork {
			fp.pods = append(fp.pods, p)
		}
	}
	return fp
}

// writeConntrack writes `conntrack -L -o extended` of node n with the given
// number of flows, one line at a time.
func (c *cluster) writeConntrack(w io.Writer, n *node, flows int) error {
	r := rng(c.cfg.Seed, "conntrack/"+n.name)
	fp := c.flowPlan(n)
	bw := bufio.NewWriterSize(w, 256<<10)
	line := make([]byte, 0, 512)
	for range flows {
		line = fp.appendFlow(line[:0], r)
		if _, err := bw.Write(line); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// tuple is one direction of a flow.
type tuple struct {
	src, dst     netip.Addr
	sport, dport uint16
}

// The flow mix, in thousandths: each kind takes the flows up to its bound.
const (
	mixEstablished = 560 // pod → ClusterIP, ESTABLISHED
	mixTimeWait    = 640
	mixFinWait     = 650
	mixCloseWait   = 660
	mixSynSent     = 690 // pod → ClusterIP, SYN_SENT [UNREPLIED]
	mixDNS         = 790 // pod → kube-dns VIP over UDP
	mixDNSLost     = 810 // the same, [UNREPLIED]
	mixNodePort    = 860 // external client → node IP:NodePort
	mixLB          = 890 // pod → LoadBalancer IP
	mixKubelet     = 910 // API server → kubelet: local, no DNAT
	mixInternet    = 960 // pod → internet, masqueraded by flannel: not local
	mixPodToPod    = 990 // pod → pod, no NAT: not local
	// the rest: ICMP echo to the internet
)

// appendFlow appends one random flow line.
func (fp *flowPlan) appendFlow(b []byte, r *rand.Rand) []byte {
	n := fp.n
	client := fp.clients[r.IntN(len(fp.clients))]
	sport := uint16(32768 + r.IntN(28232))
	k := r.IntN(1000)
	if k >= mixDNSLost && k < mixNodePort && len(fp.nodePorts) == 0 || k >= mixNodePort && k < mixLB && len(fp.lbs) == 0 {
		k = 0 // no such Services: a ClusterIP flow instead
	}
	switch {
	case k < mixSynSent:
		t := fp.clusterIP[r.IntN(len(fp.clusterIP))]
		ep := t.eps[r.IntN(len(t.eps))]
		orig := tuple{client.ip, t.s.clusterIP, sport, uint16(t.p.port)}
		reply := tuple{ep.ip, client.ip, uint16(t.p.target), sport}
		if ep == client { // hairpin: KUBE-LOOP-BACK masquerades to the bridge
			reply.dst = n.cni
		}
		switch {
		case k < mixEstablished:
			return appendFlow(b, "tcp      6 ", 300+r.IntN(86100), "ESTABLISHED", orig, reply, false, true)
		case k < mixTimeWait:
			return appendFlow(b, "tcp      6 ", 1+r.IntN(120), "TIME_WAIT", orig, reply, false, true)
		case k < mixFinWait:
			return appendFlow(b, "tcp      6 ", 1+r.IntN(120), "FIN_WAIT", orig, reply, false, true)
		case k < mixCloseWait:
			return appendFlow(b, "tcp      6 ", 1+r.IntN(3600), "CLOSE_WAIT", orig, reply, false, true)
		}
		return appendFlow(b, "tcp      6 ", 1+r.IntN(120), "SYN_SENT", orig, reply, true, false)
	case k < mixDNSLost:
		ep := fp.dns[r.IntN(len(fp.dns))]
		orig := tuple{client.ip, kubeDNSVIP, sport, 53}
		reply := tuple{ep.ip, client.ip, 53, sport}
		return appendFlow(b, "udp      17 ", 1+r.IntN(30), "", orig, reply, k >= mixDNS, false)
	case k < mixNodePort:
		t := fp.nodePorts[r.IntN(len(fp.nodePorts))]
		ep := t.eps[r.IntN(len(t.eps))]
		from := addrAdd(externalClients, uint32(r.IntN(254)))
		orig := tuple{from, n.ip, sport, uint16(t.p.nodePort)}
		reply := tuple{ep.ip, from, uint16(t.p.target), sport}
		if !t.s.local {
			reply.dst = n.snat(ep)
		}
		return appendFlow(b, "tcp      6 ", 300+r.IntN(86100), "ESTABLISHED", orig, reply, false, true)
	case k < mixLB:
		t := fp.lbs[r.IntN(len(fp.lbs))]
		ep := t.eps[r.IntN(len(t.eps))]
		orig := tuple{client.ip, t.s.lbIP, sport, uint16(t.p.port)}
		reply := tuple{ep.ip, client.ip, uint16(t.p.target), sport}
		if !t.s.local { // KUBE-LOAD-BALANCER marks every source for masquerade
			reply.dst = n.snat(ep)
		}
		return appendFlow(b, "tcp      6 ", 300+r.IntN(86100), "ESTABLISHED", orig, reply, false, true)
	case k < mixKubelet:
		orig := tuple{fp.peer, n.ip, sport, 10250}
		return appendFlow(b, "tcp      6 ", 300+r.IntN(86100), "ESTABLISHED", orig, orig.reverse(), false, true)
	case k < mixInternet:
		ext := addrAdd(internet, uint32(r.IntN(1<<16)))
		orig := tuple{client.ip, ext, sport, 443}
		reply := tuple{ext, n.ip, 443, sport}
		return appendFlow(b, "tcp      6 ", 300+r.IntN(86100), "ESTABLISHED", orig, reply, false, true)
	case k < mixPodToPod:
		to := fp.pods[r.IntN(len(fp.pods))]
		orig := tuple{client.ip, to.ip, sport, 8080}
		return appendFlow(b, "tcp      6 ", 300+r.IntN(86100), "ESTABLISHED", orig, orig.reverse(), false, true)
	}
	ext := addrAdd(internet, uint32(r.IntN(1<<16)))
	id := strconv.Itoa(r.IntN(65536))
	b = append(b, "ipv4     2 icmp     1 "...)
	b = strconv.AppendInt(b, int64(1+r.IntN(30)), 10)
	b = appendAddrs(b, client.ip, ext)
	b = append(b, " type=8 code=0 id="+id...)
	b = appendAddrs(b, ext, n.ip)
	return append(b, " type=0 code=0 id="+id+" mark=0 use=1\n"...)
}

func (t tuple) reverse() tuple { return tuple{t.dst, t.src, t.dport, t.sport} }

// snat returns the address masquerading gives a flow from n to ep: the
// address of the interface that leads to it.
func (n *node) snat(ep *pod) netip.Addr {
	switch {
	case ep.hostNetwork:
		return n.ip
	case ep.node == n:
		return n.cni
	}
	return n.flannel
}

// appendFlow appends one line as libnetfilter_conntrack prints it with
// -o extended and without counters or timestamps. state is "" for UDP.
func appendFlow(b []byte, proto string, timeout int, state string, orig, reply tuple, unreplied, assured bool) []byte {
	b = append(b, "ipv4     2 "...)
	b = append(b, proto...)
	b = strconv.AppendInt(b, int64(timeout), 10)
	if state != "" {
		b = append(b, ' ')
		b = append(b, state...)
	}
	b = appendTuple(b, orig)
	if unreplied {
		b = append(b, " [UNREPLIED]"...)
	}
	b = appendTuple(b, reply)
	if assured {
		b = append(b, " [ASSURED]"...)
	}
	return append(b, " mark=0 use=1\n"...)
}

func appendTuple(b []byte, t tuple) []byte {
	b = appendAddrs(b, t.src, t.dst)
	b = append(b, " sport="...)
	b = strconv.AppendUint(b, uint64(t.sport), 10)
	b = append(b, " dport="...)
	return strconv.AppendUint(b, uint64(t.dport), 10)
}

func appendAddrs(b []byte, src, dst netip.Addr) []byte {
	b = append(b, " src="...)
	b = src.AppendTo(b)
	b = append(b, " dst="...)
	return dst.AppendTo(b)
}
