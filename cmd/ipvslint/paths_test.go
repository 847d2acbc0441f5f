package main

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ipvslint/ipvslint/analyze/engine"
	"github.com/ipvslint/ipvslint/analyze/input"
	"github.com/ipvslint/ipvslint/analyze/report"
	"github.com/ipvslint/ipvslint/analyze/trace"
	"github.com/ipvslint/ipvslint/internal/examples"
)

// TestTracePaths checks the facts each diagram of an example bundle is
// drawn from against ipvslint trace's own result for the same connection.
func TestTracePaths(t *testing.T) {
	tests := []struct {
		bundle string
		want   []string // per path: finding, --from, --to, verdict, address, virtual service, real servers
	}{
		{"local-listener-before-1-26", []string{
			"lb-ip-local-listener pod:cn-hangzhou.10.0.0.12 203.0.113.20:443/TCP served-by-local-listener kube-ipvs0 [] [] listener v4:443",
			"lb-ip-unserved-port pod:cn-hangzhou.10.0.0.11 203.0.113.20:443/TCP refused kube-ipvs0 [] []",
		}},
		{"etp-local-1-24-vpc", []string{
			"etp-local-remote-backends external:cn-hangzhou.10.0.0.12 10.0.0.12:30745/TCP timeout node [TCP 10.0.0.12:30745 rr default/nginx nodePort] [10.0.16.24:80 remote]",
			"lb-ip-host-client-timeout host:cn-hangzhou.10.0.0.12 203.0.113.40:80/TCP timeout kube-ipvs0 [TCP 203.0.113.40:80 rr default/nginx loadBalancer] [10.0.16.24:80 remote]",
			"etp-local-remote-backends external:cn-hangzhou.10.0.0.12 10.0.16.6:30745/TCP timeout node [TCP 10.0.16.6:30745 rr default/nginx nodePort] [10.0.16.24:80 remote]",
			"etp-local-remote-backends external:cn-hangzhou.10.0.0.12 203.0.113.40:80/TCP timeout kube-ipvs0 [TCP 203.0.113.40:80 rr default/nginx loadBalancer] [10.0.16.24:80 remote]",
		}},
	}
	eng, err := engine.New(engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tracer, err := trace.NewTracer(eng)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.bundle, func(t *testing.T) {
			an := examples.Analyse(t, eng, filepath.Join(examples.Dir(t), tt.bundle), input.Options{Reads: eng.Reads()})
			a := report.AnalysisOf(an.Document, an.Findings)
			a.Rules = eng.Rules() // as analyze gives them: their METADATA names the clients
			paths, err := tracePaths(context.Background(), eng, an.Snapshot, input.Options{}, a)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range paths {
				if p.Err != "" {
					t.Errorf("%+v: %s", p.PathQuery, p.Err)
					continue
				}
				var vs, rss []string
				if p.VirtualService != "" {
					vs = []string{p.VirtualService, p.Service, p.Role}
				}
				for _, rs := range p.RealServers {
					where := "remote"
					if rs.Local {
						where = "local"
					}
					rss = append(rss, rs.Addr+" "+where)
				}
				line := strings.Join([]string{a.Findings[p.Finding].Rule, p.From, p.To, p.Verdict, p.Address}, " ") + " " + strings.Join([]string{"[" + strings.Join(vs, " ") + "]", "[" + strings.Join(rss, ", ") + "]"}, " ")
				if p.Listener != nil {
					line += fmt.Sprintf(" listener %s%s:%d", p.Listener.IP, p.Listener.Wildcard, p.Listener.Port)
				}
				got = append(got, line)

				// The same connection traced as ipvslint trace does.
				from, _ := trace.ParseFrom(p.From)
				to, _ := trace.ParseTo(p.To)
				r, err := tracer.Run(context.Background(), an.Snapshot, from, to, trace.Options{})
				if err != nil {
					t.Fatal(err)
				}
				if r.Verdict != p.Verdict || r.Reason != p.Reason || len(r.Steps) != len(p.Steps) || !slices.Equal(r.Behaviours, p.Behaviours) {
					t.Errorf("%s %s: path %s (%s), %d steps; ipvslint trace says %s (%s), %d steps", p.From, p.To, p.Verdict, p.Reason, len(p.Steps), r.Verdict, r.Reason, len(r.Steps))
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("paths:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}
