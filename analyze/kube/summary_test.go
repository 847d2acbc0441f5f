package kube

import (
	"fmt"
	"sort"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// summarize lists the objects of o one per line, with the fields the rules
// use, then the warnings ("W ...") and the failure ("F ..."). Tests compare
// these lines rather than whole API structs.
func summarize(o *Objects) []string {
	var out []string
	for _, s := range o.Services {
		out = append(out, serviceLine(&s))
	}
	for _, s := range o.EndpointSlices {
		out = append(out, sliceLine(&s))
	}
	for _, e := range o.Endpoints {
		var addrs []string
		for _, ss := range e.Subsets {
			for _, a := range ss.Addresses {
				addrs = append(addrs, a.IP)
			}
			for _, a := range ss.NotReadyAddresses {
				addrs = append(addrs, a.IP+"(notready)")
			}
			for _, p := range ss.Ports {
				addrs = append(addrs, fmt.Sprintf(":%d/%s", p.Port, p.Protocol))
			}
		}
		out = append(out, strings.TrimSpace(fmt.Sprintf("Endpoints %s/%s @%d %s %s", e.Namespace, e.Name, e.Pos.Line, strings.Join(addrs, " "), untrimmed(&e.ObjectMeta))))
	}
	for _, n := range o.Nodes {
		var addrs []string
		for _, a := range n.Status.Addresses {
			addrs = append(addrs, string(a.Type)+"="+a.Address)
		}
		out = append(out, strings.TrimSpace(fmt.Sprintf("Node %s @%d %s podCIDRs=%s kubelet=%s kubeProxy=%s %s", n.Name, n.Pos.Line,
			strings.Join(addrs, ","), strings.Join(n.Spec.PodCIDRs, ","), n.Status.NodeInfo.KubeletVersion, n.Status.NodeInfo.KubeProxyVersion, untrimmed(&n.ObjectMeta))))
	}
	for _, p := range o.Pods {
		line := fmt.Sprintf("Pod %s/%s @%d node=%s ip=%s", p.Namespace, p.Name, p.Pos.Line, p.Spec.NodeName, p.Status.PodIP)
		if p.Spec.HostNetwork {
			line += " hostNetwork"
		}
		var ips, hostIPs, owners []string
		for _, ip := range p.Status.PodIPs {
			ips = append(ips, ip.IP)
		}
		for _, ip := range p.Status.HostIPs {
			hostIPs = append(hostIPs, ip.IP)
		}
		for _, o := range p.OwnerReferences {
			owners = append(owners, o.Kind+"/"+o.Name)
		}
		for _, f := range []struct{ name, val string }{
			{"ips", strings.Join(ips, ",")}, {"hostIP", p.Status.HostIP}, {"hostIPs", strings.Join(hostIPs, ",")}, {"owners", strings.Join(owners, ",")},
		} {
			if f.val != "" {
				line += " " + f.name + "=" + f.val
			}
		}
		out = append(out, line)
	}
	if pc := o.ProxyConfig; pc != nil {
		out = append(out, fmt.Sprintf("ProxyConfig %s @%d mode=%q scheduler=%q strictARP=%v masqueradeAll=%v clusterCIDR=%s nodePortAddresses=%s", pc.ConfigMap, pc.Pos.Line,
			pc.Mode, pc.IPVS.Scheduler, pc.IPVS.StrictARP, pc.IPTables.MasqueradeAll, pc.ClusterCIDR, strings.Join(pc.NodePortAddresses, ",")))
	}
	if v := o.Version; v != nil {
		out = append(out, fmt.Sprintf("Version @%d client=%s server=%s", v.Pos.Line, v.Client, v.Server))
	}
	if o.DroppedConfigMaps > 0 || o.DroppedSecrets > 0 {
		out = append(out, fmt.Sprintf("dropped configMaps=%d secrets=%d", o.DroppedConfigMaps, o.DroppedSecrets))
	}
	for _, w := range o.Warnings {
		out = append(out, "W "+w.String())
	}
	if o.Failure != nil {
		out = append(out, fmt.Sprintf("F %s: %s", o.Failure.Pos, o.Failure.Message))
	}
	return out
}

// serviceLine summarises a Service.
func serviceLine(s *Service) string {
	sp := s.Spec
	f := []string{fmt.Sprintf("Service %s/%s @%d %s", s.Namespace, s.Name, s.Pos.Line, sp.Type)}
	add := func(name, val string) {
		if val != "" {
			f = append(f, name+"="+val)
		}
	}
	add("clusterIP", sp.ClusterIP)
	if len(sp.ClusterIPs) > 0 {
		add("clusterIPs", strings.Join(sp.ClusterIPs, ","))
	}
	var fam []string
	for _, x := range sp.IPFamilies {
		fam = append(fam, string(x))
	}
	add("families", strings.Join(fam, ","))
	add("externalName", sp.ExternalName)
	var ports []string
	for _, p := range sp.Ports {
		s := fmt.Sprintf("%s:%d/%s>%s", p.Name, p.Port, p.Protocol, p.TargetPort.String())
		if p.NodePort != 0 {
			s += fmt.Sprintf("(np%d)", p.NodePort)
		}
		ports = append(ports, s)
	}
	add("ports", strings.Join(ports, ","))
	if s.HasSelector {
		add("selector", "yes")
	}
	if sp.Selector != nil {
		add("selector", "KEPT")
	}
	add("eTP", string(sp.ExternalTrafficPolicy))
	if sp.InternalTrafficPolicy != nil {
		add("iTP", string(*sp.InternalTrafficPolicy))
	}
	if sp.HealthCheckNodePort != 0 {
		add("hcnp", fmt.Sprint(sp.HealthCheckNodePort))
	}
	add("externalIPs", strings.Join(sp.ExternalIPs, ","))
	var ing []string
	for _, i := range s.Status.LoadBalancer.Ingress {
		x := i.IP + "/" + i.Hostname
		if i.IPMode != nil {
			x += "/" + string(*i.IPMode)
		}
		ing = append(ing, x)
	}
	add("ingress", strings.Join(ing, ","))
	if sp.SessionAffinity == "ClientIP" {
		t := "default"
		if c := sp.SessionAffinityConfig; c != nil && c.ClientIP != nil && c.ClientIP.TimeoutSeconds != nil {
			t = fmt.Sprint(*c.ClientIP.TimeoutSeconds)
		}
		add("affinity", "ClientIP/"+t)
	}
	var ann []string
	for k, v := range s.Annotations {
		ann = append(ann, k+"="+v)
	}
	sort.Strings(ann)
	add("annotations", strings.Join(ann, ","))
	if k := untrimmed(&s.ObjectMeta); k != "" {
		f = append(f, k)
	}
	return strings.Join(f, " ")
}

// sliceLine summarises an EndpointSlice.
func sliceLine(s *EndpointSlice) string {
	var ports, eps []string
	for _, p := range s.Ports {
		var name, proto string
		var port int32
		if p.Name != nil {
			name = *p.Name
		}
		if p.Protocol != nil {
			proto = string(*p.Protocol)
		}
		if p.Port != nil {
			port = *p.Port
		}
		ports = append(ports, fmt.Sprintf("%s:%d/%s", name, port, proto))
	}
	for _, e := range s.Endpoints {
		x := strings.Join(e.Addresses, ",")
		if e.NodeName != nil {
			x += " node=" + *e.NodeName
		}
		if e.Zone != nil {
			x += " zone=" + *e.Zone
		}
		for _, c := range []struct {
			name string
			v    *bool
		}{{"ready", e.Conditions.Ready}, {"serving", e.Conditions.Serving}, {"terminating", e.Conditions.Terminating}} {
			if c.v != nil {
				x += fmt.Sprintf(" %s=%v", c.name, *c.v)
			}
		}
		if len(e.DeprecatedTopology) > 0 {
			x += fmt.Sprintf(" topology=%v", e.DeprecatedTopology)
		}
		eps = append(eps, x)
	}
	line := fmt.Sprintf("EndpointSlice %s/%s @%d %s svc=%s %s ports=%s eps=[%s]", s.Namespace, s.Name, s.Pos.Line, s.APIVersion,
		s.ServiceName, s.AddressType, strings.Join(ports, ","), strings.Join(eps, "; "))
	if s.ConvertedFrom != "" {
		line += " from=" + s.ConvertedFrom
	}
	if k := untrimmed(&s.ObjectMeta); k != "" {
		line += " " + k
	}
	for _, e := range s.Endpoints {
		if r := e.TargetRef; r != nil && (r.UID != "" || r.APIVersion != "" || r.ResourceVersion != "" || r.FieldPath != "") {
			line += " TARGETREF-KEPT"
		}
	}
	return line
}

// untrimmed names the metadata of m that Parse should have dropped and
// kept ("UID-KEPT LABELS-KEPT..."); "" when none.
func untrimmed(m *metav1.ObjectMeta) string {
	var kept []string
	_, proxy := m.Labels[LabelServiceProxyName]
	for _, f := range []struct {
		name string
		kept bool
	}{
		{"UID", m.UID != ""},
		{"RESOURCE-VERSION", m.ResourceVersion != ""},
		{"GENERATION", m.Generation != 0},
		{"CREATION-TIMESTAMP", !m.CreationTimestamp.IsZero()},
		{"OWNERS", m.OwnerReferences != nil},
		{"FINALIZERS", m.Finalizers != nil},
		{"MANAGED-FIELDS", m.ManagedFields != nil},
		{"LABELS", len(m.Labels) > 0 && !(len(m.Labels) == 1 && proxy)},
		{"LAST-APPLIED", m.Annotations[lastApplied] != ""},
	} {
		if f.kept {
			kept = append(kept, f.name+"-KEPT")
		}
	}
	return strings.Join(kept, " ")
}
