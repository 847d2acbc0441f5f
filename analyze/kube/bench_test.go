package kube

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/ipvslint/ipvslint/analyze/source"
)

// serviceList returns `kubectl get svc -A -o yaml` of n Services.
func serviceList(n int) []byte {
	var b bytes.Buffer
	b.WriteString("apiVersion: v1\nitems:\n")
	for i := range n {
		fmt.Fprintf(&b, `- apiVersion: v1
  kind: Service
  metadata:
    annotations:
      meta.helm.sh/release-name: app%d
    creationTimestamp: "2024-03-01T08:00:00Z"
    labels:
      app: app%d
      app.kubernetes.io/managed-by: Helm
    name: svc-%d
    namespace: ns-%d
    resourceVersion: "%d"
    uid: 6b3c9a4e-1f2d-4c5b-8a7e-%012d
  spec:
    clusterIP: 10.96.%d.%d
    clusterIPs:
    - 10.96.%d.%d
    internalTrafficPolicy: Cluster
    ipFamilies:
    - IPv4
    ipFamilyPolicy: SingleStack
    ports:
    - name: http
      port: 80
      protocol: TCP
      targetPort: http
    - name: https
      nodePort: %d
      port: 443
      protocol: TCP
      targetPort: 8443
    selector:
      app: app%d
    sessionAffinity: None
    type: NodePort
  status:
    loadBalancer: {}
`, i, i, i, i%50, i, i, i/256, i%256, i/256, i%256, 30000+i%2768, i)
	}
	b.WriteString("kind: List\nmetadata:\n  resourceVersion: \"\"\n")
	return b.Bytes()
}

// TestParseLarge checks the positions in a List of 10,000 Services.
// BenchmarkParse measures its speed.
func TestParseLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("large input")
	}
	o, err := Parse(bytes.NewReader(serviceList(10000)), source.Pos{File: "services.yaml", Line: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Services) != 10000 || len(o.Warnings) != 0 {
		t.Fatalf("%d services, warnings %v", len(o.Services), o.Warnings)
	}
	const linesPerService = 37
	for _, s := range []int{0, 1, 9999} {
		if got, want := o.Services[s].Pos.Line, 3+s*linesPerService; got != want {
			t.Errorf("service %d at line %d, want %d", s, got, want)
		}
	}
}

// BenchmarkParse measures a List of 10,000 Services as YAML:
//
//	go test -run '^$' -bench BenchmarkParse ./analyze/kube/
func BenchmarkParse(b *testing.B) {
	in := serviceList(10000)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(bytes.NewReader(in), source.Pos{File: "services.yaml", Line: 1}); err != nil {
			b.Fatal(err)
		}
	}
}
