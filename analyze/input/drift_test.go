package input

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ipvslint/ipvslint/analyze/bundle"
	"github.com/ipvslint/ipvslint/analyze/snapshot"
	"github.com/ipvslint/ipvslint/internal/gen"
)

// drifted writes a generated cluster whose node-1 has drifted from what
// kube-proxy programs, in each way the model lists, and returns its
// snapshot: one virtual service is deleted, a real server of another is
// replaced by an address that is no endpoint, a third has weight 0, a fourth
// loses all its real servers, an unknown virtual service and an unknown
// kube-ipvs0 address are added, and one ClusterIP is taken off kube-ipvs0.
func drifted(t *testing.T) (*snapshot.Snapshot, map[string]string) {
	t.Helper()
	g, err := gen.New(gen.Config{Nodes: 2, Services: 40, Flows: 200, OtherFlows: 20, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := g.WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	node := filepath.Join(dir, "nodes", "node-1")
	ipvsadm := read(t, filepath.Join(node, "ipvsadm.txt"))
	service := regexp.MustCompile(`(?m)^TCP  (10\.9[6-9]\.\d+\.\d+):(\d+) rr\n((?:  -> .*\n)+)`)
	vss := service.FindAllStringSubmatch(ipvsadm, -1)
	if len(vss) < 6 {
		t.Fatalf("only %d ClusterIP virtual services with real servers", len(vss))
	}
	what := map[string]string{
		"deleted": vss[1][1] + ":" + vss[1][2], "stale": vss[2][1] + ":" + vss[2][2],
		"draining": vss[3][1] + ":" + vss[3][2], "empty": vss[4][1] + ":" + vss[4][2], "unbound": vss[5][1],
	}
	firstRS := func(rss string) string { return strings.SplitAfter(rss, "\n")[0] }
	weight := regexp.MustCompile(`(Masq\s+)1(\s+)\d+(\s+)\d+`)
	ipvsadm = strings.Replace(ipvsadm, vss[1][0], "", 1)
	ipvsadm = strings.Replace(ipvsadm, firstRS(vss[2][3]), "  -> 10.250.0.9:8080                Masq    1      0          0\n", 1)
	ipvsadm = strings.Replace(ipvsadm, firstRS(vss[3][3]), weight.ReplaceAllString(firstRS(vss[3][3]), "${1}0${2}2${3}1"), 1)
	ipvsadm = strings.Replace(ipvsadm, vss[4][3], "", 1)
	ipvsadm = strings.Replace(ipvsadm, "TCP  ", "TCP  10.111.0.7:80 rr\nTCP  ", 1)
	write(t, filepath.Join(node, "ipvsadm.txt"), ipvsadm)
	ipAddr := read(t, filepath.Join(node, "ip-addr.txt"))
	bound := regexp.MustCompile(`(?m)^    inet ` + regexp.QuoteMeta(what["unbound"]) + `/32 .*\n(    .*valid_lft.*\n)?`)
	if !bound.MatchString(ipAddr) {
		t.Fatalf("%s is not on kube-ipvs0", what["unbound"])
	}
	ipAddr = bound.ReplaceAllString(ipAddr, "    inet 10.112.0.9/32 scope global kube-ipvs0\n       valid_lft forever preferred_lft forever\n")
	write(t, filepath.Join(node, "ip-addr.txt"), ipAddr)
	s, err := snapshot.Build([]string{dir}, bundle.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s, what
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func write(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestDrift checks that each kind of drift of a generated cluster shows in
// the model's differences of the node it happened on, and nowhere else,
// and that the document with every list filled follows the schema.
func TestDrift(t *testing.T) {
	s, what := drifted(t)
	doc, err := Build(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	d := doc.Nodes["node-1"].Diff
	has := func(list string, ok bool) {
		t.Helper()
		if !ok {
			t.Errorf("diff.%s does not show the drift (%v)", list, what)
		}
	}
	has("missingVirtualServers", anyOf(d.MissingVirtualServers, func(m MissingVirtualServer) bool { return m.Key == "TCP/"+what["deleted"] }))
	has("staleRealServers", anyOf(d.StaleRealServers, func(m StaleRealServer) bool {
		return m.IP == "10.250.0.9" && m.State == StaleNoEndpoint && m.Entries[0].VS.Key == "TCP/"+what["stale"]
	}))
	has("missingRealServers", anyOf(d.MissingRealServers, func(m MissingRealServer) bool { return m.VirtualServers[0].Key == "TCP/"+what["stale"] }))
	has("drainingRealServers", anyOf(d.DrainingRealServers, func(m DrainingRealServer) bool {
		return m.Entries[0].VS.Key == "TCP/"+what["draining"] && m.ReadyEndpoint && m.Policy == PolicyListed
	}))
	has("emptyVirtualServers", anyOf(d.EmptyVirtualServers, func(m EmptyVirtualServer) bool { return m.Key == "TCP/"+what["empty"] && len(m.Expected) > 0 }))
	has("orphanVirtualServers", anyOf(d.OrphanVirtualServers, func(m OrphanVirtualServer) bool { return m.Key == "TCP/10.111.0.7:80" }))
	has("orphanAddresses", anyOf(d.OrphanAddresses, func(m OrphanAddress) bool { return m.IP == "10.112.0.9" }))
	has("unboundAddresses", anyOf(d.UnboundAddresses, func(m UnboundAddress) bool { return m.IP == what["unbound"] }))
	if other := doc.Nodes["node-2"].Diff; len(other.MissingVirtualServers)+len(other.StaleRealServers)+len(other.OrphanAddresses)+len(other.UnboundAddresses) > 0 {
		t.Errorf("node-2 did not drift, yet: %+v", other)
	}
	for _, e := range violations(t, doc) {
		t.Error(e)
	}
}

// anyOf reports whether some element of list satisfies ok.
func anyOf[T any](list []T, ok func(T) bool) bool {
	for _, x := range list {
		if ok(x) {
			return true
		}
	}
	return false
}
