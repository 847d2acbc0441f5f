// Package kube reads the Kubernetes objects of a bundle's cluster/ folder as
// kubectl prints them, and the output of `kubectl version`.
//
// [Parse] accepts YAML or JSON (sniffed), bare objects, `kind: List` and raw
// API lists (ServiceList, EndpointSliceList...), multi-document YAML, the
// concatenated JSON documents of a watch, with or without managedFields. It
// keeps Services, EndpointSlices (discovery.k8s.io/v1beta1 ones converted to
// v1), Endpoints, Nodes, Pods (reduced to the fields the rules use) and the
// kube-proxy configuration; every object carries the [source.Pos] of its first
// line. Secrets and all other ConfigMaps are dropped unread: they may hold
// credentials.
//
// Lists are read as a stream: a splitter cuts the input at the items of
// each List (YAML and JSON), workers on all cores decode them, and the
// objects are filed in input order, so that a List of any size takes the
// memory of its objects plus a few items in flight; one object may be of at
// most [MaxObject] bytes. The block YAML kubectl prints is read by a fast
// path straight to JSON; anything else by the YAML library. The JSON is
// decoded into the API types by go-json, and again by encoding/json only
// where go-json fails, so that the warnings are encoding/json's.
//
// [ParseVersion] reads `kubectl version` in its JSON, YAML and text forms, and
// [ParseGitVersion] parses the build versions (gitVersion, kubeletVersion,
// kubeProxyVersion) that vendors decorate with suffixes such as "-eks-1234"
// or "+k3s1".
package kube
