// Package config builds Waymark's configuration from, in rising order of
// precedence, built-in defaults, a YAML file (waymark.yaml), environment
// variables (WAYMARK_ and the key in upper case with '.' as '_', so
// search.min_confidence is WAYMARK_SEARCH_MIN_CONFIDENCE) and command-line
// flags. It is the only package that imports viper, and it uses one viper
// instance per Load, never the global one.
//
// Load validates everything at once and returns an *Error listing every
// problem; a Config is never changed after Load returns it.
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

// DefaultFile is read from the working directory when no file is named.
const DefaultFile = "waymark.yaml"

// Config is Waymark's validated configuration.
type Config struct {
	Corpus CorpusConfig `mapstructure:"corpus"`
	Search SearchConfig `mapstructure:"search"`
	Log    LogConfig    `mapstructure:"log"`
	HTTP   HTTPConfig   `mapstructure:"http"`
	Redis  RedisConfig  `mapstructure:"redis"`
	Slack  SlackConfig  `mapstructure:"slack"`
	Teams  TeamsConfig  `mapstructure:"teams"`

	Consultations ConsultationsConfig `mapstructure:"consultations"`
	Escalation    EscalationConfig    `mapstructure:"escalation"`

	// File is the configuration file that was read, or "".
	File string `mapstructure:"-"`
}

// CorpusConfig says where the corpus is.
type CorpusConfig struct {
	// Dir is the corpus folder; empty means the embedded sample corpus.
	Dir string `mapstructure:"dir"`
}

// SearchConfig tunes answers.
type SearchConfig struct {
	Limit         int     `mapstructure:"limit"`          // results per answer, 1..50
	MinConfidence float64 `mapstructure:"min_confidence"` // 0..1; below it, "I don't know"
}

// LogConfig sets logging.
type LogConfig struct {
	Level  string `mapstructure:"level"`  // debug, info, warn, error
	Format string `mapstructure:"format"` // text or json
}

// HTTPConfig is the HTTP server of waymark serve.
type HTTPConfig struct {
	// Addr is host:port. The default binds loopback only, so the local web
	// chat is not exposed until a council chooses to.
	Addr string `mapstructure:"addr"`
	// WebChat serves the local web chat at /.
	WebChat bool `mapstructure:"web_chat"`
}

// RedisConfig says where conversation state lives. With neither URL nor
// Addrs, waymark serve starts an embedded Redis-compatible server whose
// state is lost on restart.
type RedisConfig struct {
	URL             string        `mapstructure:"url"`         // redis://user:pass@host:6379/0 or rediss://
	Addrs           []string      `mapstructure:"addrs"`       // host:port list: Cluster, or Sentinel with master_name
	MasterName      string        `mapstructure:"master_name"` // Sentinel master
	Cluster         bool          `mapstructure:"cluster"`     // one address that is a Cluster's configuration endpoint
	Username        string        `mapstructure:"username"`
	Password        string        `mapstructure:"password"`
	DB              int           `mapstructure:"db"`
	Prefix          string        `mapstructure:"prefix"`           // key prefix
	ConversationTTL time.Duration `mapstructure:"conversation_ttl"` // how long a conversation's context is kept
	ProfileTTL      time.Duration `mapstructure:"profile_ttl"`      // how long a practitioner's profile is kept
}

// Configured reports whether an external Redis is configured.
func (r RedisConfig) Configured() bool { return r.URL != "" || len(r.Addrs) > 0 }

// SlackConfig connects Waymark to a Slack workspace.
type SlackConfig struct {
	BotToken      string `mapstructure:"bot_token"`      // xoxb-...
	SigningSecret string `mapstructure:"signing_secret"` // verifies HTTP requests
	AppToken      string `mapstructure:"app_token"`      // xapp-...: Socket Mode instead of a public URL
	APIURL        string `mapstructure:"api_url"`        // Slack's Web API base URL
	Workers       int    `mapstructure:"workers"`        // replies composed at once
}

// Enabled reports whether Slack is configured.
func (s SlackConfig) Enabled() bool { return s.BotToken != "" }

// TeamsConfig connects Waymark to Microsoft Teams through the Bot Framework.
type TeamsConfig struct {
	AppID              string   `mapstructure:"app_id"`               // the bot's Microsoft app id; turns Teams on
	AppSecret          string   `mapstructure:"app_secret"`           // its client secret, or:
	CertificateFile    string   `mapstructure:"certificate_file"`     // a PEM certificate of the app registration
	PrivateKeyFile     string   `mapstructure:"private_key_file"`     // and its PEM RSA private key
	TenantID           string   `mapstructure:"tenant_id"`            // set for a single-tenant app registration
	AllowedTenants     []string `mapstructure:"allowed_tenants"`      // only these tenants may talk to the bot
	OpenIDMetadataURL  string   `mapstructure:"openid_metadata_url"`  // Bot Framework's, or a test server's
	EntraMetadataURL   string   `mapstructure:"entra_metadata_url"`   // Entra's, for a single-tenant bot; default from tenant_id
	TokenURL           string   `mapstructure:"token_url"`            // Microsoft's, or a test server's
	AllowedServiceURLs []string `mapstructure:"allowed_service_urls"` // where replies may be posted
}

// Enabled reports whether Teams is configured.
func (t TeamsConfig) Enabled() bool { return t.AppID != "" }

// normalize writes tenant ids as activities and tokens carry them: GUIDs
// in lower case, without spaces ("a, b" in an environment variable), each
// once.
func (t *TeamsConfig) normalize() {
	t.TenantID = strings.ToLower(strings.TrimSpace(t.TenantID))
	var tenants []string
	for _, id := range t.AllowedTenants {
		id = strings.ToLower(strings.TrimSpace(id))
		if id != "" && !slices.Contains(tenants, id) {
			tenants = append(tenants, id)
		}
	}
	t.AllowedTenants = tenants
}

// Tenants is the allow-list of Teams tenants the bot serves: allowed_tenants,
// or else the home tenant of a single-tenant registration, or nil (any).
func (t TeamsConfig) Tenants() []string {
	if len(t.AllowedTenants) > 0 {
		return t.AllowedTenants
	}
	if t.TenantID != "" {
		return []string{t.TenantID}
	}
	return nil
}

// HomeTenant is the tenant a Teams target or specialist written without one
// belongs to: the only tenant the bot serves, in lower case, or "" when it
// serves several (or any), so that every target must name its tenant.
func (t TeamsConfig) HomeTenant() string {
	if ts := t.Tenants(); len(ts) == 1 {
		return strings.ToLower(strings.TrimSpace(ts[0]))
	}
	return ""
}

// isGUID reports whether s is a GUID, like a tenant id.
func isGUID(s string) bool { return guidPrefix.MatchString(strings.TrimSpace(s) + ":") }

// guidPrefix matches a tenant id (a GUID) followed by a colon.
var guidPrefix = regexp.MustCompile(`^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}:`)

// TeamsPerson reads a Teams specialist, "teams:<user>" or
// "teams:<tenant>:<user>", and returns it with the tenant filled in from
// home when it names none. It reports false for anything else (another
// platform, or a group).
func TeamsPerson(s, home string) (string, bool) {
	tenant, user, ok := splitTeamsPerson(s)
	switch {
	case !ok || user == "":
		return s, false
	case tenant != "":
		return "teams:" + strings.ToLower(tenant) + ":" + user, true
	case home == "":
		return s, true
	}
	return "teams:" + home + ":" + user, true
}

// splitTeamsPerson reads a Teams specialist, "teams:<user>" or
// "teams:<tenant>:<user>" (a tenant is a GUID), into its tenant, or "", and
// user. It reports false for another platform or a group.
func splitTeamsPerson(s string) (tenant, user string, ok bool) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(s), "teams:")
	if !ok || strings.HasPrefix(rest, "group:") {
		return "", "", false
	}
	if guidPrefix.MatchString(rest) {
		tenant, rest, _ = strings.Cut(rest, ":")
	}
	return tenant, rest, true
}

// ConsultationsConfig says who takes consultation requests. With no
// queues, consult shows the bookable specialists' contact details instead.
type ConsultationsConfig struct {
	// Specialists lists, per specialism, who may claim its requests:
	// "slack:U0123" or "slack:T01:U0123".
	Specialists map[string][]string `mapstructure:"specialists"`
	// Queues is where each specialism's new requests are posted:
	// "slack:channel:C0123".
	Queues map[string]string `mapstructure:"queues"`
}

// Enabled reports whether consultations are set up.
func (c ConsultationsConfig) Enabled() bool { return len(c.Queues) > 0 }

// EscalationConfig is the duty managers' ladder.
type EscalationConfig struct {
	// Policies by urgency: urgent and routine.
	Policies map[string]PolicyConfig `mapstructure:"policies"`
	// RiskPolicy is the ladder risky questions and escalate commands climb.
	RiskPolicy string `mapstructure:"risk_policy"`
	// Tick is how often due timers are checked.
	Tick time.Duration `mapstructure:"tick"`
	// WorkingHours count working days for routine SLAs.
	WorkingHours WorkingHoursConfig `mapstructure:"working_hours"`
}

// PolicyConfig is one urgency's SLA and ladder.
type PolicyConfig struct {
	ClaimWithin            time.Duration `mapstructure:"claim_within"`
	ClaimWithinWorkingDays int           `mapstructure:"claim_within_working_days"`
	Levels                 []LevelConfig `mapstructure:"levels"`
}

// LevelConfig is one rung of the ladder.
type LevelConfig struct {
	Name        string        `mapstructure:"name"`
	Targets     []string      `mapstructure:"targets"` // "slack:channel:C0DUTY", "slack:user:U0SVC"
	Repeat      int           `mapstructure:"repeat"`
	RepeatEvery time.Duration `mapstructure:"repeat_every"`
}

// WorkingHoursConfig is the working calendar; empty fields keep the
// defaults (Europe/London, Monday to Friday 09:00-17:00, bank holidays of
// England and Wales).
type WorkingHoursConfig struct {
	Location     string   `mapstructure:"location"`
	Start        string   `mapstructure:"start"`
	End          string   `mapstructure:"end"`
	BankHolidays []string `mapstructure:"bank_holidays"` // replace the built-in list when set
}

// Target is a parsed "platform:kind:id" (or "platform:team:kind:id").
type Target struct{ Platform, TeamID, Kind, ID string }

// InTenant returns t with home as its tenant when t is a Teams target that
// names none, and with its tenant in lower case (tenant ids are GUIDs).
func (t Target) InTenant(home string) Target {
	if t.Platform != "teams" {
		return t
	}
	if t.TeamID == "" {
		t.TeamID = home
	}
	t.TeamID = strings.ToLower(t.TeamID)
	return t
}

// ParseTarget reads a target string: platform:kind:id or
// platform:team:kind:id. The id may itself contain colons, as Teams ids do
// ("teams:channel:19:abc@thread.tacv2").
func ParseTarget(s string) (Target, error) {
	parts := strings.Split(strings.TrimSpace(s), ":")
	var t Target
	switch {
	case len(parts) >= 3 && (parts[1] == "channel" || parts[1] == "user"):
		t = Target{Platform: parts[0], Kind: parts[1], ID: strings.Join(parts[2:], ":")}
	case len(parts) >= 4:
		t = Target{Platform: parts[0], TeamID: parts[1], Kind: parts[2], ID: strings.Join(parts[3:], ":")}
	default:
		return t, fmt.Errorf("target %q must be platform:kind:id, like slack:channel:C0123", s)
	}
	if t.Platform != "slack" && t.Platform != "teams" {
		return t, fmt.Errorf("target %q: only slack and teams targets can be prompted", s)
	}
	if t.Kind != "channel" && t.Kind != "user" {
		return t, fmt.Errorf("target %q: kind must be channel or user", s)
	}
	if t.ID == "" {
		return t, fmt.Errorf("target %q has no id", s)
	}
	return t, nil
}

// defaults lists every key with its default; a key not here is unknown.
var defaults = map[string]any{
	"corpus.dir":                 "",
	"search.limit":               5,
	"search.min_confidence":      0.35, // knowledge.DefaultMinConfidence: the abstention model's probability
	"log.level":                  "info",
	"log.format":                 "text",
	"http.addr":                  "127.0.0.1:8080",
	"http.web_chat":              true,
	"redis.url":                  "",
	"redis.addrs":                []string{},
	"redis.master_name":          "",
	"redis.cluster":              false,
	"redis.username":             "",
	"redis.password":             "",
	"redis.db":                   0,
	"redis.prefix":               "wm",
	"redis.conversation_ttl":     "24h",
	"redis.profile_ttl":          "720h",
	"slack.bot_token":            "",
	"slack.signing_secret":       "",
	"slack.app_token":            "",
	"slack.api_url":              "https://slack.com/api/",
	"slack.workers":              8,
	"teams.app_id":               "",
	"teams.app_secret":           "",
	"teams.certificate_file":     "",
	"teams.private_key_file":     "",
	"teams.tenant_id":            "",
	"teams.allowed_tenants":      []string{},
	"teams.openid_metadata_url":  "https://login.botframework.com/v1/.well-known/openidconfiguration",
	"teams.entra_metadata_url":   "",
	"teams.token_url":            "",
	"teams.allowed_service_urls": []string{"https://smba.trafficmanager.net/"},

	"consultations.specialists":              map[string]any{},
	"consultations.queues":                   map[string]any{},
	"escalation.policies":                    map[string]any{},
	"escalation.risk_policy":                 "urgent",
	"escalation.tick":                        "15s",
	"escalation.working_hours.location":      "",
	"escalation.working_hours.start":         "",
	"escalation.working_hours.end":           "",
	"escalation.working_hours.bank_holidays": []string{},
}

// Keys returns every configuration key, sorted.
func Keys() []string {
	keys := make([]string, 0, len(defaults))
	for k := range defaults {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// EnvName is the environment variable that sets key.
func EnvName(key string) string {
	return "WAYMARK_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

// Error lists every problem with a configuration.
type Error struct {
	Problems []string
}

func (e *Error) Error() string {
	return "configuration has " + fmt.Sprint(len(e.Problems)) + " problem(s):\n  " + strings.Join(e.Problems, "\n  ")
}

// Sources are where Load reads from.
type Sources struct {
	File   string              // a file to read; "" reads DefaultFile if it exists
	Getenv func(string) string // nil reads no environment
	Flags  *pflag.FlagSet      // nil reads no flags
	// FlagKeys maps flag names to configuration keys (corpus -> corpus.dir).
	FlagKeys map[string]string
}

// Load builds and validates a Config.
func Load(src Sources) (*Config, error) {
	v := viper.New()
	for k, d := range defaults {
		v.SetDefault(k, d)
	}
	var problems []string
	file := src.File
	if file == "" {
		if _, err := os.Stat(DefaultFile); err == nil {
			file = DefaultFile
		}
	}
	if file != "" {
		v.SetConfigFile(file)
		v.SetConfigType("yaml")
		if err := v.ReadInConfig(); err != nil {
			var pe *fs.PathError
			if errors.As(err, &pe) {
				return nil, &Error{Problems: []string{fmt.Sprintf("config file %s: %v", file, pe.Err)}}
			}
			return nil, &Error{Problems: []string{fmt.Sprintf("config file %s: %v", file, err)}}
		}
		for _, k := range v.AllKeys() {
			if _, ok := defaults[k]; !ok && !underMap(k) {
				problems = append(problems, fmt.Sprintf("%s: unknown setting %q", file, k))
			}
		}
	}
	// Environment above the file: merge it into the config layer, which
	// viper ranks below flags.
	if src.Getenv != nil {
		env := map[string]any{}
		for k := range defaults {
			if val, ok := lookup(src.Getenv, EnvName(k)); ok {
				setNested(env, k, val)
			}
		}
		if err := v.MergeConfigMap(env); err != nil {
			return nil, fmt.Errorf("environment: %w", err)
		}
	}
	if src.Flags != nil {
		for name, key := range src.FlagKeys {
			if f := src.Flags.Lookup(name); f != nil {
				if err := v.BindPFlag(key, f); err != nil {
					return nil, fmt.Errorf("flag --%s: %w", name, err)
				}
			}
		}
	}
	var c Config
	if err := v.Unmarshal(&c); err != nil {
		problems = append(problems, fmt.Sprintf("cannot read settings: %v", err))
		return nil, &Error{Problems: problems}
	}
	c.File = file
	c.Teams.normalize()
	problems = append(problems, c.validate()...)
	if len(problems) > 0 {
		return nil, &Error{Problems: problems}
	}
	return &c, nil
}

// redactURL hides a password in a URL before it is shown.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparseable)"
	}
	return u.Redacted()
}

// mapSettings hold maps whose keys the council chooses (specialisms,
// urgencies), so keys beneath them are not unknown.
var mapSettings = []string{"consultations.specialists.", "consultations.queues.", "escalation.policies."}

func underMap(k string) bool {
	for _, m := range mapSettings {
		if strings.HasPrefix(k, m) {
			return true
		}
	}
	return false
}

func lookup(getenv func(string) string, name string) (string, bool) {
	val := getenv(name)
	return val, val != ""
}

func setNested(m map[string]any, key, val string) {
	parts := strings.Split(key, ".")
	for _, p := range parts[:len(parts)-1] {
		sub, ok := m[p].(map[string]any)
		if !ok {
			sub = map[string]any{}
			m[p] = sub
		}
		m = sub
	}
	m[parts[len(parts)-1]] = val
}

func (c *Config) validate() []string {
	var p []string
	if c.Corpus.Dir != "" {
		if st, err := os.Stat(c.Corpus.Dir); err != nil {
			p = append(p, fmt.Sprintf("corpus.dir: %v", err))
		} else if !st.IsDir() {
			p = append(p, fmt.Sprintf("corpus.dir: %s is not a directory", c.Corpus.Dir))
		}
	}
	if c.Search.Limit < 1 || c.Search.Limit > 50 {
		p = append(p, fmt.Sprintf("search.limit must be between 1 and 50, not %d", c.Search.Limit))
	}
	if c.Search.MinConfidence <= 0 || c.Search.MinConfidence > 1 {
		p = append(p, fmt.Sprintf("search.min_confidence must be more than 0 and at most 1, not %g", c.Search.MinConfidence))
	}
	if !slices.Contains([]string{"debug", "info", "warn", "error"}, c.Log.Level) {
		p = append(p, fmt.Sprintf("log.level must be debug, info, warn or error, not %q", c.Log.Level))
	}
	if !slices.Contains([]string{"text", "json"}, c.Log.Format) {
		p = append(p, fmt.Sprintf("log.format must be text or json, not %q", c.Log.Format))
	}
	if _, port, err := net.SplitHostPort(c.HTTP.Addr); err != nil {
		p = append(p, fmt.Sprintf("http.addr %q must be host:port: %v", c.HTTP.Addr, err))
	} else if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		p = append(p, fmt.Sprintf("http.addr %q has a bad port", c.HTTP.Addr))
	}
	r := c.Redis
	if r.URL != "" && len(r.Addrs) > 0 {
		p = append(p, "redis.url and redis.addrs are both set: use one")
	}
	if r.URL != "" && !strings.HasPrefix(r.URL, "redis://") && !strings.HasPrefix(r.URL, "rediss://") && !strings.HasPrefix(r.URL, "unix://") {
		p = append(p, fmt.Sprintf("redis.url must start with redis://, rediss:// or unix://, not %q", redactURL(r.URL)))
	}
	if r.MasterName != "" && len(r.Addrs) == 0 {
		p = append(p, "redis.master_name needs redis.addrs (the Sentinel addresses)")
	}
	if r.ConversationTTL <= 0 || r.ProfileTTL <= 0 {
		p = append(p, "redis.conversation_ttl and redis.profile_ttl must be positive durations, like 24h")
	}
	s := c.Slack
	if (s.SigningSecret != "" || s.AppToken != "") && s.BotToken == "" {
		p = append(p, "slack.bot_token is needed with slack.signing_secret or slack.app_token")
	}
	if s.BotToken != "" && s.SigningSecret == "" && s.AppToken == "" {
		p = append(p, "slack needs slack.signing_secret (Events API over HTTP) or slack.app_token (Socket Mode)")
	}
	if s.BotToken != "" && !strings.HasPrefix(s.BotToken, "xoxb-") {
		p = append(p, "slack.bot_token must be a bot token (xoxb-...)")
	}
	if s.AppToken != "" && !strings.HasPrefix(s.AppToken, "xapp-") {
		p = append(p, "slack.app_token must be an app-level token (xapp-...)")
	}
	if u, err := url.Parse(s.APIURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		p = append(p, fmt.Sprintf("slack.api_url %q must be an http(s) URL", s.APIURL))
	}
	if s.Workers < 1 || s.Workers > 256 {
		p = append(p, fmt.Sprintf("slack.workers must be between 1 and 256, not %d", s.Workers))
	}
	if t := c.Teams; t.Enabled() || t.AppSecret != "" || t.CertificateFile != "" || t.PrivateKeyFile != "" {
		cert := t.CertificateFile != "" || t.PrivateKeyFile != ""
		switch {
		case t.AppID == "":
			p = append(p, "teams.app_id is needed with teams credentials")
		case t.AppSecret == "" && !cert:
			p = append(p, "teams.app_id and teams.app_secret are both needed (or teams.certificate_file and teams.private_key_file)")
		case t.AppSecret != "" && cert:
			p = append(p, "set teams.app_secret or teams.certificate_file, not both")
		case cert && (t.CertificateFile == "" || t.PrivateKeyFile == ""):
			p = append(p, "teams.certificate_file and teams.private_key_file go together")
		}
		for _, f := range []string{t.CertificateFile, t.PrivateKeyFile} {
			if f == "" {
				continue
			}
			if _, err := os.Stat(f); err != nil {
				p = append(p, fmt.Sprintf("teams: %v", err))
			}
		}
		for _, u := range append([]string{t.OpenIDMetadataURL}, t.AllowedServiceURLs...) {
			if !strings.HasPrefix(u, "https://") {
				p = append(p, fmt.Sprintf("teams: %q must be an https URL", u))
			}
		}
		if t.TenantID != "" && !isGUID(t.TenantID) {
			p = append(p, fmt.Sprintf("teams.tenant_id %q must be the Directory (tenant) ID, a GUID, not a domain name", t.TenantID))
		}
		for _, id := range t.AllowedTenants {
			if !isGUID(id) {
				p = append(p, fmt.Sprintf("teams.allowed_tenants: %q must be a Directory (tenant) ID, a GUID", id))
			}
		}
		if t.EntraMetadataURL != "" && !strings.HasPrefix(t.EntraMetadataURL, "https://") {
			p = append(p, fmt.Sprintf("teams.entra_metadata_url %q must be an https URL", t.EntraMetadataURL))
		}
		if t.TokenURL != "" && !strings.HasPrefix(t.TokenURL, "https://") {
			p = append(p, fmt.Sprintf("teams.token_url %q must be an https URL", t.TokenURL))
		}
	}
	p = append(p, c.validateDesk()...)
	return p
}

func (c *Config) validateDesk() []string {
	var p []string
	cs := c.Consultations
	if !cs.Enabled() {
		return nil
	}
	if !c.Slack.Enabled() && !c.Teams.Enabled() {
		p = append(p, "consultations need Slack or Teams configured: queues and prompts are posted there")
	}
	for _, group := range [][]string{queueTargets(cs.Queues), ladderTargets(c.Escalation)} {
		for _, ts := range group {
			t, err := ParseTarget(ts)
			if err != nil {
				continue // reported below
			}
			if (t.Platform == "slack" && !c.Slack.Enabled()) || (t.Platform == "teams" && !c.Teams.Enabled()) {
				p = append(p, fmt.Sprintf("target %q needs %s configured", ts, t.Platform))
			} else if t.Platform == "teams" {
				p = append(p, c.Teams.checkTenant(fmt.Sprintf("target %q", ts), t.TeamID, fmt.Sprintf("teams:<tenant id>:%s:%s", t.Kind, t.ID))...)
			}
		}
	}
	if c.Teams.Enabled() {
		for specialism, people := range cs.Specialists {
			for _, who := range people {
				tenant, _, ok := splitTeamsPerson(who)
				if !ok {
					continue
				}
				p = append(p, c.Teams.checkTenant(fmt.Sprintf("consultations.specialists.%s: %q", specialism, who), tenant, "teams:<tenant id>:<user>")...)
			}
		}
	}
	for specialism, q := range cs.Queues {
		if _, err := ParseTarget(q); err != nil {
			p = append(p, fmt.Sprintf("consultations.queues.%s: %v", specialism, err))
		}
		if len(cs.Specialists[specialism]) == 0 {
			p = append(p, fmt.Sprintf("consultations.specialists.%s: the %s queue needs specialists who can claim", specialism, specialism))
		}
	}
	e := c.Escalation
	for _, u := range []string{"urgent", "routine"} {
		pol, ok := e.Policies[u]
		if !ok {
			p = append(p, fmt.Sprintf("escalation.policies.%s is missing", u))
			continue
		}
		if pol.ClaimWithin <= 0 && pol.ClaimWithinWorkingDays <= 0 {
			p = append(p, fmt.Sprintf("escalation.policies.%s needs claim_within or claim_within_working_days", u))
		}
		if len(pol.Levels) == 0 {
			p = append(p, fmt.Sprintf("escalation.policies.%s needs levels", u))
		}
		for i, l := range pol.Levels {
			if len(l.Targets) == 0 {
				p = append(p, fmt.Sprintf("escalation.policies.%s.levels[%d] needs targets", u, i))
			}
			for _, t := range l.Targets {
				if _, err := ParseTarget(t); err != nil {
					p = append(p, fmt.Sprintf("escalation.policies.%s.levels[%d]: %v", u, i, err))
				}
			}
			if l.RepeatEvery <= 0 {
				p = append(p, fmt.Sprintf("escalation.policies.%s.levels[%d] needs repeat_every, like 10m", u, i))
			}
		}
	}
	if _, ok := e.Policies[e.RiskPolicy]; !ok {
		p = append(p, fmt.Sprintf("escalation.risk_policy %q is not a policy", e.RiskPolicy))
	}
	if e.Tick <= 0 {
		p = append(p, "escalation.tick must be a positive duration")
	}
	return p
}

// checkTenant reports what is wrong with the tenant a Teams target or
// specialist (what) names: none when the bot serves several tenants (form
// shows how to write one), one that is not a GUID, or one the bot does not
// serve, whose people it could never hear from.
func (t TeamsConfig) checkTenant(what, tenant, form string) []string {
	switch {
	case tenant == "" && t.HomeTenant() == "":
		return []string{fmt.Sprintf("%s must name its tenant (%s): %s", what, form, severalTenants)}
	case tenant == "":
		return nil
	case !isGUID(tenant):
		return []string{fmt.Sprintf("%s: tenant %q must be a Directory (tenant) ID, a GUID", what, tenant)}
	case len(t.Tenants()) > 0 && !slices.Contains(t.Tenants(), strings.ToLower(tenant)):
		return []string{fmt.Sprintf("%s: tenant %s is not one the bot serves (teams.tenant_id, teams.allowed_tenants)", what, tenant)}
	}
	return nil
}

// severalTenants explains why a Teams target must name its tenant.
const severalTenants = "the bot serves more than one Teams tenant; set teams.tenant_id (single-tenant) or one teams.allowed_tenants entry to leave it out"

func queueTargets(q map[string]string) []string {
	var out []string
	for _, t := range q {
		out = append(out, t)
	}
	return out
}

func ladderTargets(e EscalationConfig) []string {
	var out []string
	for _, p := range e.Policies {
		for _, l := range p.Levels {
			out = append(out, l.Targets...)
		}
	}
	return out
}
