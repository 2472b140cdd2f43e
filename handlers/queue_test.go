package handlers_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/waymarkhq/waymark/handlers"
)

// recorder is a Queue's run function that records the jobs it runs and,
// while held, blocks each one until released.
type recorder struct {
	started chan int // each job, as a worker starts it
	hold    chan struct{}

	mu  sync.Mutex
	ran []int
}

// newRecorder returns a recorder whose jobs wait for release.
func newRecorder() *recorder {
	return &recorder{started: make(chan int, 1000), hold: make(chan struct{})}
}

func (r *recorder) run(j int) {
	r.started <- j
	<-r.hold
	r.mu.Lock()
	r.ran = append(r.ran, j)
	r.mu.Unlock()
}

// release lets every job, running or to come, finish.
func (r *recorder) release() { close(r.hold) }

// jobs returns the jobs run, sorted.
func (r *recorder) jobs() []int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Sorted(slices.Values(r.ran))
}

// firstTime answers that every delivery is the first.
func firstTime(context.Context) (bool, error) { return true, nil }

// mustAdd adds j and fails the test unless the outcome is want.
func mustAdd(tb testing.TB, q *handlers.Queue[int], j int, first func(context.Context) (bool, error), want handlers.Admission) {
	tb.Helper()
	if got, err := q.Add(context.Background(), j, 0, first); got != want {
		tb.Fatalf("Add(%d) = %v, %v; want %v", j, got, err, want)
	}
}

// fill starts job 0 on the one worker of q and fills q's one slot with job
// 1, so that nothing else fits until r is released.
func fill(tb testing.TB, q *handlers.Queue[int], r *recorder) {
	tb.Helper()
	mustAdd(tb, q, 0, firstTime, handlers.Queued)
	<-r.started // the worker holds job 0; its slot is free again
	mustAdd(tb, q, 1, firstTime, handlers.Queued)
}

func TestQueueClosed(t *testing.T) {
	r := newRecorder()
	r.release()
	q := handlers.NewQueue(2, 4, r.run)
	q.Close()
	q.Close() // a second Close is harmless
	if q.Enter() {
		t.Error("Enter after Close admitted a request")
	}
	called := false
	first := func(context.Context) (bool, error) { called = true; return true, nil }
	if got, err := q.Add(context.Background(), 1, 0, first); got != handlers.QueueClosed || err != nil {
		t.Errorf("Add after Close = %v, %v; want QueueClosed", got, err)
	}
	if called {
		t.Error("Add after Close asked whether the delivery was the first")
	}
	if got := r.jobs(); len(got) != 0 {
		t.Errorf("jobs run after Close: %v", got)
	}
}

// TestQueueFull: with the worker busy and the queue full, Add gives up
// after its wait (or when ctx is done, for a negative wait) without asking
// first, so the delivery is not marked as seen.
func TestQueueFull(t *testing.T) {
	r := newRecorder()
	q := handlers.NewQueue(1, 1, r.run)
	q.Open()
	fill(t, q, r)

	asked := func(context.Context) (bool, error) {
		t.Error("a full queue asked whether the delivery was the first")
		return true, nil
	}
	for _, wait := range []time.Duration{0, 5 * time.Millisecond} {
		if got, err := q.Add(context.Background(), 2, wait, asked); got != handlers.QueueFull || err != nil {
			t.Errorf("Add with wait %v = %v, %v; want QueueFull", wait, got, err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if got, _ := q.Add(ctx, 3, -1, asked); got != handlers.QueueFull {
		t.Errorf("Add with a negative wait and ctx done = %v, want QueueFull", got)
	}

	r.release()
	q.Close()
	if got, want := r.jobs(), []int{0, 1}; !slices.Equal(got, want) {
		t.Errorf("jobs run = %v, want %v", got, want)
	}
}

// TestQueueWaitsForRoom: a negative wait waits until a worker frees a slot.
func TestQueueWaitsForRoom(t *testing.T) {
	r := newRecorder()
	q := handlers.NewQueue(1, 1, r.run)
	q.Open()
	fill(t, q, r)
	added := make(chan handlers.Admission)
	go func() {
		got, _ := q.Add(context.Background(), 2, -1, firstTime)
		added <- got
	}()
	r.release() // the worker takes job 1, freeing its slot for job 2
	if got := <-added; got != handlers.Queued {
		t.Errorf("Add waiting for room = %v, want Queued", got)
	}
	q.Close()
	if got, want := r.jobs(), []int{0, 1, 2}; !slices.Equal(got, want) {
		t.Errorf("jobs run = %v, want %v", got, want)
	}
}

// TestQueueDuplicate: a delivery seen before is dropped, and gives its
// slot back.
func TestQueueDuplicate(t *testing.T) {
	r := newRecorder()
	q := handlers.NewQueue(1, 1, r.run)
	q.Open()
	mustAdd(t, q, 0, firstTime, handlers.Queued)
	<-r.started // the queue is empty, its one slot free

	var gotDeadline bool
	seen := func(ctx context.Context) (bool, error) {
		_, gotDeadline = ctx.Deadline()
		return false, nil
	}
	mustAdd(t, q, 1, seen, handlers.Duplicate)
	if !gotDeadline {
		t.Error("first was called without a deadline")
	}
	mustAdd(t, q, 2, firstTime, handlers.Queued) // fits only if the duplicate's slot was freed
	mustAdd(t, q, 3, firstTime, handlers.QueueFull)

	r.release()
	q.Close()
	if got, want := r.jobs(), []int{0, 2}; !slices.Equal(got, want) {
		t.Errorf("jobs run = %v, want %v", got, want)
	}
}

// TestQueueUnchecked: when first fails, the job is queued all the same and
// Add says why; with no first, it is queued unasked.
func TestQueueUnchecked(t *testing.T) {
	r := newRecorder()
	r.release()
	q := handlers.NewQueue(1, 4, r.run)
	q.Open()
	errStore := errors.New("store down")
	got, err := q.Add(context.Background(), 1, 0, func(context.Context) (bool, error) { return false, errStore })
	if got != handlers.QueuedUnchecked || !errors.Is(err, errStore) {
		t.Errorf("Add with a failing store = %v, %v; want QueuedUnchecked, %v", got, err, errStore)
	}
	mustAdd(t, q, 2, nil, handlers.Queued)
	q.Close()
	if got, want := r.jobs(), []int{1, 2}; !slices.Equal(got, want) {
		t.Errorf("jobs run = %v, want %v", got, want)
	}
}

// TestQueueCloseDrains: Close refuses new admissions at once, but waits
// for the one in progress, every job queued and every goroutine started
// with Go, even one started after Close began.
func TestQueueCloseDrains(t *testing.T) {
	r := newRecorder()
	q := handlers.NewQueue(2, 8, r.run)
	q.Open()
	for j := range 6 {
		mustAdd(t, q, j, firstTime, handlers.Queued)
	}
	if !q.Enter() {
		t.Fatal("Enter refused an open queue")
	}
	goRelease := make(chan struct{})
	var goDone atomic.Int32
	q.Go(func() {
		<-goRelease
		goDone.Add(1)
	})

	closed := make(chan struct{})
	go func() {
		q.Close()
		close(closed)
	}()
	for q.Enter() { // until Close has begun
		q.Leave()
	}
	q.Go(func() { // still admitted: Close waits for this too
		<-goRelease
		goDone.Add(1)
	})
	q.Leave()

	r.release()
	select {
	case <-closed:
		t.Fatal("Close returned before the goroutines started with Go were done")
	default:
	}
	close(goRelease)
	<-closed
	if n := goDone.Load(); n != 2 {
		t.Errorf("%d goroutines done when Close returned, want 2", n)
	}
	if got, want := r.jobs(), []int{0, 1, 2, 3, 4, 5}; !slices.Equal(got, want) {
		t.Errorf("jobs run = %v, want %v", got, want)
	}
}

// TestQueueConcurrentClose: Add, Go and Close racing (run with -race).
// Every job queued runs exactly once, and nothing is queued after Close.
func TestQueueConcurrentClose(t *testing.T) {
	var mu sync.Mutex
	runs := map[int]int{}
	q := handlers.NewQueue(4, 8, func(j int) {
		mu.Lock()
		runs[j]++
		mu.Unlock()
	})
	q.Open()
	var (
		wg     sync.WaitGroup
		queued sync.Map
		gone   atomic.Int32 // goroutines started with Go
		extra  atomic.Int32 // and done
	)
	const adders = 16
	ready := make(chan struct{}, adders) // an adder is under way
	for g := range adders {
		wg.Go(func() {
			for i := range 50 {
				if i == 1 {
					ready <- struct{}{}
				}
				j := g*1000 + i
				adm, err := q.Add(context.Background(), j, 0, firstTime)
				switch adm {
				case handlers.Queued:
					queued.Store(j, true)
				case handlers.QueueFull, handlers.QueueClosed:
				default:
					t.Errorf("Add(%d) = %v, %v", j, adm, err)
				}
				if q.Enter() {
					gone.Add(1)
					q.Go(func() { extra.Add(1) })
					q.Leave()
				}
			}
		})
	}
	for range adders / 2 {
		<-ready
	}
	wg.Go(q.Close) // while the other adders carry on
	wg.Wait()
	q.Close()
	if got, _ := q.Add(context.Background(), -1, 0, firstTime); got != handlers.QueueClosed {
		t.Errorf("Add after Close = %v, want QueueClosed", got)
	}

	mu.Lock()
	defer mu.Unlock()
	n := 0
	queued.Range(func(k, _ any) bool {
		n++
		if runs[k.(int)] != 1 {
			t.Errorf("job %d queued, run %d times", k, runs[k.(int)])
		}
		return true
	})
	if len(runs) != n {
		t.Errorf("%d jobs run, %d queued", len(runs), n)
	}
	if gone.Load() != extra.Load() {
		t.Errorf("%d of %d goroutines started with Go done when Close returned", extra.Load(), gone.Load())
	}
	t.Logf("%d jobs queued, %d goroutines started with Go", n, gone.Load())
}

// TestQueueStartsNothingUntilOpen: NewQueue starts no worker; a job added
// before Open waits for it, and one never opened is still answered by
// Close, not dropped.
func TestQueueStartsNothingUntilOpen(t *testing.T) {
	ran := make(chan int, 2)
	q := handlers.NewQueue(1, 2, func(j int) { ran <- j })
	mustAdd(t, q, 1, firstTime, handlers.Queued)
	select {
	case j := <-ran:
		t.Fatalf("job %d ran before Open", j)
	default:
	}
	q.Open()
	if j := <-ran; j != 1 {
		t.Fatalf("ran %d, want 1", j)
	}
	never := handlers.NewQueue(1, 2, func(j int) { ran <- j })
	mustAdd(t, never, 2, firstTime, handlers.Queued)
	never.Close()
	if j := <-ran; j != 2 {
		t.Fatalf("Close ran %d, want 2", j)
	}
}
