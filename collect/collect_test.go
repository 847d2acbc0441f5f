package collect

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"text/template"
	"time"

	"github.com/ipvslint/ipvslint/analyze/bundle"
	"github.com/ipvslint/ipvslint/analyze/source"
	"github.com/ipvslint/ipvslint/analyze/sysctl"
	"github.com/ipvslint/ipvslint/internal/testbin"
	"github.com/ipvslint/ipvslint/internal/testref"
)

// canary is the secret-looking value testdata/cluster/pods.json carries in
// an env var, a volume, container args and the last-applied annotation.
const canary = "CANARY-s3cr3t-9f2c"

// fakeKubectlEnv names the fixture folder when the test binary runs as the
// kubectl shim (a symlink named kubectl to the test binary).
const fakeKubectlEnv = "IPVSLINT_FAKE_KUBECTL"

// ipvslintBin is the ipvslint binary built once for all tests.
var ipvslintBin string

func TestMain(m *testing.M) {
	if dir := os.Getenv(fakeKubectlEnv); dir != "" && filepath.Base(os.Args[0]) == "kubectl" {
		os.Exit(fakeKubectl(dir, os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(testbin.Run(m, "../cmd/ipvslint", &ipvslintBin))
}

// fakeKubectl answers the kubectl calls of collect.sh from the fixtures in
// dir. Like kubectl, it evaluates -o go-template over the full objects (JSON
// decoded into generic values), so the template is what keeps secrets out.
// Every call's arguments are appended to $IPVSLINT_FAKE_KUBECTL_LOG; with
// $IPVSLINT_FAKE_KUBECTL_DOWN set it fails as with no reachable API server.
func fakeKubectl(dir string, args []string, stdout, stderr io.Writer) int {
	if log := os.Getenv(fakeKubectlEnv + "_LOG"); log != "" {
		f, err := os.OpenFile(log, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
		if err == nil {
			fmt.Fprintln(f, strings.ReplaceAll(strings.Join(args, " "), "\n", `\n`))
			f.Close()
		}
	}
	if os.Getenv(fakeKubectlEnv+"_DOWN") != "" {
		fmt.Fprintln(stderr, "The connection to the server localhost:8080 was refused - did you specify the right host or port?")
		return 1
	}
	var rest []string
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "--kubeconfig" || a == "--context":
			i++
		case strings.HasPrefix(a, "--request-timeout="):
		default:
			rest = append(rest, a)
		}
	}
	cmd := strings.Join(rest, " ")
	files := map[string]string{
		"version -o json":                                 "version.json",
		"get services -A -o yaml":                         "services.yaml",
		"get endpointslices -A -o yaml":                   "endpointslices.yaml",
		"get endpoints -A -o yaml":                        "endpoints.yaml",
		"get nodes -o yaml":                               "nodes.yaml",
		"-n kube-system get configmap kube-proxy -o yaml": "kube-proxy-config.yaml",
	}
	if name, ok := files[cmd]; ok {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		stdout.Write(data)
		return 0
	}
	if text, ok := strings.CutPrefix(cmd, "get pods -A -o go-template="); ok {
		data, err := os.ReadFile(filepath.Join(dir, "pods.json"))
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		var list any
		if err := json.Unmarshal(data, &list); err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		tmpl, err := template.New("output").Parse(text)
		if err == nil {
			err = tmpl.Execute(stdout, list)
		}
		if err != nil {
			fmt.Fprintln(stderr, "error:", err)
			return 1
		}
		return 0
	}
	fmt.Fprintf(stderr, "fake kubectl: unexpected call: %s\n", cmd)
	return 1
}

// shell is a POSIX shell to run collect.sh with.
type shell struct {
	name string
	argv []string // the shell command, to which the script and its arguments are appended
	// busybox puts only busybox applets (without timeout) before the shims'
	// folder in PATH, as on a minimal image.
	busybox bool
}

// shells returns the shells present on this machine; dash and busybox sh
// are skipped with a log line when absent.
func shells(t *testing.T) []shell {
	all := []shell{
		{name: "dash", argv: []string{"dash"}},
		{name: "busybox", argv: []string{"busybox", "sh"}, busybox: true},
	}
	var have []shell
	for _, s := range all {
		if _, err := exec.LookPath(s.argv[0]); err != nil {
			t.Logf("%s not installed: not run under it", s.name)
			continue
		}
		have = append(have, s)
	}
	if len(have) == 0 {
		t.Skip("neither dash nor busybox installed")
	}
	return have
}

// env describes one run of collect.sh, or of collect-cluster.sh when
// cluster is set.
type env struct {
	sh      shell
	shims   map[string]string // extra shims: name -> sh script body
	drop    []string          // shims of testdata/shims not to install
	real    bool              // no shims at all: the host's tools
	netns   string            // network namespace to run in ("" for the test's own)
	noPath  bool              // PATH holds only the shims and a folder of the host's tools without timeout(1)
	vars    []string          // more environment variables
	cluster *fakeCluster      // run collect-cluster.sh, as ipvslint prints it, against this cluster
	script  string            // the script to run instead
}

// result is what a run of collect.sh left.
type result struct {
	stdout, stderr string
	code           int
	elapsed        time.Duration
	dir            string // the working directory of the run
	state          string // the fake cluster's state folder (collect-cluster.sh)
}

// runScript runs collect.sh (or collect-cluster.sh) with args under e, in a
// fresh working folder, with the shims of testdata/shims, the fake kubectl
// and e.shims first in PATH.
func runScript(t *testing.T, e env, args ...string) result {
	t.Helper()
	cmd, r := scriptCmd(t, e, args...)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	stop := context.AfterFunc(ctx, func() { cmd.Process.Kill() })
	defer stop()
	cmd.WaitDelay = 5 * time.Second // children that outlive a killed script
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	r.stdout, r.stderr, r.elapsed = stdout.String(), stderr.String(), time.Since(start)
	var ee *exec.ExitError
	switch {
	case ctx.Err() != nil:
		t.Fatalf("the script still runs after 60 s; stderr:\n%s", r.stderr)
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return r
}

// scriptCmd prepares a run of the script under e (see [runScript]); the
// result holds the folders of the run.
func scriptCmd(t *testing.T, e env, args ...string) (*exec.Cmd, result) {
	t.Helper()
	shimDir := t.TempDir()
	entries, err := os.ReadDir(filepath.Join("testdata", "shims"))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range entries {
		if slices.Contains(e.drop, d.Name()) {
			continue
		}
		data, err := os.ReadFile(filepath.Join("testdata", "shims", d.Name()))
		if err != nil {
			t.Fatal(err)
		}
		writeExec(t, filepath.Join(shimDir, d.Name()), string(data))
	}
	for name, body := range e.shims {
		writeExec(t, filepath.Join(shimDir, name), "#!/bin/sh\n"+body+"\n")
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	fixtures, err := filepath.Abs(filepath.Join("testdata", "cluster"))
	if err != nil {
		t.Fatal(err)
	}
	script, err := filepath.Abs("collect.sh")
	if err != nil {
		t.Fatal(err)
	}
	var r result
	vars := []string{"REFERENCE=" + testref.Dir(t), fakeKubectlEnv + "=" + fixtures}
	if e.cluster == nil {
		if err := os.Symlink(self, filepath.Join(shimDir, "kubectl")); err != nil {
			t.Fatal(err)
		}
	} else {
		script = filepath.Join(t.TempDir(), "collect-cluster.sh")
		if err := os.WriteFile(script, ClusterScript(), 0o644); err != nil {
			t.Fatal(err)
		}
		r.state = t.TempDir()
		vars = append(vars, e.cluster.install(t, self, shimDir, r.state)...)
	}
	if e.script != "" {
		script = e.script
	}
	path := shimDir + string(os.PathListSeparator) + os.Getenv("PATH")
	switch {
	case e.real:
		path = os.Getenv("PATH")
	case e.sh.busybox:
		path = shimDir + string(os.PathListSeparator) + busyboxDir(t)
	case e.noPath:
		path = shimDir + string(os.PathListSeparator) + hostToolDir(t)
	}
	var argv []string
	if e.netns != "" {
		argv = []string{"ip", "netns", "exec", e.netns}
	}
	argv = append(argv, e.sh.argv...)
	argv = append(argv, script)
	argv = append(argv, args...)
	prog, err := exec.LookPath(argv[0])
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(prog, argv[1:]...)
	r.dir = t.TempDir()
	cmd.Dir = r.dir
	cmd.Env = append(os.Environ(), "PATH="+path)
	cmd.Env = append(cmd.Env, vars...)
	cmd.Env = append(cmd.Env, e.vars...)
	return cmd, r
}

// check checks the run's exit code, and its stdout and stderr against
// regular expressions.
func (r result) check(t *testing.T, code int, stdout, stderr string) {
	t.Helper()
	if r.code != code {
		t.Errorf("exit code %d, want %d; stderr:\n%s", r.code, code, r.stderr)
	}
	if !regexp.MustCompile(stdout).MatchString(r.stdout) {
		t.Errorf("stdout %q, want match of %q", r.stdout, stdout)
	}
	if !regexp.MustCompile(stderr).MatchString(r.stderr) {
		t.Errorf("stderr %q, want match of %q", r.stderr, stderr)
	}
}

func writeExec(t *testing.T, name, body string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
}

// busyboxDir returns a folder of links to every busybox applet but
// timeout, so that the script runs with busybox tools and its own timer.
func busyboxDir(t *testing.T) string {
	t.Helper()
	bb, err := exec.LookPath("busybox")
	if err != nil {
		t.Fatal(err)
	}
	list, err := exec.Command(bb, "--list").Output()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, name := range strings.Fields(string(list)) {
		if name == "timeout" || strings.Contains(name, "/") {
			continue
		}
		if err := os.Symlink(bb, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// hostToolDir returns a folder of links to the host tools collect.sh uses,
// but not timeout(1).
func hostToolDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"awk", "cat", "date", "dd", "gzip", "id", "mkdir", "mktemp", "mv", "rm", "sha256sum", "sleep", "tar", "tr", "uname", "wc"} {
		p, err := exec.LookPath(name)
		if err != nil {
			t.Skipf("%s not installed", name)
		}
		if err := os.Symlink(p, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// tarball is a bundle read back from the tar.gz the script wrote.
type tarball struct {
	top      string            // the wrapping folder
	names    []string          // entry paths relative to top, in archive order
	files    map[string][]byte // by path relative to top
	manifest bundle.Manifest
}

func readTarball(t *testing.T, data []byte) *tarball {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	tb := &tarball{files: map[string][]byte{}}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeDir {
			continue
		}
		if h.Typeflag != tar.TypeReg {
			t.Errorf("entry %s: type %q, want a regular file", h.Name, h.Typeflag)
		}
		top, rel, ok := strings.Cut(h.Name, "/")
		if !ok || (tb.top != "" && top != tb.top) {
			t.Fatalf("entry %s: not under one top folder %q", h.Name, tb.top)
		}
		tb.top = top
		body, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		tb.names = append(tb.names, rel)
		tb.files[rel] = body
	}
	if err := json.Unmarshal(tb.files[bundle.ManifestName], &tb.manifest); err != nil {
		t.Fatalf("manifest.json: %v\n%s", err, tb.files[bundle.ManifestName])
	}
	return tb
}

// entry returns the manifest's record of path.
func (tb *tarball) entry(t *testing.T, path string) bundle.ManifestFile {
	t.Helper()
	for _, f := range tb.manifest.Files {
		if f.Path == path {
			return f
		}
	}
	t.Fatalf("manifest.json has no entry for %s", path)
	return bundle.ManifestFile{}
}

// checkFiles checks every file entry of the manifest against the tarball:
// bytes, sha256, the layout's command, times; commands not found have no
// file.
func (tb *tarball) checkFiles(t *testing.T) {
	t.Helper()
	for _, f := range tb.manifest.Files {
		if f.ExitCode == 127 && f.Path == "" {
			if f.Bytes != 0 || f.SHA256 != "" || f.DurationMs != 0 {
				t.Errorf("%s: not found, yet %+v", f.Command, f)
			}
			continue
		}
		body, ok := tb.files[f.Path]
		sum := sha256.Sum256(body)
		switch {
		case !ok:
			t.Errorf("%s (%s): in manifest.json, not in the tarball", f.Path, f.Command)
		case f.Bytes != int64(len(body)):
			t.Errorf("%s: bytes %d, file has %d", f.Path, f.Bytes, len(body))
		case f.SHA256 != hex.EncodeToString(sum[:]):
			t.Errorf("%s: sha256 %s, file has %x", f.Path, f.SHA256, sum)
		}
		if f.Command != layoutCommand(f.Path) {
			t.Errorf("%s: command %q, layout.go says %q", f.Path, f.Command, layoutCommand(f.Path))
		}
		if f.StartedAt.IsZero() || f.DurationMs < 0 {
			t.Errorf("%s: startedAt %v, durationMs %d", f.Path, f.StartedAt, f.DurationMs)
		}
	}
}

// wroteTarball checks the one line the script prints and returns the
// tarball it names.
func wroteTarball(t *testing.T, r result, node string) *tarball {
	t.Helper()
	if r.code != 0 {
		t.Fatalf("exit code %d; stderr:\n%s", r.code, r.stderr)
	}
	return printedTarball(t, r, node)
}

// printedTarball returns the tarball ipvslint-<name>-<time>.tar.gz whose
// path and size the script printed, the only file in the working folder.
func printedTarball(t *testing.T, r result, name string) *tarball {
	t.Helper()
	m := regexp.MustCompile(`^\./(ipvslint-` + regexp.QuoteMeta(name) + `-\d{8}T\d{6}Z)\.tar\.gz \((\d+) bytes\)\n$`).FindStringSubmatch(r.stdout)
	if m == nil {
		t.Fatalf("stdout %q: want ./ipvslint-%s-<time>.tar.gz (N bytes); stderr:\n%s", r.stdout, name, r.stderr)
	}
	left, err := os.ReadDir(r.dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 1 {
		t.Errorf("the output folder holds %d files, want only the tarball", len(left))
	}
	data, err := os.ReadFile(filepath.Join(r.dir, m[1]+".tar.gz"))
	if err != nil {
		t.Fatal(err)
	}
	if m[2] != fmt.Sprint(len(data)) {
		t.Errorf("printed size %s bytes, file has %d", m[2], len(data))
	}
	tb := readTarball(t, data)
	if tb.top != m[1] {
		t.Errorf("top folder %q, want %q", tb.top, m[1])
	}
	return tb
}

// layoutNames returns the entry names a full bundle of the nodes has, in
// the order the layout reads them. version.yaml is the alternative form of
// version.json, which the script writes.
func layoutNames(nodes ...string) []string {
	names := []string{bundle.ManifestName}
	for _, e := range bundle.ClusterFiles {
		if e.Name != "version.yaml" {
			names = append(names, bundle.ClusterDir+"/"+e.Name)
		}
	}
	for _, node := range nodes {
		for _, e := range bundle.NodeFiles {
			names = append(names, bundle.NodesDir+"/"+node+"/"+e.Name)
		}
	}
	return names
}

// layoutCommand returns the layout's command of a bundle path.
func layoutCommand(path string) string {
	name := path[strings.LastIndex(path, "/")+1:]
	for _, e := range slices.Concat(bundle.ClusterFiles, bundle.NodeFiles) {
		if e.Name == name {
			return e.Command
		}
	}
	return ""
}

// Inspection is the part of `ipvslint inspect --format json` the tests read.
type inspection struct {
	Bundles []struct {
		Warnings []struct {
			Message string `json:"message"`
		} `json:"warnings"`
	} `json:"bundles"`
	Cluster struct {
		Counts   []count   `json:"counts"`
		Captures []capture `json:"captures"`
		Missing  []missing `json:"missing"`
	} `json:"cluster"`
	Nodes []struct {
		Name     string    `json:"name"`
		Counts   []count   `json:"counts"`
		Captures []capture `json:"captures"`
		Missing  []missing `json:"missing"`
	} `json:"nodes"`
}

type count struct {
	Name string `json:"name"`
	N    int    `json:"n"`
}

type capture struct {
	Path     string  `json:"path"`
	Kind     string  `json:"kind"`
	Status   string  `json:"status"`
	Detail   string  `json:"detail"`
	ExitCode *int    `json:"exitCode"`
	Counts   []count `json:"counts"`
}

type missing struct {
	Name     string `json:"name"`
	Required bool   `json:"required"`
	Reason   string `json:"reason"`
}

// inspect runs `ipvslint inspect --format json` over the bundles.
func inspect(t *testing.T, bundles ...string) *inspection {
	t.Helper()
	cmd := exec.Command(ipvslintBin, append([]string{"inspect", "--format", "json"}, bundles...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ipvslint inspect: %v\n%s", err, stderr.Bytes())
	}
	in := new(inspection)
	if err := json.Unmarshal(out, in); err != nil {
		t.Fatalf("ipvslint inspect: %v\n%s", err, out)
	}
	return in
}

// statuses maps capture paths to "status" or "status detail" for checks.
func statuses(cs []capture) map[string]capture {
	m := map[string]capture{}
	for _, c := range cs {
		m[c.Path] = c
	}
	return m
}

func countOf(cs []count, name string) int {
	for _, c := range cs {
		if c.Name == name {
			return c.N
		}
	}
	return -1
}

// TestBundle runs the script with shims that print reference outputs and
// checks the layout, the manifest, the checksums and what ipvslint reads.
func TestBundle(t *testing.T) {
	for _, tool := range []string{"ip", "ss", "sysctl"} {
		if _, err := exec.LookPath(tool); err != nil {
			if _, err := exec.LookPath("/usr/sbin/" + tool); err != nil {
				t.Skipf("%s not installed", tool)
			}
		}
	}
	ref := testref.Read(t, "ipvsadm-Ln.raw.txt")
	for _, sh := range shells(t) {
		t.Run(sh.name, func(t *testing.T) {
			r := runScript(t, env{sh: sh}, "--node", "node-a", "--timeout", "60") // not the test of the limit (TestTimeout): room for a loaded machine
			tb := wroteTarball(t, r, "node-a")
			// Tools missing here (busybox has no ss) are recorded, not written.
			var notFound []string
			for _, f := range tb.manifest.Files {
				if f.ExitCode == 127 && f.Path == "" {
					notFound = append(notFound, f.Command)
				}
			}
			if len(notFound) > 0 && !sh.busybox {
				t.Errorf("commands not found: %q", notFound)
			}
			want := slices.DeleteFunc(layoutNames("node-a"), func(name string) bool {
				return slices.Contains(notFound, layoutCommand(name))
			})
			if !slices.Equal(tb.names, want) {
				t.Errorf("entries:\n%s\nwant:\n%s", strings.Join(tb.names, "\n"), strings.Join(want, "\n"))
			}

			m := tb.manifest
			if m.Format != bundle.FormatV1 || m.Collector.Name != "ipvslint-collect" || m.Collector.Version == "" || m.Node != "node-a" || m.Redacted {
				t.Errorf("manifest header: %+v", m)
			}
			if age := time.Since(m.CreatedAt); age < 0 || age > 5*time.Minute {
				t.Errorf("createdAt %v: not now", m.CreatedAt)
			}
			if got := len(m.Files); got != len(want)-1+len(notFound) {
				t.Errorf("manifest lists %d commands, want %d", got, len(want)-1+len(notFound))
			}
			tb.checkFiles(t)
			shimmed := []string{"ipvsadm.txt", "ipvsadm-stats.txt", "ipvsadm-save.txt", "ipvsadm-conn.txt", "iptables-save.txt", "ipset.txt", "conntrack-stats.txt", "conntrack.txt", "proxy-mode.txt"}
			for _, name := range shimmed {
				if f := tb.entry(t, "nodes/node-a/"+name); f.ExitCode != 0 || f.Stderr != "" && name != "conntrack.txt" {
					t.Errorf("%s: exit code %d, stderr %q", name, f.ExitCode, f.Stderr)
				}
			}
			if got := tb.files["nodes/node-a/ipvsadm.txt"]; !bytes.Equal(got, ref) {
				t.Errorf("ipvsadm.txt differs from the reference ipvsadm-Ln.raw.txt")
			}
			// conntrack's summary goes to stderr, kept apart from the listing.
			ct := tb.entry(t, "nodes/node-a/conntrack.txt")
			const summary = "conntrack v1.4.7 (conntrack-tools): 9 flow entries have been shown.\n"
			if ct.Stderr != summary || bytes.Contains(tb.files[ct.Path], []byte("flow entries")) {
				t.Errorf("conntrack.txt: stderr %q, want %q apart from the listing", ct.Stderr, summary)
			}

			in := inspect(t, filepath.Join(r.dir, tb.top+".tar.gz"))
			for _, c := range in.Cluster.Captures {
				if c.Status != "ok" {
					t.Errorf("cluster %s: %s %s", c.Path, c.Status, c.Detail)
				}
			}
			for name, n := range map[string]int{"services": 2, "endpointslices": 1, "endpoints": 1, "nodes": 1, "pods": 2} {
				if got := countOf(in.Cluster.Counts, name); got != n {
					t.Errorf("cluster: %d %s, want %d", got, name, n)
				}
			}
			if len(in.Nodes) != 1 || in.Nodes[0].Name != "node-a" {
				t.Fatalf("nodes: %+v", in.Nodes)
			}
			node := in.Nodes[0]
			st := statuses(node.Captures)
			for _, name := range shimmed {
				c := st["nodes/node-a/"+name]
				if c.Status != "ok" && c.Status != "kept" {
					t.Errorf("%s: %s %s", name, c.Status, c.Detail)
				}
			}
			if got := countOf(node.Counts, "virtual services"); got != 13 {
				t.Errorf("virtual services: %d, want 13 (the reference table)", got)
			}
			if got := countOf(node.Counts, "flows"); got != 9 {
				t.Errorf("flows: %d, want 9 (the reference listing)", got)
			}
			for _, ms := range slices.Concat(in.Cluster.Missing, node.Missing) {
				if ms.Required {
					t.Errorf("required capture missing: %+v", ms)
				}
			}
			checkARPSysctls(t, tb.files["nodes/node-a/sysctl.txt"], interfaces(t), nil)
		})
	}
}

// interfaces returns the names /proc/sys/net/ipv4/conf has for this network
// namespace's interfaces, and default.
func interfaces(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir("/proc/sys/net/ipv4/conf")
	if err != nil {
		t.Skipf("no per-interface sysctls here: %v", err)
	}
	var names []string
	for _, e := range entries {
		if e.Name() != "all" {
			names = append(names, e.Name())
		}
	}
	return names
}

// checkARPSysctls parses sysctl.txt as ipvslint does and checks that it
// holds arp_ignore and arp_announce of all and of each interface (a "." of
// an interface name written "/", as sysctl names it), with the values of
// want (sysctl name -> value) where given.
func checkARPSysctls(t *testing.T, body []byte, ifaces []string, want map[string]string) {
	t.Helper()
	res, err := sysctl.Parse(bytes.NewReader(body), source.Pos{File: "sysctl.txt"})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range append([]string{"all"}, ifaces...) {
		for _, p := range []string{"arp_ignore", "arp_announce"} {
			key := "net.ipv4.conf." + strings.ReplaceAll(name, ".", "/") + "." + p
			e, ok := res.Entries[key]
			switch {
			case !ok:
				t.Errorf("sysctl.txt lacks %s:\n%s", key, body)
			case want[key] != "" && e.Value != want[key]:
				t.Errorf("%s = %s, want %s", key, e.Value, want[key])
			}
		}
	}
	for _, w := range res.Warnings {
		if strings.Contains(w.Msg, "repeated") {
			t.Errorf("sysctl.txt: %s", w)
		}
	}
}

// TestSecrets runs the script against a kubectl whose pods carry a secret
// in env, args, volumes and the last-applied annotation: it must appear
// nowhere in the bundle. kubectl gets --kubeconfig and --context each time.
func TestSecrets(t *testing.T) {
	log := filepath.Join(t.TempDir(), "kubectl.log")
	kubeconfig := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(kubeconfig, []byte("apiVersion: v1\nkind: Config\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	sh := shells(t)[0]
	r := runScript(t, env{sh: sh, vars: []string{fakeKubectlEnv + "_LOG=" + log}},
		"--node", "node-a", "--kubeconfig", kubeconfig, "--context", "prod ctx")
	tb := wroteTarball(t, r, "node-a")
	for _, name := range tb.names {
		if bytes.Contains(tb.files[name], []byte(canary)) {
			t.Errorf("%s holds the secret", name)
		}
	}
	if strings.Contains(r.stderr, canary) {
		t.Errorf("the progress lines hold the secret")
	}
	pods := string(tb.files["cluster/pods.yaml"])
	for _, word := range []string{"containers", "env", "volumes", "annotations", "image"} {
		if strings.Contains(pods, word) {
			t.Errorf("pods.yaml holds %q:\n%s", word, pods)
		}
	}
	for _, word := range []string{`name: "coredns-7db6d8ff4d-abcde"`, `"k8s-app": "kube-dns"`, `kind: "ReplicaSet"`, "controller: true", "hostNetwork: true", `- ip: "10.244.1.2"`, `hostIP: "192.168.10.11"`} {
		if !strings.Contains(pods, word) {
			t.Errorf("pods.yaml lacks %s:\n%s", word, pods)
		}
	}
	calls, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(calls)), "\n")
	if len(lines) != 7 {
		t.Errorf("%d kubectl calls, want 7:\n%s", len(lines), calls)
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "--kubeconfig "+kubeconfig+" --context prod ctx --request-timeout=20s ") {
			t.Errorf("kubectl call without the connection options: %s", l)
		}
	}
}

// TestClusterUnreachable: when kubectl cannot reach the API server, the
// version call is recorded and no other kubectl call is made.
func TestClusterUnreachable(t *testing.T) {
	log := filepath.Join(t.TempDir(), "kubectl.log")
	r := runScript(t, env{sh: shells(t)[0], vars: []string{fakeKubectlEnv + "_DOWN=1", fakeKubectlEnv + "_LOG=" + log}}, "--node", "node-a")
	tb := wroteTarball(t, r, "node-a")
	if f := tb.entry(t, "cluster/version.json"); f.ExitCode != 1 || !strings.Contains(f.Stderr, "refused") {
		t.Errorf("version.json: exit code %d, stderr %q", f.ExitCode, f.Stderr)
	}
	for _, name := range tb.names {
		if strings.HasPrefix(name, "cluster/") && name != "cluster/version.json" {
			t.Errorf("%s written although the API server is unreachable", name)
		}
	}
	if calls, _ := os.ReadFile(log); bytes.Count(calls, []byte("\n")) != 1 {
		t.Errorf("kubectl calls:\n%s\nwant only the version", calls)
	}
	if !strings.Contains(r.stderr, "cluster objects skipped") {
		t.Errorf("stderr does not tell the cluster objects were skipped:\n%s", r.stderr)
	}
}

// TestWget: without curl, kube-proxy's /proxyMode is asked with wget
// (busybox's here), on loopback.
func TestWget(t *testing.T) {
	if _, err := exec.LookPath("busybox"); err != nil {
		t.Skip("busybox not installed")
	}
	r := runScript(t, env{sh: shell{name: "busybox", argv: []string{"busybox", "sh"}, busybox: true}, drop: []string{"curl"}}, "--node", "node-a", "--no-cluster", "--timeout", "5")
	tb := wroteTarball(t, r, "node-a")
	f := tb.entry(t, "nodes/node-a/proxy-mode.txt")
	if f.Command != "wget -q -T 2 -O - http://127.0.0.1:10249/proxyMode" || f.ExitCode == 127 {
		t.Errorf("proxy-mode.txt recorded as %+v", f)
	}
}

// TestMissingTools: tools that are not installed are recorded with exit
// code 127 and no path, and ipvslint reports them missing.
func TestMissingTools(t *testing.T) {
	if _, err := exec.LookPath("dash"); err != nil {
		t.Skip("dash not installed")
	}
	r := runScript(t, env{sh: shell{name: "dash", argv: []string{"dash"}}, noPath: true, drop: []string{"curl"}}, "--node", "node-a", "--no-cluster")
	tb := wroteTarball(t, r, "node-a")
	// The host tool folder has no curl or wget: proxy-mode is the curl try.
	var found bool
	for _, f := range tb.manifest.Files {
		if f.Command == layoutCommand("proxy-mode.txt") {
			found = true
			if f.ExitCode != 127 || f.Path != "" || f.Bytes != 0 || f.SHA256 != "" {
				t.Errorf("missing curl recorded as %+v", f)
			}
		}
		if strings.HasPrefix(f.Command, "kubectl") {
			t.Errorf("--no-cluster ran %s", f.Command)
		}
	}
	if !found {
		t.Errorf("manifest.json does not record the missing curl")
	}
	if slices.Contains(tb.names, "nodes/node-a/proxy-mode.txt") {
		t.Errorf("proxy-mode.txt written without curl")
	}
	in := inspect(t, filepath.Join(r.dir, tb.top+".tar.gz"))
	var reason string
	for _, ms := range in.Nodes[0].Missing {
		if ms.Name == "proxy-mode.txt" {
			reason = ms.Reason
		}
	}
	if !strings.Contains(reason, "not found") {
		t.Errorf("inspect: proxy-mode.txt missing reason %q, want command not found", reason)
	}
}

// TestTimeout: a command that hangs is cut after --timeout, recorded with
// exit code 124 and what it printed, and the run goes on, with timeout(1)
// and with the script's own timer when there is none.
func TestTimeout(t *testing.T) {
	hang := map[string]string{"ipset": "echo 'Name: KUBE-CLUSTER-IP'\nexec sleep 30"}
	tests := []struct {
		name string
		env  env
	}{
		{"timeout(1)", env{sh: shell{name: "dash", argv: []string{"dash"}}, shims: hang}},
		{"own timer", env{sh: shell{name: "dash", argv: []string{"dash"}}, shims: hang, noPath: true}},
	}
	if _, err := exec.LookPath("timeout"); err != nil {
		tests = tests[1:]
	}
	if _, err := exec.LookPath("dash"); err != nil {
		t.Skip("dash not installed")
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runScript(t, tt.env, "--node", "node-a", "--no-cluster", "--timeout", "1")
			if r.elapsed > 15*time.Second {
				t.Errorf("the run took %v", r.elapsed)
			}
			tb := wroteTarball(t, r, "node-a")
			f := tb.entry(t, "nodes/node-a/ipset.txt")
			if f.ExitCode != 124 || f.DurationMs < 900 || f.DurationMs > 5000 || f.Bytes != 22 {
				t.Errorf("hung ipset recorded as exit code %d after %d ms with %d bytes, want 124 after ~1000 ms with 22", f.ExitCode, f.DurationMs, f.Bytes)
			}
			if f := tb.entry(t, "nodes/node-a/conntrack.txt"); f.ExitCode != 0 {
				t.Errorf("conntrack after the hung command: exit code %d", f.ExitCode)
			}
			if !strings.Contains(r.stderr, "ipset cut after 1s") {
				t.Errorf("stderr does not tell the cut:\n%s", r.stderr)
			}
		})
	}
}

// TestStderrJSON: whatever a command prints on stderr ends up in
// manifest.json as valid JSON: escaped, first 4 KiB, NUL dropped, bytes that
// are not UTF-8 replaced.
func TestStderrJSON(t *testing.T) {
	tests := []struct {
		name, tool, stderr, want string
	}{
		{"quotes", "iptables-save", `say "hi" \ C:\path` + "\n", `say "hi" \ C:\path` + "\n"},
		{"control", "ipset", "\x01\x1b[31mred\x7f\ttab\r\nnext\n", "\x01\x1b[31mred\x7f\ttab\r\nnext\n"},
		{"no final newline", "ss", "partial", "partial"},
		{"utf-8", "sysctl", "café ✓ 𝄞\n", "café ✓ 𝄞\n"},
		{"not utf-8", "uname", "bad \xff\xfe \xc3( \xe2\x82 end\n", "bad \ufffd\ufffd \ufffd( \ufffd\ufffd end\n"},
		{"NUL", "ip", "a\x00b\n", "ab\n"},
		{"4 KiB", "curl", strings.Repeat("x", 4095) + "é and more", strings.Repeat("x", 4095) + "\ufffd"},
	}
	shims := map[string]string{}
	dir := t.TempDir()
	for _, tt := range tests {
		file := filepath.Join(dir, tt.name)
		if err := os.WriteFile(file, []byte(tt.stderr), 0o600); err != nil {
			t.Fatal(err)
		}
		shims[tt.tool] = fmt.Sprintf("cat '%s' >&2", file)
	}
	for _, sh := range shells(t) {
		t.Run(sh.name, func(t *testing.T) {
			r := runScript(t, env{sh: sh, shims: shims}, "--node", "node-a", "--no-cluster")
			tb := wroteTarball(t, r, "node-a")
			got := map[string]string{}
			for _, f := range tb.manifest.Files {
				got[strings.Fields(f.Command)[0]] = f.Stderr
			}
			for _, tt := range tests {
				if got[tt.tool] != tt.want {
					t.Errorf("%s: stderr %q, want %q", tt.name, got[tt.tool], tt.want)
				}
			}
		})
	}
}

// TestNoNode: --no-node captures the cluster objects only, into
// ipvslint-cluster-<time>.tar.gz, with no node in its manifest.
func TestNoNode(t *testing.T) {
	r := runScript(t, env{sh: shells(t)[0]}, "--no-node")
	tb := wroteTarball(t, r, "cluster")
	if want := layoutNames(); !slices.Equal(tb.names, want) {
		t.Errorf("entries:\n%s\nwant:\n%s", strings.Join(tb.names, "\n"), strings.Join(want, "\n"))
	}
	tb.checkFiles(t)
	var m map[string]any
	if err := json.Unmarshal(tb.files[bundle.ManifestName], &m); err != nil {
		t.Fatal(err)
	}
	if _, ok := m["node"]; ok || len(tb.manifest.Files) != 7 {
		t.Errorf("manifest: node %v, %d files", m["node"], len(tb.manifest.Files))
	}
	if !strings.Contains(r.stderr, "collecting the cluster objects into "+tb.top) {
		t.Errorf("stderr:\n%s", r.stderr)
	}
}

// TestStdout: --stdout streams the tarball and leaves no file.
func TestStdout(t *testing.T) {
	r := runScript(t, env{sh: shells(t)[0]}, "--node", "node-b", "--no-cluster", "--stdout")
	if r.code != 0 {
		t.Fatalf("exit code %d; stderr:\n%s", r.code, r.stderr)
	}
	tb := readTarball(t, []byte(r.stdout))
	if !regexp.MustCompile(`^ipvslint-node-b-\d{8}T\d{6}Z$`).MatchString(tb.top) {
		t.Errorf("top folder %q", tb.top)
	}
	if tb.names[0] != bundle.ManifestName || tb.names[len(tb.names)-1] != "nodes/node-b/conntrack.txt" {
		t.Errorf("entries %v: want manifest.json first, conntrack.txt last", tb.names)
	}
	if left, _ := os.ReadDir(r.dir); len(left) != 0 {
		t.Errorf("--stdout left %d files in the working folder", len(left))
	}
	if !strings.Contains(r.stderr, "wrote "+tb.top+".tar.gz to stdout") {
		t.Errorf("stderr:\n%s", r.stderr)
	}
}

// TestUsage checks --help and the refused options.
func TestUsage(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string // regexp
		stderr string // regexp
	}{
		{"help", []string{"--help"}, 0, `(?s)--out DIR.*--stdout.*--node NAME.*--no-cluster.*--kubeconfig FILE.*--context NAME.*--timeout SEC.*Never captured`, `^$`},
		{"version", []string{"--version"}, 0, `^ipvslint-collect \d+\.\d+\.\d+\n$`, `^$`},
		{"unknown", []string{"--bogus"}, 2, `^$`, `unknown option: --bogus`},
		{"no value", []string{"--node"}, 2, `^$`, `--node needs a value`},
		{"zero timeout", []string{"--timeout", "0"}, 2, `^$`, `--timeout: not a positive number of seconds: 0`},
		{"bad timeout", []string{"--timeout=1.5"}, 2, `^$`, `--timeout: not a positive number`},
		{"bad node", []string{"--node", "Node_A"}, 2, `^$`, `--node: not a Kubernetes node name: Node_A`},
		{"path node", []string{"--node", "../x"}, 2, `^$`, `--node: not a Kubernetes node name`},
		{"no out dir", []string{"--out", "/nonexistent/dir"}, 2, `^$`, `--out: not a directory: /nonexistent/dir`},
		{"no kubeconfig", []string{"--kubeconfig", "/nonexistent/config"}, 2, `^$`, `--kubeconfig: cannot read /nonexistent/config`},
		{"nothing", []string{"--no-node", "--no-cluster"}, 2, `^$`, `--no-cluster and --no-node leave nothing to capture`},
	}
	sh := shells(t)[0]
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runScript(t, env{sh: sh}, tt.args...)
			r.check(t, tt.code, tt.stdout, tt.stderr)
		})
	}
}

// TestScript: the embedded script is collect.sh.
func TestScript(t *testing.T) {
	data, err := os.ReadFile("collect.sh")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(Script, data) {
		t.Error("Script differs from collect.sh")
	}
}

// TestShellcheck runs shellcheck over the scripts as POSIX sh: collect.sh,
// collect-cluster.sh, the latter as ClusterScript prints it, and the shims
// of its tests.
func TestShellcheck(t *testing.T) {
	if _, err := exec.LookPath("shellcheck"); err != nil {
		t.Skip("shellcheck not installed")
	}
	printed := filepath.Join(t.TempDir(), "printed-collect-cluster.sh")
	if err := os.WriteFile(printed, ClusterScript(), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("shellcheck", "-s", "sh", "collect.sh", "collect-cluster.sh", printed,
		"testdata/cluster-shims/kubectl", "testdata/cluster-shims/chroot").CombinedOutput()
	if err != nil {
		t.Errorf("shellcheck: %v\n%s", err, out)
	}
}

// TestNetns runs the script with the real tools inside a network namespace
// the test creates (and always deletes), after inserting two conntrack
// entries there: ipvslint must read the addresses and the entries, and
// report ipvsadm as failed on a kernel without IPVS. No packet is sent.
func TestNetns(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root for ip netns and conntrack")
	}
	for _, tool := range []string{"ip", "conntrack", "ipvsadm", "dash"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed", tool)
		}
	}
	ns := fmt.Sprintf("ipvslint-collect-%d", os.Getpid())
	if out, err := exec.Command("ip", "netns", "add", ns).CombinedOutput(); err != nil {
		t.Skipf("ip netns add: %v: %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("ip", "netns", "del", ns).CombinedOutput(); err != nil {
			t.Errorf("ip netns del %s: %v: %s", ns, err, out)
		}
	})
	in := func(args ...string) error {
		out, err := exec.Command("ip", append([]string{"netns", "exec", ns}, args...)...).CombinedOutput()
		if err != nil {
			return fmt.Errorf("%s: %v: %s", strings.Join(args, " "), err, out)
		}
		return nil
	}
	for _, args := range [][]string{
		{"ip", "link", "set", "lo", "up"},
		{"ip", "addr", "add", "192.0.2.1/24", "dev", "lo"},
	} {
		if err := in(args...); err != nil {
			t.Fatal(err)
		}
	}
	// An interface with a "." in its name, with strict ARP settings.
	arp := map[string]string{}
	if err := in("ip", "link", "add", "eth0.100", "type", "veth", "peer", "name", "peer0"); err != nil {
		t.Logf("no veth here, no interface with a dot: %v", err)
	} else if err := in("sysctl", "-q", "-w", "net.ipv4.conf.eth0/100.arp_ignore=1", "net.ipv4.conf.eth0/100.arp_announce=2"); err != nil {
		t.Fatal(err)
	} else {
		arp = map[string]string{"net.ipv4.conf.eth0/100.arp_ignore": "1", "net.ipv4.conf.eth0/100.arp_announce": "2"}
	}
	for _, args := range [][]string{
		{"conntrack", "-I", "-p", "tcp", "-s", "192.0.2.1", "-d", "192.0.2.2", "--sport", "40000", "--dport", "80", "--state", "ESTABLISHED", "-u", "ASSURED", "-t", "120"},
		{"conntrack", "-I", "-p", "udp", "-s", "192.0.2.1", "-d", "192.0.2.3", "--sport", "40001", "--dport", "53", "-t", "120"},
	} {
		if err := in(args...); err != nil {
			t.Skipf("cannot insert conntrack entries here: %v", err)
		}
	}
	ipvsWorks := in("ipvsadm", "-Ln") == nil

	r := runScript(t, env{sh: shell{name: "dash", argv: []string{"dash"}}, real: true, netns: ns},
		"--node", "netns-node", "--no-cluster", "--timeout", "30")
	tb := wroteTarball(t, r, "netns-node")
	ifaces := []string{"default", "lo"}
	if len(arp) > 0 {
		ifaces = append(ifaces, "eth0.100", "peer0")
	}
	checkARPSysctls(t, tb.files["nodes/netns-node/sysctl.txt"], ifaces, arp)
	ct := tb.entry(t, "nodes/netns-node/conntrack.txt")
	if ct.ExitCode != 0 || !strings.Contains(ct.Stderr, "2 flow entries have been shown") {
		t.Errorf("conntrack.txt: exit code %d, stderr %q", ct.ExitCode, ct.Stderr)
	}

	got := inspect(t, filepath.Join(r.dir, tb.top+".tar.gz"))
	if len(got.Nodes) != 1 {
		t.Fatalf("nodes: %+v", got.Nodes)
	}
	node := got.Nodes[0]
	st := statuses(node.Captures)
	for _, tt := range []struct {
		name, status string
		counts       map[string]int
	}{
		{"ip-addr.txt", "ok", map[string]int{"interfaces": len(ifaces) - 1}}, // lo, and eth0.100 and peer0 when made
		{"conntrack.txt", "ok", map[string]int{"flows": 2}},
		{"uname.txt", "ok", nil},
		{"ss-listen.txt", "empty", nil},
	} {
		c := st["nodes/netns-node/"+tt.name]
		if c.Status != tt.status {
			t.Errorf("%s: %s %s, want %s", tt.name, c.Status, c.Detail, tt.status)
		}
		for name, n := range tt.counts {
			if got := countOf(c.Counts, name); got != n {
				t.Errorf("%s: %d %s, want %d", tt.name, got, name, n)
			}
		}
	}
	if got := countOf(node.Counts, "node addresses"); got != 1 {
		t.Errorf("node addresses: %d, want 1 (192.0.2.1)", got)
	}
	ipvs := st["nodes/netns-node/ipvsadm.txt"]
	switch {
	case ipvsWorks && ipvs.Status != "ok":
		t.Errorf("ipvsadm.txt: %s %s, want ok on this IPVS kernel", ipvs.Status, ipvs.Detail)
	case !ipvsWorks && (ipvs.Status != "failed" || !strings.Contains(ipvs.Detail, "Protocol not available") || ipvs.ExitCode == nil || *ipvs.ExitCode != 2):
		t.Errorf("ipvsadm.txt: %s %q, want failed with ipvsadm's exit code 2 and message", ipvs.Status, ipvs.Detail)
	}
}
