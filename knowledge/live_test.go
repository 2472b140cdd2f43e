package knowledge_test

import (
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/knowledge"
)

func TestLiveReloadKeepsLastGoodIndex(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "lado.md", "---\nid: lado\ntitle: LADO\nkind: contact\nphone: \"01632 961 250\"\n---\nThe LADO handles allegations about staff.\n")
	c, err := knowledge.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	live := knowledge.NewLive(mustBaseOf(t, c))
	load := func() (*knowledge.Corpus, error) { return knowledge.LoadDir(dir) }

	writeFile(t, dir, "mash.md", "---\nid: mash\ntitle: MASH front door\nkind: contact\nphone: \"01632 961 200\"\n---\nThe MASH takes contacts about children.\n")
	if _, err := live.Reload(load); err != nil {
		t.Fatal(err)
	}
	if _, err := live.Document("mash"); err != nil {
		t.Errorf("after a good reload: %v", err)
	}

	writeFile(t, dir, "broken.md", "---\ntitle: [unclosed\nkind: process\n---\n")
	_, err = live.Reload(load)
	var ce *knowledge.CorpusError
	if !errors.As(err, &ce) || len(ce.Problems) != 1 {
		t.Fatalf("reload of a broken corpus: %v, want its problems", err)
	}
	if _, err := live.Document("mash"); err != nil {
		t.Errorf("the last good index must keep serving: %v", err)
	}
	res := mustSearch(t, live.Current(), bot.SearchRequest{Query: "front door number"})
	if len(res.Hits) == 0 || res.Hits[0].Document.ID != "mash" {
		t.Errorf("search after a failed reload: %v", ids(res))
	}
}

// Replaced indexes are closed when the searches on them finish, never by a
// timer: searches racing reloads all succeed, every replaced index ends
// closed, and closing twice is harmless.
func TestLiveReloadRetiresReplacedIndexes(t *testing.T) {
	dir := t.TempDir()
	doc := "---\nid: mash\ntitle: MASH front door\nkind: contact\nphone: \"01632 961 200\"\n---\nThe MASH takes contacts about children.\n"
	if err := os.WriteFile(filepath.Join(dir, "mash.md"), []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	load := func() (*knowledge.Corpus, error) { return knowledge.LoadDir(dir) }
	c, err := load()
	if err != nil {
		t.Fatal(err)
	}
	first, err := knowledge.New(c, knowledge.Options{Clock: fixedClock{}})
	if err != nil {
		t.Fatal(err)
	}
	live := knowledge.NewLive(first)
	replaced := []*knowledge.Base{first}

	ctx := t.Context()
	done := make(chan struct{})
	errs := make(chan error, 4)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				res, err := live.Search(ctx, bot.SearchRequest{Query: "front door number"})
				if err == nil && len(res.Hits) == 0 {
					err = errors.New("no hits")
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for range 5 {
		b, err := live.Reload(load)
		if err != nil {
			t.Fatal(err)
		}
		replaced = append(replaced, b)
	}
	close(done)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("a search racing a reload failed: %v", err)
	}
	// Every index but the current one is closed once no search uses it.
	for _, b := range replaced[:len(replaced)-1] {
		if _, err := b.Search(ctx, bot.SearchRequest{Query: "front door"}); err == nil {
			t.Error("a replaced index still answers: it was never closed")
		}
	}
	if _, err := live.Search(ctx, bot.SearchRequest{Query: "front door"}); err != nil {
		t.Errorf("the current index: %v", err)
	}
	if err := live.Close(); err != nil {
		t.Fatal(err)
	}
	if err := live.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if err := replaced[len(replaced)-1].Close(); err != nil {
		t.Errorf("Close after Live closed it: %v", err)
	}
	if _, err := live.Reload(load); err == nil {
		t.Error("Reload after Close must fail")
	}
}
