package teams

// This file holds the outbound side: Connector posts activities to the Bot
// Framework Connector service with an app token from Microsoft Entra ID. The
// app secret, the private key and the tokens are never logged or put into
// error messages.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/handlers"
)

// Defaults for ConnectorConfig.
const (
	DefaultTokenURL          = "https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token"
	DefaultScope             = "https://api.botframework.com/.default"
	DefaultAllowedServiceURL = "https://smba.trafficmanager.net/"
	DefaultMaxRetries        = 3
	DefaultRetryBase         = 200 * time.Millisecond
)

const (
	// assertionLifetime is how long a client assertion is valid.
	assertionLifetime = 10 * time.Minute
	// clientAssertionType is the OAuth2 client assertion type for a JWT.
	clientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
	// tokenEarly is how long before its expiry a cached token is replaced.
	tokenEarly = 5 * time.Minute
	// maxRetryAfter caps the delay a 429's Retry-After may ask for.
	maxRetryAfter = 30 * time.Second
	// maxResponseSize bounds the token and Connector responses read.
	maxResponseSize = 1 << 20
	// defaultSendTimeout applies when no HTTPClient is given.
	defaultSendTimeout = 30 * time.Second
)

// ConnectorConfig configures a Connector. AppID is required, and exactly
// one credential: AppSecret, or CertificatePEM with PrivateKeyPEM. Every
// other field has a sensible default.
type ConnectorConfig struct {
	// AppID and AppSecret are the bot's Microsoft App ID and client secret.
	AppID, AppSecret string
	// CertificatePEM and PrivateKeyPEM are the app's certificate credential,
	// an alternative to AppSecret: a PEM certificate and its PEM RSA private
	// key (PKCS#8 "PRIVATE KEY" or PKCS#1 "RSA PRIVATE KEY"). The token
	// request then carries a client assertion signed with the key.
	CertificatePEM, PrivateKeyPEM []byte
	// TenantID, when set, makes the bot single-tenant: tokens come from
	// https://login.microsoftonline.com/<TenantID>/oauth2/v2.0/token.
	// Empty means multi-tenant, with tokens from DefaultTokenURL.
	TenantID string
	// TokenURL overrides the token endpoint (for tests). It must be https.
	TokenURL string
	// Scope is the token scope. Default DefaultScope.
	Scope string
	// AllowedServiceURLs are the prefixes a service URL must start with
	// before the bot's token is sent to it. Each must be an https URL ending
	// in "/". Default [DefaultAllowedServiceURL].
	AllowedServiceURLs []string
	// HTTPClient makes the requests. Default a client with a 30 s timeout.
	HTTPClient *http.Client
	// Now returns the current time. Default time.Now.
	Now func() time.Time
	// MaxRetries is how many times a request answered with 429 or 5xx is
	// retried. Zero means DefaultMaxRetries; negative means no retries.
	MaxRetries int
	// RetryBase is the first backoff delay, doubled on each retry.
	// Default DefaultRetryBase.
	RetryBase time.Duration
	// Sleep waits for d or until ctx is done. Default a timer; tests
	// replace it to run without waiting.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Validate reports every problem with c at once, as a bot.EInvalid error.
// It never quotes the secret or the key.
func (c ConnectorConfig) Validate() error {
	var problems []string
	if strings.TrimSpace(c.AppID) == "" {
		problems = append(problems, "app ID is required")
	}
	hasSecret := strings.TrimSpace(c.AppSecret) != ""
	hasCert := len(c.CertificatePEM) > 0 || len(c.PrivateKeyPEM) > 0
	switch {
	case hasSecret && hasCert:
		problems = append(problems, "set either the app secret or a certificate and private key, not both")
	case !hasSecret && !hasCert:
		problems = append(problems, "app secret or certificate and private key is required")
	case hasCert:
		if _, err := parseCertCredential(c.CertificatePEM, c.PrivateKeyPEM); err != nil {
			problems = append(problems, err.Error())
		}
	}
	if c.TenantID != "" && !validTenant(c.TenantID) {
		problems = append(problems, "tenant ID may hold only letters, digits, '.' and '-'")
	}
	if c.TokenURL != "" {
		if err := checkHTTPS(c.TokenURL); err != nil {
			problems = append(problems, "token URL "+err.Error())
		}
	}
	for _, p := range c.AllowedServiceURLs {
		if err := checkHTTPS(p); err != nil {
			problems = append(problems, fmt.Sprintf("allowed service URL %q %v", p, err))
		} else if !strings.HasSuffix(p, "/") {
			problems = append(problems, fmt.Sprintf("allowed service URL %q must end in /", p))
		}
	}
	if c.RetryBase < 0 {
		problems = append(problems, "retry base must not be negative")
	}
	if len(problems) > 0 {
		return bot.Errorf(bot.EInvalid, "teams connector config: %s", strings.Join(problems, "; "))
	}
	return nil
}

// Connector sends activities to Teams through the Bot Framework Connector
// service. It caches the app token, sharing one fetch among concurrent
// callers, and is safe for concurrent use.
type Connector struct {
	cfg      ConnectorConfig
	tokenURL string
	client   *http.Client
	now      func() time.Time
	sleep    func(context.Context, time.Duration) error
	retries  int
	cert     *certCredential // nil when the app secret is used

	mu      sync.Mutex
	token   string
	expires time.Time // when the cached token stops being used
}

// NewConnector validates cfg, applies the defaults and returns a Connector.
// It fetches nothing: the token is fetched on first use.
func NewConnector(cfg ConnectorConfig) (*Connector, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	c := &Connector{cfg: cfg, client: cfg.HTTPClient, now: cfg.Now, sleep: cfg.Sleep, retries: cfg.MaxRetries}
	if len(cfg.CertificatePEM) > 0 {
		cert, err := parseCertCredential(cfg.CertificatePEM, cfg.PrivateKeyPEM)
		if err != nil {
			return nil, bot.Errorf(bot.EInvalid, "teams connector config: %v", err)
		}
		c.cert = cert
	}
	switch {
	case cfg.TokenURL != "":
		c.tokenURL = cfg.TokenURL
	case cfg.TenantID != "":
		c.tokenURL = "https://login.microsoftonline.com/" + cfg.TenantID + "/oauth2/v2.0/token"
	default:
		c.tokenURL = DefaultTokenURL
	}
	if c.cfg.Scope == "" {
		c.cfg.Scope = DefaultScope
	}
	if len(c.cfg.AllowedServiceURLs) == 0 {
		c.cfg.AllowedServiceURLs = []string{DefaultAllowedServiceURL}
	}
	if c.cfg.RetryBase == 0 {
		c.cfg.RetryBase = DefaultRetryBase
	}
	if c.client == nil {
		c.client = handlers.NewHTTPClient(defaultSendTimeout)
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.sleep == nil {
		c.sleep = sleep
	}
	switch {
	case c.retries == 0:
		c.retries = DefaultMaxRetries
	case c.retries < 0:
		c.retries = 0
	}
	return c, nil
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// StatusError is the cause inside the *bot.Error a Connector returns when
// the Connector service answered a request with a status other than 2xx,
// after the retries of 429 and 5xx and the one token refresh on 401. It
// carries no message text, token or ID. Use Status to read it.
type StatusError struct {
	// Status is the HTTP status of the Connector's last answer.
	Status int
	// Op is the request: "reply", "send", "update" or "create conversation".
	Op string
	// Attempts is how many times the request was sent.
	Attempts int
}

func (e *StatusError) Error() string {
	if e.Attempts > 1 {
		return fmt.Sprintf("%s: status %d after %d attempts", e.Op, e.Status, e.Attempts)
	}
	return fmt.Sprintf("%s: status %d", e.Op, e.Status)
}

// Status returns the HTTP status the Connector service refused a request
// with: the status of its last answer, other than 2xx, after any retries.
// It returns 0 for nil and for every other failure: an invalid request, a
// refused service URL, a network error, a context ended during a backoff,
// a failure to get the bot's token (the token endpoint's status is about
// the bot's credentials, not the request, and is not reported), and an
// answer the Connector accepted but whose body could not be read.
func Status(err error) int {
	var se *StatusError
	if errors.As(err, &se) {
		return se.Status
	}
	return 0
}

// errAccepted marks the failure to read the body of a 2xx answer: the
// Connector accepted the request, so it must not be sent again.
var errAccepted = errors.New("request accepted")

// Reply posts activity into a conversation, as a reply to the activity
// replyToID, or as a new message when replyToID is empty. It returns the id
// of the new activity, which may be empty: a 2xx answer is a success even
// when its body is empty or cannot be read or decoded, as the activity was
// accepted, and the id is then "".
//
// It returns bot.EInvalid for a missing conversation ID or activity;
// bot.EForbidden, without any request, for a service URL outside the
// allow-list; bot.EUnavailable on network errors and when retries are
// exhausted; bot.EInternal for any other failure. When the Connector
// refused the activity, the error wraps a *StatusError, and Status
// returns the Connector's HTTP status; it is 0 for every other failure,
// including a refused token request.
func (c *Connector) Reply(ctx context.Context, serviceURL, conversationID, replyToID string, activity map[string]any) (id string, err error) {
	if conversationID == "" {
		return "", bot.Errorf(bot.EInvalid, "conversation ID is required")
	}
	if activity == nil {
		return "", bot.Errorf(bot.EInvalid, "activity is required")
	}
	base, err := c.base(serviceURL)
	if err != nil {
		return "", err
	}
	u := base + "v3/conversations/" + url.PathEscape(conversationID) + "/activities"
	op := "send"
	if replyToID != "" {
		u += "/" + url.PathEscape(replyToID)
		op = "reply"
	}
	answer, err := c.post(ctx, op, u, activity)
	if errors.Is(err, errAccepted) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	var out struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(answer, &out) != nil {
		return "", nil
	}
	return out.ID, nil
}

// Send posts activity into a conversation as a new message. It is Reply
// with no replyToID: it returns the same error kinds, and an empty id with
// no error for a 2xx answer whose body cannot be read.
func (c *Connector) Send(ctx context.Context, serviceURL, conversationID string, activity map[string]any) (string, error) {
	return c.Reply(ctx, serviceURL, conversationID, "", activity)
}

// UpdateActivity replaces the activity activityID, which the bot posted
// into a conversation, with activity: a PUT to
// {serviceURL}/v3/conversations/{conversationID}/activities/{activityID}.
// When activity is a map without an "id", the body carries activityID as
// its id, as the Bot Framework expects. A 2xx answer is a success, even
// when its body cannot be read.
//
// It returns bot.EInvalid for a missing conversation ID, activity ID or
// activity; bot.EForbidden, without any request, for a service URL
// outside the allow-list; bot.ENotFound when the Connector answers 404
// (the message is gone); and otherwise the error kinds of Reply. When the
// Connector refused the update, the error wraps a *StatusError, and
// Status returns the Connector's HTTP status.
func (c *Connector) UpdateActivity(ctx context.Context, serviceURL, conversationID, activityID string, activity any) error {
	var missing []string
	for _, f := range []struct{ name, value string }{{"conversation ID", conversationID}, {"activity ID", activityID}} {
		if f.value == "" {
			missing = append(missing, f.name)
		}
	}
	if activity == nil {
		missing = append(missing, "activity")
	}
	if len(missing) > 0 {
		return bot.Errorf(bot.EInvalid, "update activity: %s required", strings.Join(missing, ", "))
	}
	if m, ok := activity.(map[string]any); ok {
		if m == nil {
			return bot.Errorf(bot.EInvalid, "update activity: activity required")
		}
		if _, ok := m["id"]; !ok {
			m = maps.Clone(m)
			m["id"] = activityID
			activity = m
		}
	}
	base, err := c.base(serviceURL)
	if err != nil {
		return err
	}
	u := base + "v3/conversations/" + url.PathEscape(conversationID) + "/activities/" + url.PathEscape(activityID)
	_, err = c.do(ctx, http.MethodPut, "update", u, activity)
	var se *StatusError
	switch {
	case errors.Is(err, errAccepted):
		return nil
	case errors.As(err, &se) && se.Status == http.StatusNotFound:
		return &bot.Error{Kind: bot.ENotFound, Message: "The Teams message to update is gone.", Err: se}
	}
	return err
}

// CreateConversation opens (or finds) the 1:1 conversation between the bot
// botID and the user userID in the tenant tenantID, for proactive messages,
// and returns its ID. It returns the same error kinds as Reply. Unlike
// Reply, a 2xx answer without a readable conversation ID is an error, as
// the caller cannot go on without it: bot.EUnavailable when the body cannot
// be read, bot.EInternal when it is empty, cannot be decoded or holds no
// ID. Status returns 0 for it, as the Connector did not refuse the request.
func (c *Connector) CreateConversation(ctx context.Context, serviceURL, tenantID, botID, userID string) (conversationID string, err error) {
	var missing []string
	for _, f := range []struct{ name, value string }{{"tenant ID", tenantID}, {"bot ID", botID}, {"user ID", userID}} {
		if f.value == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return "", bot.Errorf(bot.EInvalid, "create conversation: %s required", strings.Join(missing, ", "))
	}
	base, err := c.base(serviceURL)
	if err != nil {
		return "", err
	}
	body := map[string]any{
		"bot":         map[string]any{"id": botID},
		"members":     []any{map[string]any{"id": userID}},
		"isGroup":     false,
		"tenantId":    tenantID,
		"channelData": map[string]any{"tenant": map[string]any{"id": tenantID}},
	}
	answer, err := c.post(ctx, "create conversation", base+"v3/conversations", body)
	if err != nil {
		return "", err
	}
	var out struct {
		ID string `json:"id"`
	}
	if len(bytes.TrimSpace(answer)) > 0 {
		if err := json.Unmarshal(answer, &out); err != nil {
			return "", &bot.Error{Kind: bot.EInternal, Message: "Teams connector response unreadable", Err: err}
		}
	}
	if out.ID == "" {
		return "", bot.Errorf(bot.EInternal, "Teams connector returned no conversation ID")
	}
	return out.ID, nil
}
