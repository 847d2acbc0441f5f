// Package collect holds the collectors: collect.sh, a POSIX sh script run as
// root on a Kubernetes node that captures ip addr, ipvsadm, conntrack, sysctl
// and friends (and, when kubectl reaches the API server, the cluster objects
// that explain them) into a bundle of format v1
// (ipvslint-<node>-<UTC time>.tar.gz) that ipvslint reads; and
// collect-cluster.sh, a POSIX sh script run where kubectl works that runs
// collect.sh on every node through `kubectl debug node/...` and writes one
// bundle of all the nodes (ipvslint-cluster-<UTC time>.tar.gz).
//
// Both are embedded in the ipvslint binary, as [Script] and
// [ClusterScript], so that `ipvslint collect-script [--cluster]` gives them
// to users without network access. README.md in this folder documents their
// use.
package collect
