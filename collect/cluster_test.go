package collect

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ipvslint/ipvslint/analyze/bundle"
)

// fakeCluster is the cluster testdata/cluster-shims/kubectl pretends to
// reach: its nodes, and those that misbehave (see the shim).
type fakeCluster struct {
	nodes                         []string
	refuse, hang, garbage, noIPVS []string
	delay                         int  // seconds each debug pod takes to start
	down                          bool // no API server
	noKubectl                     bool // no kubectl at all
}

// install puts the fake kubectl and chroot into shimDir, and the test
// binary's kubectl (the cluster objects) beside; it returns the environment
// that describes c to them. state is the fake cluster's folder.
func (c *fakeCluster) install(t *testing.T, self, shimDir, state string) []string {
	t.Helper()
	for _, name := range []string{"kubectl", "chroot"} {
		if name == "kubectl" && c.noKubectl {
			continue
		}
		data, err := os.ReadFile(filepath.Join("testdata", "cluster-shims", name))
		if err != nil {
			t.Fatal(err)
		}
		writeExec(t, filepath.Join(shimDir, name), string(data))
	}
	objects := filepath.Join(t.TempDir(), "kubectl")
	if err := os.Symlink(self, objects); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{"pods", "running", "host-bin"} {
		if err := os.Mkdir(filepath.Join(state, dir), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// The host of FAKE_KUBECTL_NO_IPVS nodes: a shell and nothing else.
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(sh, filepath.Join(state, "host-bin", "sh")); err != nil {
		t.Fatal(err)
	}
	vars := []string{
		"FAKE_KUBECTL_STATE=" + state,
		"FAKE_KUBECTL_OBJECTS=" + objects,
		"FAKE_KUBECTL_NODES=" + strings.Join(c.nodes, " "),
		"FAKE_KUBECTL_REFUSE=" + strings.Join(c.refuse, " "),
		"FAKE_KUBECTL_HANG=" + strings.Join(c.hang, " "),
		"FAKE_KUBECTL_GARBAGE=" + strings.Join(c.garbage, " "),
		"FAKE_KUBECTL_NO_IPVS=" + strings.Join(c.noIPVS, " "),
		"TMPDIR=" + t.TempDir(),
	}
	if c.delay > 0 {
		vars = append(vars, "FAKE_KUBECTL_DELAY="+strconv.Itoa(c.delay))
	}
	if c.down {
		vars = append(vars, "FAKE_KUBECTL_DOWN=1")
	}
	return vars
}

// pods returns the debug pods the fake cluster still has.
func (r result) pods(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(r.state, "pods"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// calls returns the kubectl calls the fake cluster answered (up to their
// "--"), one a line.
func (r result) calls(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(r.state, "calls"))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSpace(string(data)), "\n")
}

// concurrency returns the most debug pods that were running at once.
func (r result) concurrency(t *testing.T) int {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(r.state, "concurrency"))
	if err != nil {
		t.Fatal(err)
	}
	most := 0
	for _, f := range strings.Fields(string(data)) {
		n, err := strconv.Atoi(f)
		if err != nil {
			t.Fatal(err)
		}
		most = max(most, n)
	}
	return most
}

// checkNoKubectlLeft fails when a fake kubectl that ran a debug pod is still
// running.
func (r result) checkNoKubectlLeft(t *testing.T) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(r.state, "pids"))
	if err != nil {
		return
	}
	for _, f := range strings.Fields(string(data)) {
		pid, err := strconv.Atoi(f)
		if err != nil {
			t.Fatal(err)
		}
		// A zombie would still answer signal 0; the script's children
		// are reaped by the script, and the script has exited.
		if syscall.Kill(pid, 0) == nil {
			t.Errorf("kubectl %d still runs", pid)
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}

// clusterManifest is the part of a cluster bundle's manifest.json that
// bundle.Manifest does not read.
type clusterManifest struct {
	Node  *string `json:"node"`
	Debug struct {
		Image     string `json:"image"`
		Profile   string `json:"profile"`
		Tools     string `json:"tools"`
		Namespace string `json:"namespace"`
	} `json:"debug"`
	Nodes []struct {
		Name       string    `json:"name"`
		Status     string    `json:"status"`
		Tools      string    `json:"tools"`
		Pod        string    `json:"pod"`
		Command    string    `json:"command"`
		ExitCode   int       `json:"exitCode"`
		StartedAt  time.Time `json:"startedAt"`
		DurationMs int64     `json:"durationMs"`
		Bytes      int64     `json:"bytes"`
		Error      string    `json:"error"`
		Stderr     string    `json:"stderr"`
	} `json:"nodes"`
}

func (tb *tarball) cluster(t *testing.T) *clusterManifest {
	t.Helper()
	m := new(clusterManifest)
	if err := json.Unmarshal(tb.files[bundle.ManifestName], m); err != nil {
		t.Fatal(err)
	}
	return m
}

// clusterNames returns the entries a cluster bundle of nodes has, in order,
// without the files of the commands its manifest records as not found.
func (tb *tarball) clusterNames(nodes ...string) []string {
	return slices.DeleteFunc(layoutNames(nodes...), func(name string) bool {
		for _, f := range tb.manifest.Files {
			if f.Path == "" && f.ExitCode == 127 && f.Command == layoutCommand(name) && strings.HasPrefix(name, "nodes/"+f.Node+"/") {
				return true
			}
		}
		return false
	})
}

// TestCluster collects a cluster of three nodes, one of them without
// ipvsadm on the host, two at a time, and reads the one bundle back: its
// layout, its manifest, and what ipvslint inspect and analyze make of it.
func TestCluster(t *testing.T) {
	kubeconfig := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(kubeconfig, []byte("apiVersion: v1\nkind: Config\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	nodes := []string{"node-a", "node-b", "node-c"}
	for _, sh := range shells(t) {
		t.Run(sh.name, func(t *testing.T) {
			r := runScript(t, env{sh: sh, cluster: &fakeCluster{nodes: nodes, noIPVS: []string{"node-c"}}},
				"--parallel", "2", "--command-timeout", "10", "--kubeconfig", kubeconfig, "--context", "prod ctx",
				"-n", "ipvslint-debug", "-l", "pool=a")
			if r.code != 0 {
				t.Fatalf("exit code %d; stderr:\n%s", r.code, r.stderr)
			}
			tb := printedTarball(t, r, "cluster")
			if want := tb.clusterNames(nodes...); !slices.Equal(tb.names, want) {
				t.Errorf("entries:\n%s\nwant:\n%s", strings.Join(tb.names, "\n"), strings.Join(want, "\n"))
			}
			tb.checkFiles(t)
			m := tb.manifest
			if m.Format != bundle.FormatV1 || m.Collector.Name != "ipvslint-collect-cluster" || m.Collector.Version == "" || m.Redacted {
				t.Errorf("manifest header: %+v", m)
			}
			if age := time.Since(m.CreatedAt); age < 0 || age > 5*time.Minute {
				t.Errorf("createdAt %v: not now", m.CreatedAt)
			}
			for _, f := range m.Files {
				if node, _, _ := strings.Cut(strings.TrimPrefix(f.Path, "nodes/"), "/"); strings.HasPrefix(f.Path, "nodes/") && f.Node != node || strings.HasPrefix(f.Path, "cluster/") && f.Node != "" {
					t.Errorf("%s (%s): node %q", f.Path, f.Command, f.Node)
				}
			}
			cm := tb.cluster(t)
			if cm.Node != nil || cm.Debug.Image != "busybox:1.36" || cm.Debug.Profile != "sysadmin" || cm.Debug.Tools != "auto" || cm.Debug.Namespace != "ipvslint-debug" {
				t.Errorf("manifest: node %v, debug %+v", cm.Node, cm.Debug)
			}
			tools := map[string]string{"node-a": "host", "node-b": "host", "node-c": "image"}
			if len(cm.Nodes) != len(nodes) {
				t.Fatalf("manifest nodes: %+v", cm.Nodes)
			}
			for i, n := range cm.Nodes {
				wantCmd := "kubectl debug node/" + n.Name + " --profile=sysadmin --image=busybox:1.36 -i -n ipvslint-debug -- <collect.sh --node " + n.Name + " --no-cluster --stdout --timeout 10>"
				if n.Name != nodes[i] || n.Status != "ok" || n.Tools != tools[n.Name] || n.ExitCode != 0 || n.Error != "" ||
					!strings.HasPrefix(n.Pod, "node-debugger-"+n.Name+"-") || n.Command != wantCmd || n.Bytes == 0 || n.StartedAt.IsZero() {
					t.Errorf("manifest node %d: %+v", i, n)
				}
			}

			if left := r.pods(t); len(left) > 0 {
				t.Errorf("debug pods left: %v", left)
			}
			if got := r.concurrency(t); got > 2 {
				t.Errorf("%d debug pods at once, want at most 2 (--parallel 2)", got)
			}
			calls := r.calls(t)
			conn := "--kubeconfig " + kubeconfig + " --context prod ctx "
			var debug, deleted int
			for _, c := range calls {
				if !strings.HasPrefix(c, conn) {
					t.Errorf("kubectl call without the connection options: %s", c)
				}
				switch c = strings.TrimPrefix(c, conn); {
				case strings.HasPrefix(c, "get nodes"):
					if c != "get nodes -o name --request-timeout=10s -l kubernetes.io/os!=windows,pool=a" {
						t.Errorf("nodes listed with %s", c)
					}
				case strings.HasPrefix(c, "debug "):
					debug++
				case strings.HasPrefix(c, "delete pod node-debugger-") && strings.HasSuffix(c, " --ignore-not-found --wait=false --request-timeout=10s -n ipvslint-debug"):
					deleted++
				default:
					t.Errorf("unexpected kubectl call: %s", c)
				}
			}
			if debug != 3 || deleted != 3 {
				t.Errorf("%d debug and %d delete calls, want 3 of each:\n%s", debug, deleted, strings.Join(calls, "\n"))
			}
			for _, want := range []string{"collecting 3 node(s), 2 at a time", "node-c: collected in", "with the image's tools", "cluster objects: 7 file(s)", "collected all 3 node(s)"} {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
				}
			}

			archive := filepath.Join(r.dir, tb.top+".tar.gz")
			in := inspect(t, archive)
			if len(in.Nodes) != 3 || len(in.Bundles) != 1 || len(in.Bundles[0].Warnings) != 0 {
				t.Fatalf("inspect: %d nodes, bundles %+v", len(in.Nodes), in.Bundles)
			}
			for name, n := range map[string]int{"services": 2, "endpointslices": 1, "nodes": 1, "pods": 2} {
				if got := countOf(in.Cluster.Counts, name); got != n {
					t.Errorf("cluster: %d %s, want %d", got, name, n)
				}
			}
			for i, n := range in.Nodes {
				if n.Name != nodes[i] || countOf(n.Counts, "virtual services") != 13 || countOf(n.Counts, "flows") != 9 {
					t.Errorf("inspect node %d: %s, counts %+v", i, n.Name, n.Counts)
				}
			}
			out, err := exec.Command(ipvslintBin, "analyze", "--dump-input", archive).Output()
			if err != nil {
				t.Fatalf("ipvslint analyze --dump-input: %v", err)
			}
			var doc struct {
				Nodes map[string]json.RawMessage `json:"nodes"`
			}
			if err := json.Unmarshal(out, &doc); err != nil || len(doc.Nodes) != 3 {
				t.Errorf("analyze reads %d nodes (%v), want 3", len(doc.Nodes), err)
			}
		})
	}
}

// TestClusterFailures: a node whose pod is refused, one that hangs and one
// whose output is no bundle are recorded with their errors; the good node
// is kept, every pod is deleted, and the exit code says some failed.
func TestClusterFailures(t *testing.T) {
	c := &fakeCluster{
		nodes:   []string{"node-a", "node-b", "node-c", "node-d"},
		refuse:  []string{"node-b"},
		hang:    []string{"node-c"},
		garbage: []string{"node-d"},
	}
	r := runScript(t, env{sh: shells(t)[0], cluster: c}, "--timeout", "10", "--command-timeout", "5") // room for the good node on a loaded machine
	if r.code != 3 {
		t.Fatalf("exit code %d, want 3; stderr:\n%s", r.code, r.stderr)
	}
	if r.elapsed > 30*time.Second {
		t.Errorf("the run took %v with --timeout 10", r.elapsed)
	}
	tb := printedTarball(t, r, "cluster")
	if want := tb.clusterNames("node-a"); !slices.Equal(tb.names, want) {
		t.Errorf("entries:\n%s\nwant:\n%s", strings.Join(tb.names, "\n"), strings.Join(want, "\n"))
	}
	tb.checkFiles(t)
	want := []struct {
		status, err, stderr string
		code                int
	}{
		{"ok", "", "", 0},
		{"failed", `kubectl debug failed with exit code 1: Error from server (Forbidden): pods "node-debugger-node-b-`, "violates PodSecurity", 1},
		{"failed", "cut after 10s (--timeout)", "", 124},
		{"failed", "kubectl debug printed no bundle: warning: couldn't attach to pod/node-debugger-node-d-", "falling back to streaming logs", 0},
	}
	cm := tb.cluster(t)
	if len(cm.Nodes) != len(want) {
		t.Fatalf("manifest nodes: %+v", cm.Nodes)
	}
	for i, n := range cm.Nodes {
		w := want[i]
		if n.Name != c.nodes[i] || n.Status != w.status || !strings.HasPrefix(n.Error, w.err) || !strings.Contains(n.Stderr, w.stderr) || n.ExitCode != w.code {
			t.Errorf("manifest node %d: %+v\nwant %+v", i, n, w)
		}
	}
	if d := cm.Nodes[2].DurationMs; d < 3000 || d > 15000 {
		t.Errorf("the hung node took %d ms, want about 3000", d)
	}
	if left := r.pods(t); len(left) > 0 {
		t.Errorf("debug pods left: %v", left)
	}
	r.checkNoKubectlLeft(t)
	for _, s := range []string{"node-b: FAILED after", "node-c: FAILED after", "collected 1 of 4 node(s); failed: node-b node-c node-d"} {
		if !strings.Contains(r.stderr, s) {
			t.Errorf("stderr lacks %q:\n%s", s, r.stderr)
		}
	}
	in := inspect(t, filepath.Join(r.dir, tb.top+".tar.gz"))
	var warnings []string
	for _, b := range in.Bundles {
		for _, w := range b.Warnings {
			warnings = append(warnings, w.Message)
		}
	}
	if len(in.Nodes) != 4 || len(warnings) != 3 || !strings.HasPrefix(warnings[1], "node node-c was not collected: cut after 10s") {
		t.Errorf("inspect: %d nodes, warnings %q", len(in.Nodes), warnings)
	}
	// A node that was not collected is a node whose captures are missing,
	// each with the collector's error, so that analyze reports it.
	for _, n := range in.Nodes[1:] {
		if len(n.Missing) == 0 || !strings.HasPrefix(n.Missing[0].Reason, "the node was not collected: ") {
			t.Errorf("inspect: node %s missing %+v", n.Name, n.Missing)
		}
	}
}

// TestClusterParallel: --parallel bounds the debug pods running at once,
// --nodes names the nodes (no listing).
func TestClusterParallel(t *testing.T) {
	sh := shells(t)[0]
	for _, n := range []int{1, 3} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			c := &fakeCluster{delay: 1}
			r := runScript(t, env{sh: sh, cluster: c}, "--nodes", "node-a,node-b,node-c", "--parallel", strconv.Itoa(n))
			if r.code != 0 {
				t.Fatalf("exit code %d; stderr:\n%s", r.code, r.stderr)
			}
			if got := r.concurrency(t); got != n {
				t.Errorf("%d debug pods at once, want %d", got, n)
			}
			for _, call := range r.calls(t) {
				if strings.HasPrefix(call, "get nodes") {
					t.Errorf("--nodes, yet kubectl %s", call)
				}
			}
			if tb := printedTarball(t, r, "cluster"); len(tb.cluster(t).Nodes) != 3 {
				t.Errorf("manifest nodes: %+v", tb.cluster(t).Nodes)
			}
		})
	}
}

// TestClusterInterrupt stops a run whose nodes hang, with Ctrl-C (SIGINT to
// the process group, as a terminal sends it) or SIGTERM to the script: it
// stops every kubectl, deletes every debug pod, and leaves no file.
func TestClusterInterrupt(t *testing.T) {
	tests := []struct {
		name  string
		group bool
		sig   syscall.Signal
		code  int
	}{
		{"ctrl-c", true, syscall.SIGINT, 130},
		{"term", false, syscall.SIGTERM, 143},
	}
	sh := shells(t)[0]
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &fakeCluster{nodes: []string{"node-a", "node-b", "node-c"}, hang: []string{"node-a", "node-b", "node-c"}}
			cmd, r := scriptCmd(t, env{sh: sh, cluster: c}, "--parallel", "2")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
			cmd.WaitDelay = 5 * time.Second
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			for deadline := time.Now().Add(30 * time.Second); len(r.pods(t)) < 2; time.Sleep(50 * time.Millisecond) {
				if time.Now().After(deadline) {
					cmd.Process.Kill()
					t.Fatalf("no two debug pods after 30 s; stderr:\n%s", stderr.String())
				}
			}
			pid := cmd.Process.Pid
			if tt.group {
				pid = -pid
			}
			if err := syscall.Kill(pid, tt.sig); err != nil {
				t.Fatal(err)
			}
			var err error
			select {
			case err = <-done:
			case <-time.After(30 * time.Second):
				syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
				t.Fatalf("still running 30 s after the signal; stderr:\n%s", stderr.String())
			}
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != tt.code {
				t.Errorf("exit: %v, want code %d; stderr:\n%s", err, tt.code, stderr.String())
			}
			if left := r.pods(t); len(left) > 0 {
				t.Errorf("debug pods left: %v", left)
			}
			r.checkNoKubectlLeft(t)
			if !strings.Contains(stderr.String(), "interrupted: stopping, then deleting the debug pods") {
				t.Errorf("stderr:\n%s", stderr.String())
			}
			if left, _ := os.ReadDir(r.dir); len(left) != 0 {
				t.Errorf("%d files left in the output folder", len(left))
			}
		})
	}
}

// TestClusterStdout: --stdout streams the bundle; --tools image runs the
// image's tools even where the host has them.
func TestClusterStdout(t *testing.T) {
	r := runScript(t, env{sh: shells(t)[0], cluster: &fakeCluster{nodes: []string{"node-a"}}}, "--stdout", "--tools", "image")
	if r.code != 0 {
		t.Fatalf("exit code %d; stderr:\n%s", r.code, r.stderr)
	}
	tb := readTarball(t, []byte(r.stdout))
	if !regexp.MustCompile(`^ipvslint-cluster-\d{8}T\d{6}Z$`).MatchString(tb.top) {
		t.Errorf("top folder %q", tb.top)
	}
	if cm := tb.cluster(t); len(cm.Nodes) != 1 || cm.Nodes[0].Tools != "image" || cm.Debug.Tools != "image" {
		t.Errorf("manifest: %+v", cm)
	}
	if left, _ := os.ReadDir(r.dir); len(left) != 0 {
		t.Errorf("--stdout left %d files in the working folder", len(left))
	}
}

// TestClusterUsage checks --help, --dry-run and what is refused.
func TestClusterUsage(t *testing.T) {
	two := fakeCluster{nodes: []string{"node-a", "node-b"}}
	tests := []struct {
		name    string
		cluster fakeCluster
		noPath  bool
		args    []string
		code    int
		stdout  string // regexp
		stderr  string // regexp
	}{
		{"help", two, false, []string{"--help"}, 0, `(?s)--nodes A,B.*--selector SEL.*--dry-run.*--parallel N.*--timeout SEC.*--image IMAGE.*--tools WHICH.*--namespace NS.*--kubeconfig FILE.*--context NAME.*--output FILE.*--stdout`, `^$`},
		{"version", two, false, []string{"--version"}, 0, `^ipvslint-collect-cluster \d+\.\d+\.\d+\n$`, `^$`},
		{"dry run", two, false, []string{"--dry-run", "--parallel", "8"}, 0, `^node-a\nnode-b\n$`,
			`would collect 2 node\(s\), 2 at a time.*\n.*would run for node-a: kubectl debug node/node-a --profile=sysadmin --image=busybox:1.36 -i -- sh -c <prologue> ipvslint-collect auto <collect.sh> --node node-a --no-cluster --stdout --timeout 20\n`},
		{"unknown", two, false, []string{"--bogus"}, 2, `^$`, `unknown option: --bogus`},
		{"no value", two, false, []string{"--nodes"}, 2, `^$`, `--nodes needs a value`},
		{"zero parallel", two, false, []string{"--parallel", "0"}, 2, `^$`, `--parallel: not a positive number: 0`},
		{"bad timeout", two, false, []string{"--timeout=1m"}, 2, `^$`, `--timeout: not a positive number: 1m`},
		{"bad tools", two, false, []string{"--tools", "both"}, 2, `^$`, `--tools: not auto, host or image: both`},
		{"bad image", two, false, []string{"--image", "busybox; reboot"}, 2, `^$`, `--image: not an image reference`},
		{"bad namespace", two, false, []string{"-n", "Kube System"}, 2, `^$`, `--namespace: not a namespace name`},
		{"nodes and selector", two, false, []string{"--nodes", "a", "-l", "x=y"}, 2, `^$`, `--nodes and --selector exclude each other`},
		{"output and stdout", two, false, []string{"--stdout", "-o", "x.tgz"}, 2, `^$`, `--output and --stdout exclude each other`},
		{"no output dir", two, false, []string{"-o", "/nonexistent/x.tgz"}, 2, `^$`, `--output: not a directory: /nonexistent`},
		{"bad node", two, false, []string{"--nodes", "node-a,Node_B"}, 2, `^$`, `not a Kubernetes node name: Node_B`},
		{"no nodes", fakeCluster{}, false, []string{"-l", "pool=none"}, 2, `^$`, `no node to collect matches pool=none`},
		{"api down", fakeCluster{down: true}, false, nil, 2, `^$`, `cannot list the nodes: kubectl get nodes .*: The connection to the server localhost:8080 was refused`},
		{"no kubectl", fakeCluster{noKubectl: true}, true, nil, 2, `^$`, `kubectl not found in PATH`},
	}
	sh := shells(t)[0]
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runScript(t, env{sh: sh, cluster: &tt.cluster, noPath: tt.noPath}, tt.args...)
			r.check(t, tt.code, tt.stdout, tt.stderr)
			for _, c := range r.calls(t) {
				if !strings.HasPrefix(c, "get nodes") && c != "" {
					t.Errorf("kubectl %s", c)
				}
			}
			if left, _ := os.ReadDir(r.dir); len(left) != 0 {
				t.Errorf("%d files left in the working folder", len(left))
			}
		})
	}
}

// TestClusterSource runs collect-cluster.sh as it is in the repository: it
// reads collect.sh beside it, and refuses to run without it.
func TestClusterSource(t *testing.T) {
	src, err := filepath.Abs("collect-cluster.sh")
	if err != nil {
		t.Fatal(err)
	}
	alone := filepath.Join(t.TempDir(), "collect-cluster.sh")
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(alone, data, 0o644); err != nil {
		t.Fatal(err)
	}
	sh := shells(t)[0]
	for _, tt := range []struct {
		name, script string
		code         int
		stderr       string
	}{
		{"beside collect.sh", src, 0, "would collect 1 node(s)"},
		{"alone", alone, 2, "collect.sh not found beside this script: get both in one with ipvslint collect-script --cluster"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := runScript(t, env{sh: sh, script: tt.script, cluster: &fakeCluster{nodes: []string{"node-a"}}}, "--dry-run")
			if r.code != tt.code || !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("exit code %d, want %d; stderr:\n%s", r.code, tt.code, r.stderr)
			}
		})
	}
}

// TestClusterScript: ClusterScript is collect-cluster.sh with collect.sh,
// byte for byte, as a here-document in its node_collector function.
func TestClusterScript(t *testing.T) {
	src, err := os.ReadFile("collect-cluster.sh")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Count(src, []byte(collectorBegin)) != 1 || bytes.Count(src, []byte(collectorEnd)) != 1 {
		t.Fatalf("collect-cluster.sh must hold %q and %q once each", collectorBegin, collectorEnd)
	}
	if slices.Contains(strings.Split(string(Script), "\n"), hereDelimiter) {
		t.Fatalf("collect.sh holds a line %q, which would end its here-document", hereDelimiter)
	}
	got := ClusterScript()
	heredoc := slices.Concat([]byte("node_collector() {\n\tcat <<'"+hereDelimiter+"'\n"), Script, []byte(hereDelimiter+"\n}\n"))
	if bytes.Count(got, heredoc) != 1 || bytes.Contains(got, []byte("collect.sh:begin")) || bytes.Contains(got, []byte(`dirname -- "$0")/collect.sh`)) {
		t.Error("ClusterScript does not hold collect.sh as the here-document of node_collector, and only that")
	}
	if !bytes.HasPrefix(got, src[:bytes.Index(src, []byte("node_collector() {"))]) {
		t.Error("ClusterScript does not start as collect-cluster.sh")
	}
}
