package knowledge

import (
	"context"
	"fmt"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/waymarkhq/waymark/bot"
)

// PlainBleve is the baseline Waymark's ranking must beat: bleve with its
// default mapping, analyser and scoring, no lexicon, no correction, no
// reranking, and no abstention (it always answers), over each document's
// title, summary, tags, contact details and body. Only the area filter of
// the contract is applied, so both rank the same candidates.
type PlainBleve struct {
	index bleve.Index
	byID  map[string]*bot.Document
}

var _ Searcher = (*PlainBleve)(nil)

// NewPlainBleve indexes c with bleve's defaults.
func NewPlainBleve(c *Corpus) (*PlainBleve, error) {
	m := bleve.NewIndexMapping()
	idx, err := bleve.NewUsing("", m, bleve.Config.DefaultIndexType, bleve.Config.DefaultMemKVStore, nil)
	if err != nil {
		return nil, fmt.Errorf("baseline index: %w", err)
	}
	pb := &PlainBleve{index: idx, byID: map[string]*bot.Document{}}
	batch := idx.NewBatch()
	for _, d := range c.Docs {
		pb.byID[d.ID] = d
		doc := map[string]any{
			"title": d.Title, "summary": d.Summary, "tags": strings.Join(d.Tags, " "),
			"contact": contactText(d.Contact), "body": d.Body, "area": strings.ToLower(d.Area),
		}
		if err := batch.Index(d.ID, doc); err != nil {
			idx.Close()
			return nil, fmt.Errorf("baseline index %s: %w", d.Path, err)
		}
	}
	if err := idx.Batch(batch); err != nil {
		idx.Close()
		return nil, fmt.Errorf("baseline index: %w", err)
	}
	return pb, nil
}

// Search returns the best documents for req.Query by bleve's match query.
func (pb *PlainBleve) Search(ctx context.Context, req bot.SearchRequest) (bot.SearchResult, error) {
	limit := req.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	var q query.Query = query.NewMatchQuery(req.Query)
	if req.Area != "" {
		local := query.NewMatchQuery(strings.ToLower(req.Area))
		local.SetField("area")
		local.SetOperator(query.MatchQueryOperatorAnd)
		national := query.NewMatchQuery(bot.AreaNational)
		national.SetField("area")
		// A filter, so that the area takes no part in the score.
		bq := query.NewBooleanQuery([]query.Query{q}, nil, nil)
		bq.Filter = query.NewDisjunctionQuery([]query.Query{local, national})
		q = bq
	}
	out, err := pb.index.SearchInContext(ctx, bleve.NewSearchRequestOptions(q, limit, 0, false))
	if err != nil {
		return bot.SearchResult{}, err
	}
	var res bot.SearchResult
	for _, h := range out.Hits {
		if d := pb.byID[h.ID]; d != nil {
			res.Hits = append(res.Hits, bot.Hit{Document: d, Score: h.Score})
		}
	}
	return res, nil
}

// Close releases the index.
func (pb *PlainBleve) Close() error { return pb.index.Close() }
