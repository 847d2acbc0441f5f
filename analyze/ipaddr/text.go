package ipaddr

import (
	"errors"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/ipvslint/ipvslint/analyze/source"
)

// errNotIPAddr is the cause of the error for input that is not `ip addr`
// output at all.
var errNotIPAddr = errors.New("not ip addr output")

// addrFlags are the address flags iproute2 prints (print_ifa_flags). A word
// in this list is never taken for an IPv4 label.
var addrFlags = []string{
	"secondary", "temporary", "nodad", "optimistic", "dadfailed", "home",
	"deprecated", "tentative", "mngtmpaddr", "noprefixroute", "autojoin",
	"stable-privacy", "dynamic",
}

// textParser holds the state of a text or one-line parse.
type textParser struct {
	res       *Result
	dev       string     // the interface the command names; "" when it names none
	cur       *Interface // the interface the indented lines belong to; nil before the first link line and after a grep separator
	inferred  bool       // cur was not named by a link line: address lines may change it
	addrOpen  bool       // the last line was an address line: a valid_lft line may follow
	afterLink bool       // the last line was the link/ line: a kind line may follow
	linked    bool       // a link line or one-line record was read

	// unknown holds the address lines that came before any link line with
	// nothing to name their interface; orphans are the lines read into it.
	// Both are settled at the end (see settle).
	unknown *Interface
	orphans []source.Warning

	first *source.ParseError // the first line that is not ip addr output

	// words holds one copy of each word an address keeps (scope, label,
	// flags, lifetimes): kube-ipvs0 holds one address per Service IP, and
	// a word cut from its line would keep the whole line alive.
	words map[string]string
}

// word returns a copy of w shared by every address that keeps it.
func (p *textParser) word(w string) string {
	if c, ok := p.words[w]; ok {
		return c
	}
	c := strings.Clone(w)
	p.words[c] = c
	return c
}

// parseText reads the text and one-line forms.
func parseText(r io.Reader, at source.Pos, dev string) (*Result, error) {
	sc := source.NewScanner(r, at.File, at.Line)
	p := &textParser{res: &Result{Interfaces: []*Interface{}}, dev: dev, words: map[string]string{}}
	for sc.Scan() {
		line := sc.Text()
		if strings.TrimSpace(line) == "" {
			continue
		}
		parts := []string{line}
		if strings.Contains(line, `\`) {
			p.res.Form = FormOneLine
			parts = strings.Split(line, `\`)
		}
		for _, part := range parts {
			p.line(part, sc.Pos())
			if p.res.Failure != nil {
				break
			}
		}
		if p.res.Failure != nil {
			break
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	p.settle()
	if len(p.res.Interfaces) == 0 && p.res.Failure == nil && p.first != nil {
		return nil, p.first
	}
	p.res.Warnings = append(sc.Warnings(), p.res.Warnings...)
	slices.SortStableFunc(p.res.Warnings, func(a, b source.Warning) int { return a.Line - b.Line })
	return p.res, nil
}

// settle decides the fate of the address lines no interface name was found
// for: when the capture has link lines, it starts inside an interface
// whose link line was not pasted, and they are skipped; when it has none
// (a grep'd fragment), they are kept on an interface without a name.
func (p *textParser) settle() {
	if p.unknown == nil {
		return
	}
	msg := "no link line, label or command names the interface: kept on an unnamed interface"
	if p.linked {
		msg = "line of an interface whose link line the capture lacks (skipped)"
		p.res.Interfaces = slices.DeleteFunc(p.res.Interfaces, func(it *Interface) bool { return it == p.unknown })
	}
	for _, w := range p.orphans {
		w.Msg = msg
		p.res.Warnings = append(p.res.Warnings, w)
	}
}

// warn records a warning about text at pos.
func (p *textParser) warn(pos source.Pos, text, format string, args ...any) {
	p.res.Warnings = append(p.res.Warnings, source.Warnf(pos, text, format, args...))
}

// line reads one line, or one backslash-separated part of a one-line record.
// An address or lifetime line that lost its indent in the paste is read as
// an indented one.
func (p *textParser) line(text string, pos source.Pos) {
	fields := strings.Fields(text)
	if len(fields) == 0 {
		return
	}
	if text[0] != ' ' && text[0] != '\t' && !bodyWord(fields[0]) {
		p.head(text, fields, pos)
		return
	}
	if p.cur == nil || p.inferred && (fields[0] == "inet" || fields[0] == "inet6") {
		p.orphan(text, fields, pos)
		return
	}
	if p.cur == p.unknown {
		p.orphans = append(p.orphans, source.Warnf(pos, text, ""))
	}
	p.body(text, fields, pos)
}

// bodyWord reports whether an unindented first word starts a line that
// ip prints indented.
func bodyWord(w string) bool {
	return w == "inet" || w == "inet6" || w == "valid_lft" || strings.HasPrefix(w, "link/")
}

// orphan reads an indented line that no link line introduced: before the
// first link line, or after grep's "--" separator. An address line belongs
// to the interface its IPv4 label names ("eth0" for the alias "eth0:vip"),
// else to that of the address line just before it, else to the one the
// command names, else to the unnamed interface (see settle). Other lines
// are skipped with a warning.
func (p *textParser) orphan(text string, fields []string, pos source.Pos) {
	if fields[0] != "inet" && fields[0] != "inet6" {
		if !bodyWord(fields[0]) && fields[0] != "altname" {
			p.notIPAddr(pos, text)
		}
		p.warn(pos, text, "no link line before (skipped)")
		return
	}
	a, ok := p.readAddress(text, fields, pos)
	if !ok {
		return
	}
	name, _, _ := strings.Cut(a.Label, ":")
	if name == "" && p.cur != nil {
		name = p.cur.Name
	}
	if name == "" {
		name = p.dev
	}
	if p.res.Form == "" {
		p.res.Form = FormText
	}
	p.res.Partial, p.inferred = true, true
	switch i := slices.IndexFunc(p.res.Interfaces, func(it *Interface) bool { return it.Name == name && it.Index == 0 }); {
	case name == "":
		if p.unknown == nil {
			p.unknown = &Interface{Addresses: []Address{}, Pos: pos}
			p.res.Interfaces = append(p.res.Interfaces, p.unknown)
		}
		p.cur = p.unknown
		p.orphans = append(p.orphans, source.Warnf(pos, text, ""))
	case i >= 0:
		p.cur = p.res.Interfaces[i]
	default:
		p.cur = &Interface{Name: name, Addresses: []Address{}, Pos: pos}
		p.res.Interfaces = append(p.res.Interfaces, p.cur)
	}
	p.cur.Addresses = append(p.cur.Addresses, a)
	p.addrOpen = true
}

// notIPAddr records the first line that is not ip addr output, the error
// of a capture that holds no ip addr line at all.
func (p *textParser) notIPAddr(pos source.Pos, text string) {
	if p.first == nil {
		p.first = source.Errorf(pos, text, "%w", errNotIPAddr)
	}
}

// head reads an unindented line: a link line ("3: eth0@if2: <...> mtu ..."),
// a one-line address record ("3: eth0    inet ..."), a failure message, or
// grep's "--" between the groups it printed.
func (p *textParser) head(text string, fields []string, pos source.Pos) {
	idx, err := strconv.Atoi(strings.TrimSuffix(fields[0], ":"))
	if !strings.HasSuffix(fields[0], ":") || err != nil || idx < 0 || len(fields) < 2 {
		switch {
		case text == "--":
			p.cur, p.inferred, p.addrOpen, p.afterLink = nil, false, false, false
		case len(p.res.Interfaces) == 0 && failure(strings.TrimSpace(text)):
			p.res.Failure = &source.Failure{Pos: pos, Message: strings.TrimSpace(text)}
		default:
			p.notIPAddr(pos, text)
			p.warn(pos, text, "unrecognized line (skipped)")
		}
		return
	}
	p.linked, p.inferred = true, false
	if name, ok := strings.CutSuffix(fields[1], ":"); ok {
		p.linkLine(text, name, idx, fields[2:], pos)
		return
	}
	// ip -o addr: "<index>: <name>" leads each address line.
	p.res.Form = FormOneLine
	if p.cur == nil || p.cur.Index != idx || p.cur.Name != fields[1] {
		p.cur = &Interface{Index: idx, Name: fields[1], Addresses: []Address{}, Pos: pos}
		p.res.Interfaces = append(p.res.Interfaces, p.cur)
		p.addrOpen, p.afterLink = false, false
	}
	rest := strings.TrimLeft(text[len(fields[0]):], " \t")[len(fields[1]):]
	p.body(rest, fields[2:], pos)
}

// linkLine reads the fields after "<index>: <name>:" of the link line text.
func (p *textParser) linkLine(text, name string, idx int, fields []string, pos source.Pos) {
	if p.res.Form == "" {
		p.res.Form = FormText
	}
	it := &Interface{Index: idx, Addresses: []Address{}, Pos: pos}
	it.Name, it.Link, _ = strings.Cut(name, "@")
	p.res.Interfaces = append(p.res.Interfaces, it)
	p.cur, p.addrOpen, p.afterLink = it, false, false
	if len(fields) > 0 && strings.HasPrefix(fields[0], "<") && strings.HasSuffix(fields[0], ">") {
		if f := strings.Trim(fields[0], "<>"); f != "" {
			it.Flags = strings.Split(f, ",")
		}
		fields = fields[1:]
	}
	for i := 0; i < len(fields); i++ {
		key := fields[i]
		if i+1 == len(fields) {
			it.Extra = append(it.Extra, key)
			break
		}
		val := fields[i+1]
		var n int
		var err error
		switch key {
		case "mtu":
			n, err = strconv.Atoi(val)
			it.MTU = n
		case "qdisc":
			it.Qdisc = val
		case "master":
			it.Master = val
		case "state":
			it.State = val
		case "group":
			it.Group = val
		case "qlen":
			n, err = strconv.Atoi(val)
			it.TxQueueLen = n
		default:
			it.Extra = append(it.Extra, key)
			continue
		}
		if err != nil {
			p.warn(pos, text, "bad %s %q", key, val)
		}
		i++
	}
}

// body reads an indented line of the current interface.
func (p *textParser) body(text string, fields []string, pos source.Pos) {
	afterLink, addrOpen := p.afterLink, p.addrOpen
	p.afterLink, p.addrOpen = false, false
	if len(fields) == 0 {
		return
	}
	it := p.cur
	switch first := fields[0]; {
	case strings.HasPrefix(first, "link/"):
		p.linkType(it, fields)
		p.afterLink = true
	case first == "inet" || first == "inet6":
		p.address(text, fields, pos)
	case first == "valid_lft":
		if !addrOpen {
			p.warn(pos, text, "lifetimes without an address line (skipped)")
			return
		}
		a := &it.Addresses[len(it.Addresses)-1]
		for i := 0; i+1 < len(fields); i += 2 {
			switch fields[i] {
			case "valid_lft":
				a.ValidLft = p.word(fields[i+1])
			case "preferred_lft":
				a.PreferredLft = p.word(fields[i+1])
			default:
				a.addExtra(p.word(fields[i]), p.word(fields[i+1]))
			}
		}
		if len(fields)%2 == 1 {
			a.addExtra(p.word(fields[len(fields)-1]))
		}
	case first == "altname":
		it.AltNames = append(it.AltNames, fields[1:]...)
	case strings.HasSuffix(first, "_slave"):
		it.SlaveKind = strings.TrimSuffix(first, "_slave")
	case afterLink && it.Kind == "":
		it.Kind = first
	default:
		p.warn(pos, text, "unrecognized line (skipped)")
	}
}

// linkType reads a "link/<type> [<mac>] [brd <mac>] ..." line.
func (p *textParser) linkType(it *Interface, fields []string) {
	it.LinkType = strings.TrimPrefix(fields[0], "link/")
	rest := fields[1:]
	// The address, when there is one, comes first; "link/none" has none.
	if len(rest) > 0 && strings.ContainsAny(rest[0], ":.") {
		it.MAC = rest[0]
		rest = rest[1:]
	}
	for i := 0; i < len(rest); i++ {
		if rest[i] == "brd" && i+1 < len(rest) {
			it.Broadcast = rest[i+1]
			i++
			continue
		}
		it.Extra = append(it.Extra, rest[i])
	}
}

// address reads an address line into the current interface.
func (p *textParser) address(text string, fields []string, pos source.Pos) {
	if a, ok := p.readAddress(text, fields, pos); ok {
		p.cur.Addresses = append(p.cur.Addresses, a)
		p.addrOpen = true
	}
}

// readAddress reads an "inet|inet6 <a>[ peer <p>]/<plen> ... scope S <flags>
// [label]" line. It reports false, after a warning, when the line holds no
// address.
func (p *textParser) readAddress(text string, fields []string, pos source.Pos) (Address, bool) {
	if len(fields) < 2 {
		p.warn(pos, text, "address line without an address (skipped)")
		return Address{}, false
	}
	a := Address{Pos: pos}
	i := 2
	var err error
	if strings.Contains(fields[1], "/") {
		a.Prefix, err = netip.ParsePrefix(fields[1])
	} else if len(fields) > 3 && fields[2] == "peer" {
		var local netip.Addr
		var peer netip.Prefix
		if local, err = netip.ParseAddr(fields[1]); err == nil {
			if peer, err = netip.ParsePrefix(fields[3]); err == nil {
				a.Prefix, a.moreFields().peer = netip.PrefixFrom(local, peer.Bits()), peer.Addr()
			}
		}
		i = 4
	} else {
		p.warn(pos, text, "address without a prefix length (skipped)")
		return Address{}, false
	}
	if err != nil {
		p.warn(pos, text, "%s (skipped)", badAddress(fields[1], err))
		return Address{}, false
	}
	var words []string // words after the scope: flags, then the IPv4 label
	scoped := false
	for ; i < len(fields); i++ {
		tok := p.word(fields[i])
		hasVal := i+1 < len(fields)
		switch {
		case tok == "brd" && hasVal:
			if b, err := netip.ParseAddr(fields[i+1]); err == nil {
				a.moreFields().broadcast = b
			} else {
				a.addExtra(tok, p.word(fields[i+1]))
			}
			i++
		case tok == "scope" && hasVal:
			a.Scope, scoped = p.word(fields[i+1]), true
			i++
		case (tok == "metric" || tok == "any" || tok == "proto" || tok == "flags") && hasVal:
			a.addExtra(tok, p.word(fields[i+1]))
			i++
		case scoped:
			words = append(words, tok)
		default:
			a.addExtra(tok)
		}
	}
	// iproute2 prints the label of IPv4 addresses last, after the flags.
	if n := len(words); fields[0] == "inet" && n > 0 && !slices.Contains(addrFlags, words[n-1]) && words[n-1] == fields[len(fields)-1] {
		a.Label, words = words[n-1], words[:n-1]
	}
	if len(words) > 0 {
		a.moreFields().flags = words
	}
	return a, true
}

// badAddress tells why an address did not parse: a placeholder the
// reporter wrote in its place, or the parser's error.
func badAddress(tok string, err error) string {
	host, _, _ := strings.Cut(tok, "/")
	if source.Placeholder(host) {
		return fmt.Sprintf("placeholder %q instead of an address", host)
	}
	return "bad address: " + err.Error()
}
