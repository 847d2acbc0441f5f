package ipaddr

import (
	"bufio"
	"encoding/json"
	"io"
	"net/netip"
	"slices"
	"strings"

	"github.com/ipvslint/ipvslint/analyze/source"
)

// Form is how an `ip addr` capture was printed. The zero Form means nothing
// was read (an empty capture, or a failure).
type Form string

// The forms [Parse] recognises.
const (
	FormText    Form = "text"    // ip [-d] addr
	FormOneLine Form = "oneline" // ip -o addr: records joined with a backslash
	FormJSON    Form = "json"    // ip -j [-d] addr
)

// Result is one parsed `ip addr` capture. The zero Result has no interface.
type Result struct {
	// Form is how the capture was printed.
	Form Form `json:"form,omitempty"`
	// Interfaces are the links in the order printed.
	Interfaces []*Interface `json:"interfaces"`
	// Failure is set when the capture holds a failure message instead of
	// output; Interfaces is then empty.
	Failure *source.Failure `json:"failure,omitempty"`
	// Warnings are the lines understood only in part, or not at all.
	Warnings []source.Warning `json:"warnings,omitempty"`
	// Partial reports that address lines were read without their link
	// line: a grep'd fragment, or a paste that starts inside an interface.
	// The capture may then lack interfaces and addresses.
	Partial bool `json:"partial,omitempty"`
}

// Interface is one link with its addresses. Fields the capture does not show
// (flags and state in `ip -o addr`, Kind without -d) are zero.
type Interface struct {
	// Index is the interface index ("3" of "3: eth0@if2:"); 0 when the
	// capture has no link line for it (see [ParseDevice]).
	Index int `json:"index"`
	// Name is the interface name, without the "@link" part; "" for the
	// addresses of a fragment that nothing names the interface of.
	Name string `json:"name"`
	// Link is what follows "@" in the text form: a name ("eth0"), "ifN" when
	// the peer is in another network namespace, or "NONE". From JSON it is
	// the "link" name, "NONE" for null, or "ifN" from "link_index". It is
	// empty when the interface has no link.
	Link string `json:"link,omitempty"`
	// Flags are the link flags as printed, such as "BROADCAST", "NOARP", "UP".
	Flags []string `json:"flags,omitempty"`
	// MTU is the link MTU; 0 when unknown.
	MTU int `json:"mtu,omitempty"`
	// Qdisc is the queueing discipline ("noqueue", "noop", ...).
	Qdisc string `json:"qdisc,omitempty"`
	// Master is the name of the master device (a bridge or bond), if any.
	Master string `json:"master,omitempty"`
	// State is the operational state: UNKNOWN, NOTPRESENT, DOWN,
	// LOWERLAYERDOWN, TESTING, DORMANT or UP.
	State string `json:"state,omitempty"`
	// Group is the interface group ("default").
	Group string `json:"group,omitempty"`
	// TxQueueLen is the transmit queue length ("qlen"); 0 when not printed.
	TxQueueLen int `json:"txQueueLen,omitempty"`
	// Kind is the link kind from `ip -d addr` ("dummy", "veth", "bridge",
	// "vxlan", "macvlan", ...); empty when not shown or for a plain device.
	Kind string `json:"kind,omitempty"`
	// SlaveKind is the kind of the master this link is enslaved to, from the
	// "<kind>_slave" line of -d output ("bridge" for "bridge_slave").
	SlaveKind string `json:"slaveKind,omitempty"`
	// LinkType is the link-layer type: "ether", "loopback", "none", ...
	LinkType string `json:"linkType,omitempty"`
	// MAC is the link-layer address as printed; empty when there is none.
	MAC string `json:"mac,omitempty"`
	// Broadcast is the link-layer broadcast address as printed.
	Broadcast string `json:"broadcast,omitempty"`
	// AltNames are the alternative names ("altname" lines).
	AltNames []string `json:"altNames,omitempty"`
	// Extra holds the tokens of the text link and "link/" lines that are not
	// read into a field, in order ("link-netns", "ippeer", "promiscuity",
	// "0", ...). JSON keys are not kept here.
	Extra []string `json:"extra,omitempty"`
	// Addresses are the interface's addresses in the order printed.
	Addresses []Address `json:"addresses"`
	// Pos is the line of the link line (of the first address line in
	// `ip -o addr`).
	Pos source.Pos `json:"pos"`
}

// Address is one IPv4 or IPv6 address of an interface. The parts of an
// address line that a kube-ipvs0 address never has (a peer, a broadcast
// address, flags, tokens not understood) are read through methods, so that
// the 10,000 and more addresses of a large cluster's kube-ipvs0 take 128
// bytes each rather than 216; the JSON form has them all as fields.
type Address struct {
	// Prefix is the address with its prefix length, not masked:
	// 192.168.10.11/24. With a peer, the prefix length is the peer's.
	Prefix netip.Prefix
	// Scope is "global", "host", "link", "site" or a number.
	Scope string
	// Label is the IPv4 label ("eth0", "eth0:vip"); IPv6 addresses have none.
	Label string
	// ValidLft and PreferredLft are the lifetimes as ip prints them:
	// "forever" or "<N>sec" (JSON 4294967295 is "forever"). They are empty
	// when the capture does not show them.
	ValidLft     string
	PreferredLft string
	// Pos is the line of the address line.
	Pos source.Pos

	more *addressMore // nil when the line holds none of it
}

// addressMore holds the parts of an address line that a kube-ipvs0
// address never has.
type addressMore struct {
	peer, broadcast netip.Addr
	flags, extra    []string
}

// parts returns a.more to read, or empty parts when a has none.
func (a *Address) parts() *addressMore {
	if a.more == nil {
		return &addressMore{}
	}
	return a.more
}

// moreFields returns a.more to write, made on first use.
func (a *Address) moreFields() *addressMore {
	if a.more == nil {
		a.more = &addressMore{}
	}
	return a.more
}

// addExtra adds tokens not read into a field.
func (a *Address) addExtra(tokens ...string) {
	m := a.moreFields()
	m.extra = append(m.extra, tokens...)
}

// Peer returns the peer address of a point-to-point address ("peer"); the
// zero Addr when there is none.
func (a *Address) Peer() netip.Addr { return a.parts().peer }

// Broadcast returns the broadcast address ("brd"); the zero Addr when none.
func (a *Address) Broadcast() netip.Addr { return a.parts().broadcast }

// Flags returns the address flags in printed order: "secondary",
// "temporary", "nodad", "dynamic", "noprefixroute", ... Unknown words in
// the flag position are kept too. nil when none.
func (a *Address) Flags() []string { return a.parts().flags }

// Extra returns the tokens not read into a field, in text form: "metric
// N", "any A", "proto P", "flags NN". nil when none.
func (a *Address) Extra() []string { return a.parts().extra }

// addressJSON is the JSON form of an [Address].
type addressJSON struct {
	Prefix       netip.Prefix `json:"prefix"`
	Peer         netip.Addr   `json:"peer,omitzero"`
	Broadcast    netip.Addr   `json:"broadcast,omitzero"`
	Scope        string       `json:"scope,omitempty"`
	Flags        []string     `json:"flags,omitempty"`
	Label        string       `json:"label,omitempty"`
	ValidLft     string       `json:"validLft,omitempty"`
	PreferredLft string       `json:"preferredLft,omitempty"`
	Extra        []string     `json:"extra,omitempty"`
	Pos          source.Pos   `json:"pos"`
}

// MarshalJSON writes every part of a as a field.
func (a Address) MarshalJSON() ([]byte, error) {
	m := a.parts()
	return json.Marshal(addressJSON{a.Prefix, m.peer, m.broadcast, a.Scope, m.flags, a.Label, a.ValidLft, a.PreferredLft, m.extra, a.Pos})
}

// Merge adds the interfaces and addresses of another fragment of the same
// node's `ip addr` output to r, as when a ticket pastes several grep'd
// pieces: an interface that no link line introduced (Index 0) takes the
// addresses of the one of the same name in o, other interfaces are appended.
// Warnings and Failure stay with their captures.
func (r *Result) Merge(o *Result) {
	for _, it := range o.Interfaces {
		i := slices.IndexFunc(r.Interfaces, func(x *Interface) bool { return x.Name == it.Name && x.Index == it.Index })
		if i >= 0 && it.Index == 0 {
			r.Interfaces[i].Addresses = append(r.Interfaces[i].Addresses, it.Addresses...)
			continue
		}
		r.Interfaces = append(r.Interfaces, it)
	}
	r.Partial = r.Partial || o.Partial
}

// Interface returns the interface with the given name, or nil.
func (r *Result) Interface(name string) *Interface {
	for _, it := range r.Interfaces {
		if it.Name == name {
			return it
		}
	}
	return nil
}

// Addrs returns the distinct IP addresses of the interface, without prefix
// lengths, in the order first printed.
func (it *Interface) Addrs() []netip.Addr {
	out := make([]netip.Addr, 0, len(it.Addresses))
	seen := make(map[netip.Addr]bool, len(it.Addresses)) // kube-ipvs0 holds thousands
	for _, a := range it.Addresses {
		if ip := a.Prefix.Addr(); !seen[ip] {
			seen[ip] = true
			out = append(out, ip)
		}
	}
	return out
}

// Address returns the first address of the interface equal to ip (whatever
// its prefix length), or nil.
func (it *Interface) Address(ip netip.Addr) *Address {
	for i := range it.Addresses {
		if it.Addresses[i].Prefix.Addr() == ip {
			return &it.Addresses[i]
		}
	}
	return nil
}

// HasFlag reports whether the interface has the named link flag ("UP",
// "NOARP", ...).
func (it *Interface) HasFlag(flag string) bool {
	return slices.Contains(it.Flags, flag)
}

// Parse reads one `ip addr` capture in any of its forms (see the package
// documentation). at names the capture and the line number of its first
// line. It returns an error only when the input holds no line of `ip addr`
// output at all; odd lines become warnings.
func Parse(r io.Reader, at source.Pos) (*Result, error) {
	return ParseDevice(r, at, "")
}

// ParseDevice is [Parse] for the output of a command that names the
// interface it shows, dev ("kube-ipvs0" of `ip addr show dev kube-ipvs0 |
// grep -A1 10.96`): address lines that come without their link line and
// whose IPv4 label does not say otherwise are dev's. dev "" is [Parse].
func ParseDevice(r io.Reader, at source.Pos, dev string) (*Result, error) {
	if at.Line < 1 {
		at.Line = 1
	}
	br := bufio.NewReader(r)
	// Skip blank lines and find the first character: '[' starts JSON.
	var indent []byte
	for {
		b, err := br.ReadByte()
		if err == io.EOF {
			return &Result{Interfaces: []*Interface{}}, nil
		}
		if err != nil {
			return nil, &source.ParseError{Pos: at, Err: err}
		}
		switch b {
		case '\n':
			at.Line++
			indent = indent[:0]
			continue
		case ' ', '\t', '\r':
			indent = append(indent, b)
			continue
		}
		if err := br.UnreadByte(); err != nil {
			return nil, &source.ParseError{Pos: at, Err: err}
		}
		var res *Result
		if b == '[' {
			res, err = parseJSON(br, at)
		} else {
			res, err = parseText(io.MultiReader(strings.NewReader(string(indent)), br), at, dev)
		}
		if res != nil {
			res.fit()
		}
		return res, err
	}
}

// failure reports whether line is a failure message printed instead of
// `ip addr` output.
func failure(line string) bool {
	return strings.HasPrefix(line, `Device "`) && strings.HasSuffix(line, `" does not exist.`) ||
		strings.HasPrefix(line, "Error: ") ||
		source.ShellFailure(line)
}

// fit drops the room that appending left at the end of long address
// lists, which the result would keep as long as it lives: kube-ipvs0 holds
// an address for every Service IP, 10,000 and more in a large cluster.
func (r *Result) fit() {
	for _, it := range r.Interfaces {
		if cap(it.Addresses)-len(it.Addresses) > len(it.Addresses)/8 {
			it.Addresses = slices.Clone(it.Addresses)
		}
	}
}
