package kube

import (
	"encoding/json"
	"reflect"

	gojson "github.com/goccy/go-json"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
)

// unmarshal decodes data into v, a pointer, as encoding/json does, but
// three to five times faster for the objects of a large cluster: it
// decodes with go-json first, and only where that fails (an error, or a
// panic) does it decode again with encoding/json, from the zero value, so
// that the error, and what a type error leaves of the object, are
// encoding/json's. FuzzUnmarshal checks that whatever go-json decodes
// without error, encoding/json decodes without error to the same value.
func unmarshal(data []byte, v any) error {
	if quickUnmarshal(data, v) {
		return nil
	}
	reflect.ValueOf(v).Elem().SetZero()
	return json.Unmarshal(data, v)
}

// quickUnmarshal decodes data into v with go-json, reporting whether it did
// without error.
func quickUnmarshal(data []byte, v any) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	return gojson.Unmarshal(data, v) == nil
}

// fit returns s in an array of its length. go-json gives every slice it
// decodes room for four elements at least, and most slices of an object
// hold one (a Service's ports and addresses, an endpoint's addresses): a
// large cluster would keep that room for each of its objects.
func fit[T any](s []T) []T {
	if cap(s) == len(s) {
		return s
	}
	return append(make([]T, 0, len(s)), s...)
}

// fitService fits (see fit) the slices of a Service that Parse keeps.
func fitService(s *corev1.Service) {
	sp := &s.Spec
	sp.Ports, sp.ClusterIPs, sp.IPFamilies = fit(sp.Ports), fit(sp.ClusterIPs), fit(sp.IPFamilies)
	sp.ExternalIPs, sp.LoadBalancerSourceRanges = fit(sp.ExternalIPs), fit(sp.LoadBalancerSourceRanges)
	s.Status.LoadBalancer.Ingress = fit(s.Status.LoadBalancer.Ingress)
}

// fitSlice fits (see fit) the slices of an EndpointSlice and its endpoints.
func fitSlice(s *discoveryv1.EndpointSlice) {
	s.Ports, s.Endpoints = fit(s.Ports), fit(s.Endpoints)
	for i := range s.Endpoints {
		s.Endpoints[i].Addresses = fit(s.Endpoints[i].Addresses)
	}
}

// fitPod fits (see fit) the slices of a Pod.
func fitPod(p *Pod) {
	p.OwnerReferences, p.Status.PodIPs, p.Status.HostIPs = fit(p.OwnerReferences), fit(p.Status.PodIPs), fit(p.Status.HostIPs)
}
