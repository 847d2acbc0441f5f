package bundle

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ipvslint/ipvslint/internal/testref"
)

const (
	ipvsadmTxt = "IP Virtual Server version 1.2.1 (size=4096)\n" +
		"Prot LocalAddress:Port Scheduler Flags\n" +
		"  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n" +
		"TCP  10.96.0.1:443 rr\n" +
		"  -> 192.168.10.11:6443           Masq    1      4          0         \n"
	ipAddrTxt = "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000\n" +
		"    inet 127.0.0.1/8 scope host lo\n"
	conntrackTxt = "tcp      6 431998 ESTABLISHED src=10.244.1.5 dst=10.96.0.10 sport=43210 dport=53 " +
		"src=10.244.2.7 dst=10.244.1.5 sport=53 dport=43210 [ASSURED] mark=0 use=1\n"
	servicesYAML = "apiVersion: v1\nitems: []\nkind: List\nmetadata:\n  resourceVersion: \"\"\n"
)

func sum(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// manifestJSON lists ipvsadm.txt with its checksum, ip-addr.txt with a wrong
// one, conntrack.txt without one, a file the bundle lacks and a command that
// was not found.
var manifestJSON = `{
  "format": "ipvslint.bundle/v1",
  "collector": {"name": "ipvslint-collect", "version": "0.1.0"},
  "createdAt": "2026-11-25T10:15:00Z",
  "node": "node-a",
  "redacted": false,
  "unknownKey": [1, 2],
  "files": [
    {"path": "nodes/node-a/ipvsadm.txt", "command": "ipvsadm -Ln", "exitCode": 0,
     "startedAt": "2026-11-25T10:15:01Z", "durationMs": 12, "bytes": 236, "sha256": "` + sum(ipvsadmTxt) + `"},
    {"path": "nodes/node-a/ip-addr.txt", "command": "ip -d addr", "exitCode": 0,
     "startedAt": "2026-11-25T10:15:01Z", "sha256": "` + strings.Repeat("0", 64) + `"},
    {"path": "nodes/node-a/conntrack.txt", "command": "conntrack -L -o extended", "exitCode": 0,
     "startedAt": "2026-11-25T10:15:02Z", "stderr": "conntrack v1.4.7 (conntrack-tools): 1 flow entries have been shown.\n"},
    {"path": "nodes/node-a/ss-listen.txt", "command": "ss -Hlntu", "exitCode": 0, "startedAt": "2026-11-25T10:15:02Z"},
    {"command": "ipset list", "exitCode": 127, "startedAt": "2026-11-25T10:15:03Z", "stderr": "sh: 1: ipset: not found\n"}
  ]
}
`

// layoutEntries are the files of a test bundle, deliberately not in layout
// order.
var layoutEntries = []entry{
	{name: "nodes/node-a/conntrack.txt", body: conntrackTxt},
	{name: "nodes/node-a/ipvsadm.txt", body: ipvsadmTxt},
	{name: "manifest.json", body: manifestJSON},
	{name: "cluster/services.yaml", body: servicesYAML},
	{name: "nodes/node-a/ip-addr.txt", body: ipAddrTxt},
	{name: "nodes/node-a/notes.txt", body: "checked with the customer\n"},
	{name: "README.txt", body: "bundle of node-a\n"},
	{name: "nodes/node-b/ipvsadm.txt", body: ipvsadmTxt},
}

func wrapped(prefix string, entries []entry) []entry {
	out := []entry{{name: prefix + "/", typ: tar.TypeDir}}
	for _, e := range entries {
		e.name = prefix + "/" + e.name
		out = append(out, e)
	}
	return out
}

func TestReadLayout(t *testing.T) {
	const wrapper = "ipvslint-node-a-20261125T101500Z"
	capture := func(path string) got {
		e, node, ok := lookup(path)
		if !ok {
			t.Fatalf("%s is not a layout file", path)
		}
		body := map[string]string{"ipvsadm.txt": ipvsadmTxt, "ip-addr.txt": ipAddrTxt, "conntrack.txt": conntrackTxt, "services.yaml": servicesYAML}[e.Name]
		return got{Path: path, Node: node, Kind: e.Kind, Line: 1, Command: e.Command, Body: body}
	}
	// Archives read as a stream keep the archive's order; directories and
	// zips are read in layout order.
	streamOrder := []got{
		capture("nodes/node-a/conntrack.txt"), capture("nodes/node-a/ipvsadm.txt"), capture("cluster/services.yaml"),
		capture("nodes/node-a/ip-addr.txt"), capture("nodes/node-b/ipvsadm.txt"),
	}
	layoutOrder := []got{
		capture("cluster/services.yaml"), capture("nodes/node-a/ip-addr.txt"), capture("nodes/node-a/ipvsadm.txt"),
		capture("nodes/node-a/conntrack.txt"), capture("nodes/node-b/ipvsadm.txt"),
	}
	streamIgnored := []Ignored{
		{Path: "nodes/node-a/notes.txt", Reason: "not a file of the bundle layout"},
		{Path: "README.txt", Reason: "not a file of the bundle layout"},
	}
	layoutIgnored := []Ignored{streamIgnored[1], streamIgnored[0]}

	dir := t.TempDir()
	layoutDir := filepath.Join(dir, "layout")
	for _, e := range layoutEntries {
		writeFile(t, layoutDir, e.name, []byte(e.body))
	}
	wrappedDir := filepath.Join(dir, "wrapped")
	for _, e := range layoutEntries {
		writeFile(t, wrappedDir, wrapper+"/"+e.name, []byte(e.body))
	}
	tests := []struct {
		name    string
		arg     string
		format  string
		root    string
		want    []got
		ignored []Ignored
	}{
		{"tar.gz", writeFile(t, dir, "bundle.tgz", gzipBytes(t, tarBytes(t, layoutEntries))), "tar.gz", "", streamOrder, streamIgnored},
		{"tar.gz wrapped", writeFile(t, dir, "wrapped.tar.gz", gzipBytes(t, tarBytes(t, wrapped(wrapper, layoutEntries)))), "tar.gz", wrapper, streamOrder, streamIgnored},
		{"tar", writeFile(t, dir, "bundle.tar", tarBytes(t, layoutEntries)), "tar", "", streamOrder, streamIgnored},
		{"zip", writeFile(t, dir, "bundle.zip", zipBytes(t, layoutEntries)), "zip", "", layoutOrder, layoutIgnored},
		{"zip wrapped", writeFile(t, dir, "wrapped.zip", zipBytes(t, wrapped(wrapper, layoutEntries))), "zip", wrapper, layoutOrder, layoutIgnored},
		{"dir", layoutDir, "dir", "", layoutOrder, layoutIgnored},
		{"dir wrapped", wrappedDir, "dir", wrapper, layoutOrder, layoutIgnored},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			caps, b, err := readAll(t, tt.arg, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(caps, tt.want) {
				t.Errorf("captures:\n%+v\nwant:\n%+v", caps, tt.want)
			}
			if !reflect.DeepEqual(b.Ignored, tt.ignored) {
				t.Errorf("ignored = %+v, want %+v", b.Ignored, tt.ignored)
			}
			if b.Format != tt.format || b.Root != tt.root || b.Loose || b.Arg != tt.arg {
				t.Errorf("format, root, loose, arg = %q, %q, %v, %q", b.Format, b.Root, b.Loose, b.Arg)
			}
			if want := []string{"node-a", "node-b"}; !slices.Equal(b.Nodes, want) {
				t.Errorf("nodes = %q, want %q", b.Nodes, want)
			}
			wantWarnings := []string{
				"nodes/node-a/ip-addr.txt: sha256 " + sum(ipAddrTxt)[:12] + "… does not match manifest.json's 000000000000…",
				"nodes/node-a/ss-listen.txt: listed in manifest.json but not in the bundle",
			}
			var warnings []string
			for _, w := range b.Warnings {
				warnings = append(warnings, w.String())
			}
			if !slices.Equal(warnings, wantWarnings) {
				t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(warnings, "\n"), strings.Join(wantWarnings, "\n"))
			}
			wantSums := map[string]string{"manifest.json": sum(manifestJSON)}
			for _, c := range tt.want {
				wantSums[c.Path] = sum(c.Body)
			}
			if !reflect.DeepEqual(b.Sums, wantSums) {
				t.Errorf("sums = %v, want %v", b.Sums, wantSums)
			}
			m := b.Manifest
			if m == nil {
				t.Fatal("no manifest")
			}
			wantFile := ManifestFile{Path: "nodes/node-a/ipvsadm.txt", Command: "ipvsadm -Ln", StartedAt: time.Date(2026, 11, 25, 10, 15, 1, 0, time.UTC),
				DurationMs: 12, Bytes: 236, SHA256: sum(ipvsadmTxt)}
			if m.Format != FormatV1 || m.Collector != (Collector{"ipvslint-collect", "0.1.0"}) || m.Node != "node-a" || m.Redacted ||
				!m.CreatedAt.Equal(time.Date(2026, 11, 25, 10, 15, 0, 0, time.UTC)) || len(m.Files) != 5 ||
				m.Files[0] != wantFile || m.Files[4].ExitCode != 127 || m.Files[4].Stderr != "sh: 1: ipset: not found\n" {
				t.Errorf("manifest = %+v", m)
			}
		})
	}
}

func TestReadManifestProblems(t *testing.T) {
	tests := []struct {
		name     string
		manifest string
		warnings []string
	}{
		{"not JSON", "{", []string{"manifest.json: cannot parse: unexpected end of JSON input"}},
		{"bad time", `{"format": "ipvslint.bundle/v1", "createdAt": "yesterday"}`,
			[]string{`manifest.json: cannot parse: parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"`}},
		{"other version", `{"format": "ipvslint.bundle/v2"}`, []string{`manifest.json: unknown format "ipvslint.bundle/v2": read as ipvslint.bundle/v1`}},
		{"cluster bundle with failed nodes", `{"format": "ipvslint.bundle/v1", "nodes": [
			{"name": "n1", "status": "ok", "tools": "host"},
			{"name": "n2", "status": "failed", "error": "cut after 300s (--timeout)"},
			{"name": "n3", "status": "failed", "error": "kubectl debug failed with exit code 1: Error from server (Forbidden)"}]}`,
			[]string{"manifest.json: node n2 was not collected: cut after 300s (--timeout)",
				"manifest.json: node n3 was not collected: kubectl debug failed with exit code 1: Error from server (Forbidden)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, dir, "manifest.json", []byte(tt.manifest))
			writeFile(t, dir, "nodes/n1/ipvsadm.txt", []byte(ipvsadmTxt))
			caps, b, err := readAll(t, dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(caps) != 1 || caps[0].Node != "n1" {
				t.Errorf("captures = %+v", caps)
			}
			var warnings []string
			for _, w := range b.Warnings {
				warnings = append(warnings, w.String())
			}
			if !slices.Equal(warnings, tt.warnings) {
				t.Errorf("warnings = %q, want %q", warnings, tt.warnings)
			}
		})
	}
}

func TestReadArchiveRoots(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		data    []byte
		loose   bool
		root    string
		want    []string // path kind node line
		ignored []Ignored
	}{
		{
			name: "loose files in a tar.gz",
			data: gzipBytes(t, tarBytes(t, []entry{
				{name: "case-1234/", typ: tar.TypeDir},
				{name: "case-1234/node-a.txt", body: "# ipvsadm -Ln\n" + ipvsadmTxt + "# conntrack -L\n" + conntrackTxt},
				{name: "case-1234/svc.yaml", body: servicesYAML},
				{name: "case-1234/screenshot.png", body: "\x89PNG\r\n\x1a\n\x00\x00"},
			})),
			loose: true,
			want: []string{
				"case-1234/node-a.txt ipvsadm node 2", "case-1234/node-a.txt conntrack node 8",
				"case-1234/svc.yaml kube  1",
			},
			ignored: []Ignored{{Path: "case-1234/screenshot.png", Line: 1, Reason: "binary data"}},
		},
		{
			// The first entry does not tell; it is held until the manifest does.
			name: "layout after a stray file",
			data: tarBytes(t, []entry{
				{name: "notes.txt", body: "see ticket\n"},
				{name: "w/nodes/node-a/ipvsadm.txt", body: ipvsadmTxt},
				{name: "w/manifest.json", body: `{"format": "ipvslint.bundle/v1"}`},
			}),
			root:    "w",
			want:    []string{"nodes/node-a/ipvsadm.txt ipvsadm node-a 1"},
			ignored: []Ignored{{Path: "notes.txt", Reason: "outside the bundle root w/"}},
		},
		{
			name: "duplicate entry",
			data: tarBytes(t, []entry{
				{name: "./nodes/node-a/ipvsadm.txt", body: ipvsadmTxt},
				{name: "nodes/node-a/ipvsadm.txt", body: "changed\n"},
			}),
			want:    []string{"nodes/node-a/ipvsadm.txt ipvsadm node-a 1"},
			ignored: []Ignored{{Path: "nodes/node-a/ipvsadm.txt", Reason: "duplicate entry"}},
		},
		{
			name:  "gzip of one file",
			data:  gzipBytes(t, []byte("$ sudo ipvsadm -Ln\n"+ipvsadmTxt)),
			loose: true,
			want:  []string{"one.txt ipvsadm node 2"},
		},
		{
			name:  "empty zip",
			data:  zipBytes(t, nil),
			loose: true,
		},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := fmt.Sprintf("arg%d", i)
			if tt.name == "gzip of one file" {
				name = "one.txt.gz"
			}
			caps, b, err := readAll(t, writeFile(t, dir, name, tt.data), Options{})
			if err != nil {
				t.Fatal(err)
			}
			var list []string
			for _, c := range caps {
				list = append(list, fmt.Sprintf("%s %s %s %d", c.Path, c.Kind, c.Node, c.Line))
			}
			if !slices.Equal(list, tt.want) {
				t.Errorf("captures = %q, want %q", list, tt.want)
			}
			if !reflect.DeepEqual(b.Ignored, tt.ignored) {
				t.Errorf("ignored = %+v, want %+v", b.Ignored, tt.ignored)
			}
			if b.Loose != tt.loose || b.Root != tt.root {
				t.Errorf("loose, root = %v, %q; want %v, %q", b.Loose, b.Root, tt.loose, tt.root)
			}
		})
	}
}

func TestReadDirLinks(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "nodes/node-a/ip-addr.txt", []byte(ipAddrTxt))
	outside := writeFile(t, t.TempDir(), "secret", []byte("IP Virtual Server version 1.2.1 (size=4096)\n"))
	if err := os.Symlink(outside, filepath.Join(dir, "nodes/node-a/ipvsadm.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Dir(outside), filepath.Join(dir, "nodes/node-b")); err != nil {
		t.Fatal(err)
	}
	caps, b, err := readAll(t, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(caps) != 1 || caps[0].Path != "nodes/node-a/ip-addr.txt" {
		t.Errorf("captures = %+v", caps)
	}
	want := []Ignored{
		{Path: "nodes/node-a/ipvsadm.txt", Reason: "symbolic link (not followed)"},
		{Path: "nodes/node-b", Reason: "symbolic link (not followed)"},
	}
	if !reflect.DeepEqual(b.Ignored, want) {
		t.Errorf("ignored = %+v, want %+v", b.Ignored, want)
	}
}

// TestReadHostile feeds archives that try to escape, link, hide devices or
// blow up; each must fail with its exact message and write nothing.
func TestReadHostile(t *testing.T) {
	in := t.TempDir()
	watch := t.TempDir()
	t.Setenv("TMPDIR", watch)
	cwd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	before := listTree(t, cwd)

	zeros := strings.Repeat("\x00", 5<<20)
	var trunc []byte
	{
		var lines strings.Builder
		for i := range 4000 {
			fmt.Fprintf(&lines, "tcp 6 %d ESTABLISHED src=10.244.%d.%d dst=10.96.0.1 sport=%d dport=443\n", i*7919%100000, i%256, i*31%256, 1024+i*13%60000)
		}
		full := gzipBytes(t, tarBytes(t, []entry{{name: "nodes/node-a/conntrack.txt", body: lines.String()}}))
		trunc = full[:len(full)/2]
	}
	badCRC := gzipBytes(t, tarBytes(t, []entry{{name: "nodes/node-a/ipvsadm.txt", body: ipvsadmTxt}}))
	badCRC[len(badCRC)-8] ^= 0xff
	many := []entry{}
	for i := range 5 {
		many = append(many, entry{name: fmt.Sprintf("f%d.txt", i), body: "x\n"})
	}

	tests := []struct {
		name string
		data []byte
		opts Options
		want string
	}{
		{"evil.tar.gz", gzipBytes(t, tarBytes(t, []entry{{name: "nodes/node-a/ipvsadm.txt", body: ipvsadmTxt}, {name: "../evil", body: "x"}})), Options{},
			`evil.tar.gz: entry "../evil": refused: path escapes the bundle`},
		{"abs.tar", tarBytes(t, []entry{{name: "/etc/passwd", body: "root:x:0:0\n"}}), Options{},
			`abs.tar: entry "/etc/passwd": refused: absolute path`},
		{"dotdot.tar.gz", gzipBytes(t, tarBytes(t, []entry{{name: "a/../../b", body: "x"}})), Options{},
			`dotdot.tar.gz: entry "a/../../b": refused: path escapes the bundle`},
		{"backslash.tar", tarBytes(t, []entry{{name: `..\..\evil`, body: "x"}}), Options{},
			`backslash.tar: entry "..\\..\\evil": refused: backslash in name`},
		{"drive.tar", tarBytes(t, []entry{{name: `C:/evil`, body: "x"}}), Options{},
			`drive.tar: entry "C:/evil": refused: absolute path`},
		{"symlink.tar", tarBytes(t, []entry{{name: "nodes/node-a/ipvsadm.txt", typ: tar.TypeSymlink, link: "/etc/shadow"}}), Options{},
			`symlink.tar: entry "nodes/node-a/ipvsadm.txt": refused: symbolic link to "/etc/shadow"`},
		{"hardlink.tar.gz", gzipBytes(t, tarBytes(t, []entry{{name: "x", typ: tar.TypeLink, link: "/etc/passwd"}})), Options{},
			`hardlink.tar.gz: entry "x": refused: hard link to "/etc/passwd"`},
		{"chardev.tar", tarBytes(t, []entry{{name: "dev/null", typ: tar.TypeChar}}), Options{},
			`chardev.tar: entry "dev/null": refused: character device`},
		{"blockdev.tar", tarBytes(t, []entry{{name: "sda", typ: tar.TypeBlock}}), Options{},
			`blockdev.tar: entry "sda": refused: block device`},
		{"fifo.tar", tarBytes(t, []entry{{name: "pipe", typ: tar.TypeFifo}}), Options{},
			`fifo.tar: entry "pipe": refused: FIFO`},
		{"many.tar.gz", gzipBytes(t, tarBytes(t, many)), Options{MaxEntries: 3},
			`many.tar.gz: entry "f3.txt": refused: more than 3 entries`},
		{"many.zip", zipBytes(t, many), Options{MaxEntries: 3},
			`many.zip: entry "f3.txt": refused: more than 3 entries`},
		{"huge.tar", tarBytes(t, []entry{{name: "nodes/node-a/conntrack.txt", size: 10 << 30}}), Options{},
			`huge.tar: entry "nodes/node-a/conntrack.txt": refused: size 10737418240 would exceed the limit of 1073741824 bytes`},
		{"bomb.tar.gz", gzipBytes(t, tarBytes(t, []entry{{name: "conntrack.txt", body: zeros}})), Options{MaxBytes: 1 << 20},
			`bomb.tar.gz: entry "conntrack.txt": refused: size 5242880 would exceed the limit of 1048576 bytes`},
		{"bomb.gz", gzipBytes(t, []byte(zeros)), Options{MaxBytes: 1 << 20},
			`bomb.gz: entry "bomb": refused: more than 1048576 bytes`},
		{"bomb.zip", zipBytes(t, []entry{{name: "zeros.txt", body: zeros}}), Options{MaxBytes: 1 << 20},
			`bomb.zip: entry "zeros.txt": refused: size 5242880 would exceed the limit of 1048576 bytes`},
		{"liar.zip", lyingZip(t, "zeros.txt", []byte(zeros), 10), Options{MaxBytes: 1 << 20},
			`liar.zip: entry "zeros.txt": damaged archive: zip: not a valid zip file`},
		{"truncated.tar.gz", trunc, Options{},
			`truncated.tar.gz: entry "nodes/node-a/conntrack.txt": damaged archive: truncated`},
		{"crc.tar.gz", badCRC, Options{},
			`crc.tar.gz: damaged archive: gzip: invalid checksum`},
		{"utf8.tar", tarBytes(t, []entry{{name: "bad\xff.txt", body: "x"}}), Options{},
			`utf8.tar: entry "bad\xff.txt": refused: name is not valid UTF-8`},
		{"control.tar", tarBytes(t, []entry{{name: "bad\x1b[2J.txt", body: "x"}}), Options{},
			`control.tar: entry "bad\x1b[2J.txt": refused: control character in name`},
		{"evil.zip", zipBytes(t, []entry{{name: "../evil", body: "x"}}), Options{},
			`evil.zip: entry "../evil": refused: path escapes the bundle`},
		{"symlink.zip", zipBytes(t, []entry{{name: "l", typ: tar.TypeSymlink, link: "/etc/passwd"}}), Options{},
			`symlink.zip: entry "l": refused: symbolic link`},
		{"bundle.tar.xz", []byte("\xfd7zXZ\x00\x00\x04"), Options{},
			`bundle.tar.xz: unsupported container: xz (send a directory, .tar.gz, .tar, .zip or plain files)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			arg := writeFile(t, in, tt.name, tt.data)
			_, b, err := readAll(t, arg, tt.opts)
			if err == nil {
				t.Fatalf("no error; bundle %+v", b)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T is not an *Error: %v", err, err)
			}
			if got := strings.TrimPrefix(err.Error(), in+string(filepath.Separator)); got != tt.want {
				t.Errorf("error:\n%s\nwant:\n%s", got, tt.want)
			}
			if b != nil {
				t.Errorf("bundle %+v returned with the error", b)
			}
		})
	}
	if left := listTree(t, watch); len(left) > 0 {
		t.Errorf("files written to TMPDIR: %q", left)
	}
	if after := listTree(t, cwd); !slices.Equal(after, before) {
		t.Errorf("working directory changed: %q, was %q", after, before)
	}
}

func TestErrorIs(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		data []byte
		want error
	}{
		{tarBytes(t, []entry{{name: "../x", body: "x"}}), ErrUnsafePath},
		{tarBytes(t, []entry{{name: "l", typ: tar.TypeSymlink, link: "x"}}), ErrLink},
		{tarBytes(t, []entry{{name: "p", typ: tar.TypeFifo}}), ErrSpecialFile},
		{tarBytes(t, []entry{{name: "a", body: "x"}, {name: "b", body: "x"}}), ErrTooManyEntries},
		{tarBytes(t, []entry{{name: "a", size: 10 << 30}}), ErrTooLarge},
		{gzipBytes(t, []byte("x"))[:10], ErrDamaged},
		{[]byte("\x28\xb5\x2f\xfd...."), ErrUnsupported},
	}
	for i, tt := range tests {
		arg := writeFile(t, dir, fmt.Sprint(i), tt.data)
		_, _, err := readAll(t, arg, Options{MaxEntries: 1})
		if !errors.Is(err, tt.want) {
			t.Errorf("%d: error %v is not %v", i, err, tt.want)
		}
	}
	arg := writeFile(t, dir, "missing-parent/x", nil)
	os.Remove(arg)
	if _, _, err := readAll(t, arg, Options{}); !errors.Is(err, os.ErrNotExist) || err.Error() != arg+": no such file or directory" {
		t.Errorf("missing argument: %v", err)
	}
}

// lyingZip builds a zip whose one entry declares a smaller size than it
// inflates to.
func lyingZip(t testing.TB, name string, data []byte, declared uint64) []byte {
	t.Helper()
	var comp bytes.Buffer
	fw, _ := flate.NewWriter(&comp, flate.BestCompression)
	fw.Write(data)
	fw.Close()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(data),
		CompressedSize64: uint64(comp.Len()), UncompressedSize64: declared})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(comp.Bytes())
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// listTree lists the paths under dir.
func listTree(t testing.TB, dir string) []string {
	t.Helper()
	var list []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != dir {
			list = append(list, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// TestReadReference reads the reference outputs as a directory of loose
// files: each must get the kind it holds.
func TestReadReference(t *testing.T) {
	want := map[string]Kind{
		"conntrack-E-timestamp.txt":        KindConntrack,
		"conntrack-L-2to1-interleaved.txt": KindConntrack,
		"conntrack-L-o-extended.txt":       KindConntrack,
		"conntrack-L-o-xml.txt":            KindConntrack,
		"conntrack-L.stderr.txt":           KindConntrack, // the summary line alone
		"conntrack-L.stdout.txt":           KindConntrack,
		"conntrack-default-sysctls.txt":    KindConntrack,
		"ip-addr.txt":                      KindIPAddr,
		"ip-d-addr.txt":                    KindIPAddr,
		"ip-o-addr.txt":                    KindIPAddr,
		"ip-j-addr.json":                   KindIPAddr,
		"ip-d-j-addr.json":                 KindIPAddr,
		"ipvsadm-Ln.raw.txt":               KindIPVS,
		"ipvsadm-1.31-variants.txt":        KindIPVS, // split at its "===== cmd" banners
		"ipvsadm-noipvs.stderr.txt":        KindIPVS, // failure text
		"proc-net-ip_vs_conn.txt":          KindIPVS,
		"proc-net-nf_conntrack.txt":        KindConntrack,
	}
	dir := testref.Dir(t)
	caps, b, err := readAll(t, dir, Options{Node: "node-b"})
	if err != nil {
		t.Fatal(err)
	}
	gotKinds := map[string]Kind{}
	var variants []string
	for _, c := range caps {
		if c.Path == "ipvsadm-1.31-variants.txt" {
			if c.Kind != KindIPVS {
				t.Errorf("%s:%d (%s): kind %q", c.Path, c.Line, c.Command, c.Kind)
			}
			variants = append(variants, fmt.Sprintf("%d %s", c.Line, c.Command))
			gotKinds[c.Path] = c.Kind
			continue
		}
		if _, dup := gotKinds[c.Path]; dup {
			t.Errorf("%s split into several captures", c.Path)
		}
		gotKinds[c.Path] = c.Kind
		if c.Line != 1 || c.Node != "node-b" || c.Command != "" {
			t.Errorf("%s: line, node, command = %d, %q, %q", c.Path, c.Line, c.Node, c.Command)
		}
		if body := string(testref.Read(t, c.Path)); c.Body != body {
			t.Errorf("%s: body differs from the file", c.Path)
		}
	}
	wantVariants := []string{"2 ipvsadm -Ln --stats", "38 ipvsadm -Ln --rate", "74 ipvsadm -Ln --stats --exact",
		"110 ipvsadm -Ln --thresholds", "146 ipvsadm -Ln --persistent-conn", "182 ipvsadm -Ln --tun-info",
		"218 ipvsadm -Ln -t 10.96.0.1:443", "225 ipvsadm -Lnc", "238 ipvsadm -Lnc --persistent-conn", "251 ipvsadm -Lc",
		"264 ipvsadm -Sn", "297 ipvsadm -Ln --timeout", "299 ipvsadm -L"}
	if !slices.Equal(variants, wantVariants) {
		t.Errorf("ipvsadm-1.31-variants.txt pieces:\n%q\nwant:\n%q", variants, wantVariants)
	}
	if !reflect.DeepEqual(gotKinds, want) {
		t.Errorf("kinds:\n%v\nwant:\n%v", gotKinds, want)
	}
	wantIgnored := []Ignored{{Path: "README.md", Line: 1, Reason: unrecognised}}
	if !reflect.DeepEqual(b.Ignored, wantIgnored) {
		t.Errorf("ignored = %+v, want %+v", b.Ignored, wantIgnored)
	}
	if !b.Loose || b.Format != "dir" || !slices.Equal(b.Nodes, []string{"node-b"}) || len(b.Warnings) != 0 || len(b.Sums) != len(want)+1 {
		t.Errorf("bundle = %+v", b)
	}
}

// FuzzRead reads arbitrary bytes as a bundle argument (loose text, or the
// start of an archive) with small limits: it must not panic, fail only
// with an *Error, and hand over captures whose bytes come from the input.
func FuzzRead(f *testing.F) {
	for _, name := range []string{"ipvsadm-Ln.raw.txt", "conntrack-L-o-xml.txt", "ip-d-j-addr.json", "ipvsadm-noipvs.stderr.txt", "README.md"} {
		f.Add(testref.Read(f, name))
	}
	f.Add([]byte("[root@n ~]# ipvsadm -Ln\r\n" + ipvsadmTxt + "```\n$ conntrack -L\n```text\n" + conntrackTxt + "```\n# not a prompt\n"))
	f.Add(gzipBytes(f, tarBytes(f, layoutEntries)))
	f.Add(tarBytes(f, wrapped("w", layoutEntries)))
	f.Add(zipBytes(f, layoutEntries))
	f.Add(gzipBytes(f, []byte(conntrackTxt)))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		arg := filepath.Join(dir, "arg")
		if err := os.WriteFile(arg, data, 0o644); err != nil {
			t.Fatal(err)
		}
		lastLine := map[string]int{}
		b, err := Read(arg, Options{MaxEntries: 50, MaxBytes: 1 << 20}, func(c Capture, r io.Reader) error {
			body, err := io.ReadAll(r)
			if err != nil {
				return err
			}
			if c.Kind == KindUnknown || c.Line < 1 || c.Path == "" {
				t.Errorf("bad capture %+v", c)
			}
			if c.Line <= lastLine[c.Path] {
				t.Errorf("%s: capture at line %d after one at line %d", c.Path, c.Line, lastLine[c.Path])
			}
			lastLine[c.Path] = c.Line
			if container(data) == "" && !bytes.Contains(data, body) {
				t.Errorf("capture %+v holds bytes the file does not", c)
			}
			return nil
		})
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T is not an *Error: %v", err, err)
			}
			return
		}
		for _, ig := range b.Ignored {
			if ig.Reason == "" || ig.Path == "" {
				t.Errorf("bad ignored %+v", ig)
			}
		}
	})
}

// BenchmarkReadTarGz reads a 100 MB conntrack.txt from a tar.gz bundle:
//
//	go test -run '^$' -bench ReadTarGz ./analyze/bundle/
func BenchmarkReadTarGz(b *testing.B) {
	const size = 100 << 20
	var body bytes.Buffer
	for i := 0; body.Len() < size; i++ {
		fmt.Fprintf(&body, "ipv4     2 tcp      6 431998 ESTABLISHED src=10.244.%d.%d dst=10.96.0.10 sport=%d dport=53 "+
			"src=10.244.2.7 dst=10.244.%d.%d sport=53 dport=%d [ASSURED] mark=0 use=1\n", i>>8&255, i&255, 1024+i%60000, i>>8&255, i&255, 1024+i%60000)
	}
	n := int64(body.Len())
	var tgz bytes.Buffer
	zw, _ := gzipWriterFast(&tgz)
	tw := tar.NewWriter(zw)
	tw.WriteHeader(&tar.Header{Name: "nodes/node-a/conntrack.txt", Mode: 0o644, Size: n, Typeflag: tar.TypeReg})
	tw.Write(body.Bytes())
	tw.Close()
	zw.Close()
	arg := writeFile(b, b.TempDir(), "big.tar.gz", tgz.Bytes())
	body.Reset()
	b.SetBytes(n)
	b.ResetTimer()
	for b.Loop() {
		_, err := Read(arg, Options{}, func(c Capture, r io.Reader) error {
			_, err := io.Copy(io.Discard, r)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// TestReadProgress checks what Options.Progress is told: the bytes of the
// archive file as stored, or of a directory's files, growing to the total.
func TestReadProgress(t *testing.T) {
	dir := t.TempDir()
	var noise strings.Builder // a capture gzip cannot shrink much, read in several pieces
	for i := range 4000 {
		noise.WriteString(sum(fmt.Sprint(i)) + "\n")
	}
	entries := []entry{{name: "b/manifest.json", body: manifestJSON}, {name: "b/nodes/node-a/ipvsadm.txt", body: ipvsadmTxt}, {name: "b/nodes/node-a/ss-listen.txt", body: noise.String()}}
	tgz := writeFile(t, dir, "b.tar.gz", gzipBytes(t, tarBytes(t, entries)))
	tree := filepath.Join(dir, "tree")
	for _, e := range entries {
		writeFile(t, tree, e.name, []byte(e.body))
	}
	treeSize := int64(len(manifestJSON) + len(ipvsadmTxt) + noise.Len())
	fi, err := os.Stat(tgz)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		arg   string
		total int64
	}{{tgz, fi.Size()}, {tree, treeSize}}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.arg), func(t *testing.T) {
			var calls int
			var last, total int64 = -1, -1
			opts := Options{Progress: func(arg string, done, tot int64) {
				if arg != tt.arg || done <= last || (total >= 0 && tot != total) {
					t.Errorf("Progress(%q, %d, %d) after %d of %d", arg, done, tot, last, total)
				}
				calls, last, total = calls+1, done, tot
			}}
			if _, _, err := readAll(t, tt.arg, opts); err != nil {
				t.Fatal(err)
			}
			if calls < 2 || last != tt.total || total != tt.total {
				t.Errorf("%d calls, last %d of %d, want %d of %d", calls, last, total, tt.total, tt.total)
			}
		})
	}
}

// TestReadContext stops the reading of each container partway: the
// callback cancels the context at the first capture, and Read fails with
// the context's error instead of handing over the rest.
func TestReadContext(t *testing.T) {
	dir := t.TempDir()
	entries := []entry{{name: "b/manifest.json", body: manifestJSON}, {name: "b/nodes/node-a/ipvsadm.txt", body: ipvsadmTxt}, {name: "b/nodes/node-b/ipvsadm.txt", body: ipvsadmTxt}}
	tree := filepath.Join(dir, "tree")
	for _, e := range entries {
		writeFile(t, tree, e.name, []byte(e.body))
	}
	for _, arg := range []string{
		writeFile(t, dir, "b.tar.gz", gzipBytes(t, tarBytes(t, entries))),
		writeFile(t, dir, "b.tar", tarBytes(t, entries)),
		writeFile(t, dir, "b.zip", zipBytes(t, entries)),
		tree,
	} {
		t.Run(filepath.Base(arg), func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var handed int
			_, err := Read(arg, Options{Context: ctx}, func(c Capture, r io.Reader) error {
				handed++
				cancel()
				_, err := io.ReadAll(r)
				return err
			})
			if !errors.Is(err, context.Canceled) {
				t.Errorf("Read() error = %v, want %v", err, context.Canceled)
			}
			if handed != 1 {
				t.Errorf("%d captures handed over, want 1", handed)
			}
		})
	}
}
