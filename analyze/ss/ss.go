package ss

import (
	"errors"
	"io"
	"net/netip"
	"strconv"
	"strings"

	"github.com/ipvslint/ipvslint/analyze/source"
)

// errNotSS is the cause of the error for input that is not ss output.
var errNotSS = errors.New("not ss output")

// Result is one parsed ss capture. The zero Result has no socket.
type Result struct {
	// Sockets are the sockets in the order printed.
	Sockets []Socket `json:"sockets"`
	// Failure is set when the capture holds a failure message instead of
	// output; Sockets is then empty.
	Failure *source.Failure `json:"failure,omitempty"`
	// Warnings are the lines understood only in part, or not at all.
	Warnings []source.Warning `json:"warnings,omitempty"`
}

// Socket is one line of ss output.
type Socket struct {
	// Netid is the socket type: "tcp", "udp", ...
	Netid string `json:"netid"`
	// State is "LISTEN" for listening TCP sockets, "UNCONN" for unconnected
	// UDP sockets.
	State string `json:"state"`
	// RecvQ and SendQ are the queue columns; for a listener, the connections
	// waiting to be accepted and the backlog.
	RecvQ int `json:"recvQ"`
	SendQ int `json:"sendQ"`
	// Addr is the local address. The zero Addr stands for ss's "*": any
	// address. 0.0.0.0 and :: are kept as such (unspecified addresses).
	// IPv4-mapped addresses are kept mapped (::ffff:127.0.0.1).
	Addr netip.Addr `json:"addr,omitzero"`
	// Port is the local port; 0 for "*".
	Port uint16 `json:"port"`
	// Interface is the device the socket is bound to ("lo" of
	// "127.0.0.53%lo"); empty when not bound.
	Interface string `json:"interface,omitempty"`
	// Peer is the peer column as printed ("0.0.0.0:*").
	Peer string `json:"peer"`
	// Process is the Process column as printed
	// (`users:(("sshd",pid=812,fd=3))`); empty without -p.
	Process string `json:"process,omitempty"`
	// Users are the processes of the Process column.
	Users []User `json:"users,omitempty"`
	// Pos is the line of the socket.
	Pos source.Pos `json:"pos"`
}

// User is one process that holds a socket.
type User struct {
	Name string `json:"name"`
	PID  int    `json:"pid"`
	FD   int    `json:"fd"`
}

// Listener returns the first socket that would take a connection (TCP) or a
// datagram (UDP) to ap with the protocol proto ("tcp" or "udp", any case):
// a TCP socket in state LISTEN or a UDP socket in state UNCONN, on ap's port,
// bound to ap's address, to the unspecified address of its family, or to any
// address. A socket bound to exactly ap's address is preferred to a
// wildcard. IPv4-mapped addresses match their IPv4 address. The device a
// socket is bound to is not considered. ok is false when no socket matches.
func (r *Result) Listener(ap netip.AddrPort, proto string) (s *Socket, ok bool) {
	want := ap.Addr().Unmap()
	var wildcard *Socket
	for i := range r.Sockets {
		s := &r.Sockets[i]
		if !strings.EqualFold(s.Netid, proto) || s.Port != ap.Port() || !s.listening() {
			continue
		}
		got := s.Addr.Unmap()
		switch {
		case got == want:
			return s, true
		case wildcard == nil && (!s.Addr.IsValid() || got.IsUnspecified() && got.Is4() == want.Is4()):
			wildcard = s // "*", 0.0.0.0 or [::]
		}
	}
	return wildcard, wildcard != nil
}

// listening reports whether s accepts new peers.
func (s *Socket) listening() bool {
	return s.State == "LISTEN" || s.State == "UNCONN"
}

// Parse reads one ss capture. at names the capture and the line number of its
// first line. It returns an error only when no line is a socket line or the
// header (the capture is not ss output), or reading fails; odd lines become
// warnings.
func Parse(r io.Reader, at source.Pos) (*Result, error) {
	if at.Line < 1 {
		at.Line = 1
	}
	sc := source.NewScanner(r, at.File, at.Line)
	res := &Result{Sockets: []Socket{}}
	seen := false                // a line was recognised
	var first *source.ParseError // the first line that was not
	for sc.Scan() {
		line := sc.Text()
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		pos := sc.Pos()
		if fields[0] == "Netid" || fields[0] == "State" {
			seen = true
			continue
		}
		s, err := parseSocket(line, fields)
		if err == nil {
			seen = true
			s.Pos = pos
			res.Sockets = append(res.Sockets, s)
			continue
		}
		if !seen && first == nil && source.ShellFailure(line) {
			res.Failure = &source.Failure{Pos: pos, Message: strings.TrimSpace(line)}
			return res, sc.Err()
		}
		if first == nil {
			first = source.Errorf(pos, line, "%w: %v", errNotSS, err)
		}
		res.Warnings = append(res.Warnings, source.Warnf(pos, line, "%v (skipped)", err))
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

// states are the socket states ss prints.
var states = map[string]bool{
	"UNCONN": true, "ESTAB": true, "SYN-SENT": true, "SYN-RECV": true, "FIN-WAIT-1": true,
	"FIN-WAIT-2": true, "TIME-WAIT": true, "CLOSE-WAIT": true, "LAST-ACK": true, "LISTEN": true,
	"CLOSING": true, "UNKNOWN": true,
}

// parseSocket reads the fields of one socket line.
func parseSocket(line string, fields []string) (Socket, error) {
	var s Socket
	columns := 6 // columns before Process
	if states[fields[0]] {
		columns--
		// One socket type asked for: no Netid column.
		switch fields[0] {
		case "LISTEN":
			s.Netid = "tcp"
		case "UNCONN":
			s.Netid = "udp"
		}
		fields = append([]string{s.Netid}, fields...)
	}
	if len(fields) < 6 {
		return s, errors.New("too few columns")
	}
	s.Netid, s.State, s.Peer = fields[0], fields[1], fields[5]
	if !states[s.State] {
		return s, errors.New("unknown state " + strconv.Quote(s.State))
	}
	var err error
	if s.RecvQ, err = strconv.Atoi(fields[2]); err != nil {
		return s, errors.New("bad Recv-Q " + strconv.Quote(fields[2]))
	}
	if s.SendQ, err = strconv.Atoi(fields[3]); err != nil {
		return s, errors.New("bad Send-Q " + strconv.Quote(fields[3]))
	}
	if s.Addr, s.Port, s.Interface, err = parseLocal(fields[4]); err != nil {
		return s, err
	}
	if len(fields) > 6 {
		// The Process column may hold blanks inside quoted names: keep the
		// rest of the line as it is.
		s.Process = afterColumns(line, columns)
		s.Users = parseUsers(s.Process)
	}
	return s, nil
}

// afterColumns returns line without its first n blank-separated columns and
// the blanks around them.
func afterColumns(line string, n int) string {
	for range n {
		line = strings.TrimLeft(line, " \t")
		if i := strings.IndexAny(line, " \t"); i >= 0 {
			line = line[i:]
		}
	}
	return strings.TrimSpace(line)
}

// parseLocal reads a local "address:port" column.
func parseLocal(col string) (addr netip.Addr, port uint16, iface string, err error) {
	i := strings.LastIndexByte(col, ':')
	if i < 0 {
		return addr, 0, "", errors.New("local address without a port: " + strconv.Quote(col))
	}
	host, p := col[:i], col[i+1:]
	if p != "*" {
		n, err := strconv.ParseUint(p, 10, 16)
		if err != nil {
			return addr, 0, "", errors.New("bad local port " + strconv.Quote(p) + " (captured without -n?)")
		}
		port = uint16(n)
	}
	if j := strings.LastIndexByte(host, '%'); j >= 0 && j > strings.LastIndexByte(host, ']') {
		host, iface = host[:j], host[j+1:]
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if host == "*" {
		return addr, port, iface, nil
	}
	if addr, err = netip.ParseAddr(host); err != nil {
		if source.Placeholder(host) {
			return addr, 0, "", errors.New("placeholder " + strconv.Quote(host) + " in place of the local address")
		}
		return addr, 0, "", errors.New("bad local address " + strconv.Quote(col))
	}
	return addr, port, iface, nil
}

// parseUsers reads `users:(("name",pid=1,fd=2),("name2",pid=3,fd=4))`. What
// it cannot read is left in [Socket.Process] only.
func parseUsers(col string) []User {
	rest, ok := strings.CutPrefix(col, "users:(")
	if !ok {
		return nil
	}
	var users []User
	for {
		open := strings.Index(rest, `("`)
		if open < 0 {
			return users
		}
		rest = rest[open+2:]
		end := strings.Index(rest, `",`)
		if end < 0 {
			return users
		}
		u := User{Name: rest[:end]}
		rest = rest[end+2:]
		attrs, after, _ := strings.Cut(rest, ")")
		for _, kv := range strings.Split(attrs, ",") {
			k, v, _ := strings.Cut(kv, "=")
			n, _ := strconv.Atoi(v)
			switch k {
			case "pid":
				u.PID = n
			case "fd":
				u.FD = n
			}
		}
		users = append(users, u)
		rest = after
	}
}
