package teams

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/waymarkhq/waymark/bot"
)

// key returns the signing key with the given kid, fetching the metadata and
// the JWKS when they are missing or stale, and refetching the JWKS once a
// minute at most when kid is unknown. Concurrent callers share one fetch, and
// each waits for it until ctx ends. After a failed fetch none is tried again
// for refetchInterval; meanwhile stale keys are still used, up to maxStale
// past their refresh time.
func (v *Verifier) key(ctx context.Context, s *keySource, kid string) (jwk.Key, error) {
	now := v.now()
	s.mu.Lock()
	var f *keyFetch
	if s.keys == nil || now.Sub(s.keysFetched) >= keysTTL {
		f = v.startFetchLocked(ctx, s, now)
	}
	s.mu.Unlock()
	var fetchErr error
	if f != nil {
		// A failure is not final yet: the cached keys may still do.
		fetchErr = s.wait(ctx, f)
	}

	s.mu.Lock()
	if s.keys == nil {
		err := s.lastErr
		if fetchErr != nil {
			err = fetchErr
		}
		s.mu.Unlock()
		if err == nil {
			err = bot.Errorf(bot.EUnavailable, "%s signing keys unavailable", s.name)
		}
		return nil, err
	}
	if now.Sub(s.keysFetched) >= keysTTL+maxStale {
		err := s.lastErr
		s.mu.Unlock()
		return nil, &bot.Error{Kind: bot.EUnavailable, Message: s.name + " signing keys could not be refreshed", Err: err}
	}
	if k, ok := s.keys.LookupKeyID(kid); ok {
		s.mu.Unlock()
		return k, nil
	}
	if (f != nil && fetchErr == nil) || (!s.lastRefetch.IsZero() && now.Sub(s.lastRefetch) < refetchInterval) {
		s.mu.Unlock()
		return nil, bot.Errorf(bot.EUnauthorized, "signing key unknown")
	}
	f = v.startFetchLocked(ctx, s, now)
	if f == nil { // backing off after a failure
		err := s.lastErr
		s.mu.Unlock()
		return nil, err
	}
	s.lastRefetch = now
	s.mu.Unlock()
	if err := s.wait(ctx, f); err != nil {
		return nil, err
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if k, ok := s.keys.LookupKeyID(kid); ok {
		return k, nil
	}
	return nil, bot.Errorf(bot.EUnauthorized, "signing key unknown")
}

// startFetchLocked returns the fetch of s under way, or starts one. It
// returns nil, starting none, when the last fetch failed less than
// refetchInterval ago. The fetch is bounded by refreshTimeout and does not
// end with ctx, which other callers may be sharing it past. s.mu must be held.
func (v *Verifier) startFetchLocked(ctx context.Context, s *keySource, now time.Time) *keyFetch {
	if s.inflight != nil {
		return s.inflight
	}
	if s.lastErr != nil && now.Sub(s.lastAttempt) < refetchInterval {
		return nil
	}
	f := &keyFetch{done: make(chan struct{})}
	s.inflight, s.lastAttempt = f, now
	jwksURI := s.jwksURI
	if now.Sub(s.metaFetched) >= keysTTL {
		jwksURI = ""
	}
	go func() {
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), refreshTimeout)
		defer cancel()
		uri, set, err := v.fetchKeys(fctx, s, jwksURI)
		s.mu.Lock()
		if uri != jwksURI {
			s.jwksURI, s.metaFetched = uri, now
		}
		if err == nil {
			s.keys, s.keysFetched = set, now
		}
		s.lastErr, s.inflight, f.err = err, nil, err
		s.mu.Unlock()
		close(f.done)
	}()
	return f
}

// wait waits for f to end, or for ctx to, and returns the failure of either.
func (s *keySource) wait(ctx context.Context, f *keyFetch) error {
	select {
	case <-f.done:
		return f.err
	case <-ctx.Done():
		return &bot.Error{Kind: bot.EUnavailable, Message: s.name + " signing keys unavailable", Err: ctx.Err()}
	}
}

// fetchKeys fetches the JWKS of s from jwksURI, and first, when jwksURI is
// empty, the metadata that locates it. It returns the JWKS URI it used.
func (v *Verifier) fetchKeys(ctx context.Context, s *keySource, jwksURI string) (string, jwk.Set, error) {
	if jwksURI == "" {
		var meta struct {
			JWKSURI string `json:"jwks_uri"`
		}
		body, err := v.fetch(ctx, s.metadataURL)
		if err != nil {
			return "", nil, &bot.Error{Kind: bot.EUnavailable, Message: s.name + " OpenID metadata unavailable", Err: err}
		}
		if err := json.Unmarshal(body, &meta); err != nil {
			return "", nil, &bot.Error{Kind: bot.EUnavailable, Message: s.name + " OpenID metadata unreadable", Err: err}
		}
		if err := checkHTTPS(meta.JWKSURI); err != nil {
			return "", nil, &bot.Error{Kind: bot.EUnavailable, Message: s.name + " OpenID metadata unreadable", Err: fmt.Errorf("jwks_uri %w", err)}
		}
		jwksURI = meta.JWKSURI
	}
	body, err := v.fetch(ctx, jwksURI)
	if err != nil {
		return jwksURI, nil, &bot.Error{Kind: bot.EUnavailable, Message: s.name + " signing keys unavailable", Err: err}
	}
	set, err := jwk.Parse(body)
	if err != nil {
		return jwksURI, nil, &bot.Error{Kind: bot.EUnavailable, Message: s.name + " signing keys unreadable", Err: err}
	}
	return jwksURI, set, nil
}

func (v *Verifier) fetch(ctx context.Context, u string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", u, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := v.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", u, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch %s: status %s", u, resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxDocumentSize+1))
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", u, err)
	}
	if len(body) > maxDocumentSize {
		return nil, fmt.Errorf("fetch %s: document larger than %d bytes", u, maxDocumentSize)
	}
	return body, nil
}
