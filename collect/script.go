package collect

import _ "embed"

// Script is collect.sh, byte for byte: the POSIX sh collector that writes a
// bundle of format v1 on a node. Run it with sh; `--help` documents it.
//
//go:embed collect.sh
var Script []byte
