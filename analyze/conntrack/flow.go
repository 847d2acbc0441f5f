package conntrack

import (
	"net/netip"

	"github.com/ipvslint/ipvslint/analyze/source"
)

// Format is the output format a table was printed in. The zero Format means
// no flow has been read yet (or the input held none).
type Format string

// The formats a [Reader] recognises.
const (
	FormatDefault  Format = "default"  // conntrack -L
	FormatExtended Format = "extended" // conntrack -L -o extended: "ipv4     2 " before each line
	FormatProc     Format = "proc"     // /proc/net/nf_conntrack: extended, plus zone=0, full IPv6, GRE timeouts
	FormatXML      Format = "xml"      // conntrack -L -o xml
	FormatEvents   Format = "events"   // conntrack -E: "[NEW]", "[UPDATE]", "[DESTROY]" before each line
)

// Flow is one connection-tracking entry. Fields the capture did not print
// keep their zero value, except Timeout, which is -1 when absent.
type Flow struct {
	Pos source.Pos `json:"pos"` // where the line (or the <flow> element) starts

	// Event is "NEW", "UPDATE" or "DESTROY" for a `conntrack -E` line, and
	// empty for a table entry. Time is the event's "sec.usec" timestamp
	// (`-o timestamp`), empty when not printed.
	Event string `json:"event,omitempty"`
	Time  string `json:"time,omitempty"`

	L3       string `json:"l3"`       // "ipv4" or "ipv6"
	Proto    string `json:"proto"`    // layer-4 name as printed: "tcp", "udp", "icmp", ..., "unknown"
	ProtoNum uint8  `json:"protoNum"` // layer-4 protocol number
	Timeout  int64  `json:"timeout"`  // seconds left; -1 when absent (OFFLOAD flows in /proc)
	State    string `json:"state,omitempty"`

	Orig  Tuple `json:"orig"`  // the original direction: client to service
	Reply Tuple `json:"reply"` // the expected reply: NAT shows here

	Unreplied bool `json:"unreplied,omitempty"` // [UNREPLIED]: no packet seen in the reply direction
	Assured   bool `json:"assured,omitempty"`   // [ASSURED]
	Offload   bool `json:"offload,omitempty"`   // [OFFLOAD]
	HWOffload bool `json:"hwOffload,omitempty"` // [HW_OFFLOAD]

	Mark      uint32   `json:"mark,omitempty"`
	Secmark   uint32   `json:"secmark,omitempty"`
	Zone      uint16   `json:"zone,omitempty"`
	DeltaTime uint64   `json:"deltaTime,omitempty"` // delta-time= (seconds since the flow started)
	Start     string   `json:"start,omitempty"`     // [start=...] (-o ktimestamp), or <start> ns in XML
	Stop      string   `json:"stop,omitempty"`      // [stop=...], or <stop> ns in XML
	Helper    string   `json:"helper,omitempty"`
	Use       uint32   `json:"use,omitempty"` // reference count; one higher in /proc
	ID        uint32   `json:"id,omitempty"`  // -o id
	Labels    []string `json:"labels,omitempty"`

	// Extra holds the tokens the parser does not know, in order, verbatim:
	// `secctx=...`, `[USERSPACE]`, `portid=N`, vendor keys such as
	// `Service=slb.test`, and the /proc GRE `timeout=N`/`stream_timeout=N`
	// (without their comma). XML elements it does not know appear as
	// `name=text`.
	Extra []string `json:"extra,omitempty"`
}

// Tuple is one direction of a flow. Which of the layer-4 fields are set
// depends on the protocol: ports for TCP, UDP, UDP-Lite, SCTP and DCCP;
// Type, Code and ID for ICMP and ICMPv6; SrcKey and DstKey for GRE. Zero
// fields are left out of the JSON form.
type Tuple struct {
	Src     netip.Addr `json:"src"`
	Dst     netip.Addr `json:"dst"`
	Sport   uint16     `json:"sport,omitempty"`
	Dport   uint16     `json:"dport,omitempty"`
	Type    uint8      `json:"type,omitempty"`
	Code    uint8      `json:"code,omitempty"`
	ID      uint16     `json:"id,omitempty"`
	SrcKey  uint16     `json:"srcKey,omitempty"`
	DstKey  uint16     `json:"dstKey,omitempty"`
	Packets uint64     `json:"packets,omitempty"`
	Bytes   uint64     `json:"bytes,omitempty"`
	Zone    uint16     `json:"zone,omitempty"` // zone-orig= / zone-reply=
}

// The protocol numbers the grammar names.
const (
	protoICMP    = 1
	protoTCP     = 6
	protoUDP     = 17
	protoDCCP    = 33
	protoGRE     = 47
	protoICMPv6  = 58
	protoSCTP    = 132
	protoUDPLite = 136
)

// protoNames holds the layer-4 names libnetfilter_conntrack and the kernel
// print ("unknown" for any other protocol), one string each, so that parsing
// a name does not allocate.
var protoNames = map[string]string{
	"tcp": "tcp", "udp": "udp", "udplite": "udplite", "icmp": "icmp",
	"icmpv6": "icmpv6", "sctp": "sctp", "gre": "gre", "dccp": "dccp",
	"unknown": "unknown",
}

// protoKeys are the upper-case protocol names used in [Dest] keys.
var protoKeys = map[uint8]string{
	protoTCP: "TCP", protoUDP: "UDP", protoUDPLite: "UDPLITE", protoICMP: "ICMP",
	protoICMPv6: "ICMPV6", protoSCTP: "SCTP", protoGRE: "GRE", protoDCCP: "DCCP",
}

// hasPorts reports whether tuples of protocol p carry ports.
func hasPorts(p uint8) bool {
	switch p {
	case protoTCP, protoUDP, protoUDPLite, protoSCTP, protoDCCP:
		return true
	}
	return false
}

// isICMP reports whether tuples of protocol p carry type, code and id.
func isICMP(p uint8) bool { return p == protoICMP || p == protoICMPv6 }

// State tables, in the kernel's numbering (spec 2.1).
var (
	tcpStates  = []string{"NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT", "CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE", "SYN_SENT2"}
	sctpStates = []string{"NONE", "CLOSED", "COOKIE_WAIT", "COOKIE_ECHOED", "ESTABLISHED", "SHUTDOWN_SENT", "SHUTDOWN_RECD", "SHUTDOWN_ACK_SENT", "HEARTBEAT_SENT", "HEARTBEAT_ACKED"}
	dccpStates = []string{"NONE", "REQUEST", "RESPOND", "PARTOPEN", "OPEN", "CLOSEREQ", "CLOSING", "TIMEWAIT", "IGNORE", "INVALID"}
)

// knownStates holds one string per state name so that parsing a state does
// not allocate.
var knownStates = func() map[string]string {
	m := map[string]string{"LISTEN": "LISTEN"}
	for _, t := range [][]string{tcpStates, sctpStates, dccpStates} {
		for _, s := range t {
			m[s] = s
		}
	}
	return m
}()

// internState returns b as a string, shared for known state names.
func internState(b []byte) string {
	if s, ok := knownStates[string(b)]; ok {
		return s
	}
	return string(b)
}
