package kube

import (
	"encoding/json"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/ipvslint/ipvslint/analyze/source"
)

// ProxyConfig is the part of kube-proxy's KubeProxyConfiguration the rules
// use, read from the `config.conf` key of the kube-proxy ConfigMap. Other
// settings are not read. Empty strings and nil pointers are settings left
// out of the file, for which kube-proxy uses its defaults.
type ProxyConfig struct {
	// Pos is the place of the ConfigMap's first line.
	Pos source.Pos `json:"pos"`
	// ConfigMap is the namespace/name of the ConfigMap, normally
	// "kube-system/kube-proxy".
	ConfigMap string `json:"configMap"`
	// Mode is the proxy mode as written: "ipvs", "iptables", "nftables",
	// "kernelspace"... An empty Mode is the platform default, iptables on
	// Linux; it is kept empty, not resolved.
	Mode string `json:"mode"`
	// ClusterCIDR is the pod CIDR (or comma-separated CIDRs) kube-proxy
	// uses to tell cluster traffic from external traffic.
	ClusterCIDR string `json:"clusterCIDR,omitempty"`
	// NodePortAddresses restricts the node addresses NodePorts are served
	// on (CIDRs, or "primary"); empty means all addresses.
	NodePortAddresses []string `json:"nodePortAddresses,omitempty"`
	// HostnameOverride replaces the node name kube-proxy uses to find its
	// node-local endpoints.
	HostnameOverride string `json:"hostnameOverride,omitempty"`
	// DetectLocalMode is how kube-proxy tells local traffic
	// ("ClusterCIDR", "NodeCIDR", "BridgeInterface", "InterfaceNamePrefix").
	DetectLocalMode string          `json:"detectLocalMode,omitempty"`
	IPVS            ProxyIPVS       `json:"ipvs"`
	IPTables        ProxyIPTables   `json:"iptables"`
	Conntrack       ProxyConntrack  `json:"conntrack"`
	FeatureGates    map[string]bool `json:"featureGates,omitempty"`
}

// ProxyIPVS is the ipvs section of a KubeProxyConfiguration.
type ProxyIPVS struct {
	// Scheduler is the IPVS scheduler; empty means "rr".
	Scheduler string `json:"scheduler,omitempty"`
	// StrictARP makes kube-proxy set arp_ignore=1 and arp_announce=2.
	StrictARP    bool     `json:"strictARP"`
	ExcludeCIDRs []string `json:"excludeCIDRs,omitempty"`
}

// ProxyIPTables is the iptables section of a KubeProxyConfiguration, which
// also applies in IPVS mode.
type ProxyIPTables struct {
	// MasqueradeAll SNATs all traffic to Service addresses.
	MasqueradeAll bool `json:"masqueradeAll"`
	// MasqueradeBit is the fwmark bit of KUBE-MARK-MASQ; nil means 14
	// (0x4000).
	MasqueradeBit *int32 `json:"masqueradeBit,omitempty"`
}

// ProxyConntrack is the conntrack section of a KubeProxyConfiguration. nil
// means the default: nf_conntrack_max = max(32768 × cores, 131072); 0 means
// kube-proxy leaves the sysctl alone.
type ProxyConntrack struct {
	MaxPerCore *int32 `json:"maxPerCore,omitempty"`
	Min        *int32 `json:"min,omitempty"`
}

// proxyConfigKey is the ConfigMap key that holds the KubeProxyConfiguration
// (kubeadm and most installers).
const proxyConfigKey = "config.conf"

// droppedConfigMap is the value of a ConfigMap other than kube-proxy's,
// which is dropped unread.
type droppedConfigMap struct{}

// configMap decodes the kube-proxy ConfigMap; any other is dropped unread.
func (e *entry) configMap() {
	o := &e.o
	named := o.namespace == "kube-system" && o.name == "kube-proxy"
	var cm corev1.ConfigMap
	if !named {
		// Only the one key is looked at: ConfigMaps may hold anything.
		body, err := o.body()
		if err != nil || json.Unmarshal(body, &cm) != nil || !strings.Contains(cm.Data[proxyConfigKey], "KubeProxyConfiguration") {
			e.value = droppedConfigMap{}
			return
		}
	} else if !e.decode(&cm) {
		return
	}
	pc := &ProxyConfig{}
	conf, ok := cm.Data[proxyConfigKey]
	switch {
	case !ok:
		e.more = append(e.more, source.Warnf(o.pos, "", "%s has no %s key: kube-proxy settings unknown", o.id(), proxyConfigKey))
	default:
		if err := yaml.Unmarshal([]byte(conf), pc); err != nil {
			e.more = append(e.more, source.Warnf(o.pos, "", "%s: %s: %v", o.id(), proxyConfigKey, err))
		}
	}
	pc.Pos = o.pos
	pc.ConfigMap = cm.Namespace + "/" + cm.Name
	e.value = pc
}

// fileConfigMap files a decoded ConfigMap: the first kube-proxy one is kept.
func (p *parser) fileConfigMap(e *entry) {
	switch v := e.value.(type) {
	case droppedConfigMap:
		p.out.DroppedConfigMaps++
	case *ProxyConfig:
		if p.out.ProxyConfig != nil {
			p.out.Warnings = append(p.out.Warnings, source.Warnf(e.o.pos, "", "second kube-proxy ConfigMap %s (ignored)", e.o.id()))
			return
		}
		p.out.Warnings = append(p.out.Warnings, e.more...)
		p.out.ProxyConfig = v
	}
}
