package engine

import (
	"slices"
	"sync"
)

// schedule runs tasks on a number of goroutines, each taking the task at
// the front of a queue; a running task may put more at the front (see
// first). It is how Evaluate converts each part and then evaluates the
// part's rule packages on whichever cores are free.
type schedule struct {
	mu      sync.Mutex
	changed sync.Cond // signalled when a task is queued or ends
	queue   []func()
	running int
}

// add queues task at the back.
func (s *schedule) add(task func()) {
	s.mu.Lock()
	s.queue = append(s.queue, task)
	s.mu.Unlock()
}

// first queues tasks at the front, in their order: they run before the
// tasks queued earlier.
func (s *schedule) first(tasks ...func()) {
	s.mu.Lock()
	s.queue = slices.Insert(s.queue, 0, tasks...)
	s.mu.Unlock()
	s.changed.Broadcast()
}

// run runs the queued tasks, and those they queue, on workers goroutines,
// and returns when none is left.
func (s *schedule) run(workers int) {
	s.changed.L = &s.mu
	var wg sync.WaitGroup
	for range max(workers, 1) {
		wg.Go(func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			for {
				// Only a running task can queue another: with none running
				// and none queued, the work is done.
				for len(s.queue) == 0 && s.running > 0 {
					s.changed.Wait()
				}
				if len(s.queue) == 0 {
					return
				}
				task := s.queue[0]
				s.queue = s.queue[1:]
				s.running++
				s.mu.Unlock()
				task()
				s.mu.Lock()
				s.running--
				s.changed.Broadcast()
			}
		})
	}
	wg.Wait()
}
