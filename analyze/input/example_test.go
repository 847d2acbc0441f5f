package input_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/ipvslint/ipvslint/analyze/bundle"
	"github.com/ipvslint/ipvslint/analyze/input"
	"github.com/ipvslint/ipvslint/analyze/snapshot"
)

// Example builds the document of one pasted ipvsadm listing and looks up
// what its virtual service serves.
func Example() {
	dir, err := os.MkdirTemp("", "ipvslint-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	files := map[string]string{
		"ipvsadm.txt": "TCP  10.96.0.1:443 rr\n  -> 192.168.10.11:6443           Masq    1      4          0\n",
		"svc.yaml":    "apiVersion: v1\nkind: Service\nmetadata:\n  name: kubernetes\n  namespace: default\nspec:\n  clusterIP: 10.96.0.1\n  ports:\n  - name: https\n    port: 443\n    protocol: TCP\n    targetPort: 6443\n",
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			log.Fatal(err)
		}
	}
	snap, _ := snapshot.Build([]string{dir}, bundle.Options{Node: "node-a"})
	expect, err := input.ParseExpect("10.96.0.1:443")
	if err != nil {
		log.Fatal(err)
	}
	doc, err := input.Build(snap, input.Options{KubernetesVersion: "1.28", Expect: []input.Expect{expect}})
	if err != nil {
		log.Fatal(err)
	}
	vs := doc.Nodes["node-a"].VirtualServers["TCP/10.96.0.1:443"]
	fmt.Println(vs.Text)
	fmt.Println(vs.Services[0].Service, vs.Services[0].Role)
	fmt.Println(doc.Cluster.Version.Value, doc.Cluster.Version.Source)
	fmt.Println(doc.Nodes["node-a"].Captures["ip-addr"].Status)
	// Output:
	// TCP  10.96.0.1:443 rr
	// default/kubernetes clusterIP
	// v1.28.0 --k8s-version
	// missing
}
