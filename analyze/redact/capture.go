package redact

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/netip"

	"github.com/ipvslint/ipvslint/analyze/bundle"
	"github.com/ipvslint/ipvslint/analyze/ipvs"
)

// rewrite copies a capture from in to out with its names and addresses
// replaced, line by line, so that every line keeps its number:
//
//   - Kubernetes objects (YAML or JSON) and kubectl version: names and
//     addresses anywhere, UUIDs too;
//   - uname -a: the hostname, and addresses;
//   - iptables-save: the names in --comment texts, and addresses;
//   - ipvsadm: addresses, including the kernel's hex forms of
//     /proc/net/ip_vs and /proc/net/ip_vs_conn;
//   - everything else (ip addr text and JSON, ip route, conntrack in all
//     its forms, ss, sysctl, ipset, conntrack -S, the proxy mode):
//     addresses only.
func (r *Redactor) rewrite(kind bundle.Kind, in io.Reader, out io.Writer) error {
	return eachLine(in, out, func(dst, line []byte) []byte { return r.line(kind, dst, line) })
}

// eachLine copies in to out line by line through fn, which appends the
// rewritten line to dst. Lines keep their ends ("\n", "\r\n", none at
// the end of the input); a line of any length is handled.
func eachLine(in io.Reader, out io.Writer, fn func(dst, line []byte) []byte) error {
	br := bufio.NewReaderSize(in, 256<<10)
	bw := bufio.NewWriterSize(out, 256<<10)
	var long, dst []byte
	for {
		line, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			long = append(long[:0], line...)
			for err == bufio.ErrBufferFull {
				line, err = br.ReadSlice('\n')
				long = append(long, line...)
			}
			line = long
		}
		if len(line) > 0 {
			dst = fn(dst[:0], line)
			if _, werr := bw.Write(dst); werr != nil {
				return werr
			}
		}
		if err == io.EOF {
			return bw.Flush()
		}
		if err != nil {
			return err
		}
	}
}

// line appends the rewritten line of a capture of kind to dst.
func (r *Redactor) line(kind bundle.Kind, dst, line []byte) []byte {
	switch kind {
	case bundle.KindKube, bundle.KindKubeVersion:
		return r.full.append(dst, line)
	case bundle.KindUname:
		s, e := field(line, 1)
		return r.addrs.append(r.full.append(r.addrs.append(dst, line[:s]), line[s:e]), line[e:])
	case bundle.KindIptables:
		return r.comments(dst, line)
	case bundle.KindIPVS:
		return r.addrs.append(dst, r.hexAddrs(line))
	}
	return r.addrs.append(dst, line)
}

// field returns the span of the whitespace-separated field i of line, or
// an empty span at its end.
func field(line []byte, i int) (start, end int) {
	k := 0
	for n := 0; ; n++ {
		for k < len(line) && isSpace(line[k]) {
			k++
		}
		start = k
		for k < len(line) && !isSpace(line[k]) {
			k++
		}
		if n == i || start == len(line) {
			return start, k
		}
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// commentFlag starts the text of an iptables comment match.
var commentFlag = []byte("--comment ")

// comments rewrites an iptables-save line: names only inside --comment
// texts (chain and match names are the kernel's), addresses everywhere.
func (r *Redactor) comments(dst, line []byte) []byte {
	for {
		k := bytes.Index(line, commentFlag)
		if k < 0 {
			return r.addrs.append(dst, line)
		}
		k += len(commentFlag)
		dst = r.addrs.append(dst, line[:k])
		line = line[k:]
		end := bytes.IndexAny(line, " \r\n")
		if len(line) > 0 && line[0] == '"' {
			end = bytes.IndexByte(line[1:], '"') + 2
		}
		if end <= 0 {
			end = len(line)
		}
		dst = r.full.append(dst, line[:end])
		line = line[end:]
	}
}

// hexAddrs returns line with the kernel's hex IPv4 addresses mapped, in
// place (they keep their eight digits): those [ipvs.HexIPv4Fields] finds
// in a row of /proc/net/ip_vs_conn or /proc/net/ip_vs. Other lines come
// back as they are.
func (r *Redactor) hexAddrs(line []byte) []byte {
	text := string(line)
	var f []string
	var starts []int
	for k := 0; k < len(text); {
		if isSpace(text[k]) {
			k++
			continue
		}
		e := k
		for e < len(text) && !isSpace(text[e]) {
			e++
		}
		f, starts = append(f, text[k:e]), append(starts, k)
		k = e
	}
	at := ipvs.HexIPv4Fields(f)
	if len(at) == 0 {
		return line
	}
	out := bytes.Clone(line)
	for _, i := range at {
		a, _ := ipvs.HexIPv4(f[i][:8])
		m := r.mapIPv4(a).As4()
		copy(out[starts[i]:], fmt.Sprintf("%02X%02X%02X%02X", m[0], m[1], m[2], m[3]))
	}
	return out
}

// mapIPv4 maps an IPv4 address of the kernel's hex form.
func (r *Redactor) mapIPv4(a netip.Addr) netip.Addr {
	if m, ok := r.hex[a]; ok {
		return m
	}
	m := r.perm.Map(a)
	r.note(a, m)
	r.hex[a] = m
	return m
}
