package redact

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/ipvslint/ipvslint/analyze/bundle"
)

// writeTgz writes a .tar.gz of name=content entries and returns its path.
func writeTgz(t *testing.T, entries ...string) string {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for _, e := range entries {
		name, content, _ := strings.Cut(e, "=")
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(content)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(tw, content); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "in.tar.gz")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func newTestRedactor(t *testing.T) *Redactor {
	t.Helper()
	r, err := New(&Map{Format: MapFormat, Key: strings.Repeat("5a17c308", 8)})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestRefused checks that redact refuses what the bundle reader refuses,
// with its errors, and loose captures.
func TestRefused(t *testing.T) {
	manifest := `manifest.json={"format": "ipvslint.bundle/v1", "node": "node-a"}`
	ipvs := "nodes/node-a/ipvsadm.txt=TCP  10.96.0.1:443 rr\n"
	loose, damaged := filepath.Join(t.TempDir(), "pasted.txt"), filepath.Join(t.TempDir(), "damaged.tar.gz")
	if err := os.WriteFile(loose, []byte("$ ipvsadm -Ln\nTCP  10.96.0.1:443 rr\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(damaged, []byte{0x1f, 0x8b, 8, 0, 0}, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		arg  string
		opts bundle.Options
		want error
	}{
		{"traversal", writeTgz(t, manifest, "../evil=x"), bundle.Options{}, bundle.ErrUnsafePath},
		{"entries", writeTgz(t, manifest, ipvs, ipvs+"x"), bundle.Options{MaxEntries: 1}, bundle.ErrTooManyEntries},
		{"bytes", writeTgz(t, manifest, ipvs), bundle.Options{MaxBytes: 40}, bundle.ErrTooLarge},
		{"damaged", damaged, bundle.Options{}, bundle.ErrDamaged},
		{"loose", loose, bundle.Options{}, ErrLoose},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, readErr := bundle.Read(tt.arg, tt.opts, func(bundle.Capture, io.Reader) error { return nil })
			err := newTestRedactor(t).Collect(tt.arg, tt.opts)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Collect: %v, want %v", err, tt.want)
			}
			if tt.want != ErrLoose && (readErr == nil || err.Error() != readErr.Error()) {
				t.Errorf("Collect: %v; the bundle reader: %v", err, readErr)
			}
		})
	}
}

// TestRefusedUnreadable: a Kubernetes capture that analyze cannot read to
// its end is refused, naming the bundle, the file and the line, since the
// names after the unreadable piece would otherwise stay in clear.
func TestRefusedUnreadable(t *testing.T) {
	manifest := `manifest.json={"format": "ipvslint.bundle/v1", "node": "node-a"}`
	tests := []struct{ name, services, want string }{
		{"broken document", "kind: Service\nmetadata: {name: shop}\n---\nkind: Service\nmetadata: {name: [\n---\nkind: Service\nmetadata: {name: secret-name}\n",
			`cluster/services.yaml:5: invalid YAML: did not find expected node content: "metadata: {name: ["`},
		{"broken List item", "{\"kind\": \"List\", \"items\": [{\"kind\": \"Service\", \"metadata\": {\"name\": \"shop\"}},\n{\"kind\": \"Service\" \"x\": 1}]}\n",
			`cluster/services.yaml:2: invalid JSON: expected ',' or '}' after a member, found '"': "{\"kind\": \"Service\" \"x\": 1}"`},
		{"object that is not JSON", "{\"kind\": \"Service\"}\n{\"kind\": \"Service\",\n \"metadata\": {\"name\": secret-name}}\n",
			"cluster/services.yaml:2: Service cannot be read: invalid character 's' looking for beginning of value"},
		{"alias cycle", "kind: Service\nmetadata: &m\n  name: shop\n  labels: *m\n",
			"cluster/services.yaml:1: Service shop cannot be read: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			arg := writeTgz(t, manifest, "cluster/services.yaml="+tt.services)
			err := newTestRedactor(t).Collect(arg, bundle.Options{})
			if !errors.Is(err, ErrUnreadable) {
				t.Fatalf("Collect: %v, want %v", err, ErrUnreadable)
			}
			if want := arg + ": " + tt.want; !strings.HasPrefix(err.Error(), want) {
				t.Errorf("Collect: %q, want it to start with %q", err, want)
			}
		})
	}
}

// TestCollectKubeForms collects the names of every form of Kubernetes
// capture that analyze reads: a JSON List, a watch's concatenated JSON
// documents, a List with a line kubectl logged on stderr in the middle.
func TestCollectKubeForms(t *testing.T) {
	manifest := `manifest.json={"format": "ipvslint.bundle/v1", "node": "node-a"}`
	tests := []struct{ name, services string }{
		{"JSON List", `{"kind": "List", "items": [{"kind": "Service", "metadata": {"name": "shop", "namespace": "team"}}, {"kind": "Pod", "metadata": {"name": "web-1", "namespace": "team"}}]}`},
		{"watch", `{"kind": "Service", "metadata": {"name": "shop", "namespace": "team"}}{"kind": "Pod", "metadata": {"name": "web-1", "namespace": "team"}}`},
		{"klog line", "apiVersion: v1\nitems:\n- kind: Service\n  metadata:\n    name: shop\n    namespace: team\nE1125 10:15:00.123456   12345 memcache.go:265] couldn't get current server API group list\n- kind: Pod\n  metadata:\n    name: web-1\n    namespace: team\nkind: List\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newTestRedactor(t)
			if err := r.Collect(writeTgz(t, manifest, "cluster/services.yaml="+tt.services), bundle.Options{}); err != nil {
				t.Fatal(err)
			}
			want := map[string]Kind{"shop": KindService, "team": KindNamespace, "web-1": KindPod, "node-a": KindNode}
			if !maps.Equal(r.col.kinds, want) {
				t.Errorf("names %v, want %v", r.col.kinds, want)
			}
		})
	}
}

// TestTokensAvoidNames checks that a token never equals a real name: with
// nodes called node-1 and node-2, tokens start at node-3.
func TestTokensAvoidNames(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"manifest.json", "nodes/node-1/ipvsadm.txt", "nodes/node-2/ipvsadm.txt"} {
		path := filepath.Join(dir, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(`{"format": "ipvslint.bundle/v1"}`), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r := newTestRedactor(t)
	if err := r.Collect(dir, bundle.Options{}); err != nil {
		t.Fatal(err)
	}
	r.assign()
	if r.tokens["node-1"] != "node-3" || r.tokens["node-2"] != "node-4" {
		t.Errorf("tokens %v, want node-1: node-3, node-2: node-4", r.tokens)
	}
}

// TestMapFile checks that a map is written for its owner only, reads back
// the same, and is extended by a later run without changing a token.
func TestMapFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.json")
	m, err := NewMap()
	if err != nil {
		t.Fatal(err)
	}
	r, err := New(m)
	if err != nil {
		t.Fatal(err)
	}
	r.give(KindService, "web", "svc-1")
	if err := r.Finish().Write(path); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	again, err := ReadMap(path)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := New(again)
	if err != nil {
		t.Fatal(err)
	}
	r2.col.add("web", KindService)
	r2.col.add("shop", KindService)
	r2.assign()
	if r2.tokens["web"] != "svc-1" || r2.tokens["shop"] != "svc-2" {
		t.Errorf("tokens %v, want web: svc-1, shop: svc-2", r2.tokens)
	}
	for _, bad := range []string{`{}`, `{"format": "ipvslint.redact-map/v1", "key": "00"}`, `not json`} {
		if err := os.WriteFile(path, []byte(bad), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := ReadMap(path); err == nil {
			t.Errorf("ReadMap accepted %s", bad)
		}
	}
}

// TestManifestText checks the texts of a manifest: node names are replaced
// whole and inside longer words, on '-' boundaries, the longest first.
func TestManifestText(t *testing.T) {
	r := newTestRedactor(t)
	for _, n := range []string{"edge-7", "pool", "pool-a"} {
		r.col.add(n, KindNode)
	}
	r.assign()
	tests := []struct{ in, want string }{
		{`pods "node-debugger-edge-7-x7k2p" is forbidden`, `pods "node-debugger-node-1-x7k2p" is forbidden`},
		{"kubectl debug node/edge-7: edge-7-x edge-70 xedge-7 edge-7-", "kubectl debug node/node-1: node-1-x edge-70 xedge-7 node-1-"},
		{"node-debugger-pool-a-1 node-debugger-pool-b-1", "node-debugger-node-3-1 node-debugger-node-2-b-1"},
		{"--", "--"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := r.text(tt.in); got != tt.want {
			t.Errorf("text(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestManifestFields lists the fields of a manifest the redactor knows:
// a field added to the manifest must be redacted in Redactor.manifest, or
// be known to name nothing, before it is added here.
func TestManifestFields(t *testing.T) {
	tests := []struct {
		v    any
		want []string
	}{
		{bundle.Manifest{}, []string{"Format", "Collector", "CreatedAt", "Node", "Redacted", "Nodes", "Files"}},
		{bundle.ManifestNode{}, []string{"Name", "Status", "Error"}},
		{bundle.ManifestFile{}, []string{"Node", "Path", "Command", "ExitCode", "StartedAt", "DurationMs", "Bytes", "SHA256", "Stderr"}},
		{bundle.Collector{}, []string{"Name", "Version"}},
	}
	for _, tt := range tests {
		var got []string
		for f := range reflect.TypeOf(tt.v).Fields() {
			got = append(got, f.Name)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%T has fields %v, the redactor knows %v", tt.v, got, tt.want)
		}
	}
}

// TestComponentNames checks the names of cluster components: kept, but
// for the node name that ends some, the longest one after a '-'.
func TestComponentNames(t *testing.T) {
	r := newTestRedactor(t)
	for _, n := range []string{"a", "pool-a", "cn-hangzhou.10.0.0.12"} {
		r.col.add(n, KindNode) // node-1, node-2, node-3
	}
	for _, name := range []string{"kube-apiserver-cn-hangzhou.10.0.0.12", "kube-proxy-pool-a", "etcd-a", "etcd-a", "coredns-7d9f8", "kube-scheduler-b"} {
		r.col.addIn("kube-system", name, KindPod)
	}
	r.assign()
	want := map[string]string{
		"kube-apiserver-cn-hangzhou.10.0.0.12": "kube-apiserver-node-3",
		"kube-proxy-pool-a":                    "kube-proxy-node-2",
		"etcd-a":                               "etcd-node-1",
	}
	for _, name := range []string{"kube-apiserver-cn-hangzhou.10.0.0.12", "kube-proxy-pool-a", "etcd-a", "coredns-7d9f8", "kube-scheduler-b"} {
		if got := r.tokens[name]; got != want[name] {
			t.Errorf("%s: token %q, want %q", name, got, want[name])
		}
	}
	if got := len(r.m.Names); got != 3+len(want) {
		t.Errorf("%d names in the map, want %d: %v", got, 3+len(want), r.m.Names)
	}
}
