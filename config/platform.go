package config

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// A Platform is a chat platform's section of the configuration, which Load
// reads under its name: handlers/slack reads slack.*, handlers/teams reads
// teams.*. Config knows nothing else about any platform.
type Platform interface {
	// Name is the section's name and the first word of the platform's
	// targets ("slack:channel:C0123").
	Name() string
	// Settings returns new settings holding their defaults: a pointer to a
	// struct whose fields have mapstructure tags, one per key. Load fills
	// it from the file, the environment and the flags.
	Settings() Section
}

// A Section is one platform's settings.
type Section interface {
	// Enabled reports whether the platform is configured, so that Waymark
	// connects it.
	Enabled() bool
	// Check lists every problem with the settings, each naming its key
	// (slack.bot_token); it may first tidy them (tenant ids in lower case).
	Check() []string
	// Target checks a queue or escalation target on the platform, written
	// as what says, and returns it as the desk addresses it.
	Target(what string, t Target) (Target, []string)
	// Person checks a specialist on the platform ("slack:U0123",
	// "slack:group:S0123"), written as what says, and returns it as the
	// desk knows them.
	Person(what, who string) (string, []string)
}

// sectionKeys lists a section's keys ("slack.bot_token") with their
// defaults, read from its struct's mapstructure tags and values.
func sectionKeys(name string, s Section) (map[string]any, error) {
	v := reflect.ValueOf(s)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return nil, fmt.Errorf("platform %s: settings must be a pointer to a struct, not %T", name, s)
	}
	v = v.Elem()
	keys := map[string]any{}
	for i := range v.NumField() {
		f := v.Type().Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("mapstructure"), ",")
		if !f.IsExported() || tag == "" || tag == "-" {
			continue
		}
		d := v.Field(i).Interface()
		if f.Type.Kind() == reflect.Slice && v.Field(i).IsNil() {
			d = reflect.MakeSlice(f.Type, 0, 0).Interface()
		}
		keys[name+"."+tag] = d
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("platform %s: settings %T have no mapstructure keys", name, s)
	}
	return keys, nil
}

// platformKeys is every platform's keys with their defaults, and a new
// section of each.
func platformKeys(platforms []Platform) (map[string]any, map[string]Section, []string, error) {
	keys := map[string]any{}
	sections := map[string]Section{}
	var order []string
	for _, p := range platforms {
		name := p.Name()
		if _, ok := sections[name]; ok || name == "" || strings.ContainsAny(name, ".:") {
			return nil, nil, nil, fmt.Errorf("platform name %q is empty, repeated or holds '.' or ':'", name)
		}
		if slices.ContainsFunc(Keys(), func(k string) bool { return strings.HasPrefix(k, name+".") }) {
			return nil, nil, nil, fmt.Errorf("platform %s: the name is a section of Waymark's own", name)
		}
		s := p.Settings()
		ks, err := sectionKeys(name, s)
		if err != nil {
			return nil, nil, nil, err
		}
		for k, d := range ks {
			keys[k] = d
		}
		sections[name] = s
		order = append(order, name)
	}
	return keys, sections, order, nil
}

// parseTarget reads a desk target and checks that its platform is one
// Waymark serves.
func (c *Config) parseTarget(s string) (Target, error) {
	t, err := ParseTarget(s)
	if err != nil {
		return t, err
	}
	if _, ok := c.Platforms[t.Platform]; !ok && t.Platform != "web" {
		return t, fmt.Errorf("target %q: only %s and web targets can be prompted", s, strings.ReplaceAll(orList(c.order), " and ", ", "))
	}
	return t, nil
}

// webTarget lists the problems of a web target t, written as what says: a
// person signed in with the identity provider, who is prompted in the
// console and the web chat; a web page has no channels.
func (c *Config) webTarget(what string, t Target) []string {
	if t.Kind != "user" || t.TeamID != "" {
		return []string{what + ": a web target is a person, web:user:<identity>; the web has no channels"}
	}
	return c.webPerson(what, "web:"+t.ID)
}

// Target is the desk target s, as its platform addresses it (a Teams
// target given the bot's only tenant). Load has checked every configured
// target.
func (c *Config) Target(s string) (Target, error) {
	t, err := c.parseTarget(s)
	if err != nil {
		return t, err
	}
	if t.Platform == "web" {
		t.ID = WebPerson("web:" + t.ID)
		return t, nil
	}
	t, problems := c.Platforms[t.Platform].Target(fmt.Sprintf("target %q", s), t)
	if len(problems) > 0 {
		return t, fmt.Errorf("%s", strings.Join(problems, "; "))
	}
	return t, nil
}

// Specialist is the specialist who, as their platform knows them; who
// names no known platform is returned as written.
func (c *Config) Specialist(who string) string {
	if id := WebPerson(who); id != "" {
		return "web:" + id
	}
	name, _, _ := strings.Cut(strings.TrimSpace(who), ":")
	if s, ok := c.Platforms[name]; ok {
		out, _ := s.Person("", who)
		return out
	}
	return who
}

// orList writes names as "a, b and c".
func orList(names []string) string {
	switch len(names) {
	case 0:
		return "no"
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
