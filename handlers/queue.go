package handlers

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// DedupeTimeout bounds the call Queue.Add makes to learn whether a delivery
// is the first: platforms wait only a few seconds for their acknowledgement.
const DedupeTimeout = time.Second

// Admission says what Queue.Add did with a job.
type Admission int

const (
	// Queued: the job is on the queue, and a worker will run it.
	Queued Admission = iota
	// QueuedUnchecked: the job is on the queue although it could not be
	// told whether this is its first delivery; Add returns why. Better a
	// rare double answer than a lost one.
	QueuedUnchecked
	// Duplicate: the delivery was seen before; the job is dropped.
	Duplicate
	// QueueFull: no room was free within the wait; the platform should be
	// told to retry (an EUnavailable error, answered with 503). The
	// delivery is not marked as seen, so the retry is answered.
	QueueFull
	// QueueClosed: the queue is closed and takes nothing more.
	QueueClosed
)

// String names a, as its constant does.
func (a Admission) String() string {
	switch a {
	case Queued:
		return "Queued"
	case QueuedUnchecked:
		return "QueuedUnchecked"
	case Duplicate:
		return "Duplicate"
	case QueueFull:
		return "QueueFull"
	case QueueClosed:
		return "QueueClosed"
	}
	return fmt.Sprintf("Admission(%d)", int(a))
}

// Queue is a bounded queue of jobs answered by a fixed pool of workers: how
// a chat adapter acknowledges a platform at once and answers later. A job
// is admitted only while the queue is open; Close then stops admissions and
// waits for everything admitted, queued or started with Go. It is safe for
// concurrent use.
type Queue[J any] struct {
	run   func(J)
	jobs  chan J
	slots chan struct{} // a token per job admitted and not yet taken by a worker

	mu        sync.RWMutex
	closed    bool
	accepting sync.WaitGroup // admissions in progress, between Enter and Leave
	workers   sync.WaitGroup
	extra     sync.WaitGroup // goroutines started with Go
	workerN   int
	openOnce  sync.Once
	closeOnce sync.Once
}

// NewQueue returns a Queue holding up to size waiting jobs, answered by
// workers goroutines that call run for each job, one at a time each. It
// starts nothing: Open starts the workers, and jobs admitted before wait
// for them. run should recover its own panics: a worker that panics takes
// the process down. Close stops the workers.
func NewQueue[J any](workers, size int, run func(J)) *Queue[J] {
	return &Queue[J]{
		run:     run,
		jobs:    make(chan J, size),
		slots:   make(chan struct{}, size),
		workerN: workers,
	}
}

// Open starts the workers. Opening twice is harmless.
func (q *Queue[J]) Open() {
	q.openOnce.Do(func() {
		for range q.workerN {
			q.workers.Go(q.work)
		}
	})
}

// Enter admits one request unless the queue is closed, and reports whether
// it did. Close waits for each admission to Leave, so between Enter and
// Leave a caller may start goroutines with Go. Add enters by itself.
func (q *Queue[J]) Enter() bool {
	q.mu.RLock()
	defer q.mu.RUnlock()
	if q.closed {
		return false
	}
	q.accepting.Add(1)
	return true
}

// Leave ends an admission begun by a successful Enter.
func (q *Queue[J]) Leave() { q.accepting.Done() }

// Add admits j: it reserves room on the queue, then, when first is not
// nil, asks first (with a context bounded by DedupeTimeout) whether this
// is the delivery's first, then enqueues j. Room is reserved before first
// is asked, so that a delivery the platform must retry is not already
// marked as seen. wait bounds the wait for room; a negative wait waits
// until ctx is done. Add never blocks once room is reserved.
//
// When first fails, j is queued all the same and Add returns
// QueuedUnchecked with first's error; the error is nil otherwise. A
// duplicate gives its room back.
func (q *Queue[J]) Add(ctx context.Context, j J, wait time.Duration, first func(context.Context) (bool, error)) (Admission, error) {
	if !q.Enter() {
		return QueueClosed, nil
	}
	defer q.Leave()
	if !q.reserve(ctx, wait) {
		return QueueFull, nil
	}
	var err error
	if first != nil {
		fctx, cancel := context.WithTimeout(ctx, DedupeTimeout)
		var ok bool
		ok, err = first(fctx)
		cancel()
		if err == nil && !ok {
			<-q.slots
			return Duplicate, nil
		}
	}
	q.jobs <- j // never blocks: a slot is reserved
	if err != nil {
		return QueuedUnchecked, err
	}
	return Queued, nil
}

// reserve takes a slot on the queue, waiting up to wait (until ctx is done
// when wait is negative), and reports whether it did.
func (q *Queue[J]) reserve(ctx context.Context, wait time.Duration) bool {
	select {
	case q.slots <- struct{}{}:
		return true
	default:
	}
	var timeout <-chan time.Time
	if wait >= 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case q.slots <- struct{}{}:
		return true
	case <-timeout:
		return false
	case <-ctx.Done():
		return false
	}
}

// Go runs f on a goroutine of its own, which Close waits for: work answered
// outside the queue. Call it only while admitted (between Enter and Leave),
// from a job, or from another function given to Go; Close may otherwise
// return before f starts.
func (q *Queue[J]) Go(f func()) { q.extra.Go(f) }

func (q *Queue[J]) work() {
	for j := range q.jobs {
		<-q.slots
		q.run(j)
	}
}

// Close stops admissions (Enter then reports false, and Add QueueClosed),
// waits for those in progress, lets the workers run every job queued (it
// starts them if Open never did: nothing admitted is dropped), and returns
// when they and the goroutines started with Go are done. It is safe to
// call more than once.
func (q *Queue[J]) Close() {
	q.Open()
	q.closeOnce.Do(func() {
		q.mu.Lock()
		q.closed = true
		q.mu.Unlock()
		q.accepting.Wait()
		close(q.jobs)
		q.workers.Wait()
		q.extra.Wait()
	})
}
