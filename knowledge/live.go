package knowledge

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/waymarkhq/waymark/bot"
)

// retireAfter is how long a replaced Base stays open, so searches that
// started on it can finish.
const retireAfter = 30 * time.Second

// Live is a knowledge base that can be reloaded while it serves: a reload
// that finds problems leaves the last good index answering.
type Live struct {
	cur  atomic.Pointer[Base]
	opts Options
}

var _ bot.Knowledge = (*Live)(nil)

// NewLive serves b until a reload replaces it.
func NewLive(b *Base) *Live {
	l := &Live{opts: b.opts}
	l.cur.Store(b)
	return l
}

// Current is the Base answering now.
func (l *Live) Current() *Base { return l.cur.Load() }

// Reload builds a new index from load's corpus and swaps it in. When load
// fails (a *CorpusError lists every problem) or indexing fails, the current
// index keeps serving and the error is returned.
func (l *Live) Reload(load func() (*Corpus, error)) (*Base, error) {
	c, err := load()
	if err != nil {
		return nil, err
	}
	b, err := New(c, l.opts)
	if err != nil {
		return nil, err
	}
	old := l.cur.Swap(b)
	time.AfterFunc(retireAfter, func() { old.Close() })
	return b, nil
}

// Close closes the current index.
func (l *Live) Close() error { return l.cur.Load().Close() }

// Search answers from the current index.
func (l *Live) Search(ctx context.Context, req bot.SearchRequest) (bot.SearchResult, error) {
	return l.cur.Load().Search(ctx, req)
}

// Screen screens with the current index's published details.
func (l *Live) Screen(text string) bot.Screening { return l.cur.Load().Screen(text) }

// Contacts lists the current corpus's contacts.
func (l *Live) Contacts(area, specialism string) []*bot.Document {
	return l.cur.Load().Contacts(area, specialism)
}

// Areas lists the current corpus's areas.
func (l *Live) Areas() []string { return l.cur.Load().Areas() }

// Document returns a document of the current corpus.
func (l *Live) Document(id string) (*bot.Document, error) { return l.cur.Load().Document(id) }
