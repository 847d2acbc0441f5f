package redact

import (
	"bytes"
	"fmt"
	"io"
	"testing"

	"github.com/ipvslint/ipvslint/analyze/bundle"
)

// BenchmarkRewriteConntrack measures the rewriting of a conntrack table of
// 100,000 flows among 5,000 clients, the bulk of a big bundle:
//
//	go test -run '^$' -bench RewriteConntrack -benchmem ./analyze/redact
func BenchmarkRewriteConntrack(b *testing.B) {
	var table bytes.Buffer
	for i := range 100_000 {
		c, s := i%5000, i%700
		fmt.Fprintf(&table, "ipv4     2 tcp      6 431998 ESTABLISHED src=10.244.%d.%d dst=10.96.%d.%d sport=%d dport=443 src=10.244.%d.%d dst=10.244.%d.%d sport=8443 dport=%d [ASSURED] mark=0 use=1\n",
			c/250, c%250, s/250, s%250, 30000+i%30000, s%200, s%250, c/250, c%250, 30000+i%30000)
	}
	r, err := New(&Map{Format: MapFormat, Key: string(bytes.Repeat([]byte("5a17c308"), 8))})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(table.Len()))
	b.ResetTimer()
	for range b.N {
		if err := r.rewrite(bundle.KindConntrack, bytes.NewReader(table.Bytes()), io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}
