package teams

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/waymarkhq/waymark/bot"
)

// accessToken returns the cached token, fetching a new one when it is about
// to expire. The lock is held during the fetch so that concurrent callers
// share it.
func (c *Connector) accessToken(ctx context.Context) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.token != "" && c.now().Before(c.expires) {
		return c.token, nil
	}
	token, lifetime, err := c.fetchToken(ctx)
	if err != nil {
		return "", err
	}
	c.token, c.expires = token, c.now().Add(lifetime-tokenEarly)
	return token, nil
}

// CheckToken fetches a token for the bot (or finds one cached), to check
// its app id and secret or certificate. It returns EUnavailable when the
// token service cannot be reached, and another kind when it refuses.
func (c *Connector) CheckToken(ctx context.Context) error {
	_, err := c.accessToken(ctx)
	if err != nil && bot.ErrorKind(err) != bot.EUnavailable {
		return &bot.Error{Kind: bot.EUnauthorized, Message: bot.ErrorMessage(err) + ": check teams.app_id and its secret or certificate", Err: err}
	}
	return err
}

// invalidate drops the cached token if it is still token, so that several
// callers refused at once cause one refresh.
func (c *Connector) invalidate(token string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.token == token {
		c.token, c.expires = "", time.Time{}
	}
}

func (c *Connector) fetchToken(ctx context.Context) (string, time.Duration, error) {
	form := url.Values{
		"grant_type": {"client_credentials"},
		"client_id":  {c.cfg.AppID},
		"scope":      {c.cfg.Scope},
	}
	if c.cert != nil {
		assertion, err := c.cert.clientAssertion(c.cfg.AppID, c.tokenURL, c.now())
		if err != nil {
			return "", 0, &bot.Error{Kind: bot.EInternal, Message: "bot token client assertion failed", Err: err}
		}
		form.Set("client_assertion_type", clientAssertionType)
		form.Set("client_assertion", assertion)
	} else {
		form.Set("client_secret", c.cfg.AppSecret)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.tokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return "", 0, &bot.Error{Kind: bot.EInternal, Message: "bot token request failed", Err: err}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := c.client.Do(req)
	if err != nil {
		return "", 0, &bot.Error{Kind: bot.EUnavailable, Message: "bot token service unreachable", Err: err}
	}
	defer resp.Body.Close()
	// The body is not quoted in errors: it might echo what was sent.
	switch {
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return "", 0, bot.Errorf(bot.EUnavailable, "bot token service unavailable: status %d", resp.StatusCode)
	case resp.StatusCode != http.StatusOK:
		return "", 0, bot.Errorf(bot.EInternal, "bot token request refused: status %d", resp.StatusCode)
	}
	var tr struct {
		AccessToken string      `json:"access_token"`
		ExpiresIn   json.Number `json:"expires_in"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxResponseSize)).Decode(&tr); err != nil {
		return "", 0, bot.Errorf(bot.EInternal, "bot token response unreadable")
	}
	secs, err := tr.ExpiresIn.Int64()
	if tr.AccessToken == "" || err != nil || secs <= 0 {
		return "", 0, bot.Errorf(bot.EInternal, "bot token response incomplete")
	}
	return tr.AccessToken, time.Duration(secs) * time.Second, nil
}
