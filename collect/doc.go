// Package collect holds the node collector: collect.sh, a POSIX sh script
// run as root on a Kubernetes node that captures ip addr, ipvsadm, conntrack,
// sysctl and friends (and, when kubectl reaches the API server, the cluster
// objects that explain them) into a bundle of format v1
// (ipvslint-<node>-<UTC time>.tar.gz) that ipvslint reads.
//
// The script is embedded in the ipvslint binary as [Script], so that
// `ipvslint collect-script` gives it to users without network access.
// README.md in this folder documents its use.
package collect
