package ipvs

import (
	"strconv"
	"strings"
)

// saveOption is an option of a saved rule: how many arguments it takes and
// which lines may carry it ('*' both, 'A' services, 'a' dests).
type saveOption struct {
	args int
	line byte
}

// saveOptions are the options ipvsadm -S prints, short and long spellings.
var saveOptions = map[string]saveOption{
	// the service, on both lines
	"-t":               {1, '*'},
	"--tcp-service":    {1, '*'},
	"-u":               {1, '*'},
	"--udp-service":    {1, '*'},
	"--sctp-service":   {1, '*'},
	"-f":               {1, '*'},
	"--fwmark-service": {1, '*'},
	"-6":               {0, '*'},
	"--ipv6":           {0, '*'},
	// -A only
	"-s":            {1, 'A'},
	"--scheduler":   {1, 'A'},
	"-p":            {1, 'A'},
	"--persistent":  {1, 'A'},
	"-M":            {1, 'A'},
	"--netmask":     {1, 'A'},
	"--pe":          {1, 'A'},
	"-o":            {0, 'A'},
	"--ops":         {0, 'A'},
	"-b":            {1, 'A'},
	"--sched-flags": {1, 'A'},
	// -a only
	"-r":             {1, 'a'},
	"--real-server":  {1, 'a'},
	"-m":             {0, 'a'},
	"--masquerading": {0, 'a'},
	"-g":             {0, 'a'},
	"--gatewaying":   {0, 'a'},
	"-i":             {0, 'a'},
	"--ipip":         {0, 'a'},
	"-w":             {1, 'a'},
	"--weight":       {1, 'a'},
	"-x":             {1, 'a'},
	"--u-threshold":  {1, 'a'},
	"-y":             {1, 'a'},
	"--l-threshold":  {1, 'a'},
	"--tun-type":     {1, 'a'},
	"--tun-port":     {1, 'a'},
	"--tun-nocsum":   {0, 'a'},
	"--tun-csum":     {0, 'a'},
	"--tun-remcsum":  {0, 'a'},
}

// saveProtocols maps the service options of saved rules to protocols.
var saveProtocols = map[string]string{
	"-t": "TCP", "--tcp-service": "TCP",
	"-u": "UDP", "--udp-service": "UDP",
	"--sctp-service": "SCTP",
}

// tunnelChecksums maps the checksum options to the --tun-info spelling.
var tunnelChecksums = map[string]string{"--tun-nocsum": "-c", "--tun-csum": "+c", "--tun-remcsum": "r+c"}

// rule is one saved line being parsed.
type rule struct {
	svc          Service
	dest         Dest
	haveID       bool
	haveReal     bool
	tunType      string
	tunPort      string
	tunChecksum  string
	unrecognized []string
}

// save parses a line of ipvsadm -Sn: "-A -t 10.96.0.1:443 -s rr -p 360" adds
// a service, "-a -t 10.96.0.1:443 -r 10.244.1.2:6443 -m -w 1" a dest of it.
func (p *parser) save(line string, f []string) {
	r := rule{svc: Service{Pos: p.pos}, dest: Dest{Pos: p.pos}}
	kind := f[0][1]
	for i := 1; i < len(f); i++ {
		opt, ok := saveOptions[f[i]]
		if !ok || (opt.line != '*' && opt.line != kind) || i+opt.args >= len(f) {
			r.unrecognized = append(r.unrecognized, f[i])
			continue
		}
		arg := ""
		if opt.args == 1 {
			arg = f[i+1]
		}
		if !p.saveOption(line, &r, f[i], arg) {
			if kind == 'a' && r.haveID {
				leftOut(p.index[r.svc.Key()])
			}
			return
		}
		i += opt.args
	}
	p.setFormat(FormatSave, false)
	if !r.haveID {
		p.known = true
		p.warn(line, "saved rule without a service: left out")
		return
	}
	if kind == 'A' {
		s := r.svc // a copy: the table keeps the service, not the whole rule
		if len(r.unrecognized) > 0 {
			p.extra(line, &s.moreFields().extra, r.unrecognized...)
		}
		p.add(line, &s)
		return
	}
	p.saveDest(line, &r)
}

// saveOption applies one option and its argument to r. It reports false
// (after a warning) when the line must be left out.
func (p *parser) saveOption(line string, r *rule, opt, arg string) bool {
	s, d := &r.svc, &r.dest
	switch opt {
	case "-t", "--tcp-service", "-u", "--udp-service", "--sctp-service":
		a, kind := parseAddrPort(arg)
		switch kind {
		case addrName:
			p.named(line, "saved rule")
			return false
		case addrBad:
			p.warn(line, "bad service address %q", arg)
			return false
		case addrPlaceholder:
			p.placeholder(line, "service", arg)
			return false
		}
		s.Protocol, s.Addr, s.IPv6, r.haveID = saveProtocols[opt], a, a.Addr().Is6(), true
	case "-f", "--fwmark-service":
		n, err := strconv.ParseUint(arg, 10, 32)
		if err != nil {
			p.warn(line, "bad firewall mark %q", arg)
			return false
		}
		s.FWMark, r.haveID = uint32(n), true
	case "-6", "--ipv6":
		s.IPv6 = true
	case "-s", "--scheduler":
		s.Scheduler = intern(arg)
	case "-p", "--persistent":
		n, err := strconv.ParseUint(arg, 10, 31)
		if err != nil {
			p.warn(line, "bad persistence timeout %q", arg)
			return false
		}
		s.Persistent = int(n)
	case "-M", "--netmask":
		s.moreFields().netmask = strings.Clone(arg)
	case "--pe":
		s.moreFields().pe = strings.Clone(arg)
	case "-o", "--ops":
		s.OnePacket = true
	case "-b", "--sched-flags":
		s.moreFields().flags = strings.Split(strings.Clone(arg), ",")
	case "-r", "--real-server":
		a, kind := parseAddrPort(arg)
		switch kind {
		case addrName:
			p.named(line, "saved rule")
			return false
		case addrBad:
			p.warn(line, "bad destination address %q", arg)
			return false
		case addrPlaceholder:
			p.placeholder(line, "destination", arg)
			return false
		}
		d.Addr, r.haveReal = a, true
	case "-m", "--masquerading":
		d.Forward = "Masq"
	case "-g", "--gatewaying":
		d.Forward = "Route" // also Local: ipvsadm saves both as -g
	case "-i", "--ipip":
		d.Forward = "Tunnel"
	case "-w", "--weight":
		return p.saveColumn(line, d, colWeight, arg)
	case "-x", "--u-threshold":
		return p.saveColumn(line, d, colUpper, arg)
	case "-y", "--l-threshold":
		return p.saveColumn(line, d, colLower, arg)
	case "--tun-type":
		r.tunType = arg
	case "--tun-port":
		r.tunPort = arg
	default: // --tun-nocsum, --tun-csum, --tun-remcsum
		r.tunChecksum = tunnelChecksums[opt]
	}
	return true
}

// saveColumn parses an option's argument as the dest column set parses it.
func (p *parser) saveColumn(line string, d *Dest, set column, arg string) bool {
	if err := set(d, arg); err != nil {
		p.warn(line, "%v", err)
		return false
	}
	return true
}

// saveDest adds the dest of an "-a" rule to its service, which an "-A" line
// must have defined before.
func (p *parser) saveDest(line string, r *rule) {
	p.known = true
	if !r.haveReal {
		p.warn(line, "saved destination without -r: left out")
		leftOut(p.index[r.svc.Key()])
		return
	}
	d := r.dest
	if r.tunType != "" || r.tunPort != "" || r.tunChecksum != "" {
		d.moreFields().tunnelInfo = strings.Join(nonEmpty(r.tunType, r.tunPort, r.tunChecksum), ":")
	}
	key := r.svc.Key()
	s := p.svc
	if s == nil || s.Key() != key {
		s = p.index[key]
	}
	if s == nil {
		p.warn(line, "destination of %s, which no -A line defined before: left out", key)
		return
	}
	if len(r.unrecognized) > 0 {
		p.extra(line, &d.moreFields().extra, r.unrecognized...)
	}
	if s == p.svc {
		p.dests = append(p.dests, d)
	} else {
		s.Dests = append(s.Dests, d)
	}
}

// nonEmpty returns the strings that are not "".
func nonEmpty(list ...string) []string {
	out := list[:0]
	for _, s := range list {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
