package conntrack

import (
	"io"
	"net/netip"
	"runtime"
	"strconv"
	"sync"

	"github.com/ipvslint/ipvslint/analyze/source"
)

// Bounds that keep a [Summary] small whatever the size of the table.
const (
	// MaxDests is the number of destinations a Summary keys; flows to
	// further local destinations are only counted (Summary.Unkeyed).
	MaxDests = 100_000
	// MaxDistinct is the number of distinct values a [Counts] keeps; the
	// rest are added up in Counts.Other.
	MaxDistinct = 32
	// MaxSamples is the number of sample flows kept per destination, and
	// separately the number of unreplied ones.
	MaxSamples = 3
	// MaxSampleText is the longest sample line kept, in bytes.
	MaxSampleText = 300
)

// Summary is a whole table folded into per-destination counts: what the
// rules see instead of raw flows. Its size does not grow with the number of
// flows.
type Summary struct {
	Format   Format           `json:"format"`
	Stated   *int             `json:"stated,omitempty"` // the count in the summary line, nil when absent
	Warnings []source.Warning `json:"warnings,omitempty"`
	Failure  *source.Failure  `json:"failure,omitempty"`

	Flows     int    `json:"flows"`
	ByProto   Counts `json:"byProto"` // by upper-case protocol, as in keys
	ByState   Counts `json:"byState"` // flows without a state (UDP, ICMP...) are not counted
	Unreplied int    `json:"unreplied"`
	NonLocal  int    `json:"nonLocal"` // flows to destinations that are not local: counted, not keyed
	Keys      int    `json:"keys"`     // len(Dests)
	MaxKeys   int    `json:"maxKeys"`  // the cap on Keys (MaxDests)
	Unkeyed   int    `json:"unkeyed"`  // flows to local destinations past the cap: counted only

	// Dests holds one entry per protocol and original destination, keyed
	// by [Key] ("TCP/10.96.0.1:443").
	Dests map[string]*Dest `json:"dests"`
}

// Dest is the summary of the flows to one local destination (a VIP or node
// address and port) with one protocol.
type Dest struct {
	Proto string         `json:"proto"` // upper case: "TCP", "UDP", "ICMP"...
	Dst   netip.AddrPort `json:"dst"`   // port 0 for protocols without ports

	Flows     int    `json:"flows"`
	States    Counts `json:"states"`
	Unreplied int    `json:"unreplied"`
	Assured   int    `json:"assured"`
	// NoDNAT counts flows whose reply source is the original destination:
	// they ended on this node, IPVS did not take them.
	NoDNAT int `json:"noDNAT"`
	// SNAT counts flows whose reply destination is not the original
	// source: they were masqueraded.
	SNAT int `json:"snat"`
	// FromLocal counts flows whose original source is a local address (a
	// host process, whose source may be the LB IP itself).
	FromLocal          int `json:"fromLocal"`
	FromLocalUnreplied int `json:"fromLocalUnreplied"`

	// Backends counts reply sources "addr:port" (the real servers; just
	// "addr" for protocols without ports), and
	// UnrepliedBackends those of unreplied flows. Clients counts original
	// source addresses.
	Backends          Counts `json:"backends"`
	UnrepliedBackends Counts `json:"unrepliedBackends"`
	Clients           Counts `json:"clients"`

	Samples          []Sample `json:"samples"`                    // the first MaxSamples flows
	UnrepliedSamples []Sample `json:"unrepliedSamples,omitempty"` // the first MaxSamples unreplied flows
}

// Sample is one flow quoted as evidence: where it is and its line, cut to
// [MaxSampleText] bytes (for XML, the <flow> element), with the sources
// of its two directions, so that no reader parses the text again.
type Sample struct {
	Pos  source.Pos `json:"pos"`
	Text string     `json:"text"`
	// Src is the original source (the client); ReplySrc the reply's source
	// (the real server IPVS sent the flow to, or the destination itself).
	Src      netip.Addr `json:"src"`
	ReplySrc netip.Addr `json:"replySrc"`
}

// Key returns the key of the destination of proto (a protocol number) and
// dst in [Summary.Dests]: "TCP/10.96.0.1:443", "UDP/[fd00::a]:53". A
// protocol without a name is written "PROTO-<n>".
func Key(proto uint8, dst netip.AddrPort) string {
	return protoKey(proto) + "/" + dst.String()
}

// protoKey returns the upper-case name of protocol p.
func protoKey(p uint8) string {
	if s, ok := protoKeys[p]; ok {
		return s
	}
	return "PROTO-" + strconv.Itoa(int(p))
}

// Summarize reads a capture and folds its flows into a [Summary]. Flows are
// keyed by protocol and original destination when local reports that
// destination is one of the node's own addresses (kube-ipvs0 VIPs, node
// IPs); a nil local counts every destination as local. Summarize returns
// an error only when [Reader.Next] does. The flows are read on a goroutine
// of their own and folded in their order on the caller's, so that reading
// and folding a large table overlap.
func Summarize(r io.Reader, at source.Pos, local func(netip.Addr) bool) (*Summary, error) {
	if local == nil {
		local = func(netip.Addr) bool { return true }
	}
	cr := NewReader(r, at)
	a := aggregator{local: local, dests: map[destKey]*dest{}}
	full, free := make(chan *batch, batchesAhead), make(chan *batch, batchesAhead+2)
	go readBatches(cr, full, free)
	var err error
	for b := range full {
		a.addBatch(b)
		if b.err != io.EOF {
			err = b.err
		}
		select {
		case free <- b:
		default: // not taken while at most batchesAhead+2 batches exist; dropping one is harmless
		}
	}
	if err != nil {
		return nil, err
	}
	s := a.summary()
	s.Format, s.Warnings, s.Failure = cr.Format(), cr.Warnings(), cr.Failure()
	if n, ok := cr.Stated(); ok {
		s.Stated = &n
	}
	return s, nil
}

// Batches of flows that Summarize's reading goroutine hands over.
const (
	batchFlows   = 512 // flows per batch
	batchesAhead = 4   // batches read and not yet folded, at the most
)

// batch is a run of flows read from a capture, with their lines.
type batch struct {
	flows []Flow
	text  []byte // the lines of the flows, one after the other
	ends  []int  // where the line of each flow ends in text
	err   error  // nil, or what Reader.Next returned after the flows (io.EOF at the end)
}

// readBatches reads the flows of cr into batches, taken from free (made
// when it has none), sends them on full and closes full after the batch
// that ends the reading with an error or io.EOF.
func readBatches(cr *Reader, full chan<- *batch, free chan *batch) {
	defer close(full)
	for {
		var b *batch
		select {
		case b = <-free:
			b.flows, b.text, b.ends, b.err = b.flows[:0], b.text[:0], b.ends[:0], nil
		default:
			b = &batch{flows: make([]Flow, 0, batchFlows), ends: make([]int, 0, batchFlows)}
		}
		for len(b.flows) < batchFlows {
			f, err := cr.Next()
			if err != nil {
				b.err = err
				full <- b
				return
			}
			b.flows = append(b.flows, *f)
			b.text = append(b.text, cr.text...)
			b.ends = append(b.ends, len(b.text))
		}
		full <- b
	}
}

// destKey is the comparable form of a [Dest] key.
type destKey struct {
	proto uint8
	dst   netip.AddrPort
}

// dest is a [Dest] being built. What every flow to it updates comes first,
// side by side, in as few cache lines as may be: a busy node's table lists
// tens of thousands of destinations in no order, so a flow's destination
// is rarely in the processor's caches, and each line a flow touches costs
// about as much as its counting (BenchmarkFold).
type dest struct {
	flows, unreplied, assured, noDNAT, snat int // as in Dest
	fromLocal, fromLocalUnreplied           int
	stateNames                              bounded[string]
	backends                                split[uint64, netip.AddrPort]
	clients                                 split[uint32, netip.Addr]
	unrepliedBackends                       split[uint64, netip.AddrPort]
	samples, unrepliedSamples               []Sample
}

// aggregator folds flows into a [Summary].
type aggregator struct {
	local     func(netip.Addr) bool
	dests     map[destKey]*dest
	flows     int
	protos    bounded[uint8]
	states    bounded[string]
	unreplied int
	nonLocal  int
	unkeyed   int
	scratch   []byte // where the summary writes counted values first
}

// addBatch counts the flows of b, in their order.
func (a *aggregator) addBatch(b *batch) {
	start := 0
	for i := range b.flows {
		a.add(&b.flows[i], b.text[start:b.ends[i]])
		start = b.ends[i]
	}
}

// add counts one flow; text is its line.
func (a *aggregator) add(f *Flow, text []byte) {
	a.flows++
	a.protos.add(f.ProtoNum)
	if f.State != "" {
		a.states.add(f.State)
	}
	if f.Unreplied {
		a.unreplied++
	}
	if !a.local(f.Orig.Dst) {
		a.nonLocal++
		return
	}
	k := destKey{proto: f.ProtoNum, dst: netip.AddrPortFrom(f.Orig.Dst, 0)}
	if hasPorts(f.ProtoNum) {
		k.dst = netip.AddrPortFrom(f.Orig.Dst, f.Orig.Dport)
	}
	d := a.dests[k]
	if d == nil {
		if len(a.dests) >= MaxDests {
			a.unkeyed++
			return
		}
		d = &dest{}
		a.dests[k] = d
	}
	d.flows++
	if f.State != "" {
		d.stateNames.add(f.State)
	}
	backend := netip.AddrPortFrom(f.Reply.Src, 0)
	if hasPorts(f.ProtoNum) {
		backend = netip.AddrPortFrom(f.Reply.Src, f.Reply.Sport)
	}
	addBackend(&d.backends, backend)
	addClient(&d.clients, f.Orig.Src)
	if f.Assured {
		d.assured++
	}
	if f.Reply.Src == f.Orig.Dst {
		d.noDNAT++
	}
	if f.Reply.Dst != f.Orig.Src {
		d.snat++
	}
	fromLocal := a.local(f.Orig.Src)
	if fromLocal {
		d.fromLocal++
	}
	if f.Unreplied {
		d.unreplied++
		addBackend(&d.unrepliedBackends, backend)
		if fromLocal {
			d.fromLocalUnreplied++
		}
	}
	quote, quoteUnreplied := len(d.samples) < MaxSamples, f.Unreplied && len(d.unrepliedSamples) < MaxSamples
	if quote || quoteUnreplied {
		s := sample(f, text) // one copy of the line for both lists
		if quote {
			d.samples = append(d.samples, s)
		}
		if quoteUnreplied {
			d.unrepliedSamples = append(d.unrepliedSamples, s)
		}
	}
}

// sample quotes f, whose line is text.
func sample(f *Flow, text []byte) Sample {
	return Sample{Pos: f.Pos, Text: source.ClipN(string(text), MaxSampleText), Src: f.Orig.Src, ReplySrc: f.Reply.Src}
}

// summary returns the finished Summary.
func (a *aggregator) summary() *Summary {
	s := &Summary{
		Flows:     a.flows,
		ByProto:   a.protos.counts(writeProto, &a.scratch),
		ByState:   a.states.counts(writeString, &a.scratch),
		Unreplied: a.unreplied,
		NonLocal:  a.nonLocal,
		Keys:      len(a.dests),
		MaxKeys:   MaxDests,
		Unkeyed:   a.unkeyed,
		Dests:     make(map[string]*Dest, len(a.dests)),
	}
	keys := make([]destKey, 0, len(a.dests))
	dests := make([]*dest, 0, len(a.dests))
	for k, d := range a.dests {
		keys, dests = append(keys, k), append(dests, d)
	}
	a.dests = nil
	outs := make([]Dest, len(dests))
	names := make([]string, len(dests))
	// A busy node's table has tens of thousands of destinations, and their
	// counts are written at the end of the reading: on all cores.
	runs := max(1, min(runtime.GOMAXPROCS(0), len(dests)/parallelDests))
	var wg sync.WaitGroup
	for r := range runs {
		wg.Go(func() {
			var scratch []byte // where the counted values are written first
			for i := r * len(dests) / runs; i < (r+1)*len(dests)/runs; i++ {
				d, k := dests[i], keys[i]
				outs[i] = Dest{
					Proto: protoKey(k.proto), Dst: k.dst,
					Flows: d.flows, Unreplied: d.unreplied, Assured: d.assured,
					NoDNAT: d.noDNAT, SNAT: d.snat,
					FromLocal: d.fromLocal, FromLocalUnreplied: d.fromLocalUnreplied,
					States:            d.stateNames.counts(writeString, &scratch),
					Backends:          d.backends.counts(writeBackend4, writeBackend, &scratch),
					UnrepliedBackends: d.unrepliedBackends.counts(writeBackend4, writeBackend, &scratch),
					Clients:           d.clients.counts(writeAddr4, writeAddr, &scratch),
					Samples:           d.samples, UnrepliedSamples: d.unrepliedSamples,
				}
				names[i] = Key(k.proto, k.dst)
				dests[i] = nil // its counting lists can be freed while the rest is written
			}
		})
	}
	wg.Wait()
	for i := range outs {
		s.Dests[names[i]] = &outs[i]
	}
	return s
}

// parallelDests is the fewest destinations a core writes the counts of: a
// summary of fewer than twice as many is written on one core.
const parallelDests = 1024
