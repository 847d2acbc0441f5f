package main

import (
	"context"
	"strings"

	"github.com/ipvslint/ipvslint/analyze/engine"
	"github.com/ipvslint/ipvslint/analyze/input"
	"github.com/ipvslint/ipvslint/analyze/report"
	"github.com/ipvslint/ipvslint/analyze/snapshot"
	"github.com/ipvslint/ipvslint/analyze/trace"
)

// tracePaths traces the connections whose diagrams the HTML report of a
// draws ([report.PathQueries]) through the nodes' captured state, as
// ipvslint trace does, with eng's trace package. The input document is
// built again with the inventory of those nodes only. A connection that
// cannot be traced carries why; an error means the document could not be
// built.
func tracePaths(ctx context.Context, eng *engine.Engine, snap *snapshot.Snapshot, opts input.Options, a *report.Analysis) ([]report.Path, error) {
	queries := report.PathQueries(a)
	if len(queries) == 0 {
		return nil, nil
	}
	paths := make([]report.Path, len(queries))
	plans := make([]*trace.Plan, len(queries))
	for i, q := range queries {
		paths[i].PathQuery = q
		plan, err := planPath(snap, q)
		if err != nil {
			paths[i].Err = err.Error()
			continue
		}
		plans[i] = plan
	}
	tracer, err := trace.NewTracer(eng)
	if err != nil {
		for i := range paths {
			paths[i].Err = "the trace package does not load: " + err.Error()
		}
		return paths, nil
	}
	traced, err := tracer.RunPlans(ctx, snap, plans, input.Version{}, opts)
	if err != nil {
		return nil, err
	}
	for i, tr := range traced {
		switch {
		case plans[i] == nil:
		case tr.Err != nil:
			paths[i].Err = tr.Err.Error()
		default:
			paths[i] = pathOf(queries[i], tr.Input, tr.Result)
		}
	}
	return paths, nil
}

// planPath places the client and destination of q in the snapshot.
func planPath(snap *snapshot.Snapshot, q report.PathQuery) (*trace.Plan, error) {
	from, err := trace.ParseFrom(q.From)
	if err != nil {
		return nil, err
	}
	to, err := trace.ParseTo(q.To)
	if err != nil {
		return nil, err
	}
	return trace.NewPlan(snap, from, to)
}

// pathOf is the connection of q as the report draws it: the facts of the
// trace input and the trace's verdict and story.
func pathOf(q report.PathQuery, in *trace.Input, r *trace.Result) report.Path {
	p := report.Path{
		PathQuery: q,
		Client:    in.From.Kind, ClientNode: in.From.Node, Node: in.Node,
		IP: in.To.IP, Port: in.To.Port, Protocol: in.To.Protocol,
		Address: in.Address.Kind, Interface: in.Address.Interface, Served: in.Address.Served,
		Listener: in.Listener,
		Verdict:  r.Verdict, Reason: r.Reason, Behaviours: r.Behaviours, Assumptions: r.Assumptions,
	}
	if vs := in.VirtualServer; vs != nil {
		// As ipvsadm lists it: TCP 10.0.0.12:30745 rr (its key is TCP/10.0.0.12:30745).
		p.VirtualService = strings.TrimSpace(strings.Replace(vs.Key, "/", " ", 1) + " " + vs.Scheduler)
		for _, rs := range vs.RealServers {
			p.RealServers = append(p.RealServers, report.PathRealServer{Addr: input.HostPort(rs.IP, rs.Port), Weight: rs.Weight, Local: rs.Local,
				NodeName: rs.NodeName, HostNetwork: rs.HostNetwork})
		}
	}
	if s := in.Service; s != nil {
		p.Service, p.Role = s.Service, s.Role
	}
	for _, s := range r.Steps {
		step := report.PathStep{What: s.What}
		for _, ev := range s.Evidence {
			step.Evidence = append(step.Evidence, engine.Evidence{File: ev.File, Line: ev.Line, Text: ev.Text})
		}
		p.Steps = append(p.Steps, step)
	}
	return p
}
