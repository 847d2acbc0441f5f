package upgrade

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/ipvslint/ipvslint/analyze/bundle"
	"github.com/ipvslint/ipvslint/analyze/docpath"
	"github.com/ipvslint/ipvslint/analyze/engine"
	"github.com/ipvslint/ipvslint/analyze/input"
	"github.com/ipvslint/ipvslint/analyze/snapshot"
	"github.com/ipvslint/ipvslint/analyze/trace"
	"github.com/ipvslint/ipvslint/internal/examples"
)

// builtin returns the engine of the built-in pack and its tracer.
func builtin(tb testing.TB) (*engine.Engine, *trace.Tracer) {
	tb.Helper()
	e, err := engine.New(engine.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tracer, err := trace.NewTracer(e)
	if err != nil {
		tb.Fatal(err)
	}
	return e, tracer
}

func TestCheck(t *testing.T) {
	e, tracer := builtin(t)
	tests := []struct {
		bundle, to string
		opts       input.Options
		candidates int
		// want lists the changes as "node target client: before → after".
		want []string
	}{
		{bundle: "etp-local-before-1-24", to: "1.24.0", candidates: 2, want: []string{
			"cn-hangzhou.10.0.0.12 10.0.0.12:30745/TCP pod: refused → served",
			"cn-hangzhou.10.0.0.12 10.0.0.12:30745/TCP host: refused → served",
			"cn-hangzhou.10.0.0.12 10.0.0.12:30745/TCP external: refused → timeout",
			"cn-hangzhou.10.0.0.12 203.0.113.40:80/TCP pod: refused → served",
			"cn-hangzhou.10.0.0.12 203.0.113.40:80/TCP host: refused → timeout",
			"cn-hangzhou.10.0.0.12 203.0.113.40:80/TCP external: refused → timeout",
		}},
		{bundle: "etp-local-before-1-24", to: "1.24.0", opts: input.Options{CNI: "flannel"}, candidates: 2, want: []string{
			"cn-hangzhou.10.0.0.12 10.0.0.12:30745/TCP pod: refused → served",
			"cn-hangzhou.10.0.0.12 10.0.0.12:30745/TCP host: refused → served-without-source-ip",
			"cn-hangzhou.10.0.0.12 10.0.0.12:30745/TCP external: refused → served-without-source-ip",
			"cn-hangzhou.10.0.0.12 203.0.113.40:80/TCP pod: refused → served",
			"cn-hangzhou.10.0.0.12 203.0.113.40:80/TCP host: refused → served-without-source-ip",
			"cn-hangzhou.10.0.0.12 203.0.113.40:80/TCP external: refused → served-without-source-ip",
		}},
		{bundle: "etp-local-before-1-24", to: "1.23.17", want: []string{}},
		{bundle: "etp-local-1-24-flannel", to: "1.25", want: []string{}},
		{bundle: "local-listener-before-1-26", to: "1.26", candidates: 2, want: []string{
			"cn-hangzhou.10.0.0.12 203.0.113.20:443/TCP pod: served-by-local-listener → refused",
			"cn-hangzhou.10.0.0.12 203.0.113.20:443/TCP host: served-by-local-listener → refused",
			"cn-hangzhou.10.0.0.12 203.0.113.20:443/TCP external: served-by-local-listener → refused",
		}},
		{bundle: "lb-host-client-1-24", to: "1.22", candidates: 2, want: []string{
			"cn-hangzhou.10.0.0.12 10.0.0.12:32443/TCP pod: served → refused",
			"cn-hangzhou.10.0.0.12 10.0.0.12:32443/TCP host: served → refused",
			"cn-hangzhou.10.0.0.12 10.0.0.12:32443/TCP external: timeout → refused",
			"cn-hangzhou.10.0.0.12 203.0.113.70:443/TCP pod: served → refused",
			"cn-hangzhou.10.0.0.12 203.0.113.70:443/TCP host: timeout → refused",
			"cn-hangzhou.10.0.0.12 203.0.113.70:443/TCP external: timeout → refused",
		}},
		{bundle: "healthy", to: "1.31", want: []string{}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s %s %s", tt.bundle, tt.to, tt.opts.CNI), func(t *testing.T) {
			snap, err := snapshot.Build([]string{filepath.Join(examples.Dir(t), tt.bundle)}, bundle.Options{})
			if err != nil {
				t.Fatal(err)
			}
			tt.opts.Reads = docpath.MustParse(Reads...)
			doc, err := input.Build(snap, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			to, err := input.ParseVersion(tt.to, "--to")
			if err != nil {
				t.Fatal(err)
			}
			in, err := Check(context.Background(), tracer, doc, to)
			if err != nil {
				t.Fatal(err)
			}
			got := []string{}
			for _, c := range in.Upgrade.Changes {
				got = append(got, fmt.Sprintf("%s %s %s: %s → %s", c.Node, c.Target, c.Client, c.Before.Verdict, c.After.Verdict))
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("changes:\n%q\nwant\n%q", got, tt.want)
			}
			if in.Upgrade.Candidates != tt.candidates {
				t.Errorf("%d candidates, want %d", in.Upgrade.Candidates, tt.candidates)
			}
			if len(tt.want) == 0 {
				return
			}
			findings, err := e.EvaluateRule(context.Background(), RuleID, in)
			if err != nil {
				t.Fatal(err)
			}
			targets := map[string]bool{}
			for _, c := range in.Upgrade.Changes {
				targets[c.Node+" "+c.Target] = true
			}
			if len(findings) != len(targets) {
				t.Errorf("%d findings, want one per node and target: %d", len(findings), len(targets))
			}
		})
	}
}

func TestCheckNeedsTheVersion(t *testing.T) {
	doc := &input.Document{Nodes: map[string]*input.Node{}}
	_, err := Check(context.Background(), nil, doc, input.Version{Major: 1, Minor: 24, Known: true})
	if err == nil || err.Error() != "the bundle does not say the cluster's Kubernetes version: give it with --k8s-version" {
		t.Errorf("Check error = %v", err)
	}
}

// BenchmarkCheck measures Check on a big generated bundle (cmd/genbundle:
// 5 nodes, 10,000 Services), named by $IPVSLINT_BIG_BUNDLE:
//
//	IPVSLINT_BIG_BUNDLE=/tmp/bench/big-1m.tar.gz go test -run '^$' -bench Check ./analyze/upgrade
func BenchmarkCheck(b *testing.B) {
	path := os.Getenv("IPVSLINT_BIG_BUNDLE")
	if path == "" {
		b.Skip("IPVSLINT_BIG_BUNDLE is not set")
	}
	_, tracer := builtin(b)
	snap, err := snapshot.Build([]string{path}, bundle.Options{})
	if err != nil {
		b.Fatal(err)
	}
	doc, err := input.Build(snap, input.Options{Reads: docpath.MustParse(Reads...)})
	if err != nil {
		b.Fatal(err)
	}
	to, _ := input.ParseVersion("1.23", "--to")
	for b.Loop() {
		in, err := Check(context.Background(), tracer, doc, to)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(in.Upgrade.Candidates), "candidates")
		b.ReportMetric(float64(len(in.Upgrade.Changes)), "changes")
	}
}

// TestCandidates checks which Service ports are traced: those the two
// models program differently, whatever the Service's policies, and the
// external IPs of eTP=Local Services, whose filtering the trace decides by
// version and patch.
func TestCandidates(t *testing.T) {
	doc := func(etp string, ingress, externalIPs []string) *input.Document {
		svc := &input.Service{Namespace: "default", Name: "web", Type: "LoadBalancer", ClusterIPs: []string{"10.96.0.20"}, ExternalIPs: externalIPs,
			Ports: []input.ServicePort{{Name: "http", Protocol: "TCP", Port: 80, TargetPort: "8080", NodePort: 30080}}, ExternalTrafficPolicy: etp, InternalTrafficPolicy: "Cluster",
			Endpoints: []input.Endpoint{{IP: "10.244.1.5", NodeName: "node-b", Ready: true, Serving: true, Ports: []input.EndpointPort{{Name: "http", Protocol: "TCP", Port: 8080}}}}}
		for _, ip := range ingress {
			svc.Ingress = append(svc.Ingress, input.Ingress{IP: ip})
		}
		return &input.Document{
			Cluster: input.Cluster{
				KubeProxy: input.KubeProxy{Present: true, Mode: "ipvs", FeatureGates: map[string]bool{}},
				Services:  map[string]*input.Service{"default/web": svc},
				Nodes:     map[string]*input.ClusterNode{"node-a": {InternalIP: "10.0.0.1"}},
			},
			Nodes: map[string]*input.Node{"node-a": {Name: "node-a", Addresses: map[string]*input.NodeInterface{
				"10.0.0.1": {Interface: "eth0"}, "192.0.2.10": {Interface: "eth1"},
			}}},
		}
	}
	tests := []struct {
		name     string
		doc      *input.Document
		from, to string
		want     []string
	}{
		{name: "a load balancer IP the node has, across 1.28 (eTP Cluster)", doc: doc("Cluster", []string{"192.0.2.10"}, nil), from: "1.27.4", to: "1.28.3",
			want: []string{"node-a default/web loadBalancer 192.0.2.10:80/TCP"}},
		{name: "the same within 1.28", doc: doc("Cluster", []string{"192.0.2.10"}, nil), from: "1.28.0", to: "1.28.3"},
		{name: "an external IP of an eTP Local Service, within 1.28", doc: doc("Local", nil, []string{"198.51.100.5"}), from: "1.28.0", to: "1.28.3",
			want: []string{"node-a default/web externalIP 198.51.100.5:80/TCP"}},
		{name: "an external IP of an eTP Cluster Service", doc: doc("Cluster", nil, []string{"198.51.100.5"}), from: "1.28.0", to: "1.28.3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			from, err := input.ParseVersion(tt.from, "test")
			if err != nil {
				t.Fatal(err)
			}
			to, err := input.ParseVersion(tt.to, "test")
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range candidates(tt.doc, []string{"node-a"}, input.NewModel(tt.doc, from), input.NewModel(tt.doc, to)) {
				got = append(got, fmt.Sprintf("%s %s %s %s", c.node, c.service, c.role, c.target()))
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("candidates %q, want %q", got, tt.want)
			}
		})
	}
}
