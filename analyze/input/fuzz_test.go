package input

import "testing"

// FuzzParseExpect checks that ParseExpect never panics and that what it
// accepts is a valid target.
func FuzzParseExpect(f *testing.F) {
	for _, s := range []string{"10.0.5.168:30745", "47.1.1.1:443/tcp", "[fd00::a]:53/UDP", "fd00::1:443", "10.0.0.1:0", "[fe80::1%eth0]:80", ":/", "[]:1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := ParseExpect(s)
		if err != nil {
			return
		}
		if !e.IP.IsValid() || e.IP.Is4In6() || e.IP.Zone() != "" || e.Port < 1 || e.Port > 65535 {
			t.Errorf("ParseExpect(%q) = %+v", s, e)
		}
		switch e.Protocol {
		case "TCP", "UDP", "SCTP":
		default:
			t.Errorf("ParseExpect(%q) protocol %q", s, e.Protocol)
		}
	})
}
