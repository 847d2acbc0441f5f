// Package redact rewrites a bundle so that it can leave the customer's
// hands: names (namespaces, Services, pods, nodes, hostnames, cloud IDs,
// label values that name things) become stable tokens such as ns-1, svc-7
// and node-3, and IP addresses are mapped by a keyed prefix-preserving
// permutation ([Perm]) that keeps special ranges (loopback, link-local,
// multicast...) as they are and private ranges private. Every capture keeps
// its format and its lines, so the rules find on the redacted bundle what
// they find on the original, at the same file and line.
//
// [Redact] writes the redacted bundle and a [Map] that stays with the
// customer: the key of the permutation and every name with its token.
// [Map.Unredact] turns a report written from the redacted bundle back into
// real names and addresses.
//
// docs/redaction.md tells what is redacted, what is kept and why.
package redact
