package config_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/waymarkhq/waymark/config"
	"github.com/waymarkhq/waymark/handlers/slack"
	"github.com/waymarkhq/waymark/handlers/teams"
)

// platforms are Waymark's, whose sections these tests read.
var platforms = []config.Platform{slack.Platform, teams.Platform}

// load is config.Load with Waymark's platforms.
func load(src config.Sources) (*config.Config, error) {
	src.Platforms = platforms
	return config.Load(src)
}

func slackOf(c *config.Config) *slack.Settings { return c.Platform("slack").(*slack.Settings) }
func teamsOf(c *config.Config) *teams.Settings { return c.Platform("teams").(*teams.Settings) }

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func writeFile(tb testing.TB, name, content string) string {
	tb.Helper()
	p := filepath.Join(tb.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		tb.Fatal(err)
	}
	return p
}

func TestDefaults(t *testing.T) {
	t.Chdir(t.TempDir()) // no waymark.yaml here
	c, err := load(config.Sources{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Corpus.Dir != "" || c.Search.Limit != 5 || c.Search.MinConfidence != 0.22 || c.Log.Level != "info" || c.File != "" {
		t.Errorf("defaults = %+v", c)
	}
}

func TestPrecedenceFileEnvFlags(t *testing.T) {
	corpus := t.TempDir()
	file := writeFile(t, "w.yaml", "search:\n  limit: 7\n  min_confidence: 0.4\nlog:\n  level: debug\n")
	flags := pflag.NewFlagSet("t", pflag.ContinueOnError)
	flags.Int("limit", 5, "")
	flags.String("corpus", "", "")
	if err := flags.Parse([]string{"--limit", "9"}); err != nil {
		t.Fatal(err)
	}
	c, err := load(config.Sources{
		File:     file,
		Getenv:   env(map[string]string{"WAYMARK_SEARCH_LIMIT": "8", "WAYMARK_SEARCH_MIN_CONFIDENCE": "0.3", "WAYMARK_CORPUS_DIR": corpus}),
		Flags:    flags,
		FlagKeys: map[string]string{"limit": "search.limit", "corpus": "corpus.dir"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.Search.Limit != 9 {
		t.Errorf("limit = %d, want 9 from the flag (above env 8 and file 7)", c.Search.Limit)
	}
	if c.Search.MinConfidence != 0.3 {
		t.Errorf("min_confidence = %g, want 0.3 from env (above file 0.4)", c.Search.MinConfidence)
	}
	if c.Log.Level != "debug" {
		t.Errorf("log.level = %q, want debug from the file", c.Log.Level)
	}
	if c.Corpus.Dir != corpus {
		t.Errorf("corpus.dir = %q, want env's (the unset flag must not override it)", c.Corpus.Dir)
	}
	if c.File != file {
		t.Errorf("File = %q", c.File)
	}
}

func TestEveryProblemAtOnce(t *testing.T) {
	file := writeFile(t, "w.yaml", "search:\n  limit: 0\n  min_confidence: 2\nlog:\n  level: loud\n  format: xml\ncorpus:\n  dir: /no/such/dir\nslack:\n  token: x\n")
	_, err := load(config.Sources{File: file})
	var ce *config.Error
	if !errors.As(err, &ce) {
		t.Fatalf("error = %v, want *config.Error", err)
	}
	msg := err.Error()
	for _, want := range []string{
		`unknown setting "slack.token"`,
		"search.limit must be between 1 and 50, not 0",
		"search.min_confidence must be more than 0 and at most 1, not 2",
		`log.level must be debug, info, warn or error, not "loud"`,
		`log.format must be text or json, not "xml"`,
		"corpus.dir: stat /no/such/dir",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	if len(ce.Problems) != 6 {
		t.Errorf("%d problems, want 6: %v", len(ce.Problems), ce.Problems)
	}
}

func TestBadEnvValue(t *testing.T) {
	_, err := load(config.Sources{Getenv: env(map[string]string{"WAYMARK_SEARCH_LIMIT": "lots"})})
	if err == nil || !strings.Contains(err.Error(), "limit") {
		t.Errorf("error = %v, want one naming the limit", err)
	}
}

func TestMissingNamedFile(t *testing.T) {
	_, err := load(config.Sources{File: filepath.Join(t.TempDir(), "nope.yaml")})
	if err == nil || !strings.Contains(err.Error(), "nope.yaml") {
		t.Errorf("error = %v, want one naming the missing file", err)
	}
}

func TestDefaultFileInWorkingDirectory(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.WriteFile(config.DefaultFile, []byte("search:\n  limit: 3\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := load(config.Sources{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Search.Limit != 3 || c.File != config.DefaultFile {
		t.Errorf("config = %+v, want limit 3 from ./waymark.yaml", c)
	}
}

func TestEnvNames(t *testing.T) {
	if got := config.EnvName("search.min_confidence"); got != "WAYMARK_SEARCH_MIN_CONFIDENCE" {
		t.Errorf("EnvName = %q", got)
	}
	for _, k := range config.Keys(platforms...) {
		if !strings.Contains(k, ".") {
			t.Errorf("key %q is not nested", k)
		}
	}
}

func TestServeSettings(t *testing.T) {
	t.Chdir(t.TempDir())
	c, err := load(config.Sources{Getenv: env(map[string]string{
		"WAYMARK_REDIS_ADDRS":            "10.0.0.1:6379,10.0.0.2:6379",
		"WAYMARK_REDIS_CONVERSATION_TTL": "2h",
		"WAYMARK_SLACK_BOT_TOKEN":        "xoxb-test",
		"WAYMARK_SLACK_SIGNING_SECRET":   "s3cret",
		"WAYMARK_HTTP_ADDR":              "0.0.0.0:9000",
		"WAYMARK_HTTP_WEB_CHAT":          "false",
	})})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Redis.Addrs) != 2 || c.Redis.Addrs[1] != "10.0.0.2:6379" || !c.Redis.Configured() {
		t.Errorf("redis.addrs = %q", c.Redis.Addrs)
	}
	if c.Redis.ConversationTTL != 2*time.Hour || c.Redis.ProfileTTL != 720*time.Hour {
		t.Errorf("TTLs = %v, %v", c.Redis.ConversationTTL, c.Redis.ProfileTTL)
	}
	if !slackOf(c).Enabled() || slackOf(c).APIURL != "https://slack.com/api/" || c.HTTP.Addr != "0.0.0.0:9000" || c.HTTP.WebChat {
		t.Errorf("config = %+v", c)
	}

	d, err := load(config.Sources{})
	if err != nil {
		t.Fatal(err)
	}
	if d.HTTP.Addr != "127.0.0.1:8080" || d.Redis.Configured() || slackOf(d).Enabled() {
		t.Errorf("defaults must bind loopback, use embedded Redis and no Slack: %+v", d)
	}
}

func TestServeProblems(t *testing.T) {
	t.Chdir(t.TempDir())
	_, err := load(config.Sources{Getenv: env(map[string]string{
		"WAYMARK_REDIS_URL":            "http://user:hunter2@redis:6379",
		"WAYMARK_REDIS_ADDRS":          "a:1",
		"WAYMARK_SLACK_SIGNING_SECRET": "s",
		"WAYMARK_SLACK_API_URL":        "not a url",
		"WAYMARK_HTTP_ADDR":            "8080",
	})})
	if err == nil {
		t.Fatal("want errors")
	}
	msg := err.Error()
	for _, want := range []string{
		"redis.url and redis.addrs are both set",
		"redis.url must start with redis://",
		"slack.bot_token is needed",
		"slack.api_url",
		`http.addr "8080" must be host:port`,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "hunter2") {
		t.Errorf("a password was shown: %s", msg)
	}
}

const deskYAML = `
slack:
  bot_token: xoxb-test
  signing_secret: s
consultations:
  specialists:
    psychology: ["slack:U0PSY1", "slack:T01:U0PSY2"]
    prevent: ["slack:U0PRV1"]
  queues:
    psychology: slack:channel:C0PSYQ
    prevent: slack:channel:C0PRVQ
escalation:
  tick: 10s
  policies:
    urgent:
      claim_within: 30m
      levels:
        - {name: duty manager, targets: ["slack:channel:C0DUTY"], acknowledgers: ["slack:U0DUTY1"], repeat: 2, repeat_every: 10m}
        - {name: service manager, targets: ["slack:user:U0SVC"], repeat: 1, repeat_every: 15m}
    routine:
      claim_within_working_days: 2
      levels:
        - {name: duty manager, targets: ["slack:channel:C0DUTY"], acknowledgers: ["slack:U0DUTY1"], repeat: 0, repeat_every: 1h}
`

func TestConsultationSettings(t *testing.T) {
	t.Chdir(t.TempDir())
	c, err := load(config.Sources{File: writeFile(t, "w.yaml", deskYAML)})
	if err != nil {
		t.Fatal(err)
	}
	if !c.Consultations.Enabled() || len(c.Consultations.Specialists["psychology"]) != 2 || c.Consultations.Queues["prevent"] != "slack:channel:C0PRVQ" {
		t.Errorf("consultations = %+v", c.Consultations)
	}
	u := c.Escalation.Policies["urgent"]
	if u.ClaimWithin != 30*time.Minute || len(u.Levels) != 2 || u.Levels[1].RepeatEvery != 15*time.Minute || u.Levels[0].Targets[0] != "slack:channel:C0DUTY" {
		t.Errorf("urgent = %+v", u)
	}
	if c.Escalation.Policies["routine"].ClaimWithinWorkingDays != 2 || c.Escalation.Tick != 10*time.Second || c.Escalation.RiskPolicy != "urgent" {
		t.Errorf("escalation = %+v", c.Escalation)
	}
	if tg, err := config.ParseTarget("slack:T01:user:U0SVC"); err != nil || tg.TeamID != "T01" || tg.Kind != "user" {
		t.Errorf("ParseTarget = %+v, %v", tg, err)
	}
	if tg, err := config.ParseTarget("teams:channel:19:abc@thread.tacv2"); err != nil || tg.ID != "19:abc@thread.tacv2" || tg.Kind != "channel" {
		t.Errorf("ParseTarget(teams) = %+v, %v", tg, err)
	}
}

func TestConsultationProblems(t *testing.T) {
	t.Chdir(t.TempDir())
	bad := strings.NewReplacer("slack:channel:C0PRVQ", "fax:channel:X", "claim_within_working_days: 2", "claim_within_working_days: 0",
		"repeat_every: 15m", "repeat_every: 0s", `prevent: ["slack:U0PRV1"]`, "").Replace(deskYAML)
	_, err := load(config.Sources{File: writeFile(t, "w.yaml", bad)})
	if err == nil {
		t.Fatal("want errors")
	}
	for _, want := range []string{
		"consultations.queues.prevent: target \"fax:channel:X\": only slack, teams and web targets",
		"consultations.specialists.prevent",
		"escalation.policies.routine needs claim_within",
		"escalation.policies.urgent.levels[1] needs repeat_every",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

func TestTeamsSettings(t *testing.T) {
	t.Chdir(t.TempDir())
	c, err := load(config.Sources{Getenv: env(map[string]string{
		"WAYMARK_TEAMS_APP_ID": "00000000-0000-0000-0000-000000000001", "WAYMARK_TEAMS_APP_SECRET": "s",
		"WAYMARK_TEAMS_ALLOWED_TENANTS": "11111111-1111-1111-1111-111111111111,22222222-2222-2222-2222-222222222222",
	})})
	if err != nil {
		t.Fatal(err)
	}
	if !teamsOf(c).Enabled() || len(teamsOf(c).AllowedTenants) != 2 || teamsOf(c).AllowedServiceURLs[0] != "https://smba.trafficmanager.net/" {
		t.Errorf("teams = %+v", teamsOf(c))
	}
	_, err = load(config.Sources{Getenv: env(map[string]string{"WAYMARK_TEAMS_APP_ID": "x", "WAYMARK_TEAMS_TOKEN_URL": "http://plain",
		"WAYMARK_TEAMS_TENANT_ID": "council.onmicrosoft.com", "WAYMARK_TEAMS_ALLOWED_TENANTS": "t1"})})
	for _, want := range []string{"teams.app_id and teams.app_secret are both needed", "teams.token_url",
		`teams.tenant_id "council.onmicrosoft.com" must be the Directory (tenant) ID, a GUID`, `teams.allowed_tenants: "t1" must be a Directory (tenant) ID`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
}

func TestTeamsTargetsNeedTeams(t *testing.T) {
	t.Chdir(t.TempDir())
	yaml := strings.Replace(deskYAML, "slack:channel:C0DUTY", "teams:channel:19:duty", 1)
	_, err := load(config.Sources{File: writeFile(t, "w.yaml", yaml)})
	if err == nil || !strings.Contains(err.Error(), `target "teams:channel:19:duty" needs teams configured`) {
		t.Errorf("error = %v", err)
	}
}

func TestTeamsCredentials(t *testing.T) {
	t.Chdir(t.TempDir())
	cert := writeFile(t, "app.pem", "cert")
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"WAYMARK_TEAMS_APP_ID": "a", "WAYMARK_TEAMS_APP_SECRET": "s", "WAYMARK_TEAMS_CERTIFICATE_FILE": cert, "WAYMARK_TEAMS_PRIVATE_KEY_FILE": cert}, "not both"},
		{map[string]string{"WAYMARK_TEAMS_APP_ID": "a", "WAYMARK_TEAMS_CERTIFICATE_FILE": cert}, "go together"},
		{map[string]string{"WAYMARK_TEAMS_APP_ID": "a", "WAYMARK_TEAMS_CERTIFICATE_FILE": "/no/cert.pem", "WAYMARK_TEAMS_PRIVATE_KEY_FILE": cert}, "/no/cert.pem"},
		{map[string]string{"WAYMARK_TEAMS_APP_ID": "a", "WAYMARK_TEAMS_CERTIFICATE_FILE": cert, "WAYMARK_TEAMS_PRIVATE_KEY_FILE": cert, "WAYMARK_TEAMS_TENANT_ID": "11111111-1111-1111-1111-111111111111"}, ""},
		// no tenant allow-list: refused unless serving every tenant is said out loud
		{map[string]string{"WAYMARK_TEAMS_APP_ID": "a", "WAYMARK_TEAMS_APP_SECRET": "s"}, "teams.allowed_tenants"},
		{map[string]string{"WAYMARK_TEAMS_APP_ID": "a", "WAYMARK_TEAMS_APP_SECRET": "s", "WAYMARK_TEAMS_ALLOWED_TENANTS": "11111111-1111-1111-1111-111111111111"}, ""},
		{map[string]string{"WAYMARK_TEAMS_APP_ID": "a", "WAYMARK_TEAMS_APP_SECRET": "s", "WAYMARK_TEAMS_ALLOW_ANY_TENANT": "true"}, ""},
	} {
		_, err := load(config.Sources{Getenv: env(tc.env)})
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%v: %v", tc.env, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%v: error %v, want %q", tc.env, err, tc.want)
		}
	}
}

// teamsDeskYAML puts the desk on Teams; the test adds the tenant settings.
const teamsDeskYAML = `
teams:
  app_id: 00000000-0000-0000-0000-000000000001
  app_secret: s
consultations:
  specialists:
    psychology: ["teams:22222222-2222-2222-2222-222222222222", "teams:aaaaaaaa-1111-1111-1111-111111111111:33333333-3333-3333-3333-333333333333"]
  queues:
    psychology: teams:channel:19:psy@thread.tacv2
escalation:
  policies:
    urgent:
      claim_within: 30m
      levels:
        - {name: duty manager, targets: ["teams:aaaaaaaa-1111-1111-1111-111111111111:user:44444444-4444-4444-4444-444444444444"], repeat_every: 10m}
    routine:
      claim_within: 4h
      levels:
        - {name: duty manager, targets: ["teams:channel:19:duty@thread.tacv2"], acknowledgers: ["teams:66666666-6666-6666-6666-666666666666"], repeat_every: 1h}
`

// TestTeamsTargetsNameTheirTenant: a bot that serves one tenant (its own,
// or the only allowed one) lets targets leave the tenant out; one that
// serves several refuses every Teams target and specialist without it.
func TestTeamsTargetsNameTheirTenant(t *testing.T) {
	t.Chdir(t.TempDir())
	file := writeFile(t, "w.yaml", teamsDeskYAML)
	for _, tc := range []struct {
		name string
		env  map[string]string
		home string
	}{
		{"single-tenant", map[string]string{"WAYMARK_TEAMS_TENANT_ID": " AAAAAAAA-1111-1111-1111-111111111111 "}, "aaaaaaaa-1111-1111-1111-111111111111"},
		{"one allowed tenant", map[string]string{"WAYMARK_TEAMS_ALLOWED_TENANTS": "aaaaaaaa-1111-1111-1111-111111111111"}, "aaaaaaaa-1111-1111-1111-111111111111"},
		{"one tenant, written twice", map[string]string{"WAYMARK_TEAMS_ALLOWED_TENANTS": "aaaaaaaa-1111-1111-1111-111111111111, AAAAAAAA-1111-1111-1111-111111111111"}, "aaaaaaaa-1111-1111-1111-111111111111"},
	} {
		c, err := load(config.Sources{File: file, Getenv: env(tc.env)})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := teamsOf(c).HomeTenant(); got != tc.home {
			t.Errorf("%s: HomeTenant() = %q, want %q", tc.name, got, tc.home)
		}
		if got := teamsOf(c).Tenants(); len(got) != 1 || !strings.EqualFold(got[0], tc.home) {
			t.Errorf("%s: Tenants() = %q, want [%s]", tc.name, got, tc.home)
		}
	}

	_, err := load(config.Sources{File: file, Getenv: env(map[string]string{
		"WAYMARK_TEAMS_ALLOWED_TENANTS": "aaaaaaaa-1111-1111-1111-111111111111,55555555-5555-5555-5555-555555555555"})})
	if err == nil {
		t.Fatal("several tenants and tenant-less targets loaded")
	}
	for _, want := range []string{
		`target "teams:channel:19:psy@thread.tacv2" must name its tenant (teams:<tenant id>:channel:19:psy@thread.tacv2)`,
		`target "teams:channel:19:duty@thread.tacv2" must name its tenant`,
		`consultations.specialists.psychology: "teams:22222222-2222-2222-2222-222222222222" must name its tenant`,
		`escalation.policies.routine.levels[0].acknowledgers: "teams:66666666-6666-6666-6666-666666666666" must name its tenant`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	for _, refused := range []string{"44444444", "33333333"} { // these name theirs
		if strings.Contains(err.Error(), refused) {
			t.Errorf("a target naming its tenant was refused:\n%v", err)
		}
	}

	// A tenant the bot does not serve, or one that is not a GUID, could
	// never be reached.
	other := strings.Replace(teamsDeskYAML, "teams:channel:19:duty", "teams:council.example:channel:19:duty", 1)
	other = strings.Replace(other, "teams:aaaaaaaa-1111-1111-1111-111111111111:user:", "teams:bbbbbbbb-1111-1111-1111-111111111111:user:", 1)
	_, err = load(config.Sources{File: writeFile(t, "other.yaml", other), Getenv: env(map[string]string{
		"WAYMARK_TEAMS_TENANT_ID": "aaaaaaaa-1111-1111-1111-111111111111"})})
	for _, want := range []string{
		`tenant "council.example" must be a Directory (tenant) ID`,
		`tenant bbbbbbbb-1111-1111-1111-111111111111 is not one the bot serves`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
}

// The web chat has no sign-in, so it is served on loopback only: on any
// other address serve refuses to start, saying why.
func TestWebChatOnlyOnLoopback(t *testing.T) {
	t.Chdir(t.TempDir())
	for addr, ok := range map[string]bool{
		"127.0.0.1:8080": true, "127.0.0.2:8080": true, "[::1]:8080": true, "localhost:8080": true,
		"0.0.0.0:8080": false, ":8080": false, "10.1.2.3:8080": false, "[::]:8080": false, "waymark.council.example:443": false,
	} {
		_, err := load(config.Sources{Getenv: env(map[string]string{"WAYMARK_HTTP_ADDR": addr})})
		switch {
		case ok && err != nil:
			t.Errorf("%s: %v", addr, err)
		case !ok && (err == nil || !strings.Contains(err.Error(), "not loopback")):
			t.Errorf("%s: %v, want a refusal saying the web chat needs loopback", addr, err)
		}
		if _, err := load(config.Sources{Getenv: env(map[string]string{"WAYMARK_HTTP_ADDR": addr, "WAYMARK_HTTP_WEB_CHAT": "false", "WAYMARK_REDIS_URL": "redis://redis.council.example:6379/0"})}); err != nil {
			t.Errorf("%s without the web chat: %v", addr, err)
		}
	}
}

// Off loopback the web chat needs sign-in: with OpenID Connect or links
// configured (and a public URL), serve may listen anywhere; each setting
// is checked, saying what is wrong.
func TestWebSignInSettings(t *testing.T) {
	t.Chdir(t.TempDir())
	oidc := map[string]string{
		"WAYMARK_HTTP_ADDR": "0.0.0.0:8080", "WAYMARK_WEB_PUBLIC_URL": "https://waymark.council.example", "WAYMARK_REDIS_URL": "redis://redis.council.example:6379/0",
		"WAYMARK_WEB_OIDC_ISSUER":    "https://login.microsoftonline.com/11111111-1111-1111-1111-111111111111/v2.0",
		"WAYMARK_WEB_OIDC_CLIENT_ID": "22222222-2222-2222-2222-222222222222", "WAYMARK_WEB_OIDC_CLIENT_SECRET": "s",
	}
	c, err := load(config.Sources{Getenv: env(oidc)})
	if err != nil {
		t.Fatal(err)
	}
	if !c.Web.SignIn() || c.Web.SessionTTL != 8*time.Hour || c.Web.OIDC.NameClaim != "name" || c.Web.LinkTTL != 10*time.Minute {
		t.Errorf("web = %+v", c.Web)
	}
	with := func(over map[string]string) map[string]string {
		m := map[string]string{}
		for k, v := range oidc {
			m[k] = v
		}
		for k, v := range over {
			m[k] = v
		}
		return m
	}
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{with(map[string]string{"WAYMARK_WEB_PUBLIC_URL": ""}), "web.public_url is needed for sign-in"},
		{with(map[string]string{"WAYMARK_WEB_PUBLIC_URL": "http://waymark.council.example"}), "must be https"},
		{with(map[string]string{"WAYMARK_WEB_PUBLIC_URL": "https://waymark.council.example/chat"}), "bare origin"},
		{with(map[string]string{"WAYMARK_WEB_OIDC_ISSUER": "https://login.microsoftonline.com/common/v2.0"}), "not common or organizations"},
		{with(map[string]string{"WAYMARK_WEB_OIDC_ISSUER": "http://idp.council.example"}), "https issuer URL"},
		{with(map[string]string{"WAYMARK_WEB_OIDC_CLIENT_SECRET": ""}), "client_secret are both needed"},
		{with(map[string]string{"WAYMARK_WEB_SESSION_TTL": "1000h"}), "web.session_ttl"},
		{with(map[string]string{"WAYMARK_WEB_OIDC_ISSUER": "", "WAYMARK_WEB_OIDC_CLIENT_ID": ""}), "no sign-in is configured"},
		{with(map[string]string{"WAYMARK_WEB_OIDC_ISSUER": "", "WAYMARK_WEB_LINKS": "true"}), "web.links needs Slack or Teams"},
	} {
		_, err := load(config.Sources{Getenv: env(tc.env)})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want %q", tc.env, err, tc.want)
		}
	}
	// A local provider on loopback, for tests and trials, may be http.
	if _, err := load(config.Sources{Getenv: env(with(map[string]string{"WAYMARK_WEB_OIDC_ISSUER": "http://127.0.0.1:9999"}))}); err != nil {
		t.Errorf("a loopback issuer: %v", err)
	}
}

// A level that posts to a channel must say who may acknowledge it: being
// in the channel is no authority. Acknowledgers are people of a
// configured platform, written as specialists are.
func TestChannelLevelsNeedAcknowledgers(t *testing.T) {
	t.Chdir(t.TempDir())
	for _, tc := range []struct{ from, to, want string }{
		{`acknowledgers: ["slack:U0DUTY1"], repeat: 2`, `repeat: 2`, "escalation.policies.urgent.levels[0] posts to a channel, so it needs acknowledgers"},
		{`acknowledgers: ["slack:U0DUTY1"], repeat: 2`, `acknowledgers: ["teams:abc"], repeat: 2`, `acknowledgers: "teams:abc": name a configured platform`},
	} {
		yaml := strings.Replace(deskYAML, tc.from, tc.to, 1)
		if yaml == deskYAML {
			t.Fatalf("%q is not in the desk's YAML", tc.from)
		}
		_, err := load(config.Sources{File: writeFile(t, "w.yaml", yaml)})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v, want %q", err, tc.want)
		}
	}
}

// Off loopback a deployed Waymark needs Redis: the in-process one loses
// every consultation on restart, so it is used there only when asked for.
func TestDeployedNeedsRedis(t *testing.T) {
	t.Chdir(t.TempDir())
	base := map[string]string{"WAYMARK_HTTP_ADDR": "0.0.0.0:8080", "WAYMARK_HTTP_WEB_CHAT": "false"}
	if _, err := load(config.Sources{Getenv: env(base)}); err == nil || !strings.Contains(err.Error(), "no Redis is configured") {
		t.Errorf("off loopback without Redis: %v", err)
	}
	base["WAYMARK_REDIS_EMBEDDED"] = "true"
	if _, err := load(config.Sources{Getenv: env(base)}); err != nil {
		t.Errorf("with redis.embedded: %v", err)
	}
	if _, err := load(config.Sources{Getenv: env(map[string]string{})}); err != nil {
		t.Errorf("the local demo: %v", err)
	}
}

// Web people: specialists, duty managers, leads and corpus owners who sign
// in with the identity provider are written web:<identity claim>, and
// prompted as web:user:<identity>; without OpenID Connect no one could sign
// in as them, and the web has no channels.
func TestWebPeople(t *testing.T) {
	t.Chdir(t.TempDir())
	web := deskYAML + `
web:
  public_url: https://waymark.council.example
  oidc: {issuer: "https://login.council.example", client_id: c, client_secret: s}
console:
  leads: ["web:Lead@Council.example", "slack:U0LEAD"]
  corpus_owners: ["web:owner@council.example"]
`
	web = strings.Replace(web, `prevent: ["slack:U0PRV1"]`, `prevent: ["slack:U0PRV1", "web:Sam.Okafor@council.example"]`, 1)
	web = strings.Replace(web, `targets: ["slack:user:U0SVC"]`, `targets: ["slack:user:U0SVC", "web:user:svc@council.example"]`, 1)
	c, err := load(config.Sources{File: writeFile(t, "w.yaml", web)})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Specialist("web:Sam.Okafor@council.example"); got != "web:sam.okafor@council.example" {
		t.Errorf("web specialist = %q", got)
	}
	if tg, err := c.Target("web:user:SVC@council.example"); err != nil || tg.Platform != "web" || tg.Kind != "user" || tg.ID != "svc@council.example" {
		t.Errorf("web target = %+v, %v", tg, err)
	}
	if c.Web.OIDC.IdentityClaim != "email" || len(c.Console.Leads) != 2 || c.Console.CorpusOwners[0] != "web:owner@council.example" {
		t.Errorf("console = %+v, identity claim %q", c.Console, c.Web.OIDC.IdentityClaim)
	}

	for _, tc := range []struct{ from, to, want string }{
		{"oidc: {issuer", "oidcx: {issuer", `"web:Sam.Okafor@council.example": a web person signs in with the council's identity provider, so web.oidc must be set up`},
		{`"web:user:svc@council.example"`, `"web:channel:duty"`, `target "web:channel:duty": a web target is a person`},
		{`"web:owner@council.example"`, `"web:"`, `console.corpus_owners: "web:": write a web person as web:<their email>`},
		{`"slack:U0LEAD"`, `"fax:U0LEAD"`, `console.leads: "fax:U0LEAD": name a configured platform's person`},
	} {
		yaml := strings.Replace(web, tc.from, tc.to, 1)
		if yaml == web {
			t.Fatalf("%q is not in the YAML", tc.from)
		}
		if tc.from == "oidc: {issuer" {
			yaml = strings.Replace(yaml, "oidcx: {issuer: \"https://login.council.example\", client_id: c, client_secret: s}", "links: true", 1)
		}
		_, err := load(config.Sources{File: writeFile(t, "w.yaml", yaml)})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s -> %s: error %v, want %q", tc.from, tc.to, err, tc.want)
		}
	}
}
