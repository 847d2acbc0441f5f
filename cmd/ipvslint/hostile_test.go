package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ipvslint/ipvslint/analyze/bundle"
	"github.com/ipvslint/ipvslint/internal/examples"
)

// The limits every run of TestHostile is held to. Go reserves address space
// well beyond what it touches, so the address-space limit (RLIMIT_AS) is
// generous; GOMEMLIMIT makes the collector work hard long before it; the
// peak resident set each run must stay under is measured from the exit
// rusage.
const (
	hostileAddressSpace = 2 << 30
	hostileGoMemLimit   = "512MiB"
	hostilePeakRSS      = 600 << 20
	hostileTimeout      = 60 * time.Second
)

// The test binary doubles as the launcher of the runs of TestHostile, and
// as a memory hog for the control runs of TestHostileLimits.
//
// The peak RSS the kernel reports for a child counts the memory of the
// process it was started from (Go starts children with vfork, and exec
// keeps the peak of the memory it replaces), so the big test process
// cannot measure its children directly. A fresh copy of the test binary,
// small, runs each program instead: it sets the address-space limit,
// runs the program, writes the program's peak RSS to file descriptor 3
// and exits with its exit code.
const (
	launchEnv = "IPVSLINT_TEST_LAUNCH" // run os.Args[1:] under the limit
	hogEnv    = "IPVSLINT_TEST_HOG"    // allocate and touch this many bytes, then exit
)

func init() {
	if os.Getenv(launchEnv) != "" {
		os.Exit(launch(os.Args[1], os.Args[2:]...))
	}
	if s := os.Getenv(hogEnv); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			panic(err)
		}
		b := make([]byte, n)
		for i := 0; i < n; i += 4096 {
			b[i] = 1
		}
		os.Exit(0)
	}
}

// launch runs a program under the address-space limit and returns its exit
// code; it reports the program's peak RSS in KiB on file descriptor 3.
func launch(prog string, args ...string) int {
	lim := &syscall.Rlimit{Cur: hostileAddressSpace, Max: hostileAddressSpace}
	if err := syscall.Setrlimit(syscall.RLIMIT_AS, lim); err != nil {
		fmt.Fprintln(os.Stderr, "launch:", err)
		return 125
	}
	cmd := exec.Command(prog, args...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, launchEnv+"=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		fmt.Fprintln(os.Stderr, "launch:", err)
		return 125
	}
	ru, _ := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if ru != nil {
		fmt.Fprintln(os.NewFile(3, "rusage"), ru.Maxrss)
	}
	return cmd.ProcessState.ExitCode()
}

// outcome is what one command must do with a hostile input.
type outcome struct {
	code   int
	stderr []string // words stderr must hold
	// report holds words the -o file must hold. When nil, the run must
	// leave no -o file (the bundle was refused: nothing half-written).
	report []string
}

// hostileCase is one hostile input, run through inspect and analyze.
type hostileCase struct {
	name string
	// input writes the input under dir and returns the BUNDLE argument;
	// root is the directory that holds dir and the run directories.
	input   func(t *testing.T, root, dir string) string
	want    outcome  // of both commands
	analyze *outcome // of analyze, when it differs from inspect
}

// refusedAs is the outcome of an input refused as a whole: exit 2, the
// words in the message, no report.
func refusedAs(words ...string) outcome { return outcome{code: 2, stderr: words} }

// TestHostile runs the built binary on hostile bundles (bundle-format.md,
// "Archives"): each run ends in exit 2 with a clear message or in a partial
// analysis with warnings, never in a panic, never writes outside -o, and
// stays under the memory limit and the timeout. The warnings of reading
// (skipped lines, checksums, ignored files) are checked in the inspect
// report: the analysis report does not list them.
func TestHostile(t *testing.T) {
	healthy := readTree(t, filepath.Join(examples.Dir(t), "healthy"))
	tests := []hostileCase{
		{
			name: "traversal.tar.gz",
			input: func(t *testing.T, _, dir string) string {
				return writeTgz(t, dir, "traversal.tar.gz", withEntries(healthy, tarEntry{name: "../escaped", body: "pwned\n"}))
			},
			want: refusedAs(`entry "../escaped": refused: path escapes the bundle`),
		},
		{
			name: "traversal-deep.tar.gz",
			input: func(t *testing.T, _, dir string) string {
				return writeTgz(t, dir, "traversal.tar.gz", []tarEntry{{name: "nodes/../../../escaped", body: "pwned\n"}})
			},
			want: refusedAs(`entry "nodes/../../../escaped": refused: path escapes the bundle`),
		},
		{
			name: "traversal.zip",
			input: func(t *testing.T, _, dir string) string {
				return writeZip(t, dir, "traversal.zip", withEntries(healthy, tarEntry{name: "../escaped", body: "pwned\n"}))
			},
			want: refusedAs(`entry "../escaped": refused: path escapes the bundle`),
		},
		{
			name: "absolute.tar.gz",
			input: func(t *testing.T, root, dir string) string {
				return writeTgz(t, dir, "absolute.tar.gz", []tarEntry{{name: filepath.Join(root, "escaped"), body: "pwned\n"}})
			},
			want: refusedAs("escaped", "refused: absolute path"),
		},
		{
			name: "absolute.zip",
			input: func(t *testing.T, root, dir string) string {
				return writeZip(t, dir, "absolute.zip", []tarEntry{{name: filepath.Join(root, "escaped"), body: "pwned\n"}})
			},
			want: refusedAs("escaped", "refused: absolute path"),
		},
		{
			name: "symlink.tar.gz",
			input: func(t *testing.T, _, dir string) string {
				return writeTgz(t, dir, "symlink.tar.gz", withEntries(healthy, tarEntry{name: "nodes/node-b/ipvsadm-save.txt", typ: tar.TypeSymlink, link: "/etc/passwd"}))
			},
			want: refusedAs(`entry "nodes/node-b/ipvsadm-save.txt": refused: symbolic link to "/etc/passwd"`),
		},
		{
			name: "symlink.zip",
			input: func(t *testing.T, _, dir string) string {
				return writeZip(t, dir, "symlink.zip", withEntries(healthy, tarEntry{name: "nodes/node-b/ipvsadm-save.txt", typ: tar.TypeSymlink, link: "/etc/passwd"}))
			},
			want: refusedAs(`entry "nodes/node-b/ipvsadm-save.txt": refused: symbolic link`),
		},
		{
			name: "hardlink.tar.gz",
			input: func(t *testing.T, _, dir string) string {
				return writeTgz(t, dir, "hardlink.tar.gz", withEntries(healthy, tarEntry{name: "nodes/node-b/ipset.txt", typ: tar.TypeLink, link: "/etc/shadow"}))
			},
			want: refusedAs(`entry "nodes/node-b/ipset.txt": refused: hard link to "/etc/shadow"`),
		},
		{
			name: "chardev.tar.gz",
			input: func(t *testing.T, _, dir string) string {
				return writeTgz(t, dir, "chardev.tar.gz", []tarEntry{{name: "nodes/node-a/conntrack.txt", typ: tar.TypeChar}})
			},
			want: refusedAs(`entry "nodes/node-a/conntrack.txt": refused: character device`),
		},
		{
			name: "blockdev.tar.gz",
			input: func(t *testing.T, _, dir string) string {
				return writeTgz(t, dir, "blockdev.tar.gz", []tarEntry{{name: "sda", typ: tar.TypeBlock}})
			},
			want: refusedAs(`entry "sda": refused: block device`),
		},
		{
			name: "fifo.tar.gz",
			input: func(t *testing.T, _, dir string) string {
				return writeTgz(t, dir, "fifo.tar.gz", withEntries(healthy, tarEntry{name: "nodes/node-b/conntrack.txt", typ: tar.TypeFifo}))
			},
			want: refusedAs(`refused: FIFO`),
		},
		{
			name: "fifo.zip",
			input: func(t *testing.T, _, dir string) string {
				return writeZip(t, dir, "fifo.zip", []tarEntry{{name: "pipe", typ: tar.TypeFifo}})
			},
			want: refusedAs(`entry "pipe": refused: FIFO`),
		},
		{
			name: "claims-10GiB.tar.gz",
			input: func(t *testing.T, _, dir string) string {
				return writeZeroTgz(t, dir, "claim.tar.gz", append(zeroFiles(healthy), zeroEntry{name: "nodes/node-b/conntrack.txt", claim: 10 << 30})...)
			},
			want: refusedAs(`entry "nodes/node-b/conntrack.txt": refused: size 10737418240 would exceed the limit of 1073741824 bytes`),
		},
		{
			name: "claims-10GiB.zip",
			input: func(t *testing.T, _, dir string) string {
				return writeZeroZip(t, dir, "claim.zip", 1, 10<<30)
			},
			want: refusedAs(`entry "zeros/0000.bin": refused: size 10737418240 would exceed the limit of 1073741824 bytes`),
		},
		{
			// 1.2 GiB of zeros in 1.2 MB: the first 600 MiB entry is read
			// (through the conntrack parser, before the node's addresses
			// are known), the second would pass the byte limit.
			name: "gzip-bomb.tar.gz",
			input: func(t *testing.T, _, dir string) string {
				return writeZeroTgz(t, dir, "bomb.tar.gz",
					zeroEntry{name: "manifest.json", body: healthy["manifest.json"]},
					zeroEntry{name: "nodes/node-b/conntrack.txt", count: 600},
					zeroEntry{name: "nodes/node-b/ipvsadm-conn.txt", count: 600})
			},
			want: refusedAs(`entry "nodes/node-b/ipvsadm-conn.txt": refused: size 629145600 would exceed the limit of 1073741824 bytes`),
		},
		{
			// A gzip of one loose file: no header to check, the byte
			// meter stops it.
			name: "gzip-bomb.gz",
			input: func(t *testing.T, _, dir string) string {
				return writeZeroTgz(t, dir, "conntrack.txt.gz", zeroEntry{count: 1200})
			},
			want: refusedAs(`conntrack.txt.gz: entry "conntrack.txt": refused: more than 1073741824 bytes`),
		},
		{
			name: "zip-bomb.zip",
			input: func(t *testing.T, _, dir string) string {
				return writeZeroZip(t, dir, "bomb.zip", 130, 8<<20)
			},
			want: refusedAs(`entry "zeros/0128.bin": refused: size 8388608 would exceed the limit of 1073741824 bytes`),
		},
		{
			name: "200000-entries.tar.gz",
			input: func(t *testing.T, _, dir string) string {
				return writeManyTgz(t, dir, "many.tar.gz", 200_000)
			},
			want: refusedAs(`entry "case/f010001.txt": refused: more than 10000 entries`),
		},
		{
			name: "200000-entries.zip",
			input: func(t *testing.T, _, dir string) string {
				return writeManyZip(t, dir, "many.zip", 200_000)
			},
			want: refusedAs(`entry "case/f010001.txt": refused: more than 10000 entries`),
		},
		{
			name: "truncated.tar.gz",
			input: func(t *testing.T, _, dir string) string {
				arg := writeTgz(t, dir, "truncated.tar.gz", withEntries(healthy))
				truncate(t, arg, 0.6)
				return arg
			},
			want: refusedAs("truncated.tar.gz", "damaged archive: truncated"),
		},
		{
			name: "bad-checksum.tar.gz",
			input: func(t *testing.T, _, dir string) string {
				arg := writeTgz(t, dir, "crc.tar.gz", withEntries(healthy))
				flipByte(t, arg, -8) // the gzip trailer's CRC-32
				return arg
			},
			want: refusedAs("crc.tar.gz: damaged archive: gzip: invalid checksum"),
		},
		{
			name: "non-utf8-name.tar.gz",
			input: func(t *testing.T, _, dir string) string {
				return writeTgz(t, dir, "names.tar.gz", withEntries(healthy, tarEntry{name: "nodes/node-b/\xff\xfe.txt", body: "x\n"}))
			},
			want: refusedAs(`entry "nodes/node-b/\xff\xfe.txt": refused: name is not valid UTF-8`),
		},
		{
			name: "control-character-name.zip",
			input: func(t *testing.T, _, dir string) string {
				return writeZip(t, dir, "names.zip", withEntries(healthy, tarEntry{name: "nodes/node-b/\x1b[2J.txt", body: "x\n"}))
			},
			want: refusedAs(`refused: control character in name`),
		},
		{
			// A pasted capture saved under a non-UTF-8 name (Latin-1 ü):
			// read, and named safely.
			name: "non-utf8-name-loose",
			input: func(t *testing.T, _, dir string) string {
				arg := filepath.Join(dir, "paste")
				writeFile(t, filepath.Join(arg, "ipvsadm-m\xfcller.txt"), healthy["nodes/node-b/ipvsadm.txt"])
				return arg
			},
			want:    outcome{code: 0, report: []string{"ipvsadm-m"}},
			analyze: &outcome{code: 0, report: []string{"bundle-incomplete"}},
		},
		{
			name: "manifest-lies.tar.gz",
			input: func(t *testing.T, _, dir string) string {
				files := maps.Clone(healthy)
				files["manifest.json"] = lyingManifest(t, healthy)
				return writeTgz(t, dir, "lies.tar.gz", withEntries(files))
			},
			want:    outcome{code: 0, report: []string{"nodes/node-b/ipvsadm.txt", "does not match manifest.json's"}},
			analyze: &outcome{code: 0, report: []string{"source-ip-lost"}},
		},
		{
			// Symbolic links in a bundle directory are listed, never
			// followed: the capture they replace is missing.
			name: "symlink-outside.dir",
			input: func(t *testing.T, root, dir string) string {
				secret := filepath.Join(root, "secret.txt")
				writeFile(t, secret, healthy["nodes/node-b/ipvsadm.txt"])
				arg := writeDir(t, filepath.Join(dir, "bundle"), healthy)
				link(t, secret, filepath.Join(arg, "nodes/node-b/ipvsadm.txt"))
				link(t, "/", filepath.Join(arg, "nodes/node-x"))
				return arg
			},
			want:    outcome{code: 0, report: []string{"nodes/node-b/ipvsadm.txt", "symbolic link (not followed)"}},
			analyze: &outcome{code: 0, report: []string{"On node-b, ipvsadm is missing"}},
		},
		{
			// A FIFO in a bundle directory is listed, never opened (that
			// would block for ever).
			name: "fifo.dir",
			input: func(t *testing.T, _, dir string) string {
				arg := writeDir(t, filepath.Join(dir, "bundle"), withoutFile(healthy, "nodes/node-b/conntrack.txt"))
				if err := syscall.Mkfifo(filepath.Join(arg, "nodes/node-b/conntrack.txt"), 0o644); err != nil {
					t.Fatal(err)
				}
				return arg
			},
			want:    outcome{code: 0, report: []string{"nodes/node-b/conntrack.txt", "not a regular file"}},
			analyze: &outcome{code: 0, report: []string{"On node-b, conntrack is missing"}},
		},
		{
			name: "50MB-line-in-ipvsadm.dir",
			input: func(t *testing.T, _, dir string) string {
				arg := writeDir(t, filepath.Join(dir, "bundle"), healthy)
				writeLongLine(t, filepath.Join(arg, "nodes/node-b/ipvsadm.txt"), healthy["nodes/node-b/ipvsadm.txt"], 50<<20)
				return arg
			},
			want:    outcome{code: 0, report: []string{"nodes/node-b/ipvsadm.txt:4", "line too long (skipped)"}},
			analyze: &outcome{code: 0, report: []string{"source-ip-lost"}},
		},
		{
			name: "50MB-line-in-conntrack.tar.gz",
			input: func(t *testing.T, _, dir string) string {
				return writeZeroTgz(t, dir, "line.tar.gz", append(zeroFiles(withoutFile(healthy, "nodes/node-b/conntrack.txt")),
					zeroEntry{name: "nodes/node-b/conntrack.txt", chunk: bytes.Repeat([]byte("x"), zeroChunk), count: 50})...)
			},
			want:    outcome{code: 0, report: []string{"nodes/node-b/conntrack.txt:1", "line too long (skipped)"}},
			analyze: &outcome{code: 0, report: []string{"source-ip-lost"}},
		},
		{
			// A big conntrack table before the addresses that key it (a
			// collector's tar follows the directory order): more than
			// snapshot holds in memory, read again once they are known.
			name: "conntrack-first.tar.gz",
			input: func(t *testing.T, _, dir string) string {
				conntrack := healthy["nodes/node-b/conntrack.txt"]
				return writeZeroTgz(t, dir, "first.tar.gz", append([]zeroEntry{
					{name: "nodes/node-b/conntrack.txt", chunk: bytes.Repeat(conntrack, zeroChunk/len(conntrack)), count: 64}},
					zeroFiles(withoutFile(healthy, "nodes/node-b/conntrack.txt"))...)...)
			},
			want:    outcome{code: 0, report: []string{"nodes/node-b/conntrack.txt", "flows"}},
			analyze: &outcome{code: 1, report: []string{"conntrack"}},
		},
		{
			name: "50MB-line-pasted",
			input: func(t *testing.T, _, dir string) string {
				arg := filepath.Join(dir, "paste.txt")
				writeLongLine(t, arg, healthy["nodes/node-b/ipvsadm.txt"], 50<<20)
				return arg
			},
			want:    outcome{code: 0, report: []string{"paste.txt:4", "line too long (skipped)"}},
			analyze: &outcome{code: 0, report: []string{"bundle-incomplete"}},
		},
		{
			name: "50MB-line-in-services.yaml",
			input: func(t *testing.T, _, dir string) string {
				arg := writeDir(t, filepath.Join(dir, "bundle"), healthy)
				writeLongLine(t, filepath.Join(arg, "cluster/services.yaml"), healthy["cluster/services.yaml"], 50<<20)
				return arg
			},
			want: outcome{code: 2, stderr: []string{"cluster/services.yaml:"}, report: []string{"cluster/services.yaml"}},
		},
		{
			// The report is still written; the errors name file and line.
			name: "binary-garbage-everywhere.dir",
			input: func(t *testing.T, _, dir string) string {
				return writeDir(t, filepath.Join(dir, "bundle"), layoutFiles("node-a", garbage))
			},
			want: outcome{code: 2, stderr: []string{"nodes/node-a/ipvsadm.txt:1: ", "nodes/node-a/ip-addr.txt:1: "}, report: []string{"invalid"}},
		},
		{
			name: "binary-garbage-loose",
			input: func(t *testing.T, _, dir string) string {
				arg := filepath.Join(dir, "paste")
				for i := range 8 {
					writeFile(t, filepath.Join(arg, fmt.Sprintf("capture-%d.txt", i)), garbage(fmt.Sprint(i)))
				}
				return arg
			},
			want:    outcome{code: 0, report: []string{"capture-0.txt", "binary data"}},
			analyze: &outcome{code: 0, report: []string{"bundle-incomplete"}},
		},
		{
			name: "every-capture-empty.dir",
			input: func(t *testing.T, _, dir string) string {
				return writeDir(t, filepath.Join(dir, "bundle"), layoutFiles("node-a", func(string) []byte { return nil }))
			},
			want: outcome{code: 0, report: []string{"nodes/node-a/ipvsadm.txt", "empty"}},
			// Empty required captures (but conntrack) are reported.
			analyze: &outcome{code: 0, report: []string{"bundle-incomplete", "nodes/node-a/ipvsadm.txt is empty"}},
		},
	}

	type peak struct {
		name string
		kib  [2]int64
	}
	var peaks []peak
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			arg := tt.input(t, root, filepath.Join(root, "in"))
			p := peak{name: tt.name}
			for i, command := range []string{"inspect", "analyze"} {
				want := tt.want
				if command == "analyze" && tt.analyze != nil {
					want = *tt.analyze
				}
				t.Run(command, func(t *testing.T) {
					p.kib[i] = runHostile(t, root, command, arg, want)
				})
			}
			peaks = append(peaks, p)
		})
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "peak RSS (MiB) under RLIMIT_AS %d MiB, GOMEMLIMIT=%s:\n", hostileAddressSpace>>20, hostileGoMemLimit)
	for _, p := range peaks {
		fmt.Fprintf(&sb, "  %-32s inspect %5.1f  analyze %5.1f\n", p.name, float64(p.kib[0])/1024, float64(p.kib[1])/1024)
	}
	t.Log(sb.String())
}

// runHostile runs one command of the built binary on arg with -o into a
// fresh directory under root, checks its outcome and returns its peak RSS
// in KiB.
func runHostile(t *testing.T, root, command, arg string, want outcome) int64 {
	run := filepath.Join(root, "run-"+command)
	work, out, tmp := filepath.Join(run, "work"), filepath.Join(run, "out"), filepath.Join(run, "tmp")
	for _, d := range []string{work, out, tmp} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	report := filepath.Join(out, "report.txt")
	before := listTree(t, root)

	code, stderr, kib := runLimited(t, work, []string{"TMPDIR=" + tmp, "HOME=" + work},
		ipvslintBin, command, "-o", report, arg)

	if code != want.code {
		t.Errorf("exit code %d, want %d; stderr:\n%s", code, want.code, clipText(stderr))
	}
	for _, w := range want.stderr {
		if !strings.Contains(stderr, w) {
			t.Errorf("stderr does not hold %q:\n%s", w, clipText(stderr))
		}
	}
	for _, trace := range []string{"panic:", "goroutine ", "fatal error:", "runtime error"} {
		if strings.Contains(stderr, trace) {
			t.Errorf("stderr holds %q:\n%s", trace, clipText(stderr))
		}
	}
	if kib<<10 > hostilePeakRSS {
		t.Errorf("peak RSS %d MiB, over %d MiB", kib>>10, hostilePeakRSS>>20)
	}

	after := listTree(t, root)
	wantAfter := before
	if want.report != nil {
		wantAfter = append(slices.Clone(before), report)
		slices.Sort(wantAfter)
		data, err := os.ReadFile(report)
		if err != nil {
			t.Fatalf("no report: %v; stderr:\n%s", err, clipText(stderr))
		}
		for _, w := range want.report {
			if !bytes.Contains(data, []byte(w)) {
				t.Errorf("report does not hold %q:\n%s", w, clipText(string(data)))
			}
		}
	}
	if !slices.Equal(after, wantAfter) {
		t.Errorf("files written: %q\nwant only the report: %q", diffNames(after, before), diffNames(wantAfter, before))
	}
	return kib
}

// runLimited runs a program under the address-space limit, GOMEMLIMIT and
// the timeout, in dir with env added, and returns its exit code, its
// stderr and its peak RSS in KiB.
func runLimited(t *testing.T, dir string, env []string, prog string, args ...string) (code int, stderr string, kib int64) {
	t.Helper()
	self, err := os.Executable()
	check(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), hostileTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, self, append([]string{prog}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), append([]string{launchEnv + "=1", "GOMEMLIMIT=" + hostileGoMemLimit, "NO_COLOR=1"}, env...)...)
	// The timeout kills the launcher and the program with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	rusage, w, err := os.Pipe()
	check(t, err)
	defer rusage.Close()
	cmd.ExtraFiles = []*os.File{w}
	var errBuf bytes.Buffer
	cmd.Stdout, cmd.Stderr = io.Discard, &errBuf
	start := time.Now()
	err = cmd.Start()
	w.Close()
	check(t, err)
	report, _ := io.ReadAll(rusage)
	err = cmd.Wait()
	if ctx.Err() != nil {
		t.Fatalf("still running after %v", hostileTimeout)
	}
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatal(err)
	}
	kib, err = strconv.ParseInt(strings.TrimSpace(string(report)), 10, 64)
	if err != nil {
		t.Fatalf("no peak RSS from the launcher (%v); stderr:\n%s", err, clipText(errBuf.String()))
	}
	t.Logf("exit %d in %v, peak RSS %.1f MiB", cmd.ProcessState.ExitCode(), time.Since(start).Round(time.Millisecond), float64(kib)/1024)
	return cmd.ProcessState.ExitCode(), errBuf.String(), kib
}

// TestHostileLimits checks the harness of TestHostile on the test binary
// itself: an allocation past the address-space limit fails, and the peak
// RSS of one under it is measured.
func TestHostileLimits(t *testing.T) {
	self, err := os.Executable()
	check(t, err)
	dir := t.TempDir()
	code, stderr, _ := runLimited(t, dir, []string{hogEnv + "=" + strconv.Itoa(hostileAddressSpace+512<<20)}, self)
	if code == 0 || !strings.Contains(stderr, "out of memory") {
		t.Errorf("allocating past the limit: exit %d, stderr:\n%s", code, clipText(stderr))
	}
	const touched = 200 << 20
	code, stderr, kib := runLimited(t, dir, []string{hogEnv + "=" + strconv.Itoa(touched)}, self)
	if code != 0 || kib<<10 < touched {
		t.Errorf("allocating %d MiB: exit %d, peak RSS %d MiB; stderr:\n%s", touched>>20, code, kib>>10, clipText(stderr))
	}
}

// listTree returns every path under root, sorted.
func listTree(t *testing.T, root string) []string {
	t.Helper()
	var names []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		names = append(names, p)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(names)
	return names
}

// diffNames returns the names in a but not in b.
func diffNames(a, b []string) []string {
	var d []string
	for _, n := range a {
		if !slices.Contains(b, n) {
			d = append(d, n)
		}
	}
	return d
}

// clipText cuts long output for failure messages.
func clipText(s string) string {
	if len(s) > 4000 {
		return s[:4000] + "…"
	}
	return s
}

// readTree reads the files of a bundle directory, by slash path.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		if rel = filepath.ToSlash(rel); !strings.HasPrefix(rel, "want") {
			files[rel], err = os.ReadFile(p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// withoutFile returns a copy of files without name.
func withoutFile(files map[string][]byte, name string) map[string][]byte {
	c := maps.Clone(files)
	delete(c, name)
	return c
}

// tarEntry is an entry of a test archive.
type tarEntry struct {
	name string
	body string
	typ  byte // tar type; 0 for a regular file
	link string
}

// withEntries returns the files as archive entries, sorted, followed by
// extra.
func withEntries(files map[string][]byte, extra ...tarEntry) []tarEntry {
	var es []tarEntry
	for _, name := range slices.Sorted(maps.Keys(files)) {
		es = append(es, tarEntry{name: name, body: string(files[name])})
	}
	return append(es, extra...)
}

// layoutFiles returns a manifest and every file of the layout for one node,
// with the bodies body makes from their paths.
func layoutFiles(node string, body func(path string) []byte) map[string][]byte {
	files := map[string][]byte{"manifest.json": []byte(`{"format": "ipvslint.bundle/v1", "node": "` + node + `"}`)}
	for _, e := range bundle.ClusterFiles {
		p := bundle.ClusterDir + "/" + e.Name
		files[p] = body(p)
	}
	for _, e := range bundle.NodeFiles {
		p := bundle.NodesDir + "/" + node + "/" + e.Name
		files[p] = body(p)
	}
	return files
}

// garbage returns 64 KiB of random bytes, the same for the same seed.
func garbage(seed string) []byte {
	var s [32]byte
	copy(s[:], seed)
	b := make([]byte, 64<<10)
	rand.NewChaCha8(s).Read(b)
	return b
}

// lyingManifest returns the bundle's manifest.json with a wrong sha256 for
// every file.
func lyingManifest(t *testing.T, files map[string][]byte) []byte {
	var sb strings.Builder
	sb.WriteString(`{"format": "ipvslint.bundle/v1", "node": "node-b", "createdAt": "2026-11-25T10:15:00Z", "files": [`)
	for i, name := range slices.Sorted(maps.Keys(files)) {
		if i > 0 {
			sb.WriteString(",")
		}
		fmt.Fprintf(&sb, `{"path": %q, "command": "cat", "exitCode": 0, "sha256": "%064x"}`, name, i+1)
	}
	sb.WriteString("]}\n")
	return []byte(sb.String())
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// writeDir writes files under dir and returns dir.
func writeDir(t *testing.T, dir string, files map[string][]byte) string {
	t.Helper()
	for name, data := range files {
		writeFile(t, filepath.Join(dir, filepath.FromSlash(name)), data)
	}
	return dir
}

func link(t *testing.T, target, name string) {
	t.Helper()
	os.Remove(name)
	if err := os.Symlink(target, name); err != nil {
		t.Fatal(err)
	}
}

// writeLongLine writes a capture with a line of n bytes after its third
// line, streaming.
func writeLongLine(t *testing.T, path string, capture []byte, n int) {
	t.Helper()
	lines := bytes.SplitAfterN(capture, []byte("\n"), 4)
	f := create(t, path)
	for _, l := range lines[:3] {
		f.Write(l)
	}
	chunk := bytes.Repeat([]byte("-> 10.0.0.1:80 "), 4096)
	for written := 0; written < n; written += len(chunk) {
		f.Write(chunk)
	}
	f.Write([]byte("\n"))
	if len(lines) > 3 {
		f.Write(lines[3])
	}
	closeFile(t, f)
}

// create creates a file and its directory.
func create(t *testing.T, path string) *os.File {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func closeFile(t *testing.T, f *os.File) {
	t.Helper()
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// writeTgz writes a tar.gz of entries under dir and returns its path.
func writeTgz(t *testing.T, dir, name string, entries []tarEntry) string {
	t.Helper()
	path := filepath.Join(dir, name)
	f := create(t, path)
	zw := gzip.NewWriter(f)
	tw := tar.NewWriter(zw)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Typeflag: e.typ, Linkname: e.link, Mode: 0o644, Size: int64(len(e.body)), Format: tar.FormatPAX}
		if e.typ == 0 {
			h.Typeflag = tar.TypeReg
		} else {
			h.Size = 0
		}
		check(t, tw.WriteHeader(h))
		_, err := io.WriteString(tw, e.body)
		check(t, err)
	}
	check(t, tw.Close())
	check(t, zw.Close())
	closeFile(t, f)
	return path
}

// writeZip writes a zip of entries under dir and returns its path.
func writeZip(t *testing.T, dir, name string, entries []tarEntry) string {
	t.Helper()
	path := filepath.Join(dir, name)
	f := create(t, path)
	zw := zip.NewWriter(f)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
		body := e.body
		switch e.typ {
		case 0:
			h.SetMode(0o644)
		case tar.TypeSymlink:
			h.SetMode(fs.ModeSymlink | 0o777)
			body = e.link
		case tar.TypeFifo:
			h.SetMode(fs.ModeNamedPipe | 0o644)
		default:
			t.Fatalf("zip entry type %q", e.typ)
		}
		w, err := zw.CreateHeader(h)
		check(t, err)
		_, err = io.WriteString(w, body)
		check(t, err)
	}
	check(t, zw.Close())
	closeFile(t, f)
	return path
}

// zeroEntry is an entry of a tar.gz written by writeZeroTgz: a header and
// body, or a header and count times chunk (zeroChunk zeros by default), or
// a header claiming claim bytes and nothing after it. An entry without a
// name is the stream's only content (a gzip of one file).
type zeroEntry struct {
	name  string
	body  []byte
	chunk []byte
	count int
	claim int64
}

const zeroChunk = 1 << 20

// zeroFiles returns files as entries for writeZeroTgz, sorted.
func zeroFiles(files map[string][]byte) []zeroEntry {
	var es []zeroEntry
	for _, name := range slices.Sorted(maps.Keys(files)) {
		es = append(es, zeroEntry{name: name, body: files[name]})
	}
	return es
}

// writeZeroTgz writes a tar.gz of files and entries under dir as a series
// of gzip members (which a gzip reader reads as one stream): a large entry
// is the same compressed chunk repeated, so that the archive is a thousand
// times smaller than what it unpacks to and is never held in memory.
func writeZeroTgz(t *testing.T, dir, name string, entries ...zeroEntry) string {
	t.Helper()
	path := filepath.Join(dir, name)
	f := create(t, path)
	member := func(data []byte) {
		zw, err := gzip.NewWriterLevel(f, gzip.BestCompression)
		check(t, err)
		_, err = zw.Write(data)
		check(t, err)
		check(t, zw.Close())
	}
	header := func(name string, size int64) {
		var buf bytes.Buffer
		tw := tar.NewWriter(&buf)
		check(t, tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: size, Typeflag: tar.TypeReg}))
		member(buf.Bytes())
	}
	pad := func(n int64) { member(make([]byte, -n&511)) }
	for _, e := range entries {
		switch {
		case e.claim > 0:
			header(e.name, e.claim)
			closeFile(t, f)
			return path
		case e.count > 0:
			chunk := e.chunk
			if chunk == nil {
				chunk = make([]byte, zeroChunk)
			}
			size := int64(len(chunk)) * int64(e.count)
			if e.name != "" {
				header(e.name, size)
			}
			var buf bytes.Buffer
			zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
			check(t, err)
			_, err = zw.Write(chunk)
			check(t, err)
			check(t, zw.Close())
			for range e.count {
				_, err := f.Write(buf.Bytes())
				check(t, err)
			}
			if e.name != "" {
				pad(size)
			}
		default:
			header(e.name, int64(len(e.body)))
			member(e.body)
			pad(int64(len(e.body)))
		}
	}
	if entries[len(entries)-1].name != "" {
		member(make([]byte, 1024)) // end of archive
	}
	closeFile(t, f)
	return path
}

// writeZeroZip writes a zip of n entries of size zeros each under dir, every
// one the same deflated chunk, and returns its path. A size over a few MiB
// is only claimed: the entry holds a few bytes.
func writeZeroZip(t *testing.T, dir, name string, n int, size uint64) string {
	t.Helper()
	body := make([]byte, min(size, 8<<20))
	var raw bytes.Buffer
	fw, err := flate.NewWriter(&raw, flate.BestCompression)
	check(t, err)
	_, err = fw.Write(body)
	check(t, err)
	check(t, fw.Close())
	path := filepath.Join(dir, name)
	f := create(t, path)
	zw := zip.NewWriter(f)
	for i := range n {
		h := &zip.FileHeader{Name: fmt.Sprintf("zeros/%04d.bin", i), Method: zip.Deflate,
			CRC32: crc32.ChecksumIEEE(body), CompressedSize64: uint64(raw.Len()), UncompressedSize64: size}
		h.SetMode(0o644)
		w, err := zw.CreateRaw(h)
		check(t, err)
		_, err = w.Write(raw.Bytes())
		check(t, err)
	}
	check(t, zw.Close())
	closeFile(t, f)
	return path
}

// writeManyTgz writes a tar.gz of n tiny files in one folder.
func writeManyTgz(t *testing.T, dir, name string, n int) string {
	t.Helper()
	path := filepath.Join(dir, name)
	f := create(t, path)
	zw, err := gzip.NewWriterLevel(f, gzip.BestSpeed)
	check(t, err)
	tw := tar.NewWriter(zw)
	for i := range n {
		check(t, tw.WriteHeader(&tar.Header{Name: fmt.Sprintf("case/f%06d.txt", i+1), Mode: 0o644, Size: 2, Typeflag: tar.TypeReg}))
		_, err := tw.Write([]byte("x\n"))
		check(t, err)
	}
	check(t, tw.Close())
	check(t, zw.Close())
	closeFile(t, f)
	return path
}

// writeManyZip writes a zip of n tiny stored files in one folder.
func writeManyZip(t *testing.T, dir, name string, n int) string {
	t.Helper()
	path := filepath.Join(dir, name)
	f := create(t, path)
	zw := zip.NewWriter(f)
	for i := range n {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("case/f%06d.txt", i+1), Method: zip.Store})
		check(t, err)
		_, err = w.Write([]byte("x\n"))
		check(t, err)
	}
	check(t, zw.Close())
	closeFile(t, f)
	return path
}

// truncate cuts a file to a fraction of its size.
func truncate(t *testing.T, path string, fraction float64) {
	t.Helper()
	fi, err := os.Stat(path)
	check(t, err)
	check(t, os.Truncate(path, int64(float64(fi.Size())*fraction)))
}

// flipByte inverts the byte at offset from the end of a file.
func flipByte(t *testing.T, path string, fromEnd int) {
	t.Helper()
	data, err := os.ReadFile(path)
	check(t, err)
	data[len(data)+fromEnd] ^= 0xff
	check(t, os.WriteFile(path, data, 0o644))
}

func check(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
