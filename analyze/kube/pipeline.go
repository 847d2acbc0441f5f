package kube

import (
	"errors"
	"sync"
)

// A job is a piece of the input, cut by a splitter, that a worker decodes
// (run) and the parser then files (file), in input order.
type job struct {
	run  func()       // the decoding; nil when there is none
	file func() error // the filing; errStop ends the reading without an error
	done chan struct{}
}

// errStop ends the reading of the input early without an error: the rest is
// ignored, as after a JSON List cut short.
var errStop = errors.New("stop")

// jobsPerWorker bounds the jobs cut ahead of the parser: with the bound on
// a job's size, it bounds the memory of the reading.
const jobsPerWorker = 4

// run reads the input with split, which cuts it into jobs and hands each to
// emit (which reports false when the reading stops), decodes the jobs on
// workers goroutines and files them in order. It returns the first error of
// the filing or the splitter, in input order.
func (p *parser) run(split func(emit func(*job) bool) error, workers int) error {
	workers = max(workers, 1)
	work := make(chan *job, workers)
	order := make(chan *job, workers*jobsPerWorker)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for j := range work {
				select {
				case <-stop:
				default:
					j.run()
				}
				close(j.done)
			}
		})
	}
	var splitErr error
	wg.Go(func() {
		defer close(order)
		defer close(work)
		splitErr = split(func(j *job) bool {
			j.done = make(chan struct{})
			if j.run == nil {
				close(j.done)
			} else {
				select {
				case work <- j:
				case <-stop:
					return false
				}
			}
			select {
			case order <- j:
				return true
			case <-stop:
				return false
			}
		})
	})
	var err error
	for j := range order {
		<-j.done
		if err = j.file(); err != nil {
			break
		}
	}
	close(stop)
	wg.Wait()
	switch {
	case err == errStop:
		return nil
	case err != nil:
		return err
	}
	return splitErr
}
