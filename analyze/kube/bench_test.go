package kube

import (
	"bytes"
	"encoding/json"
	"fmt"
	"runtime"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/ipvslint/ipvslint/analyze/source"
)

// kubectlList returns a List of n items as `kubectl get -o yaml` prints
// it, item writing each.
func kubectlList(n int, item func(b *bytes.Buffer, i int)) []byte {
	var b bytes.Buffer
	b.WriteString("apiVersion: v1\nitems:\n")
	for i := range n {
		item(&b, i)
	}
	b.WriteString("kind: List\nmetadata:\n  resourceVersion: \"\"\n")
	return b.Bytes()
}

// serviceList returns `kubectl get svc -A -o yaml` of n Services.
func serviceList(n int) []byte {
	return kubectlList(n, func(b *bytes.Buffer, i int) {
		fmt.Fprintf(b, `- apiVersion: v1
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
	})
}

// podList returns `kubectl get pods -A -o yaml` of n Pods as a Deployment
// makes them: two containers each, with their probes, environment,
// mounts and statuses, which is most of a Pod's text and none of what
// ipvslint reads.
func podList(n int) []byte {
	return kubectlList(n, func(b *bytes.Buffer, i int) {
		fmt.Fprintf(b, `- apiVersion: v1
  kind: Pod
  metadata:
    annotations:
      kubectl.kubernetes.io/restartedAt: "2024-03-01T08:00:00Z"
    creationTimestamp: "2024-03-01T08:00:00Z"
    generateName: app%[2]d-5d8f9c7b6-
    labels:
      app: app%[2]d
      pod-template-hash: 5d8f9c7b6
    name: app%[2]d-5d8f9c7b6-x%[1]d
    namespace: ns-%[3]d
    ownerReferences:
    - apiVersion: apps/v1
      blockOwnerDeletion: true
      controller: true
      kind: ReplicaSet
      name: app%[2]d-5d8f9c7b6
      uid: 0c1d2e3f-4a5b-6c7d-8e9f-%012[1]d
    resourceVersion: "%[1]d"
    uid: 6b3c9a4e-1f2d-4c5b-8a7e-%012[1]d
  spec:
    containers:
    - env:
      - name: LOG_LEVEL
        value: info
      - name: POD_IP
        valueFrom:
          fieldRef:
            apiVersion: v1
            fieldPath: status.podIP
      image: registry.example.com/app:1.2.3
      imagePullPolicy: IfNotPresent
      livenessProbe:
        failureThreshold: 3
        httpGet:
          path: /healthz
          port: 8080
          scheme: HTTP
        periodSeconds: 10
        successThreshold: 1
        timeoutSeconds: 1
      name: app
      ports:
      - containerPort: 8080
        name: http
        protocol: TCP
      readinessProbe:
        failureThreshold: 3
        httpGet:
          path: /ready
          port: 8080
          scheme: HTTP
        periodSeconds: 5
        successThreshold: 1
        timeoutSeconds: 1
      resources:
        limits:
          memory: 256Mi
        requests:
          cpu: 100m
          memory: 128Mi
      terminationMessagePath: /dev/termination-log
      terminationMessagePolicy: File
      volumeMounts:
      - mountPath: /var/run/secrets/kubernetes.io/serviceaccount
        name: kube-api-access-x%[1]d
        readOnly: true
    - image: registry.example.com/sidecar:0.9
      imagePullPolicy: IfNotPresent
      name: sidecar
      resources: {}
      terminationMessagePath: /dev/termination-log
      terminationMessagePolicy: File
    dnsPolicy: ClusterFirst
    enableServiceLinks: true
    nodeName: node-%[4]d
    preemptionPolicy: PreemptLowerPriority
    priority: 0
    restartPolicy: Always
    schedulerName: default-scheduler
    securityContext: {}
    serviceAccount: default
    serviceAccountName: default
    terminationGracePeriodSeconds: 30
    tolerations:
    - effect: NoExecute
      key: node.kubernetes.io/not-ready
      operator: Exists
      tolerationSeconds: 300
    volumes:
    - name: kube-api-access-x%[1]d
      projected:
        defaultMode: 420
        sources:
        - serviceAccountToken:
            expirationSeconds: 3607
            path: token
  status:
    conditions:
    - lastProbeTime: null
      lastTransitionTime: "2024-03-01T08:00:05Z"
      status: "True"
      type: Ready
    - lastProbeTime: null
      lastTransitionTime: "2024-03-01T08:00:01Z"
      status: "True"
      type: PodScheduled
    containerStatuses:
    - containerID: containerd://%064[1]d
      image: registry.example.com/app:1.2.3
      imageID: registry.example.com/app@sha256:%064[1]d
      lastState: {}
      name: app
      ready: true
      restartCount: 0
      started: true
      state:
        running:
          startedAt: "2024-03-01T08:00:03Z"
    hostIP: 192.168.10.%[4]d
    hostIPs:
    - ip: 192.168.10.%[4]d
    phase: Running
    podIP: 10.244.%[4]d.%[5]d
    podIPs:
    - ip: 10.244.%[4]d.%[5]d
    qosClass: Burstable
    startTime: "2024-03-01T08:00:01Z"
`, i, i%2000, i%50, 1+i%5, i%250)
	})
}

// TestParseLarge reads a List larger than MaxObject (25,000 Services): a
// List is read item by item, whatever its size, with the place of each.
// BenchmarkParse measures the speed.
func TestParseLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("large input")
	}
	const n = 25000
	in := serviceList(n)
	if len(in) <= MaxObject {
		t.Fatalf("the List is of %d bytes, not more than MaxObject", len(in))
	}
	o, err := Parse(bytes.NewReader(in), source.Pos{File: "services.yaml", Line: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Services) != n || len(o.Warnings) != 0 {
		t.Fatalf("%d services, warnings %v", len(o.Services), o.Warnings)
	}
	const linesPerService = 37
	for _, s := range []int{0, 1, n - 1} {
		if got, want := o.Services[s].Pos.Line, 3+s*linesPerService; got != want {
			t.Errorf("service %d at line %d, want %d", s, got, want)
		}
		if want := fmt.Sprintf("svc-%d", s); o.Services[s].Name != want {
			t.Errorf("service %d is %s, want %s", s, o.Services[s].Name, want)
		}
	}
}

// BenchmarkParse measures a List of 10,000 Services, as YAML and as JSON
// (kubectl's forms), read as Parse reads it (item by item, on all cores,
// block YAML by the fast path) and, for YAML, whole by the YAML library on
// one core (the reading before Lists were cut, for comparison):
//
//	go test -run '^$' -bench BenchmarkParse ./analyze/kube/
func BenchmarkParse(b *testing.B) {
	yamlList := serviceList(10000)
	compact, err := yaml.YAMLToJSON(yamlList)
	if err != nil {
		b.Fatal(err)
	}
	var jsonList bytes.Buffer
	if err := json.Indent(&jsonList, compact, "", "    "); err != nil {
		b.Fatal(err)
	}
	parsing := options{workers: runtime.GOMAXPROCS(0), split: true, fast: true}
	for _, bc := range []struct {
		name string
		in   []byte
		opts options
	}{
		{"yaml", yamlList, parsing},
		{"yaml-whole", yamlList, options{workers: 1}},
		{"json", jsonList.Bytes(), parsing},
		{"pods", podList(10000), parsing},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.in)))
			b.ReportAllocs()
			for b.Loop() {
				o, _, err := parse(bytes.NewReader(bc.in), source.Pos{File: "services.yaml", Line: 1}, bc.opts)
				if err != nil || len(o.Services)+len(o.Pods) != 10000 {
					b.Fatalf("%v, %v", err, o)
				}
			}
		})
	}
}
