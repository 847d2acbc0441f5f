package ipvs

import (
	"fmt"
	"math"
	"net/netip"
	"slices"
	"strconv"
	"strings"
)

// listHeaders maps the columns after "Prot LocalAddress:Port" to the format
// they start.
var listHeaders = map[string]Format{
	"Scheduler Flags":                            FormatList, // also --tun-info; its dest header tells
	"Conns InPkts OutPkts InBytes OutBytes":      FormatStats,
	"CPS InPPS OutPPS InBPS OutBPS":              FormatRate,
	"Uthreshold Lthreshold ActiveConn InActConn": FormatThresholds,
	"Weight PersistConn ActiveConn InActConn":    FormatPersistentConn,
}

// destHeaders maps the columns after "  -> RemoteAddress:Port" to the format
// they tell; the other list formats print none.
var destHeaders = map[string]Format{
	"Forward Weight ActiveConn InActConn":            FormatList,
	"Forward TunnelInfo Weight ActiveConn InActConn": FormatTunInfo,
}

// connHeaders are the header lines of ipvsadm -Lnc (with and without
// --persistent-conn) and of /proc/net/ip_vs_conn.
var connHeaders = []string{
	"IPVS connection entries",
	"pro expire state source virtual destination",
	"pro expire state source virtual destination pe name pe_data",
	"Pro FromIP FPrt ToIP TPrt DestIP DPrt State Expires PEName PEData",
}

// headerLine parses a header line and reports whether line was one.
func (p *parser) headerLine(line string, f []string) bool {
	rest := func() string { return strings.Join(f[2:], " ") }
	switch {
	case len(f) >= 4 && f[0] == "IP" && f[1] == "Virtual" && f[2] == "Server" && f[3] == "version":
		p.version(line, f[4:])
		p.follow(nil, false)
	case len(f) >= 2 && f[0] == "Prot" && f[1] == "LocalAddress:Port":
		if fm, ok := listHeaders[rest()]; ok {
			p.setFormat(fm, true)
		} else {
			p.warn(line, "unknown columns")
		}
		p.follow(nil, false)
	case len(f) >= 2 && f[0] == "->" && f[1] == "RemoteAddress:Port":
		if fm, ok := destHeaders[rest()]; ok {
			p.setFormat(fm, true)
		} else if len(f) > 2 {
			p.warn(line, "unknown columns")
		}
	case (f[0] == "IPVS" || f[0] == "pro" || f[0] == "Pro") && slices.Contains(connHeaders, strings.Join(f, " ")):
		p.setFormat(FormatConn, true)
	default:
		return false
	}
	return true
}

// version parses the end of "IP Virtual Server version 1.2.1 (size=4096)".
// The line does not tell the format: -Ln --stats prints it too.
func (p *parser) version(line string, f []string) {
	if len(f) != 2 {
		p.warn(line, "version line without version and size")
		return
	}
	size, ok := strings.CutPrefix(f[1], "(size=")
	size, ok2 := strings.CutSuffix(size, ")")
	n, err := strconv.Atoi(size)
	if !ok || !ok2 || err != nil || n < 0 {
		p.warn(line, "bad connection table size %q", f[1])
	} else {
		p.t.ConnTableSize = n
	}
	p.t.Version = strings.Clone(f[0])
}

// serviceProto reports whether s starts a service line.
func serviceProto(s string) bool {
	switch s {
	case "TCP", "UDP", "SCTP", "FWM", "?":
		return true
	}
	return false
}

// service parses a service line of a list format:
// "TCP  10.96.0.1:443 rr (sh-fallback) persistent 360 mask 255.255.255.0 pe sip ops",
// "FWM  124 IPv6 rr", or, with --stats and --rate, the address and five
// counters.
func (p *parser) service(line string, f []string) {
	s := &Service{Pos: p.pos}
	rest, ok := p.serviceID(line, s, f)
	if !ok {
		p.skip()
		return
	}
	if fm := p.serviceFormat(line, rest); fm == FormatStats || fm == FormatRate {
		v, approx, extra, err := parseCounters(rest)
		if err != nil {
			p.warn(line, "%v", err)
		} else {
			m := s.moreFields()
			m.stats, m.rate = counters(fm, v, approx)
		}
		if len(extra) > 0 {
			p.extra(line, &s.moreFields().extra, extra...)
		}
	} else {
		p.setFormat(FormatList, false)
		p.serviceOptions(line, s, rest)
	}
	p.add(line, s)
}

// serviceID parses the protocol and address, or the firewall mark, of a
// service line into s, and returns the fields after them. It reports false
// (after a warning) when the service cannot be identified.
func (p *parser) serviceID(line string, s *Service, f []string) ([]string, bool) {
	if len(f) < 2 {
		p.warn(line, "service line without an address")
		return nil, false
	}
	if f[0] == "FWM" {
		base := 10
		if p.hex || isHex(f[1], 8) { // /proc/net/ip_vs: "FWM  0000007B rr"
			base, p.hex = 16, true
		}
		n, err := strconv.ParseUint(f[1], base, 32)
		if err != nil {
			p.warn(line, "bad firewall mark %q", f[1])
			return nil, false
		}
		s.FWMark = uint32(n)
		if len(f) > 2 && f[2] == "IPv6" {
			s.IPv6 = true
			return f[3:], true
		}
		return f[2:], true
	}
	a, kind := p.addrPort(f[1])
	switch kind {
	case addrName:
		p.named(line, "service")
		return nil, false
	case addrBad:
		p.warn(line, "bad service address %q", f[1])
		return nil, false
	case addrPlaceholder:
		p.placeholder(line, "service", f[1])
		return nil, false
	}
	s.Protocol, s.Addr, s.IPv6 = intern(f[0]), a, a.Addr().Is6()
	return f[2:], true
}

// serviceFormat tells how to read the fields after a service's address: as
// the counters of --stats or --rate, or as a scheduler and options (any
// other list format). Without a header, five counters are taken as --stats.
func (p *parser) serviceFormat(line string, rest []string) Format {
	if p.header {
		switch p.t.Format {
		case FormatStats, FormatRate, FormatList, FormatThresholds, FormatPersistentConn, FormatTunInfo:
			return p.t.Format
		}
	}
	if len(rest) != 5 {
		return FormatList
	}
	if _, _, _, err := parseCounters(rest); err != nil {
		return FormatList
	}
	if !p.guessWarned {
		p.guessWarned = true
		p.warn(line, "counters without a header line: read as --stats")
	}
	p.setFormat(FormatStats, false)
	return FormatStats
}

// serviceOptions parses the scheduler and the optional suffixes of a service
// line: " (flags)", " persistent N", " mask M", " pe NAME", " ops".
func (p *parser) serviceOptions(line string, s *Service, rest []string) {
	if len(rest) == 0 {
		p.warn(line, "service line without a scheduler")
		return
	}
	s.Scheduler = intern(rest[0])
	for i := 1; i < len(rest); i++ {
		tok := rest[i]
		arg := i+1 < len(rest)
		switch {
		case len(tok) > 2 && tok[0] == '(' && tok[len(tok)-1] == ')':
			s.moreFields().flags = strings.Split(strings.Clone(tok[1:len(tok)-1]), ",")
		case tok == "persistent" && arg:
			n, err := strconv.ParseUint(rest[i+1], 10, 31)
			if err != nil {
				p.extra(line, &s.moreFields().extra, tok, rest[i+1])
			} else {
				s.Persistent = int(n)
			}
			i++
			if p.hex && i+1 < len(rest) && isHex(rest[i+1], 8) { // /proc/net/ip_vs: "persistent 360 FFFFFF00"
				if m := hexNetmask(rest[i+1], s.IPv6); m != s.Netmask() { // the default, "", needs no serviceMore
					s.moreFields().netmask = m
				}
				i++
			}
		case tok == "mask" && arg:
			s.moreFields().netmask = strings.Clone(rest[i+1])
			i++
		case tok == "pe" && arg:
			s.moreFields().pe = strings.Clone(rest[i+1])
			i++
		case tok == "ops":
			s.OnePacket = true
		default:
			p.extra(line, &s.moreFields().extra, tok)
		}
	}
}

// addrPort parses the address of a service or dest line: ipvsadm's
// "10.96.0.1:443" and "[fd00:10:96::1]:443", or the hex forms of
// /proc/net/ip_vs, "0A600001:01BB" and "[fd00:0010:0096:...:0001]:01BB"
// (which set p.hex; an uncompressed IPv6 address is taken as the kernel's
// when one of its groups is zero-padded or the capture already is).
func (p *parser) addrPort(s string) (netip.AddrPort, addrKind) {
	var addr, port string
	kernel := false
	if rest, ok := strings.CutPrefix(s, "["); ok {
		addr, port, ok = strings.Cut(rest, "]:")
		kernel = ok && len(addr) == 39 && isHex(port, 4) && (p.hex || strings.Contains(":"+addr, ":0"))
	} else {
		addr, port, kernel = hexAddrPort(s)
	}
	if kernel {
		if a, ok := procAddrPort(addr, port); ok {
			p.hex = true
			return a, addrOK
		}
	}
	return parseAddrPort(s)
}

// hexNetmask converts the persistence mask of /proc/net/ip_vs (hex: an IPv4
// mask, or an IPv6 prefix length) to ipvsadm's spelling, "" for the default.
func hexNetmask(h string, ipv6 bool) string {
	n, _ := strconv.ParseUint(h, 16, 32) // the caller checked 8 hex digits
	switch {
	case ipv6 && n == 128, !ipv6 && n == math.MaxUint32:
		return ""
	case ipv6:
		return strconv.FormatUint(n, 10)
	}
	m, _ := HexIPv4(h)
	return m.String()
}

// dest parses a dest line ("  -> 10.244.1.2:53   Masq 1 0 17") of any list
// format and adds it to the current service.
func (p *parser) dest(line string, f []string) {
	if len(f) < 2 {
		p.warn(line, "destination line without an address")
		return
	}
	a, kind := p.addrPort(f[1])
	switch kind {
	case addrName:
		p.named(line, "destination")
		leftOut(p.svc)
		return
	case addrBad:
		p.warn(line, "bad destination address %q", f[1])
		leftOut(p.svc)
		return
	case addrPlaceholder:
		p.placeholder(line, "destination", f[1])
		leftOut(p.svc)
		return
	}
	if p.svc == nil {
		p.known = true
		if p.skipped {
			p.warn(line, "destination of a service that was left out")
		} else {
			p.warn(line, "destination without a service line before it: left out")
		}
		return
	}
	d := Dest{Pos: p.pos, Addr: a}
	if p.destColumns(line, &d, f[2:]) {
		p.dests = append(p.dests, d)
	} else {
		leftOut(p.svc)
	}
}

// column parses one column of a dest line into d.
type column func(d *Dest, s string) error

// destFormats are the columns after the address of a dest line, per format.
var destFormats = map[Format][]column{
	FormatList:           {colForward, colWeight, colActive, colInAct},
	FormatTunInfo:        {colForward, colTunnel, colWeight, colActive, colInAct},
	FormatThresholds:     {colUpper, colLower, colActive, colInAct},
	FormatPersistentConn: {colWeight, colPersist, colActive, colInAct},
}

var (
	colActive  = countColumn("ActiveConn", hasActive, func(d *Dest) *uint64 { return &d.active })
	colInAct   = countColumn("InActConn", hasInAct, func(d *Dest) *uint64 { return &d.inact })
	colPersist = countColumn("PersistConn", hasPersist, func(d *Dest) *uint64 { return &d.moreFields().persistConn })
	colUpper   = thresholdColumn("Uthreshold", func(t *Thresholds) *uint32 { return &t.Upper })
	colLower   = thresholdColumn("Lthreshold", func(t *Thresholds) *uint32 { return &t.Lower })
)

func colForward(d *Dest, s string) error { d.Forward = intern(s); return nil }

// common are the words ipvsadm prints on every line of a large table: the
// protocols, the forwarding methods and the schedulers.
var common = func() map[string]string {
	m := map[string]string{}
	for _, w := range []string{"TCP", "UDP", "SCTP", "?", "Masq", "Local", "Tunnel", "Route", "rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh", "twos"} {
		m[w] = w
	}
	return m
}()

// intern returns a common word as a string of its own, and any other as a
// copy: a word cut from a line must not keep the whole line in memory.
func intern(s string) string {
	if w, ok := common[s]; ok {
		return w
	}
	return strings.Clone(s)
}

func colTunnel(d *Dest, s string) error {
	if s != "n/a" {
		d.moreFields().tunnelInfo = strings.Clone(s)
	}
	return nil
}

func colWeight(d *Dest, s string) error {
	n, err := strconv.Atoi(s)
	if err != nil || n < math.MinInt32 || n > math.MaxInt32 {
		return fmt.Errorf("bad weight %q", s)
	}
	d.weight, d.has = int32(n), d.has|hasWeight
	return nil
}

func countColumn(name string, bit printed, field func(*Dest) *uint64) column {
	return func(d *Dest, s string) error {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return fmt.Errorf("bad %s %q", name, s)
		}
		*field(d), d.has = n, d.has|bit
		return nil
	}
}

func thresholdColumn(name string, field func(*Thresholds) *uint32) column {
	return func(d *Dest, s string) error {
		n, err := strconv.ParseUint(s, 10, 32)
		if err != nil {
			return fmt.Errorf("bad %s %q", name, s)
		}
		m := d.moreFields()
		if m.thresholds == nil {
			m.thresholds = &Thresholds{}
		}
		*field(m.thresholds) = uint32(n)
		return nil
	}
}

// forwards are the forwarding methods ipvsadm prints; "(null)" is glibc's
// rendering of an unknown one.
var forwards = map[string]bool{"Masq": true, "Local": true, "Tunnel": true, "Route": true, "(null)": true}

// destColumns parses the columns after a dest's address into d. It reports
// false (after a warning) when the line must be left out.
func (p *parser) destColumns(line string, d *Dest, cols []string) bool {
	fm := p.destFormat(cols)
	if fm == FormatStats || fm == FormatRate {
		v, approx, extra, err := parseCounters(cols)
		if err != nil {
			p.warn(line, "%v", err)
			return false
		}
		m := d.moreFields()
		m.stats, m.rate = counters(fm, v, approx)
		if len(extra) > 0 {
			p.extra(line, &m.extra, extra...)
		}
		return true
	}
	spec := destFormats[fm]
	if len(cols) < len(spec) {
		p.warn(line, "destination line with %d of %d columns", len(cols), len(spec))
		return false
	}
	for i, set := range spec {
		if err := set(d, cols[i]); err != nil {
			p.warn(line, "%v", err)
			return false
		}
	}
	if d.Forward != "" && !forwards[d.Forward] {
		p.warn(line, "unknown forward method %q kept", d.Forward)
	}
	if len(cols) > len(spec) {
		p.extra(line, &d.moreFields().extra, cols[len(spec):]...)
	}
	return true
}

// destFormat tells the format of a dest line's columns: the header's, or
// without one the shape of the columns and of the service line.
func (p *parser) destFormat(cols []string) Format {
	if p.header {
		switch p.t.Format {
		case FormatStats, FormatRate, FormatList, FormatThresholds, FormatPersistentConn, FormatTunInfo:
			return p.t.Format
		}
	}
	switch {
	case p.svc.Stats() != nil:
		return FormatStats
	case len(cols) == len(destFormats[FormatTunInfo]) && forwards[cols[0]] && !isDigits(cols[1]):
		return FormatTunInfo
	}
	return FormatList
}

// parseCounters parses the five counters of a --stats or --rate row and
// returns the fields after them.
func parseCounters(f []string) (v [5]uint64, approx bool, rest []string, err error) {
	if len(f) < 5 {
		return v, false, nil, fmt.Errorf("%d of 5 counters", len(f))
	}
	for i, s := range f[:5] {
		n, a, err := parseLargeNum(s)
		if err != nil {
			return v, false, nil, err
		}
		v[i], approx = n, approx || a
	}
	return v, approx, f[5:], nil
}

// counters returns the parsed counters v as Stats or Rate, as fm tells.
func counters(fm Format, v [5]uint64, approx bool) (*Stats, *Rate) {
	if fm == FormatRate {
		return nil, &Rate{CPS: v[0], InPPS: v[1], OutPPS: v[2], InBPS: v[3], OutBPS: v[4], Approximate: approx}
	}
	return &Stats{Conns: v[0], InPkts: v[1], OutPkts: v[2], InBytes: v[3], OutBytes: v[4], Approximate: approx}, nil
}

// largeUnits are print_largenum's suffixes: the value was divided by the
// unit and rounded down.
var largeUnits = map[byte]uint64{'K': 1e3, 'M': 1e6, 'G': 1e9, 'T': 1e12}

// parseLargeNum parses a counter as print_largenum prints it: "987654",
// or "987654K", "2500M", "150G", "250T" (approx reports a suffix).
func parseLargeNum(s string) (n uint64, approx bool, err error) {
	digits, unit := s, uint64(1)
	if len(s) > 1 {
		if u, ok := largeUnits[s[len(s)-1]]; ok {
			digits, unit, approx = s[:len(s)-1], u, true
		}
	}
	n, err = strconv.ParseUint(digits, 10, 64)
	if err != nil || n > math.MaxUint64/unit {
		return 0, false, fmt.Errorf("bad counter %q", s)
	}
	return n * unit, approx, nil
}
