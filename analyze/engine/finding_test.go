package engine

import (
	"fmt"
	"slices"
	"testing"
)

// TestSortFindings checks the order (severity, rule, node, Service,
// target, then the whole finding) and that only exact duplicates are
// dropped.
func TestSortFindings(t *testing.T) {
	// f is a finding of Service default/web, g one of any Service.
	g := func(sev Severity, rule, node, service, target, message string, evidence ...string) Finding {
		ev := []Evidence{}
		for _, e := range evidence {
			ev = append(ev, Evidence{File: e, Line: 1})
		}
		return Finding{Severity: sev, Rule: rule, Node: node, Service: service, Target: target, Message: message, Evidence: ev, References: []string{}}
	}
	f := func(sev Severity, rule, node, target, message string, evidence ...string) Finding {
		return g(sev, rule, node, "default/web", target, message, evidence...)
	}
	tests := []struct {
		name string
		in   []Finding
		want []Finding
	}{
		{
			name: "severity first, then rule, node and target",
			in: []Finding{
				f(SeverityInfo, "a", "n1", "t", "m"),
				f(SeverityWarning, "b", "n2", "t", "m"),
				f(SeverityWarning, "b", "n1", "u", "m"),
				f(SeverityWarning, "b", "n1", "t", "m"),
				f(SeverityError, "z", "n9", "t", "m"),
			},
			want: []Finding{
				f(SeverityError, "z", "n9", "t", "m"),
				f(SeverityWarning, "b", "n1", "t", "m"),
				f(SeverityWarning, "b", "n1", "u", "m"),
				f(SeverityWarning, "b", "n2", "t", "m"),
				f(SeverityInfo, "a", "n1", "t", "m"),
			},
		},
		{
			name: "Service before target",
			in: []Finding{
				g(SeverityWarning, "r", "n", "default/web", "a", "m"),
				g(SeverityWarning, "r", "n", "default/api", "b", "m"),
			},
			want: []Finding{
				g(SeverityWarning, "r", "n", "default/api", "b", "m"),
				g(SeverityWarning, "r", "n", "default/web", "a", "m"),
			},
		},
		{
			name: "ties broken by the rest of the finding",
			in: []Finding{
				f(SeverityWarning, "r", "n", "t", "b"),
				f(SeverityWarning, "r", "n", "t", "a", "y.txt"),
				f(SeverityWarning, "r", "n", "t", "a", "x.txt"),
			},
			want: []Finding{
				f(SeverityWarning, "r", "n", "t", "a", "x.txt"),
				f(SeverityWarning, "r", "n", "t", "a", "y.txt"),
				f(SeverityWarning, "r", "n", "t", "b"),
			},
		},
		{
			name: "exact duplicates dropped, wherever they are",
			in: []Finding{
				f(SeverityWarning, "r", "n", "t", "m", "x.txt"),
				f(SeverityError, "r", "n", "t", "m", "x.txt"),
				f(SeverityWarning, "r", "n", "t", "m", "x.txt"),
				f(SeverityWarning, "r", "n", "t", "m", "z.txt"),
				f(SeverityWarning, "r", "n", "t", "m", "x.txt"),
			},
			want: []Finding{
				f(SeverityError, "r", "n", "t", "m", "x.txt"),
				f(SeverityWarning, "r", "n", "t", "m", "x.txt"),
				f(SeverityWarning, "r", "n", "t", "m", "z.txt"),
			},
		},
		{name: "none", in: []Finding{}, want: []Finding{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := slices.Clone(tt.in)
			got := SortFindings(tt.in)
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("SortFindings =\n%v\nwant\n%v", got, tt.want)
			}
			if fmt.Sprint(tt.in) != fmt.Sprint(in) {
				t.Errorf("SortFindings changed its argument to\n%v", tt.in)
			}
		})
	}
}

// BenchmarkSortFindings sorts the findings of a large cluster: thousands,
// most with a target of their own.
//
//	go test -run '^$' -bench SortFindings ./analyze/engine
func BenchmarkSortFindings(b *testing.B) {
	fs := make([]Finding, 7000)
	for i := range fs {
		fs[i] = Finding{
			Severity: []Severity{SeverityWarning, SeverityInfo}[i%2], Rule: fmt.Sprintf("rule-%d", i%3),
			Node: fmt.Sprintf("node-%d", i%5), Service: fmt.Sprintf("team-%d/svc-%d", i%50, i),
			Target:     fmt.Sprintf("10.100.%d.%d:443/TCP", i/256%256, i%256),
			Message:    fmt.Sprintf("%d of the connections to 10.100.%d.%d:443 are masqueraded: the backends see a node address, not the client's. %0200d", i, i/256%256, i%256, 0),
			Evidence:   []Evidence{{File: "nodes/node-1/ipvsadm.txt", Line: i, Text: "TCP  10.100.0.1:443 rr"}},
			References: []string{},
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if got := SortFindings(fs); len(got) != len(fs) {
			b.Fatalf("%d findings, want %d", len(got), len(fs))
		}
	}
}
