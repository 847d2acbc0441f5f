// Package bundle reads what a customer sent: a bundle in the layout of
// bundle-format.md (a directory, a .tar.gz, .tar or .zip, recognised by
// content), or loose files and pasted terminal transcripts, which are split
// at their prompt lines and classified by content with [Sniff].
//
// [Read] streams every capture to a callback with its [Kind], the path and
// line it starts at and the command that printed it, so that parsers can
// cite evidence by file and line. Archives are never extracted: entries are
// read in place, and unsafe ones (absolute or ".." paths, links, devices)
// and archive bombs (limits on entries and bytes) refuse the whole argument
// with an [*Error].
package bundle
