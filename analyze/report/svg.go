package report

import (
	"fmt"
	"strings"

	"github.com/ipvslint/ipvslint/analyze/input"
)

// The drawing of a connection: four stages side by side (the client, the
// node with the destination address, IPVS or what takes the packet
// instead, and the real servers or the local process), arrows between
// them, the reply back to the client underneath, and a mark, in words and
// a symbol, where the connection breaks or changes. Every box, arrow and
// mark comes from the facts and verdict of the trace ([Path]); the
// template "diagram" of html.tmpl writes it as inline SVG.
const (
	diagramWidth  = 860
	diagramHeight = 204 // with the reply; without it, it ends below the words of the marks
	boxY, boxH    = 20, 96
	arrowY        = boxY + boxH/2
	wordsY        = boxY + boxH + 22 // the words of a mark on an arrow
	replyY        = 162
)

// columns are the left edge and width of each stage.
var columns = [4]struct{ x, w int }{{4, 164}, {212, 180}, {436, 180}, {660, 196}}

// diagram is a drawing ready for the template: coordinates and texts.
type diagram struct {
	ID            string // unique in the page: the prefix of its element IDs
	Title, Desc   string
	Width, Height int
	Boxes         []diagramBox
	Arrows        []diagramArrow
	Marks         []diagramMark
}

type diagramBox struct {
	X, Y, W, H int
	Dashed     bool
	Texts      []diagramText // the title first
}

type diagramText struct {
	X, Y int
	Text string
}

type diagramArrow struct {
	Points string // of a polyline: "x,y x,y ..."
	Dashed bool
	Label  diagramText // "" Text for none
}

// diagramMark is a symbol on an arrow and its words below it. Class is
// bad (the connection fails), warn (it works differently) or good.
type diagramMark struct {
	X, Y   int
	Symbol string
	Class  string
	Words  diagramText
}

// The verdicts of ipvslint.trace/v1 that the drawing tells apart.
const (
	verdictServed          = "served"
	verdictWithoutSourceIP = "served-without-source-ip"
	verdictLocalListener   = "served-by-local-listener"
	verdictRefused         = "refused"
	verdictTimeout         = "timeout"
	verdictLeavesNode      = "leaves-node"
)

// newDiagram draws the connection of p; id prefixes its element IDs.
func newDiagram(id string, p *Path) *diagram {
	d := &diagram{ID: id, Width: diagramWidth, Height: wordsY + 12}
	d.box(0, false, clientTitle(p.Client), clientLines(p)...)
	d.box(1, false, p.Node, nodeLines(p)...)
	d.arrow(0)
	d.Title = fmt.Sprintf("%s to %s: %s", clientWords(p), destination(p), p.Verdict)
	desc := []string{clientWords(p) + " connects to " + destination(p) + ".", addressWords(p)}

	switch {
	case p.Verdict == verdictLocalListener:
		d.ipvs(p)
		d.box(3, false, "Local process", listenerLines(p.Listener)...)
		d.arrow(1)
		d.arrow(2)
		d.mark(2, "!", "bad", "a local process answers, not the Service")
		d.reply(3, false, "reply from the local process")
		desc = append(desc, ipvsWords(p), "A process on the node listening on the port answers instead.")
	case p.VirtualService == "" && p.Address == "none":
		d.box(2, true, "Leaves the node", "not intercepted here:", "routed onwards, to the", "real load balancer or gateway")
		d.arrow(1)
		d.verdictMark(1, p.Verdict)
		desc = append(desc, "The node does not intercept it: the packet is routed onwards.")
	case p.VirtualService == "":
		d.ipvs(p)
		d.arrow(1)
		d.verdictMark(1, p.Verdict)
		desc = append(desc, ipvsWords(p))
	case len(p.RealServers) == 0:
		d.ipvs(p)
		d.box(3, true, "No real servers")
		d.arrow(1)
		d.arrow(2)
		d.verdictMark(2, p.Verdict)
		desc = append(desc, ipvsWords(p), "It has no real server.")
	default:
		d.ipvs(p)
		d.box(3, false, fmt.Sprintf("Real servers (%d)", len(p.RealServers)), realServerLines(p.RealServers)...)
		d.arrow(1)
		d.arrow(2)
		desc = append(desc, ipvsWords(p), realServerWords(p.RealServers))
		switch p.Verdict {
		case verdictRefused, verdictLeavesNode:
			d.verdictMark(1, p.Verdict)
		case verdictWithoutSourceIP:
			d.verdictMark(2, p.Verdict)
			d.reply(3, false, "reply")
		case verdictServed:
			d.reply(3, false, "reply")
			d.replyMark("✓", "good", "served")
		case verdictTimeout:
			d.reply(3, true, "reply")
			d.replyMark("✕", "bad", "timeout: the reply does not come back")
		default:
			d.reply(3, true, "reply")
			d.replyMark("?", "bad", p.Verdict)
		}
	}
	desc = append(desc, "Verdict: "+p.Verdict+": "+p.Reason+".")
	d.Desc = strings.Join(desc, " ")
	return d
}

// verdictMark marks the arrow after stage i with what the verdict says.
func (d *diagram) verdictMark(i int, verdict string) {
	switch verdict {
	case verdictRefused:
		d.mark(i, "✕", "bad", "refused")
	case verdictTimeout:
		d.mark(i, "✕", "bad", "timeout")
	case verdictLeavesNode:
		d.mark(i, "!", "warn", "leaves the node")
	case verdictWithoutSourceIP:
		d.mark(i, "!", "warn", "source IP lost")
	case verdictServed:
		d.mark(i, "✓", "good", "served")
	default:
		d.mark(i, "?", "bad", verdict)
	}
}

// box draws stage i with a title and up to four lines, each cut to fit.
func (d *diagram) box(i int, dashed bool, title string, lines ...string) {
	c := columns[i]
	fit := (c.w - 20) * 10 / 63 // characters of about 6.3 pixels
	b := diagramBox{X: c.x, Y: boxY, W: c.w, H: boxH, Dashed: dashed}
	b.Texts = append(b.Texts, diagramText{X: c.x + 10, Y: boxY + 20, Text: clip(title, fit)})
	for j, line := range lines[:min(len(lines), 4)] {
		b.Texts = append(b.Texts, diagramText{X: c.x + 10, Y: boxY + 40 + 16*j, Text: clip(line, fit)})
	}
	d.Boxes = append(d.Boxes, b)
}

// ipvs draws stage 2: the virtual service, or its absence.
func (d *diagram) ipvs(p *Path) {
	if p.VirtualService == "" {
		served := "it serves no port"
		if len(p.Served) > 0 {
			served = "it serves " + strings.Join(p.Served, ", ")
		}
		d.box(2, true, "No virtual service", fmt.Sprintf("for %d/%s", p.Port, p.Protocol), served)
		return
	}
	var lines []string
	lines = append(lines, p.VirtualService)
	if p.Service != "" {
		lines = append(lines, p.Service, roleWords(p.Role))
	}
	d.box(2, false, "IPVS virtual service", lines...)
}

// gap is the middle of the space after stage i.
func gap(i int) int { return (columns[i].x + columns[i].w + columns[i+1].x) / 2 }

// arrow draws the arrow from stage i to stage i+1.
func (d *diagram) arrow(i int) {
	x1, x2 := columns[i].x+columns[i].w, columns[i+1].x
	d.Arrows = append(d.Arrows, diagramArrow{Points: points(x1, arrowY, x2-2, arrowY)})
}

// mark puts a symbol on the arrow after stage i, its words below.
func (d *diagram) mark(i int, symbol, class, words string) {
	x := gap(i)
	d.Marks = append(d.Marks, diagramMark{X: x, Y: arrowY, Symbol: symbol, Class: class, Words: diagramText{X: x, Y: wordsY, Text: words}})
}

// reply draws the way back from stage i to the client, underneath.
func (d *diagram) reply(i int, dashed bool, label string) {
	from, to := columns[i].x+columns[i].w/2, columns[0].x+columns[0].w/2
	bottom := boxY + boxH
	d.Height = diagramHeight
	d.Arrows = append(d.Arrows, diagramArrow{
		Points: points(from, bottom, from, replyY, to, replyY, to, bottom+2),
		Dashed: dashed,
		Label:  diagramText{X: to + 12, Y: replyY - 6, Text: label},
	})
}

// replyMark puts a symbol on the reply, its words below.
func (d *diagram) replyMark(symbol, class, words string) {
	x := (columns[0].x + columns[0].w/2 + columns[3].x + columns[3].w/2) / 2
	d.Marks = append(d.Marks, diagramMark{X: x, Y: replyY, Symbol: symbol, Class: class, Words: diagramText{X: x, Y: replyY + 26, Text: words}})
}

// points writes the points of a polyline.
func points(xy ...int) string {
	var b strings.Builder
	for i := 0; i < len(xy); i += 2 {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%d,%d", xy[i], xy[i+1])
	}
	return b.String()
}

// clip cuts s to n characters, the last an ellipsis.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func clientTitle(kind string) string {
	switch kind {
	case "pod":
		return "Pod"
	case "host":
		return "Host process"
	}
	return "External client"
}

func clientLines(p *Path) []string {
	if p.Client == "external" {
		return []string{"outside the cluster,", "entering through", p.ClientNode}
	}
	return []string{"on node", p.ClientNode}
}

// clientWords names the client in a sentence.
func clientWords(p *Path) string {
	switch p.Client {
	case "pod":
		return "A pod on " + p.ClientNode
	case "host":
		return "A host process on " + p.ClientNode
	}
	return "A client outside the cluster entering through " + p.ClientNode
}

// destination writes IP:PORT/PROTO.
func destination(p *Path) string {
	return input.HostPort(p.IP, p.Port) + "/" + p.Protocol
}

func nodeLines(p *Path) []string {
	lines := []string{destination(p)}
	switch p.Address {
	case "kube-ipvs0":
		lines = append(lines, "bound on kube-ipvs0")
	case "node":
		where := "address of " + p.Interface
		if p.Role == input.RoleNodePort {
			where += ", NodePort"
		}
		lines = append(lines, where)
	default:
		lines = append(lines, "not an address here")
	}
	if p.ClientNode != p.Node {
		lines = append(lines, "from "+p.ClientNode)
	}
	return lines
}

// addressWords tells in a sentence what the destination is on the node.
func addressWords(p *Path) string {
	switch p.Address {
	case "kube-ipvs0":
		return fmt.Sprintf("%s is bound on kube-ipvs0 of %s.", p.IP, p.Node)
	case "node":
		return fmt.Sprintf("%s is an address of %s (%s).", p.IP, p.Node, p.Interface)
	}
	return fmt.Sprintf("%s is not an address of %s.", p.IP, p.Node)
}

// ipvsWords tells in a sentence which virtual service takes the packet.
func ipvsWords(p *Path) string {
	if p.VirtualService == "" {
		return fmt.Sprintf("No IPVS virtual service serves %d/%s there.", p.Port, p.Protocol)
	}
	s := "The IPVS virtual service " + p.VirtualService + " takes it"
	if p.Service != "" {
		s += ": the " + roleWords(p.Role) + " of " + p.Service
	}
	return s + "."
}

func roleWords(role string) string {
	switch role {
	case input.RoleClusterIP:
		return "ClusterIP"
	case input.RoleExternalIP:
		return "external IP"
	case input.RoleLoadBalancer:
		return "load balancer IP"
	case input.RoleNodePort:
		return "NodePort"
	}
	return role
}

// realServerLines lists the real servers, three at most.
func realServerLines(rss []PathRealServer) []string {
	var lines []string
	for i, rs := range rss {
		if i == 2 && len(rss) > 3 {
			lines = append(lines, fmt.Sprintf("and %d more", len(rss)-2))
			break
		}
		lines = append(lines, rs.Addr+" "+realServerTag(rs))
	}
	return lines
}

// realServerTag says where a real server is: local, remote, host network,
// and weight 0.
func realServerTag(rs PathRealServer) string {
	tag := "remote"
	switch {
	case rs.HostNetwork:
		tag = "host network"
	case rs.Local:
		tag = "local"
	}
	if rs.Weight == 0 {
		tag += ", weight 0"
	}
	return tag
}

// realServerWords tells in a sentence which real servers IPVS may choose
// and where they are, three at most.
func realServerWords(rss []PathRealServer) string {
	var where []string
	for _, rs := range rss[:min(len(rss), 3)] {
		w := rs.Addr
		switch {
		case rs.Local:
			w += " on the node"
		case rs.NodeName != "":
			w += " on " + rs.NodeName
		}
		where = append(where, w)
	}
	if len(rss) > 3 {
		where = append(where, fmt.Sprintf("%d more", len(rss)-3))
	}
	return fmt.Sprintf("It may choose %s: %s.", plural(len(rss), "real server"), strings.Join(where, ", "))
}

// listenerLines tells the local process and what it listens on.
func listenerLines(l *input.Listener) []string {
	if l == nil {
		return []string{"on the node"}
	}
	addr := l.IP
	switch l.Wildcard {
	case "v4":
		addr = "0.0.0.0"
	case "v6":
		addr = "::"
	case "any":
		addr = "*"
	}
	lines := []string{"listens on " + input.HostPort(addr, l.Port)}
	if l.Process != "" {
		lines = append(lines, l.Process)
	}
	return append(lines, "not the Service")
}
