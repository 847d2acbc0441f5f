package ipvs

import (
	"errors"
	"io"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ipvslint/ipvslint/analyze/source"
)

// ErrNotIPVS is the cause of the [source.ParseError] returned for an input
// that holds no line of ipvsadm output at all.
var ErrNotIPVS = errors.New("not ipvsadm output")

// Format is the ipvsadm listing a capture holds. The zero Format means no
// line told it (an empty capture, or one that holds only a failure).
type Format string

// The formats [Parse] tells apart.
const (
	FormatList           Format = "list"            // ipvsadm -Ln, -Ln -t <service>
	FormatStats          Format = "stats"           // ipvsadm -Ln --stats [--exact]
	FormatRate           Format = "rate"            // ipvsadm -Ln --rate [--exact]
	FormatThresholds     Format = "thresholds"      // ipvsadm -Ln --thresholds
	FormatPersistentConn Format = "persistent-conn" // ipvsadm -Ln --persistent-conn
	FormatTunInfo        Format = "tun-info"        // ipvsadm -Ln --tun-info
	FormatSave           Format = "save"            // ipvsadm -Sn
	FormatConn           Format = "conn"            // ipvsadm -Lnc [--persistent-conn], /proc/net/ip_vs_conn
	FormatTimeout        Format = "timeout"         // ipvsadm -L --timeout
)

// Table is one parsed ipvsadm capture. Which fields are filled depends on
// Format: the list formats and save fill Services, conn fills Conns, timeout
// fills Timeouts.
type Table struct {
	// Format is the listing, told by the header lines, or by the first data
	// line when a grep'd fragment has none.
	Format Format `json:"format,omitempty"`
	// Version is the kernel's IPVS version from the "IP Virtual Server
	// version 1.2.1 (size=4096)" line ("1.2.1"); "" when that line is absent
	// (-Sn, -L -t <service>, fragments).
	Version string `json:"version,omitempty"`
	// ConnTableSize is the size of the kernel's connection hash table from
	// the same line; 0 when absent.
	ConnTableSize int `json:"connTableSize,omitempty"`
	// Services are the virtual services in the printed order (see the
	// package doc about ipvsadm's sort order).
	Services []*Service `json:"services,omitempty"`
	// Conns are the connection entries of -Lnc or /proc/net/ip_vs_conn.
	Conns []Conn `json:"conns,omitempty"`
	// Timeouts is the --timeout line; nil when absent.
	Timeouts *Timeouts `json:"timeouts,omitempty"`
	// Names reports that ipvsadm ran without -n and printed host or port
	// names: those lines were left out (each with a warning), so the table
	// is incomplete.
	Names bool `json:"names,omitempty"`
	// ServicesLeftOut counts the service lines of a list format that were
	// left out with a warning (printed with names, an unreadable address,
	// a placeholder): when it is not 0, Services is incomplete.
	ServicesLeftOut int `json:"servicesLeftOut,omitempty"`
	// Failure is ipvsadm's (or the shell's) error text when the capture
	// holds it instead of, or after, output; nil otherwise.
	Failure *source.Failure `json:"failure,omitempty"`
	// Warnings are the lines understood in part or not at all, in line
	// order.
	Warnings []source.Warning `json:"warnings,omitempty"`
}

// Service returns the first service whose [Service.Key] is key, or nil. It
// looks through Services one by one: a caller with many keys to look up
// builds a map of its own.
func (t *Table) Service(key string) *Service {
	for _, s := range t.Services {
		if s.Key() == key {
			return s
		}
	}
	return nil
}

// Service is one virtual service and its destinations (real servers). The
// parts of a service line that a listing of kube-proxy's services seldom
// holds (scheduler flags, netmask, persistence engine, counters, tokens not
// understood) are read through methods; the JSON form has them all as
// fields.
type Service struct {
	Pos source.Pos
	// Protocol is "TCP", "UDP", "SCTP", or "?" as ipvsadm prints an unknown
	// protocol; "" for a firewall-mark service.
	Protocol string
	// Addr is the virtual address and port; the zero AddrPort for a
	// firewall-mark service.
	Addr netip.AddrPort
	// FWMark is the firewall mark of a firewall-mark service; 0 otherwise.
	FWMark uint32
	// IPv6 reports an IPv6 service: Addr is IPv6, or the firewall-mark
	// service is marked "IPv6" (-6 in -Sn).
	IPv6 bool
	// OnePacket reports one-packet scheduling ("ops", -o).
	OnePacket bool
	// Scheduler is the scheduler name (rr, wlc, sh, mh...); "" in --stats
	// and --rate, which do not print it.
	Scheduler string
	// Persistent is the persistence timeout in seconds; 0 when the service
	// is not persistent.
	Persistent int
	// Dests are the destinations in the printed order; empty when the
	// service has none.
	Dests []Dest
	// DestsLeftOut counts this service's dest lines that were left out with
	// a warning (printed with names, or unreadable): when it is not 0, Dests
	// is incomplete.
	DestsLeftOut int

	more *serviceMore // nil when the line holds none of it
}

// serviceMore holds the parts of a service line that a listing of
// kube-proxy's services seldom holds.
type serviceMore struct {
	flags   []string
	netmask string
	pe      string
	stats   *Stats
	rate    *Rate
	extra   []string
}

// parts returns s.more to read, or empty parts when s has none.
func (s *Service) parts() *serviceMore {
	if s.more == nil {
		return &serviceMore{}
	}
	return s.more
}

// moreFields returns s.more to write, made on first use.
func (s *Service) moreFields() *serviceMore {
	if s.more == nil {
		s.more = &serviceMore{}
	}
	return s.more
}

// Flags returns the scheduler flags ("sh-fallback", "sh-port", "mh-port",
// "flag-1"...), in the printed order; nil when none.
func (s *Service) Flags() []string { return s.parts().flags }

// Netmask returns the persistence granularity as printed: a dotted IPv4
// mask ("255.255.255.0") or an IPv6 prefix length ("64"); "" when it is the
// default /32 or /128.
func (s *Service) Netmask() string { return s.parts().netmask }

// PE returns the persistence engine ("sip"); "" when none.
func (s *Service) PE() string { return s.parts().pe }

// Stats returns the --stats counters; nil in other formats.
func (s *Service) Stats() *Stats { return s.parts().stats }

// Rate returns the --rate estimates; nil in other formats.
func (s *Service) Rate() *Rate { return s.parts().rate }

// Extra returns the tokens of the line the parser did not understand, in
// order (each also gave a warning).
func (s *Service) Extra() []string { return s.parts().extra }

// Key returns the service's identity as the rest of ipvslint spells it (see
// [ServiceKey]): "TCP/10.96.0.1:443", "UDP/[fd00:10:96::a]:53", "FWM/123",
// or "FWM/124/IPv6" for an IPv6 firewall-mark service (IPVS keeps IPv4 and
// IPv6 services with the same mark apart).
func (s *Service) Key() string {
	if s.Protocol == "" {
		k := "FWM/" + strconv.FormatUint(uint64(s.FWMark), 10)
		if s.IPv6 {
			k += "/IPv6"
		}
		return k
	}
	return ServiceKey(s.Protocol, s.Addr)
}

// ServiceKey returns the key of the service of protocol ("TCP", "UDP",
// "SCTP", or "?") at addr: the protocol, a slash and the address in
// [netip.AddrPort.String] form, with IPv6 addresses compressed and bracketed.
func ServiceKey(protocol string, addr netip.AddrPort) string {
	return protocol + "/" + addr.String()
}

// Dest is one destination (real server) of a service. Values the format
// does not print are absent: --stats has neither a weight nor Forward, -Sn
// has no connection counts. The weight and the counts are read through
// methods that tell whether the line printed them, and so are the parts of
// a dest line that a plain -Ln listing does not print; the JSON form has
// them all as fields.
type Dest struct {
	Pos  source.Pos
	Addr netip.AddrPort
	// Forward is the forwarding method: "Masq", "Local", "Tunnel", "Route",
	// or "(null)" as glibc prints an unknown one. -Sn saves Local as -g,
	// which reads back as "Route".
	Forward string

	weight int32     // when has&hasWeight
	has    printed   // which of weight, active, inact and more.persistConn the line printed
	active uint64    // when has&hasActive
	inact  uint64    // when has&hasInAct
	more   *destMore // nil when the line prints none of it
}

// printed is the set of a dest's values that its line printed.
type printed uint8

const (
	hasWeight printed = 1 << iota
	hasActive
	hasInAct
	hasPersist
)

// destMore holds the parts of a dest line that a plain -Ln listing does not
// print.
type destMore struct {
	persistConn uint64 // when Dest.has&hasPersist
	thresholds  *Thresholds
	tunnelInfo  string
	stats       *Stats
	rate        *Rate
	extra       []string
}

// parts returns d.more to read, or empty parts when d has none.
func (d *Dest) parts() *destMore {
	if d.more == nil {
		return &destMore{}
	}
	return d.more
}

// moreFields returns d.more to write, made on first use.
func (d *Dest) moreFields() *destMore {
	if d.more == nil {
		d.more = &destMore{}
	}
	return d.more
}

// Weight returns the scheduling weight (0 takes the dest out of rotation),
// and whether the line printed one.
func (d *Dest) Weight() (int, bool) { return int(d.weight), d.has&hasWeight != 0 }

// ActiveConn returns the count of active connections, and whether the line
// printed it.
func (d *Dest) ActiveConn() (uint64, bool) { return d.active, d.has&hasActive != 0 }

// InActConn returns the count of inactive connections, and whether the line
// printed it.
func (d *Dest) InActConn() (uint64, bool) { return d.inact, d.has&hasInAct != 0 }

// PersistConn returns the count of persistence templates, and whether the
// line printed it (--persistent-conn).
func (d *Dest) PersistConn() (uint64, bool) {
	if d.has&hasPersist == 0 {
		return 0, false
	}
	return d.more.persistConn, true
}

// Thresholds returns the connection thresholds (--thresholds, or -x/-y in a
// saved rule); nil in other formats.
func (d *Dest) Thresholds() *Thresholds { return d.parts().thresholds }

// TunnelInfo returns the tunnel type and options as --tun-info prints them
// ("ipip", "gue:6080:+c", "gre:-c"); "" when the dest is no tunnel
// (--tun-info prints "n/a") or the format does not say.
func (d *Dest) TunnelInfo() string { return d.parts().tunnelInfo }

// Stats returns the --stats counters; nil in other formats.
func (d *Dest) Stats() *Stats { return d.parts().stats }

// Rate returns the --rate estimates; nil in other formats.
func (d *Dest) Rate() *Rate { return d.parts().rate }

// Extra returns the tokens of the line the parser did not understand.
func (d *Dest) Extra() []string { return d.parts().extra }

// Thresholds are a dest's upper and lower connection thresholds; 0 means no
// limit.
type Thresholds struct {
	Upper uint32 `json:"upper"`
	Lower uint32 `json:"lower"`
}

// Stats are the five --stats counters of a service or dest since the
// counters were last zeroed.
type Stats struct {
	Conns    uint64 `json:"conns"`    // connections
	InPkts   uint64 `json:"inPkts"`   // packets in
	OutPkts  uint64 `json:"outPkts"`  // packets out
	InBytes  uint64 `json:"inBytes"`  // bytes in
	OutBytes uint64 `json:"outBytes"` // bytes out
	// Approximate reports that at least one value was printed with a K, M,
	// G or T suffix: ipvsadm divided it by 1e3, 1e6, 1e9 or 1e12 and rounded
	// down, so the number here is a lower bound, exact only to that unit.
	// ipvsadm --exact prints exact numbers.
	Approximate bool `json:"approximate,omitempty"`
}

// Rate are the five --rate estimates of a service or dest, per second.
type Rate struct {
	CPS    uint64 `json:"cps"`    // connections
	InPPS  uint64 `json:"inPPS"`  // packets in
	OutPPS uint64 `json:"outPPS"` // packets out
	InBPS  uint64 `json:"inBPS"`  // bytes in
	OutBPS uint64 `json:"outBPS"` // bytes out
	// Approximate is as for [Stats.Approximate].
	Approximate bool `json:"approximate,omitempty"`
}

// Conn is one IPVS connection entry of ipvsadm -Lnc or /proc/net/ip_vs_conn.
type Conn struct {
	Pos source.Pos `json:"pos"`
	// Protocol is copied as printed: "TCP", "UDP", "SCTP", "IP" (firewall
	// mark templates), "ICMP", "ICMPv6", "IP_<n>".
	Protocol string `json:"protocol"`
	// Expires is the number of seconds left before the entry expires
	// (ipvsadm prints it as MM:SS).
	Expires int `json:"expires"`
	// State is copied as printed ("ESTABLISHED", "UDP", "NONE", "ERR!"...).
	State string `json:"state"`
	// Source is the client, Virtual the virtual service (0.0.0.<mark>:0 for
	// a firewall-mark template), Dest the real server.
	Source  netip.AddrPort `json:"source"`
	Virtual netip.AddrPort `json:"virtual"`
	Dest    netip.AddrPort `json:"dest"`
	// PEName and PEData are the persistence engine columns ("sip" and the
	// Call-ID); "" when absent.
	PEName string `json:"peName,omitempty"`
	PEData string `json:"peData,omitempty"`
	// Extra are tokens of the line the parser did not understand.
	Extra []string `json:"extra,omitempty"`
}

// Timeouts are the --timeout line: the TCP, TCP FIN and UDP timeouts in
// seconds.
type Timeouts struct {
	TCP    int `json:"tcp"`
	TCPFin int `json:"tcpFin"`
	UDP    int `json:"udp"`
}

// Parse reads one ipvsadm capture from r. at.File names the capture in the
// bundle and at.Line is the line number of its first line (1 for a whole
// file). It returns a [*source.ParseError] only when the input holds no line
// of ipvsadm output (wrapping [ErrNotIPVS]) or cannot be read; lines it
// understands only in part become [Table.Warnings].
func Parse(r io.Reader, at source.Pos) (*Table, error) {
	sc := source.NewScanner(r, at.File, max(at.Line, 1))
	p := &parser{t: &Table{}, index: map[string]*Service{}}
	for sc.Scan() {
		p.pos = sc.Pos()
		p.partial = sc.Partial()
		p.line(strings.TrimRight(sc.Text(), " \t"))
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	p.follow(nil, false)
	if !p.known && p.t.Failure == nil && p.first != nil {
		return nil, p.first
	}
	t := p.t
	if w := sc.Warnings(); len(w) > 0 {
		t.Warnings = append(t.Warnings, w...)
		slices.SortStableFunc(t.Warnings, func(a, b source.Warning) int { return a.Line - b.Line })
	}
	return t, nil
}

// parser is the state of one Parse.
type parser struct {
	t       *Table
	pos     source.Pos
	partial bool // the current line ends the input without a newline

	// svc is the service the next dest lines belong to; nil before the
	// first service line, after a header, or after a skipped service.
	svc *Service
	// dests are svc's dests read so far: svc gets them in a slice of their
	// exact size once its lines end (see follow).
	dests []Dest
	// index finds the first service of each key, for the dests of saved
	// rules and the warning about a service listed twice.
	index map[string]*Service
	// skipped reports that the last service line was left out, so its dest
	// lines are not orphans.
	skipped bool
	// header reports that Format came from a header line, not a guess from
	// a data line.
	header bool
	// guessWarned reports the warning about counters without a header.
	guessWarned bool
	// hex reports that the capture is the kernel's /proc/net/ip_vs, with
	// hex addresses, ports, marks and masks.
	hex bool

	known bool               // some line was ipvsadm output
	first *source.ParseError // the first line that was not

	// fields holds the fields of the current line: the parser keeps none
	// of them but as copies, so one array serves every line.
	fields []string
}

// line parses one line, its trailing white space removed.
func (p *parser) line(line string) {
	p.fields = appendFields(p.fields[:0], line)
	f := p.fields
	switch {
	case len(f) == 0:
		// ipvsadm prints no blank lines; pastes do. Nothing is lost.
	case p.headerLine(line, f):
		p.known = true
	case f[0] == "->":
		p.dest(line, f)
	case f[0] == "-A" || f[0] == "-a":
		p.save(line, f)
	case strings.HasPrefix(line, "Timeout (tcp tcpfin udp):"):
		p.timeout(line, f)
	case isFailure(line):
		p.failure(line)
	case p.connLine(line, f):
	case serviceProto(f[0]):
		p.service(line, f)
	default:
		p.warn(line, "unrecognized line")
		if p.first == nil {
			p.first = source.Errorf(p.pos, line, "%w", ErrNotIPVS)
		}
	}
}

// appendFields appends the fields of s, as strings.Fields splits it, to
// dst.
func appendFields(dst []string, s string) []string {
	n, start := len(dst), -1
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return append(dst[:n], strings.Fields(s)...) // Unicode spaces too
		}
		space := c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
		switch {
		case space && start >= 0:
			dst, start = append(dst, s[start:i]), -1
		case !space && start < 0:
			start = i
		}
	}
	if start >= 0 {
		dst = append(dst, s[start:])
	}
	return dst
}

// setFormat records the format told by a header line, or by a data line
// when no header told it.
func (p *parser) setFormat(f Format, header bool) {
	if header {
		p.t.Format, p.header = f, true
	} else if p.t.Format == "" {
		p.t.Format = f
	}
}

// warn records a warning about the current line.
func (p *parser) warn(line, format string, args ...any) {
	w := source.Warnf(p.pos, line, format, args...)
	if p.partial {
		w.Msg += " (the input ends inside this line)"
	}
	p.t.Warnings = append(p.t.Warnings, w)
}

// extra records tokens the parser did not understand, with one warning.
func (p *parser) extra(line string, dst *[]string, toks ...string) {
	for _, t := range toks {
		*dst = append(*dst, strings.Clone(t))
	}
	p.warn(line, "unknown %s %q kept", plural(len(toks), "token"), strings.Join(toks, " "))
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// named records a service, dest or connection line printed with names
// instead of numbers, which is left out.
func (p *parser) named(line, what string) {
	p.known = true
	p.t.Names = true
	p.warn(line, "%s printed with names, not numbers (capture with ipvsadm -n): left out", what)
}

// ipvsFailures are the beginnings of the error lines of ipvsadm and its
// library (ipvs_strerror) that a capture can hold instead of a listing.
var ipvsFailures = []string{
	"Can't initialize ipvs:",
	"Are you sure that IP Virtual Server is built in the kernel or as module?",
	"modprobe:",
	"cannot open file /proc/net/ip_vs_conn",
	"unexpected input from /proc/net/ip_vs_conn",
	"No such service",
	"Permission denied (you must be root)",
	"Invalid operation.  Possibly wrong module version",
	"Protocol not available",
	"Memory allocation problem",
	"Operation not supported with IPv6",
	"Operation not supported with specified address family",
	"Module is wrong version",
}

// isFailure reports whether line is ipvsadm's or a shell's error text.
func isFailure(line string) bool {
	for _, s := range ipvsFailures {
		if strings.HasPrefix(line, s) {
			return true
		}
	}
	return source.ShellFailure(line)
}

// failure records an error line; consecutive or later ones are added to the
// same Failure, one per line.
func (p *parser) failure(line string) {
	if p.t.Failure == nil {
		p.t.Failure = &source.Failure{Pos: p.pos, Message: line}
		return
	}
	p.t.Failure.Message += "\n" + line
}

// timeout parses "Timeout (tcp tcpfin udp): 900 120 300".
func (p *parser) timeout(line string, f []string) {
	var d [3]int
	p.known = true
	if len(f) != 7 {
		p.warn(line, "timeout line without 3 values")
		return
	}
	for i, s := range f[4:] {
		n, err := strconv.ParseUint(s, 10, 31)
		if err != nil {
			p.warn(line, "bad timeout %q", s)
			return
		}
		d[i] = int(n)
	}
	p.setFormat(FormatTimeout, false)
	p.t.Timeouts = &Timeouts{TCP: d[0], TCPFin: d[1], UDP: d[2]}
}

// add appends a parsed service to the table and makes it the owner of the
// dest lines that follow.
func (p *parser) add(line string, s *Service) {
	p.known = true
	p.t.Services = append(p.t.Services, s)
	k := s.Key()
	if _, dup := p.index[k]; dup {
		p.warn(line, "service %s listed twice; lookups find the first", k)
	} else {
		p.index[k] = s
	}
	p.follow(s, false)
}

// skip forgets the current service after a service line that was left
// out, and counts it.
func (p *parser) skip() {
	p.follow(nil, true)
	p.t.ServicesLeftOut++
}

// follow gives the current service the dests read for it, then makes s
// (nil for none) the service the next dest lines belong to; skipped tells
// that a service line was just left out.
func (p *parser) follow(s *Service, skipped bool) {
	if p.svc != nil && len(p.dests) > 0 {
		p.svc.Dests = append(p.svc.Dests, p.dests...)
		p.dests = p.dests[:0]
	}
	p.svc, p.skipped = s, skipped
}

// leftOut counts a dest line of s that was left out.
func leftOut(s *Service) {
	if s != nil {
		s.DestsLeftOut++
	}
}

// addrKind is what parseAddrPort made of an address token.
type addrKind int

const (
	addrOK          addrKind = iota
	addrName                 // a host or port name, maybe cut short by ipvsadm
	addrBad                  // neither an address nor a name
	addrPlaceholder          // what a reporter wrote in place of the address ("<LB-IP>", "x.x.x.x")
)

// placeholder records a line left out because a placeholder stands in place
// of its address; what names the address ("service", "destination"...).
func (p *parser) placeholder(line, what, tok string) {
	host := tok
	if rest, ok := strings.CutPrefix(tok, "["); ok {
		host, _, _ = strings.Cut(rest, "]")
	} else if i := strings.LastIndexByte(tok, ':'); i > 0 {
		host = tok[:i]
	}
	p.warn(line, "placeholder %q in place of the %s address: left out", host, what)
}

// parseAddrPort parses "a.b.c.d:port" or "[v6]:port" as ipvsadm -n prints
// them, and tells names ("10.96.0.1:https", "kubernetes.default.svc.clust")
// from garbage.
func parseAddrPort(s string) (netip.AddrPort, addrKind) {
	if source.Placeholder(s) {
		return netip.AddrPort{}, addrPlaceholder
	}
	var host, port string
	if rest, ok := strings.CutPrefix(s, "["); ok {
		h, pt, ok := strings.Cut(rest, "]:")
		if !ok {
			return netip.AddrPort{}, addrBad
		}
		host, port = h, pt
	} else {
		i := strings.LastIndexByte(s, ':')
		if i < 0 {
			if isName(s) {
				return netip.AddrPort{}, addrName
			}
			return netip.AddrPort{}, addrBad
		}
		host, port = s[:i], s[i+1:]
	}
	a, err := netip.ParseAddr(host)
	if err != nil && source.Placeholder(host) {
		return netip.AddrPort{}, addrPlaceholder
	}
	if err != nil || a.Zone() != "" {
		if isName(host) && nameChars(port) {
			return netip.AddrPort{}, addrName
		}
		return netip.AddrPort{}, addrBad
	}
	n, err := strconv.ParseUint(port, 10, 16)
	if err != nil {
		if isName(port) {
			return netip.AddrPort{}, addrName
		}
		return netip.AddrPort{}, addrBad
	}
	return netip.AddrPortFrom(a, uint16(n)), addrOK
}

// isName reports whether s can be a (possibly truncated) host or service
// name: letters, digits, '.', '-', '_', with at least one letter.
func isName(s string) bool {
	return nameChars(s) && strings.ContainsFunc(s, func(c rune) bool {
		return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
	})
}

// nameChars reports whether s holds only letters, digits, '.', '-' and '_'
// (also a numeric port, or "" for a name cut right after its colon).
func nameChars(s string) bool {
	for _, c := range []byte(s) {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '-', c == '_':
		default:
			return false
		}
	}
	return true
}
