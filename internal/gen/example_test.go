package gen_test

import (
	"fmt"

	"github.com/ipvslint/ipvslint/internal/gen"
)

// ExampleNew generates a two-node bundle and lists its files in the order
// the manifest records them (captured: node first, then cluster).
func ExampleNew() {
	b, err := gen.New(gen.Config{Nodes: 2, Services: 2, Flows: 10, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(b.Root())
	for _, f := range b.Manifest().Files {
		fmt.Println(f.Path)
	}
	// Output:
	// ipvslint-node-1-20260303T220149Z
	// nodes/node-1/ip-addr.txt
	// nodes/node-1/uname.txt
	// nodes/node-1/sysctl.txt
	// nodes/node-1/ipvsadm.txt
	// nodes/node-1/conntrack.txt
	// nodes/node-2/ip-addr.txt
	// nodes/node-2/uname.txt
	// nodes/node-2/sysctl.txt
	// nodes/node-2/ipvsadm.txt
	// nodes/node-2/conntrack.txt
	// cluster/version.json
	// cluster/services.yaml
	// cluster/endpointslices.yaml
	// cluster/nodes.yaml
	// cluster/pods.yaml
	// cluster/kube-proxy-config.yaml
}
