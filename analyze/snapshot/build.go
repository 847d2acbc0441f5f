package snapshot

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"

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

// Build reads every bundle argument and returns what they hold. A bundle
// that cannot be read at all (missing, refused archive, broken container) is
// a fatal error returned alone. A large conntrack capture that comes before
// the addresses of its node is read again from its bundle once they are
// known, rather than held in memory. Captures that a parser could not read
// are marked [StatusInvalid] and their errors joined into the returned
// error, which then comes with a complete Snapshot.
func Build(args []string, opts bundle.Options) (*Snapshot, error) {
	b := &builder{opts: opts, nodes: map[string]*Node{}, cluster: &Cluster{}, objects: map[objectKey]objectEntry{}}
	for _, arg := range args {
		if err := b.read(arg, opts); err != nil {
			return nil, err
		}
	}
	return b.finish()
}

type builder struct {
	opts    bundle.Options
	mu      sync.Mutex
	held    int64 // bytes of the held conntrack captures, under mu (see reserve)
	bundles []*Bundle
	nodes   map[string]*Node
	cluster *Cluster
	objects map[objectKey]objectEntry
	version *kube.Version
	vFrom   *Bundle
	errs    []error
}

// read reads one bundle argument into the builder. The archive is read on
// this goroutine while every capture is parsed on its own, as soon as its
// bytes come (see [task]).
func (b *builder) read(arg string, opts bundle.Options) error {
	bs := &Bundle{Arg: arg}
	// Captures go to a node of this bundle first; the bundle's nodes are
	// merged with those of earlier bundles once its manifest is known.
	nodes := map[string]*Node{}
	var clusterCaps []*Capture
	var tasks []*task
	last := map[string]chan struct{}{} // node ("" for the cluster) → when its last capture is applied
	ps := newPieces(maxChunks)
	read, err := bundle.Read(arg, opts, func(c bundle.Capture, r io.Reader) error {
		t := &task{capt: &Capture{Bundle: arg, Path: c.Path, Line: c.Line, Kind: c.Kind, Command: c.Command},
			in: newPipe(ps), prev: last[c.Node], applied: make(chan struct{})}
		last[c.Node] = t.applied
		if c.Node == "" {
			clusterCaps = append(clusterCaps, t.capt)
		} else {
			n := nodes[c.Node]
			if n == nil {
				n = newNode(c.Node)
				nodes[c.Node] = n
			}
			n.Captures = append(n.Captures, t.capt)
			t.node = n
		}
		tasks = append(tasks, t)
		go b.run(t)
		return t.in.fill(r)
	})
	for _, t := range tasks {
		<-t.applied
	}
	if err != nil {
		return err
	}
	for _, t := range tasks {
		if t.capt.err != nil {
			b.errs = append(b.errs, t.capt.err)
		}
	}
	bs.Format, bs.Loose, bs.Ignored, bs.Warnings = read.Format, read.Loose, read.Ignored, read.Warnings
	bs.manifest, bs.sums = read.Manifest, read.Sums
	if m := read.Manifest; m != nil {
		bs.CreatedAt = m.CreatedAt
		if m.Collector.Name != "" {
			bs.Collector = m.Collector.Name + " " + m.Collector.Version
		}
		applyManifest(m, clusterCaps, nodes)
		for _, mn := range m.Nodes {
			// A node a cluster collector could not collect is a node
			// whose captures are all missing, with the collector's error.
			if mn.Status == "failed" && nodes[mn.Name] == nil && mn.Name != "" {
				nodes[mn.Name] = newNode(mn.Name)
			}
		}
	}
	b.bundles = append(b.bundles, bs)
	b.cluster.Captures = append(b.cluster.Captures, clusterCaps...)
	for _, t := range tasks {
		if t.objects != nil {
			b.addObjects(bs, t.objects)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(nodes)) {
		if err := b.mergeNode(bs, nodes[name]); err != nil {
			return err
		}
	}
	return nil
}

// task is one capture of an archive being read: its parser runs on its own
// goroutine while the archive reader goes on, and its result is applied to
// its node (or to the cluster) in capture order, so that the snapshot is
// the same as a reading one capture after the other.
type task struct {
	capt    *Capture
	node    *Node // nil for a cluster capture
	in      *pipe
	prev    chan struct{} // closed when the previous capture of the node (or cluster) is applied; nil for the first
	applied chan struct{}
	objects *kube.Objects // what a cluster capture holds
}

// run parses a capture and applies the result after the captures before it.
// A conntrack capture is summarised by its node's addresses, so it is
// parsed only once those before it are applied.
func (b *builder) run(t *task) {
	defer close(t.applied)
	wait := func() {
		if t.prev != nil {
			<-t.prev
		}
	}
	cr := &countingReader{r: t.in}
	var apply func()
	switch {
	case t.node == nil:
		apply = b.parseCluster(t, cr)
	case t.capt.Kind == bundle.KindConntrack:
		wait()
		apply = b.parseNode(t.node, t.capt, cr)
	default:
		apply = b.parseNode(t.node, t.capt, cr)
	}
	t.in.drain()
	wait()
	apply()
	t.capt.Bytes = cr.n
	if t.capt.Status == StatusOK && cr.blank() {
		t.capt.Status, t.capt.Detail, t.capt.Counts = StatusEmpty, "no output", nil
	}
}

func newNode(name string) *Node {
	return &Node{Name: name, slots: map[string]slot{}, local: newAddrSet()}
}

// claim offers capt and its result for a slot of the node. It takes the
// slot when the slot is free or holds a capture of lower rank, and marks
// the capture that does not get it as unused.
func (n *Node) claim(name string, capt *Capture, rank int, result any) {
	if have, ok := n.slots[name]; ok {
		if have.rank >= rank {
			capt.Unused = "superseded by " + have.capture.Pos().String()
			return
		}
		have.capture.Unused = "superseded by " + capt.Pos().String()
	}
	n.slots[name] = slot{capture: capt, rank: rank, result: result}
}

// parseNode parses one node capture; the function it returns offers the
// result to the node.
func (b *builder) parseNode(n *Node, capt *Capture, r *countingReader) func() {
	at := capt.Pos()
	switch capt.Kind {
	case bundle.KindIPAddr:
		dev := bundle.CommandDevice(capt.Command)
		res, err := ipaddr.ParseDevice(r, at, dev)
		return func() {
			capt.Device = dev
			if !b.settle(capt, err, failureOf(res, func(x *ipaddr.Result) *source.Failure { return x.Failure })) {
				return
			}
			capt.Format, capt.Warnings = string(res.Form), res.Warnings
			ipvsAddrs, addrs := 0, 0
			for _, ifc := range res.Interfaces {
				addrs += len(ifc.Addresses)
				if ifc.Name == IPVSInterface {
					ipvsAddrs = len(ifc.Addresses)
				}
			}
			capt.Counts = []Count{{"interfaces", len(res.Interfaces)}, {"addresses", addrs}, {"kube-ipvs0 addresses", ipvsAddrs}}
			if have, ok := n.slots["ip-addr"]; ok && res.Partial {
				// Grep'd fragments of one node's addresses add up.
				if prev := have.result.(*ipaddr.Result); prev.Partial {
					prev.Merge(res)
					capt.Detail = "fragment, read with " + have.capture.Pos().String()
					n.setLocal(prev)
					return
				}
			}
			rank := 1
			if res.Form == ipaddr.FormOneLine || res.Partial { // no flags, state or kind; or a fragment
				rank = 0
			}
			n.claim("ip-addr", capt, rank, res)
			if n.slots["ip-addr"].capture == capt {
				n.setLocal(res)
			}
		}
	case bundle.KindIPVS:
		res, err := ipvs.Parse(r, at)
		return func() {
			if !b.settle(capt, err, failureOf(res, func(x *ipvs.Table) *source.Failure { return x.Failure })) {
				return
			}
			capt.Format, capt.Warnings = string(res.Format), res.Warnings
			capt.Counts = ipvsCounts(res)
			if t := res.Timeouts; t != nil {
				capt.Detail = fmt.Sprintf("timeouts: tcp %ds, tcpfin %ds, udp %ds", t.TCP, t.TCPFin, t.UDP)
			}
			name, rank := ipvsSlot(res)
			n.claim(name, capt, rank, res)
		}
	case bundle.KindConntrack:
		// Called once the captures before it are applied: the node's
		// addresses are known, or it waits for them.
		if n.local.len() == 0 || len(n.deferred) > 0 {
			// The node's addresses are not known yet: hold the capture
			// (and those after it, so that they are offered in order).
			b.hold(n, capt, r)
		} else {
			b.summarize(n, capt, r)
		}
		return func() {}
	case bundle.KindSysctl:
		res, err := sysctl.Parse(r, at)
		return func() {
			if !b.settle(capt, err, failureOf(res, func(x *sysctl.Result) *source.Failure { return x.Failure })) {
				return
			}
			capt.Warnings = res.Warnings
			capt.Counts = []Count{{"parameters", len(res.Entries)}, {"missing", len(res.Missing)}}
			n.claim("sysctl", capt, 0, res)
		}
	case bundle.KindListen:
		res, err := ss.Parse(r, at)
		return func() {
			if !b.settle(capt, err, failureOf(res, func(x *ss.Result) *source.Failure { return x.Failure })) {
				return
			}
			capt.Warnings = res.Warnings
			capt.Counts = []Count{{"sockets", len(res.Sockets)}}
			n.claim("ss", capt, 0, res)
		}
	case bundle.KindUname:
		res, err := uname.Parse(r, at)
		return func() {
			if !b.settle(capt, err, failureOf(res, func(x *uname.Result) *source.Failure { return x.Failure })) {
				return
			}
			capt.Warnings, capt.Detail = res.Warnings, "kernel "+res.Release
			n.claim("uname", capt, 0, res)
		}
	case bundle.KindProxyMode:
		data, err := io.ReadAll(io.LimitReader(r, 4096))
		return func() {
			if err != nil {
				b.invalid(capt, err)
				return
			}
			mode := strings.TrimSpace(string(data))
			capt.Status, capt.Detail = StatusOK, "mode "+mode
			if source.ShellFailure(mode) || strings.ContainsAny(mode, " \n") {
				capt.Status, capt.Detail = StatusFailed, source.Clip(mode)
				return
			}
			n.claim("proxy-mode", capt, 0, mode)
		}
	default:
		return b.keptCapture(capt, r)
	}
}

// keptCapture counts the lines of a capture ipvslint keeps without parsing
// it; the function it returns records them.
func (b *builder) keptCapture(capt *Capture, r io.Reader) func() {
	lines, err := countLines(r)
	return func() {
		if err != nil {
			b.invalid(capt, err)
			return
		}
		capt.Status, capt.Counts = StatusKept, []Count{{"lines", lines}}
	}
}

// ipvsSlot names the slot of an ipvsadm table and ranks it: a complete -Ln
// (with its version header) is the listing rules read, over a partial one
// (-L -t, a grep'd fragment), over the variants that also name schedulers
// and weights, over -Sn.
func ipvsSlot(t *ipvs.Table) (string, int) {
	switch {
	case t.Names && t.Format != ipvs.FormatConn:
		return "ipvsadm", 1 // lines printed with names were left out
	case t.Format == ipvs.FormatList && t.Version != "":
		return "ipvsadm", 5
	case t.Format == ipvs.FormatList:
		return "ipvsadm", 4
	case t.Format == ipvs.FormatTunInfo, t.Format == ipvs.FormatPersistentConn, t.Format == ipvs.FormatThresholds:
		return "ipvsadm", 3
	case t.Format == ipvs.FormatSave:
		return "ipvsadm", 2
	}
	return "ipvsadm-" + string(t.Format), 0
}

// maxHeld bounds the bytes of conntrack captures held in memory until the
// addresses that key them are known; a capture past it is read again from
// its bundle then. A var so that tests can lower it.
var maxHeld int64 = 32 << 20

// hold keeps a conntrack capture for later: its bytes while they fit in
// maxHeld, else only where it is. Nodes are read in parallel: their room
// is shared, taken as the bytes come, but not kept locked while they are
// awaited, since the archive reader may have to wait for another node's
// capture to be held before it can hand them over.
func (b *builder) hold(n *Node, capt *Capture, r io.Reader) {
	capt.Status = StatusOK
	w := &heldWriter{b: b}
	_, err := io.Copy(w, r)
	d := deferred{capture: capt, data: w.data}
	if errors.Is(err, errNoRoom) {
		d.data, d.reread = nil, true
		_, err = io.Copy(io.Discard, r) // for the byte count
	}
	if d.reread || err != nil {
		b.reserve(-int64(len(w.data))) // what is not held after all
	}
	if err != nil {
		b.invalid(capt, err)
		return
	}
	n.deferred = append(n.deferred, d)
}

// errNoRoom stops the holding of a capture that does not fit in maxHeld.
var errNoRoom = errors.New("over the bytes held")

// heldWriter collects the bytes of a held capture while they fit.
type heldWriter struct {
	b    *builder
	data []byte
}

func (w *heldWriter) Write(p []byte) (int, error) {
	if !w.b.reserve(int64(len(p))) {
		return 0, errNoRoom
	}
	w.data = append(w.data, p...)
	return len(p), nil
}

// reserve takes n bytes of maxHeld, or gives them back when n is negative;
// it reports false, taking nothing, when they do not fit.
func (b *builder) reserve(n int64) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.held+n > maxHeld {
		return false
	}
	b.held += n
	return true
}

// errFound stops a second reading of a bundle once the capture is read.
var errFound = errors.New("found")

// reread reads a held conntrack capture again from its bundle and
// summarizes it.
func (b *builder) reread(n *Node, capt *Capture) {
	_, err := bundle.Read(capt.Bundle, b.opts, func(c bundle.Capture, r io.Reader) error {
		if c.Path != capt.Path || c.Line != capt.Line || c.Kind != capt.Kind {
			return nil
		}
		b.summarize(n, capt, r)
		return errFound
	})
	switch {
	case errors.Is(err, errFound):
	case capt.Status == StatusInvalid:
	case err == nil:
		b.invalid(capt, fmt.Errorf("%s: gone from the bundle when read again", capt.Pos()))
	default:
		b.invalid(capt, err)
	}
}

// summarize folds a conntrack capture into a summary keyed by the node's
// addresses, records its counts and offers it to the node: a table outranks
// an event log, and any table outranks an empty one.
func (b *builder) summarize(n *Node, capt *Capture, r io.Reader) {
	sum, err := conntrack.Summarize(r, capt.Pos(), n.local.has)
	if !b.settle(capt, err, failureOf(sum, func(x *conntrack.Summary) *source.Failure { return x.Failure })) {
		return
	}
	capt.Format, capt.Warnings = string(sum.Format), sum.Warnings
	capt.Counts = []Count{{"flows", sum.Flows}, {"unreplied", sum.Unreplied}, {"to node addresses", sum.Flows - sum.NonLocal}}
	for st, n := range sum.ByState.All() {
		capt.Counts = append(capt.Counts, Count{"state " + st, n})
	}
	if sum.Stated != nil && *sum.Stated != sum.Flows {
		capt.Warnings = append(capt.Warnings, source.Warnf(capt.Pos(), "", "conntrack said it showed %d flow entries; %d were read", *sum.Stated, sum.Flows))
	}
	rank := 2
	switch {
	case sum.Flows == 0:
		rank = 0
	case sum.Format == conntrack.FormatEvents:
		rank = 1
	}
	n.claim("conntrack", capt, rank, sum)
}

// setLocal records the node's own addresses, which key its conntrack
// summary.
func (n *Node) setLocal(res *ipaddr.Result) {
	n.local.clear()
	for _, ifc := range res.Interfaces {
		for _, a := range ifc.Addrs() {
			n.local.add(a)
		}
	}
}

// resolve sets the node's typed fields from the captures that won its
// slots.
func (n *Node) resolve() {
	get := func(name string) any { return n.slots[name].result }
	n.Addr, _ = get("ip-addr").(*ipaddr.Result)
	n.IPVS, _ = get("ipvsadm").(*ipvs.Table)
	n.Conntrack, _ = get("conntrack").(*conntrack.Summary)
	n.Sysctl, _ = get("sysctl").(*sysctl.Result)
	n.Listen, _ = get("ss").(*ss.Result)
	n.Kernel, _ = get("uname").(*uname.Result)
	n.ProxyMode, _ = get("proxy-mode").(string)
	n.IPVSAddrs, n.NodeAddrs = nil, nil
	if n.Addr == nil {
		return
	}
	for _, ifc := range n.Addr.Interfaces {
		for _, a := range ifc.Addrs() {
			a = a.Unmap()
			switch {
			case ifc.Name == IPVSInterface:
				n.IPVSAddrs = append(n.IPVSAddrs, a)
			case ifc.Name == "": // a fragment's address whose interface nothing named
			case !a.IsLoopback():
				n.NodeAddrs = append(n.NodeAddrs, a)
			}
		}
	}
}

func ipvsCounts(t *ipvs.Table) []Count {
	switch t.Format {
	case ipvs.FormatConn:
		return []Count{{"connections", len(t.Conns)}}
	case ipvs.FormatTimeout:
		return nil
	}
	dests := 0
	for _, s := range t.Services {
		dests += len(s.Dests)
	}
	return []Count{{"virtual services", len(t.Services)}, {"real servers", dests}}
}

// parseCluster parses one cluster capture; the function it returns
// records the result, and the objects in t.
func (b *builder) parseCluster(t *task, r io.Reader) func() {
	capt := t.capt
	at := capt.Pos()
	switch capt.Kind {
	case bundle.KindKubeVersion:
		v, err := kube.ParseVersion(r, at)
		return func() {
			if !b.settle(capt, err, failureOf(v, func(x *kube.Version) *source.Failure { return x.Failure })) {
				return
			}
			capt.Warnings = v.Warnings
			capt.Detail = "server " + orNone(v.Server) + ", client " + orNone(v.Client)
			t.objects = &kube.Objects{Version: v}
		}
	case bundle.KindKube:
		o, err := kube.Parse(r, at)
		return func() {
			if !b.settle(capt, err, failureOf(o, func(x *kube.Objects) *source.Failure { return x.Failure })) {
				return
			}
			capt.Warnings = o.Warnings
			capt.Counts = kubeCounts(o)
			t.objects = o
		}
	default:
		return b.keptCapture(capt, r)
	}
}

func kubeCounts(o *kube.Objects) []Count {
	var c []Count
	add := func(name string, n int) {
		if n > 0 {
			c = append(c, Count{name, n})
		}
	}
	add("services", len(o.Services))
	add("endpointslices", len(o.EndpointSlices))
	add("endpoints", len(o.Endpoints))
	add("nodes", len(o.Nodes))
	add("pods", len(o.Pods))
	if o.ProxyConfig != nil {
		add("kube-proxy config", 1)
	}
	add("configmaps dropped", o.DroppedConfigMaps)
	add("secrets dropped", o.DroppedSecrets)
	return c
}

// settle records the outcome of a parse on capt and reports whether the
// result can be used.
func (b *builder) settle(capt *Capture, err error, failure *source.Failure) bool {
	switch {
	case err != nil:
		b.invalid(capt, err)
		return false
	case failure != nil:
		capt.Status, capt.Detail = StatusFailed, failure.Message
		return false
	}
	capt.Status = StatusOK
	return true
}

// invalid marks a capture that its parser could not read; the error is
// joined into Build's in capture order.
func (b *builder) invalid(capt *Capture, err error) {
	capt.Status, capt.Detail = StatusInvalid, err.Error()
	capt.err = fmt.Errorf("%s: %w", capt.Bundle, err)
}

// failureOf returns the Failure of a parse result, nil for a nil result.
func failureOf[T any](res *T, get func(*T) *source.Failure) *source.Failure {
	if res == nil {
		return nil
	}
	return get(res)
}

// finish processes held conntrack captures, reports missing captures and
// returns the snapshot.
func (b *builder) finish() (*Snapshot, error) {
	snap := &Snapshot{Bundles: b.bundles, Cluster: b.cluster}
	for _, name := range slices.Sorted(maps.Keys(b.nodes)) {
		n := b.nodes[name]
		for _, d := range n.deferred {
			if d.reread {
				b.reread(n, d.capture)
			} else {
				b.summarize(n, d.capture, bytes.NewReader(d.data))
			}
			if d.capture.err != nil {
				b.errs = append(b.errs, d.capture.err)
			}
		}
		n.deferred = nil
		n.local = nil // every conntrack capture is summarised
		n.resolve()
		n.Missing = missingNodeFiles(n)
		snap.Nodes = append(snap.Nodes, n)
	}
	b.cluster.Objects = b.mergedObjects()
	b.cluster.Version = b.version
	b.cluster.Missing = missingClusterFiles(b.cluster)
	return snap, errors.Join(b.errs...)
}

// countingReader counts the bytes read through it and remembers whether
// any of them was not white space.
type countingReader struct {
	r        io.Reader
	n        int64
	nonSpace bool
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if !c.nonSpace && len(bytes.TrimSpace(p[:n])) > 0 {
		c.nonSpace = true
	}
	return n, err
}

// blank reports whether everything read was white space.
func (c *countingReader) blank() bool { return !c.nonSpace }

func countLines(r io.Reader) (int, error) {
	s := source.NewScanner(r, "", 1)
	n := 0
	for s.Scan() {
		n++
	}
	return n, s.Err()
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func warnNoPos(msg string) source.Warning { return source.Warning{Msg: msg} }
