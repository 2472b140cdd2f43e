package slack

import (
	"fmt"
	"net/url"
	"strings"

	slackapi "github.com/slack-go/slack"

	"github.com/waymarkhq/waymark/bot"
)

// DefaultWorkers is how many replies are composed at once when
// Config.Workers is zero.
const DefaultWorkers = 8

// maxWorkers bounds Config.Workers.
const maxWorkers = 256

// Config connects the adapter to one Slack app.
type Config struct {
	// BotToken is the Bot User OAuth Token (xoxb-...), for the Web API calls
	// that post replies and publish the App Home.
	BotToken string
	// SigningSecret verifies that HTTP requests come from Slack. It is
	// needed by Routes, not by Socket Mode.
	SigningSecret string
	// AppToken is an app-level token (xapp-...) with connections:write. It is
	// needed by RunSocketMode only.
	AppToken string
	// APIURL is the base of Slack's Web API, slack.APIURL when empty, so a
	// council can route through a proxy and a test can point at a fake.
	APIURL string
	// Workers is how many messages are answered at once; DefaultWorkers when
	// zero.
	Workers int
}

// withDefaults returns c with empty fields given their defaults.
func (c Config) withDefaults() Config {
	if c.APIURL == "" {
		c.APIURL = slackapi.APIURL
	}
	if !strings.HasSuffix(c.APIURL, "/") {
		c.APIURL += "/"
	}
	if c.Workers == 0 {
		c.Workers = DefaultWorkers
	}
	return c
}

// Validate reports every problem with c at once, as an EInvalid *bot.Error
// naming the configuration keys (slack.bot_token, ...). Empty APIURL and
// zero Workers are fine: they take their defaults.
func (c Config) Validate() error {
	var p []string
	if c.BotToken == "" {
		p = append(p, "slack.bot_token is needed")
	} else if strings.HasPrefix(c.BotToken, "xapp-") || strings.HasPrefix(c.BotToken, "xoxp-") {
		p = append(p, "slack.bot_token must be the Bot User OAuth Token (xoxb-...), not an app-level or user token")
	}
	if c.SigningSecret == "" && c.AppToken == "" {
		p = append(p, "slack needs slack.signing_secret (Events API over HTTP) or slack.app_token (Socket Mode)")
	}
	if c.AppToken != "" && !strings.HasPrefix(c.AppToken, "xapp-") {
		p = append(p, "slack.app_token must be an app-level token (xapp-...)")
	}
	if c.APIURL != "" {
		if u, err := url.Parse(c.APIURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			p = append(p, fmt.Sprintf("slack.api_url %q must be an http(s) URL", c.APIURL))
		}
	}
	if c.Workers < 0 || c.Workers > maxWorkers {
		p = append(p, fmt.Sprintf("slack.workers must be between 1 and %d, not %d", maxWorkers, c.Workers))
	}
	if len(p) > 0 {
		return bot.Errorf(bot.EInvalid, "%s", strings.Join(p, "; "))
	}
	return nil
}
