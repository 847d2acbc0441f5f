package bundle_test

import (
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"

	"github.com/ipvslint/ipvslint/analyze/bundle"
)

// A pasted transcript is split at its prompts; each piece is classified and
// keeps the line numbers of the whole file.
func ExampleRead() {
	dir, err := os.MkdirTemp("", "example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	paste := filepath.Join(dir, "ticket-4711.txt")
	err = os.WriteFile(paste, []byte(`[root@node-a ~]# ipvsadm -Ln
IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
TCP  10.96.0.1:443 rr
[root@node-a ~]# conntrack -L
conntrack v1.4.7 (conntrack-tools): 0 flow entries have been shown.
[root@node-a ~]# ls
notes.txt
`), 0o644)
	if err != nil {
		log.Fatal(err)
	}

	b, err := bundle.Read(paste, bundle.Options{Node: "node-a"}, func(c bundle.Capture, r io.Reader) error {
		data, err := io.ReadAll(r) // a parser would read r here
		fmt.Printf("%s: %s from %q on %s, %d bytes\n", c.Pos(), c.Kind, c.Command, c.Node, len(data))
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, ig := range b.Ignored {
		fmt.Printf("%s:%d: ignored: %s\n", ig.Path, ig.Line, ig.Reason)
	}
	// Output:
	// ticket-4711.txt:2: ipvsadm from "ipvsadm -Ln" on node-a, 175 bytes
	// ticket-4711.txt:7: conntrack from "conntrack -L" on node-a, 68 bytes
	// ticket-4711.txt:8: ignored: no known capture format recognised
}
