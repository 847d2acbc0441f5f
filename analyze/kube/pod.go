package kube

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ipvslint/ipvslint/analyze/source"
)

// Pod is a Pod reduced to the fields the rules use, and the place of its
// first line. It is decoded straight into these fields: container specs,
// environment, volumes and the rest of the object are never read, so a
// malformed value there is neither a warning nor a reason to drop the Pod.
type Pod struct {
	PodMeta `json:"metadata"`
	Spec    PodSpec    `json:"spec"`
	Status  PodStatus  `json:"status"`
	Pos     source.Pos `json:"pos"`
}

// PodMeta is the metadata of a [Pod] the rules use.
type PodMeta struct {
	Name            string                  `json:"name,omitempty"`
	Namespace       string                  `json:"namespace,omitempty"`
	OwnerReferences []metav1.OwnerReference `json:"ownerReferences,omitempty"`
}

// PodSpec is the spec of a [Pod] the rules use: where it runs.
type PodSpec struct {
	NodeName    string `json:"nodeName,omitempty"`
	HostNetwork bool   `json:"hostNetwork,omitempty"`
}

// PodStatus is the status of a [Pod] the rules use: its addresses.
type PodStatus struct {
	HostIP  string          `json:"hostIP,omitempty"`
	HostIPs []corev1.HostIP `json:"hostIPs,omitempty"`
	PodIP   string          `json:"podIP,omitempty"`
	PodIPs  []corev1.PodIP  `json:"podIPs,omitempty"`
}
