// Package report writes what ipvslint found: one writer per output format.
// The text writers style their output with lipgloss when given a colour
// [Style]; every other format is plain and byte-for-byte deterministic.
package report
