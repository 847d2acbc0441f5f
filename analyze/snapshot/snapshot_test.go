package snapshot

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ipvslint/ipvslint/analyze/bundle"
)

const (
	ipAddr = `1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000
    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
    inet 127.0.0.1/8 scope host lo
       valid_lft forever preferred_lft forever
2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc mq state UP group default qlen 1000
    link/ether 00:16:3e:10:20:30 brd ff:ff:ff:ff:ff:ff
    inet 192.168.10.11/24 brd 192.168.10.255 scope global eth0
       valid_lft forever preferred_lft forever
5: kube-ipvs0: <BROADCAST,NOARP> mtu 1500 qdisc noop state DOWN group default
    link/ether 02:67:68:41:61:e5 brd ff:ff:ff:ff:ff:ff
    inet 10.96.0.1/32 scope global kube-ipvs0
       valid_lft forever preferred_lft forever
    inet 203.0.113.10/32 scope global kube-ipvs0
       valid_lft forever preferred_lft forever
`
	ipvsadm = `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
TCP  10.96.0.1:443 rr
  -> 192.168.10.11:6443           Masq    1      4          0         
TCP  203.0.113.10:80 rr
  -> 10.244.1.5:8080              Masq    1      0          0         
`
	conntrackTable = `ipv4     2 tcp      6 117 SYN_SENT src=10.244.1.7 dst=203.0.113.10 sport=40000 dport=443 [UNREPLIED] src=203.0.113.10 dst=10.244.1.7 sport=443 dport=40000 mark=0 use=1
ipv4     2 tcp      6 431998 ESTABLISHED src=10.244.1.5 dst=10.96.0.1 sport=43210 dport=443 src=192.168.10.11 dst=10.244.1.5 sport=6443 dport=43210 [ASSURED] mark=0 use=1
ipv4     2 udp      17 29 src=10.244.1.6 dst=8.8.8.8 sport=40001 dport=53 [UNREPLIED] src=8.8.8.8 dst=10.244.1.6 sport=53 dport=40001 mark=0 use=1
`
	services = `apiVersion: v1
items:
- apiVersion: v1
  kind: Service
  metadata:
    name: web
    namespace: default
  spec:
    clusterIP: %s
    ports:
    - port: 80
      protocol: TCP
    type: ClusterIP
kind: List
metadata:
  resourceVersion: ""
`
)

// writeTree writes files (path → contents) under dir.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// manifest returns a manifest.json listing files (with their checksums) and
// extra, already formatted, file entries.
func manifest(createdAt, node string, files map[string]string, extra ...string) string {
	var entries []string
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for k := range files {
			if !yield(k) {
				return
			}
		}
	}) {
		sum := sha256.Sum256([]byte(files[name]))
		entries = append(entries, fmt.Sprintf(`{"path": %q, "command": "x", "exitCode": 0, "bytes": %d, "sha256": %q}`, name, len(files[name]), hex.EncodeToString(sum[:])))
	}
	entries = append(entries, extra...)
	return fmt.Sprintf(`{"format": "ipvslint.bundle/v1", "collector": {"name": "ipvslint-collect", "version": "0.1.0"},
"createdAt": %q, "node": %q, "files": [%s]}`, createdAt, node, strings.Join(entries, ",\n"))
}

func layout(t *testing.T, createdAt, node string, files map[string]string, extra ...string) string {
	t.Helper()
	dir := t.TempDir()
	all := map[string]string{"manifest.json": manifest(createdAt, node, files, extra...)}
	for k, v := range files {
		all[k] = v
	}
	writeTree(t, dir, all)
	return dir
}

func nodeFiles(node string) map[string]string {
	return map[string]string{
		"nodes/" + node + "/ip-addr.txt":   ipAddr,
		"nodes/" + node + "/ipvsadm.txt":   ipvsadm,
		"nodes/" + node + "/conntrack.txt": conntrackTable,
		"cluster/services.yaml":            fmt.Sprintf(services, "10.96.0.50"),
	}
}

func findCapture(caps []*Capture, suffix string) *Capture {
	for _, c := range caps {
		if strings.HasSuffix(c.Path, suffix) {
			return c
		}
	}
	return nil
}

func TestBuildLayout(t *testing.T) {
	files := nodeFiles("node-a")
	files["nodes/node-a/ipvsadm-stats.txt"] = "Can't initialize ipvs: Protocol not available\nAre you sure that IP Virtual Server is built in the kernel or as module?\n"
	files["nodes/node-a/uname.txt"] = ""
	dir := layout(t, "2026-11-25T10:15:00Z", "node-a", files,
		`{"command": "ipset list", "exitCode": 127, "stderr": "sh: 1: ipset: not found\n"}`,
		`{"path": "nodes/node-a/uname.txt", "command": "uname -a", "exitCode": 1, "stderr": "uname: boom\n"}`)

	snap, err := Build([]string{dir}, bundle.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Nodes) != 1 || snap.Nodes[0].Name != "node-a" {
		t.Fatalf("nodes = %v", snap.Nodes)
	}
	n := snap.Nodes[0]
	if got := fmt.Sprint(n.IPVSAddrs); got != "[10.96.0.1 203.0.113.10]" {
		t.Errorf("IPVSAddrs = %s", got)
	}
	if got := fmt.Sprint(n.NodeAddrs); got != "[192.168.10.11]" {
		t.Errorf("NodeAddrs = %s", got)
	}
	if n.IPVS == nil || len(n.IPVS.Services) != 2 {
		t.Errorf("IPVS = %+v", n.IPVS)
	}
	// The conntrack table is keyed by the node's own addresses only.
	if n.Conntrack == nil || n.Conntrack.Flows != 3 || n.Conntrack.NonLocal != 1 || n.Conntrack.Dests["TCP/203.0.113.10:443"] == nil {
		t.Errorf("Conntrack = %+v", n.Conntrack)
	}
	statuses := map[string]Status{}
	for _, c := range n.Captures {
		statuses[filepath.Base(c.Path)] = c.Status
	}
	want := map[string]Status{"ip-addr.txt": StatusOK, "ipvsadm.txt": StatusOK, "conntrack.txt": StatusOK,
		"ipvsadm-stats.txt": StatusFailed, "uname.txt": StatusFailed}
	for name, st := range want {
		if statuses[name] != st {
			t.Errorf("%s: status %q, want %q", name, statuses[name], st)
		}
	}
	if c := findCapture(n.Captures, "uname.txt"); c == nil || c.Detail != "uname -a: exit code 1: uname: boom" || c.ExitCode == nil || *c.ExitCode != 1 {
		t.Errorf("uname capture = %+v", c)
	}
	var ipset *Missing
	for i, m := range n.Missing {
		if m.Required {
			t.Errorf("required capture reported missing: %+v", m)
		}
		if m.Name == "ipset.txt" {
			ipset = &n.Missing[i]
		}
	}
	if ipset == nil || ipset.Reason != "ipset list: command not found: sh: 1: ipset: not found" {
		t.Errorf("ipset missing = %+v", ipset)
	}
	if len(snap.Cluster.Objects.Services) != 1 || len(snap.Cluster.Missing) != 0 {
		t.Errorf("cluster = %+v", snap.Cluster)
	}
}

// TestBuildCommandDevice: an ip addr capture carries the interface its
// echoed command names, "" when the command shows them all.
func TestBuildCommandDevice(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"ticket.txt": "[root@node-a ~]# ip -6 addr show dev kube-ipvs0 | grep -A1 fd00\n" +
		"    inet6 fd00:10:96::a/128 scope global \n       valid_lft forever preferred_lft forever\n\n" +
		"[root@node-a ~]# ip a | grep -A1 10.96.0.1/\n    inet 10.96.0.1/32 scope global kube-ipvs0\n"})
	snap, err := Build([]string{filepath.Join(dir, "ticket.txt")}, bundle.Options{Node: "node-a"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range snap.Nodes {
		for _, c := range n.Captures {
			if c.Kind == bundle.KindIPAddr {
				got = append(got, fmt.Sprintf("%d %q", c.Line, c.Device))
			}
		}
	}
	if want := []string{`2 "kube-ipvs0"`, `6 ""`}; !slices.Equal(got, want) {
		t.Errorf("ip addr captures (line, device) = %q, want %q", got, want)
	}
}

// TestBuildDeferredConntrack reads loose files in name order: the
// conntrack table comes before the addresses that key it. Held in memory,
// or read again from the bundle when over maxHeld (a tar.gz whose
// conntrack.txt comes first ran out of memory when it was held whole).
func TestBuildDeferredConntrack(t *testing.T) {
	for _, held := range []int64{maxHeld, int64(len(conntrackTable)) - 1} {
		t.Run(fmt.Sprint(held), func(t *testing.T) {
			defer func(old int64) { maxHeld = old }(maxHeld)
			maxHeld = held
			testDeferredConntrack(t)
		})
	}
}

func testDeferredConntrack(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"a-conntrack.txt": conntrackTable, "b-ip.txt": ipAddr, "c-ipvs.txt": ipvsadm})
	snap, err := Build([]string{dir}, bundle.Options{Node: "node-x"})
	if err != nil {
		t.Fatal(err)
	}
	n := snap.Nodes[0]
	if n.Name != "node-x" || n.Conntrack == nil || n.Conntrack.Keys != 2 {
		t.Fatalf("node %s conntrack = %+v", n.Name, n.Conntrack)
	}
	if c := findCapture(n.Captures, "a-conntrack.txt"); c.Status != StatusOK || c.Bytes != int64(len(conntrackTable)) {
		t.Errorf("conntrack capture = %+v", c)
	}
	if len(n.Missing) != 0 {
		t.Errorf("missing = %+v", n.Missing)
	}
	if len(snap.Cluster.Missing) != 1 || snap.Cluster.Missing[0].Name != "services.yaml" {
		t.Errorf("cluster missing = %+v", snap.Cluster.Missing)
	}
}

// TestBuildSlotRanks keeps the best capture of each kind whatever the order.
func TestBuildSlotRanks(t *testing.T) {
	dir := t.TempDir()
	fragment := "TCP  10.96.0.1:443 rr\n  -> 192.168.10.11:6443           Masq    1      4          0         \n"
	writeTree(t, dir, map[string]string{"1-fragment.txt": fragment, "2-full.txt": ipvsadm, "3-ip.txt": ipAddr})
	snap, err := Build([]string{dir}, bundle.Options{})
	if err != nil {
		t.Fatal(err)
	}
	n := snap.Nodes[0]
	if n.IPVS == nil || len(n.IPVS.Services) != 2 {
		t.Fatalf("IPVS = %+v", n.IPVS)
	}
	if c := findCapture(n.Captures, "1-fragment.txt"); c.Unused != "superseded by 2-full.txt:1" {
		t.Errorf("fragment unused = %q", c.Unused)
	}
}

func TestBuildMergeNodes(t *testing.T) {
	a := layout(t, "2026-11-25T10:00:00Z", "node-a", nodeFiles("node-a"))
	same := layout(t, "2026-11-25T10:00:00Z", "node-a", nodeFiles("node-a"))
	other := nodeFiles("node-a")
	other["nodes/node-a/ipvsadm.txt"] = strings.Replace(ipvsadm, "rr", "wlc", 1)
	differ := layout(t, "2026-11-25T10:00:00Z", "node-a", other)

	snap, err := Build([]string{a, same}, bundle.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Nodes) != 1 || len(snap.Bundles[1].Warnings) != 1 {
		t.Errorf("identical bundles: nodes %d, warnings %v", len(snap.Nodes), snap.Bundles[1].Warnings)
	}
	_, err = Build([]string{a, differ}, bundle.Options{})
	want := fmt.Sprintf("node node-a is in both %s and %s with different captures: give one bundle per node", a, differ)
	if err == nil || err.Error() != want {
		t.Errorf("err = %v, want %s", err, want)
	}
}

// TestBuildClusterBundle reads one bundle of two nodes, as the cluster
// collector writes it: each command not found is the reason of a missing
// file on its own node only.
func TestBuildClusterBundle(t *testing.T) {
	files := nodeFiles("node-a")
	maps.Copy(files, nodeFiles("node-b"))
	dir := layout(t, "2026-11-25T10:15:00Z", "", files,
		`{"node": "node-a", "command": "ipset list", "exitCode": 127, "stderr": "sh: 1: ipset: not found\n"}`,
		`{"node": "node-b", "command": "ss -Hlntu", "exitCode": 127, "stderr": "sh: ss: not found\n"}`)
	snap, err := Build([]string{dir}, bundle.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Nodes) != 2 {
		t.Fatalf("nodes = %v", snap.Nodes)
	}
	want := map[string]map[string]string{
		"node-a": {"ipset.txt": "ipset list: command not found: sh: 1: ipset: not found", "ss-listen.txt": "not in the bundle"},
		"node-b": {"ipset.txt": "not in the bundle", "ss-listen.txt": "ss -Hlntu: command not found: sh: ss: not found"},
	}
	seen := 0
	for _, n := range snap.Nodes {
		for _, m := range n.Missing {
			w, ok := want[n.Name][m.Name]
			if !ok {
				continue
			}
			seen++
			if m.Reason != w {
				t.Errorf("%s %s missing: %q, want %q", n.Name, m.Name, m.Reason, w)
			}
		}
	}
	if seen != 4 {
		t.Errorf("missing lists %d of the 4 captures wanted", seen)
	}
}

// TestBuildClusterNewestWins: for an object several bundles hold, the copy
// of the bundle created last wins, whatever the argument order.
func TestBuildClusterNewestWins(t *testing.T) {
	older := layout(t, "2026-11-25T10:00:00Z", "node-a", map[string]string{"cluster/services.yaml": fmt.Sprintf(services, "10.96.0.50")})
	newer := layout(t, "2026-11-25T11:00:00Z", "node-b", map[string]string{"cluster/services.yaml": fmt.Sprintf(services, "10.96.0.99")})
	for _, args := range [][]string{{older, newer}, {newer, older}} {
		snap, err := Build(args, bundle.Options{})
		if err != nil {
			t.Fatal(err)
		}
		svcs := snap.Cluster.Objects.Services
		if len(svcs) != 1 || svcs[0].Spec.ClusterIP != "10.96.0.99" {
			t.Errorf("args %v: services = %+v", args, svcs)
		}
	}
}

func TestBuildInvalidCapture(t *testing.T) {
	files := nodeFiles("node-a")
	files["nodes/node-a/ipvsadm.txt"] = "hello world\n"
	dir := layout(t, "2026-11-25T10:00:00Z", "node-a", files)
	snap, err := Build([]string{dir}, bundle.Options{})
	want := dir + ": nodes/node-a/ipvsadm.txt:1: not ipvsadm output: \"hello world\""
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v, want %s", err, want)
	}
	if snap == nil {
		t.Fatal("no snapshot with a capture error")
	}
	if c := findCapture(snap.Nodes[0].Captures, "ipvsadm.txt"); c.Status != StatusInvalid {
		t.Errorf("status = %q", c.Status)
	}
}

func TestBuildRefusedArchive(t *testing.T) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	tw.WriteHeader(&tar.Header{Name: "../evil", Mode: 0o644, Size: 1, Typeflag: tar.TypeReg})
	tw.Write([]byte("x"))
	tw.Close()
	zw.Close()
	p := filepath.Join(t.TempDir(), "evil.tgz")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	snap, err := Build([]string{p}, bundle.Options{})
	if snap != nil || err == nil || !strings.Contains(err.Error(), `entry "../evil": refused`) {
		t.Errorf("snap = %v, err = %v", snap, err)
	}
}

// TestBundleRedacted: a bundle is redacted when its manifest says so;
// loose captures have no manifest and are not.
func TestBundleRedacted(t *testing.T) {
	files := nodeFiles("node-a")
	plain := layout(t, "2026-11-25T10:00:00Z", "node-a", files)
	redacted := t.TempDir()
	withManifest := maps.Clone(files)
	withManifest["manifest.json"] = strings.Replace(manifest("2026-11-25T10:00:00Z", "node-a", files), `{"format"`, `{"redacted": true, "format"`, 1)
	writeTree(t, redacted, withManifest)
	loose := t.TempDir()
	writeTree(t, loose, map[string]string{"ip-addr.txt": ipAddr})
	for _, tt := range []struct {
		name string
		dir  string
		want bool
	}{{"plain", plain, false}, {"redacted", redacted, true}, {"loose", loose, false}} {
		snap, err := Build([]string{tt.dir}, bundle.Options{Node: "node-a"})
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got := snap.Bundles[0].Redacted(); got != tt.want {
			t.Errorf("%s: Redacted() = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestHoldStarvedReader holds the conntrack captures of two nodes whose
// addresses are not known yet, while the archive reader has no room left:
// node-a's capture fills the whole budget of pieces and waits for the
// capture before it, and node-b's waits for bytes the archive reader can
// hand over only once node-a's are read. Neither may keep the other from
// being held (Build hung so on a large bundle).
func TestHoldStarvedReader(t *testing.T) {
	b := &builder{nodes: map[string]*Node{}, cluster: &Cluster{}, objects: map[objectKey]objectEntry{}}
	ps := newPieces(1)
	newTask := func(node string, prev chan struct{}) *task {
		return &task{capt: &Capture{Path: "nodes/" + node + "/conntrack.txt", Line: 1, Kind: bundle.KindConntrack},
			node: newNode(node), in: newPipe(ps), prev: prev, applied: make(chan struct{})}
	}
	prevA := make(chan struct{})
	a, bt := newTask("node-a", prevA), newTask("node-b", nil)
	go b.run(a)
	if err := a.in.fill(strings.NewReader(conntrackTable)); err != nil { // takes the only piece
		t.Fatal(err)
	}
	go b.run(bt)
	go bt.in.fill(strings.NewReader(conntrackTable)) // waits for node-a's piece
	time.Sleep(50 * time.Millisecond)                // node-b's capture is being held
	close(prevA)
	for _, tk := range []*task{a, bt} {
		select {
		case <-tk.applied:
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: not held after 10s", tk.capt.Path)
		}
		if d := tk.node.deferred; len(d) != 1 || string(d[0].data) != conntrackTable || tk.capt.Status != StatusOK {
			t.Errorf("%s: status %s, held %+v", tk.capt.Path, tk.capt.Status, d)
		}
	}
	if b.held != int64(2*len(conntrackTable)) {
		t.Errorf("held %d bytes, want %d", b.held, 2*len(conntrackTable))
	}
}
