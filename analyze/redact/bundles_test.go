package redact

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/ipvslint/ipvslint/analyze/bundle"
	"github.com/ipvslint/ipvslint/analyze/engine"
	"github.com/ipvslint/ipvslint/analyze/input"
	"github.com/ipvslint/ipvslint/analyze/kube"
	"github.com/ipvslint/ipvslint/analyze/report"
	"github.com/ipvslint/ipvslint/analyze/snapshot"
	"github.com/ipvslint/ipvslint/analyze/source"
	"github.com/ipvslint/ipvslint/internal/examples"
)

// exampleDirs are the directories of the example bundles of the repository.
func exampleDirs(t *testing.T) []string {
	t.Helper()
	var dirs []string
	for _, name := range examples.Names(t) {
		dirs = append(dirs, filepath.Join(examples.Dir(t), name))
	}
	return dirs
}

// redactTo redacts dir with the test key into a .tar.gz in a temporary
// folder and returns its path and the map.
func redactTo(t *testing.T, dir string) (string, *Map) {
	t.Helper()
	m := &Map{Format: MapFormat, Key: strings.Repeat("5a17c308", 8)}
	r, err := New(m)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Collect(dir, bundle.Options{}); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "redacted.tar.gz")
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Write(dir, bundle.Options{}, t.TempDir(), f); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return out, r.Finish()
}

// analyse evaluates the built-in rules over a bundle, as analyze does.
func analyse(t *testing.T, eng *engine.Engine, arg string) *report.Analysis {
	t.Helper()
	a := examples.Analyse(t, eng, arg, input.Options{})
	return report.AnalysisOf(a.Document, a.Findings)
}

// TestExamplesStayTrue is the property of redaction: for every example
// bundle, analyze on the redacted copy gives the same findings (rule and
// severity, one for one, so the same counts), the JSON report unredacted
// with the map is the original's findings exactly (node, Service, target,
// message and evidence files), the redacted manifest is marked and its
// checksums hold (the reader warns of nothing the original does not), and
// no name or address of the original is left in the archive's bytes.
func TestExamplesStayTrue(t *testing.T) {
	eng, err := engine.New(engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range exampleDirs(t) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			staysTrue(t, eng, dir)
		})
	}
}

// TestClusterBundleStaysTrue checks the property on a bundle as the
// cluster collector writes it: the nodes it tried, one of them failed with
// its debug pod named in the error, and the node of every file. Besides
// the findings, what inspect tells of every node (its captures missing and
// why, the reader's warnings) stays true, and no node name is left
// anywhere in the redacted archive, not even inside a longer word.
func TestClusterBundleStaysTrue(t *testing.T) {
	eng, err := engine.New(engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir, nodes := clusterBundle(t, filepath.Join(examples.Dir(t), "healthy"), "edge-7")
	out, m := staysTrue(t, eng, dir)
	got, want := unredacted(t, m, inspected(t, out)), inspected(t, dir)
	slices.Sort(got) // nodes in the order of their names
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("redacted copy inspected, unredacted:\n%s\nthe original:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for path, content := range unpack(t, out) {
		for _, n := range nodes {
			if bytes.Contains(content, []byte(n)) {
				t.Errorf("%s still holds node name %q", path, n)
			}
		}
	}
}

// staysTrue checks the property of redaction on the bundle dir and
// returns the redacted copy and the map.
func staysTrue(t *testing.T, eng *engine.Engine, dir string) (string, *Map) {
	t.Helper()
	out, m := redactTo(t, dir)
	orig, red := analyse(t, eng, dir), analyse(t, eng, out)
	if got, want := severities(red), severities(orig); !slices.Equal(got, want) {
		t.Errorf("redacted copy finds\n%s\nthe original\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if red.Summary != orig.Summary {
		t.Errorf("summary %+v, original %+v", red.Summary, orig.Summary)
	}
	var js, back bytes.Buffer
	if err := report.AnalysisJSON(&js, red); err != nil {
		t.Fatal(err)
	}
	if err := m.UnredactJSON(&js, &back); err != nil {
		t.Fatal(err)
	}
	var restored report.Analysis
	if err := json.Unmarshal(back.Bytes(), &restored); err != nil {
		t.Fatal(err)
	}
	if got, want := described(&restored), described(orig); !slices.Equal(got, want) {
		t.Errorf("unredacted report finds\n%s\nthe original\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	data := unpack(t, out)
	checkManifest(t, data)
	if got, want := unredacted(t, m, readWarnings(t, out)), readWarnings(t, dir); !slices.Equal(got, want) {
		t.Errorf("the reader warns of the redacted copy, unredacted:\n%s\nof the original:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, s := range identifying(t, dir) {
		for path, content := range data {
			if containsWord(content, s) {
				t.Errorf("%s still holds %q", path, s)
			}
		}
	}
	return out, m
}

// clusterBundle returns a copy of the one-node-manifest bundle dir as the
// cluster collector writes it, and the names of its nodes: every node of
// dir collected, with a command not found on each, and failed, collected
// by nothing.
func clusterBundle(t *testing.T, dir, failed string) (string, []string) {
	t.Helper()
	out := t.TempDir()
	err := os.CopyFS(out, os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	var m bundle.Manifest
	data, err := os.ReadFile(filepath.Join(out, bundle.ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	m.Collector.Name, m.Node = "ipvslint-collect-cluster", ""
	entries, err := os.ReadDir(filepath.Join(out, bundle.NodesDir))
	if err != nil {
		t.Fatal(err)
	}
	var nodes []string
	for _, e := range entries {
		nodes = append(nodes, e.Name())
		m.Nodes = append(m.Nodes, bundle.ManifestNode{Name: e.Name(), Status: "ok"})
		m.Files = append(m.Files, bundle.ManifestFile{Node: e.Name(), Command: "conntrack -S", ExitCode: 127, StartedAt: m.CreatedAt})
	}
	for i, f := range m.Files {
		if node, _, ok := strings.Cut(strings.TrimPrefix(f.Path, bundle.NodesDir+"/"), "/"); ok {
			m.Files[i].Node = node
		}
	}
	m.Nodes = append(m.Nodes, bundle.ManifestNode{Name: failed, Status: "failed",
		Error: `kubectl debug failed with exit code 1: Error from server (Forbidden): pods "node-debugger-` + failed + `-x7k2p" is forbidden`})
	if data, err = json.Marshal(m); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, bundle.ManifestName), data, 0o644); err != nil {
		t.Fatal(err)
	}
	return out, append(nodes, failed)
}

// inspected describes what inspect tells of every node of the bundle arg:
// its name, then each capture missing and why.
func inspected(t *testing.T, arg string) []string {
	t.Helper()
	snap, err := snapshot.Build([]string{arg}, bundle.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, n := range report.Inspect(snap, nil).Nodes {
		out = append(out, "node "+n.Name)
		for _, m := range n.Missing {
			out = append(out, fmt.Sprintf("%s missing %s (%s, required %v): %s", n.Name, m.Name, m.Command, m.Required, m.Reason))
		}
	}
	return out
}

// readWarnings lists the warnings of the bundle reader and the parsers on
// the bundle arg.
func readWarnings(t *testing.T, arg string) []string {
	t.Helper()
	snap, err := snapshot.Build([]string{arg}, bundle.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, w := range report.ReadWarnings(snap) {
		out = append(out, w.Node+" "+w.String())
	}
	return out
}

// unredacted returns the lines with the tokens and mapped addresses of m
// turned back into the real ones, node tokens inside longer words too.
func unredacted(t *testing.T, m *Map, lines []string) []string {
	t.Helper()
	var out []string
	for _, l := range lines {
		s, err := m.Unredact(l)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range m.Names {
			if n.Kind == KindNode {
				s = strings.ReplaceAll(s, "-"+n.Token+"-", "-"+n.Name+"-")
			}
		}
		out = append(out, s)
	}
	return out
}

// severities lists "rule severity" of every finding, sorted.
func severities(a *report.Analysis) []string {
	var out []string
	for _, f := range a.Findings {
		out = append(out, f.Rule+" "+string(f.Severity))
	}
	slices.Sort(out)
	return out
}

// described lists every finding with what it says and where, sorted.
func described(a *report.Analysis) []string {
	var out []string
	for _, f := range a.Findings {
		s := strings.Join([]string{f.Rule, string(f.Severity), f.Node, f.Service, f.Target, f.Message}, " | ")
		for _, e := range f.Evidence {
			s += " | " + e.File
		}
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

// unpack returns the files of a .tar.gz by name.
func unpack(t *testing.T, path string) map[string][]byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	tr := tar.NewReader(zr)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return files
		}
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		files[hdr.Name] = data
	}
}

// checkManifest checks that the redacted manifest says so and that the
// sizes it gives hold.
func checkManifest(t *testing.T, files map[string][]byte) {
	t.Helper()
	var m bundle.Manifest
	if err := json.Unmarshal(files[bundle.ManifestName], &m); err != nil {
		t.Fatal(err)
	}
	if !m.Redacted {
		t.Error("manifest.json: redacted is false")
	}
	for _, f := range m.Files {
		if content, ok := files[f.Path]; ok && int64(len(content)) != f.Bytes {
			t.Errorf("%s: %d bytes, manifest says %d", f.Path, len(content), f.Bytes)
		}
	}
}

// addrPattern finds the address candidates of a text, for the leak check:
// deliberately not the scanner under test.
var addrPattern = regexp.MustCompile(`[0-9A-Fa-f:.]*[:.][0-9A-Fa-f:.]*`)

// yamlKey finds the keys of YAML mappings, one a line.
var yamlKey = regexp.MustCompile(`(?m)^[ \t-]*"?([^"\s][^"]*?)"?:(?:\s|$)`)

// identifying lists what the original bundle in dir holds that must not
// leave: its names, read by the Kubernetes parser from the name-bearing
// fields, its node folders and hostnames, and every address outside the
// special ranges. Generic names are skipped: the namespaces and names of
// the cluster's own components (kube-system, kubernetes, kube-dns,
// terway-eniip-...), label values that name no one (architectures,
// zones, hashes), words the rules read (true, ipvs, local...) and words
// that are keys of the YAML too (node-role.kubernetes.io/control-plane).
func identifying(t *testing.T, dir string) []string {
	t.Helper()
	found, keys := map[string]bool{}, map[string]bool{}
	add := func(ns, name string) {
		switch {
		case !nameLike(name), genericNames[name], systemNamespaces[name], keptWords[strings.ToLower(name)], systemName(ns, name):
		default:
			found[name] = true
		}
	}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == "want" {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, s := range addrPattern.FindAllString(string(data), -1) {
			for _, c := range []string{s, strings.Trim(s, ".:")} {
				if a, err := netip.ParseAddr(c); err == nil && !Special(a) {
					found[c] = true
				}
			}
		}
		rel, _ := filepath.Rel(dir, path)
		parts := strings.Split(filepath.ToSlash(rel), "/")
		switch {
		case len(parts) == 3 && parts[0] == "nodes":
			add("", parts[1])
			if parts[2] == "uname.txt" {
				if f := strings.Fields(string(data)); len(f) > 1 {
					add("", f[1])
				}
			}
		case parts[0] == "cluster" && strings.HasSuffix(path, ".yaml"):
			for _, k := range yamlKey.FindAllStringSubmatch(string(data), -1) {
				for _, r := range runs(k[1]) {
					keys[r] = true
				}
			}
			o, err := kube.Parse(bytes.NewReader(data), kubePos(rel))
			if err != nil {
				return err
			}
			kubeNames(o, add)
			return podNames(data, kubePos(rel), add)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for s := range found {
		if !keys[s] {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out
}

func kubePos(rel string) source.Pos { return source.Pos{File: filepath.ToSlash(rel), Line: 1} }

// kubeNames hands add every name of the objects but Pods (see podNames),
// with its namespace.
func kubeNames(o *kube.Objects, add func(ns, name string)) {
	for _, s := range o.Services {
		metaNames(add, s.Namespace, s.Name, s.Labels, s.Annotations)
		for _, v := range s.Spec.Selector {
			add(s.Namespace, v)
		}
		add("", s.Spec.ExternalName)
		for _, ing := range s.Status.LoadBalancer.Ingress {
			add("", ing.Hostname)
		}
	}
	for _, n := range o.Nodes {
		metaNames(add, "", n.Name, n.Labels, n.Annotations)
		for _, r := range runs(n.Spec.ProviderID) {
			if idLike(r) {
				add("", r)
			}
		}
		for _, a := range n.Status.Addresses {
			add("", a.Address)
		}
	}
	for _, s := range o.EndpointSlices {
		metaNames(add, s.Namespace, s.Name, s.Labels, s.Annotations)
		for _, e := range s.Endpoints {
			add("", deref(e.NodeName))
			add("", deref(e.Hostname))
			if e.TargetRef != nil {
				add(e.TargetRef.Namespace, e.TargetRef.Name)
			}
		}
	}
	if o.ProxyConfig != nil {
		add("", o.ProxyConfig.HostnameOverride)
	}
}

// podNames hands add every name of the Pods of a capture, with its
// namespace. The Pods are read whole: the parser keeps only the few fields
// of a Pod the rules use.
func podNames(data []byte, at source.Pos, add func(ns, name string)) error {
	return kube.Each(bytes.NewReader(data), at, func(_ source.Pos, obj []byte) error {
		var kind struct{ Kind string }
		if err := json.Unmarshal(obj, &kind); err != nil || kind.Kind != "Pod" {
			return err
		}
		var p corev1.Pod
		if err := json.Unmarshal(obj, &p); err != nil {
			return err
		}
		metaNames(add, p.Namespace, p.Name, p.Labels, p.Annotations)
		for _, ref := range p.OwnerReferences {
			add(p.Namespace, ref.Name)
		}
		add("", p.Spec.NodeName)
		add("", p.Spec.Hostname)
		return nil
	})
}

// metaNames hands add the names of an object's metadata: its namespace,
// name, label values and the hostnames and IDs of its annotations.
func metaNames(add func(ns, name string), ns, name string, labels, annotations map[string]string) {
	add("", ns)
	add(ns, name)
	for k, v := range labels {
		if !keptLabelKeys[k] {
			add(ns, v)
		}
	}
	for k, v := range annotations {
		last := k[strings.LastIndexByte(k, '/')+1:]
		if strings.Contains(last, "hostname") || strings.HasSuffix(last, "id") {
			for _, r := range runs(v) {
				add(ns, r)
			}
		}
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// containsWord reports whether s appears in data as a whole word: not
// next to a letter, digit, '-', '_' or (for addresses) '.' or ':'.
func containsWord(data []byte, s string) bool {
	for i := 0; ; {
		k := bytes.Index(data[i:], []byte(s))
		if k < 0 {
			return false
		}
		start, end := i+k, i+k+len(s)
		before := start == 0 || !wordByte(data[start-1], s)
		after := end == len(data) || !wordByte(data[end], s)
		if before && after {
			return true
		}
		i = start + 1
	}
}

// wordByte reports whether c continues a word: for an address, a '.' or
// ':' does not (10.0.0.1:80), but "10.0.0.1.5" is another thing.
func wordByte(c byte, s string) bool {
	if _, err := netip.ParseAddr(s); err == nil && (c == ':' || c == '.') {
		return false
	}
	return isRun(c)
}
