package input

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	"github.com/ipvslint/ipvslint/analyze/bundle"
	"github.com/ipvslint/ipvslint/analyze/ipaddr"
	"github.com/ipvslint/ipvslint/analyze/ipvs"
	"github.com/ipvslint/ipvslint/analyze/kube"
	"github.com/ipvslint/ipvslint/analyze/snapshot"
	"github.com/ipvslint/ipvslint/analyze/source"
)

// vsKeys joins the keys of VSRefs.
func vsKeys(vss []VSRef) string {
	keys := make([]string, 0, len(vss))
	for _, v := range vss {
		keys = append(keys, v.Key)
	}
	return strings.Join(keys, ",")
}

// entryKeys joins the virtual service keys of real-server entries.
func entryKeys(es []RealServerIn) string {
	vss := make([]VSRef, 0, len(es))
	for _, e := range es {
		vss = append(vss, e.VS)
	}
	return vsKeys(vss)
}

// summary is a diff as one line per fact, by list, leaving empty lists
// out: what the tests compare.
func summary(d Diff) map[string][]string {
	out := map[string][]string{}
	add := func(list, format string, args ...any) {
		out[list] = append(out[list], fmt.Sprintf(format, args...))
	}
	for _, t := range d.MissingVirtualServers {
		add("missingVS", "%s %s %s other=%v", t.Key, t.Service, t.Role, t.OnOtherAddresses)
	}
	for _, o := range d.OrphanVirtualServers {
		add("orphanVS", "%s owner=%s bound=%v onOrphan=%v rss=%d endpointsOf=%v", o.Key, o.Owner, o.Bound != nil, o.OnOrphanAddress, len(o.RealServers), o.EndpointsOf)
	}
	for _, a := range d.OrphanAddresses {
		add("orphanAddr", "%s vss=%s", a.IP, vsKeys(a.VirtualServers))
	}
	for _, u := range d.UnboundAddresses {
		add("unbound", "%s %s roles=%v vss=%s", u.IP, u.Service, u.Roles, vsKeys(u.VirtualServers))
	}
	for _, m := range d.MissingRealServers {
		var vss []string
		for _, v := range m.VirtualServers {
			vss = append(vss, fmt.Sprintf("%s(w0=%v)", v.Key, v.WeightZero))
		}
		ready := ""
		if !m.Ready {
			ready = " not-ready"
		}
		add("missingRS", "%s %s:%d/%s node=%s%s vss=%s", m.Service, m.IP, m.Port, m.Protocol, m.NodeName, ready, strings.Join(vss, ","))
	}
	for _, s := range d.StaleRealServers {
		add("staleRS", "%s %s:%d/%s %s vss=%s", s.Service, s.IP, s.Port, s.Protocol, s.State, entryKeys(s.Entries))
	}
	for _, r := range d.DrainingRealServers {
		add("draining", "%s %s:%d/%s ready=%v policy=%s vss=%s", r.Service, r.IP, r.Port, r.Protocol, r.ReadyEndpoint, r.Policy, entryKeys(r.Entries))
	}
	for _, e := range d.EmptyVirtualServers {
		c, expected := e.Endpoints, fmt.Sprint(e.Expected)
		if e.Expected == nil {
			expected = "null" // unknown
		}
		if e.ExpectedTerminating {
			expected += " terminating"
		}
		add("empty", "%s %s %s all=%d ready=%d st=%d inFamily=%d expected=%s", e.Key, e.Service, e.Role, c.All, c.Ready, c.ServingTerminating, c.ReadyInFamily, expected)
	}
	return out
}

// webVSs are the keys of default/web's virtual services on node-a.
const webVSs = "TCP/10.96.100.1:80,TCP/192.168.1.11:30080,TCP/192.168.1.200:80"

// TestDiff checks node-a's differences to what kube-proxy programs, one
// change of baseWorld at a time.
func TestDiff(t *testing.T) {
	localWeb := func(w *world) { w.svc(webKey).Spec.ExternalTrafficPolicy = corev1.ServiceExternalTrafficPolicyLocal }
	// noLocal is an eTP=Local web without endpoint on node-a, whose external
	// virtual services are empty.
	noLocal := func(version string) func(*world) {
		return func(w *world) {
			localWeb(w)
			w.version = version
			w.endpoints(webKey, endpoint("10.244.2.7", "node-b", epReady))
			w.set("TCP/10.96.100.1:80", "10.244.2.7:8080")
			w.set("TCP/192.168.1.200:80")
			w.set("TCP/192.168.1.11:30080")
		}
	}
	proxyIngress := func(version string, gate *bool) func(*world) {
		return func(w *world) {
			w.version = version
			w.svc(webKey).Status.LoadBalancer.Ingress[0].IPMode = ptr.To(corev1.LoadBalancerIPModeProxy)
			w.drop("TCP/192.168.1.200:80")
			if gate != nil {
				w.proxy.FeatureGates = map[string]bool{"LoadBalancerIPMode": *gate}
			}
		}
	}
	portless := func(w *world) {
		w.endpoints(webKey, endpoint("10.244.1.5", "node-a", epReady), endpoint("10.244.2.7", "node-b", epReady))
		for i := range w.slices {
			if w.slices[i].Name == "web-x" {
				w.slices[i].Ports = nil
			}
		}
	}
	withRemoteReady := func(w *world) {
		w.endpoints(webKey, endpoint("10.244.1.5", "node-a", epReady), endpoint("10.244.2.7", "node-b", epReady), endpoint("10.244.3.9", "node-b", epReady))
	}
	tests := []struct {
		name   string
		change func(*world)
		want   map[string][]string
	}{
		{name: "consistent", change: func(*world) {}, want: map[string][]string{}},

		// Missing virtual services.
		{name: "missing ClusterIP port", change: func(w *world) { w.drop("UDP/10.96.0.10:53") },
			want: map[string][]string{"missingVS": {"UDP/10.96.0.10:53 kube-system/kube-dns clusterIP other=false"}}},
		{name: "missing NodePort", change: func(w *world) { w.drop("TCP/192.168.1.11:30080") },
			want: map[string][]string{"missingVS": {"TCP/192.168.1.11:30080 default/web nodePort other=false"}}},
		{name: "NodePort on every node address", change: func(w *world) { w.addAddr("cni0", "10.244.1.1/24") },
			want: map[string][]string{"missingVS": {"TCP/10.244.1.1:30080 default/web nodePort other=true"}}},
		{name: "nodePortAddresses limit the NodePorts", change: func(w *world) {
			w.addAddr("cni0", "10.244.1.1/24")
			w.proxy.NodePortAddresses = []string{"192.168.1.0/24"}
		}, want: map[string][]string{}},
		{name: "nodePortAddresses primary", change: func(w *world) {
			w.addAddr("cni0", "10.244.1.1/24")
			w.proxy.NodePortAddresses = []string{"primary"}
			w.node("node-a", "192.168.1.11")
		}, want: map[string][]string{}},
		{name: "ipMode Proxy not bound from 1.30", change: proxyIngress("1.30", nil), want: map[string][]string{}},
		{name: "ipMode Proxy bound before 1.29", change: proxyIngress("1.28", nil),
			want: map[string][]string{"missingVS": {"TCP/192.168.1.200:80 default/web loadBalancer other=false"}}},
		{name: "ipMode Proxy at an unknown version", change: proxyIngress("", nil), want: map[string][]string{}},
		{name: "ipMode Proxy at 1.29 without the gate", change: proxyIngress("1.29", nil),
			want: map[string][]string{"missingVS": {"TCP/192.168.1.200:80 default/web loadBalancer other=false"}}},
		{name: "ipMode Proxy at 1.29 with the gate", change: proxyIngress("1.29", ptr.To(true)), want: map[string][]string{}},
		{name: "hostname-only ingress", change: func(w *world) {
			w.svc(webKey).Status.LoadBalancer.Ingress = []corev1.LoadBalancerIngress{{Hostname: "lb.example.com"}}
			w.drop("TCP/192.168.1.200:80")
		}, want: map[string][]string{
			// The virtual service left behind is an orphan on a kube-ipvs0
			// address that no Service names any more.
			"orphanAddr": {"192.168.1.200 vss="},
		}},
		{name: "partial listing", change: func(w *world) {
			w.drop("UDP/10.96.0.10:53")
			w.nodes["node-a"].partialIPVS = true
		}, want: map[string][]string{}},
		{name: "a placeholder in place of a service address", change: func(w *world) {
			// The reporter hid the load balancer IP: that service line is
			// left out, so the listing is not whole.
			w.drop("TCP/192.168.1.200:80")
			w.addVS(vs{"TCP", "<LB-IP>:80", []string{"10.244.1.5:8080", "10.244.2.7:8080"}})
			w.drop("UDP/10.96.0.10:53")
		}, want: map[string][]string{}},

		// Orphans.
		{name: "leftover address", change: func(w *world) { w.addAddr("kube-ipvs0", "10.96.7.7/32") },
			want: map[string][]string{"orphanAddr": {"10.96.7.7 vss="}}},
		{name: "leftover address with a virtual service", change: func(w *world) {
			w.addAddr("kube-ipvs0", "10.96.7.7/32")
			w.addVS(vs{"TCP", "10.96.7.7:8443", []string{"10.244.9.9:8443"}})
		}, want: map[string][]string{
			"orphanAddr": {"10.96.7.7 vss=TCP/10.96.7.7:8443"},
			"orphanVS":   {"TCP/10.96.7.7:8443 owner= bound=true onOrphan=true rss=1 endpointsOf=[]"},
		}},
		{name: "virtual service at another port of a Service address", change: func(w *world) {
			w.addVS(vs{"TCP", "10.96.100.1:8080", []string{"10.244.1.5:8080"}})
		}, want: map[string][]string{"orphanVS": {"TCP/10.96.100.1:8080 owner=default/web bound=true onOrphan=false rss=1 endpointsOf=[]"}}},
		{name: "old virtual service of a Service port", change: func(w *world) {
			w.addVS(vs{"TCP", "10.96.200.2:80", []string{"10.244.1.5:8080"}})
		}, want: map[string][]string{"orphanVS": {"TCP/10.96.200.2:80 owner= bound=false onOrphan=false rss=1 endpointsOf=[default/web]"}}},
		{name: "firewall mark", change: func(w *world) { w.addVS(vs{"FWM", "5", nil}) },
			want: map[string][]string{"orphanVS": {"FWM/5 owner= bound=false onOrphan=false rss=0 endpointsOf=[]"}}},

		// Unbound addresses.
		{name: "unbound ClusterIP", change: func(w *world) { w.unbind("kube-ipvs0", "10.96.0.10") },
			want: map[string][]string{"unbound": {"10.96.0.10 kube-system/kube-dns roles=[clusterIP] vss=TCP/10.96.0.10:53,UDP/10.96.0.10:53"}}},
		{name: "unbound load balancer IP", change: func(w *world) { w.unbind("kube-ipvs0", "192.168.1.200") },
			want: map[string][]string{"unbound": {"192.168.1.200 default/web roles=[loadBalancer] vss=TCP/192.168.1.200:80"}}},
		{name: "load balancer IP on another interface", change: func(w *world) {
			w.unbind("kube-ipvs0", "192.168.1.200")
			w.addAddr("eth0", "192.168.1.200/24")
			w.addVS(vs{"TCP", "192.168.1.200:30080", []string{"10.244.1.5:8080", "10.244.2.7:8080"}}) // a node address now
		}, want: map[string][]string{}},
		{name: "a NodePort is no Service address", change: func(w *world) {
			// Without the node address its NodePort virtual service
			// serves no Service: an orphan, never an unbound address.
			w.unbind("eth0", "192.168.1.11")
		}, want: map[string][]string{"orphanVS": {"TCP/192.168.1.11:30080 owner= bound=false onOrphan=false rss=2 endpointsOf=[]"}}},

		// Missing real servers.
		{name: "missing ready endpoint", change: func(w *world) { w.setWeb("10.244.1.5:8080") },
			want: map[string][]string{"missingRS": {"default/web 10.244.2.7:8080/TCP node=node-b vss=TCP/10.96.100.1:80(w0=false),TCP/192.168.1.11:30080(w0=false),TCP/192.168.1.200:80(w0=false)"}}},
		{name: "ready endpoint at weight 0", change: func(w *world) { w.setWeb("10.244.1.5:8080", "10.244.2.7:8080 0 0 0") },
			want: map[string][]string{
				"missingRS": {"default/web 10.244.2.7:8080/TCP node=node-b vss=TCP/10.96.100.1:80(w0=true),TCP/192.168.1.11:30080(w0=true),TCP/192.168.1.200:80(w0=true)"},
				"draining":  {"default/web 10.244.2.7:8080/TCP ready=true policy=listed vss=" + webVSs},
			}},
		{name: "eTP Local lists the local endpoint only", change: func(w *world) {
			localWeb(w)
			w.set("TCP/192.168.1.200:80", "10.244.1.5:8080")
			w.set("TCP/192.168.1.11:30080", "10.244.1.5:8080")
		}, want: map[string][]string{}},
		{name: "eTP Local without local endpoint before 1.24", change: noLocal("1.23"), want: map[string][]string{
			"empty": {
				"TCP/192.168.1.200:80 default/web loadBalancer all=1 ready=1 st=0 inFamily=1 expected=[]",
				"TCP/192.168.1.11:30080 default/web nodePort all=1 ready=1 st=0 inFamily=1 expected=[]",
			},
		}},
		{name: "eTP Local without local endpoint from 1.24", change: noLocal("1.24"), want: map[string][]string{
			"missingRS": {"default/web 10.244.2.7:8080/TCP node=node-b vss=TCP/192.168.1.11:30080(w0=false),TCP/192.168.1.200:80(w0=false)"},
			"empty": {
				"TCP/192.168.1.200:80 default/web loadBalancer all=1 ready=1 st=0 inFamily=1 expected=[10.244.2.7]",
				"TCP/192.168.1.11:30080 default/web nodePort all=1 ready=1 st=0 inFamily=1 expected=[10.244.2.7]",
			},
		}},
		{name: "eTP Local without local endpoint, unknown version", change: noLocal(""), want: map[string][]string{
			"empty": {
				"TCP/192.168.1.200:80 default/web loadBalancer all=1 ready=1 st=0 inFamily=1 expected=null",
				"TCP/192.168.1.11:30080 default/web nodePort all=1 ready=1 st=0 inFamily=1 expected=null",
			},
		}},
		{name: "local terminating endpoint used from 1.26", change: func(w *world) {
			noLocal("1.26")(w)
			w.endpoints(webKey, endpoint("10.244.1.5", "node-a", epTerminating), endpoint("10.244.2.7", "node-b", epReady))
		}, want: map[string][]string{
			"missingRS": {"default/web 10.244.1.5:8080/TCP node=node-a not-ready vss=TCP/192.168.1.11:30080(w0=false),TCP/192.168.1.200:80(w0=false)"},
			"empty": {
				"TCP/192.168.1.200:80 default/web loadBalancer all=2 ready=1 st=1 inFamily=1 expected=[10.244.1.5] terminating",
				"TCP/192.168.1.11:30080 default/web nodePort all=2 ready=1 st=1 inFamily=1 expected=[10.244.1.5] terminating",
			},
		}},
		{name: "local terminating endpoint listed", change: func(w *world) {
			noLocal("1.26")(w)
			w.endpoints(webKey, endpoint("10.244.1.5", "node-a", epTerminating), endpoint("10.244.2.7", "node-b", epReady))
			w.set("TCP/192.168.1.200:80", "10.244.1.5:8080")
			w.set("TCP/192.168.1.11:30080", "10.244.1.5:8080")
		}, want: map[string][]string{}},
		{name: "local terminating endpoint not used in 1.25", change: func(w *world) {
			noLocal("1.25")(w)
			w.endpoints(webKey, endpoint("10.244.1.5", "node-a", epTerminating), endpoint("10.244.2.7", "node-b", epReady))
		}, want: map[string][]string{
			"missingRS": {"default/web 10.244.2.7:8080/TCP node=node-b vss=TCP/192.168.1.11:30080(w0=false),TCP/192.168.1.200:80(w0=false)"},
			"empty": {
				"TCP/192.168.1.200:80 default/web loadBalancer all=2 ready=1 st=1 inFamily=1 expected=[10.244.2.7]",
				"TCP/192.168.1.11:30080 default/web nodePort all=2 ready=1 st=1 inFamily=1 expected=[10.244.2.7]",
			},
		}},
		{name: "topology hints", change: func(w *world) {
			w.svc(webKey).Annotations = map[string]string{"service.kubernetes.io/topology-mode": "Auto"}
			w.setWeb("10.244.1.5:8080")
		}, want: map[string][]string{}},
		{name: "trafficDistribution", change: func(w *world) {
			w.svc(webKey).Spec.TrafficDistribution = ptr.To("PreferClose")
			w.setWeb("10.244.1.5:8080")
		}, want: map[string][]string{}},
		{name: "empty trafficDistribution", change: func(w *world) {
			w.svc(webKey).Spec.TrafficDistribution = ptr.To("")
			w.setWeb("10.244.1.5:8080")
		}, want: map[string][]string{"missingRS": {"default/web 10.244.2.7:8080/TCP node=node-b vss=" + strings.ReplaceAll(webVSs, ",", "(w0=false),") + "(w0=false)"}}},
		{name: "partial listing hides missing real servers", change: func(w *world) {
			w.setWeb("10.244.1.5:8080")
			w.nodes["node-a"].partialIPVS = true
		}, want: map[string][]string{}},
		{name: "portless endpoint listed at any port", change: func(w *world) {
			portless(w)
			w.setWeb("10.244.1.5:9090", "10.244.2.7:8080")
		}, want: map[string][]string{}},
		{name: "portless endpoint missing is named by IP", change: func(w *world) {
			portless(w)
			w.setWeb("10.244.1.5:9090")
		}, want: map[string][]string{"missingRS": {"default/web 10.244.2.7:0/TCP node=node-b vss=" + strings.ReplaceAll(webVSs, ",", "(w0=false),") + "(w0=false)"}}},
		{name: "portless endpoint at weight 0", change: func(w *world) {
			portless(w)
			w.setWeb("10.244.1.5:9090", "10.244.2.7:9090 0 0 0")
		}, want: map[string][]string{
			"missingRS": {"default/web 10.244.2.7:0/TCP node=node-b vss=" + strings.ReplaceAll(webVSs, ",", "(w0=true),") + "(w0=true)"},
			"draining":  {"default/web 10.244.2.7:9090/TCP ready=true policy=listed vss=" + webVSs},
		}},

		// Stale real servers.
		{name: "departed endpoint", change: func(w *world) { w.setWeb("10.244.1.5:8080", "10.244.2.7:8080", "10.244.3.9:8080 1 2 0") },
			want: map[string][]string{"staleRS": {"default/web 10.244.3.9:8080/TCP no-endpoint vss=" + webVSs}}},
		{name: "endpoint neither ready nor serving", change: func(w *world) {
			w.endpoints(webKey, endpoint("10.244.1.5", "node-a", epNotReady), endpoint("10.244.2.7", "node-b", epReady))
		}, want: map[string][]string{"staleRS": {"default/web 10.244.1.5:8080/TCP not-serving vss=" + webVSs}}},
		{name: "serving terminating endpoint", change: func(w *world) {
			w.endpoints(webKey, endpoint("10.244.1.5", "node-a", epTerminating), endpoint("10.244.2.7", "node-b", epReady))
		}, want: map[string][]string{}},
		{name: "endpoint at another port", change: func(w *world) { w.setWeb("10.244.1.5:9090", "10.244.2.7:8080") },
			want: map[string][]string{
				"staleRS":   {"default/web 10.244.1.5:9090/TCP other-port vss=" + webVSs},
				"missingRS": {"default/web 10.244.1.5:8080/TCP node=node-a vss=" + strings.ReplaceAll(webVSs, ",", "(w0=false),") + "(w0=false)"},
			}},
		{name: "departed endpoint at weight 0 is draining", change: func(w *world) {
			w.setWeb("10.244.1.5:8080", "10.244.2.7:8080", "10.244.3.9:8080 0 3 5")
		}, want: map[string][]string{"draining": {"default/web 10.244.3.9:8080/TCP ready=false policy= vss=" + webVSs}}},
		{name: "no endpoint capture", change: func(w *world) {
			w.slices = nil
			w.setWeb("10.244.1.5:8080", "10.244.3.9:8080")
		}, want: map[string][]string{}},
		{name: "portless endpoint still needs its IP", change: func(w *world) {
			portless(w)
			w.setWeb("10.244.1.5:8080", "10.244.2.7:8080", "10.244.3.9:8080")
		}, want: map[string][]string{"staleRS": {"default/web 10.244.3.9:8080/TCP no-endpoint vss=" + webVSs}}},

		// Draining real servers.
		{name: "UDP real server at weight 0", change: func(w *world) {
			w.set("UDP/10.96.0.10:53", "10.244.1.3:53", "10.244.2.3:53", "10.244.3.9:53 0 0 0")
		}, want: map[string][]string{"draining": {"kube-system/kube-dns 10.244.3.9:53/UDP ready=false policy= vss=UDP/10.96.0.10:53"}}},
		{name: "ready endpoint kept off by eTP Local", change: func(w *world) {
			localWeb(w)
			withRemoteReady(w)
			w.set("TCP/192.168.1.200:80", "10.244.1.5:8080", "10.244.3.9:8080 0 2 0")
			w.set("TCP/10.96.100.1:80", "10.244.1.5:8080", "10.244.2.7:8080", "10.244.3.9:8080")
			w.set("TCP/192.168.1.11:30080", "10.244.1.5:8080")
		}, want: map[string][]string{"draining": {"default/web 10.244.3.9:8080/TCP ready=true policy=kept-off vss=TCP/192.168.1.200:80"}}},
		{name: "ready endpoint at weight 0 with topology hints", change: func(w *world) {
			withRemoteReady(w)
			w.svc(webKey).Spec.TrafficDistribution = ptr.To("PreferClose")
			w.setWeb("10.244.1.5:8080", "10.244.2.7:8080", "10.244.3.9:8080 0 1 0")
		}, want: map[string][]string{"draining": {"default/web 10.244.3.9:8080/TCP ready=true policy=unknown vss=" + webVSs}}},

		// Virtual services without real servers.
		{name: "no endpoints", change: func(w *world) {
			w.endpoints(webKey)
			w.setWeb()
		}, want: map[string][]string{"empty": {
			"TCP/10.96.100.1:80 default/web clusterIP all=0 ready=0 st=0 inFamily=0 expected=[]",
			"TCP/192.168.1.200:80 default/web loadBalancer all=0 ready=0 st=0 inFamily=0 expected=[]",
			"TCP/192.168.1.11:30080 default/web nodePort all=0 ready=0 st=0 inFamily=0 expected=[]",
		}}},
		// No ready endpoint, one serving and terminating: kube-proxy lists it
		// where ProxyTerminatingEndpoints is on (alpha in 1.22, on by default
		// from 1.26, locked on from 1.28).
		{name: "no ready endpoint in 1.21", change: noReady("1.21", ptr.To(true)), want: emptyWeb("[]")},
		{name: "no ready endpoint in 1.22 with the gate", change: noReady("1.22", ptr.To(true)), want: terminatingMissing},
		{name: "no ready endpoint in 1.25", change: noReady("1.25", nil), want: emptyWeb("[]")},
		{name: "no ready endpoint in 1.26", change: noReady("1.26", nil), want: terminatingMissing},
		{name: "no ready endpoint in 1.27 without the gate", change: noReady("1.27", ptr.To(false)), want: emptyWeb("[]")},
		{name: "no ready endpoint in 1.28 without the gate", change: noReady("1.28", ptr.To(false)), want: terminatingMissing},
		{name: "no ready endpoint at an unknown version", change: noReady("", nil), want: emptyWeb("null")},
		{name: "no ready endpoint, the terminating one listed", change: func(w *world) {
			noReady("1.26", nil)(w)
			w.setWeb("10.244.2.7:8080")
		}, want: map[string][]string{}},
		{name: "ready endpoints but empty", change: func(w *world) { w.set("TCP/192.168.1.200:80") }, want: map[string][]string{
			"missingRS": {"default/web 10.244.1.5:8080/TCP node=node-a vss=TCP/192.168.1.200:80(w0=false)", "default/web 10.244.2.7:8080/TCP node=node-b vss=TCP/192.168.1.200:80(w0=false)"},
			"empty":     {"TCP/192.168.1.200:80 default/web loadBalancer all=2 ready=2 st=0 inFamily=2 expected=[10.244.1.5 10.244.2.7]"},
		}},
		{name: "iTP Local ClusterIP-only Service", change: func(w *world) {
			w.svc(dnsKey).Spec.InternalTrafficPolicy = ptr.To(corev1.ServiceInternalTrafficPolicyLocal)
			w.endpoints(dnsKey, endpoint("10.244.2.3", "node-b", epReady))
			w.set("UDP/10.96.0.10:53")
			w.set("TCP/10.96.0.10:53")
		}, want: map[string][]string{"empty": {
			"UDP/10.96.0.10:53 kube-system/kube-dns clusterIP all=1 ready=1 st=0 inFamily=1 expected=[]",
			"TCP/10.96.0.10:53 kube-system/kube-dns clusterIP all=1 ready=1 st=0 inFamily=1 expected=[]",
		}}},
		{name: "IP family mismatch", change: func(w *world) {
			w.endpoints(webKey, endpoint("fd00:10:244::5", "node-a", epReady))
			w.setWeb()
		}, want: map[string][]string{"empty": {
			"TCP/10.96.100.1:80 default/web clusterIP all=1 ready=1 st=0 inFamily=0 expected=[]",
			"TCP/192.168.1.200:80 default/web loadBalancer all=1 ready=1 st=0 inFamily=0 expected=[]",
			"TCP/192.168.1.11:30080 default/web nodePort all=1 ready=1 st=0 inFamily=0 expected=[]",
		}}},
		{name: "empty virtual services need the endpoint capture", change: func(w *world) {
			w.slices = nil
			w.setWeb()
		}, want: map[string][]string{}},
		{name: "empty virtual services need a complete listing", change: func(w *world) {
			w.endpoints(webKey)
			w.setWeb()
			w.nodes["node-a"].partialIPVS = true
		}, want: map[string][]string{}},

		// ipvs.excludeCIDRs: kube-proxy deletes no virtual service there,
		// but still unbinds the addresses it did not bind.
		{name: "another agent's virtual service", change: func(w *world) {
			w.addVS(vs{"TCP", "10.200.0.5:80", []string{"10.0.0.7:80"}})
		}, want: map[string][]string{"orphanVS": {"TCP/10.200.0.5:80 owner= bound=false onOrphan=false rss=1 endpointsOf=[]"}}},
		{name: "another agent's virtual service in excludeCIDRs", change: func(w *world) {
			w.proxy.IPVS.ExcludeCIDRs = []string{"10.200.0.0/16"}
			w.addVS(vs{"TCP", "10.200.0.5:80", []string{"10.0.0.7:80"}})
		}, want: map[string][]string{}},
		{name: "kube-ipvs0 address in excludeCIDRs", change: func(w *world) {
			w.proxy.IPVS.ExcludeCIDRs = []string{"10.200.0.0/16"}
			w.addVS(vs{"TCP", "10.200.0.5:80", []string{"10.0.0.7:80"}})
			w.addAddr("kube-ipvs0", "10.200.0.5/32")
		}, want: map[string][]string{"orphanAddr": {"10.200.0.5 vss=TCP/10.200.0.5:80"}}},

		// The service-proxy-name label hands a Service to another proxy.
		{name: "another proxy's Service", change: func(w *world) {
			otherProxyService(w)
			w.addAddr("kube-ipvs0", "10.96.50.5/32")
			w.addVS(vs{"TCP", "10.96.50.5:80", []string{"10.244.6.6:8080", "10.244.7.7:8080 0 1 0"}}) // neither is an endpoint
			w.addVS(vs{"TCP", "192.168.1.11:31000", nil})
		}, want: map[string][]string{}},
		{name: "another proxy's Service not programmed", change: otherProxyService, want: map[string][]string{}},

		// An ip addr fragment (grep'd address lines): an address it lacks
		// may be on the node.
		{name: "ip addr fragment", change: func(w *world) {
			w.nodes["node-a"].fragment = "    inet 10.96.0.10/32 scope global kube-ipvs0\n"
		}, want: map[string][]string{}},
		{name: "ip addr fragment and a missing NodePort", change: func(w *world) {
			w.nodes["node-a"].fragment = "    inet 192.168.1.11/24 brd 192.168.1.255 scope global eth0\n"
			w.drop("TCP/192.168.1.11:30080", "UDP/10.96.0.10:53")
		}, want: map[string][]string{"missingVS": {"UDP/10.96.0.10:53 kube-system/kube-dns clusterIP other=false"}}},
		{name: "ip addr fragment with a leftover address", change: func(w *world) {
			w.nodes["node-a"].fragment = "    inet 10.96.7.7/32 scope global kube-ipvs0\n"
		}, want: map[string][]string{"orphanAddr": {"10.96.7.7 vss="}}},
		{name: "ip addr show kube-ipvs0", change: func(w *world) {
			// The NodePort virtual service is on an address the capture
			// does not show; kube-ipvs0 is whole.
			w.nodes["node-a"].ifaces = []iface{{snapshot.IPVSInterface, []string{"10.96.100.1/32", "192.168.1.200/32"}}}
			w.nodes["node-a"].command = "ip addr show kube-ipvs0"
		}, want: map[string][]string{"unbound": {"10.96.0.10 kube-system/kube-dns roles=[clusterIP] vss=TCP/10.96.0.10:53,UDP/10.96.0.10:53"}}},
		{name: "ip addr show eth0", change: func(w *world) {
			w.nodes["node-a"].ifaces = []iface{{"eth0", []string{"192.168.1.11/24"}}}
			w.nodes["node-a"].command = "ip -4 a s dev eth0"
		}, want: map[string][]string{}},
		{name: "ip addr fragment and the Node object", change: func(w *world) {
			// The Node object's address stands in: the NodePort virtual
			// service is matched, and its stale real server found.
			w.nodes["node-a"].fragment = "    inet 10.96.0.10/32 scope global kube-ipvs0\n"
			w.node("node-a", "192.168.1.11")
			w.set("TCP/192.168.1.11:30080", "10.244.1.5:8080", "10.244.2.7:8080", "10.244.3.9:8080")
		}, want: map[string][]string{"staleRS": {"default/web 10.244.3.9:8080/TCP no-endpoint vss=TCP/192.168.1.11:30080"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := baseWorld()
			tt.change(w)
			got := summary(w.build(t).Nodes["node-a"].Diff)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("diff:\n%s\nwant:\n%s", show(got), show(tt.want))
			}
		})
	}
}

// noReady is web without a ready endpoint at version (with the
// ProxyTerminatingEndpoints gate when not nil): 10.244.1.5 on node-a is not
// ready, 10.244.2.7 on node-b serving and terminating. Its virtual services
// on node-a are empty.
func noReady(version string, gate *bool) func(*world) {
	return func(w *world) {
		w.version = version
		if gate != nil {
			w.proxy.FeatureGates = map[string]bool{"ProxyTerminatingEndpoints": *gate}
		}
		w.endpoints(webKey, endpoint("10.244.1.5", "node-a", epNotReady), endpoint("10.244.2.7", "node-b", epTerminating))
		w.setWeb()
	}
}

// emptyWeb is the summary of noReady's three empty virtual services with
// expected.
func emptyWeb(expected string) map[string][]string {
	counts := "all=2 ready=0 st=1 inFamily=0 expected=" + expected
	return map[string][]string{"empty": {
		"TCP/10.96.100.1:80 default/web clusterIP " + counts,
		"TCP/192.168.1.200:80 default/web loadBalancer " + counts,
		"TCP/192.168.1.11:30080 default/web nodePort " + counts,
	}}
}

// terminatingMissing is the summary of noReady where kube-proxy lists the
// serving, terminating endpoint.
var terminatingMissing = map[string][]string{
	"missingRS": {"default/web 10.244.2.7:8080/TCP node=node-b not-ready vss=" + strings.ReplaceAll(webVSs, ",", "(w0=false),") + "(w0=false)"},
	"empty":     emptyWeb("[10.244.2.7] terminating")["empty"],
}

// otherProxyService adds default/edge, a Service handed to another proxy:
// ClusterIP 10.96.50.5, port 80/TCP to 8080, NodePort 31000, a ready
// endpoint 10.244.5.5 on node-b.
func otherProxyService(w *world) {
	edge := kubeService("default/edge", corev1.ServiceTypeNodePort, "10.96.50.5", kubePort("http", corev1.ProtocolTCP, 80, 8080, 31000))
	edge.Labels = map[string]string{"service.kubernetes.io/service-proxy-name": "edge-proxy"}
	w.services = append(w.services, edge)
	w.slices = append(w.slices, endpointSlice("default/edge", []string{"http/TCP/8080"}, endpoint("10.244.5.5", "node-b", epReady)))
}

// show prints a summary one fact a line.
func show(s map[string][]string) string {
	var sb strings.Builder
	for _, list := range []string{"missingVS", "orphanVS", "orphanAddr", "unbound", "missingRS", "staleRS", "draining", "empty"} {
		for _, l := range s[list] {
			fmt.Fprintf(&sb, "  %s: %s\n", list, l)
		}
	}
	return sb.String()
}

// TestExpected checks what node-a is expected to have, and whether its
// addresses, and those of kube-ipvs0, are all known.
func TestExpected(t *testing.T) {
	tests := []struct {
		name            string
		change          func(*world)
		want            Expected
		complete, ipvs0 bool
	}{
		{name: "base", change: func(*world) {}, want: Expected{ProxiedServices: 2, VirtualServers: 5, Addresses: 3}, complete: true, ipvs0: true},
		{name: "another proxy's Service", change: otherProxyService, want: Expected{ProxiedServices: 2, VirtualServers: 5, Addresses: 3}, complete: true, ipvs0: true},
		{name: "a second NodePort address", change: func(w *world) { w.addAddr("cni0", "10.244.1.1/24") },
			want: Expected{ProxiedServices: 2, VirtualServers: 6, Addresses: 3}, complete: true, ipvs0: true},
		{name: "load balancer IP of the node from 1.28", change: func(w *world) { w.addAddr("eth1", "192.168.1.200/32") },
			want: Expected{ProxiedServices: 2, VirtualServers: 6, Addresses: 2}, complete: true, ipvs0: true},
		{name: "load balancer IP of the node before 1.28", change: func(w *world) {
			w.version = "1.27"
			w.addAddr("eth1", "192.168.1.200/32")
		}, want: Expected{ProxiedServices: 2, VirtualServers: 6, Addresses: 3}, complete: true, ipvs0: true},
		{name: "ip addr fragment", change: func(w *world) {
			w.nodes["node-a"].fragment = "    inet 10.96.0.10/32 scope global kube-ipvs0\n"
		}, want: Expected{ProxiedServices: 2, VirtualServers: 4, Addresses: 3}},
		{name: "ip addr show kube-ipvs0", change: func(w *world) { w.nodes["node-a"].command = "ip addr show kube-ipvs0" },
			want: Expected{ProxiedServices: 2, VirtualServers: 5, Addresses: 3}, ipvs0: true},
		{name: "ip addr show dev eth0", change: func(w *world) { w.nodes["node-a"].command = "ip addr show dev eth0" },
			want: Expected{ProxiedServices: 2, VirtualServers: 5, Addresses: 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := baseWorld()
			tt.change(w)
			n := w.build(t).Nodes["node-a"]
			if n.Expected != tt.want {
				t.Errorf("expected = %+v, want %+v", n.Expected, tt.want)
			}
			if n.AddressesComplete != tt.complete || n.IPVS0Complete != tt.ipvs0 {
				t.Errorf("addressesComplete, ipvs0Complete = %v, %v, want %v, %v", n.AddressesComplete, n.IPVS0Complete, tt.complete, tt.ipvs0)
			}
		})
	}
}

// world is a small cluster for the model's tests, built in Go and turned
// into a snapshot without reading a bundle: Services with their
// EndpointSlices, Node objects, the kube-proxy configuration, and per node
// its ip addr and ipvsadm -Ln captures.
type world struct {
	version  string // --k8s-version; "" leaves the version unknown
	services []kube.Service
	slices   []kube.EndpointSlice // nil: the bundle holds no endpoint capture
	objects  []kube.Node
	proxy    *kube.ProxyConfig // nil: no kube-proxy ConfigMap
	nodes    map[string]*nodeSpec
}

// nodeSpec is what one node captured.
type nodeSpec struct {
	ifaces []iface // its ip addr, printed whole
	// fragment, when not "", is the ip addr capture instead of ifaces:
	// grep'd address lines without their link lines.
	fragment string
	// command is the ip addr command that printed ifaces or fragment;
	// "" for a whole `ip addr`.
	command string
	vss     []vs
	// partialIPVS drops the header lines of ipvsadm -Ln, as grep does.
	partialIPVS bool
}

// iface is an interface and its addresses ("192.168.1.11/24").
type iface struct {
	name  string
	addrs []string
}

// vs is a virtual service: protocol ("FWM" with the mark as addr), address
// and real servers, each "ip:port" (weight 1, no connection) or
// "ip:port weight active inactive".
type vs struct {
	proto, addr string
	rss         []string
}

// The Services of baseWorld.
const (
	webKey = "default/web"
	dnsKey = "kube-system/kube-dns"
)

// baseWorld is a consistent cluster at 1.28 in which the model finds no
// difference. default/web is a LoadBalancer (ClusterIP 10.96.100.1, load
// balancer IP 192.168.1.200, port http 80/TCP to 8080, NodePort 30080,
// externalTrafficPolicy Cluster) with ready endpoints 10.244.1.5 on node-a
// and 10.244.2.7 on node-b; kube-system/kube-dns a ClusterIP 10.96.0.10
// (dns 53/UDP, dns-tcp 53/TCP) with ready endpoints 10.244.1.3 on node-a
// and 10.244.2.3 on node-b. node-a has eth0 192.168.1.11/24 and the three
// Service addresses on kube-ipvs0.
func baseWorld() *world {
	web := kubeService(webKey, corev1.ServiceTypeLoadBalancer, "10.96.100.1", kubePort("http", corev1.ProtocolTCP, 80, 8080, 30080))
	web.Spec.ExternalTrafficPolicy = corev1.ServiceExternalTrafficPolicyCluster
	web.Status.LoadBalancer.Ingress = []corev1.LoadBalancerIngress{{IP: "192.168.1.200"}}
	dns := kubeService(dnsKey, corev1.ServiceTypeClusterIP, "10.96.0.10",
		kubePort("dns", corev1.ProtocolUDP, 53, 53, 0), kubePort("dns-tcp", corev1.ProtocolTCP, 53, 53, 0))
	web.Pos.Line, dns.Pos.Line = 10, 40
	return &world{
		version:  "1.28",
		services: []kube.Service{web, dns},
		slices: []kube.EndpointSlice{
			endpointSlice(webKey, []string{"http/TCP/8080"}, endpoint("10.244.1.5", "node-a", epReady), endpoint("10.244.2.7", "node-b", epReady)),
			endpointSlice(dnsKey, []string{"dns/UDP/53", "dns-tcp/TCP/53"}, endpoint("10.244.1.3", "node-a", epReady), endpoint("10.244.2.3", "node-b", epReady)),
		},
		proxy: &kube.ProxyConfig{Mode: "ipvs"},
		nodes: map[string]*nodeSpec{"node-a": {
			ifaces: []iface{
				{"eth0", []string{"192.168.1.11/24"}},
				{snapshot.IPVSInterface, []string{"10.96.0.10/32", "10.96.100.1/32", "192.168.1.200/32"}},
			},
			vss: []vs{
				{"UDP", "10.96.0.10:53", []string{"10.244.1.3:53", "10.244.2.3:53"}},
				{"TCP", "10.96.0.10:53", []string{"10.244.1.3:53", "10.244.2.3:53"}},
				{"TCP", "10.96.100.1:80", []string{"10.244.1.5:8080", "10.244.2.7:8080"}},
				{"TCP", "192.168.1.200:80", []string{"10.244.1.5:8080", "10.244.2.7:8080"}},
				{"TCP", "192.168.1.11:30080", []string{"10.244.1.5:8080", "10.244.2.7:8080"}},
			},
		}},
	}
}

// kubeService returns a Service with a selector and one cluster IP.
func kubeService(key string, typ corev1.ServiceType, clusterIP string, ports ...corev1.ServicePort) kube.Service {
	ns, name, _ := strings.Cut(key, "/")
	return kube.Service{
		Service: corev1.Service{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
			Spec:       corev1.ServiceSpec{Type: typ, ClusterIP: clusterIP, ClusterIPs: []string{clusterIP}, Ports: ports},
		},
		HasSelector: true,
		Pos:         source.Pos{File: "cluster/services.yaml", Line: 1},
	}
}

// kubePort returns a Service port.
func kubePort(name string, proto corev1.Protocol, port, target, nodePort int32) corev1.ServicePort {
	return corev1.ServicePort{Name: name, Protocol: proto, Port: port, TargetPort: intstr.FromInt32(target), NodePort: nodePort}
}

// The conditions of an endpoint.
const (
	epReady       = "ready"
	epNotReady    = "not-ready"
	epTerminating = "terminating" // serving and terminating, not ready
)

// endpoint returns an endpoint on node in one of the conditions above.
func endpoint(ip, node, cond string) discoveryv1.Endpoint {
	r, s, term := cond == epReady, cond != epNotReady, cond == epTerminating
	return discoveryv1.Endpoint{Addresses: []string{ip}, NodeName: &node,
		Conditions: discoveryv1.EndpointConditions{Ready: &r, Serving: &s, Terminating: &term}}
}

// endpointSlice returns the EndpointSlice of the Service key with ports
// "name/PROTO/port" and endpoints eps.
func endpointSlice(key string, ports []string, eps ...discoveryv1.Endpoint) kube.EndpointSlice {
	ns, name, _ := strings.Cut(key, "/")
	sl := kube.EndpointSlice{EndpointSlice: discoveryv1.EndpointSlice{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name + "-x"},
		Endpoints:  eps,
	}, ServiceName: name}
	for _, p := range ports {
		f := strings.Split(p, "/")
		var n int32
		fmt.Sscan(f[2], &n)
		proto := corev1.Protocol(f[1])
		sl.Ports = append(sl.Ports, discoveryv1.EndpointPort{Name: &f[0], Protocol: &proto, Port: &n})
	}
	return sl
}

// svc returns the Service key of w, to change it.
func (w *world) svc(key string) *kube.Service {
	for i := range w.services {
		if s := &w.services[i]; s.Namespace+"/"+s.Name == key {
			return s
		}
	}
	panic("no Service " + key)
}

// endpoints replaces the endpoints of the Service key.
func (w *world) endpoints(key string, eps ...discoveryv1.Endpoint) {
	for i := range w.slices {
		if sl := &w.slices[i]; sl.Namespace+"/"+sl.ServiceName == key {
			sl.Endpoints = eps
			return
		}
	}
	panic("no EndpointSlice of " + key)
}

// set replaces the real servers of the virtual service key ("TCP/ip:port")
// of node-a.
func (w *world) set(key string, rss ...string) {
	n := w.nodes["node-a"]
	for i := range n.vss {
		if n.vss[i].proto+"/"+n.vss[i].addr == key {
			n.vss[i].rss = rss
			return
		}
	}
	panic("no virtual service " + key)
}

// setWeb replaces the real servers of the three virtual services of
// default/web on node-a.
func (w *world) setWeb(rss ...string) {
	for _, k := range []string{"TCP/10.96.100.1:80", "TCP/192.168.1.200:80", "TCP/192.168.1.11:30080"} {
		w.set(k, rss...)
	}
}

// drop removes virtual services of node-a by key.
func (w *world) drop(keys ...string) {
	n := w.nodes["node-a"]
	n.vss = slices.DeleteFunc(n.vss, func(v vs) bool { return slices.Contains(keys, v.proto+"/"+v.addr) })
}

// addVS adds a virtual service to node-a.
func (w *world) addVS(v vs) {
	w.nodes["node-a"].vss = append(w.nodes["node-a"].vss, v)
}

// addAddr adds addresses to an interface of node-a, making it when needed.
func (w *world) addAddr(ifc string, addrs ...string) {
	n := w.nodes["node-a"]
	for i := range n.ifaces {
		if n.ifaces[i].name == ifc {
			n.ifaces[i].addrs = append(n.ifaces[i].addrs, addrs...)
			return
		}
	}
	n.ifaces = append(n.ifaces, iface{ifc, addrs})
}

// unbind removes addresses (without prefix length) from an interface of
// node-a.
func (w *world) unbind(ifc string, ips ...string) {
	n := w.nodes["node-a"]
	for i := range n.ifaces {
		if n.ifaces[i].name == ifc {
			n.ifaces[i].addrs = slices.DeleteFunc(n.ifaces[i].addrs, func(a string) bool {
				ip, _, _ := strings.Cut(a, "/")
				return slices.Contains(ips, ip)
			})
		}
	}
}

// node adds a Node object with an InternalIP.
func (w *world) node(name, internalIP string) {
	w.objects = append(w.objects, kube.Node{Node: corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Status:     corev1.NodeStatus{Addresses: []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: internalIP}}},
	}})
}

// addrText prints the interfaces as `ip addr` does, lo first.
func addrText(ifaces []iface) string {
	var sb strings.Builder
	sb.WriteString("1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000\n" +
		"    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n    inet 127.0.0.1/8 scope host lo\n" +
		"       valid_lft forever preferred_lft forever\n")
	for i, ifc := range ifaces {
		fmt.Fprintf(&sb, "%d: %s: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc mq state UP group default qlen 1000\n"+
			"    link/ether 00:16:3e:0a:0b:%02x brd ff:ff:ff:ff:ff:ff\n", i+2, ifc.name, i)
		for _, a := range ifc.addrs {
			if strings.Contains(a, ":") {
				fmt.Fprintf(&sb, "    inet6 %s scope link \n", a)
			} else {
				fmt.Fprintf(&sb, "    inet %s scope global %s\n", a, ifc.name)
			}
			sb.WriteString("       valid_lft forever preferred_lft forever\n")
		}
	}
	return sb.String()
}

// ipvsText prints the virtual services as `ipvsadm -Ln` does.
func ipvsText(vss []vs, header bool) string {
	var sb strings.Builder
	if header {
		sb.WriteString("IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n" +
			"  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n")
	}
	for _, v := range vss {
		fmt.Fprintf(&sb, "%-4s %s rr\n", v.proto, v.addr)
		for _, rs := range v.rss {
			f := append(strings.Fields(rs), "1", "0", "0")
			fmt.Fprintf(&sb, "  -> %-28s Masq    %-6s %-10s %s\n", f[0], f[1], f[2], f[3])
		}
	}
	return sb.String()
}

// build returns the input document of w.
func (w *world) build(t *testing.T) *Document {
	t.Helper()
	ok := func(p string) *snapshot.Capture {
		return &snapshot.Capture{Path: p, Line: 1, Kind: bundle.KindKube, Status: snapshot.StatusOK}
	}
	c := &snapshot.Cluster{
		Captures: []*snapshot.Capture{ok("cluster/services.yaml")},
		Objects:  &kube.Objects{Services: w.services, EndpointSlices: w.slices, Nodes: w.objects, ProxyConfig: w.proxy},
	}
	if w.slices != nil {
		c.Captures = append(c.Captures, ok("cluster/endpointslices.yaml"))
	}
	snap := &snapshot.Snapshot{Cluster: c}
	for _, name := range slices.Sorted(maps.Keys(w.nodes)) {
		spec := w.nodes[name]
		n := &snapshot.Node{Name: name}
		text := spec.fragment
		if text == "" {
			text = addrText(spec.ifaces)
		}
		at := source.Pos{File: "nodes/" + name + "/ip-addr.txt", Line: 1}
		dev := bundle.CommandDevice(spec.command)
		addr, err := ipaddr.ParseDevice(strings.NewReader(text), at, dev)
		if err != nil {
			t.Fatal(err)
		}
		n.Addr = addr
		n.Captures = []*snapshot.Capture{{Path: at.File, Line: 1, Kind: bundle.KindIPAddr, Command: spec.command, Device: dev, Status: snapshot.StatusOK}}
		for _, ifc := range addr.Interfaces {
			for _, a := range ifc.Addrs() {
				if ifc.Name != snapshot.IPVSInterface && ifc.Name != "" && !a.IsLoopback() {
					n.NodeAddrs = append(n.NodeAddrs, a.Unmap())
				}
			}
		}
		n.IPVS, err = ipvs.Parse(strings.NewReader(ipvsText(spec.vss, !spec.partialIPVS)), source.Pos{File: "nodes/" + name + "/ipvsadm.txt", Line: 1})
		if err != nil {
			t.Fatal(err)
		}
		snap.Nodes = append(snap.Nodes, n)
	}
	doc, err := Build(snap, Options{KubernetesVersion: w.version})
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// TestListings checks how listings indexes a virtual service's real
// servers: under their IP and port and under their IP alone, the weights
// of one address merged.
func TestListings(t *testing.T) {
	table, err := ipvs.Parse(strings.NewReader(`IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
TCP  10.96.0.10:80 rr
  -> 10.244.2.7:8080              Masq    0      0          0
  -> 10.244.1.5:9090              Masq    0      0          0
  -> 10.244.1.5:8080              Masq    1      0          0
`), source.Pos{File: "ipvsadm.txt", Line: 1})
	if err != nil || len(table.Services) != 1 {
		t.Fatalf("%v, %+v", err, table)
	}
	set := listings(table.Services[0].Dests)
	for _, c := range []struct {
		a    epAddr
		want listing
	}{
		{epAddr{"10.244.1.5", 8080}, listing{listed: true}},
		{epAddr{"10.244.1.5", 9090}, listing{zero: true}},
		{epAddr{"10.244.1.5", 0}, listing{listed: true, zero: true}},
		{epAddr{"10.244.2.7", 8080}, listing{zero: true}},
		{epAddr{"10.244.2.7", 0}, listing{zero: true}},
		{epAddr{"10.244.3.1", 8080}, listing{}},
		{epAddr{"10.244.2.7", 9090}, listing{}},
	} {
		if got := set.get(c.a); got != c.want {
			t.Errorf("%v: %+v, want %+v", c.a, got, c.want)
		}
	}
}
