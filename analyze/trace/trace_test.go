package trace

import (
	"cmp"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/ipvslint/ipvslint/analyze/bundle"
	"github.com/ipvslint/ipvslint/analyze/engine"
	"github.com/ipvslint/ipvslint/analyze/input"
	"github.com/ipvslint/ipvslint/analyze/snapshot"
	"github.com/ipvslint/ipvslint/internal/examples"
)

var (
	tracerOnce sync.Once
	tracer     *Tracer
	tracerErr  error
	snaps      sync.Map // bundle name → *snapshot.Snapshot
)

// testTracer returns the tracer of the built-in pack, compiled once.
func testTracer(t *testing.T) *Tracer {
	t.Helper()
	tracerOnce.Do(func() {
		var e *engine.Engine
		if e, tracerErr = engine.New(engine.Options{}); tracerErr == nil {
			tracer, tracerErr = NewTracer(e)
		}
	})
	if tracerErr != nil {
		t.Fatal(tracerErr)
	}
	return tracer
}

// exampleBundle returns the snapshot of an example bundle of bundles/, read
// once.
func exampleBundle(t *testing.T, name string) *snapshot.Snapshot {
	t.Helper()
	if s, ok := snaps.Load(name); ok {
		return s.(*snapshot.Snapshot)
	}
	s, err := snapshot.Build([]string{filepath.Join(examples.Dir(t), name)}, bundle.Options{})
	if err != nil {
		t.Fatal(err)
	}
	snaps.Store(name, s)
	return s
}

// run traces from → to through an example bundle.
func run(t *testing.T, name, from, to string, opts Options) (*Result, error) {
	t.Helper()
	f, d := parseSpecs(t, from, to)
	return testTracer(t).Run(context.Background(), exampleBundle(t, name), f, d, opts)
}

// parseSpecs parses the --from and --to of a test.
func parseSpecs(t *testing.T, from, to string) (From, To) {
	t.Helper()
	f, err := ParseFrom(from)
	if err != nil {
		t.Fatal(err)
	}
	d, err := ParseTo(to)
	if err != nil {
		t.Fatal(err)
	}
	return f, d
}

// Node names of the example bundles.
const (
	ack11 = "cn-hangzhou.10.0.0.11"
	ack12 = "cn-hangzhou.10.0.0.12"
)

// TestMatrix traces the example bundles along the rows of the outcome
// matrix of the behaviours (eTP = externalTrafficPolicy, B = the node with
// the client; OV flannel, VPC Terway), the unserved ports of B2, and
// what-ifs of --k8s-version and --cni.
func TestMatrix(t *testing.T) {
	tests := []struct {
		row      string
		bundle   string
		from, to string
		opts     Options
		verdict  string
		state    string // StateCaptured when ""
	}{
		{row: "1 eTP=Cluster external → NP", bundle: "healthy", from: "external:node-b", to: "shop/frontend", verdict: ServedWithoutSourceIP},
		{row: "1 eTP=Cluster external → NP (VPC)", bundle: "shared-lb-unserved-port", from: "external:" + ack12, to: "10.0.0.12:31245", verdict: ServedWithoutSourceIP},
		{row: "2 eTP=Cluster host → LB IP", bundle: "shared-lb-unserved-port", from: "host:" + ack12, to: "203.0.113.10:80", verdict: ServedWithoutSourceIP},
		{row: "2 eTP=Cluster host → own NP", bundle: "healthy", from: "host:node-b", to: "192.168.0.12:30080", verdict: ServedWithoutSourceIP},
		{row: "3 eTP=Cluster pod → LB IP", bundle: "shared-lb-unserved-port", from: "pod:" + ack12, to: "203.0.113.10:80", verdict: ServedWithoutSourceIP},
		{row: "3 eTP=Cluster pod → NP", bundle: "healthy", from: "pod:node-c", to: "192.168.0.13:30080", verdict: ServedWithoutSourceIP},
		{row: "4 eTP=Local local EP external → NP (VPC)", bundle: "etp-local-before-1-24", from: "external:" + ack11, to: "10.0.0.11:30745", verdict: Served},
		{row: "4 eTP=Local local EP external → NP (OV)", bundle: "etp-local-1-24-flannel", from: "external:node-c", to: "192.168.0.13:30745", verdict: Served},
		{row: "5 eTP=Local local EP pod → LB IP", bundle: "lb-host-client-1-24", from: "pod:" + ack11, to: "203.0.113.70:443", verdict: Served},
		{row: "6 eTP=Local local EP host → LB IP", bundle: "lb-host-client-1-24", from: "host:" + ack11, to: "203.0.113.70:443", verdict: Served},
		{row: "7 <1.24 no EP pod → LB IP", bundle: "etp-local-before-1-24", from: "pod:" + ack12, to: "203.0.113.40:80", verdict: Refused},
		{row: "7 <1.24 no EP host → LB IP", bundle: "etp-local-before-1-24", from: "host:" + ack12, to: "203.0.113.40", verdict: Refused},
		{row: "7 <1.24 no EP external → NP", bundle: "etp-local-before-1-24", from: "external:" + ack12, to: "10.0.16.6:30745", verdict: Refused},
		{row: "7 <1.24 no EP pod of another node → NP", bundle: "etp-local-before-1-24", from: "pod:" + ack11, to: "10.0.0.12:30745", verdict: Refused},
		{row: "8 ≥1.24 no EP external → NP (VPC)", bundle: "etp-local-1-24-vpc", from: "external:" + ack12, to: "10.0.0.12:30745", verdict: Timeout},
		{row: "8 ≥1.24 no EP external IP → NP (VPC)", bundle: "etp-local-1-24-vpc", from: "198.51.100.23", to: "10.0.0.12:30745", verdict: Timeout},
		{row: "8 ≥1.24 no EP external → NP (OV)", bundle: "etp-local-1-24-flannel", from: "external:node-b", to: "192.168.0.12:30745", verdict: ServedWithoutSourceIP},
		{row: "9 ≥1.24 no EP external → LB IP (VPC)", bundle: "etp-local-1-24-vpc", from: "external:" + ack12, to: "203.0.113.40:80", verdict: Timeout},
		{row: "9 ≥1.24 no EP external → LB IP (OV)", bundle: "etp-local-1-24-flannel", from: "external:node-b", to: "203.0.113.60:80", verdict: ServedWithoutSourceIP},
		{row: "10 ≥1.24 no EP host → own NP (VPC)", bundle: "etp-local-1-24-vpc", from: "host:" + ack12, to: "10.0.0.12:30745", verdict: Served},
		{row: "10 ≥1.24 no EP host → own NP (OV)", bundle: "etp-local-1-24-flannel", from: "host:node-b", to: "192.168.0.12:30745", verdict: ServedWithoutSourceIP},
		{row: "11 ≥1.24 no EP host → LB IP (VPC)", bundle: "lb-host-client-1-24", from: "host:" + ack12, to: "203.0.113.70:443", verdict: Timeout},
		{row: "11 ≥1.24 no EP host → LB IP (VPC, 1.24)", bundle: "etp-local-1-24-vpc", from: "host:" + ack12, to: "203.0.113.40:80", verdict: Timeout},
		{row: "11 ≥1.24 no EP host → LB IP (OV)", bundle: "etp-local-1-24-flannel", from: "host:node-b", to: "203.0.113.60:80", verdict: ServedWithoutSourceIP},
		{row: "12 ≥1.24 no EP pod → LB IP (VPC)", bundle: "etp-local-1-24-vpc", from: "pod:" + ack12, to: "203.0.113.40:80", verdict: Served},
		{row: "12 ≥1.24 no EP pod → own NP (VPC)", bundle: "etp-local-1-24-vpc", from: "pod:" + ack12, to: "10.0.16.6:30745", verdict: Served},
		{row: "12 ≥1.24 no EP pod → LB IP (OV)", bundle: "etp-local-1-24-flannel", from: "pod:node-b", to: "default/nginx", verdict: Served},
		{row: "13 pod → NP of another EP-less node (VPC)", bundle: "etp-local-1-24-vpc", from: "pod:" + ack11, to: "10.0.0.12:30745", verdict: Timeout},
		{row: "13 pod → NP of another EP-less node (OV)", bundle: "etp-local-1-24-flannel", from: "pod:node-c", to: "192.168.0.12:30745", verdict: Timeout},

		{row: "B2 ≥1.26 unserved port refused", bundle: "shared-lb-unserved-port", from: "pod:" + ack12, to: "203.0.113.10:443", verdict: Refused},
		{row: "B2 ≥1.26 unserved port refused to host clients", bundle: "shared-lb-unserved-port", from: "host:" + ack11, to: "203.0.113.10:443", verdict: Refused},
		{row: "B2 <1.26 local listener", bundle: "local-listener-before-1-26", from: "pod:" + ack12, to: "203.0.113.20:443", verdict: ServedByLocalListener},
		{row: "B2 <1.26 nothing listens", bundle: "local-listener-before-1-26", from: "pod:" + ack11, to: "203.0.113.20:443", verdict: Refused},
		{row: "B3 hostname ingress: not on kube-ipvs0", bundle: "lb-hostname-annotation", from: "pod:" + ack12, to: "203.0.113.10:443", verdict: LeavesNode},
		{row: "ClusterIP by the client's pod IP", bundle: "etp-local-before-1-24", from: "10.0.16.37", to: "default/nginx:80", verdict: Served},
		{row: "ClusterIP from the host", bundle: "etp-local-before-1-24", from: "host:" + ack12, to: "default/nginx:http", verdict: ServedWithoutSourceIP},
		{row: "UDP DNS", bundle: "healthy", from: "pod:node-b", to: "10.96.0.10:53/udp", verdict: Served},

		{row: "what-if 1.24: row 12", bundle: "etp-local-before-1-24", from: "pod:" + ack12, to: "203.0.113.40:80", opts: Options{KubernetesVersion: "1.24.0"}, verdict: Served, state: StateExpected},
		{row: "what-if 1.24: row 8 (VPC)", bundle: "etp-local-before-1-24", from: "external:" + ack12, to: "10.0.0.12:30745", opts: Options{KubernetesVersion: "1.24"}, verdict: Timeout, state: StateExpected},
		{row: "what-if 1.24 flannel: row 8 (OV)", bundle: "etp-local-before-1-24", from: "external:" + ack12, to: "10.0.0.12:30745", opts: Options{KubernetesVersion: "1.24", CNI: "flannel"}, verdict: ServedWithoutSourceIP, state: StateExpected},
		{row: "what-if 1.24: row 11 (VPC)", bundle: "etp-local-before-1-24", from: "host:" + ack12, to: "203.0.113.40:80", opts: Options{KubernetesVersion: "1.24"}, verdict: Timeout, state: StateExpected},
		{row: "what-if 1.23: still row 7", bundle: "etp-local-before-1-24", from: "pod:" + ack12, to: "203.0.113.40:80", opts: Options{KubernetesVersion: "1.23.17"}, verdict: Refused, state: StateExpected},
		{row: "same minor: the capture", bundle: "etp-local-before-1-24", from: "pod:" + ack12, to: "203.0.113.40:80", opts: Options{KubernetesVersion: "1.22.3"}, verdict: Refused},
		{row: "what-if flannel: row 8 (OV)", bundle: "etp-local-1-24-vpc", from: "external:" + ack12, to: "10.0.0.12:30745", opts: Options{CNI: "flannel"}, verdict: ServedWithoutSourceIP},
		{row: "what-if flannel: row 11 (OV)", bundle: "lb-host-client-1-24", from: "host:" + ack12, to: "203.0.113.70:443", opts: Options{CNI: "overlay"}, verdict: ServedWithoutSourceIP},
		{row: "what-if 1.26: the listener is shadowed no more", bundle: "local-listener-before-1-26", from: "pod:" + ack12, to: "203.0.113.20:443", opts: Options{KubernetesVersion: "1.26"}, verdict: Refused, state: StateExpected},
		{row: "what-if 1.22: pre-1.24 refusal", bundle: "lb-host-client-1-24", from: "host:" + ack12, to: "203.0.113.70:443", opts: Options{KubernetesVersion: "1.22"}, verdict: Refused, state: StateExpected},
	}
	for _, tt := range tests {
		t.Run(tt.row, func(t *testing.T) {
			r, err := run(t, tt.bundle, tt.from, tt.to, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if r.Verdict != tt.verdict {
				var steps []string
				for _, s := range r.Steps {
					steps = append(steps, s.What)
				}
				t.Errorf("verdict %s, want %s\n%s", r.Verdict, tt.verdict, strings.Join(steps, "\n"))
			}
			if want := cmp.Or(tt.state, StateCaptured); r.State != want {
				t.Errorf("state %s, want %s", r.State, want)
			}
		})
	}
}

func TestRunErrors(t *testing.T) {
	tests := []struct {
		bundle, from, to string
		opts             Options
		wantErr          string
	}{
		{"healthy", "pod:node-x", "shop/frontend", Options{}, `--from "pod:node-x": no node node-x in the bundle (captured: node-b, node-c)`},
		{"healthy", "pod:node-a", "shop/frontend", Options{}, `--from "pod:node-a": the bundle has no captures of node node-a (captured: node-b, node-c)`},
		{"healthy", "external", "10.96.88.4:80", Options{}, `--from "external": say through which node the client enters: --from external:NODE (captured: node-b, node-c)`},
		{"healthy", "external:node-b", "192.168.0.13:30080", Options{}, `--to "192.168.0.13:30080" is an address of node node-c: a client outside the cluster reaching it enters through node-c (--from external:node-c)`},
		{"healthy", "pod:node-b", "192.168.0.11:30080", Options{}, `--to "192.168.0.11:30080": the bundle has no captures of node node-a (captured: node-b, node-c)`},
		{"healthy", "pod:node-b", "shop/nope", Options{}, `--to "shop/nope": the bundle has no Service shop/nope`},
		{"healthy", "pod:node-b", "shop/frontend:8443", Options{}, `--to "shop/frontend:8443": shop/frontend has no such port (it has 80/TCP (http))`},
		{"healthy", "pod:node-b", "kube-system/kube-dns", Options{}, `--to "kube-system/kube-dns": say which port of kube-system/kube-dns: 53/UDP (dns), 53/TCP (dns-tcp), 9153/TCP (metrics)`},
		{"healthy", "pod:node-b", "10.96.0.10", Options{}, `--to "10.96.0.10": give the port, one of 53/TCP, 53/UDP, 9153/TCP`},
		{"healthy", "pod:node-b", "198.51.100.9", Options{}, `--to "198.51.100.9": give the port: no Service port or virtual service of 198.51.100.9 tells it`},
		{"healthy", "pod:node-b", "10.96.88.4:80", Options{KubernetesVersion: "1.x"}, `--k8s-version "1.x": invalid version "1.x": bad number "x"`},
		{"healthy", "10.244.9.9", "10.96.88.4:80", Options{}, `--from "10.244.9.9" is in the cluster CIDR 10.244.0.0/16 but no pod or node of the bundle has it: say where the client is, --from pod:NODE`},
	}
	for _, tt := range tests {
		t.Run(tt.from+" "+tt.to, func(t *testing.T) {
			_, err := run(t, tt.bundle, tt.from, tt.to, tt.opts)
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("error = %v\nwant %s", err, tt.wantErr)
			}
		})
	}
}

// TestReads checks that a trace reads the inventory of its node only.
func TestReads(t *testing.T) {
	f, _ := ParseFrom("pod:node-c")
	to, _ := ParseTo("192.168.0.12:30080")
	p, err := NewPlan(exampleBundle(t, "healthy"), f, to)
	if err != nil {
		t.Fatal(err)
	}
	if p.Node != "node-b" || p.ClientNode != "node-c" || !p.Remote() {
		t.Errorf("plan %+v", p)
	}
	got := strings.Join(p.Reads().Paths(), " ")
	want := `input.nodes["node-b"].addresses input.nodes["node-b"].conntrack input.nodes["node-b"].ipvs0 input.nodes["node-b"].virtualServers`
	if got != want {
		t.Errorf("Reads = %s\nwant %s", got, want)
	}
}

// TestVerdictOrder checks that Verdicts, the order ipvslint documents and
// checks, is the order package ipvslint.trace ranks refinements by (the
// worst first), and that the verdicts that work come last.
func TestVerdictOrder(t *testing.T) {
	e, err := engine.New(engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	q, err := e.Prepare("data.ipvslint.trace.verdicts")
	if err != nil {
		t.Fatal(err)
	}
	v, err := q.Eval(context.Background(), map[string]any{})
	if err != nil {
		t.Fatal(err)
	}
	var rego []string
	list, _ := v.([]any)
	for _, x := range list {
		s, _ := x.(string)
		rego = append(rego, s)
	}
	if !slices.Equal(rego, Verdicts) {
		t.Errorf("ipvslint.trace ranks the verdicts %v, Verdicts are %v", rego, Verdicts)
	}
	works := slices.IndexFunc(Verdicts, Works)
	if works < 0 || slices.ContainsFunc(Verdicts[works:], func(v string) bool { return !Works(v) }) {
		t.Errorf("Verdicts %v: the verdicts that work are not the last", Verdicts)
	}
}

// TestOtherProxy traces to a Service whose service-proxy-name label hands
// it to another proxy: the trace refuses, saying so, whichever way --to
// names it.
func TestOtherProxy(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "b")
	if err := os.CopyFS(dir, os.DirFS(filepath.Join(examples.Dir(t), "etp-local-before-1-24"))); err != nil {
		t.Fatal(err)
	}
	services := filepath.Join(dir, "cluster", "services.yaml")
	b, err := os.ReadFile(services)
	if err != nil {
		t.Fatal(err)
	}
	labelled := strings.Replace(string(b), "    labels:\n      app: nginx\n", "    labels:\n      app: nginx\n      service.kubernetes.io/service-proxy-name: cilium\n", 1)
	if labelled == string(b) {
		t.Fatal("services.yaml: no Service labelled app: nginx")
	}
	if err := os.WriteFile(services, []byte(labelled), 0o644); err != nil {
		t.Fatal(err)
	}
	snap, err := snapshot.Build([]string{dir}, bundle.Options{})
	if err != nil {
		t.Fatal(err)
	}
	const handed = `(cluster/services.yaml:31), whose label service.kubernetes.io/service-proxy-name hands it to "cilium": kube-proxy does not handle it, and trace follows kube-proxy only`
	tests := []struct {
		from, to string
		opts     Options
		want     string
	}{
		{"pod:" + ack12, "203.0.113.40:80", Options{}, "203.0.113.40:80/TCP is the loadBalancer of default/nginx " + handed},
		{"pod:" + ack12, "default/nginx", Options{}, "10.96.52.190:80/TCP is the clusterIP of default/nginx " + handed},
		{"external:" + ack11, "10.0.0.11:30745", Options{}, "10.0.0.11:30745/TCP is the nodePort of default/nginx " + handed},
		{"pod:" + ack12, "203.0.113.40:80", Options{KubernetesVersion: "1.24"}, "203.0.113.40:80/TCP is the loadBalancer of default/nginx " + handed},
	}
	for _, tt := range tests {
		t.Run(tt.to+" "+tt.opts.KubernetesVersion, func(t *testing.T) {
			f, to := parseSpecs(t, tt.from, tt.to)
			_, err := testTracer(t).Run(context.Background(), snap, f, to, tt.opts)
			if err == nil || err.Error() != tt.want {
				t.Errorf("error = %v\nwant %s", err, tt.want)
			}
		})
	}
}

// TestRunPlans traces several plans through one document: each as Run
// traces it alone, a nil plan left untraced, a destination that does not
// resolve carrying its error.
func TestRunPlans(t *testing.T) {
	snap := exampleBundle(t, "etp-local-before-1-24")
	plan := func(from, to string) *Plan {
		f, d := parseSpecs(t, from, to)
		p, err := NewPlan(snap, f, d)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	plans := []*Plan{
		plan("pod:"+ack12, "203.0.113.40:80"),
		nil,
		plan("external:"+ack11, "10.0.0.11:30745"),
		plan("pod:"+ack12, "default/nope"),
	}
	for _, tt := range []struct {
		version string
		want    []string
	}{
		{"", []string{"refused captured", "", "served captured", `--to "default/nope": the bundle has no Service default/nope`}},
		{"1.24.0", []string{"served expected", "", "served expected", `--to "default/nope": the bundle has no Service default/nope`}},
	} {
		t.Run(cmp.Or(tt.version, "captured"), func(t *testing.T) {
			var v input.Version
			if tt.version != "" {
				var err error
				if v, err = input.ParseVersion(tt.version, "test"); err != nil {
					t.Fatal(err)
				}
			}
			traced, err := testTracer(t).RunPlans(context.Background(), snap, plans, v, input.Options{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for i, tr := range traced {
				switch {
				case tr.Err != nil:
					got = append(got, tr.Err.Error())
				case tr.Result != nil && tr.Input != nil && tr.Input.To.Spec == plans[i].To.Spec:
					got = append(got, tr.Result.Verdict+" "+tr.Result.State)
				default:
					got = append(got, "")
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("traced %q, want %q", got, tt.want)
			}
		})
	}
}
