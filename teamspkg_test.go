package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// teamsSchema is Microsoft's Teams app manifest schema v1.17, compiled.
func teamsSchema(tb testing.TB) *jsonschema.Schema {
	tb.Helper()
	const path = "deploy/teams/schema/MicrosoftTeams.v1.17.schema.json"
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		tb.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("file:///"+path, doc); err != nil {
		tb.Fatal(err)
	}
	s, err := c.Compile("file:///" + path)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// TestTeamsPackage: `waymark teams package` writes a zip Teams accepts:
// the three files at its root, a manifest valid against Microsoft's schema
// naming the bot, the council's domain and the version, and icons of the
// sizes Teams needs (the outline white on transparent).
func TestTeamsPackage(t *testing.T) {
	const appID = "0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0"
	out := filepath.Join(t.TempDir(), "app.zip")
	stdout, stderr, err := runWaymark(t, "", "teams", "package", "--app-id", appID, "--domain", "waymark.wyvernvale.example", "--version", "1.2.3", "--out", out)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if !strings.Contains(stdout, out) {
		t.Errorf("stdout %q does not name the file", stdout)
	}
	zr, err := zip.OpenReader(out)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	files := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		files[f.Name] = b
	}
	names := slices.Sorted(func(yield func(string) bool) {
		for n := range files {
			if !yield(n) {
				return
			}
		}
	})
	if !slices.Equal(names, []string{"color.png", "manifest.json", "outline.png"}) {
		t.Fatalf("zip holds %q, want the manifest and two icons at its root", names)
	}

	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(files["manifest.json"]))
	if err != nil {
		t.Fatal(err)
	}
	if err := teamsSchema(t).Validate(doc); err != nil {
		t.Errorf("manifest.json is not valid against the v1.17 schema:\n%v", err)
	}
	var m struct {
		ID, Version  string
		Bots         []struct{ BotID string }
		ValidDomains []string
		Developer    struct{ WebsiteURL, PrivacyURL string }
	}
	if err := json.Unmarshal(files["manifest.json"], &m); err != nil {
		t.Fatal(err)
	}
	lower := strings.ToLower(appID)
	if m.ID != lower || len(m.Bots) != 1 || m.Bots[0].BotID != lower || m.Version != "1.2.3" {
		t.Errorf("manifest id %q, bots %+v, version %q", m.ID, m.Bots, m.Version)
	}
	if !slices.Equal(m.ValidDomains, []string{"waymark.wyvernvale.example"}) || !strings.HasPrefix(m.Developer.PrivacyURL, "https://waymark.wyvernvale.example/") {
		t.Errorf("domains %q, developer %+v", m.ValidDomains, m.Developer)
	}
	if strings.Contains(string(files["manifest.json"]), "{{") || strings.Contains(string(files["manifest.json"]), "your-council") {
		t.Errorf("a placeholder is left:\n%s", files["manifest.json"])
	}

	for _, icon := range teamsIcons {
		img, err := png.Decode(bytes.NewReader(files[icon.name]))
		if err != nil {
			t.Fatalf("%s: %v", icon.name, err)
		}
		if b := img.Bounds(); b.Dx() != icon.size || b.Dy() != icon.size {
			t.Errorf("%s is %v, want %d×%d", icon.name, b, icon.size, icon.size)
		}
	}
	// The outline icon: white or transparent pixels only, some of each.
	img, _ := png.Decode(bytes.NewReader(files["outline.png"]))
	var white, clear int
	for y := range 32 {
		for x := range 32 {
			r, g, b, a := img.At(x, y).RGBA()
			switch {
			case a == 0:
				clear++
			case r == a && g == a && b == a: // white, at any opacity (premultiplied)
				white++
			default:
				t.Fatalf("outline.png pixel (%d,%d) is coloured: %d %d %d %d", x, y, r, g, b, a)
			}
		}
	}
	if white == 0 || clear == 0 {
		t.Errorf("outline.png has %d white and %d transparent pixels, want both", white, clear)
	}
}

// TestTeamsPackageTemplateIsValid: the manifest kept in deploy/teams, with
// its placeholders filled, is valid, so a council building the zip by hand
// as the guide says gets a valid package too.
func TestTeamsPackageTemplateIsValid(t *testing.T) {
	raw, err := os.ReadFile("deploy/teams/manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	filled := strings.ReplaceAll(string(raw), placeholderAppID, "00000000-0000-0000-0000-000000000000")
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(filled))
	if err != nil {
		t.Fatal(err)
	}
	if err := teamsSchema(t).Validate(doc); err != nil {
		t.Errorf("deploy/teams/manifest.json is not valid:\n%v", err)
	}
	// And the schema does catch a broken manifest.
	broken := strings.Replace(filled, `"manifestVersion": "1.17"`, `"manifestVersion": "1.17", "botz": []`, 1)
	doc, err = jsonschema.UnmarshalJSON(strings.NewReader(broken))
	if err != nil {
		t.Fatal(err)
	}
	if err := teamsSchema(t).Validate(doc); err == nil {
		t.Error("a manifest with an unknown property passed the schema")
	}
}

// TestTeamsPackageProblems: every problem with the arguments is reported at
// once, and no file is written.
func TestTeamsPackageProblems(t *testing.T) {
	out := filepath.Join(t.TempDir(), "app.zip")
	_, _, err := runWaymark(t, "", "teams", "package", "--app-id", "my-bot", "--domain", "https://council.example/waymark", "--version", "2", "--out", out)
	if err == nil {
		t.Fatal("bad arguments were accepted")
	}
	for _, want := range []string{`app id "my-bot" is not a GUID`, `--domain "https://council.example/waymark" must be a host name`, `--version "2" must be three numbers`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a package was written: %v", err)
	}
	_, _, err = runWaymark(t, "", "teams", "package", "--out", out)
	if err == nil || !strings.Contains(err.Error(), "the app id is missing: set teams.app_id or --app-id") || !strings.Contains(err.Error(), "--domain is missing") {
		t.Errorf("error = %v", err)
	}
}
