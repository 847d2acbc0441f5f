package input

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/ipvslint/ipvslint/analyze/docpath"
	"github.com/ipvslint/ipvslint/analyze/kube"
)

// Options are what the user told ipvslint on the command line. The zero
// Options tell nothing: the version and CNI are inferred from the bundle.
type Options struct {
	// KubernetesVersion is --k8s-version ("1.24", "v1.28.2"); it overrides
	// what the bundle says. "" means infer it.
	KubernetesVersion string
	// CNI is --cni: a class (overlay, vpc, unknown) or a CNI name that
	// [ParseCNI] knows. "" means infer it.
	CNI string
	// Expect are the parsed --expect targets.
	Expect []Expect
	// Reads are the paths of the document that the rules read
	// (what the rule engine reports it reads): the inventory is built only as far as they
	// go. nil builds the whole document (--dump-input); an empty set
	// (rules that read none of it) builds none of the inventory.
	Reads *docpath.Set
	// DropParsed frees what the parsers made of the captures
	// ([snapshot.Snapshot.DropParsed]), for a caller that needs only the
	// document afterwards, each part as soon as the facts built from it
	// are: the Service, EndpointSlice and Endpoints objects once the
	// Services' facts are, each node's tables once the node's facts are,
	// the rest at the end. The parts built first are then not held while
	// the others are built.
	DropParsed bool
}

// Validate checks KubernetesVersion and CNI, so that a command can refuse
// bad flags before it reads any bundle.
func (o Options) Validate() error {
	if o.KubernetesVersion != "" {
		if _, err := kube.ParseGitVersion(o.KubernetesVersion); err != nil {
			return fmt.Errorf("--k8s-version %q: %w", o.KubernetesVersion, err)
		}
	}
	if o.CNI != "" {
		if _, err := ParseCNI(o.CNI); err != nil {
			return err
		}
	}
	return nil
}

// Expect is one --expect target: a destination the user says clients use.
type Expect struct {
	IP       netip.Addr `json:"ip"`
	Port     int        `json:"port"`
	Protocol string     `json:"protocol"` // "TCP", "UDP" or "SCTP"
}

// ParseExpect parses an --expect value: IP:PORT or IP:PORT/PROTO, with an
// IPv6 address in brackets ("[fd00::1]:443/udp"). The protocol is TCP, UDP
// or SCTP in any case, TCP when left out. IPv4-mapped IPv6 addresses are read
// as IPv4.
func ParseExpect(s string) (Expect, error) {
	bad := func(format string, args ...any) (Expect, error) {
		return Expect{}, fmt.Errorf("--expect %q: "+format, append([]any{s}, args...)...)
	}
	hostPort, proto, hasProto := strings.Cut(s, "/")
	e := Expect{Protocol: "TCP"}
	if hasProto {
		e.Protocol = strings.ToUpper(proto)
		switch e.Protocol {
		case "TCP", "UDP", "SCTP":
		default:
			return bad("unknown protocol %q (want TCP, UDP or SCTP)", proto)
		}
	}
	i := strings.LastIndexByte(hostPort, ':')
	if i < 0 {
		return bad("want IP:PORT or IP:PORT/PROTO")
	}
	host, port := hostPort[:i], hostPort[i+1:]
	if strings.HasPrefix(host, "[") && strings.HasSuffix(host, "]") {
		host = host[1 : len(host)-1]
	} else if strings.Contains(host, ":") {
		return bad("write an IPv6 address in brackets: [%s]:%s", host, port)
	}
	ip, err := netip.ParseAddr(host)
	if err != nil || ip.Zone() != "" {
		return bad("invalid IP address %q", host)
	}
	e.IP = ip.Unmap()
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 {
		return bad("invalid port %q (want 1 to 65535)", port)
	}
	e.Port = n
	return e, nil
}

// The CNI classes of docs/input.md.
const (
	ClassOverlay = "overlay" // flannel and canal: pod traffic leaving the node is masqueraded
	ClassVPC     = "vpc"     // pod IPs routed natively without SNAT
	ClassUnknown = "unknown" // the datapath depends on the CNI's own settings
)

// cniNames maps the CNI names --cni accepts to their class.
var cniNames = map[string]string{
	"flannel":      ClassOverlay,
	"canal":        ClassOverlay,
	"terway":       ClassVPC,
	"terway-eni":   ClassVPC,
	"terway-eniip": ClassVPC,
	"aws-vpc-cni":  ClassVPC,
	"aws-node":     ClassVPC,
	"azure":        ClassVPC,
	"azure-cni":    ClassVPC,
	"gke":          ClassVPC,
	"calico":       ClassUnknown,
	"cilium":       ClassUnknown,
}

// ParseCNI reads a --cni value: a class (overlay, vpc, unknown), which
// leaves the name empty, or a CNI name (flannel, canal, terway, terway-eni,
// terway-eniip, aws-vpc-cni, aws-node, azure, azure-cni, gke, calico,
// cilium), in any case.
func ParseCNI(s string) (CNI, error) {
	v := strings.ToLower(strings.TrimSpace(s))
	switch v {
	case ClassOverlay, ClassVPC, ClassUnknown:
		return CNI{Class: v, Source: "--cni"}, nil
	}
	if class, ok := cniNames[v]; ok {
		return CNI{Name: v, Class: class, Source: "--cni"}, nil
	}
	return CNI{}, fmt.Errorf("--cni %q: unknown CNI (want overlay, vpc, unknown, or a name: aws-node, aws-vpc-cni, azure, azure-cni, calico, canal, cilium, flannel, gke, terway, terway-eni, terway-eniip)", s)
}
