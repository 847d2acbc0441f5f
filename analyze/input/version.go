package input

import (
	"fmt"

	"github.com/ipvslint/ipvslint/analyze/kube"
)

// version infers the cluster's Kubernetes version: flag (--k8s-version,
// validated by Build) first, then the API server's version from `kubectl
// version`, then the lowest kube-proxy version of the Node objects, then
// their lowest kubelet version.
func (b *builder) version(flag string) Version {
	if flag != "" {
		v, _ := kube.ParseGitVersion(flag)
		return versionOf(v, "--k8s-version")
	}
	if v := b.snap.Cluster.Version; v != nil && v.ServerVersion != nil {
		return versionOf(*v.ServerVersion, v.Pos.File)
	}
	if v, ok := b.lowestNodeVersion("kube-proxy", func(n *kube.Node) string { return n.Status.NodeInfo.KubeProxyVersion }); ok {
		return v
	}
	v, _ := b.lowestNodeVersion("kubelet", func(n *kube.Node) string { return n.Status.NodeInfo.KubeletVersion })
	return v
}

// lowestNodeVersion returns the lowest version that get reads from the Node
// objects, with a source such as "cluster/nodes.yaml (kubelet, lowest of
// 3)". Versions that do not parse are skipped; ok is false when none is
// left.
func (b *builder) lowestNodeVersion(what string, get func(*kube.Node) string) (v Version, ok bool) {
	var low kube.GitVersion
	var file string
	count := 0
	for i := range b.objs.Nodes {
		n := &b.objs.Nodes[i]
		gv, err := kube.ParseGitVersion(get(n))
		if err != nil {
			continue
		}
		if count == 0 || gv.Compare(low) < 0 {
			low, file = gv, n.Pos.File
		}
		count++
	}
	if count == 0 {
		return Version{}, false
	}
	src := fmt.Sprintf("%s (%s)", file, what)
	if count > 1 {
		src = fmt.Sprintf("%s (%s, lowest of %d)", file, what, count)
	}
	return versionOf(low, src), true
}

// versionOf returns v as a known Version from source.
func versionOf(v kube.GitVersion, source string) Version {
	return Version{Value: v.String(), Major: v.Major, Minor: v.Minor, Patch: v.Patch, Source: source, Known: true}
}
