package snapshot

import (
	"net/netip"
	"time"

	"github.com/ipvslint/ipvslint/analyze/bundle"
	"github.com/ipvslint/ipvslint/analyze/conntrack"
	"github.com/ipvslint/ipvslint/analyze/ipaddr"
	"github.com/ipvslint/ipvslint/analyze/ipvs"
	"github.com/ipvslint/ipvslint/analyze/kube"
	"github.com/ipvslint/ipvslint/analyze/source"
	"github.com/ipvslint/ipvslint/analyze/ss"
	"github.com/ipvslint/ipvslint/analyze/sysctl"
	"github.com/ipvslint/ipvslint/analyze/uname"
)

// IPVSInterface is the dummy interface on which kube-proxy binds every
// Service VIP in IPVS mode.
const IPVSInterface = "kube-ipvs0"

// Snapshot is what one run read from its bundle arguments.
type Snapshot struct {
	Bundles []*Bundle `json:"bundles"`
	Cluster *Cluster  `json:"cluster"`
	Nodes   []*Node   `json:"nodes"` // sorted by name
}

// Bundle is one bundle argument as read.
type Bundle struct {
	Arg       string            `json:"arg"`
	Format    string            `json:"format"` // container: dir, file, tar, tar.gz, gzip, zip
	Loose     bool              `json:"loose"`
	CreatedAt time.Time         `json:"createdAt,omitzero"` // from the manifest; zero in loose mode
	Collector string            `json:"collector,omitempty"`
	Ignored   []bundle.Ignored  `json:"ignored,omitempty"`
	Warnings  []source.Warning  `json:"warnings,omitempty"`
	manifest  *bundle.Manifest  // nil in loose mode
	sums      map[string]string // capture path -> sha256
}

// Redacted reports whether the bundle's manifest says it was redacted
// (ipvslint redact); false for loose captures, which have no manifest.
func (b *Bundle) Redacted() bool { return b.manifest != nil && b.manifest.Redacted }

// Status says what became of a capture.
type Status string

// The statuses of a capture.
const (
	StatusOK      Status = "ok"      // parsed
	StatusEmpty   Status = "empty"   // no bytes, or only blank lines
	StatusFailed  Status = "failed"  // holds the command's error text, or the command exited non-zero with no output
	StatusInvalid Status = "invalid" // the parser could not read it at all: Detail has the error
	StatusKept    Status = "kept"    // a capture ipvslint keeps but does not parse (iptables-save, ipset...)
)

// Capture is one capture as read: a bundle file, or a piece of a pasted
// transcript.
type Capture struct {
	Bundle  string      `json:"bundle"`
	Path    string      `json:"path"`
	Line    int         `json:"line"`
	Kind    bundle.Kind `json:"kind"`
	Format  string      `json:"format,omitempty"` // the variant the parser saw (ipvsadm "stats", conntrack "extended"...)
	Command string      `json:"command,omitempty"`
	// Device is the interface an ip addr capture's command names
	// (bundle.CommandDevice): the capture shows only that one. "" when the
	// command names none.
	Device   string           `json:"-"`
	Status   Status           `json:"status"`
	Detail   string           `json:"detail,omitempty"`   // the failure text or parse error; a one-line description otherwise
	ExitCode *int             `json:"exitCode,omitempty"` // from the manifest
	Counts   []Count          `json:"counts,omitempty"`
	Unused   string           `json:"unused,omitempty"` // why the node does not use it (another capture of the same slot came first)
	Warnings []source.Warning `json:"warnings,omitempty"`
	Bytes    int64            `json:"bytes"`
	err      error            // why the parser could not read it, for Build's error
}

// Pos returns the place of the capture's first line.
func (c *Capture) Pos() source.Pos { return source.Pos{File: c.Path, Line: c.Line} }

// Count is one named number about a capture, in a fixed order per kind.
type Count struct {
	Name string `json:"name"`
	N    int    `json:"n"`
}

// Missing is a capture the rules need that the bundle does not hold.
type Missing struct {
	Name     string `json:"name"` // the layout file name, e.g. "ipvsadm.txt"
	Command  string `json:"command"`
	Required bool   `json:"required"`
	Reason   string `json:"reason"` // "not in the bundle", or what the collector recorded
}

// Cluster holds the cluster-wide captures and objects, merged over bundles.
type Cluster struct {
	Captures []*Capture    `json:"captures"`
	Objects  *kube.Objects `json:"-"`
	Version  *kube.Version `json:"version,omitempty"`
	Missing  []Missing     `json:"missing,omitempty"`
}

// Node holds what one node's captures say.
type Node struct {
	Name     string     `json:"name"`
	Captures []*Capture `json:"captures"`
	Missing  []Missing  `json:"missing,omitempty"`

	Addr      *ipaddr.Result     `json:"-"`
	IPVS      *ipvs.Table        `json:"-"` // ipvsadm -Ln (or -Sn when no listing was captured)
	Conntrack *conntrack.Summary `json:"-"`
	Sysctl    *sysctl.Result     `json:"-"`
	Listen    *ss.Result         `json:"-"`
	Kernel    *uname.Result      `json:"-"`
	ProxyMode string             `json:"proxyMode,omitempty"`

	// IPVSAddrs are the addresses on kube-ipvs0; NodeAddrs the node's other
	// addresses (loopback excluded, and those of a pasted fragment whose
	// interface nothing named), in the order ip addr printed them.
	IPVSAddrs []netip.Addr `json:"ipvsAddrs"`
	NodeAddrs []netip.Addr `json:"nodeAddrs"`

	slots    map[string]slot // slot name -> the capture used for it
	local    *addrSet        // every address of every interface
	deferred []deferred      // conntrack captures read before the addresses
	bundle   *Bundle         // the manifest bundle that holds this node; nil for loose captures
}

// slot is the capture a node uses for one kind of fact, and its parse
// result. Of several captures for a slot the one of highest rank wins (a full
// ipvsadm -Ln over a grep'd fragment, a conntrack table over events), and
// the first among equals.
type slot struct {
	capture *Capture
	rank    int
	result  any
}

// deferred is a conntrack capture held until the node's addresses are
// known: its bytes, or when they were too many, the need to read it again.
type deferred struct {
	capture *Capture
	data    []byte
	reread  bool
}

// DropParsed frees what the parsers made of the captures (the nodes'
// tables, the conntrack summaries, the Kubernetes objects) once the facts
// are built from them, so that a large bundle's tables are not kept alive
// through the rules and the report. What tells of the captures (their
// states, counts and warnings, the missing ones, the bundles) stays.
func (s *Snapshot) DropParsed() {
	if s.Cluster != nil {
		s.Cluster.Objects = nil
	}
	for _, n := range s.Nodes {
		n.DropParsed()
	}
}

// DropParsed frees what the parsers made of the node's captures, as
// [Snapshot.DropParsed] does for every node, for a caller done with this
// node before the others.
func (n *Node) DropParsed() {
	n.Addr, n.IPVS, n.Conntrack, n.Sysctl, n.Listen, n.Kernel = nil, nil, nil, nil, nil, nil
	for name, sl := range n.slots {
		sl.result = nil
		n.slots[name] = sl
	}
	n.local, n.deferred = nil, nil
}
