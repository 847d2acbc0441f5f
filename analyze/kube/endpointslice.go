package kube

import (
	"maps"

	discoveryv1 "k8s.io/api/discovery/v1"
	discoveryv1beta1 "k8s.io/api/discovery/v1beta1"
)

// betaSlices is the apiVersion of EndpointSlices before 1.21 (served until
// 1.25), which this package converts to v1.
const betaSlices = "discovery.k8s.io/v1beta1"

// Topology keys of v1beta1 endpoints that became fields in v1.
const (
	topologyHostname = "kubernetes.io/hostname"
	topologyZone     = "topology.kubernetes.io/zone"
)

// decodeSlice decodes an EndpointSlice of either apiVersion into v.
func (e *entry) decodeSlice(v *EndpointSlice) bool {
	if e.o.apiVersion != betaSlices {
		return e.decode(&v.EndpointSlice)
	}
	var beta discoveryv1beta1.EndpointSlice
	if !e.decode(&beta) {
		return false
	}
	v.EndpointSlice = sliceFromBeta(&beta)
	v.ConvertedFrom = betaSlices
	return true
}

// sliceFromBeta converts a v1beta1 EndpointSlice to v1. As in the API
// server's conversion, topology becomes deprecatedTopology, less the
// topology.kubernetes.io/zone key (moved to zone) and the
// kubernetes.io/hostname key when it equals nodeName. Unlike it, an endpoint
// without nodeName gets the hostname key's value: v1beta1 slices before 1.20
// had no nodeName, and kube-proxy read the node from that key.
func sliceFromBeta(in *discoveryv1beta1.EndpointSlice) discoveryv1.EndpointSlice {
	out := discoveryv1.EndpointSlice{
		TypeMeta:    in.TypeMeta,
		ObjectMeta:  in.ObjectMeta,
		AddressType: discoveryv1.AddressType(in.AddressType),
	}
	out.APIVersion = discoveryv1.SchemeGroupVersion.String()
	for _, p := range in.Ports {
		out.Ports = append(out.Ports, discoveryv1.EndpointPort{Name: p.Name, Protocol: p.Protocol, Port: p.Port, AppProtocol: p.AppProtocol})
	}
	for _, e := range in.Endpoints {
		ep := discoveryv1.Endpoint{
			Addresses: e.Addresses,
			Conditions: discoveryv1.EndpointConditions{
				Ready:       e.Conditions.Ready,
				Serving:     e.Conditions.Serving,
				Terminating: e.Conditions.Terminating,
			},
			Hostname:  e.Hostname,
			TargetRef: e.TargetRef,
			NodeName:  e.NodeName,
		}
		if e.Hints != nil {
			ep.Hints = &discoveryv1.EndpointHints{}
			for _, z := range e.Hints.ForZones {
				ep.Hints.ForZones = append(ep.Hints.ForZones, discoveryv1.ForZone{Name: z.Name})
			}
			for _, n := range e.Hints.ForNodes {
				ep.Hints.ForNodes = append(ep.Hints.ForNodes, discoveryv1.ForNode{Name: n.Name})
			}
		}
		if len(e.Topology) > 0 {
			rest := maps.Clone(e.Topology)
			if h, ok := rest[topologyHostname]; ok {
				if ep.NodeName == nil {
					ep.NodeName = &h
				}
				if *ep.NodeName == h {
					delete(rest, topologyHostname)
				}
			}
			if z, ok := rest[topologyZone]; ok {
				ep.Zone = &z
				delete(rest, topologyZone)
			}
			if len(rest) > 0 {
				ep.DeprecatedTopology = rest
			}
		}
		out.Endpoints = append(out.Endpoints, ep)
	}
	return out
}
