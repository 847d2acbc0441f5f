package diff

import (
	"testing"

	"github.com/ipvslint/ipvslint/analyze/input"
)

func TestCompareCluster(t *testing.T) {
	tests := []struct {
		name     string
		old, new []edit
		want     []Change
	}{
		{name: "same", want: []Change{}},
		{
			name: "version and CNI",
			new: []edit{func(d *input.Document) {
				d.Cluster.Version = input.Version{Value: "v1.29.1", Known: true}
				d.Cluster.CNI = input.CNI{Name: "terway-eniip", Class: input.ClassVPC}
			}},
			want: []Change{
				{Field: "version", Old: "v1.28.3", New: "v1.29.1"},
				{Field: "cni.name", Old: "flannel", New: "terway-eniip"},
				{Field: "cni.class", Old: "overlay", New: "vpc"},
			},
		},
		{
			name: "kube-proxy configuration, in the document's order",
			old: []edit{func(d *input.Document) {
				d.Cluster.KubeProxy.FeatureGates = map[string]bool{"TopologyAwareHints": true, "Old": false}
			}},
			new: []edit{func(d *input.Document) {
				kp := &d.Cluster.KubeProxy
				kp.Mode, kp.StrictARP, kp.Scheduler = "iptables", true, "wrr"
				kp.NodePortAddresses = []string{"10.0.0.0/24", "primary"}
				kp.ExcludeCIDRs = []string{"10.1.0.0/16"}
				kp.ClusterCIDR, kp.MasqueradeAll = "10.244.0.0/16", true
				kp.FeatureGates = map[string]bool{"TopologyAwareHints": false, "New": true}
				kp.ConntrackMaxPerCore, kp.ConntrackMin = 0, 262144
			}},
			want: []Change{
				{Field: "kubeProxy.mode", Old: "ipvs", New: "iptables"},
				{Field: "kubeProxy.strictARP", Old: "false", New: "true"},
				{Field: "kubeProxy.scheduler", Old: "rr", New: "wrr"},
				{Field: "kubeProxy.nodePortAddresses", Old: "", New: "10.0.0.0/24, primary"},
				{Field: "kubeProxy.excludeCIDRs", Old: "", New: "10.1.0.0/16"},
				{Field: "kubeProxy.clusterCIDR", Old: "", New: "10.244.0.0/16"},
				{Field: "kubeProxy.masqueradeAll", Old: "false", New: "true"},
				{Field: "kubeProxy.featureGates[New]", Old: "", New: "true"},
				{Field: "kubeProxy.featureGates[Old]", Old: "false", New: ""},
				{Field: "kubeProxy.featureGates[TopologyAwareHints]", Old: "true", New: "false"},
				{Field: "kubeProxy.conntrackMaxPerCore", Old: "32768", New: "0"},
				{Field: "kubeProxy.conntrackMin", Old: "131072", New: "262144"},
			},
		},
		{
			name: "kube-proxy's ConfigMap missing: its defaults are not compared; other captures, by name",
			new: []edit{func(d *input.Document) {
				d.Cluster.KubeProxy.Present = false
				d.Cluster.KubeProxy.Scheduler = "rr"
				d.Cluster.KubeProxy.Mode = ""
				d.Cluster.Captures["kubeProxyConfig"] = input.Capture{Status: "missing"}
				d.Cluster.Captures["endpointslices"] = input.Capture{Status: "failed"}
				d.Cluster.Captures["pods"] = input.Capture{Status: "ok"}
			}},
			want: []Change{
				{Field: "kubeProxy.present", Old: "true", New: "false"},
				{Field: "captures[endpointslices]", Old: "ok", New: "failed"},
				{Field: "captures[kubeProxyConfig]", Old: "ok", New: "missing"},
				{Field: "captures[pods]", Old: "", New: "ok"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			same(t, Compare(state(tt.old...), state(tt.new...)).Cluster, tt.want)
		})
	}
}
