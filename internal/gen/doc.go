// Package gen writes large synthetic bundles (layout v1) for benchmarks and
// scale tests: a cluster of N nodes running kube-proxy in IPVS mode with S
// Services, and a conntrack table of F flows on one node.
//
// What it models, per the behaviours kube-proxy encodes:
//   - Services: the default/kubernetes and kube-system/kube-dns Services,
//     then mostly ClusterIP, about 10 % NodePort and 5 % LoadBalancer (an
//     ingress IP from 198.51.100.0/24 or 203.0.113.0/24), one NodePort or
//     LoadBalancer Service in ten with externalTrafficPolicy Local, one
//     Service in fifty with ClientIP session affinity;
//   - 1–3 ready endpoints per Service (Deployment pods spread over the
//     nodes, named in EndpointSlices with their nodeName), plus per node a
//     kube-proxy and a kube-flannel pod (hostNetwork) and a fluent-bit pod;
//   - per node, kube-ipvs0 holding every ClusterIP and LoadBalancer IP as a
//     /32 (B1); in ipvsadm, one virtual service per ClusterIP port, per
//     NodePort port and IPv4 node address except kube-ipvs0's (B12), and per
//     LoadBalancer port; real servers are the Service's endpoints, only the
//     node's own for the external virtual services of eTP=Local Services
//     (B5), or all of them when the node has none from v1.24 on (B7) and
//     none before (B6);
//   - a conntrack table (conntrack -L -o extended, default sysctls: no
//     counters, no timestamps) whose flows are mostly pods reaching
//     ClusterIPs through IPVS, some SYN_SENT [UNREPLIED], DNS over UDP to
//     the kube-dns VIP, NodePort and LoadBalancer flows, kubelet
//     connections, and flows to other nodes' pods and the internet.
//
// A bundle is deterministic for its [Config]: the same configuration gives
// the same bytes. Each file is generated from its own random stream, so a
// file is generated once to learn its size and checksum (manifest.json
// comes first in the archive) and again while it is written; the conntrack
// tables are never held in memory.
//
// The scale case is not part of go test; run it by hand (5 nodes, 10,000
// Services, 1,000,000 flows: 225 MB of captures, 174 MB of them conntrack,
// 47 MB compressed, about 5 s and 220 MB of memory on 2 cores):
//
//	/usr/bin/time -v go run ./cmd/genbundle -nodes 5 -services 10000 -flows 1000000 -o /tmp/big.tar.gz
//	/usr/bin/time -v go run ./cmd/ipvslint inspect /tmp/big.tar.gz
package gen
