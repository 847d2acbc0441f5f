# METADATA
# title: helpers of the test pack
package ipvslint.lib

evidence(p) := {"file": "nodes/a/ipvsadm.txt", "line": p.line, "text": sprintf("TCP  10.0.0.1:%d rr", [p.port])}
