package diff

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/ipvslint/ipvslint/analyze/engine"
	"github.com/ipvslint/ipvslint/analyze/input"
	"github.com/ipvslint/ipvslint/analyze/report"
	"github.com/ipvslint/ipvslint/internal/golden"
)

// textDiff is a diff with something in every section, and lists longer
// than 2.
func textDiff() *Diff {
	old := StateOf([]string{"monday/node-a.tgz", "monday/node-b.tgz"}, document(
		withService("team/gone", func(s *input.Service) { s.ClusterIPs = []string{"10.96.0.30"} }),
		withVS("node-a", "TCP/10.96.0.11:80", ""),
		withVS("node-a", "TCP/10.96.0.12:80", ""),
		withVS("node-a", "TCP/10.96.0.13:80", ""),
		withNode("node-a", "10.96.0.10", "203.0.113.10", "10.96.0.30"),
	), []engine.Finding{
		finding("etp-local-no-endpoints-refused", engine.SeverityError, "node-a", "default/web", "203.0.113.10:80/TCP"),
		finding("conntrack-unreplied-vip", engine.SeverityInfo, "node-a", "default/web", "10.96.0.10:80/TCP"),
		finding("bundle-incomplete", engine.SeverityInfo, "", "", ""),
	})
	new := StateOf([]string{"tuesday/node-a.tgz"}, document(
		func(d *input.Document) { d.Cluster.Version.Value = "v1.29.1" },
		withService("default/web", func(s *input.Service) {
			s.ExternalTrafficPolicy = "Local"
			s.HealthCheckNodePort = 32415
			s.Endpoints = s.Endpoints[2:]
		}),
		withService("team/new", func(s *input.Service) {
			s.ClusterIPs = []string{"10.96.0.40"}
			s.Ports = []input.ServicePort{{Protocol: "TCP", Port: 443}}
		}),
		withNode("node-a", "10.96.0.10", "203.0.113.10", "10.96.0.40", "10.96.0.41", "10.96.0.42"),
		withVS("node-a", "TCP/10.96.0.10:80", "default/web clusterIP", "10.244.1.5:8080=0", "10.244.2.5:8080=1", "10.244.2.6:8080=1", "10.244.2.7:8080=1"),
	), []engine.Finding{
		finding("etp-local-remote-backends", engine.SeverityError, "node-a", "default/web", "203.0.113.10:80/TCP"),
		finding("conntrack-unreplied-vip", engine.SeverityWarning, "node-a", "default/web", "10.96.0.10:80/TCP"),
		finding("bundle-incomplete", engine.SeverityInfo, "", "", ""),
	})
	return Compare(old, new)
}

// TestText checks the text of a diff with every section against golden
// files: all of it, and the first 2 entries of each list.
func TestText(t *testing.T) {
	for _, limit := range []int{0, 2} {
		t.Run(fmt.Sprint("limit ", limit), func(t *testing.T) {
			var b bytes.Buffer
			if err := Text(&b, textDiff(), report.NewStyle(&b, false), limit); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, golden.Path(t, fmt.Sprint("limit-", limit)), b.Bytes())
		})
	}
}

// TestTextIdentical checks the whole text of a diff of a side with itself.
func TestTextIdentical(t *testing.T) {
	s := StateOf([]string{"bundle.tgz"}, document(), []engine.Finding{finding("bundle-incomplete", engine.SeverityInfo, "", "", "")})
	var b bytes.Buffer
	if err := Text(&b, Compare(s, s), report.Style{}, 10); err != nil {
		t.Fatal(err)
	}
	want := `ipvslint diff
  old  bundle.tgz  Kubernetes v1.28.3, 1 node captured, 1 finding
  new  bundle.tgz  Kubernetes v1.28.3, 1 node captured, 1 finding

summary: no differences; 1 finding persisted
`
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

// TestTextColor checks that the markers and severities are coloured only
// when asked.
func TestTextColor(t *testing.T) {
	for _, color := range []bool{false, true} {
		var b bytes.Buffer
		if err := Text(&b, textDiff(), report.NewStyle(&b, color), 0); err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(b.String(), "\x1b["); got != color {
			t.Errorf("color %v: escape codes = %v", color, got)
		}
	}
}

// errWriter fails every write.
type errWriter struct{}

func (errWriter) Write([]byte) (int, error) { return 0, fmt.Errorf("disk full") }

func TestTextWriteError(t *testing.T) {
	if err := Text(errWriter{}, textDiff(), report.Style{}, 0); err == nil || err.Error() != "disk full" {
		t.Errorf("error = %v, want disk full", err)
	}
}
