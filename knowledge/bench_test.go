package knowledge_test

import (
	"context"
	"os"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/knowledge"
	"github.com/waymarkhq/waymark/knowledge/corpusgen"
	"github.com/waymarkhq/waymark/knowledge/sample"
)

// Benchmarks of building the index and answering questions, on the sample
// corpus and on a generated corpus of 10,000 documents. Figures and the
// commands that produce them are in BENCHMARKS.md.

const (
	benchDocs = 10_000
	benchSeed = 1
)

// corpus10k generates and loads the 10,000-document corpus once per test
// binary, the first time a benchmark asks for it; plain `go test` never
// does. The files are removed once loaded.
var corpus10k = sync.OnceValues(func() (*knowledge.Corpus, error) {
	dir, err := os.MkdirTemp("", "waymark-bench-corpus-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	if err := corpusgen.Generate(dir, benchDocs, benchSeed); err != nil {
		return nil, err
	}
	return knowledge.LoadDir(dir)
})

// MustCorpus10k returns the generated 10,000-document corpus.
func MustCorpus10k(tb testing.TB) *knowledge.Corpus {
	tb.Helper()
	c, err := corpus10k()
	if err != nil {
		tb.Fatalf("generated corpus: %v", err)
	}
	return c
}

// MustSampleCorpus loads the embedded Wyvern Vale corpus.
func MustSampleCorpus(tb testing.TB) *knowledge.Corpus {
	tb.Helper()
	c, err := knowledge.Load(sample.FS(), "sample")
	if err != nil {
		tb.Fatalf("sample corpus: %v", err)
	}
	return c
}

// MustBase indexes c and closes the base when the test or benchmark ends.
func MustBase(tb testing.TB, c *knowledge.Corpus) *knowledge.Base {
	tb.Helper()
	kb, err := knowledge.New(c, knowledge.Options{})
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	tb.Cleanup(func() { kb.Close() })
	return kb
}

// benchQuestions are the generated chat questions and a few written by hand.
func benchQuestions() []string {
	return append(corpusgen.Questions(200, 1),
		"who do I ring about a Prevent concern out of hours?",
		"yp sharing far right memes on discord what do i do",
		"how do I make a referral to the MASH",
		"number for the LADO",
		"is there any Prevent training coming up",
		"whats the threshold for a strategy discussion",
		"county lines - do I need consent to share with police?",
		"how do I book a psychology consultation",
		"child keeps going missing and coming back with cash and new phones",
		"what is Channel panel",
		"pyschologist for an autistic boy obsessed with school shootings",
		"early help after prevent screened it out",
	)
}

func BenchmarkBuildSample(b *testing.B) { benchBuild(b, MustSampleCorpus(b)) }
func BenchmarkBuild10k(b *testing.B)    { benchBuild(b, MustCorpus10k(b)) }

// benchBuild times New and Close on an already loaded corpus.
func benchBuild(b *testing.B, c *knowledge.Corpus) {
	b.ReportAllocs()
	for b.Loop() {
		kb, err := knowledge.New(c, knowledge.Options{})
		if err != nil {
			b.Fatalf("New: %v", err)
		}
		if err := kb.Close(); err != nil {
			b.Fatalf("Close: %v", err)
		}
	}
	b.ReportMetric(float64(len(c.Docs)*b.N)/b.Elapsed().Seconds(), "docs/s")
}

func BenchmarkQuerySample(b *testing.B) { benchQuery(b, MustSampleCorpus(b), "Wyvern Vale") }
func BenchmarkQuery10k(b *testing.B)    { benchQuery(b, MustCorpus10k(b), corpusgen.Area) }

// benchQuery asks the bench questions in turn and reports the median and
// 99th percentile of one Search, timed on its own.
func benchQuery(b *testing.B, c *knowledge.Corpus, area string) {
	ctx := context.Background()
	kb := MustBase(b, c)
	qs := benchQuestions()
	search := func(q string) bot.SearchResult {
		res, err := kb.Search(ctx, bot.SearchRequest{Query: q, Area: area, Limit: 5})
		if err != nil {
			b.Fatalf("Search(%q): %v", q, err)
		}
		return res
	}
	// One untimed pass warms the index and says how many questions find
	// something, so the figures are known to come from real work.
	answered := 0
	for _, q := range qs {
		if len(search(q).Hits) > 0 {
			answered++
		}
	}

	durs := make([]time.Duration, 0, 1<<14)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		q := qs[i%len(qs)]
		i++
		start := time.Now()
		search(q)
		durs = append(durs, time.Since(start))
	}
	slices.Sort(durs)
	b.ReportMetric(micros(percentile(durs, 50)), "p50-µs")
	b.ReportMetric(micros(percentile(durs, 99)), "p99-µs")
	b.ReportMetric(100*float64(answered)/float64(len(qs)), "answered-%")
}

// percentile returns the p-th percentile (nearest rank) of sorted durs.
func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := (p*len(sorted) + 99) / 100 // ceil(p/100 * n)
	return sorted[max(rank, 1)-1]
}

func micros(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }

// BenchmarkMemory10k reports the heap the 10,000-document index keeps in
// use: HeapInuse after New less HeapInuse before, each after a full GC.
// Its time per op includes the two collections.
func BenchmarkMemory10k(b *testing.B) {
	c := MustCorpus10k(b)
	var total float64
	for b.Loop() {
		before := heapInuse()
		kb, err := knowledge.New(c, knowledge.Options{})
		if err != nil {
			b.Fatalf("New: %v", err)
		}
		after := heapInuse()
		total += float64(int64(after) - int64(before))
		if err := kb.Close(); err != nil {
			b.Fatalf("Close: %v", err)
		}
	}
	b.ReportMetric(total/float64(b.N)/(1<<20), "heap-MB")
}

func heapInuse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// BenchmarkQueryDuringReload10k asks the bench questions of a Live index of
// 10,000 documents while another goroutine rebuilds and swaps it in a
// loop, as SIGHUP does: it reports query p50 and p99 during the swaps, the
// reloads completed, and failed-% (a search that errs or, when the same
// question found something before, finds nothing). The figures include
// the two cores being shared with the rebuilds.
func BenchmarkQueryDuringReload10k(b *testing.B) {
	ctx := context.Background()
	c := MustCorpus10k(b)
	live := knowledge.NewLive(MustBase(b, c))
	b.Cleanup(func() { live.Close() })
	qs := benchQuestions()
	found := map[string]bool{}
	for _, q := range qs {
		res, err := live.Search(ctx, bot.SearchRequest{Query: q, Area: corpusgen.Area, Limit: 5})
		if err != nil {
			b.Fatal(err)
		}
		found[q] = len(res.Hits) > 0
	}
	stop := make(chan struct{})
	reloads := make(chan int, 1)
	go func() {
		n := 0
		defer func() { reloads <- n }()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := live.Reload(func() (*knowledge.Corpus, error) { return c, nil }); err != nil {
				b.Error(err)
				return
			}
			n++
		}
	}()
	durs := make([]time.Duration, 0, 1<<14)
	failed, i := 0, 0
	for b.Loop() {
		q := qs[i%len(qs)]
		i++
		start := time.Now()
		res, err := live.Search(ctx, bot.SearchRequest{Query: q, Area: corpusgen.Area, Limit: 5})
		durs = append(durs, time.Since(start))
		if err != nil || (found[q] && len(res.Hits) == 0) {
			failed++
		}
	}
	close(stop)
	n := <-reloads
	slices.Sort(durs)
	b.ReportMetric(micros(percentile(durs, 50)), "p50-µs")
	b.ReportMetric(micros(percentile(durs, 99)), "p99-µs")
	b.ReportMetric(float64(n), "reloads")
	b.ReportMetric(100*float64(failed)/float64(max(len(durs), 1)), "failed-%")
}
