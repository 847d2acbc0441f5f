package kube

import (
	"strings"
	"testing"

	"github.com/ipvslint/ipvslint/analyze/source"
)

const versionJSON = `{
  "clientVersion": {
    "major": "1",
    "minor": "28",
    "gitVersion": "v1.28.2",
    "gitCommit": "89a4ea3e1e4ddd7f7572286090359983e0387b2f",
    "gitTreeState": "clean",
    "buildDate": "2023-09-13T09:35:06Z",
    "goVersion": "go1.20.8",
    "compiler": "gc",
    "platform": "linux/amd64"
  },
  "kustomizeVersion": "v5.0.4-0.20230601165947-6ce0bf390ce3",
  "serverVersion": {
    "major": "1",
    "minor": "27+",
    "gitVersion": "v1.27.4-eks-2d98532",
    "gitCommit": "3d90c097c72493c2f1a9dd641e4a22d24d15be68",
    "gitTreeState": "clean",
    "buildDate": "2023-07-28T16:51:44Z",
    "goVersion": "go1.20.6",
    "compiler": "gc",
    "platform": "linux/amd64"
  }
}
`

const versionYAML = `clientVersion:
  buildDate: "2023-09-13T09:35:06Z"
  compiler: gc
  gitCommit: 89a4ea3e1e4ddd7f7572286090359983e0387b2f
  gitTreeState: clean
  gitVersion: v1.28.2
  goVersion: go1.20.8
  major: "1"
  minor: "28"
  platform: linux/amd64
kustomizeVersion: v5.0.4-0.20230601165947-6ce0bf390ce3
serverVersion:
  buildDate: "2023-02-15T12:00:00Z"
  compiler: gc
  gitTreeState: clean
  gitVersion: v1.25.3+k3s1
  goVersion: go1.19.2
  major: "1"
  minor: "25"
  platform: linux/amd64
`

func TestParseVersion(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    string // "client server kustomize parsed", then warnings and failure
		wantErr string
	}{
		{name: "json", in: versionJSON, want: "v1.28.2 v1.27.4-eks-2d98532 v5.0.4-0.20230601165947-6ce0bf390ce3 v1.27.4-eks-2d98532"},
		{name: "yaml", in: versionYAML, want: "v1.28.2 v1.25.3+k3s1 v5.0.4-0.20230601165947-6ce0bf390ce3 v1.25.3+k3s1"},
		{name: "text", in: "Client Version: v1.28.2\nKustomize Version: v5.0.4-0.20230601165947-6ce0bf390ce3\nServer Version: v1.24.6-aliyun.1\n",
			want: "v1.28.2 v1.24.6-aliyun.1 v5.0.4-0.20230601165947-6ce0bf390ce3 v1.24.6-aliyun.1"},
		{name: "text CRLF", in: "Client Version: v1.28.2\r\nServer Version: v1.28.2\r\n", want: "v1.28.2 v1.28.2  v1.28.2"},
		{name: "old text", in: `Client Version: version.Info{Major:"1", Minor:"23", GitVersion:"v1.23.17", GitCommit:"953be8927218ec8067e1af2641e540238ffd7576", GitTreeState:"clean", BuildDate:"2023-02-22T13:34:27Z", GoVersion:"go1.19.6", Compiler:"gc", Platform:"linux/amd64"}
Server Version: version.Info{Major:"1", Minor:"23+", GitVersion:"v1.23.17-eks-a5565ad", GitCommit:"61ffc3d1f1d8e3f9c5fdd2dd8ab8e0d7f4a3b5a6", GitTreeState:"clean", BuildDate:"2023-07-20T10:00:00Z", GoVersion:"go1.19.6", Compiler:"gc", Platform:"linux/amd64"}
`, want: "v1.23.17 v1.23.17-eks-a5565ad  v1.23.17-eks-a5565ad"},
		{name: "old text without gitVersion", in: `Server Version: version.Info{Major:"1", Minor:"23+"}` + "\n", want: " v1.23.0  v1.23.0"},
		{name: "client only", in: "Client Version: v1.30.1\nKustomize Version: v5.0.4-0.20230601165947-6ce0bf390ce3\n", want: "v1.30.1  v5.0.4-0.20230601165947-6ce0bf390ce3 -"},
		{name: "connection refused", in: "Client Version: v1.28.2\nKustomize Version: v5.0.4-0.20230601165947-6ce0bf390ce3\nThe connection to the server localhost:8080 was refused - did you specify the right host or port?\n",
			want: "v1.28.2  v5.0.4-0.20230601165947-6ce0bf390ce3 -\nF v.txt:3: The connection to the server localhost:8080 was refused - did you specify the right host or port?"},
		{name: "not found", in: "Error from server (NotFound): the server could not find the requested resource\n",
			want: "   -\nF v.txt:1: Error from server (NotFound): the server could not find the requested resource"},
		{name: "skew warning", in: versionJSON + "WARNING: version difference between client (1.28) and server (1.26) exceeds the supported minor version skew of +/-1\n",
			want: "v1.28.2 v1.27.4-eks-2d98532 v5.0.4-0.20230601165947-6ce0bf390ce3 v1.27.4-eks-2d98532\nW v.txt:26: kubectl warning: \"WARNING: version difference between client (1.28) and server (1.26) exceeds the …\""},
		{name: "odd server version", in: "Server Version: unknown\nFlag --short has been deprecated, and will be removed in the future.\nsomething else\n",
			want: " unknown  -\nW v.txt:2: kubectl warning: \"Flag --short has been deprecated, and will be removed in the future.\"\nW v.txt:3: unknown line: \"something else\"\nW v.txt:1: server version: invalid version \"unknown\": want major.minor.patch"},
		{name: "empty", in: "", want: "   -"},
		{name: "not version", in: "hello: world\n", wantErr: "v.txt:1: not kubectl version output: no clientVersion or serverVersion"},
		{name: "bad json", in: "{\"clientVersion\": \n", wantErr: "v.txt:1: not kubectl version output: unexpected end of JSON input"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := ParseVersion(strings.NewReader(tt.in), source.Pos{File: "v.txt", Line: 1})
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			parsed := "-"
			if v.ServerVersion != nil {
				parsed = v.ServerVersion.String()
			}
			lines := []string{strings.Join([]string{v.Client, v.Server, v.Kustomize, parsed}, " ")}
			for _, w := range v.Warnings {
				lines = append(lines, "W "+w.String())
			}
			if v.Failure != nil {
				lines = append(lines, "F "+v.Failure.Pos.String()+": "+v.Failure.Message)
			}
			if got := strings.Join(lines, "\n"); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestParseGitVersion(t *testing.T) {
	tests := []struct {
		in      string
		want    GitVersion
		wantErr string
	}{
		{in: "v1.28.2", want: GitVersion{Major: 1, Minor: 28, Patch: 2}},
		{in: "1.28.2", want: GitVersion{Major: 1, Minor: 28, Patch: 2}},
		{in: "v1.28", want: GitVersion{Major: 1, Minor: 28}},
		{in: "v1.24.6-aliyun.1", want: GitVersion{Major: 1, Minor: 24, Patch: 6, Pre: "aliyun.1"}},
		{in: "v1.27.4-eks-2d98532", want: GitVersion{Major: 1, Minor: 27, Patch: 4, Pre: "eks-2d98532"}},
		{in: "v1.25.3+k3s1", want: GitVersion{Major: 1, Minor: 25, Patch: 3, Build: "k3s1"}},
		{in: "v1.30.0-rc.1+abc-def", want: GitVersion{Major: 1, Minor: 30, Patch: 0, Pre: "rc.1", Build: "abc-def"}},
		{in: "", wantErr: `invalid version "": want major.minor.patch`},
		{in: "v1", wantErr: `invalid version "v1": want major.minor.patch`},
		{in: "v1.2.3.4", wantErr: `invalid version "v1.2.3.4": want major.minor.patch`},
		{in: "v1.x.3", wantErr: `invalid version "v1.x.3": bad number "x"`},
		{in: "v1.-2.3", wantErr: `invalid version "v1.-2.3": bad number ""`},
		{in: "v1.28.2-", wantErr: `invalid version "v1.28.2-": empty pre-release`},
		{in: "v1.28.2+", wantErr: `invalid version "v1.28.2+": empty build`},
		{in: "v1.99999999999.0", wantErr: `invalid version "v1.99999999999.0": bad number "99999999999"`},
	}
	for _, tt := range tests {
		got, err := ParseGitVersion(tt.in)
		if tt.wantErr != "" {
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("ParseGitVersion(%q) error = %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseGitVersion(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
		if back, err := ParseGitVersion(got.String()); err != nil || back != got {
			t.Errorf("round trip of %q via %q = %+v, %v", tt.in, got.String(), back, err)
		}
	}
}

func TestGitVersionCompare(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"v1.24.0", "v1.23.17", +1},
		{"v1.23.17", "v1.24.0", -1},
		{"v1.24.6-aliyun.1", "v1.24.6", 0},
		{"v1.25.3+k3s1", "v1.25.3", 0},
		{"v1.24.0-rc.1", "v1.24.0", -1},
		{"v1.24.0-alpha.3", "v1.24.0-beta.0", -1},
		{"v1.24.0-rc.2", "v1.24.0-rc.10", -1},
		{"v1.24.0-rc.1", "v1.23.9", +1},
		{"v1.24.0-eks-1234", "v1.24.0-rc.1", +1},
		{"v2.0.0", "v1.99.99", +1},
	}
	for _, tt := range tests {
		a, b := mustGitVersion(t, tt.a), mustGitVersion(t, tt.b)
		if got := a.Compare(b); got != tt.want {
			t.Errorf("%s.Compare(%s) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := b.Compare(a); got != -tt.want {
			t.Errorf("%s.Compare(%s) = %d, want %d", tt.b, tt.a, got, -tt.want)
		}
	}
	v := mustGitVersion(t, "v1.27.3-gke.100")
	for _, c := range []struct {
		major, minor, patch int
		want                bool
	}{{1, 27, 3, true}, {1, 27, 4, false}, {1, 26, 0, true}, {1, 28, 0, false}} {
		if got := v.AtLeast(c.major, c.minor, c.patch); got != c.want {
			t.Errorf("%s.AtLeast(%d, %d, %d) = %v", v, c.major, c.minor, c.patch, got)
		}
	}
	if mustGitVersion(t, "v1.24.0-rc.1").AtLeast(1, 24, 0) {
		t.Error("v1.24.0-rc.1 is at least 1.24.0")
	}
	if !mustGitVersion(t, "v1.29.0-alpha.1").IsPreRelease() || mustGitVersion(t, "v1.29.0-aliyun.1").IsPreRelease() {
		t.Error("IsPreRelease wrong")
	}
}

func mustGitVersion(t *testing.T, s string) GitVersion {
	t.Helper()
	v, err := ParseGitVersion(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
