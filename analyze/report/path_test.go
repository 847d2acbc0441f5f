package report

import (
	"maps"
	"slices"
	"testing"

	"github.com/ipvslint/ipvslint/analyze/engine"
)

// TestPathClients checks that the table says, for every built-in rule and
// for those only, whether its findings are about one connection and whose.
func TestPathClients(t *testing.T) {
	eng, err := engine.New(engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	builtin := map[string]bool{}
	for _, r := range eng.Rules() {
		builtin[r.ID] = true
		if _, ok := pathClients[r.ID]; !ok {
			t.Errorf("built-in rule %s is not in pathClients: say whose connection its findings are about, or \"\"", r.ID)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(pathClients)) {
		if !builtin[id] {
			t.Errorf("pathClients lists %s, which is no built-in rule", id)
		}
		if c := pathClients[id]; !slices.Contains([]string{"", "pod", "host", "external"}, c) {
			t.Errorf("pathClients[%s] = %q, want pod, host, external or \"\"", id, c)
		}
	}
}

func TestPathQueries(t *testing.T) {
	finding := func(rule string, sev engine.Severity, node, target string) engine.Finding {
		return engine.Finding{Rule: rule, Severity: sev, Node: node, Target: target}
	}
	// A connection is traced once, and the rule of a finding that shares
	// it keeps its cap for connections of its own.
	findings := []engine.Finding{finding("lb-ip-local-listener", engine.SeverityError, "a", "203.0.113.10:443/TCP")}
	for _, node := range []string{"a", "b", "c", "d"} {
		findings = append(findings, finding("lb-ip-unserved-port", engine.SeverityError, node, "203.0.113.10:443/TCP"))
	}
	findings = append(findings,
		finding("lb-ip-host-client-timeout", engine.SeverityError, "a", "203.0.113.40:80/TCP"),
		finding("vs-missing", engine.SeverityError, "a", ""),                                 // no target
		finding("conntrack-unreplied-vip", engine.SeverityWarning, "a", "10.96.0.1:443/TCP"), // not about one connection
		finding("etp-local-remote-backends", engine.SeverityWarning, "b", "10.0.0.12:30745/TCP"),
		finding("lb-ip-bound-in-cluster", engine.SeverityInfo, "a", "203.0.113.10"), // info: no diagram
		finding("my-own-rule", engine.SeverityError, "a", "10.96.0.1:443/TCP"),      // a user's rule
	)
	got := PathQueries(NewAnalysis(testVersion, testCNI, findings))
	want := []PathQuery{
		{Finding: 0, From: "pod:a", To: "203.0.113.10:443/TCP"},
		{Finding: 2, From: "pod:b", To: "203.0.113.10:443/TCP"},
		{Finding: 3, From: "pod:c", To: "203.0.113.10:443/TCP"},
		{Finding: 4, From: "pod:d", To: "203.0.113.10:443/TCP"},
		{Finding: 5, From: "host:a", To: "203.0.113.40:80/TCP"},
		{Finding: 8, From: "external:b", To: "10.0.0.12:30745/TCP"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("PathQueries = %+v\nwant %+v", got, want)
	}
}
