package kube_test

import (
	"fmt"
	"strings"

	"github.com/ipvslint/ipvslint/analyze/kube"
	"github.com/ipvslint/ipvslint/analyze/source"
)

func ExampleParse() {
	const services = `apiVersion: v1
items:
- apiVersion: v1
  kind: Service
  metadata:
    name: web
    namespace: shop
  spec:
    clusterIP: 10.96.120.15
    externalTrafficPolicy: Local
    ports:
    - nodePort: 30080
      port: 80
      protocol: TCP
      targetPort: 8080
    type: LoadBalancer
  status:
    loadBalancer:
      ingress:
      - ip: 203.0.113.10
kind: List
metadata:
  resourceVersion: ""
`
	objs, err := kube.Parse(strings.NewReader(services), source.Pos{File: "cluster/services.yaml", Line: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range objs.Services {
		fmt.Println(s.Pos, s.Namespace+"/"+s.Name, s.Spec.ExternalTrafficPolicy, s.Status.LoadBalancer.Ingress[0].IP)
	}
	// Output:
	// cluster/services.yaml:3 shop/web Local 203.0.113.10
}

func ExampleParseGitVersion() {
	v, err := kube.ParseGitVersion("v1.24.6-aliyun.1")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(v.Major, v.Minor, v.Patch, v.Pre, v.AtLeast(1, 24, 0), v.AtLeast(1, 26, 0))
	// Output:
	// 1 24 6 aliyun.1 true false
}
