package engine

import (
	"slices"
	"sync"
	"testing"
)

// TestSchedule checks that the tasks a task queues run before the tasks
// queued earlier, that every task runs once, and that run waits for the
// tasks queued while it runs.
func TestSchedule(t *testing.T) {
	for _, workers := range []int{1, 3} {
		var (
			s   schedule
			mu  sync.Mutex
			ran []string
		)
		task := func(name string, then ...string) func() {
			return func() {
				mu.Lock()
				ran = append(ran, name)
				mu.Unlock()
				var more []func()
				for _, n := range then {
					more = append(more, func() {
						mu.Lock()
						ran = append(ran, n)
						mu.Unlock()
					})
				}
				s.first(more...)
			}
		}
		s.add(task("a", "a1", "a2"))
		s.add(task("b", "b1"))
		s.add(task("c"))
		s.run(workers)
		if workers == 1 {
			if want := []string{"a", "a1", "a2", "b", "b1", "c"}; !slices.Equal(ran, want) {
				t.Errorf("1 worker ran %v, want %v", ran, want)
			}
			continue
		}
		slices.Sort(ran)
		if want := []string{"a", "a1", "a2", "b", "b1", "c"}; !slices.Equal(ran, want) {
			t.Errorf("%d workers ran %v, want each of %v once", workers, ran, want)
		}
	}
}
