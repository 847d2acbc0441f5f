package input

import (
	"maps"

	"github.com/ipvslint/ipvslint/analyze/conntrack"
)

// conntrackOf maps a conntrack summary to the document's shape; file is the
// capture it was read from. The destinations are left out unless dests is
// true; Max is left to the caller.
func conntrackOf(s *conntrack.Summary, file string, dests bool) *Conntrack {
	ct := &Conntrack{
		File:      file,
		Format:    string(s.Format),
		Flows:     s.Flows,
		Unreplied: s.Unreplied,
		NonLocal:  s.NonLocal,
		Unkeyed:   s.Unkeyed,
		ByState:   counts(s.ByState),
	}
	if !dests {
		return ct
	}
	ct.Dests = make(map[string]*ConntrackDest, len(s.Dests))
	for key, d := range s.Dests {
		ct.Dests[key] = &ConntrackDest{
			Protocol:               d.Proto,
			IP:                     d.Dst.Addr().Unmap().String(),
			Port:                   int(d.Dst.Port()),
			Flows:                  d.Flows,
			States:                 counts(d.States),
			Unreplied:              d.Unreplied,
			Assured:                d.Assured,
			NoDNAT:                 d.NoDNAT,
			SNAT:                   d.SNAT,
			FromLocal:              d.FromLocal,
			FromLocalUnreplied:     d.FromLocalUnreplied,
			Backends:               counts(d.Backends),
			BackendsOther:          d.Backends.Other,
			UnrepliedBackends:      counts(d.UnrepliedBackends),
			UnrepliedBackendsOther: d.UnrepliedBackends.Other,
			Clients:                counts(d.Clients),
			ClientsOther:           d.Clients.Other,
			Samples:                samples(d.Samples),
			UnrepliedSamples:       samples(d.UnrepliedSamples),
		}
	}
	return ct
}

// counts returns the counted values as a map; never nil.
func counts(c conntrack.Counts) map[string]int {
	out := make(map[string]int, c.Len())
	maps.Insert(out, c.All())
	return out
}

// samples returns sample flows as evidence; never nil.
func samples(in []conntrack.Sample) []Evidence {
	out := make([]Evidence, 0, len(in))
	for _, s := range in {
		out = append(out, Evidence{File: s.Pos.File, Line: s.Pos.Line, Text: s.Text})
	}
	return out
}
