package conntrack

import (
	"bytes"
	"encoding/xml"
	"slices"
	"strings"

	"github.com/ipvslint/ipvslint/analyze/source"
)

// maxXMLFlow bounds the text of one <flow> element (real ones are under
// 2 KiB); longer unfinished text is dropped with a warning.
const maxXMLFlow = 64 << 10

// xmlState is the XML text read but not yet turned into flows. conntrack
// prints one <flow> per line, but the scanner accepts any line breaks.
type xmlState struct {
	data []byte     // data[off:] is pending
	off  int        //
	pos  source.Pos // line of data[off]
	last int        // number of the last line added
}

// add appends a line (at pos) to the pending text.
func (x *xmlState) add(line []byte, pos source.Pos) {
	if x.off > 0 {
		x.data = x.data[:copy(x.data, x.data[x.off:])]
		x.off = 0
	}
	if len(x.data) == 0 {
		x.pos = pos
	} else {
		for range max(pos.Line-x.last, 1) {
			x.data = append(x.data, '\n')
		}
	}
	x.data = append(x.data, line...)
	x.last = pos.Line
}

// consume drops the first n pending bytes, counting the lines they span.
func (x *xmlState) consume(n int) {
	x.pos.Line += bytes.Count(x.data[x.off:x.off+n], []byte("\n"))
	x.off += n
}

// nextXMLFlow parses the next complete <flow> element of the pending text
// into r.flow. It returns false when more text is needed.
func (r *Reader) nextXMLFlow() bool {
	x := &r.xml
	for {
		rest := x.data[x.off:]
		trimmed := bytes.TrimLeft(rest, " \t\n\ufeff")
		x.consume(len(rest) - len(trimmed))
		rest = trimmed
		if len(rest) == 0 {
			return false
		}
		end, isFlow := -1, false
		switch {
		case rest[0] != '<':
			r.xmlOdd(rest, "not a conntrack XML flow")
			continue
		case bytes.HasPrefix(rest, []byte("<?xml")):
			if end = bytes.Index(rest, []byte("?>")); end >= 0 {
				end += len("?>")
			}
		case bytes.HasPrefix(rest, []byte("<conntrack>")):
			end = len("<conntrack>")
		case bytes.HasPrefix(rest, []byte("</conntrack>")):
			end = len("</conntrack>")
		case bytes.HasPrefix(rest, []byte("<flow>")), bytes.HasPrefix(rest, []byte("<flow ")):
			if end = bytes.Index(rest, []byte("</flow>")); end >= 0 {
				end += len("</flow>")
			}
			isFlow = true
		default:
			r.xmlOdd(rest, "not a conntrack XML flow")
			continue
		}
		if end < 0 { // the closing text has not been read yet
			if len(rest) > maxXMLFlow {
				r.warn(x.pos, rest, "XML element too long (dropped)")
				x.consume(len(rest))
			}
			return false
		}
		if !isFlow {
			x.consume(end)
			continue
		}
		text, pos := rest[:end], x.pos
		x.consume(end)
		if msg := r.xmlFlow(text, pos); msg != "" {
			r.warn(pos, text, msg)
			continue
		}
		r.text = text
		return true
	}
}

// xmlOdd records the rest of the current line as not being XML output.
func (r *Reader) xmlOdd(rest []byte, msg string) {
	line, _, _ := bytes.Cut(rest, []byte("\n"))
	r.odd(line, r.xml.pos, msg)
	r.xml.consume(len(line))
}

// finish reports pending text at the end of the input: a <flow> cut short.
func (x *xmlState) finish(r *Reader) {
	rest := bytes.TrimSpace(x.data[x.off:])
	if len(rest) > 0 {
		r.warn(x.pos, rest, "truncated last XML flow (dropped)")
	}
	x.data, x.off = nil, 0
}

// The shape of a <flow> element (libnetfilter_conntrack snprintf_xml).
type (
	xmlFlow struct {
		Type  string    `xml:"type,attr"`
		Metas []xmlMeta `xml:"meta"`
		Other []xmlAny  `xml:",any"`
	}
	xmlMeta struct {
		Direction string    `xml:"direction,attr"`
		Layer3    *xmlLayer `xml:"layer3"`
		Layer4    *xmlLayer `xml:"layer4"`
		Packets   string    `xml:"counters>packets"`
		Bytes     string    `xml:"counters>bytes"`
		Zone      string    `xml:"zone"`
		State     string    `xml:"state"`
		Timeout   string    `xml:"timeout"`
		Mark      string    `xml:"mark"`
		Secmark   string    `xml:"secmark"`
		Use       string    `xml:"use"`
		ID        string    `xml:"id"`
		Helper    string    `xml:"helper"`
		DeltaTime string    `xml:"deltatime"`
		Start     string    `xml:"timestamp>start"`
		Stop      string    `xml:"timestamp>stop"`
		Labels    []string  `xml:"labels>label"`
		Assured   *struct{} `xml:"assured"`
		Unreplied *struct{} `xml:"unreplied"`
		Other     []xmlAny  `xml:",any"`
	}
	xmlLayer struct {
		Protonum  string `xml:"protonum,attr"`
		Protoname string `xml:"protoname,attr"`
		Src       string `xml:"src"`
		Dst       string `xml:"dst"`
		Sport     string `xml:"sport"`
		Dport     string `xml:"dport"`
		Type      string `xml:"type"`
		Code      string `xml:"code"`
		ID        string `xml:"id"`
		SrcKey    string `xml:"srckey"`
		DstKey    string `xml:"dstkey"`
	}
	xmlAny struct {
		XMLName xml.Name
		Inner   string `xml:",innerxml"`
	}
)

// xmlFlow parses one <flow> element into r.flow and returns "" or why it is
// not a flow.
func (r *Reader) xmlFlow(text []byte, pos source.Pos) string {
	var x xmlFlow
	if err := xml.Unmarshal(text, &x); err != nil {
		return "bad XML flow: " + err.Error()
	}
	f := &r.flow
	*f = Flow{Pos: pos, Timeout: -1, Event: strings.ToUpper(x.Type)}
	var proc bool
	tuples := 0
	for _, m := range x.Metas {
		var t *Tuple
		switch m.Direction {
		case "original":
			t = &f.Orig
		case "reply":
			t = &f.Reply
		case "independent":
			if msg := xmlIndependent(f, &m); msg != "" {
				return msg
			}
			continue
		default:
			return "unknown XML meta direction " + m.Direction
		}
		tuples++
		if m.Layer3 == nil || m.Layer4 == nil {
			return "XML tuple without layer3 or layer4"
		}
		if t == &f.Orig {
			f.L3 = m.Layer3.Protoname
			num, ok := parseUint([]byte(m.Layer4.Protonum), 8)
			if !ok {
				return "bad XML protonum"
			}
			f.ProtoNum = uint8(num)
			f.Proto = m.Layer4.Protoname
			if s, ok := protoNames[f.Proto]; ok {
				f.Proto = s
			}
		}
		seen := 0
		for _, kv := range []struct{ key, val string }{
			{"src", m.Layer3.Src}, {"dst", m.Layer3.Dst}, {"sport", m.Layer4.Sport}, {"dport", m.Layer4.Dport},
			{"type", m.Layer4.Type}, {"code", m.Layer4.Code}, {"id", m.Layer4.ID},
			{"srckey", m.Layer4.SrcKey}, {"dstkey", m.Layer4.DstKey},
			{"packets", m.Packets}, {"bytes", m.Bytes}, {"zone-orig", m.Zone},
		} {
			if kv.val == "" {
				continue
			}
			var bad bool
			if kv.key == "src" {
				seen |= seenSrc
				bad = parseAddrInto(&t.Src, []byte(kv.val), &proc)
			} else {
				bad = tupleField(t, &seen, []byte(kv.key), []byte(kv.val), &proc)
			}
			if bad {
				return "bad XML " + kv.key + " value"
			}
		}
		need := required(f.ProtoNum)
		if isICMP(f.ProtoNum) {
			need = seenSrc | seenDst // the XML printer leaves ICMP fields out
		}
		if seen&need != need {
			return "incomplete XML tuple"
		}
		for _, o := range m.Other {
			f.Extra = append(f.Extra, o.XMLName.Local+"="+o.Inner)
		}
	}
	f.State = xmlStateName(f.ProtoNum, f.State)
	if tuples != 2 || !f.Orig.Src.IsValid() || !f.Reply.Src.IsValid() {
		return "XML flow without both tuples"
	}
	if f.L3 != "ipv4" && f.L3 != "ipv6" {
		f.L3 = "ipv6"
		if f.Orig.Src.Is4() {
			f.L3 = "ipv4"
		}
	}
	for _, o := range x.Other {
		f.Extra = append(f.Extra, o.XMLName.Local+"="+o.Inner)
	}
	return ""
}

// xmlIndependent sets the flow fields of the "independent" meta element.
func xmlIndependent(f *Flow, m *xmlMeta) string {
	for _, kv := range []struct {
		key string
		val string
		set func([]byte) bool
	}{
		{"timeout", m.Timeout, func(b []byte) bool { v, ok := parseUint(b, 63); f.Timeout = int64(v); return ok }},
		{"mark", m.Mark, func(b []byte) bool { return !setUint32(&f.Mark, b) }},
		{"secmark", m.Secmark, func(b []byte) bool { return !setUint32(&f.Secmark, b) }},
		{"use", m.Use, func(b []byte) bool { return !setUint32(&f.Use, b) }},
		{"id", m.ID, func(b []byte) bool { return !setUint32(&f.ID, b) }},
		{"zone", m.Zone, func(b []byte) bool { var ok bool; f.Zone, ok = parse16(b); return ok }},
		{"deltatime", m.DeltaTime, func(b []byte) bool { var ok bool; f.DeltaTime, ok = parseUint(b, 64); return ok }},
	} {
		if kv.val != "" && !kv.set([]byte(kv.val)) {
			return "bad XML " + kv.key + " value"
		}
	}
	f.State = m.State
	f.Helper, f.Start, f.Stop, f.Labels = m.Helper, m.Start, m.Stop, m.Labels
	f.Assured, f.Unreplied = m.Assured != nil, m.Unreplied != nil
	for _, o := range m.Other {
		f.Extra = append(f.Extra, o.XMLName.Local+"="+o.Inner)
	}
	return ""
}

// xmlStateName undoes a quirk of the XML printer, which looks SCTP and DCCP
// states up in the TCP name table: it maps the TCP name back to its number
// and returns the protocol's own name for it.
func xmlStateName(proto uint8, s string) string {
	var table []string
	switch proto {
	case protoSCTP:
		table = sctpStates
	case protoDCCP:
		table = dccpStates
	default:
		if t, ok := knownStates[s]; ok {
			return t
		}
		return s
	}
	i := slices.Index(tcpStates, s)
	if s == "LISTEN" { // older libnetfilter_conntrack's name for number 9
		i = 9
	}
	if i < 0 {
		return s
	}
	return table[i]
}
