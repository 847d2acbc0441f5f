package input

import (
	"bytes"
	"strings"
	"testing"

	"github.com/ipvslint/ipvslint/analyze/ipaddr"
	"github.com/ipvslint/ipvslint/analyze/ipvs"
	"github.com/ipvslint/ipvslint/analyze/source"
	"github.com/ipvslint/ipvslint/internal/testref"
)

// TestLineText checks that the rebuilt service and real server lines are
// the lines of the reference listing, less their trailing blanks.
func TestLineText(t *testing.T) {
	data := testref.Read(t, "ipvsadm-Ln.raw.txt")
	lines := strings.Split(string(data), "\n")
	table, err := ipvs.Parse(bytes.NewReader(data), source.Pos{File: "ipvsadm.txt", Line: 1})
	if err != nil {
		t.Fatal(err)
	}
	check := func(line int, got string) {
		t.Helper()
		if want := strings.TrimRight(lines[line-1], " "); got != want {
			t.Errorf("line %d: got %q, want %q", line, got, want)
		}
	}
	for _, s := range table.Services {
		check(s.Pos.Line, serviceText(s))
		for i := range s.Dests {
			check(s.Dests[i].Pos.Line, destText(&s.Dests[i]))
		}
	}
	if len(table.Services) < 10 {
		t.Errorf("read %d services", len(table.Services))
	}
}

// TestAddressText checks that the rebuilt address lines are those of the
// reference `ip addr`, less their indentation and trailing blanks.
func TestAddressText(t *testing.T) {
	data := testref.Read(t, "ip-addr.txt")
	lines := strings.Split(string(data), "\n")
	res, err := ipaddr.Parse(bytes.NewReader(data), source.Pos{File: "ip-addr.txt", Line: 1})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, ifc := range res.Interfaces {
		for i := range ifc.Addresses {
			a := &ifc.Addresses[i]
			if len(a.Extra()) > 0 {
				continue // left out of the text on purpose
			}
			n++
			if got, want := addressText(ifc, a), strings.TrimSpace(lines[a.Pos.Line-1]); got != want {
				t.Errorf("line %d: got %q, want %q", a.Pos.Line, got, want)
			}
		}
	}
	if n < 5 {
		t.Errorf("checked %d addresses", n)
	}
}
