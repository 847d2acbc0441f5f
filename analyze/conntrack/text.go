package conntrack

import (
	"bytes"
	"net/netip"
	"strconv"
	"strings"

	"github.com/ipvslint/ipvslint/analyze/source"
)

// Bits of tuple fields seen on a line, to tell a complete tuple from one cut
// short.
const (
	seenSrc = 1 << iota
	seenDst
	seenSport
	seenDport
	seenType
	seenCode
	seenID
	seenSrcKey
	seenDstKey
)

// lexer splits a line into tokens separated by spaces or tabs.
type lexer struct {
	b  []byte
	i  int
	eq int // where the first '=' of the last token is in it, -1 when none
}

// next returns the next token, or nil at the end of the line. It notes
// where the token's first '=' is (lexer.eq), so that key=value tokens are
// split without a second scan.
func (l *lexer) next() []byte {
	b, i := l.b, l.i
	for i < len(b) && (b[i] == ' ' || b[i] == '\t') {
		i++
	}
	start, eq := i, -1
	for ; i < len(b); i++ {
		c := b[i]
		if c == ' ' || c == '\t' {
			break
		}
		if c == '=' && eq < 0 {
			eq = i - start
		}
	}
	l.i, l.eq = i, eq
	if start == i {
		return nil
	}
	return b[start:i]
}

// through returns the text from tok's start to the next ']' (inclusive):
// "[start=Wed Nov 25 22:49:43 2026]" holds spaces. ok is false when the
// line ends first.
func (l *lexer) through(tok []byte) (whole []byte, ok bool) {
	start := l.i - len(tok)
	if tok[len(tok)-1] == ']' {
		return tok, true
	}
	end := bytes.IndexByte(l.b[l.i:], ']')
	if end < 0 {
		l.i = len(l.b)
		return l.b[start:], false
	}
	l.i += end + 1
	return l.b[start:l.i], true
}

// eventTypes are the `conntrack -E` event markers.
var eventTypes = map[string]string{"[NEW]": "NEW", "[UPDATE]": "UPDATE", "[DESTROY]": "DESTROY"}

// parseLine parses one text line into r.flow. It returns false when the line
// is not a flow, after recording why.
func (r *Reader) parseLine(line []byte, pos source.Pos, partial bool) bool {
	if len(bytes.TrimSpace(line)) == 0 {
		return false
	}
	f := &r.flow
	*f = Flow{Pos: pos, Timeout: -1}
	lineFormat, msg := r.tokens(f, line, partial)
	if msg != "" {
		r.odd(line, pos, msg)
		return false
	}
	switch {
	case r.format == "":
		r.format = lineFormat
	case r.format == FormatExtended && lineFormat == FormatProc:
		r.format = FormatProc
	}
	r.text = line
	return true
}

// tokens fills f from the tokens of line and returns the line's format, or
// a message saying why the line is not a flow.
func (r *Reader) tokens(f *Flow, line []byte, partial bool) (Format, string) {
	l := lexer{b: line}
	format := FormatDefault
	tok := l.next()

	// conntrack -E [-o timestamp]: "[1795647176.500050]\t    [NEW] ".
	if len(tok) > 2 && tok[0] == '[' && tok[len(tok)-1] == ']' && isTimestamp(tok[1:len(tok)-1]) {
		f.Time = string(tok[1 : len(tok)-1])
		tok = l.next()
	}
	if ev, ok := eventTypes[string(tok)]; ok {
		f.Event = ev
		format = FormatEvents
		tok = l.next()
	}

	// -o extended and /proc: "ipv4     2 ".
	switch string(tok) {
	case "ipv4", "ipv6":
		if tok[3] == '4' {
			f.L3 = "ipv4"
		} else {
			f.L3 = "ipv6"
		}
		if _, ok := parseUint(l.next(), 8); !ok {
			return "", "bad layer-3 protocol number"
		}
		if format == FormatDefault {
			format = FormatExtended
		}
		tok = l.next()
	}

	name, ok := protoNames[string(tok)]
	if !ok {
		return "", "not a conntrack flow"
	}
	num, ok := parseUint(l.next(), 8)
	if !ok {
		return "", "bad protocol number"
	}
	f.Proto, f.ProtoNum = name, uint8(num)

	proc := false
	tok = l.next()
	if t, ok := parseUint(tok, 63); ok {
		f.Timeout = int64(t)
		tok = l.next()
	}

	var (
		cur     *Tuple
		seen    [2]int
		tuples  int
		inTuple bool
		hasUse  bool
	)
	for ; tok != nil; tok = l.next() {
		if tok[0] == '[' {
			inTuple = false
			switch string(tok) {
			case "[UNREPLIED]":
				f.Unreplied = true
			case "[ASSURED]":
				f.Assured = true
			case "[OFFLOAD]":
				f.Offload = true
			case "[HW_OFFLOAD]":
				f.HWOffload = true
			default:
				whole, ok := l.through(tok)
				switch {
				case !ok:
					return "", "unterminated [ token"
				case bytes.HasPrefix(whole, []byte("[start=")):
					f.Start = string(whole[len("[start=") : len(whole)-1])
				case bytes.HasPrefix(whole, []byte("[stop=")):
					f.Stop = string(whole[len("[stop=") : len(whole)-1])
				default:
					f.Extra = append(f.Extra, string(whole))
				}
			}
			continue
		}
		if l.eq < 0 {
			if tuples == 0 && f.State == "" && isStateName(tok) {
				f.State = internState(tok)
			} else {
				f.Extra = append(f.Extra, string(tok))
			}
			continue
		}
		key, val := tok[:l.eq], tok[l.eq+1:]
		var bad bool
		switch string(key) {
		case "src":
			if tuples == 2 {
				return "", "more than two tuples"
			}
			cur = &f.Orig
			if tuples == 1 {
				cur = &f.Reply
			}
			tuples++
			inTuple = true
			seen[tuples-1] |= seenSrc
			bad = parseAddrInto(&cur.Src, val, &proc)
		case "dst", "sport", "dport", "type", "code", "srckey", "dstkey", "packets", "bytes", "zone-orig", "zone-reply":
			if !inTuple {
				f.Extra = append(f.Extra, string(tok))
				continue
			}
			bad = tupleField(cur, &seen[tuples-1], key, val, &proc)
		case "id":
			if inTuple && isICMP(f.ProtoNum) && seen[tuples-1]&seenID == 0 {
				bad = tupleField(cur, &seen[tuples-1], []byte("id"), val, &proc)
				break
			}
			inTuple = false
			bad = setUint32(&f.ID, val)
		case "mark":
			inTuple = false
			bad = setUint32(&f.Mark, val)
		case "secmark":
			inTuple = false
			bad = setUint32(&f.Secmark, val)
		case "zone":
			inTuple = false
			z, ok := parseUint(val, 16)
			f.Zone, bad = uint16(z), !ok
			proc = proc || (ok && z == 0)
		case "use":
			inTuple = false
			hasUse = true
			bad = setUint32(&f.Use, val)
		case "delta-time":
			inTuple = false
			f.DeltaTime, ok = parseUint(val, 64)
			bad = !ok
		case "helper":
			inTuple = false
			f.Helper = string(val)
		case "labels":
			inTuple = false
			f.Labels = strings.Split(string(val), ",")
		case "timeout", "stream_timeout":
			// /proc GRE: "timeout=0, stream_timeout=0 " before the tuple.
			proc = true
			f.Extra = append(f.Extra, string(bytes.TrimSuffix(tok, []byte(","))))
		default:
			inTuple = false
			f.Extra = append(f.Extra, string(tok))
		}
		if bad {
			if source.Placeholder(string(val)) {
				return "", "placeholder " + strconv.Quote(string(val)) + " in place of the " + string(key) + "= value (skipped)"
			}
			return "", "bad " + string(key) + "= value"
		}
	}

	if tuples < 2 {
		if partial {
			return "", "truncated last line (dropped)"
		}
		if tuples == 0 {
			return "", "flow without tuples"
		}
		return "", "flow without a reply tuple"
	}
	for i, s := range seen {
		if need := required(f.ProtoNum); s&need != need {
			if partial {
				return "", "truncated last line (dropped)"
			}
			return "", [2]string{"incomplete original tuple", "incomplete reply tuple"}[i]
		}
	}
	if partial && !hasUse && format != FormatEvents {
		return "", "truncated last line: no use= (dropped)"
	}
	if f.L3 == "" {
		f.L3 = "ipv6"
		if f.Orig.Src.Is4() {
			f.L3 = "ipv4"
		}
	}
	if f.Timeout < 0 {
		proc = true
	}
	if format == FormatExtended && proc {
		format = FormatProc
	}
	return format, ""
}

// required returns the tuple fields protocol p must print.
func required(p uint8) int {
	switch {
	case hasPorts(p):
		return seenSrc | seenDst | seenSport | seenDport
	case isICMP(p):
		return seenSrc | seenDst | seenType | seenCode | seenID
	case p == protoGRE:
		return seenSrc | seenDst | seenSrcKey | seenDstKey
	}
	return seenSrc | seenDst
}

// tupleField sets one tuple field from its key and value; it reports a bad
// value.
func tupleField(t *Tuple, seen *int, key, val []byte, proc *bool) (bad bool) {
	var ok bool
	switch string(key) {
	case "dst":
		*seen |= seenDst
		return parseAddrInto(&t.Dst, val, proc)
	case "sport":
		*seen |= seenSport
		t.Sport, ok = parse16(val)
	case "dport":
		*seen |= seenDport
		t.Dport, ok = parse16(val)
	case "type":
		*seen |= seenType
		var v uint64
		v, ok = parseUint(val, 8)
		t.Type = uint8(v)
	case "code":
		*seen |= seenCode
		var v uint64
		v, ok = parseUint(val, 8)
		t.Code = uint8(v)
	case "id":
		*seen |= seenID
		t.ID, ok = parse16(val)
	case "srckey":
		*seen |= seenSrcKey
		t.SrcKey, ok = parseHex16(val)
	case "dstkey":
		*seen |= seenDstKey
		t.DstKey, ok = parseHex16(val)
	case "packets":
		t.Packets, ok = parseUint(val, 64)
	case "bytes":
		t.Bytes, ok = parseUint(val, 64)
	default: // zone-orig, zone-reply
		t.Zone, ok = parse16(val)
	}
	return !ok
}

// parseAddrInto parses an address into a; an uncompressed IPv6 address (39
// bytes) marks /proc. It reports a bad value.
func parseAddrInto(a *netip.Addr, val []byte, proc *bool) (bad bool) {
	v, err := parseAddr(val)
	if err != nil {
		return true
	}
	*a = v
	if len(val) == 39 {
		*proc = true
	}
	return false
}

// parse16 parses a decimal 16-bit number.
func parse16(b []byte) (uint16, bool) {
	v, ok := parseUint(b, 16)
	return uint16(v), ok
}

// setUint32 parses a decimal 32-bit number into p; it reports a bad value.
func setUint32(p *uint32, b []byte) (bad bool) {
	v, ok := parseUint(b, 32)
	*p = uint32(v)
	return !ok
}

// isStateName reports whether b looks like a state: upper-case letters,
// digits and underscores.
func isStateName(b []byte) bool {
	for _, c := range b {
		if !('A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// isTimestamp reports whether b is "sec.usec".
func isTimestamp(b []byte) bool {
	sec, usec, ok := bytes.Cut(b, []byte("."))
	_, ok1 := parseUint(sec, 64)
	_, ok2 := parseUint(usec, 64)
	return ok && ok1 && ok2
}
