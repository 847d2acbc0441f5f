package report

import (
	"maps"
	"slices"
	"testing"

	"github.com/ipvslint/ipvslint/analyze/engine"
)

// TestPathClients checks whose connection the HTML report draws for the
// findings of each built-in rule (custom.client of its METADATA), and that
// every built-in rule is listed: a new one decides, "" for findings that are
// not about one connection.
func TestPathClients(t *testing.T) {
	want := map[string]string{
		"lb-ip-unserved-port": "pod", "lb-ip-local-listener": "pod", "lb-ip-host-client-timeout": "host",
		"etp-local-remote-backends": "external", "etp-local-no-endpoints-refused": "external",
		"externalip-local-rejected": "external", "source-ip-lost": "external", "itp-local-no-endpoints": "pod",
		"vs-missing": "pod", "vs-no-real-servers": "pod", "vip-not-bound": "pod", "orphan-vip": "pod",
		"lb-ip-bound-in-cluster": "pod", "ipmode-proxy-still-bound": "pod",

		"bundle-incomplete": "", "conntrack-near-full": "", "conntrack-stale-udp": "", "conntrack-unreplied-vip": "",
		"etp-local-upgrade-change": "", "upgrade-behaviour-change": "", "ipvs-conn-reuse-risk": "",
		"strict-arp-disabled": "", "lb-hostname-hairpin": "", "missing-real-server": "", "stale-real-server": "",
		"real-server-draining": "",
	}
	eng, err := engine.New(engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range eng.Rules() {
		got[r.ID] = r.Client
	}
	if !maps.Equal(got, want) {
		t.Errorf("clients of the built-in rules:\n%v\nwant\n%v", got, want)
	}
	clients := pathClients(&Analysis{Rules: eng.Rules()})
	maps.DeleteFunc(want, func(_, c string) bool { return c == "" })
	if !maps.Equal(clients, want) {
		t.Errorf("pathClients = %v, want %v", clients, want)
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
		finding("my-own-rule", engine.SeverityError, "a", "10.96.0.1:443/TCP"),      // a user's rule naming no client
		finding("my-traced-rule", engine.SeverityError, "c", "10.96.0.2:53/UDP"),    // a user's rule naming one
	)
	a := NewAnalysis(testVersion, testCNI, findings)
	for rule, client := range map[string]string{"lb-ip-local-listener": "pod", "lb-ip-unserved-port": "pod",
		"lb-ip-host-client-timeout": "host", "vs-missing": "pod", "etp-local-remote-backends": "external",
		"lb-ip-bound-in-cluster": "pod", "conntrack-unreplied-vip": "", "my-traced-rule": "host"} {
		a.Rules = append(a.Rules, engine.Rule{ID: rule, Client: client})
	}
	got := PathQueries(a)
	want := []PathQuery{
		{Finding: 0, From: "pod:a", To: "203.0.113.10:443/TCP"},
		{Finding: 2, From: "pod:b", To: "203.0.113.10:443/TCP"},
		{Finding: 3, From: "pod:c", To: "203.0.113.10:443/TCP"},
		{Finding: 4, From: "pod:d", To: "203.0.113.10:443/TCP"},
		{Finding: 5, From: "host:a", To: "203.0.113.40:80/TCP"},
		{Finding: 8, From: "external:b", To: "10.0.0.12:30745/TCP"},
		{Finding: 11, From: "host:c", To: "10.96.0.2:53/UDP"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("PathQueries = %+v\nwant %+v", got, want)
	}
}
