package ipaddr

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"sort"
	"strconv"

	"github.com/ipvslint/ipvslint/analyze/source"
)

// forever is the lifetime ip -j prints for "forever" (INFINITY_LIFE_TIME).
const forever = 4294967295

// jsonLink is one element of the `ip -j addr` array. Keys not listed are not
// read (see the package documentation).
type jsonLink struct {
	IfIndex   int             `json:"ifindex"`
	IfName    string          `json:"ifname"`
	Link      json.RawMessage `json:"link"`
	LinkIndex int             `json:"link_index"`
	Flags     []string        `json:"flags"`
	MTU       int             `json:"mtu"`
	Qdisc     string          `json:"qdisc"`
	Master    string          `json:"master"`
	Operstate string          `json:"operstate"`
	Group     string          `json:"group"`
	TxQLen    int             `json:"txqlen"`
	LinkType  string          `json:"link_type"`
	Address   string          `json:"address"`
	Broadcast string          `json:"broadcast"`
	AltNames  []string        `json:"altnames"`
	LinkInfo  struct {
		InfoKind      string `json:"info_kind"`
		InfoSlaveKind string `json:"info_slave_kind"`
	} `json:"linkinfo"`
	AddrInfo []json.RawMessage `json:"addr_info"`
}

// lineCounter passes reads through and remembers where the newlines are, so
// that a byte offset can be turned into a line number.
type lineCounter struct {
	r     io.Reader
	first int     // line number of offset 0
	off   int64   // bytes read so far
	nl    []int64 // offsets of the newlines read so far
}

func (c *lineCounter) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	for i, ch := range b[:n] {
		if ch == '\n' {
			c.nl = append(c.nl, c.off+int64(i))
		}
	}
	c.off += int64(n)
	return n, err
}

// line returns the line number of the byte at off.
func (c *lineCounter) line(off int64) int {
	return c.first + sort.Search(len(c.nl), func(i int) bool { return c.nl[i] >= off })
}

// parseJSON reads the `ip -j addr` form: an array of link objects.
func parseJSON(r io.Reader, at source.Pos) (*Result, error) {
	lc := &lineCounter{r: r, first: at.Line}
	dec := json.NewDecoder(lc)
	res := &Result{Form: FormJSON, Interfaces: []*Interface{}}
	// The first token is the '[' Parse saw; only a read error can fail here.
	if _, err := dec.Token(); err != nil {
		return nil, &source.ParseError{Pos: at, Err: err}
	}
	warn := func(format string, args ...any) {
		pos := source.Pos{File: at.File, Line: lc.line(dec.InputOffset())}
		res.Warnings = append(res.Warnings, source.Warnf(pos, "", format, args...))
	}
	for dec.More() {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			warn("truncated or invalid JSON (rest skipped): %v", err)
			return res, nil
		}
		pos := source.Pos{File: at.File, Line: lc.line(dec.InputOffset() - int64(len(raw)))}
		var jl jsonLink
		if err := json.Unmarshal(raw, &jl); err != nil {
			res.Warnings = append(res.Warnings, source.Warnf(pos, string(raw), "not an interface object (skipped): %v", err))
			continue
		}
		if jl.IfIndex == 0 && jl.IfName == "" && len(jl.AddrInfo) == 0 {
			continue // "[{}]": nothing matched the filter
		}
		res.Interfaces = append(res.Interfaces, jl.interfaceAt(pos, res))
	}
	if _, err := dec.Token(); err != nil {
		warn("truncated or invalid JSON: %v", err)
	} else if _, err := dec.Token(); err != io.EOF {
		warn("data after the JSON array (skipped)")
	}
	return res, nil
}

// interfaceAt converts jl into an Interface at pos, adding warnings to res.
func (jl *jsonLink) interfaceAt(pos source.Pos, res *Result) *Interface {
	it := &Interface{
		Index: jl.IfIndex, Name: jl.IfName, Flags: jl.Flags, MTU: jl.MTU,
		Qdisc: jl.Qdisc, Master: jl.Master, State: jl.Operstate, Group: jl.Group,
		TxQueueLen: jl.TxQLen, Kind: jl.LinkInfo.InfoKind, SlaveKind: jl.LinkInfo.InfoSlaveKind,
		LinkType: jl.LinkType, MAC: jl.Address, Broadcast: jl.Broadcast, AltNames: jl.AltNames,
		Addresses: []Address{}, Pos: pos,
	}
	var name string
	switch {
	case bytes.Equal(jl.Link, []byte("null")):
		it.Link = "NONE"
	case json.Unmarshal(jl.Link, &name) == nil:
		it.Link = name
	case jl.LinkIndex != 0:
		it.Link = "if" + strconv.Itoa(jl.LinkIndex)
	}
	for _, raw := range jl.AddrInfo {
		a, err := jsonAddress(raw)
		if err != nil {
			res.Warnings = append(res.Warnings, source.Warnf(pos, string(raw), "bad addr_info entry (skipped): %v", err))
			continue
		}
		a.Pos = pos
		it.Addresses = append(it.Addresses, a)
	}
	return it
}

// jsonAddress reads one addr_info object. Its keys are walked in order so
// that the boolean flags keep the order ip printed them in.
func jsonAddress(raw []byte) (Address, error) {
	var a Address
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return a, fmt.Errorf("not an object")
	}
	var local, peer string
	plen := -1
	family := ""
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return a, err
		}
		key, _ := tok.(string)
		var v any
		if err := dec.Decode(&v); err != nil {
			return a, err
		}
		s, isString := v.(string)
		switch key {
		case "family":
			family = s
		case "local":
			local = s
		case "address":
			peer = s
		case "prefixlen":
			n, _ := v.(json.Number)
			i, err := strconv.Atoi(string(n))
			if err != nil {
				return a, fmt.Errorf("bad prefixlen %v", v)
			}
			plen = i
		case "broadcast":
			if a.moreFields().broadcast, err = netip.ParseAddr(s); err != nil {
				return a, err
			}
		case "scope":
			a.Scope = s
		case "label":
			a.Label = s
		case "valid_life_time":
			a.ValidLft = lifetime(v)
		case "preferred_life_time":
			a.PreferredLft = lifetime(v)
		case "metric":
			a.addExtra("metric", fmt.Sprint(v))
		case "anycast":
			a.addExtra("any", s)
		case "protocol":
			a.addExtra("proto", s)
		default:
			if b, ok := v.(bool); ok {
				if b {
					m := a.moreFields()
					m.flags = append(m.flags, key)
				}
			} else if isString {
				a.addExtra(key, s)
			} else {
				a.addExtra(key, fmt.Sprint(v))
			}
		}
	}
	if local == "" {
		local, peer = peer, ""
	}
	ip, err := netip.ParseAddr(local)
	if err != nil {
		return a, fmt.Errorf("%s address: %w", family, err)
	}
	if a.Prefix = netip.PrefixFrom(ip, plen); !a.Prefix.IsValid() {
		return a, fmt.Errorf("bad prefixlen %d for %s", plen, local)
	}
	if peer != "" {
		if a.moreFields().peer, err = netip.ParseAddr(peer); err != nil {
			return a, fmt.Errorf("peer address: %w", err)
		}
	}
	return a, nil
}

// lifetime formats a JSON lifetime as ip's text form does.
func lifetime(v any) string {
	n, _ := v.(json.Number)
	s, err := strconv.ParseUint(string(n), 10, 64)
	switch {
	case err != nil:
		return fmt.Sprint(v)
	case s == forever:
		return "forever"
	default:
		return strconv.FormatUint(s, 10) + "sec"
	}
}
