package report

import (
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/ipvslint/ipvslint/analyze/snapshot"
	"github.com/ipvslint/ipvslint/analyze/source"
)

// InspectSchema is the schemaVersion of `ipvslint inspect --format json`.
const InspectSchema = "ipvslint.inspect/v1"

// Inspection is what `ipvslint inspect` reports: every capture read, with
// its status and counts, per node, and what is missing. It is the JSON
// document of --format json.
type Inspection struct {
	SchemaVersion string             `json:"schemaVersion"`
	Bundles       []*snapshot.Bundle `json:"bundles"`
	Cluster       InspectedCluster   `json:"cluster"`
	Nodes         []InspectedNode    `json:"nodes"`
	Warnings      int                `json:"warnings"` // the number of warnings in all captures and bundles
	Errors        []string           `json:"errors,omitempty"`
}

// InspectedCluster is the cluster part of an [Inspection].
type InspectedCluster struct {
	Version  string              `json:"version,omitempty"` // the API server's gitVersion
	Counts   []snapshot.Count    `json:"counts"`
	Captures []*snapshot.Capture `json:"captures"`
	Missing  []snapshot.Missing  `json:"missing,omitempty"`
}

// InspectedNode is one node of an [Inspection]. Counts are those of the
// captures the node uses.
type InspectedNode struct {
	Name      string              `json:"name"`
	Counts    []snapshot.Count    `json:"counts"`
	IPVSAddrs []netip.Addr        `json:"ipvsAddrs"`
	ProxyMode string              `json:"proxyMode,omitempty"`
	Captures  []*snapshot.Capture `json:"captures"`
	Missing   []snapshot.Missing  `json:"missing,omitempty"`
}

// Inspect builds the inspection of a snapshot; errs are the capture errors
// Build returned with it.
func Inspect(snap *snapshot.Snapshot, errs []error) *Inspection {
	in := &Inspection{SchemaVersion: InspectSchema, Bundles: snap.Bundles}
	c := snap.Cluster
	in.Cluster = InspectedCluster{Captures: nonNil(c.Captures), Missing: c.Missing}
	if c.Version != nil {
		in.Cluster.Version = c.Version.Server
	}
	o := c.Objects
	in.Cluster.Counts = []snapshot.Count{
		{Name: "services", N: len(o.Services)},
		{Name: "endpointslices", N: len(o.EndpointSlices)},
		{Name: "endpoints", N: len(o.Endpoints)},
		{Name: "nodes", N: len(o.Nodes)},
		{Name: "pods", N: len(o.Pods)},
	}
	for _, n := range snap.Nodes {
		in.Nodes = append(in.Nodes, InspectedNode{
			Name: n.Name, Counts: nodeCounts(n), IPVSAddrs: nonNil(n.IPVSAddrs), ProxyMode: n.ProxyMode,
			Captures: nonNil(n.Captures), Missing: n.Missing,
		})
	}
	if in.Nodes == nil {
		in.Nodes = []InspectedNode{}
	}
	in.Warnings = len(ReadWarnings(snap))
	for _, err := range errs {
		in.Errors = append(in.Errors, err.Error())
	}
	return in
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// nodeCounts sums up what the node's used captures hold.
func nodeCounts(n *snapshot.Node) []snapshot.Count {
	var interfaces, services, servers, flows, unreplied int
	if n.Addr != nil {
		interfaces = len(n.Addr.Interfaces)
	}
	if n.IPVS != nil {
		services = len(n.IPVS.Services)
		for _, s := range n.IPVS.Services {
			servers += len(s.Dests)
		}
	}
	if n.Conntrack != nil {
		flows, unreplied = n.Conntrack.Flows, n.Conntrack.Unreplied
	}
	return []snapshot.Count{
		{Name: "interfaces", N: interfaces},
		{Name: "kube-ipvs0 addresses", N: len(n.IPVSAddrs)},
		{Name: "node addresses", N: len(n.NodeAddrs)},
		{Name: "virtual services", N: services},
		{Name: "real servers", N: servers},
		{Name: "flows", N: flows},
		{Name: "unreplied flows", N: unreplied},
	}
}

// ReadWarning is a warning a parser or the bundle reader gave, with the
// node whose capture it is about.
type ReadWarning struct {
	// Node is the node of the capture; "" for cluster captures and for
	// warnings about a bundle as a whole (its manifest, its checksums).
	Node string `json:"node,omitempty"`
	source.Warning
}

// ReadWarnings lists every warning of the snapshot: bundles first, then the
// captures of the cluster and of each node, in reading order.
func ReadWarnings(snap *snapshot.Snapshot) []ReadWarning {
	out := []ReadWarning{}
	add := func(node string, ws []source.Warning) {
		for _, w := range ws {
			out = append(out, ReadWarning{Node: node, Warning: w})
		}
	}
	for _, b := range snap.Bundles {
		add("", b.Warnings)
	}
	for _, c := range snap.Cluster.Captures {
		add("", c.Warnings)
	}
	for _, n := range snap.Nodes {
		for _, c := range n.Captures {
			add(n.Name, c.Warnings)
		}
	}
	return out
}

// InspectJSON writes the inspection as indented JSON.
func InspectJSON(w io.Writer, in *Inspection) error {
	return WriteJSON(w, in)
}

// InspectText writes the inspection for a person: per bundle what was
// ignored, then the cluster and each node with every capture, its status and
// counts, what is missing, and every warning with its file and line.
func InspectText(w io.Writer, in *Inspection, snap *snapshot.Snapshot, st Style) error {
	ew := &errWriter{w: w}
	fmt.Fprintf(ew, "%s %s, %s, %s\n", st.Heading.Render("ipvslint inspect:"),
		plural(len(in.Bundles), "bundle"), plural(len(in.Nodes), "node"), plural(in.Warnings, "warning"))
	for _, b := range in.Bundles {
		fmt.Fprintf(ew, "\n%s %s (%s)\n", st.Heading.Render("bundle"), b.Arg, bundleKind(b))
		var rows [][]cell
		for _, ig := range b.Ignored {
			rows = append(rows, []cell{{text: "ignored", style: st.Faint}, {text: posString(ig.Path, ig.Line)}, {text: ig.Reason}})
		}
		writeTable(ew, "  ", rows)
	}

	fmt.Fprintf(ew, "\n%s\n", st.Heading.Render("cluster"))
	version := in.Cluster.Version
	if version == "" {
		version = "unknown (no kubectl version capture)"
	}
	fmt.Fprintf(ew, "  %-10s  %s\n", "version", version)
	fmt.Fprintf(ew, "  %-10s  %s\n", "objects", countList(in.Cluster.Counts))
	writeCaptures(ew, in.Cluster.Captures, in.Cluster.Missing, st)

	for _, n := range in.Nodes {
		fmt.Fprintf(ew, "\n%s %s\n", st.Heading.Render("node"), n.Name)
		fmt.Fprintf(ew, "  %-10s  %s\n", "read", countList(n.Counts))
		if len(n.IPVSAddrs) > 0 {
			fmt.Fprintf(ew, "  %-10s  %s\n", "kube-ipvs0", addrList(n.IPVSAddrs, 8))
		}
		if n.ProxyMode != "" {
			fmt.Fprintf(ew, "  %-10s  %s\n", "proxy mode", n.ProxyMode)
		}
		writeCaptures(ew, n.Captures, n.Missing, st)
	}

	if warns := ReadWarnings(snap); len(warns) > 0 {
		fmt.Fprintf(ew, "\n%s\n", st.Heading.Render("warnings"))
		for _, wn := range warns {
			fmt.Fprintf(ew, "  %s\n", st.Warn.Render(wn.String()))
		}
	}
	if len(in.Errors) > 0 {
		fmt.Fprintf(ew, "\n%s\n", st.Heading.Render("errors"))
		for _, e := range in.Errors {
			fmt.Fprintf(ew, "  %s\n", st.Bad.Render(e))
		}
	}
	return ew.err
}

func writeCaptures(w io.Writer, caps []*snapshot.Capture, missing []snapshot.Missing, st Style) {
	var rows [][]cell
	for _, c := range caps {
		status := cell{text: string(c.Status), style: statusStyle(c.Status, st)}
		what := strings.ReplaceAll(c.Detail, "\n", " / ")
		if len(c.Counts) > 0 {
			what = countList(c.Counts)
		}
		if c.Unused != "" {
			what += " (not used: " + c.Unused + ")"
		}
		if n := len(c.Warnings); n > 0 {
			what += fmt.Sprintf(" [%s]", plural(n, "warning"))
		}
		kind := string(c.Kind)
		if c.Format != "" {
			kind += " " + c.Format
		}
		rows = append(rows, []cell{{text: posString(c.Path, c.Line)}, {text: kind}, status, {text: what}})
	}
	for _, m := range missing {
		status := cell{text: "missing", style: st.Faint}
		if m.Required {
			status = cell{text: "MISSING", style: st.Bad}
		}
		rows = append(rows, []cell{{text: m.Name}, {text: m.Command, style: st.Faint}, status, {text: m.Reason}})
	}
	writeTable(w, "  ", rows)
}

func statusStyle(s snapshot.Status, st Style) lipgloss.Style {
	switch s {
	case snapshot.StatusOK:
		return st.Good
	case snapshot.StatusFailed:
		return st.Warn
	case snapshot.StatusInvalid:
		return st.Bad
	}
	return st.Faint
}

func bundleKind(b *snapshot.Bundle) string {
	s := b.Format
	if b.Loose {
		s += ", loose captures"
	} else {
		s += ", collected"
		if b.Collector != "" {
			s += " by " + b.Collector
		}
		if !b.CreatedAt.IsZero() {
			s += " at " + b.CreatedAt.UTC().Format("2006-01-02T15:04:05Z")
		}
	}
	return s
}

func posString(file string, line int) string {
	if line > 1 {
		return file + ":" + strconv.Itoa(line)
	}
	return file
}

func countList(counts []snapshot.Count) string {
	parts := make([]string, len(counts))
	for i, c := range counts {
		parts[i] = strconv.Itoa(c.N) + " " + c.Name
	}
	return strings.Join(parts, ", ")
}

func addrList(addrs []netip.Addr, max int) string {
	var parts []string
	for i, a := range addrs {
		if i == max {
			parts = append(parts, fmt.Sprintf("… %d more", len(addrs)-max))
			break
		}
		parts = append(parts, a.String())
	}
	return strings.Join(parts, " ")
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// errWriter keeps the first write error so a writer can check it once.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return len(p), nil
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, nil
}
