package report

import (
	"slices"
	"strings"
	"testing"

	"github.com/ipvslint/ipvslint/analyze/input"
)

// TestNewDiagram checks, for each verdict and the facts around it, which
// stages the diagram draws and where it marks the connection, in words.
func TestNewDiagram(t *testing.T) {
	withVS := Path{
		Client: "pod", ClientNode: "node-a", Node: "node-a", IP: "203.0.113.10", Port: 80, Protocol: "TCP",
		Address: "kube-ipvs0", Served: []string{"80/TCP"}, VirtualService: "TCP 203.0.113.10:80 rr",
		Service: "default/web", Role: input.RoleLoadBalancer,
		RealServers: []PathRealServer{{Addr: "10.0.16.24:80", Weight: 1, Local: true}, {Addr: "10.0.16.35:80", Weight: 0}},
	}
	noVS := withVS
	noVS.Port, noVS.VirtualService, noVS.Service, noVS.Role, noVS.RealServers = 443, "", "", "", nil
	noRS := withVS
	noRS.RealServers = nil
	notHere := noVS
	notHere.Address, notHere.Served = "none", nil
	listener := noVS
	listener.Listener = &input.Listener{Protocol: "TCP", Wildcard: "v4", Port: 443, Process: `users:(("nginx",pid=812,fd=6))`}
	with := func(p Path, verdict string) *Path {
		p.Verdict, p.Reason = verdict, "why"
		return &p
	}
	tests := []struct {
		name   string
		path   *Path
		boxes  []string // the titles
		marks  []string // symbol and words
		reply  bool
		height int
	}{
		{"served", with(withVS, "served"), []string{"Pod", "node-a", "IPVS virtual service", "Real servers (2)"}, []string{"✓ served"}, true, diagramHeight},
		{"without source IP", with(withVS, "served-without-source-ip"), []string{"Pod", "node-a", "IPVS virtual service", "Real servers (2)"}, []string{"! source IP lost"}, true, diagramHeight},
		{"timeout", with(withVS, "timeout"), []string{"Pod", "node-a", "IPVS virtual service", "Real servers (2)"}, []string{"✕ timeout: the reply does not come back"}, true, diagramHeight},
		{"refused before IPVS", with(withVS, "refused"), []string{"Pod", "node-a", "IPVS virtual service", "Real servers (2)"}, []string{"✕ refused"}, false, wordsY + 12},
		{"refused without virtual service", with(noVS, "refused"), []string{"Pod", "node-a", "No virtual service"}, []string{"✕ refused"}, false, wordsY + 12},
		{"refused without real servers", with(noRS, "refused"), []string{"Pod", "node-a", "IPVS virtual service", "No real servers"}, []string{"✕ refused"}, false, wordsY + 12},
		{"leaves the node", with(notHere, "leaves-node"), []string{"Pod", "node-a", "Leaves the node"}, []string{"! leaves the node"}, false, wordsY + 12},
		{"local listener", with(listener, "served-by-local-listener"), []string{"Pod", "node-a", "No virtual service", "Local process"}, []string{"! a local process answers, not the Service"}, true, diagramHeight},
		{"unknown verdict", with(withVS, "teleported"), []string{"Pod", "node-a", "IPVS virtual service", "Real servers (2)"}, []string{"? teleported"}, true, diagramHeight},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDiagram("p", tt.path)
			var boxes, marks []string
			for _, b := range d.Boxes {
				boxes = append(boxes, b.Texts[0].Text)
			}
			for _, m := range d.Marks {
				marks = append(marks, m.Symbol+" "+m.Words.Text)
			}
			reply := slices.ContainsFunc(d.Arrows, func(a diagramArrow) bool { return a.Label.Text != "" })
			if !slices.Equal(boxes, tt.boxes) || !slices.Equal(marks, tt.marks) || reply != tt.reply || d.Height != tt.height {
				t.Errorf("boxes %q, marks %q, reply %v, height %d\nwant %q, %q, %v, %d", boxes, marks, reply, d.Height, tt.boxes, tt.marks, tt.reply, tt.height)
			}
			if !strings.HasSuffix(d.Desc, "Verdict: "+tt.path.Verdict+": why.") || !strings.HasPrefix(d.Desc, "A pod on node-a connects to ") {
				t.Errorf("desc %q", d.Desc)
			}
		})
	}
}

func TestDiagramTexts(t *testing.T) {
	p := Path{Client: "external", ClientNode: "cn-hangzhou.10.0.0.12", Node: "cn-hangzhou.10.0.0.12", IP: "fd00::10", Port: 30745, Protocol: "TCP",
		Address: "node", Interface: "eth0", Role: input.RoleNodePort, VirtualService: "TCP [fd00::10]:30745 rr", Service: "default/nginx",
		RealServers: []PathRealServer{{Addr: "10.0.16.24:80", Weight: 1}, {Addr: "10.0.16.25:80", Weight: 1, HostNetwork: true}, {Addr: "10.0.16.26:80", Weight: 0, Local: true}, {Addr: "10.0.16.27:80", Weight: 1}},
		Verdict:     "timeout", Reason: "why"}
	d := newDiagram("p", &p)
	var got [][]string
	for _, b := range d.Boxes {
		var texts []string
		for _, x := range b.Texts {
			texts = append(texts, x.Text)
		}
		got = append(got, texts)
	}
	want := [][]string{
		{"External client", "outside the cluster,", "entering through", "cn-hangzhou.10.0.0.12"},
		{"cn-hangzhou.10.0.0.12", "[fd00::10]:30745/TCP", "address of eth0, NodePort"},
		{"IPVS virtual service", "TCP [fd00::10]:30745 rr", "default/nginx", "NodePort"},
		{"Real servers (4)", "10.0.16.24:80 remote", "10.0.16.25:80 host network", "and 2 more"},
	}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("box texts %q\nwant %q", got, want)
	}
	if want := "It may choose 4 real servers: 10.0.16.24:80, 10.0.16.25:80, 10.0.16.26:80 on the node, 1 more."; !strings.Contains(d.Desc, want) {
		t.Errorf("desc %q does not say %q", d.Desc, want)
	}
	if got, want := clip("a-very-long-service-name", 10), "a-very-lo…"; got != want {
		t.Errorf("clip = %q, want %q", got, want)
	}
	for _, tt := range []struct {
		l    input.Listener
		want string
	}{
		{input.Listener{IP: "fd00::1", Port: 443}, "listens on [fd00::1]:443"},
		{input.Listener{IP: "10.0.0.1", Port: 443}, "listens on 10.0.0.1:443"},
		{input.Listener{Wildcard: "v4", Port: 80}, "listens on 0.0.0.0:80"},
		{input.Listener{Wildcard: "v6", Port: 80}, "listens on [::]:80"},
		{input.Listener{Wildcard: "any", Port: 80}, "listens on *:80"},
	} {
		if got, want := listenerLines(&tt.l), []string{tt.want, "not the Service"}; !slices.Equal(got, want) {
			t.Errorf("listenerLines(%+v) = %q, want %q", tt.l, got, want)
		}
	}
}
