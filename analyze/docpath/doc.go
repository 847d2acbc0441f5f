// Package docpath holds sets of paths into a JSON-like document: the parts
// of the Rego input document that the loaded rules read. The engine finds
// them in the compiled rules ([Parse] of what they reference), the input
// builder builds only those parts of its inventory, and the engine converts
// only those to Rego values.
package docpath
