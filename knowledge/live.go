package knowledge

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/waymarkhq/waymark/bot"
)

// Live is a knowledge base that can be reloaded while it serves: a reload
// that finds problems leaves the last good index answering.
//
// A replaced index is closed when the last call that started on it returns,
// not after a delay: no timer, so nothing closes an index that a search is
// still reading, and nothing fires after Close.
type Live struct {
	mu     sync.Mutex // serialises Reload and Close
	cur    atomic.Pointer[generation]
	opts   Options
	closed bool
}

// generation is one Base and the calls using it.
type generation struct {
	b       *Base
	users   atomic.Int64
	retired atomic.Bool
	once    sync.Once
}

func (g *generation) close() { g.once.Do(func() { g.b.Close() }) }

// release ends one call on g; the last call on a retired g closes it.
func (g *generation) release() {
	if g.users.Add(-1) == 0 && g.retired.Load() {
		g.close()
	}
}

// retire marks g replaced, closing it now if no call is using it.
func (g *generation) retire() {
	g.retired.Store(true)
	if g.users.Load() == 0 {
		g.close()
	}
}

var _ bot.Knowledge = (*Live)(nil)

// NewLive serves b until a reload replaces it. Live owns b from then on:
// Close (or a reload) closes it.
func NewLive(b *Base) *Live {
	l := &Live{opts: b.opts}
	l.cur.Store(&generation{b: b})
	return l
}

// acquire returns the current generation with one more user. The caller
// must release it.
func (l *Live) acquire() *generation {
	for {
		g := l.cur.Load()
		g.users.Add(1)
		if l.cur.Load() == g {
			return g
		}
		// Replaced between the load and the count: use the new one.
		g.release()
	}
}

// Current is the Base answering now. It may be replaced and closed by a
// later Reload; callers that search through Live are never affected.
func (l *Live) Current() *Base { return l.cur.Load().b }

// Reload builds a new index from load's corpus and swaps it in. When load
// fails (a *CorpusError lists every problem) or indexing fails, the current
// index keeps serving and the error is returned. The replaced index is
// closed once the searches that started on it finish.
func (l *Live) Reload(load func() (*Corpus, error)) (*Base, error) {
	c, err := load()
	if err != nil {
		return nil, err
	}
	b, err := New(c, l.opts)
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		b.Close()
		return nil, bot.Errorf(bot.EUnavailable, "The knowledge base is closed.")
	}
	old := l.cur.Swap(&generation{b: b})
	old.retire()
	return b, nil
}

// Close closes the current index, once searches on it finish. A second
// Close does nothing.
func (l *Live) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.closed {
		l.closed = true
		l.cur.Load().retire()
	}
	return nil
}

// Search answers from the current index.
func (l *Live) Search(ctx context.Context, req bot.SearchRequest) (bot.SearchResult, error) {
	g := l.acquire()
	defer g.release()
	return g.b.Search(ctx, req)
}

// Screen screens with the current index's published details.
func (l *Live) Screen(text string) bot.Screening {
	g := l.acquire()
	defer g.release()
	return g.b.Screen(text)
}

// Contacts lists the current corpus's contacts.
func (l *Live) Contacts(area, specialism string) []*bot.Document {
	g := l.acquire()
	defer g.release()
	return g.b.Contacts(area, specialism)
}

// Areas lists the current corpus's areas.
func (l *Live) Areas() []string {
	g := l.acquire()
	defer g.release()
	return g.b.Areas()
}

// Document returns a document of the current corpus.
func (l *Live) Document(id string) (*bot.Document, error) {
	g := l.acquire()
	defer g.release()
	return g.b.Document(id)
}
