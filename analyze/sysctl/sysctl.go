package sysctl

import (
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/ipvslint/ipvslint/analyze/source"
)

// Names of the parameters the rules read.
const (
	VSConntrack               = "net.ipv4.vs.conntrack"
	VSConnReuseMode           = "net.ipv4.vs.conn_reuse_mode"
	VSExpireNodestConn        = "net.ipv4.vs.expire_nodest_conn"
	VSExpireQuiescentTemplate = "net.ipv4.vs.expire_quiescent_template"
	ConntrackMax              = "net.netfilter.nf_conntrack_max"
	ConntrackMaxLegacy        = "net.nf_conntrack_max" // the same limit under its older name
	ConntrackCount            = "net.netfilter.nf_conntrack_count"
	IPForward                 = "net.ipv4.ip_forward"
	ARPIgnore                 = "net.ipv4.conf.all.arp_ignore"
	ARPAnnounce               = "net.ipv4.conf.all.arp_announce"
)

// errNotSysctl is the cause of the error for input that is not sysctl output.
var errNotSysctl = errors.New("not sysctl output")

// Result is one parsed sysctl capture. The zero Result has no entry.
type Result struct {
	// Entries maps each dotted parameter name to its value.
	Entries map[string]Entry `json:"entries"`
	// Missing are the dotted names sysctl could not stat (a module that is
	// not loaded, a kernel without the feature), with their lines.
	Missing []Missing `json:"missing,omitempty"`
	// Failure is set when the capture holds a failure message instead of
	// output; Entries is then empty.
	Failure *source.Failure `json:"failure,omitempty"`
	// Warnings are the lines understood only in part, or not at all.
	Warnings []source.Warning `json:"warnings,omitempty"`
}

// Entry is the value of one parameter as printed, and its line.
type Entry struct {
	Value string     `json:"value"`
	Pos   source.Pos `json:"pos"`
}

// Missing is a parameter, or a whole tree of them, that sysctl could not read.
type Missing struct {
	Name string     `json:"name"`
	Pos  source.Pos `json:"pos"`
}

// Int returns the value of the named parameter as an integer, with its line.
// ok is false when the parameter is absent or its value is not one integer.
func (r *Result) Int(name string) (v int64, pos source.Pos, ok bool) {
	e, found := r.Entries[name]
	if !found {
		return 0, source.Pos{}, false
	}
	v, err := strconv.ParseInt(e.Value, 10, 64)
	return v, e.Pos, err == nil
}

// Parse reads one sysctl capture. at names the capture and the line number of
// its first line. It returns an error only when no line is a parameter or a
// sysctl message (the capture is not sysctl output), or reading fails; odd
// lines become warnings.
func Parse(r io.Reader, at source.Pos) (*Result, error) {
	if at.Line < 1 {
		at.Line = 1
	}
	sc := source.NewScanner(r, at.File, at.Line)
	res := &Result{Entries: map[string]Entry{}}
	seen := false                // a line was recognised
	var first *source.ParseError // the first line that was not
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		pos := sc.Pos()
		if msg, ok := strings.CutPrefix(line, "sysctl: "); ok {
			seen = true
			res.Warnings = append(res.Warnings, source.Warnf(pos, line, "sysctl could not read a parameter"))
			if path, ok := strings.CutPrefix(msg, "cannot stat /proc/sys/"); ok {
				path, _, _ = strings.Cut(path, ": ")
				res.Missing = append(res.Missing, Missing{Name: dotted(path), Pos: pos})
			}
			continue
		}
		key, value, ok := strings.Cut(line, "=")
		key, value = strings.TrimSpace(key), strings.TrimSpace(value)
		if !ok || key == "" || strings.ContainsAny(key, " \t") {
			if !seen && first == nil && source.ShellFailure(line) {
				res.Failure = &source.Failure{Pos: pos, Message: line}
				return res, sc.Err()
			}
			if first == nil {
				first = source.Errorf(pos, line, "%w", errNotSysctl)
			}
			res.Warnings = append(res.Warnings, source.Warnf(pos, line, "not a key = value line (skipped)"))
			continue
		}
		seen = true
		if prev, dup := res.Entries[key]; dup {
			res.Warnings = append(res.Warnings, source.Warnf(pos, line, "%s repeated (first at line %d); the last value is kept", key, prev.Pos.Line))
		}
		res.Entries[key] = Entry{Value: value, Pos: pos}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if !seen && first != nil {
		return nil, first
	}
	res.Warnings = append(sc.Warnings(), res.Warnings...)
	return res, nil
}

// dotted turns a path under /proc/sys into sysctl's name for it: "/" becomes
// "." and a "." inside a component (an interface name such as eth0.100)
// becomes "/".
func dotted(path string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '/':
			return '.'
		case '.':
			return '/'
		}
		return r
	}, path)
}
