package ipvs

import (
	"encoding/json"
	"net/netip"

	"github.com/ipvslint/ipvslint/analyze/source"
)

// serviceJSON is the JSON form of a Service: every part of the line as a
// field, one left out when the line does not hold it.
type serviceJSON struct {
	Pos          source.Pos     `json:"pos"`
	Protocol     string         `json:"protocol,omitempty"`
	Addr         netip.AddrPort `json:"addr,omitzero"`
	FWMark       uint32         `json:"fwmark,omitempty"`
	IPv6         bool           `json:"ipv6,omitempty"`
	Scheduler    string         `json:"scheduler,omitempty"`
	Flags        []string       `json:"flags,omitempty"`
	Persistent   int            `json:"persistent,omitempty"`
	Netmask      string         `json:"netmask,omitempty"`
	PE           string         `json:"pe,omitempty"`
	OnePacket    bool           `json:"onePacket,omitempty"`
	Stats        *Stats         `json:"stats,omitempty"`
	Rate         *Rate          `json:"rate,omitempty"`
	Dests        []Dest         `json:"dests,omitempty"`
	DestsLeftOut int            `json:"destsLeftOut,omitempty"`
	Extra        []string       `json:"extra,omitempty"`
}

// MarshalJSON writes s as one object: its fields and, as fields too, what
// its methods return.
func (s Service) MarshalJSON() ([]byte, error) {
	return json.Marshal(serviceJSON{
		Pos: s.Pos, Protocol: s.Protocol, Addr: s.Addr, FWMark: s.FWMark, IPv6: s.IPv6,
		Scheduler: s.Scheduler, Flags: s.Flags(), Persistent: s.Persistent, Netmask: s.Netmask(), PE: s.PE(),
		OnePacket: s.OnePacket, Stats: s.Stats(), Rate: s.Rate(), Dests: s.Dests, DestsLeftOut: s.DestsLeftOut,
		Extra: s.Extra(),
	})
}

// destJSON is the JSON form of a Dest: every value as a field, one left out
// when the line does not print it.
type destJSON struct {
	Pos         source.Pos     `json:"pos"`
	Addr        netip.AddrPort `json:"addr"`
	Forward     string         `json:"forward,omitempty"`
	Weight      *int           `json:"weight,omitempty"`
	ActiveConn  *uint64        `json:"activeConn,omitempty"`
	InActConn   *uint64        `json:"inActConn,omitempty"`
	PersistConn *uint64        `json:"persistConn,omitempty"`
	Thresholds  *Thresholds    `json:"thresholds,omitempty"`
	TunnelInfo  string         `json:"tunnelInfo,omitempty"`
	Stats       *Stats         `json:"stats,omitempty"`
	Rate        *Rate          `json:"rate,omitempty"`
	Extra       []string       `json:"extra,omitempty"`
}

// MarshalJSON writes d as one object: its fields and, as fields too, what
// its methods return, a value the line did not print left out.
func (d Dest) MarshalJSON() ([]byte, error) {
	return json.Marshal(destJSON{
		Pos: d.Pos, Addr: d.Addr, Forward: d.Forward,
		Weight: printedValue(d.Weight()), ActiveConn: printedValue(d.ActiveConn()), InActConn: printedValue(d.InActConn()),
		PersistConn: printedValue(d.PersistConn()), Thresholds: d.Thresholds(), TunnelInfo: d.TunnelInfo(),
		Stats: d.Stats(), Rate: d.Rate(), Extra: d.Extra(),
	})
}

// printedValue returns a pointer to v when ok (the line printed v), or nil.
func printedValue[T any](v T, ok bool) *T {
	if !ok {
		return nil
	}
	return &v
}
