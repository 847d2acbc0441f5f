// Package source holds what every capture parser shares: positions in bundle
// files ([Pos]), parse errors that carry them ([ParseError]), warnings about odd
// lines ([Warning]) and a line [Scanner] that strips CR, numbers lines and
// skips over-long lines instead of failing.
package source
