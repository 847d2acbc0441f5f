package diff

import (
	"testing"

	"github.com/ipvslint/ipvslint/analyze/engine"
	"github.com/ipvslint/ipvslint/analyze/input"
)

func TestCompareIdentical(t *testing.T) {
	findings := []engine.Finding{finding("vs-missing", engine.SeverityError, "node-a", "default/web", "10.96.0.10:80/TCP")}
	s := StateOf([]string{"a.tgz", "b.tgz"}, document(), findings)
	d := Compare(s, s)
	want := Summary{Identical: true, FindingsPersisted: 1}
	if d.Summary != want {
		t.Errorf("summary = %+v, want %+v", d.Summary, want)
	}
	same(t, d.Old, Side{Bundles: []string{"a.tgz", "b.tgz"}, KubernetesVersion: "v1.28.3", Nodes: []string{"node-a"}, Findings: 1})
	if d.SchemaVersion != SchemaVersion {
		t.Errorf("schemaVersion = %q", d.SchemaVersion)
	}
}

// TestSummary counts every kind of difference once.
func TestSummary(t *testing.T) {
	old := StateOf(nil, document(
		withService("a/gone", func(*input.Service) {}),
		withNode("node-gone"),
		withVS("node-a", "TCP/10.96.0.11:80", ""),
	), []engine.Finding{
		finding("vs-missing", engine.SeverityWarning, "node-a", "", ""),
		finding("orphan-vip", engine.SeverityWarning, "node-a", "", ""),
		finding("lb-ip-bound-in-cluster", engine.SeverityInfo, "node-a", "", ""),
	})
	new := StateOf(nil, document(
		func(d *input.Document) { d.Cluster.Version.Value = "v1.29.0" },
		withService("b/new", func(*input.Service) {}),
		withService("default/web", func(s *input.Service) {
			s.Type = "NodePort"
			s.Endpoints = s.Endpoints[:1]
		}),
		withNode("node-new"),
		withNode("node-a", "10.96.0.10", "10.96.0.12"),
		withVS("node-a", "TCP/10.96.0.10:80", "default/web clusterIP", "10.244.1.5:8080=0", "10.244.1.7:8080=1"),
		withVS("node-a", "TCP/10.96.0.12:80", ""),
	), []engine.Finding{
		finding("vs-missing", engine.SeverityError, "node-a", "", ""),
		finding("lb-ip-bound-in-cluster", engine.SeverityInfo, "node-a", "", ""),
		finding("vs-no-real-servers", engine.SeverityError, "node-a", "", ""),
	})
	want := Summary{
		Cluster: 1, NodesAdded: 1, NodesRemoved: 1, NodesChanged: 1,
		ServicesAdded: 1, ServicesRemoved: 1, ServicesChanged: 1, EndpointsChanged: 1,
		VIPsAdded: 1, VIPsRemoved: 1,
		VirtualServersAdded: 1, VirtualServersRemoved: 1, VirtualServersChanged: 1,
		RealServersAdded: 1, RealServersRemoved: 1, WeightsChanged: 1,
		FindingsAppeared: 1, FindingsResolved: 1, FindingsPersisted: 2, SeverityChanged: 1,
	}
	if got := Compare(old, new).Summary; got != want {
		t.Errorf("summary\n got %+v\nwant %+v", got, want)
	}
}
